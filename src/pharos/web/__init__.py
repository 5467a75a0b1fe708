"""The web face: FastAPI app, server-rendered pages and the JSON API. Thin: parse, call a
service, render."""
