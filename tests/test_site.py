"""The site builds under --strict, with every registered figure, each used with alt text;
the landing page shows both times of every chapter; no page shows a doctest directive or
calls the source tutorial "the seed"."""

from __future__ import annotations

import html
import json
import re

import pytest

from booktools import figures
from booktools import reading_time
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
    """Every figure is shown by some page; a narrow variant is not shown by name (the page
    shows its wide figure, and a phone gets the variant through a <picture>)."""
    used = {}
    for page, alt, src in chapter_images():
        if "figures/" in src:
            assert len(alt.strip()) >= 15, f"{page}: figure {src} needs a real alt text, got {alt!r}"
            used.setdefault(src.rsplit("/", 1)[1], []).append(page)
    specs = figures.discover()
    registered = {spec.name for spec in specs if spec.wide is None}
    variants = {spec.name for spec in specs if spec.wide is not None}
    assert not set(used) & variants, f"pages name narrow variants (show the wide figure): {set(used) & variants}"
    assert set(used) <= registered, f"pages show unregistered figures: {set(used) - registered}"
    assert registered <= set(used), f"figures drawn but never shown: {registered - set(used)}"


def test_a_page_gives_phones_the_narrow_variant_of_its_figures(built_site):
    """Each image of a figure with a narrow variant is a <picture> whose <source> serves the
    variant to small screens, with the variant's own size; the <img> keeps its alt text."""
    variants = {spec.wide: spec.name for spec in figures.discover() if spec.wide is not None}
    found = set()
    for path in sorted(built_site.rglob("index.html")):
        page = path.read_text(encoding="utf-8")
        for name, variant in variants.items():
            for match in re.finditer(rf'<img\b[^>]*\bsrc="[^"]*figures/{re.escape(name)}"[^>]*>', page):
                before = page[:match.start()]
                picture = before[before.rfind("<picture>"):]
                where = f"{path.relative_to(built_site)}: {name}"
                assert before.rfind("<picture>") > before.rfind("</picture>"), f"{where} is not in a <picture>"
                source = re.search(r"<source\b[^>]*>", picture)
                assert source and f'figures/{variant}"' in source[0], f"{where}: no <source> of {variant}"
                assert "media=" in source[0] and 'width="' in source[0] and 'height="' in source[0], where
                assert re.search(r'\balt="[^"]{15,}"', match[0]), f"{where}: the <img> lost its alt text"
                found.add(name)
    assert found == set(variants), f"figures with a narrow variant that no page shows: {set(variants) - found}"


@pytest.mark.parametrize("spec", figures.discover(), ids=lambda spec: spec.name)
def test_figure_is_deterministic(spec):
    first, second = figures.render(spec), figures.render(spec)
    assert first == second, f"{spec.name} differs between two renders"
    if spec.format == "svg":
        assert b"<dc:date>" not in first


# ------------------------------------------------------------------ built pages


def _text(page_html: str) -> str:
    """The text of a page's article (what a reader reads), without tags."""
    article = re.search(r"<article\b.*?</article>", page_html, re.S)
    body = article.group(0) if article else page_html
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _page(built_site, markdown_name: str):
    stem = markdown_name.removesuffix(".md")
    return built_site / ("index.html" if stem == "index" else f"{stem}/index.html")


CHAPTERS = sorted(DOCS.glob("[0-9][0-9]-*.md"))
DURATION = r"(?:\d+ h(?: \d+ min)?|\d+ min)"


def _minutes(text: str) -> int:
    hours = re.search(r"(\d+) h", text)
    minutes = re.search(r"(\d+) min", text)
    return (int(hours.group(1)) * 60 if hours else 0) + (int(minutes.group(1)) if minutes else 0)


