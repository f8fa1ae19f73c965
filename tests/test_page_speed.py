"""What keeps a long chapter fast to load on a phone, checked on the built site.

``make audit`` measures the pages with Lighthouse; these tests pin the reasons
the chapters meet its target, so that a change that undoes one fails here and
not only in a slower audit:

- every external script waits for the page to be parsed (``defer`` or a module), so the text
  is painted first;
- once the content is parsed, no script changes an attribute of ``<html>`` or ``<body>``
  (each such change restyles every element of the page): the colour scheme is set before
  the content is parsed, and the toggle (docs/javascripts/palette.js) touches ``<body>``
  only when the reader uses it;
- tables arrive in Material's scrolling wrapper (:mod:`booktools.tables`), so Material's
  script does not move them at load, and they look as Material's own tables do;
- Material sets up code blocks as they scroll into view (``content.lazy``).
"""

from __future__ import annotations

import contextlib
import re

import pytest

from booktools.tables import CLASS
from tests import browser_support as bs

TIMEOUT_MS = 20_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: Pages with tables: the landing page, the cheat sheet (long tables of formulas), two chapters.
TABLE_PAGES = ["", "cheatsheet/", "07-autodiff/", "09-many-layers/"]


@contextlib.contextmanager
def _tab(browser, viewport, scheme="light"):
    """A page in a fresh browser context with this viewport and colour scheme."""
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    try:
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        yield tab
    finally:
        context.close()


def _pages(built_site):
    return {page: bs.local_target(built_site, "/" + page).read_text(encoding="utf-8")
            for page in bs.site_pages(built_site)}


# ------------------------------------------------------------------ in the HTML


def test_every_external_script_waits_for_the_page(built_site):
    late = {}
    for page, html in _pages(built_site).items():
        # src="" (mkdocs-jupyter's MathJax slot, unused here) loads nothing: the HTML standard
        # has the browser fire its error event at once.
        for tag in re.findall(r"<script\b[^>]*\bsrc=\"[^\"][^>]*>", html):
            if not re.search(r"\bdefer\b|\basync\b|type=\"module\"", tag):
                late.setdefault(page, []).append(tag)
    assert not late, f"scripts that block the page's parsing: {late}"


def test_material_palette_component_is_not_on_any_page(built_site):
    pages = _pages(built_site)
    assert all('data-md-component="palette"' not in html for html in pages.values())
    assert all("data-bfs-palette" in html for html in pages.values())


def test_tables_are_wrapped_at_build_time(built_site):
    pages = _pages(built_site)
    for page in TABLE_PAGES:
        html = pages[page]
        tables = re.findall(r"<table\b[^>]*>", html)
        assert tables, f"{page}: no table (TABLE_PAGES is out of date)"
        assert all(f'class="{CLASS}"' in tag for tag in tables), (page, tables)
        assert html.count('<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
                          f'<table class="{CLASS}"') == len(tables)


# ------------------------------------------------------------------ in the browser

