"""Open data over HTTP: the streamed exports, the snapshot files and the /data page.

Thin handlers: the exports stream what ``OpenData`` yields page by page (never the whole
set in memory); a snapshot file is sent from disk as the exact bytes whose SHA-256 the
log holds; the /data page explains the files, their fields and their licence.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Request, get
from litestar.datastructures import ETag
from litestar.exceptions import NotFoundException
from litestar.openapi import ResponseSpec
from litestar.response import File, Stream

from registry.edge import http, templating
from registry.edge.answers import Answer
from registry.edge.app_state import registry_of
from registry.edge.pages import page_context
from registry.opendata.schemas import FIELDS_EN
from registry.opendata.service import KEEP_DAYS, LICENCE, OpenData

JSONL: Final = "application/jsonl"
CSV: Final = "text/csv; charset=utf-8"
GZIP: Final = "application/gzip"
SNAPSHOT_MAX_AGE: Final = 86_400  # a snapshot never changes once published


def opendata_of(request: Request[Any, Any, Any]) -> OpenData:
    return registry_of(request).opendata


def _download(name: str) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"}


@get(
    "/api/v1/export/certificates.jsonl",
    operation_id="ExportCertificates",
    tags=["open data"],
    media_type=JSONL,
    responses={
        200: ResponseSpec(
            data_container=str, media_type=JSONL, description="one certificate a line (JSON Lines)"
        )
    },
)
async def export_certificates(request: Request[Any, Any, Any]) -> Stream:
    """Every certificate, one JSON document a line: status, holder, scheme version,
    covered domains and each criterion's result. Licence CC0-1.0."""
    return Stream(
        opendata_of(request).certificates_jsonl(),
        media_type=JSONL,
        headers=_download("certificates.jsonl"),
    )


@get(
    "/api/v1/export/findings.csv",
    operation_id="ExportFindings",
    tags=["open data"],
    media_type=CSV,
    responses={
        200: ResponseSpec(
            data_container=str, media_type=CSV, description="one row per certificate and criterion"
        )
    },
)
async def export_findings(request: Request[Any, Any, Any]) -> Stream:
    """One row per certificate and criterion, for spreadsheets; cells that would start
    a formula are prefixed with ``'``. Licence CC0-1.0."""
    return Stream(
        opendata_of(request).findings_csv(), media_type=CSV, headers=_download("findings.csv")
    )


@get("/data/{name:str}", name="opendata:file", include_in_schema=False, sync_to_thread=True)
def snapshot_file(request: Request[Any, Any, Any], name: str) -> File:
    """A kept snapshot, byte for byte as its log entry's SHA-256 says."""
    opendata = opendata_of(request)
    path = opendata.file(name)
    if path is None:
        raise NotFoundException(f"no snapshot {name!r} is kept; see /data for the list")
    digest = opendata.published()[opendata.file_day(name)].sha256
    return File(
        path,
        filename=name,
        media_type=GZIP,
        content_disposition_type="attachment",
        etag=ETag(value=digest[:32]),
        headers={"cache-control": f"public, max-age={SNAPSHOT_MAX_AGE}"},
    )


@http.page_route("/data", "opendata:page", in_thread=True)
def data_page(request: Request[Any, Any, Any]) -> Answer:
    """What can be downloaded, what each field means, and the licence: in both languages."""
    opendata = opendata_of(request)
    page = page_context(request)
    html = templating.render(
        page.lang,
        "opendata/data.html",
        {
            "page": page,
            "snapshots": opendata.available(),
            "fields": FIELDS_EN,
            "keep_days": KEEP_DAYS,
            "licence": LICENCE,
            "public_url": opendata.public_url,
        },
    )
    return http.page_response(request, html)


def opendata_handlers() -> list[Any]:
    return [export_certificates, export_findings, snapshot_file, data_page]
