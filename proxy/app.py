"""Builds the FastAPI app from Settings: one httpx client for its lifetime, routers, CORS, host guard, errors."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from proxy.cors import install_cors
from proxy.errors import install_error_handlers
from proxy.hosts import HostGuard
from proxy.keys import KeySource
from proxy.routes import health, inference, model, page
from proxy.routes.docs import install_docs
from proxy.routes.page import STATIC_DIR
from proxy.settings import Settings
from proxy.torchserve import TorchServe, new_http_client

API_VERSION = "1.0.0"


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with new_http_client(settings) as http:
            keys = KeySource(settings.key_file, settings.inference_key, settings.management_key)
            app.state.torchserve = TorchServe(http, settings, keys)
            yield

    app = FastAPI(
        title="Deepfake detector API",
        version=API_VERSION,
        summary="Gateway in front of TorchServe's deepfake model, for the Chrome extension and the upload page.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's /docs loads Swagger UI from a CDN: proxy/routes/docs.py serves its own
        redoc_url=None,
    )
    app.state.settings = settings
    for router in (health.router, model.router, inference.router):
        app.include_router(router, prefix="/api")
    app.include_router(page.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_docs(app)
    install_error_handlers(app)
    install_cors(app, settings.cors_origins)
    app.add_middleware(HostGuard, allowed_hosts=settings.allowed_hosts)  # outermost: checked first
    return app
