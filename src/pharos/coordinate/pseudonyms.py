"""Keyed pseudonyms for persons shown to readers in another state.

A pseudonym is ``P-`` and eight hexadecimal digits of HMAC-SHA-256 over the case reference and
the person's id, keyed by the server's secret (``PHAROS_SECRET_KEY`` or the key generated once in
the data folder). The same person in the same case always gets the same pseudonym on one server;
without the key nobody can recompute it from the reference or link it across servers.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy.orm import Session

#: the key under which the server's secret travels in ``Session.info`` (set by ``create_app``)
SESSION_KEY = "pharos_secret_key"


def pseudonym(key: bytes, reference: str, person_id: int) -> str:
    """The pseudonym of person ``person_id`` in case ``reference`` under secret ``key``."""
    if not key:
        raise ValueError("a pseudonym needs a non-empty secret key")
    message = f"{reference}:{person_id}".encode()
    digest = hmac.new(key, message, hashlib.sha256).hexdigest()[:8].upper()
    return f"P-{digest}"


def secret_key(session: Session) -> bytes:
    """The server's secret carried by ``session`` (its factory was made with the key)."""
    key = session.info.get(SESSION_KEY)
    if not isinstance(key, bytes) or not key:
        raise RuntimeError("this database session has no server secret (see pharos.web.settings)")
    return key
