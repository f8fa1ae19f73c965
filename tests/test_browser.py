"""The built site in a real browser (headless Chromium): every page, offline.

One crawl visits every page of the site once (discovered from the built site,
so new chapters are covered without editing this file), records what the
browser saw, and saves a light and a dark full-page screenshot of each page to
``screenshots/``. The tests below then check the crawl's records, and name
every page that fails. Search and the copy button of console examples are
exercised separately.

Needs Chromium (``apt-get install -y chromium``) and ``playwright`` (in the
lock). Without them the tests skip locally and fail under ``CI=true``.
Set ``SITE_DIR`` to check a site that is already built, and ``SCREENSHOTS_DIR`` to
save the screenshots somewhere other than ``screenshots/``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

from tests import browser_support as bs

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 20_000
SEARCH_TERM = "derivative"
COPY_BUTTON = "button.md-clipboard, button[data-md-type=copy][data-clipboard-target]"
# The copy-button check runs on chapter 1 and on the first other page that has
# a console example with a multi-line statement (a `...` continuation line).
COPY_PAGES = ["01-functions/", "another page with a multi-line statement"]
# A console line that carries a doctest directive (`>>> x  # doctest: +FLOAT_CMP`).
DIRECTIVE = re.compile(r"^[ \t]*(?:>>>|\.\.\.) (?P<code>.*?)[ \t]*#[ \t]*doctest:[^\n'\"]*$", re.M)


def _directive_pages():
    """{page: [code of each line that has a directive]} for the chapters whose Markdown has some."""
    pages = {}
    for chapter in sorted((bs.ROOT / "docs").glob("[0-9][0-9]-*.md")):
        lines = [m["code"].strip() for m in DIRECTIVE.finditer(chapter.read_text(encoding="utf-8"))]
        if lines:
            pages[f"{chapter.stem}/"] = lines
    return pages


DIRECTIVE_PAGES = _directive_pages()

# ------------------------------------------------------------------ in-page scripts

COLLECT_JS = """() => {
  const root = document.querySelector("article") || document.querySelector(".md-content") || document.body;
  const skip = "pre, code, kbd, samp, script, style, .katex, .katex-display, .md-clipboard";
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const text = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement && !node.parentElement.closest(skip)) text.push(node.textContent);
  }
  const links = Array.from(document.querySelectorAll(
      "article a[href], .md-content a[href], nav a[href], .md-footer a[href]"))
    .map(a => a.href).filter(h => !h.startsWith("javascript:") && !h.startsWith("mailto:"));
  return {
    text: text.join(""),
    articleText: root.innerText,
    images: Array.from(document.images).map(img => ({src: img.currentSrc || img.src, width: img.naturalWidth})),
    katex: document.querySelectorAll(".katex").length,
    katexErrors: Array.from(document.querySelectorAll(".katex-error")).map(e => e.textContent.slice(0, 80)),
    arithmatex: document.querySelectorAll(".arithmatex").length,
    unrendered: Array.from(document.querySelectorAll(".arithmatex"))
      .filter(e => !e.querySelector(".katex")).map(e => e.textContent.slice(0, 80)),
    links: Array.from(new Set(links)),
    code: Array.from(root.querySelectorAll("pre")).map(e => e.innerText),
    scheme: document.body.getAttribute("data-md-color-scheme"),
  };
}"""

SCHEME_JS = "() => document.body.getAttribute('data-md-color-scheme')"

# ------------------------------------------------------------------ fixtures


def new_context(browser, site_url, **options):
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light",
                                  service_workers="block", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", bs.local_only(site_url))
    return context


@dataclass
class Visit:
    page: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    schemes: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _watch(tab, visit: Visit):
    tab.on("request", lambda r: visit.requests.append(r.url))
    tab.on("console", lambda m: visit.console_errors.append(f"{m.text} ({m.location.get('url', '')})")
           if m.type == "error" else None)
    tab.on("pageerror", lambda e: visit.page_errors.append(str(e)))
    tab.on("requestfailed", lambda r: None if _cancelled_image(r) else visit.failed.append(f"{r.url}: {r.failure}"))
    tab.on("response", lambda r: visit.failed.append(f"{r.url}: HTTP {r.status}")
           if r.status >= 400 else None)


def _cancelled_image(request) -> bool:
    """An image fetch the browser itself abandoned: not a failure of the site.

    Images below the first load lazily, and a phone gets a <picture>'s narrow
    variant: when the crawl moves on (another page, a resize to the other
    width) the browser cancels such a fetch in flight (net::ERR_ABORTED). A
    missing image still fails, as an HTTP error here and in
    test_every_image_loads.
    """
    return request.resource_type == "image" and "ERR_ABORTED" in (request.failure or "")


def _toggle_scheme(tab):
    """Click the palette toggle (the one label that is not hidden; docs/javascripts/palette.js)."""
    before = tab.evaluate(SCHEME_JS)
    tab.locator("form[data-bfs-palette] label:not([hidden])").click()
    tab.wait_for_function(f"() => document.body.getAttribute('data-md-color-scheme') !== {before!r}")
    tab.mouse.move(VIEWPORT["width"] // 2, VIEWPORT["height"] - 1)  # no tooltip in the shot
    tab.wait_for_timeout(150)  # colour transitions
    return tab.evaluate(SCHEME_JS)


@pytest.fixture(scope="module")
def crawl(browser, site_url, built_site):
    """Visit every page once; return {page: Visit}."""
    pages = bs.site_pages(built_site)
    assert pages, f"no pages found in {built_site}"
    bs.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for stale in bs.SCREENSHOTS.glob("*-light.png"):  # only this run's pages are kept
        stale.unlink()
    for stale in bs.SCREENSHOTS.glob("*-dark.png"):
        stale.unlink()
    context = new_context(browser, site_url)
    visits = {}
    try:
        for page in pages:
            visit = visits[page] = Visit(page)
            tab = context.new_page()
            _watch(tab, visit)
            try:
                tab.goto(site_url + page, wait_until="load")
                tab.wait_for_load_state("networkidle")
                tab.evaluate(bs.SETTLE_JS)
                if tab.locator(".arithmatex").count():
                    try:  # KaTeX renders on Material's document$; give it a moment
                        tab.wait_for_function(
                            "() => Array.from(document.querySelectorAll('.arithmatex'))"
                            ".every(e => e.querySelector('.katex'))", timeout=5_000)
                    except Exception:  # noqa: BLE001 - reported by test_math_is_rendered
                        pass
                visit.data = tab.evaluate(COLLECT_JS)
                name = bs.screenshot_name(page)
                if visit.data["scheme"] != "default":
                    _toggle_scheme(tab)
                visit.schemes["light"] = tab.evaluate(SCHEME_JS)
                tab.screenshot(path=bs.SCREENSHOTS / f"{name}-light.png", full_page=True)
                visit.schemes["dark"] = _toggle_scheme(tab)
                tab.screenshot(path=bs.SCREENSHOTS / f"{name}-dark.png", full_page=True)
                tab.evaluate("() => localStorage.clear()")  # the next page starts light again
            except Exception as error:  # noqa: BLE001 - reported per page, crawl goes on
                visit.problems.append(f"{type(error).__name__}: {error}")
            finally:
                tab.close()
    finally:
        context.close()
    return visits


def report(visits, check):
    """Run ``check(visit) -> list of problems`` on every page; fail naming each page."""
    lines = []
    for page, visit in visits.items():
        for problem in visit.problems + check(visit):
            lines.append(f"/{page}: {problem}")
    if lines:
        pytest.fail("\n".join(lines), pytrace=False)


# ------------------------------------------------------------------ the crawl's checks


def test_every_page_is_visited(crawl, built_site):
    pages = set(bs.site_pages(built_site))
    assert "" in pages, "the home page is missing"
    missing = [p for p in bs.sitemap_pages(built_site) if p not in crawl]
    assert not missing, f"pages in sitemap.xml not visited: {missing}"
    assert set(crawl) == pages
    report(crawl, lambda v: [] if v.data else ["the page could not be read"])


def test_no_console_or_page_errors(crawl):
    report(crawl, lambda v: [f"console error: {e}" for e in v.console_errors]
           + [f"page error: {e}" for e in v.page_errors])


def test_no_failed_requests(crawl):
    report(crawl, lambda v: [f"failed request: {f}" for f in v.failed])


def test_no_request_leaves_the_local_server(crawl, site_url):
    netloc = urlparse(site_url).netloc

    def external(visit):
        return [f"request to another host: {u}" for u in visit.requests
                if urlparse(u).scheme not in {"data", "blob", "about"} and urlparse(u).netloc != netloc]
    total = sum(len(v.requests) for v in crawl.values())
    print(f"{len(crawl)} pages, {total} requests, "
          f"{sum(len(external(v)) for v in crawl.values())} to another host")
    report(crawl, external)
    assert total > 0


def test_every_image_loads(crawl):
    report(crawl, lambda v: [f"image did not load: {img['src']}"
                             for img in v.data.get("images", []) if img["width"] <= 0])


def test_math_is_rendered(crawl, built_site):
    """The math arrives rendered (hooks/math.py): KaTeX markup in the HTML as served, no TeX left."""
    from booktools import math_render

    def check(visit):
        data = visit.data
        if not data:
            return []
        problems = [f"raw math left in the text: {m!r}" for m in bs.raw_math(data["text"])]
        problems += [f"math not rendered by KaTeX: {m!r}" for m in data["unrendered"]]
        problems += [f"KaTeX error: {m!r}" for m in data["katexErrors"]]
        if data["arithmatex"] and not data["katex"]:
            problems.append("the page has math but no .katex element")
        served = bs.local_target(built_site, "/" + visit.page)
        source = served.read_text(encoding="utf-8") if served else ""
        left = math_render.find(source, notebook=True)  # TeX the build did not render
        problems += [f"TeX in the served HTML, not rendered at build time: {m}" for m in left[:5]]
        served_katex = source.count('class="katex"')
        if served_katex < data["katex"]:
            problems.append(f"{data['katex']} .katex elements in the browser but {served_katex} "
                            "in the served HTML: math rendered by a script")
        if data["katex"] and "katex.min.css" not in source:
            problems.append("the page has math but does not link KaTeX's stylesheet")
        return problems
    report(crawl, check)


def test_no_page_loads_a_math_script(crawl):
    """Math is rendered at build time: no page loads KaTeX's script (267 KiB) or auto-render;
    a page without math does not load KaTeX's stylesheet either."""
    def check(visit):
        problems = [f"loads {url}" for url in visit.requests
                    if re.search(r"katex(\.min)?\.js|auto-render|mathjax", urlparse(url).path, re.I)]
        if visit.data and not visit.data["katex"]:
            problems += [f"no math, yet loads {url}" for url in visit.requests
                         if urlparse(url).path.endswith("katex.min.css")]
        return problems
    report(crawl, check)


