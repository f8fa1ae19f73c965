"""Accessibility of the built site: axe-core on every page, light and dark.

Every page of the built site (found as tests/test_browser.py finds them) is
opened in headless Chromium twice, once with the light scheme and once with the
dark one (a browser context that prefers it: Material picks its palette from
``prefers-color-scheme``), with every collapsible box (``details``) open, so
exercise solutions are checked too. axe-core (bundled with
``axe-playwright-python``) then runs its default rules (WCAG 2 A and AA and
best practices). Any violation of impact *serious* or *critical* fails the test,
naming the page, the scheme, the rule and the elements. A third pass narrows
each light page to a phone's width (390 px) and checks that every region that
scrolls sideways there (wide code, tables, display math) can be reached by
keyboard.

The math may be rendered by KaTeX in the browser or at build time: the audit
waits for client-side rendering when a page still has unrendered math, and
checks whatever the page then shows either way.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from mkdocs.exceptions import PluginError

from hooks import accessibility as hook
from tests import browser_support as bs

VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 30_000
SCHEMES = {"light": "default", "dark": "slate"}  # our name -> Material's data-md-color-scheme
FAILING_IMPACTS = {"serious", "critical"}

# Nodes that axe reports wrongly, as (rule id, CSS selector, why). Each entry
# silences one rule on the elements that match one selector, nothing else.
EXCLUSIONS: list[tuple[str, str, str]] = []

OPEN_DETAILS_JS = """() => document.querySelectorAll("details").forEach(d => { d.open = true; })"""

# Math left for the browser to render (KaTeX's auto-render on Material's document$).
UNRENDERED_MATH_JS = """() => Array.from(document.querySelectorAll(".arithmatex"))
  .every(e => e.querySelector(".katex"))"""

RUN_AXE_JS = """async ([exclusions, options]) => {
  const results = await axe.run(document, Object.assign({resultTypes: ["violations"]}, options));
  const excluded = (rule, node) => {
    const selectors = exclusions.filter(([id]) => id === rule).map(([, selector]) => selector);
    if (!selectors.length || node.target.length !== 1) return false;  // not inside an iframe
    const element = document.querySelector(node.target[0]);
    return element !== null && selectors.some(s => element.matches(s));
  };
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.filter(n => !excluded(v.id, n)).map(n => ({
      target: n.target.join(" >>> "), impact: n.impact,
      summary: (n.failureSummary || "").split("\\n").slice(0, 3).join(" "),
    })),
  })).filter(v => v.nodes.length);
}"""


@pytest.fixture(scope="module")
def axe_script():
    try:
        from axe_playwright_python.base import AXE_SCRIPT
    except ImportError as error:
        bs.no_browser(f"cannot import axe_playwright_python ({error})")
    return AXE_SCRIPT


PHONE_RULES = ["scrollable-region-focusable"]  # what a narrower layout can break


@pytest.fixture(scope="module")
def audit(built_site, site_url, browser, axe_script):
    """{pass: {page: violations or an error string}} for the passes "light", "dark"
    and "phone" (the light pages again, narrowed to 390 px, PHONE_RULES only)."""
    pages = bs.site_pages(built_site)
    assert pages, f"no pages found in {built_site}"
    results: dict[str, dict[str, list | str]] = {"light": {}, "dark": {}, "phone": {}}
    for scheme in SCHEMES:
        context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme,
                                      reduced_motion="reduce", service_workers="block")
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", bs.local_only(site_url))
        try:
            for page in pages:
                tab = context.new_page()
                try:
                    results[scheme][page] = _audit(tab, site_url + page, scheme, axe_script)
                    if scheme == "light":  # same page, phone width: no second load
                        tab.set_viewport_size(PHONE)
                        results["phone"][page] = _run_axe(tab, {"runOnly": PHONE_RULES})
                except Exception as error:  # noqa: BLE001 - reported per page, the audit goes on
                    for name in (scheme, "phone") if scheme == "light" else (scheme,):
                        results[name].setdefault(page, f"{type(error).__name__}: {error}")
                finally:
                    tab.close()
        finally:
            context.close()
    _print_counts(results)
    return results


def _audit(tab, url, scheme, axe_script):
    tab.goto(url, wait_until="load")
    tab.wait_for_load_state("networkidle")
    try:
        tab.wait_for_function(UNRENDERED_MATH_JS, timeout=5_000)
    except Exception:  # noqa: BLE001 - unrendered math is test_browser.py's to report
        pass
    tab.evaluate(OPEN_DETAILS_JS)
    tab.evaluate(bs.SETTLE_JS)
    shown = tab.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    if shown != SCHEMES[scheme]:
        return f"the page shows scheme {shown!r}, expected {SCHEMES[scheme]!r}"
    tab.evaluate(axe_script)
    return _run_axe(tab, {})


def _run_axe(tab, options):
    return tab.evaluate(RUN_AXE_JS, [[list(e[:2]) for e in EXCLUSIONS], options])


def _print_counts(results):
    """Violations per rule and impact, in each pass (shown with pytest -s or on failure)."""
    for scheme, pages in results.items():
        counts = Counter()
        for violations in pages.values():
            for v in violations if isinstance(violations, list) else []:
                counts[(v["id"], v["impact"])] += len(v["nodes"])
        listed = ", ".join(f"{rule} ({impact}): {n}" for (rule, impact), n in sorted(counts.items()))
        print(f"axe, {scheme}: {len(pages)} pages; {listed or 'no violations'}")


def _serious(results, scheme):
    """The failure report: one line per serious or critical violation, then its elements."""
    lines = []
    for page, violations in results.items():
        if isinstance(violations, str):
            lines.append(f"/{page} [{scheme}]: axe did not run: {violations}")
            continue
        for v in violations:
            if v["impact"] not in FAILING_IMPACTS:
                continue
            lines.append(f"/{page} [{scheme}]: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}")
            for node in v["nodes"][:8]:
                lines.append(f"    {node['target']}  -- {node['summary']}")
            if len(v["nodes"]) > 8:
                lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return lines


@pytest.mark.browser
@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_no_serious_or_critical_axe_violations(audit, scheme):
    lines = _serious(audit[scheme], scheme)
    if lines:
        pytest.fail("\n".join(lines), pytrace=False)


@pytest.mark.browser
def test_scroll_regions_reachable_by_keyboard_on_a_phone(audit):
    lines = _serious(audit["phone"], "390 px")
    if lines:
        pytest.fail("\n".join(lines), pytrace=False)


@pytest.mark.browser
def test_every_page_is_audited_in_both_schemes(audit, built_site):
    pages = set(bs.site_pages(built_site))
    assert "" in pages and len(pages) > 10, sorted(pages)
    for scheme in SCHEMES:
        assert set(audit[scheme]) == pages, f"{scheme}: pages not audited: {pages - set(audit[scheme])}"
    assert set(audit["phone"]) == pages


def test_no_image_has_a_placeholder_alt_text(built_site):
    """axe accepts any alt text; nbconvert's stand-in says nothing (hooks/accessibility.py)."""
    placeholder = "No description has been provided for this image"
    found = [page for page in bs.site_pages(built_site)
             if placeholder in bs.local_target(built_site, "/" + page).read_text(encoding="utf-8")]
    assert not found, f"images with nbconvert's placeholder alt text on: {found}"


