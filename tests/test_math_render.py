"""Math rendered at build time (booktools.math_render, hooks/math.py).

The finding and replacing of formulas are checked on small pieces of HTML;
the rendering runs the real Node and the vendored KaTeX (skipped without
Node locally, failing under CI=true as the browser tests do). The last tests
read the built site: no TeX left in any page, KaTeX's stylesheet only where
there is math, no page asking for KaTeX's script.
"""

from __future__ import annotations

import os
import re
import shutil
import stat

import pytest

from booktools import math_render as mr
from booktools.math_render import Math

INLINE = '<p>Slope <span class="arithmatex">\\(f&#39;(x) &lt; 0\\)</span>, then</p>'
DISPLAY = '<div class="arithmatex">\\[\nE = \\sum_i (y_i - \\hat y_i)^2 \\quad \\text{and} \\quad a &amp; b\n\\]</div>'
NOTEBOOK = (
    '<div class="jp-Cell"><div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">'
    "<p>The slope of $f$ at $x = 2$ is $3x^2 = 12$; a coffee costs $5 and a cake $6.</p>"
    "<p>$$m \\leftarrow m - \\eta\\,\\frac{\\partial E}{\\partial m}$$</p>"
    "<p>Escaped: \\$10. Code: <code>$not$</code></p></div></div>"
    '<div class="jp-OutputArea"><pre>$also not$</pre><p>$output$</p></div>'
)


def _needs_node():
    if shutil.which("node") is None and not os.environ.get("NODE"):
        message = "Node.js >= 18 is needed to render the math (apt-get install nodejs)"
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


# ------------------------------------------------------------------ finding and replacing


def test_find_reads_arithmatex_markup_and_unescapes_the_tex():
    assert mr.find(INLINE + DISPLAY) == [
        Math("f'(x) < 0", display=False),
        Math("E = \\sum_i (y_i - \\hat y_i)^2 \\quad \\text{and} \\quad a & b", display=True),
    ]


def test_notebook_dollars_are_math_only_in_markdown_cells_and_outside_code():
    found = mr.find(NOTEBOOK, notebook=True)
    assert found == [
        Math("f", False), Math("x = 2", False), Math("3x^2 = 12", False),
        Math("m \\leftarrow m - \\eta\\,\\frac{\\partial E}{\\partial m}", True),
    ]
    assert mr.find(NOTEBOOK) == []  # a chapter page: only arithmatex's markup is math


def test_replace_keeps_the_arithmatex_element_and_leaves_no_tex():
    def fake(math):
        return f'<span class="katex">{"D" if math.display else "I"}:{math.tex[:1]}</span>'

    page = mr.replace(INLINE + DISPLAY, fake)
    assert page == ('<p>Slope <span class="arithmatex"><span class="katex">I:f</span></span>, then</p>'
                    '<div class="arithmatex"><span class="katex">D:E</span></div>')
    assert mr.find(page) == [] and not mr.has_math(page)
    notebook = mr.replace(NOTEBOOK, fake, notebook=True)
    assert notebook.count('<span class="arithmatex"><span class="katex">') == 4
    assert "$5 and a cake $6" in notebook and "<pre>$also not$</pre>" in notebook
    assert mr.find(notebook, notebook=True) == []


def test_the_version_is_read_from_the_vendored_katex():
    assert re.fullmatch(r"\d+\.\d+\.\d+", mr.katex_version())
    assert mr.KATEX_JS.is_file() and (mr.KATEX_JS.parent / "katex.min.css").is_file()


# ------------------------------------------------------------------ rendering with Node


def test_one_node_run_renders_every_formula_and_the_cache_spares_the_next(tmp_path):
    _needs_node()
    formulas = {Math("x^2", False): "a.md", Math("\\frac{a}{b}", True): "b.md", Math("x^2", True): "b.md"}
    renderer = mr.Renderer(cache_dir=tmp_path)
    assert renderer.render(formulas) == 3 and renderer.node_runs == 1
    inline, display = renderer[Math("x^2", False)], renderer[Math("x^2", True)]
    assert inline.startswith('<span class="katex">') and "<math" in inline  # HTML and MathML (screen readers)
    assert display.startswith('<span class="katex-display">') and inline != display
    assert '<annotation encoding="application/x-tex">x^2</annotation>' in inline
    renderer.save()
    (cache,) = tmp_path.iterdir()
    assert cache.name == f"katex-{renderer.version}.json"

    again = mr.Renderer(cache_dir=tmp_path)
    assert again.render(formulas) == 0 and again.node_runs == 0  # all from the cache
    assert again[Math("x^2", False)] == inline
    assert again.render({Math("y", False): "c.md"}) == 1 and again.node_runs == 1


def test_a_tex_error_names_the_page_and_the_formula(tmp_path):
    _needs_node()
    renderer = mr.Renderer(cache_dir=tmp_path)
    with pytest.raises(mr.MathError) as error:
        renderer.render({Math("x", False): "01-functions.md", Math("\\frac{1}{", False): "02-derivatives.md",
                         Math("\\notacommand x", True): "09-many-layers.md"})
    message = str(error.value)
    assert "could not render 2 formula(s)" in message
    assert "02-derivatives.md: inline math: \\frac{1}{" in message
    assert "09-many-layers.md: display math: \\notacommand x" in message
    assert "Undefined control sequence" in message
    renderer.save()
    assert Math("x", False) in renderer  # the good formula was rendered and is kept


def test_an_old_node_is_refused_in_words(tmp_path, monkeypatch):
    fake = tmp_path / "node"
    fake.write_text("#!/bin/sh\necho v16.20.0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("NODE", str(fake))
    with pytest.raises(mr.MathError, match=r"Node.js v16.20.0: the math is rendered at build time with Node.js >= 18"):
        mr.Renderer().render([Math("\\text{never cached } q_{17}", False)])


def test_the_cache_key_separates_display_mode_and_katex_version(tmp_path):
    renderer = mr.Renderer(cache_dir=tmp_path)
    assert renderer.key(Math("x", False)) != renderer.key(Math("x", True))
    renderer.version = "0.0.0"
    assert renderer.key(Math("x", False)) != mr.Renderer().key(Math("x", False))


# ------------------------------------------------------------------ the built site


def _pages(site):
    return [p for p in site.rglob("*.html") if not p.relative_to(site).parts[0] in {"assets", "search"}]


def test_the_built_site_has_no_tex_left_and_no_math_script(built_site):
    problems = []
    with_math = 0
    for path in _pages(built_site):
        page = path.read_text(encoding="utf-8")
        name = path.relative_to(built_site).as_posix()
        left = mr.find(page, notebook=True)
        problems += [f"{name}: TeX not rendered: {m}" for m in left[:3]]
        if re.search(r"<script[^>]+src=\"[^\"]*(katex|auto-render)[^\"]*\.js\"", page):
            problems.append(f"{name}: loads a KaTeX script")
        has_katex = 'class="katex"' in page
        with_math += has_katex
        links_css = 'href="' in page and "katex.min.css" in page
        if has_katex != links_css:
            problems.append(f"{name}: {'math without' if has_katex else 'no math but'} KaTeX's stylesheet")
    assert not problems, "\n".join(problems)
    assert with_math >= 10, f"only {with_math} pages have rendered math"
    assert not (built_site / "assets" / "katex" / "katex.min.js").exists(), "katex.min.js is shipped unused"
    assert (built_site / "assets" / "katex" / "katex.min.css").is_file()
