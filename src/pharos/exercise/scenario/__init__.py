"""The exercise scenario format: its schema, loading and checking a file, its translations."""