def test_internal_links_and_anchors_resolve(crawl, built_site, site_url):
    def check(visit):
        page_url = site_url + visit.page
        problems = []
        for href in visit.data.get("links", []):
            problem = bs.check_link(built_site, page_url, href)
            if problem:
                problems.append(f"broken link {problem}")
        return problems
    report(crawl, check)


def test_no_doctest_directive_is_shown(crawl):
    """Directives stay in the Markdown for the tests; no code block on any page shows one."""
    for page in DIRECTIVE_PAGES:  # the pages that would show them: they must have been read
        assert crawl.get(page) and crawl[page].data.get("code"), f"/{page}: no code blocks read"
    directive = re.compile(r"#\s*doctest:[^\n'\"]*$")  # doctest's pattern: not inside a string
    report(crawl, lambda v: [f"code block shows a doctest directive: {line.strip()!r}"
                             for block in v.data.get("code", []) for line in block.splitlines()
                             if directive.search(line)])


def test_light_and_dark_screenshots(crawl):
    def check(visit):
        if not visit.data:
            return []
        problems = []
        if visit.schemes.get("light") != "default" or visit.schemes.get("dark") != "slate":
            problems.append(f"palette toggle gave {visit.schemes}, expected light=default, dark=slate")
        name = bs.screenshot_name(visit.page)
        for scheme in ("light", "dark"):
            shot = bs.SCREENSHOTS / f"{name}-{scheme}.png"
            if not shot.is_file() or shot.stat().st_size < 1000:
                problems.append(f"no {scheme} screenshot at {shot.name}")
        light, dark = (bs.SCREENSHOTS / f"{name}-{s}.png" for s in ("light", "dark"))
        if light.is_file() and dark.is_file() and light.read_bytes() == dark.read_bytes():
            problems.append("the light and dark screenshots are identical")
        return problems
    report(crawl, check)


