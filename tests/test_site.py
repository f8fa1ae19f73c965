"""The site builds under --strict, with every registered figure, each used with alt text."""

from __future__ import annotations

import re

import pytest

from backprop import figures
from tests.conftest import DOCS

IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)")


def chapter_images():
    for page in sorted(DOCS.rglob("*.md")):
        for match in IMAGE.finditer(page.read_text(encoding="utf-8")):
            yield page.relative_to(DOCS), match["alt"], match["src"]


def test_site_builds_with_every_figure(built_site):
    specs = figures.discover()
    for spec in specs:
        path = built_site / "figures" / spec.name
        assert path.is_file() and path.stat().st_size > 0, f"figure {spec.name} missing from the site"
    assert (built_site / "index.html").is_file()


def test_every_figure_is_shown_with_alt_text():
    used = {}
    for page, alt, src in chapter_images():
        if "figures/" in src:
            assert len(alt.strip()) >= 15, f"{page}: figure {src} needs a real alt text, got {alt!r}"
            used.setdefault(src.rsplit("/", 1)[1], []).append(page)
    registered = {spec.name for spec in figures.discover()}
    assert set(used) <= registered, f"pages show unregistered figures: {set(used) - registered}"
    assert registered <= set(used), f"figures drawn but never shown: {registered - set(used)}"


@pytest.mark.parametrize("spec", figures.discover(), ids=lambda spec: spec.name)
def test_figure_is_deterministic(spec):
    first, second = figures.render(spec), figures.render(spec)
    assert first == second, f"{spec.name} differs between two renders"
    if spec.format == "svg":
        assert b"<dc:date>" not in first
