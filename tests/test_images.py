"""Images reserve their box and load lazily below the first (booktools.images, hooks/images.py)."""

from __future__ import annotations

import base64
import re
import struct
import zlib

from booktools.images import add_attributes, image_size


def _png(width, height):
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk


def test_sizes_of_svg_png_gif_and_jpeg():
    matplotlib = (b'<?xml version="1.0"?>\n<svg xmlns:xlink="http://www.w3.org/1999/xlink" '
                  b'width="728.39952pt" height="245.99952pt" viewBox="0 0 728.39952 245.99952">')
    assert image_size(matplotlib) == (971, 328)  # points are 4/3 of a CSS pixel
    assert image_size(b'<svg width="10cm" viewBox="0 0 200 100">') == (378, 189)
    assert image_size(b"<svg viewBox='0,0,40,30'>") == (40, 30)
    assert image_size(b'<svg width="50%" height="2em">') is None
    assert image_size(_png(640, 300)) == (640, 300)
    assert image_size(b"GIF89a" + struct.pack("<HH", 16, 9)) == (16, 9)
    jpeg = b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 4) + b"JF" + b"\xff\xc0" + struct.pack(">HBHH", 11, 8, 120, 160)
    assert image_size(jpeg) == (160, 120)
    assert image_size(b"plain text") is None


def test_every_image_gets_its_size_and_all_but_the_first_load_lazily():
    files = {"../figures/a.svg": b'<svg width="300pt" height="150pt">', "../figures/b.png": _png(20, 10)}
    inline = "data:image/png;base64," + base64.b64encode(_png(7, 5) + b"\0" * 100).decode()
    page = ('<p><img alt="first" src="../figures/a.svg" /></p>'
            '<p><img alt="second" src="../figures/b.png"></p>'
            f'<img alt="plot" src="{inline}">'
            '<img alt="sized" src="../figures/a.svg" width="10" loading="eager">'
            '<img alt="unknown" src="https://example.org/x.png">')
    out = add_attributes(page, files.get)
    tags = re.findall(r"<img[^>]*>", out)
    assert tags[0] == '<img alt="first" src="../figures/a.svg" width="400" height="200" />'
    assert tags[1] == '<img alt="second" src="../figures/b.png" width="20" height="10" loading="lazy" decoding="async">'
    assert 'width="7" height="5" loading="lazy" decoding="async">' in tags[2]
    assert tags[3] == '<img alt="sized" src="../figures/a.svg" width="10" loading="eager" decoding="async">'
    assert tags[4] == '<img alt="unknown" src="https://example.org/x.png" loading="lazy" decoding="async">'
    assert add_attributes("<p>no images</p>", files.get) == "<p>no images</p>"


def test_the_built_site_gives_every_content_image_a_size(built_site):
    problems = []
    for path in built_site.rglob("index.html"):
        page = path.read_text(encoding="utf-8")
        article = page[page.find("<article"):page.find("</article>")]
        images = re.findall(r"<img\b[^>]*>", article)
        name = path.relative_to(built_site).as_posix()
        problems += [f"{name}: no width/height: {tag[:120]}" for tag in images
                     if not ("width=" in tag and "height=" in tag)]
        problems += [f"{name}: below the first, not lazy: {tag[:120]}" for tag in images[1:]
                     if 'loading="lazy"' not in tag]
    assert not problems, "\n".join(problems)
