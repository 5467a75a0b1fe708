"""Each exercise's case files: a sandbox database of the server's schema, filled by the
projector through the server's case tools."""
