"""The interactive API documentation at ``/docs``, served with no internet: the Swagger UI
files come from an installed package (``fastapi-offline``), not from a CDN."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
MOUNT = "/docs-assets"


def mount(app: FastAPI, *, openapi_url: str) -> None:
    app.mount(MOUNT, StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title="matcher — API",
            swagger_js_url=f"{MOUNT}/swagger-ui-bundle.js",
            swagger_css_url=f"{MOUNT}/swagger-ui.css",
            swagger_favicon_url=f"{MOUNT}/favicon.png",
        )
