"""The API's documentation page (``/api/v1/docs``): Swagger UI 5 from the ``swagger-ui-bundle-v2``
package installed with Pharos (its module is ``swagger_ui_bundle``; Swagger UI 4, in the package
``swagger-ui-bundle``, cannot read OpenAPI 3.1: "Unable to render this definition"), served by
Pharos itself, so that the page works offline and under
the Content-Security-Policy (``script-src 'self'``; FastAPI's own page loads Swagger UI from a CDN,
which the policy blocks: the page was blank). No inline script: ``static/api-docs.js`` starts
Swagger UI on the description named by the page."""

from __future__ import annotations

from html import escape
from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from pharos.i18n import _, current_locale

router = APIRouter(include_in_schema=False)

#: The files of Swagger UI the page uses, with their media types.
ASSETS = {
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui.css": "text/css",
}
PREFIX = "/api/v1"


def assets_folder() -> Path:
    """Where the installed ``swagger-ui-bundle-v2`` package keeps Swagger UI's files."""
    return Path(swagger_ui_bundle.swagger_ui_path)


@router.get(f"{PREFIX}/docs")
def api_docs(request: Request) -> HTMLResponse:
    """The documentation page: Swagger UI on ``/api/v1/openapi.json``."""
    title = escape(_("Pharos API"))
    openapi = escape(request.app.openapi_url or f"{PREFIX}/openapi.json")
    page = f"""<!doctype html>
<html lang="{escape(current_locale())}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{PREFIX}/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{PREFIX}/docs/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""
    return HTMLResponse(page)


@router.get(PREFIX + "/docs/{name}")
def api_docs_asset(name: str) -> FileResponse:
    """One of Swagger UI's files (:data:`ASSETS` only)."""
    media = ASSETS.get(name)
    if media is None:
        raise HTTPException(404, _("There is nothing here, or you may not see it."))
    return FileResponse(
        assets_folder() / name,
        media_type=media,
        headers={"Cache-Control": "public, max-age=86400"},
    )
