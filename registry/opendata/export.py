"""The export formats, one line at a time: JSON Lines and CSV for spreadsheets.

CSV cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) are prefixed with ``'``, as OWASP advises against
CSV injection: holder names and criterion titles are typed by people.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Final

import msgspec

from registry.opendata.schemas import ExportCertificate
from registry.signing import format_time

_ENCODER: Final = msgspec.json.Encoder()
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS: Final = (
    "code",
    "status",
    "holder_legal_name",
    "holder_country",
    "holder_registration_number",
    "scheme",
    "scheme_version",
    "body",
    "valid_from",
    "valid_until",
    "criterion",
    "criterion_title_en",
    "dimension",
    "method",
    "mandatory",
    "result",
)


def safe_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it literally, never as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def jsonl_lines(pages: Iterable[list[ExportCertificate]]) -> Iterator[bytes]:
    """One JSON document per certificate, each ending in a newline; a page at a time."""
    for page in pages:
        yield b"".join(_ENCODER.encode(item) + b"\n" for item in page)


def csv_lines(pages: Iterable[list[ExportCertificate]]) -> Iterator[bytes]:
    """The header, then one row per certificate and criterion (UTF-8, CRLF, RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue().encode("utf-8")
    for page in pages:
        buffer.seek(0)
        buffer.truncate()
        for c in page:
            head = [
                c.code,
                c.status,
                c.holder.legal_name,
                c.holder.country,
                c.holder.registration_number,
                c.scheme.slug,
                str(c.scheme.version),
                c.body.slug,
                format_time(c.valid_from),
                format_time(c.valid_until),
            ]
            for f in c.findings:
                row = [*head, f.criterion, f.title_en, f.dimension, f.method]
                writer.writerow(
                    [safe_cell(cell) for cell in row]
                    + ["true" if f.mandatory else "false", f.result]
                )
        yield buffer.getvalue().encode("utf-8")