def test_exclusions_are_narrow():
    """An exclusion names one rule and a selector that is not a bare tag or a catch-all."""
    for rule, selector, why in EXCLUSIONS:
        assert rule and " " not in rule, rule
        assert selector.strip() not in {"*", "html", "body", "main", "article", "div", "span"}, selector
        assert len(why) > 20, f"say why axe is wrong for {rule} on {selector}"


# ------------------------------------------------------------------ hooks/accessibility.py


class _Page:
    def __init__(self, src_uri, abs_src_path=""):
        self.file = type("File", (), {"src_uri": src_uri, "abs_src_path": abs_src_path})()


def _cell(body, cell_id):
    # nbconvert's markup: two nested divs of the same classes open each code cell
    return (f'<div class="jp-Cell jp-CodeCell jp-Notebook-cell">\n'
            f'<div class="jp-Cell jp-CodeCell jp-Notebook-cell" id="cell-id={cell_id}">\n'
            f'<div class="jp-Cell-inputWrapper" tabindex="0"><div class="highlight-ipynb hl-python">'
            f'<pre>code</pre></div></div>{body}</div></div>')


PLOT = f'<img alt="{hook.PLACEHOLDER}" src="data:image/png;base64,AAAA">'


def test_hook_gives_each_notebook_image_its_cell_alt_text(tmp_path):
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(json.dumps({"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
        {"cell_type": "code", "metadata": {}, "source": "x = 1"},
        {"cell_type": "code", "metadata": {"alt": 'A "rising" line'}, "source": "plt.show()"},
        {"cell_type": "code", "metadata": {"alt": ["First plot", "Second plot"]}, "source": "..."},
    ]}), encoding="utf-8")
    html = _cell("", "a") + _cell(PLOT, "b") + _cell(PLOT + PLOT, "c")
    out = hook.on_page_content(html, _Page("nb.ipynb", str(notebook)), {}, None)
    assert hook.PLACEHOLDER not in out
    assert re.findall(r'<img alt="([^"]*)"', out) == ["A &quot;rising&quot; line", "First plot", "Second plot"]
    # one tab stop per code cell: the code that scrolls, not the box around it
    assert out.count('class="jp-Cell-inputWrapper">') == 3 and 'inputWrapper" tabindex' not in out
    assert out.count('<div class="highlight-ipynb hl-python" tabindex="0">') == 3


def test_hook_stops_the_build_for_a_plot_without_alt_text(tmp_path):
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(json.dumps({"cells": [
        {"cell_type": "code", "metadata": {}, "source": "plt.show()"}]}), encoding="utf-8")
    with pytest.raises(PluginError, match=r"nb\.ipynb: code cell 1 draws 1 image\(s\).*\"alt\""):
        hook.on_page_content(_cell(PLOT, "a"), _Page("nb.ipynb", str(notebook)), {}, None)


def test_hook_leaves_markdown_pages_content_alone():
    html = _cell(PLOT, "a")
    assert hook.on_page_content(html, _Page("01-functions.md"), {}, None) == html


def test_hook_makes_display_math_and_tables_focusable():
    html = ('<div class="arithmatex"><span class="katex-display">x</span></div>'
            '<table><tr><td>1</td></tr></table><table class="highlighttable"></table>')
    out = hook.on_post_page(html, _Page("02-derivatives.md"), {})
    assert out == ('<div class="arithmatex" tabindex="0"><span class="katex-display">x</span></div>'
                   '<table tabindex="0"><tr><td>1</td></tr></table><table class="highlighttable"></table>')
    # on a notebook page KaTeX's own display box is the one that scrolls
    notebook = hook.on_post_page('<span class="katex-display">x</span>', _Page("nb.ipynb"), {})
    assert notebook == '<span class="katex-display" tabindex="0">x</span>'
