"""QR codes (segno) that lead from a booth sign or an item's tag to the online page."""

from __future__ import annotations

import io

import segno

# Medium error correction survives a crease or a smudge on a printed sign; scale 10 gives a
# sharp ~4 cm code at 300 dpi for a typical URL.
ERROR_LEVEL = "m"
PNG_SCALE = 10
BORDER = 4


def make(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=ERROR_LEVEL, boost_error=False)


def png_bytes(url: str, scale: int = PNG_SCALE) -> bytes:
    buffer = io.BytesIO()
    make(url).save(buffer, kind="png", scale=scale, border=BORDER)
    return buffer.getvalue()


def svg_bytes(url: str) -> bytes:
    buffer = io.BytesIO()
    # A viewBox without width/height lets the printed page size the code with CSS.
    make(url).save(buffer, kind="svg", border=BORDER, xmldecl=False, svgns=True,
                   omitsize=True, title=url)
    return buffer.getvalue()