# ------------------------------------------------------------------ search


def test_search_finds_a_chapter_keyword(browser, site_url):
    context = new_context(browser, site_url)
    try:
        tab = context.new_page()
        errors = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(site_url, wait_until="networkidle")
        box = tab.locator("input.md-search__input")
        if not box.is_visible():  # narrow screens show a search button instead
            tab.locator("label[for=__search]:visible").first.click()
        box.click()
        box.press_sequentially(SEARCH_TERM, delay=20)
        items = tab.locator(".md-search-result__item")
        items.first.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert items.count() >= 1
        first = items.first.locator("a").first.get_attribute("href")
        assert first, "a search result without a link"
        assert SEARCH_TERM in items.first.inner_text().lower() or tab.locator(
            ".md-search-result mark").count(), "results do not highlight the search term"
        assert not errors, errors
    finally:
        context.close()


# ------------------------------------------------------------------ copy button of ```pycon


def _copy_page(page_id, built_site):
    if page_id in bs.site_pages(built_site):
        return page_id
    for page in bs.site_pages(built_site):
        if page == COPY_PAGES[0]:
            continue
        source = bs.local_target(built_site, "/" + page).read_text(encoding="utf-8")
        if re.search(r'class="gp">\.\.\.', source):  # a console example's `...` prompt
            return page
    pytest.skip("no page other than chapter 1 has a ```pycon example with a multi-line statement yet")