# Records every attribute of <html> or <body> whose value changes after the article exists.
# (Material's script still calls classList.add("js") and the like, which the DOM reports
# as a mutation even when nothing changes; the browser restyles nothing for those.)
WATCH_JS = """
window.__records = [];
new MutationObserver((records) => {
  for (const r of records) {
    if (r.target === document.documentElement || r.target === document.body) {
      window.__records.push({ target: r.target.tagName, name: r.attributeName, old: r.oldValue,
                              late: document.querySelector("article") !== null });
    }
  }
}).observe(document, { attributes: true, subtree: true, attributeOldValue: true });
"""
# Each record's new value is the next record's old value for that attribute, or today's value.
LATE_CHANGES_JS = """() => {
  const records = window.__records, changes = [];
  records.forEach((r, i) => {
    const next = records.slice(i + 1).find((s) => s.target === r.target && s.name === r.name);
    const element = r.target === "HTML" ? document.documentElement : document.body;
    const value = next ? next.old : element.getAttribute(r.name);
    if (r.late && value !== r.old) changes.push(`${r.target} ${r.name}: ${r.old} -> ${value}`);
  });
  return changes;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_nothing_restyles_the_whole_page_while_it_loads(browser, site_url, scheme):
    with _tab(browser, PHONE, scheme) as tab:
        tab.add_init_script(WATCH_JS)
        tab.goto(site_url + "09-many-layers/", wait_until="networkidle")
        tab.wait_for_timeout(300)
        assert tab.evaluate(LATE_CHANGES_JS) == []
        # The scheme was chosen from the system's preference, before the content.
        expected = {"light": "default", "dark": "slate"}[scheme]
        assert tab.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
        assert tab.evaluate("document.documentElement.className") == "js js-focus-visible"


@pytest.mark.browser
def test_palette_toggle_switches_remembers_and_works_from_the_keyboard(browser, site_url):
    with _tab(browser, DESKTOP, "light") as tab:
        tab.goto(site_url + "01-functions/", wait_until="networkidle")
        scheme = "document.body.getAttribute('data-md-color-scheme')"
        # The one visible toggle leads to the other option (label for="__palette_<next>").
        toggle = "form[data-bfs-palette] label:not([hidden])"
        assert tab.locator(toggle).count() == 1
        assert tab.locator(toggle).get_attribute("for") == "__palette_1"
        tab.locator(toggle).click()
        assert tab.evaluate(scheme) == "slate"
        assert tab.locator(toggle).get_attribute("for") == "__palette_0"
        # The choice holds on the next page, over the system's preference.
        tab.goto(site_url + "02-derivatives/", wait_until="networkidle")
        assert tab.evaluate(scheme) == "slate"
        assert tab.locator(toggle).get_attribute("for") == "__palette_0"
        # Enter on the focused option moves to the other one.
        tab.locator("form[data-bfs-palette] input:checked").focus()
        tab.keyboard.press("Enter")
        tab.wait_for_function(f"() => {scheme} === 'default'")
        tab.reload(wait_until="networkidle")
        assert tab.evaluate(scheme) == "default"


# Material's table rules, applied by Material's own stylesheet to a class-less
# table in the same wrapper, against ours on table.bfs-table.
COMPARE_JS = """() => {
  const ours = document.querySelector("table.%s");
  const wrap = document.createElement("div");
  wrap.className = "md-typeset__scrollwrap";
  wrap.innerHTML = '<div class="md-typeset__table"><table><thead><tr><th>a</th></tr></thead>'
    + '<tbody><tr><td>1</td></tr></tbody></table></div>';
  ours.closest(".md-typeset__scrollwrap").after(wrap);
  const theirs = wrap.querySelector("table");
  // (not background-color: extra.css makes a wrapped table transparent, so that its
  // scroll box's shadow shows; Material's stylesheet does not know that rule)
  const props = ["display", "font-size", "max-width", "overflow-x", "border-top-width",
    "border-top-style", "border-top-color", "border-top-left-radius", "touch-action"];
  const cell = ["padding-top", "padding-left", "font-weight", "vertical-align", "text-align", "border-top-width",
    "border-top-color", "min-width"];
  const differ = (a, b, names, what) => names.filter((n) => getComputedStyle(a)[n] !== getComputedStyle(b)[n])
    .map((n) => `${what} ${n}: ${getComputedStyle(a)[n]} (ours) vs ${getComputedStyle(b)[n]} (Material)`);
  const out = [...differ(ours, theirs, props, "table"),
    ...differ(ours.querySelector("th"), theirs.querySelector("th"), cell, "th"),
    ...differ(ours.querySelector("td"), theirs.querySelector("td"), cell.filter((n) => n !== "min-width"), "td")];
  wrap.remove();
  return out;
}""" % CLASS


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tables_look_like_materials_and_are_not_wrapped_again(browser, site_url, scheme):
    with _tab(browser, DESKTOP, scheme) as tab:
        for page in TABLE_PAGES:
            tab.goto(site_url + page, wait_until="networkidle")
            counts = tab.evaluate("""() => [document.querySelectorAll("table").length,
              document.querySelectorAll(".md-typeset__scrollwrap > .md-typeset__table > table.%s").length,
              document.querySelectorAll(".md-typeset__scrollwrap .md-typeset__scrollwrap").length]""" % CLASS)
            assert counts[0] == counts[1] and counts[2] == 0, (page, counts)
            if page:  # the landing page's chapter table has its own layout (extra.css, .bfs-chapters)
                assert tab.evaluate(COMPARE_JS) == [], page


@pytest.mark.browser
def test_code_blocks_get_their_copy_button_when_scrolled_to(browser, site_url):
    with _tab(browser, PHONE) as tab:
        tab.goto(site_url + "07-autodiff/", wait_until="networkidle")
        # The last console example outside a (closed) solution: far below the first screen.
        index = tab.evaluate("""() => [...document.querySelectorAll("div.language-pycon")]
          .map((block, i) => block.closest("details") ? -1 : i).filter((i) => i >= 0).pop()""")
        last = tab.locator("div.language-pycon").nth(index)
        assert last.locator("button[data-md-type=copy]").count() == 0  # not set up yet
        last.scroll_into_view_if_needed()
        last.locator("button[data-md-type=copy]").wait_for(state="attached")
