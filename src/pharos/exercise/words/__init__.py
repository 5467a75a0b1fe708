"""The exercise's codes and ids in the reader's words."""