def _run_copied(blocks, mode):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(bs.ROOT / "src"), env.get("PYTHONPATH")]))
    env.pop("MPLBACKEND", None)
    with tempfile.TemporaryDirectory() as scratch:  # a fresh interpreter in an empty folder
        result = subprocess.run([sys.executable, "-c", bs.RUNNER, mode],
                                input=json.dumps(blocks), capture_output=True, text=True,
                                env=env, cwd=scratch, timeout=120)
    assert bs.RUNNER_MARKER in result.stdout, f"runner failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.rsplit(bs.RUNNER_MARKER, 1)[1])


@pytest.fixture(scope="module")
def copied(browser, site_url, built_site):
    """{page: (copied blocks, hidden setup)} of every ```pycon block, via its copy button."""
    cache = {}

    def copy(page):
        if page in cache:
            return cache[page]
        context = new_context(browser, site_url, permissions=["clipboard-read", "clipboard-write"])
        try:
            tab = context.new_page()
            tab.goto(site_url + page, wait_until="networkidle")
            tab.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            blocks = []
            pycon = tab.locator(".language-pycon")
            for i in range(pycon.count()):
                block = pycon.nth(i)
                if not block.is_visible():
                    continue  # e.g. an inactive content tab
                shown = block.locator("code").inner_text()
                tab.evaluate("() => navigator.clipboard.writeText('')")
                block.hover()
                # Material < 9.7: button.md-clipboard; 9.7+: button.md-code__button[data-md-type=copy]
                block.locator(COPY_BUTTON).first.click(timeout=5_000)
                try:
                    tab.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''",
                                          polling=50, timeout=5_000)
                except Exception:  # noqa: BLE001 - nothing copied: reported by the tests
                    pass
                text = tab.evaluate("() => navigator.clipboard.readText()")
                output = block.locator(".go, .gt, .gr").all_inner_texts()
                blocks.append({"code": text, "shown": shown,
                               "output": [line for out in output for line in out.splitlines() if line.strip()],
                               "raises": "Traceback (most recent call last)" in shown})
            setup = bs.hidden_setup(bs.local_target(built_site, "/" + page).read_text(encoding="utf-8"))
        finally:
            context.close()
        cache[page] = (blocks, setup)
        return cache[page]
    return copy


