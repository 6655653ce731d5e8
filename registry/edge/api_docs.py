"""The API documentation pages under ``/schema``, served entirely from the registry.

Swagger UI's files come from the ``swagger-ui-bundle`` package and are served at
``/schema/assets/``; the page starts it with a script file of ours. Nothing is loaded
from another host, so the pages work under a Content-Security-Policy of ``'self'``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import swagger_ui_bundle  # type: ignore[import-untyped]  # ships no type information
from litestar import Request, Router, get
from litestar.datastructures import ResponseHeader
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.response import File
from markupsafe import escape

from registry.edge.openapi import CompletedJsonRenderPlugin
from registry.edge.templating import asset

SWAGGER_DIR: Final = Path(str(swagger_ui_bundle.swagger_ui_path))
SWAGGER_FILES: Final = frozenset({"swagger-ui.css", "swagger-ui-bundle.js"})
DOCS_CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'; object-src 'none'"
)
"""Swagger UI sets style attributes from its scripts and draws icons as data: images."""
ASSET_MAX_AGE: Final = 86_400


class SwaggerPage(OpenAPIRenderPlugin):
    """Swagger UI at ``/schema/swagger`` (and ``/schema``), from the registry's own files."""

    def __init__(self) -> None:
        super().__init__(path=["/swagger"])

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = escape(openapi_schema.get("info", {}).get("title", "API"))
        url = escape(self.get_openapi_json_route(request))
        return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: API documentation</title>
<link rel="stylesheet" href="/schema/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-url="{url}"></div>
<script src="/schema/assets/swagger-ui-bundle.js"></script>
<script src="{escape(asset("docs/swagger-start.js"))}"></script>
</body>
</html>
""".encode()


@get("/assets/{name:str}", include_in_schema=False)
async def docs_asset(name: str) -> File:
    """One file of Swagger UI, from the installed package."""
    if name not in SWAGGER_FILES:
        raise NotFoundException(f"no documentation asset {name!r}")
    return File(
        SWAGGER_DIR / name,
        content_disposition_type="inline",
        headers={"cache-control": f"public, max-age={ASSET_MAX_AGE}"},
    )


def openapi_config() -> OpenAPIConfig:
    """The OpenAPI document at ``/schema/openapi.json`` and its pages, under ``DOCS_CSP``."""
    return OpenAPIConfig(
        title="Trust-label registry",
        version="1",
        path="/schema",
        render_plugins=[CompletedJsonRenderPlugin(), SwaggerPage()],
        openapi_router=Router(
            "/schema",
            route_handlers=[docs_asset],
            include_in_schema=False,
            response_headers=[ResponseHeader(name="content-security-policy", value=DOCS_CSP)],
        ),
    )
