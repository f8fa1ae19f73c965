"""A phone can read the site: a 390 px screen shows every figure's text at least 9 CSS px
tall, and cuts nothing off (what is wider than the screen scrolls inside its own box and
shows a shadow where more is hidden); code lines in the chapters fit 80 columns.

The browser tests drive Debian's Chromium (tests/browser_support.py) over the built site
(``built_site``; ``SITE_DIR`` reuses one). A figure's smallest text is computed, not seen:
``figures/figures.json`` (written by hooks/figures.py) holds what was measured when the
figure was drawn, its file's width and the height of its smallest text in the same
units, and the browser says which file it chose (``currentSrc``) and how wide it shows it.
"""

from __future__ import annotations

import json
import re

import pytest

from booktools.figures._style import PHONE_TEXT_PX
from tests import browser_support as bs
from tests.conftest import DOCS

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 20_000

# ------------------------------------------------------------------ code lines

#: The longest code line a chapter may show: about what a phone shows in two
#: sideways swipes, and what a printed page or a side-by-side editor shows.
CODE_COLUMNS = 80
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```",
                   re.S | re.M)

#: Lines longer than CODE_COLUMNS that cannot be narrower, by chapter: (start, why). ``start``
#: is the start of the long line itself or of the ``>>>`` line whose output it is.
TRACEBACK = "an exception's message, which the library writes on one line"
REPORT = ("printed by booktools.benchmarks_report, whose tables and verdicts are one line per "
          "row; narrowing them is a change to that module, not to the chapter")
MACHINE = "the machine a benchmark ran on, printed on one line by benchmarks_report.machine_line"
LONG_LINES: dict[str, list[tuple[str, str]]] = {
    "02-derivatives.md": [("ValueError: f cannot be evaluated", TRACEBACK),
                          ("TypeError: method='complex' needs an f", TRACEBACK)],
    "06-backpropagation.md": [("ValueError: training diverged in epoch", TRACEBACK)],
    "07-autodiff.md": [("TypeError: the other operand of '+'", TRACEBACK),
                       (">>> print(machine_line(", MACHINE),
                       (">>> print(forward_mode_verdict(", REPORT)],
    "09-many-layers.md": [("epoch 123: MSELoss: prediction and target are too far apart",
                           "a loss's error message, printed as the training loop catches it"),
                          ("FloatingPointError: the loss became", TRACEBACK)],
    "12-why-backprop.md": [(">>> print(machine_line(", MACHINE),
                           (">>> print(gradient_cost_table(", REPORT),
                           (">>> print(gradient_cost_verdict(", REPORT),
                           (">>> print(accuracy_verdict(", REPORT),
                           (">>> print(engine_table(", REPORT),
                           (">>> print(spelling_savings(", REPORT)],
}


def _long_lines(path):
    """(line number, line, the example's first line) of every code line over CODE_COLUMNS."""
    text = path.read_text(encoding="utf-8")
    for block in FENCE.finditer(text):
        if block["lang"] not in ("pycon", "python", "py"):
            continue
        first = text.count("\n", 0, block.start("body")) + 1
        example = ""
        for offset, line in enumerate(block["body"].splitlines()):
            line = line[len(block["indent"]):] if line.startswith(block["indent"]) else line
            if line.startswith(">>> "):
                example = line
            if len(line) > CODE_COLUMNS:
                yield first + offset, line, example


@pytest.mark.parametrize("chapter", sorted(DOCS.glob("*.md")), ids=lambda p: p.stem)
def test_code_lines_fit_80_columns(chapter):
    """A phone shows about 45 columns of code at a time: a line that must be scrolled through
    should at least be one a printed page or a side-by-side editor would show whole."""
    allowed = [start for start, _ in LONG_LINES.get(chapter.name, [])]
    too_long = [f"{chapter.name}:{number}: {len(line)} characters: {line}"
                for number, line, example in _long_lines(chapter)
                if not any(line.startswith(start) or example.startswith(start) for start in allowed)]
    assert not too_long, (f"code lines over {CODE_COLUMNS} characters (break them, or list them in "
                          "LONG_LINES with the reason they cannot be):\n" + "\n".join(too_long))


def test_every_listed_long_line_still_exists():
    for name, allowed in LONG_LINES.items():
        found = list(_long_lines(DOCS / name))
        for start, why in allowed:
            assert why.strip(), f"{name}: give the reason {start!r} may be long"
            assert any(line.startswith(start) or example.startswith(start) for _, line, example in found), \
                f"{name}: no long line starts {start!r} (or is printed by it): remove it from LONG_LINES"


# ------------------------------------------------------------------ the browser

# Every figure image: the file the browser chose and the width of its content box.
FIGURES_JS = """() => Array.from(document.querySelectorAll("article img"))
  .filter(img => (img.getAttribute("src") || "").includes("figures/"))
  .map(img => {
    const style = getComputedStyle(img);
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight)
                  + parseFloat(style.borderLeftWidth) + parseFloat(style.borderRightWidth);
    return {src: img.getAttribute("src"), current: img.currentSrc,
            shown: img.getBoundingClientRect().width - padding, natural: img.naturalWidth};
  })"""

# What is too wide for the screen: boxes that scroll (they must show the cue), boxes that
# clip (never), and anything that reaches past the screen's edges. KaTeX's MathML copy is
# hidden on purpose (clipped to 1 px for screen readers) and is skipped.
OVERFLOW_JS = """() => {
  const root = document.querySelector("article") || document.body;
  const width = document.documentElement.clientWidth;
  const hidden = ".katex-mathml, .md-clipboard, [hidden]";
  const name = el => {
    const what = el.closest(".arithmatex") ? "equation" : el.closest("pre") ? "code block"
      : el.closest("table") || el.querySelector("table") ? "table" : el.tagName.toLowerCase();
    return what + " '" + (el.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 60) + "'";
  };
  const scrolling = [], clipped = [], offscreen = [];
  for (const el of root.querySelectorAll("*")) {
    if (el.closest(hidden)) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const wide = el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
    if (wide && ["auto", "scroll"].includes(style.overflowX)) {
      scrolling.push({what: name(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                      cue: style.backgroundImage.includes("radial-gradient")
                           && style.backgroundAttachment.includes("local")});
    } else if (wide && ["hidden", "clip"].includes(style.overflowX)) {
      clipped.push({what: name(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth});
    }
    // inside a box that scrolls (checked above) or clips on purpose (KaTeX's stretchy
    // glyphs are wide SVGs cut to size), an element may reach past the screen
    let box_ = el.parentElement, inside = false;
    for (; box_ && box_ !== root.parentElement; box_ = box_.parentElement) {
      if (getComputedStyle(box_).overflowX !== "visible") { inside = true; break; }
    }
    const box = el.getBoundingClientRect();
    if (!inside && box.width > 0 && (box.right > width + 1 || box.left < -1)) {
      offscreen.push({what: name(el), left: Math.round(box.left), right: Math.round(box.right)});
    }
  }
  return {scrolling, clipped, offscreen, page: document.documentElement.scrollWidth, width};
}"""


@pytest.fixture(scope="module")
def figure_info(built_site):
    path = built_site / "figures" / "figures.json"
    assert path.is_file(), "figures/figures.json is missing from the site (hooks/figures.py writes it)"
    return json.loads(path.read_text(encoding="utf-8"))


def _visit(browser, url, viewport, pages, collect, color_scheme="light"):
    """Open each page at ``viewport``; return {page: collect(tab)}."""
    found = {}
    context = browser.new_context(viewport=viewport, color_scheme=color_scheme,
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", bs.local_only(url))
    tab = context.new_page()
    try:
        for page in pages:
            tab.goto(url + page, wait_until="load")
            tab.evaluate(bs.SETTLE_JS)
            found[page] = collect(tab)
    finally:
        context.close()
    return found


def _figure_pages(built_site):
    """The pages that show a figure."""
    pages = []
    for page in bs.site_pages(built_site):
        target = bs.local_target(built_site, "/" + page)
        if target is not None and 'src="' in (html := target.read_text(encoding="utf-8")) and "figures/" in html:
            pages.append(page)
    return pages


@pytest.fixture(scope="module")
def phone_figures(built_site, site_url, browser):
    return _visit(browser, site_url, PHONE, _figure_pages(built_site), lambda tab: tab.evaluate(FIGURES_JS))


@pytest.fixture(scope="module")
def phone_overflow(built_site, site_url, browser):
    return _visit(browser, site_url, PHONE, bs.site_pages(built_site), lambda tab: tab.evaluate(OVERFLOW_JS))


def _name(url: str) -> str:
    return url.rsplit("/", 1)[-1]


@pytest.mark.browser
def test_every_figure_text_is_at_least_9_css_px_on_a_phone(phone_figures, figure_info):
    problems, sizes = [], []
    for page, images in phone_figures.items():
        for image in images:
            name = _name(image["current"])
            info = figure_info.get(name)
            if info is None:
                problems.append(f"/{page}: {name}: not in figures/figures.json")
                continue
            if info["text"] is None:
                continue  # no text to read
            assert abs(image["natural"] - info["width"]) <= 1, (page, name, image, info)
            px = info["text"] * image["shown"] / info["width"]
            sizes.append((px, page, name))
            if px < PHONE_TEXT_PX:
                problems.append(f"/{page}: {name} is shown {image['shown']:.0f} px wide, so its smallest text "
                                f"({info['smallest']!r}) is {px:.1f} CSS px tall (under {PHONE_TEXT_PX:g})"
                                + ("" if info.get("wide") or info.get("narrow") else
                                   "; give it a narrow variant (@figure(..., narrow=True))"))
    assert sizes, "no figure found on any page"
    print(f"{len(sizes)} figures on a 390 px phone; smallest text: "
          + ", ".join(f"{name} {px:.1f} px" for px, _, name in sorted(sizes)[:5]))
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_a_phone_gets_the_narrow_variant_of_every_figure_that_has_one(phone_figures, figure_info):
    shown = {(_name(i["src"]), _name(i["current"])) for images in phone_figures.values() for i in images}
    wrong = [f"{src}: the phone got {current}" for src, current in shown
             if figure_info.get(src, {}).get("narrow") and current != figure_info[src]["narrow"]]
    assert not wrong, "\n".join(wrong)


@pytest.mark.browser
def test_a_desktop_gets_the_wide_figures(built_site, site_url, browser, figure_info):
    found = _visit(browser, site_url, DESKTOP, _figure_pages(built_site), lambda tab: tab.evaluate(FIGURES_JS))
    wrong, sizes = [], []
    for page, images in found.items():
        for image in images:
            if _name(image["current"]) != _name(image["src"]):
                wrong.append(f"/{page}: {_name(image['src'])}: a 1280 px screen got {_name(image['current'])}")
            info = figure_info.get(_name(image["current"]), {})
            if info.get("text"):
                sizes.append((info["text"] * image["shown"] / info["width"], _name(image["current"])))
    assert not wrong, "\n".join(wrong)
    print("smallest text at 1280 px (not held to a minimum here): "
          + ", ".join(f"{name} {px:.1f} px" for px, name in sorted(sizes)[:5]))


@pytest.mark.browser
def test_nothing_is_cut_off_on_a_phone(phone_overflow):
    problems, scrolls = [], 0
    for page, found in phone_overflow.items():
        if found["page"] > found["width"]:
            problems.append(f"/{page}: the page itself scrolls sideways ({found['page']} px wide)")
        for box in found["scrolling"]:
            scrolls += 1
            if not box["cue"]:
                problems.append(f"/{page}: {box['what']} scrolls ({box['scrollWidth']} px in "
                                f"{box['clientWidth']}) without the scroll shadow")
        problems += [f"/{page}: {box['what']} is clipped ({box['scrollWidth']} px in {box['clientWidth']})"
                     for box in found["clipped"]]
        problems += [f"/{page}: {box['what']} reaches past the screen ({box['left']} to {box['right']} px)"
                     for box in found["offscreen"]]
    print(f"{len(phone_overflow)} pages at 390 px: {scrolls} boxes scroll sideways, each with a shadow")
    assert not problems, "\n".join(problems)
