"""Screening in the field without a connection (issue 20, item 6).

An installable page, ``/screenings/offline/``, with the screening form: opened once while online
(signed in), a service worker keeps it and its files, so that it opens again with no network.
Screenings done there are kept in the browser's IndexedDB, encrypted with AES-GCM under a key
derived from the user's passphrase (PBKDF2; docs/security.md, "Screening without a connection"),
and sent when the connection returns through the API (``POST /api/v1/screenings`` with the
session's CSRF token and an ``Idempotency-Key``: a retried sync stores nothing twice). The
server's result decides; the page shows a provisional one computed from the rule's data
exported here (``rules.json``, :mod:`pharos.domain.rule_data`), never re-typed.

Everything Pharos serves itself: the page, ``static/screening-offline.js`` (the page),
``static/screening-rule.js`` (the rule's logic), ``static/screening-sw.js`` (the service worker,
served from here so that its scope is this folder), the manifest and the icon. No third-party
code: IndexedDB, Web Crypto and service workers are the browser's own.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from pharos.coordinate.permissions import Principal, require
from pharos.domain.explain import PRESUMPTION_LABELS
from pharos.domain.indicators import Dimension
from pharos.domain.rule_data import rule_data
from pharos.i18n import _, current_locale, is_rtl, ngettext
from pharos.web.deps import Auth, signed_in
from pharos.web.routes.screening import form_context
from pharos.web.templating import render

router = APIRouter(include_in_schema=False)
BASE = "/screenings/offline/"
#: the files the page needs, kept by the service worker (the page itself is kept apart: it is
#: asked of the network first, so that a signed-in user gets the newest)
ASSETS = (
    "/static/pharos.css",
    "/static/pharos.js",
    "/static/screening-offline.css",
    "/static/screening-offline.js",
    "/static/screening-rule.js",
    "/static/pharos-icon.svg",
    BASE + "rules.json",
    BASE + "manifest.webmanifest",
)
#: at least this many characters in a passphrase (docs/security.md)
PASSPHRASE_MIN = 10
#: PBKDF2-HMAC-SHA-256 iterations (OWASP Password Storage Cheat Sheet, 2023: 600,000)
PBKDF2_ITERATIONS = 600_000


def _static(name: str) -> bytes:
    return resources.files("pharos.web").joinpath("static", name).read_bytes()


@cache
def assets_version() -> str:
    """A digest of the files the service worker keeps: a new one replaces the kept copies."""
    digest = hashlib.sha256(rule_data()["version"].encode())
    for path in ASSETS:
        if path.startswith("/static/"):
            digest.update(_static(path.removeprefix("/static/")))
    digest.update(_static("screening-sw.js"))
    return digest.hexdigest()[:16]


@router.get(BASE + "rules.json")
def rules() -> dict[str, Any]:
    """The screening rule's data (public: the published ILO/EC indicators and rule)."""
    return rule_data()


@router.get("/screenings/offline")
def without_slash() -> Response:
    return RedirectResponse(BASE, status_code=303)


@router.get(BASE + "sw.js")
def service_worker() -> Response:
    """The service worker, with the list of files to keep and their version."""
    config = {"cache": f"pharos-offline-{assets_version()}", "page": BASE, "assets": ASSETS}
    text = f"const PHAROS_OFFLINE = {json.dumps(config)};\n" + _static("screening-sw.js").decode()
    return Response(
        text,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},  # the browser checks for a new one on each visit
    )


@router.get(BASE + "manifest.webmanifest")
def manifest() -> Response:
    """What makes the page installable (Web App Manifest)."""
    body = {
        "name": _("Pharos screening without a connection"),
        "short_name": _("Screening"),
        "description": _(
            "Screen a person against the ILO/EC indicators, with or without a connection."
        ),
        "lang": current_locale(),
        "dir": "rtl" if is_rtl() else "ltr",
        "start_url": BASE,
        "scope": BASE,
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#0f2a3d",
        "icons": [
            {"src": "/static/pharos-icon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JSONResponse(body, media_type="application/manifest+json")


@router.get(BASE)
def page(request: Request, p: Principal = Depends(signed_in)) -> Response:
    """The offline screening page (for those who may screen)."""
    require(p, "screening", "create")
    messages = {
        "presumptions": {k.value: _(v) for k, v in PRESUMPTION_LABELS.items()},
        "passphrase_min": PASSPHRASE_MIN,
        "iterations": PBKDF2_ITERATIONS,
        "dimensions": [d.value for d in Dimension],
        "online": _("Online"),
        "offline": _("Offline: screenings are kept on this device"),
        "too_short": ngettext(
            "At least %(num)d character.", "At least %(num)d characters.", PASSPHRASE_MIN
        )
        % {"num": PASSPHRASE_MIN},
        "differ": _("The two passphrases differ."),
        "wrong": _("Wrong passphrase."),
        "unlocked": _("Unlocked."),
        "locked": _("Locked."),
        "waiting": _("Waiting to be sent: %(num)s"),
        "kept": _("Kept on this device, encrypted. It is sent when the connection returns."),
        "provisional": _("Provisional result (this device): %(result)s."),
        "sending": _("Sending…"),
        "sent": _("Stored on the server: %(label)s — %(result)s"),
        "differs": _("The server's result differs from the provisional one; the server's decides."),
        "open": _("Open the screening"),
        "all_sent": _("Everything kept on this device was sent."),
        "nothing": _("Nothing to send."),
        "no_network": _("No connection: the screenings stay on this device."),
        "sign_in": _("Sign in again to send them: the screenings stay on this device."),
        "sign_in_link": _("Sign in"),
        "forbidden": _("Your account may not record screenings."),
        "refused": _("Refused by the server: %(reason)s"),
        "unlock_first": _("Enter your passphrase first."),
        "record_something": _(
            "Record at least one indicator as observed or ruled out, or a dimension as explored."
        ),
        "some_refused": _(
            "The server refused some screenings; they stay on this device with the reason."
        ),
        "remove": _("Remove from this device"),
        "remove_confirm": _(
            "Remove this screening from this device? It has not been sent and cannot be recovered."
        ),
        "removed": _("Removed from this device."),
        "unsupported": _(
            "This browser cannot keep screenings encrypted (it lacks Web Crypto, IndexedDB "
            "or service workers). Use the online form."
        ),
    }
    return render(
        request,
        "screening/offline.html",
        {**form_context(), "messages": messages, "passphrase_min": PASSPHRASE_MIN},
    )


@router.get(BASE + "session.json")
def session(request: Request, p: Principal = Depends(signed_in)) -> Response:
    """The session's CSRF token, asked for just before a sync (the page kept on the device may
    be older than the session); only the page's own origin can read it."""
    require(p, "screening", "create")
    auth: Auth = request.state.auth
    return JSONResponse({"csrf_token": auth.csrf_token}, headers={"Cache-Control": "no-store"})
