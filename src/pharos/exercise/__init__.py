"""The exercise face: a live, multi-team, simulation-based exercise in the browser.

Subpackages, each importing only those before it (``tests/unit/test_imports.py``): ``scenario``
(the scenario format), ``words`` (codes and ids in the reader's words), ``rules`` (the engine and
the player actions; no database, no web), ``story`` (the timeline and the inboxes, told),
``report`` and ``sandbox`` (the after-action report; the case files), ``runtime`` (sessions, the
event store, the server's hub, what each person sees). See docs/architecture.md and
docs/exercise.md.
"""
