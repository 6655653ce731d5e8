"""QR codes of page addresses, drawn as one SVG path from segno's module matrix.

Only geometry reaches the template (``includes/qr.svg``, autoescaped like every
template): the encoded address never appears as text or markup in the SVG, so nothing
in it can be interpreted by the browser.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final

import segno

QUIET_ZONE: Final = 4  # modules of white border the QR standard asks for


@dataclass(frozen=True)
class QrPath:
    size: int  # width and height in modules, quiet zone included
    path: str  # SVG path data: one 1x1 square per dark module, merged along rows


@functools.lru_cache(maxsize=4096)
def qr_path(data: str) -> QrPath:
    """The QR code of ``data`` (error correction M: survives a crease or a smudge).

    Kept per address: choosing the mask (ISO/IEC 18004 asks for the one with the lowest
    penalty of eight) takes several milliseconds, and a page is rendered again after
    every change to the registry while its address, and so its code, stays the same."""
    code = segno.make(data, error="m", micro=False)
    rows = [list(row) for row in code.matrix_iter(scale=1, border=QUIET_ZONE)]
    parts: list[str] = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return QrPath(size=len(rows), path="".join(parts))
