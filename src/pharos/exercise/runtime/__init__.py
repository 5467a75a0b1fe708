"""Running exercises: sessions, the event store, the server's hub, what each person sees."""
