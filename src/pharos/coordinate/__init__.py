"""Coordinate: the case tools practitioners use — services over the store, no HTTP here."""
