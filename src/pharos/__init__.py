"""Pharos: multi-agency, cross-border action against trafficking in human beings.

One domain core (:mod:`pharos.domain`) and four faces: exercise, coordinate, simulate, learn.
"""

__version__ = "0.1.0"
