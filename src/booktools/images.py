"""Images that do not shift the page as they load, and that load only when scrolled to.

Every ``<img>`` of a page's content gets ``width`` and ``height`` (read from
the file: an SVG's ``width``/``height`` or ``viewBox``, a PNG's, GIF's or
JPEG's header), so the browser reserves its box before the file arrives;
every image after the first also gets ``loading="lazy"`` and
``decoding="async"`` (the first is likely above the fold, where lazy loading
would only delay it). ``hooks/images.py`` applies :func:`add_attributes` to
each page at build time.
"""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import Callable

__all__ = ["image_size", "add_attributes"]

#: CSS pixels per unit of an SVG length (CSS: 96 px per inch).
_UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
_SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.S)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-z]*)\s*$")


def _attribute(tag: bytes, name: str) -> str | None:
    found = re.search(rb"\s" + name.encode() + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", tag)
    return None if not found else (found[1] if found[1] is not None else found[2]).decode("utf-8", "replace")


def _length(value: str | None) -> float | None:
    found = _LENGTH.match(value or "")
    if not found or found[2] not in _UNITS:
        return None  # a percentage, an em, or nothing: not an absolute size
    return float(found[1]) * _UNITS[found[2]]


def _svg_size(data: bytes) -> tuple[int, int] | None:
    root = _SVG_ROOT.search(data[:4096])
    if not root:
        return None
    width, height = _length(_attribute(root[0], "width")), _length(_attribute(root[0], "height"))
    box = (_attribute(root[0], "viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        box_w, box_h = float(box[2]), float(box[3])
        if box_w > 0 and box_h > 0:
            if width and not height:
                height = width * box_h / box_w
            elif height and not width:
                width = height * box_w / box_h
            elif not width and not height:
                width, height = box_w, box_h
    if not width or not height:
        return None
    return round(width), round(height)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 <= len(data):
        if data[i] != 0xFF:
            return None
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in CSS pixels of an SVG, PNG, GIF or JPEG file; None if unknown.

    >>> image_size(b'<svg xmlns="http://www.w3.org/2000/svg" width="460.8pt" height="345.6pt"'
    ...            b' viewBox="0 0 460.8 345.6">')
    (614, 461)
    >>> image_size(b'<svg viewBox="0 0 300 150" width="100%">')
    (300, 150)
    >>> image_size(bytes.fromhex("89504e470d0a1a0a0000000d49484452000002800000012c"))
    (640, 300)
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if b"<svg" in data[:4096]:
        return _svg_size(data)
    return None


_IMG = re.compile(r"<img\b(?P<attrs>[^>]*?)\s*(?P<end>/?>)", re.S)
_DATA_URI = re.compile(r"^data:image/[\w.+-]+;base64,(?P<data>[A-Za-z0-9+/=\s]+)$")


def _has(attrs: str, name: str) -> bool:
    return re.search(rf"\s{name}\s*=", attrs) is not None


def _src(attrs: str) -> str | None:
    found = re.search(r"""\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", attrs)
    return None if not found else (found[1] if found[1] is not None else found[2])


def _data_uri_bytes(src: str) -> bytes | None:
    found = _DATA_URI.match(src)
    if not found:
        return None
    head = re.sub(r"\s", "", found["data"])[:4096 * 4 // 3 + 4]
    try:
        return base64.b64decode(head[: len(head) // 4 * 4])
    except ValueError:
        return None


def add_attributes(page: str, read: Callable[[str], bytes | None]) -> str:
    """``page`` with width/height on every image whose size is known, lazy loading after the first.

    ``read(src)`` returns the bytes of the file an ``<img src>`` points to, or
    None; ``data:`` images are read from the page itself. Attributes an image
    already has are kept.

    >>> files = {"a.svg": b'<svg width="200" height="100">', "b.png": None}
    >>> print(add_attributes('<img alt="A" src="a.svg"><p><img alt="B" src="b.png" /></p>', files.get))
    <img alt="A" src="a.svg" width="200" height="100"><p><img alt="B" src="b.png" loading="lazy" decoding="async" /></p>
    """
    count = 0

    def fix(match: re.Match) -> str:
        nonlocal count
        count += 1
        attrs, extra = match["attrs"], []
        src = _src(attrs)
        if src and not (_has(attrs, "width") or _has(attrs, "height")):
            data = _data_uri_bytes(src) if src.startswith("data:") else read(src)
            size = image_size(data) if data else None
            if size:
                extra += [f'width="{size[0]}"', f'height="{size[1]}"']
        if count > 1:
            if not _has(attrs, "loading"):
                extra.append('loading="lazy"')
            if not _has(attrs, "decoding"):
                extra.append('decoding="async"')
        end = " " + match["end"] if match["end"] == "/>" else match["end"]
        return f"<img{attrs}{''.join(' ' + e for e in extra)}{end}"

    return _IMG.sub(fix, page)
