"""Helpers for the real-browser tests (tests/test_browser.py).

The built site is served by a threaded ``http.server`` on 127.0.0.1 and driven
by Debian's Chromium through the Python ``playwright`` package
(``executable_path``, so no ``playwright install`` download is needed).

Loaded as a plugin (``pytest -p tests.browser_support --without-site``) it also
deselects every test that needs the built site or a browser, which is how
``make test-oldest`` and the CI matrix run only the unit tests and doctests.
"""

from __future__ import annotations

import contextlib
import functools
import html.parser
import http.server
import os
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Where the crawl saves its screenshots; ``SCREENSHOTS_DIR`` moves them (e.g. to
#: keep a second checkout's run from replacing the ones in ``screenshots/``).
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "screenshots")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

INSTALL_HINT = (
    "install Chromium (Debian/Ubuntu: `sudo apt-get install -y chromium`, or set "
    "CHROMIUM=/path/to/chromium) and the test tools (`make test` bootstraps .venv "
    "with playwright); under CI=true these tests fail instead of skipping"
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def no_browser(reason: str):
    """Skip locally, fail under CI=true: CI must never silently skip the browser."""
    message = f"no browser for the browser tests: {reason}; {INSTALL_HINT}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def chromium_path() -> str | None:
    candidates = [os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                  "/usr/bin/chromium", shutil.which("google-chrome"), shutil.which("google-chrome-stable")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@contextlib.contextmanager
def chromium():
    """Launch headless Chromium through playwright; yield the browser.

    Without a Chromium executable or playwright the test skips (locally) or fails
    (under CI=true), naming what is missing.
    """
    executable = chromium_path()
    if executable is None:
        no_browser("no chromium executable found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        no_browser(f"cannot import playwright ({error})")
    try:
        manager = sync_playwright().start()
    except Exception as error:  # noqa: BLE001 - any start-up failure means "no browser"
        no_browser(f"playwright did not start: {error}")
    try:
        browser = manager.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                          headless=True, timeout=60_000)
    except Exception as error:  # noqa: BLE001
        manager.stop()
        no_browser(f"{executable} did not start: {error}")
    try:
        yield browser
    finally:
        browser.close()
        manager.stop()


def local_only(base_url: str):
    """Route handler for a browser context: anything not on the local server is aborted."""
    netloc = urlparse(base_url).netloc

    def handle(route):
        url = urlparse(route.request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.netloc != netloc:
            route.abort("blockedbyclient")
        else:
            route.continue_()
    return handle


# --------------------------------------------------------------------------- plugin


def pytest_addoption(parser):
    parser.addoption("--without-site", action="store_true", default=False,
                     help="deselect the tests that build the site (built_site fixture) "
                          "or drive a browser: unit tests and doctests only")


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--without-site"):
        return
    keep, drop = [], []
    for item in items:
        needs_site = "built_site" in getattr(item, "fixturenames", ())
        (drop if needs_site or item.get_closest_marker("browser") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# --------------------------------------------------------------------------- server


#: Lazy images load only when scrolled to: load them all, wait for each, and for the fonts.
SETTLE_JS = """async () => {
  const images = Array.from(document.images);
  for (const img of images) img.loading = "eager";
  await Promise.all(images.map(img => img.complete ? null :
    new Promise(done => { img.addEventListener("load", done); img.addEventListener("error", done); })));
  await document.fonts.ready;
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 at a free port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- pages

_SKIP_DIRS = {"assets", "search", "javascripts", "stylesheets", "figures"}


def site_pages(site: Path) -> list[str]:
    """Every page of the built site, as a path relative to the site root ('' = home).

    The walk over ``*/index.html`` is the source of truth; the sitemap's entries
    are added too (mapped onto the site root), so a page listed there but missing
    on disk is still visited and reported.
    """
    pages = set()
    for index in site.rglob("index.html"):
        rel = index.parent.relative_to(site)
        if rel.parts and rel.parts[0] in _SKIP_DIRS:
            continue
        pages.add("" if not rel.parts else rel.as_posix() + "/")
    pages.update(sitemap_pages(site))
    return sorted(pages, key=lambda p: (p != "", p))


def sitemap_pages(site: Path) -> list[str]:
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return []
    namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [urlparse(loc.text.strip()).path
            for loc in ET.parse(sitemap).getroot().findall("sm:url/sm:loc", namespace)
            if loc.text]
    if not locs:
        return []
    base = min(locs, key=len)  # the home page's path is the site's base path
    base = base if base.endswith("/") else base.rsplit("/", 1)[0] + "/"
    return [unquote(path[len(base):]) for path in locs if path.startswith(base)]


def screenshot_name(page: str) -> str:
    return page.strip("/").replace("/", "--") or "index"


class _IdCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is not None and (name == "id" or (name == "name" and tag == "a")):
                self.ids.add(value)


@functools.lru_cache(maxsize=None)
def html_ids(path: Path) -> frozenset[str]:
    collector = _IdCollector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(collector.ids)


def local_target(site: Path, url_path: str) -> Path | None:
    """The file a same-site URL path resolves to, as a static server would, or None."""
    rel = unquote(url_path).lstrip("/")
    target = site / rel
    if url_path.endswith("/") or target.is_dir():
        target = target / "index.html"
    try:
        target.resolve().relative_to(site.resolve())
    except ValueError:
        return None
    return target if target.is_file() else None


def check_link(site: Path, base_url: str, href: str) -> str | None:
    """None if a same-site link resolves (file and #fragment); otherwise why not."""
    parsed, base = urlparse(href), urlparse(base_url)
    if parsed.scheme not in {"http", "https"} or parsed.netloc != base.netloc:
        return None  # another site, mailto:, javascript: ... not ours to resolve
    target = local_target(site, parsed.path)
    if target is None:
        return f"{href}: no file {unquote(parsed.path)!r} in the site"
    fragment = unquote(parsed.fragment)
    if fragment and target.suffix == ".html" and fragment not in html_ids(target):
        return f"{href}: no element with id {fragment!r} in {target.relative_to(site)}"
    return None


# --------------------------------------------------------------------------- math

RAW_MATH = [
    re.compile(r"\$\$.+?\$\$", re.S),
    re.compile(r"\\\(.+?\\\)", re.S),
    re.compile(r"\\\[.+?\\\]", re.S),
    # inline $x$: no space just inside the dollars, no word character outside
    re.compile(r"(?<![\\$\w])\$(?=\S)[^$\n]+?(?<=\S)\$(?![\w$])"),
]


def raw_math(text: str) -> list[str]:
    found = []
    for pattern in RAW_MATH:
        found += [m.group(0)[:80] for m in pattern.finditer(text)]
    return found


# --------------------------------------------------------------------------- pycon


HIDDEN_SETUP = re.compile(r"<!--(.*?)-->", re.S)


def hidden_setup(page_html: str) -> str:
    """Doctest setup that a chapter keeps in an HTML comment (see CONTRIBUTING), as code.

    Such setup has no copy button; its code is read by :mod:`booktools.console`
    (imported here: as a plugin, this module loads before pytest puts src/ on the path).
    """
    from booktools import console

    return "".join(console.code(m.group(1)) + "\n" for m in HIDDEN_SETUP.finditer(page_html)
                   if console.is_session(m.group(1)))


# Run in a fresh interpreter: the copied blocks of one page, in order, in one
# namespace, in two ways.
#   exec:  each block is executed as a script (what pasting into Jupyter, IPython
#          or a file does);
#   paste: each block is fed line by line to code.InteractiveConsole, exactly as
#          the classic `python` prompt reads pasted text.
# A block whose output on the page shows a traceback must raise, but may not be
# a SyntaxError. Prints a JSON list of problems.
RUNNER = r'''
import ast, code, json, sys, traceback
blocks = json.load(sys.stdin)
mode = sys.argv[1]
problems = []

if mode == "exec":
    ns = {"__name__": "__main__"}
    for i, block in enumerate(blocks):
        name = f"<copied block {i}>"
        if not block["raises"]:
            try:
                exec(compile(block["code"], name, "exec"), ns)
            except BaseException:
                problems.append(f"block {i} raised:\n" + traceback.format_exc(limit=2)
                                + "--- copied text ---\n" + block["code"])
            continue
        try:
            tree = ast.parse(block["code"], name)
        except SyntaxError:
            problems.append(f"block {i} is not valid Python:\n" + traceback.format_exc(0)
                            + "--- copied text ---\n" + block["code"])
            continue
        raised = 0
        for stmt in tree.body:
            try:
                exec(compile(ast.Module([stmt], []), name, "exec"), ns)
            except Exception:
                raised += 1
        if not raised:
            problems.append(f"block {i} shows a traceback on the page but raised nothing")
else:
    class Console(code.InteractiveConsole):
        def showsyntaxerror(self, filename=None, **kwargs):
            self.errors.append(("SyntaxError", traceback.format_exc(0)))
        def showtraceback(self):
            self.errors.append(("exception", traceback.format_exc(limit=2)))
    console = Console({"__name__": "__main__"})
    for i, block in enumerate(blocks):
        console.errors = []
        more = False
        for line in block["code"].splitlines():
            more = console.push(line)
        if more:
            console.push("")  # the reader presses Enter once after the paste
        syntax = [text for kind, text in console.errors if kind == "SyntaxError"]
        if syntax:
            problems.append(f"block {i}: the Python prompt rejects the pasted text:\n"
                            + syntax[0] + "--- copied text ---\n" + block["code"])
        elif console.errors and not block["raises"]:
            problems.append(f"block {i} raised when pasted:\n" + console.errors[0][1]
                            + "--- copied text ---\n" + block["code"])
        elif block["raises"] and not console.errors:
            problems.append(f"block {i} shows a traceback on the page but raised nothing")
print("\n" + MARKER + json.dumps(problems))
'''.replace("MARKER", repr("@@copied-code-problems@@"))
RUNNER_MARKER = "@@copied-code-problems@@"
