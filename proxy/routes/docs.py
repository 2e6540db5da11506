"""GET /docs: Swagger UI for /openapi.json, its assets served by the proxy itself (no CDN).

FastAPI's own /docs loads Swagger UI from a CDN, blank offline. The assets come from the pinned
`fastapi-offline` package (Swagger UI's swagger-ui-bundle.js and swagger-ui.css in its wheel);
the page is FastAPI's own Swagger UI HTML pointed at them. Its Content-Security-Policy lets the
page load nothing but this origin, so a future asset that reaches out is refused by the browser.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
FAVICON_PATH = "/static/favicon.svg"  # the upload page's own icon (FastAPI's default is a remote one)
# validatorUrl: Swagger UI would otherwise send the schema to validator.swagger.io for a badge.
SWAGGER_UI_PARAMETERS = {"validatorUrl": None}


def swagger_ui_page(title: str, openapi_url: str) -> str:
    response = get_swagger_ui_html(
        openapi_url=openapi_url,
        title=f"{title} - API docs",
        swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=FAVICON_PATH,
        swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
    )
    return response.body.decode()


def content_security_policy(page: str) -> str:
    """Only this origin; the page's one inline script allowed by its hash. Swagger UI sets inline
    styles and draws icons as data: images."""
    inline = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline)
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def install_docs(app: FastAPI) -> None:
    """Mounts the assets and adds GET /docs (create the app with docs_url=None, redoc_url=None)."""
    page = swagger_ui_page(app.title, app.openapi_url)
    headers = {"Content-Security-Policy": content_security_policy(page)}
    router = APIRouter(tags=["docs"])

    @router.get(DOCS_PATH, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page, headers=headers)

    app.include_router(router)
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