@pytest.mark.parametrize("page_id", COPY_PAGES, ids=["chapter-1", "multi-line"])
def test_copy_button_copies_code_without_prompts_or_output(page_id, built_site, copied):
    page = _copy_page(page_id, built_site)
    blocks, _ = copied(page)
    assert blocks, (f"/{page}: no ```pycon block with a copy button (.language-pycon); "
                    "is pymdownx.highlight's pygments_lang_class enabled in mkdocs.yml?")
    for i, block in enumerate(blocks):
        lines = block["code"].splitlines()
        prompts = [line for line in lines if re.match(r"(>>>|\.\.\.)( |$)", line)]
        assert not prompts, f"/{page} block {i}: prompts copied: {prompts}\n{block['code']}"
        leaked = [line for line in block["output"] if line.strip() in {c.strip() for c in lines}
                  and not line.strip().startswith(("...", "Traceback"))]
        assert not leaked, f"/{page} block {i}: output lines copied: {leaked}\n{block['code']}"
        assert block["code"].strip(), f"/{page} block {i}: the copy button copied nothing"
    if page_id != COPY_PAGES[0]:
        assert any("\n" in b["code"].strip() and re.search(r"^\s+\S", b["code"], re.M) for b in blocks), \
            f"/{page}: no multi-line statement among the copied blocks"


@pytest.mark.parametrize("mode", ["exec", "paste"])
@pytest.mark.parametrize("page_id", COPY_PAGES, ids=["chapter-1", "multi-line"])
def test_copied_code_runs_in_python(page_id, mode, built_site, copied):
    """exec: the copied text runs as a script; paste: it runs when pasted at the `>>>` prompt."""
    page = _copy_page(page_id, built_site)
    blocks, setup = copied(page)
    assert blocks, f"/{page}: no ```pycon block with a copy button (.language-pycon)"
    if setup:  # setup a chapter hides in an HTML comment runs first
        blocks = [{"code": setup, "raises": False}] + blocks
    problems = _run_copied([{"code": b["code"], "raises": b["raises"]} for b in blocks], mode)
    assert not problems, f"/{page} ({mode}):\n" + "\n\n".join(problems)


@pytest.mark.parametrize("page", sorted(DIRECTIVE_PAGES) or ["none"])
def test_copy_button_leaves_out_doctest_directives(page, copied):
    """On the chapters whose Markdown has `# doctest:` directives, neither the shown nor
    the copied code has them, and the lines that carried them are copied without them."""
    if page == "none":
        pytest.skip("no chapter has a doctest directive in its console examples")
    blocks, _ = copied(page)
    assert blocks, f"/{page}: no ```pycon block with a copy button"
    for i, block in enumerate(blocks):
        assert "doctest:" not in block["shown"], f"/{page} block {i} shows a directive:\n{block['shown']}"
        assert "doctest:" not in block["code"], f"/{page} block {i}: directive copied:\n{block['code']}"
    copied_lines = {line.strip() for block in blocks for line in block["code"].splitlines()}
    for line in DIRECTIVE_PAGES[page]:
        if line:  # a line that held only a directive is dropped altogether
            assert line in copied_lines, f"/{page}: {line!r} (its directive removed) was not copied"


def test_copy_script_removes_directives_itself(browser, site_url):
    """The copy button's own conversion drops directives too, should a page still show one."""
    context = new_context(browser, site_url)
    try:
        tab = context.new_page()
        tab.goto(site_url + COPY_PAGES[0], wait_until="networkidle")
        code = tab.evaluate("""() => pyconToCode(
            ">>> for x in [1, 2]:  # doctest: +FLOAT_CMP\\n...     print(x / 3)  #doctest:+ELLIPSIS\\n"
            + "0.333...\\n0.666...\\n>>> s = '# doctest: in a string'\\n")""")
        assert code == "for x in [1, 2]:\n    print(x / 3)\n\ns = '# doctest: in a string'\n", repr(code)
    finally:
        context.close()
