"""What happened in an exercise, told in the reader's language: the timeline, the inboxes."""
