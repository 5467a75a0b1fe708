"""Reading a request body (HTML form or JSON) into a plain dict for ``Fields``."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

from pharos.i18n import _


async def body(request: Request) -> dict[str, Any]:
    """Form fields (repeated fields become lists) or a JSON object."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/json"):
        try:
            data = await request.json()
        except ValueError as exc:
            raise HTTPException(400, _("The request body is not valid JSON.")) from exc
        if not isinstance(data, dict):
            raise HTTPException(400, _("The request body must be a JSON object."))
        return data
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = values if len(values) > 1 else (values[0] if values else "")
    return out