def test_landing_page_shows_both_times_of_every_chapter(built_site):
    page = _page(built_site, "index.md").read_text(encoding="utf-8")
    assert "{{" not in page, "a placeholder was left unfilled on the landing page"
    table = next((t for t in re.findall(r"<table\b[^>]*>.*?</table>", page, re.S) if "With examples and exercises" in t), None)
    assert table, "no table with a 'With examples and exercises' column on the landing page"
    header = re.findall(r"<th[^>]*>(.*?)</th>", table)
    assert header[-2:] == ["Reading", "With examples and exercises"], header
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        cells = [" ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split())
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        link = re.search(r'href="(?:\./)?(\d\d-[a-z0-9-]+)/"', row)
        rows[link.group(1) if link else cells[1]] = cells
    total_reading = total_working = 0
    for chapter in CHAPTERS:
        cells = rows.get(chapter.stem)
        assert cells, f"no row for {chapter.name} on the landing page"
        reading, working = cells[-2:]
        assert re.fullmatch(DURATION, reading) and re.fullmatch(DURATION, working), cells
        times = reading_time.chapter_time(chapter.read_text(encoding="utf-8"))
        assert (_minutes(reading), _minutes(working)) == (times.reading, times.working), chapter.name
        assert times.working >= times.reading
        total_reading += times.reading
        total_working += times.working
    total = rows.get("All twelve chapters")
    assert total and total[-2:] == [reading_time.duration(total_reading), reading_time.duration(total_working)], total
    text = _text(page)
    assert f"takes about {reading_time.duration(total_reading)}" in text
    assert f"takes about {reading_time.duration(total_working)}" in text
    assert "an afternoon" not in text


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_chapter_page_shows_both_times(built_site, chapter):
    text = _text(_page(built_site, chapter.name).read_text(encoding="utf-8"))
    times = reading_time.chapter_time(chapter.read_text(encoding="utf-8"))
    assert f"{times.reading} min read" in text
    assert f"about {reading_time.duration(times.working)} with the examples and exercises" in text


def test_no_page_shows_a_doctest_directive(built_site):
    """Code on every page (chapters, reference, notebooks) is shown without `# doctest:` comments."""
    with_directives = [c.name for c in CHAPTERS if re.search(r"^\s*>>>.*#\s*doctest:", c.read_text(encoding="utf-8"), re.M)]
    problems = []
    for path in sorted(built_site.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        for block in re.findall(r"<pre\b.*?</pre>", source, re.S):
            code = html.unescape(re.sub(r"<[^>]+>", "", block))
            for line in code.splitlines():
                if re.search(r"#\s*doctest:[^\n'\"]*$", line):
                    problems.append(f"{path.relative_to(built_site)}: {line.strip()}")
    assert not problems, "doctest directives shown on the site:\n" + "\n".join(problems)
    print(f"chapters with directives in their Markdown: {with_directives}")


def test_generated_notebooks_carry_no_doctest_directive(built_site):
    notebooks = sorted((built_site / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= len(CHAPTERS)
    problems = []
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and re.search(r"#\s*doctest:[^\n'\"]*$", source, re.M):
                problems.append(f"{path.name}: {source[:80]!r}")
    assert not problems, "\n".join(problems)


# "The seed" meant the source tutorial in early drafts; it collides with random
# seeds, so the book says "the source tutorial" (defined on the landing page).
SOURCE_AS_SEED = re.compile(r"\bthe seed's\b|\bseed tutorial\b|\bseed-style\b", re.I)
READER_PAGES = ["index.md", *(c.name for c in CHAPTERS), "notebooks/seed-walkthrough.md"]


def _seed_mentions(text: str) -> list[str]:
    return [text[max(0, m.start() - 40):m.end() + 40] for m in SOURCE_AS_SEED.finditer(text)]


@pytest.mark.parametrize("page", READER_PAGES, ids=lambda name: name.removesuffix(".md"))
def test_page_does_not_call_the_source_tutorial_the_seed(built_site, page):
    path = _page(built_site, page)
    if page.startswith("notebooks/"):
        path = built_site / page.removesuffix(".md") / "index.html"
    found = _seed_mentions(_text(path.read_text(encoding="utf-8")))
    assert not found, f"{page} calls the source tutorial 'the seed' (say 'the source tutorial'):\n" + "\n".join(found)


def test_reference_and_figures_do_not_call_the_source_tutorial_the_seed(built_site):
    found = []
    for path in sorted((built_site / "reference").rglob("index.html")):
        found += [f"{path.relative_to(built_site)}: ...{m}..." for m in _seed_mentions(_text(path.read_text(encoding="utf-8")))]
    for path in sorted((built_site / "figures").glob("*.svg")):
        # matplotlib writes every text of an SVG figure as a comment next to its glyphs
        labels = " ".join(re.findall(r"<!-- (.*?) -->", path.read_text(encoding="utf-8")))
        found += [f"figures/{path.name}: ...{m}..." for m in _seed_mentions(labels)]
    assert not found, "'the seed' for the source tutorial:\n" + "\n".join(found)
