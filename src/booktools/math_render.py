r"""Math rendered when the site is built: pages ship KaTeX's HTML, not a math script.

``pymdownx.arithmatex`` (generic mode) leaves each formula's TeX in the page,
as ``<span class="arithmatex">\(...\)</span>`` (inline) or
``<div class="arithmatex">\[...\]</div>`` (display); a notebook page
(mkdocs-jupyter) keeps the ``$...$`` and ``$$...$$`` of its Markdown cells.
:func:`find` lists those formulas, :class:`Renderer` turns every one that is
not in its cache into HTML in a single Node process (``katex_render.js``,
which loads the KaTeX of ``docs/assets/katex/``: the same version as the CSS
and fonts the site serves), and :func:`replace` puts the HTML in place, inside
the same ``arithmatex`` element. A formula KaTeX cannot parse fails the build,
naming its page and its TeX. ``hooks/math.py`` calls these during the build.

Needs Node.js 18 or later (``node`` on the ``PATH``, or ``NODE`` set).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["KATEX_JS", "Math", "MathError", "find", "replace", "katex_version", "Renderer", "has_math"]

_ROOT = Path(__file__).resolve().parents[2]
#: The KaTeX the site serves (its CSS and fonts sit beside it).
KATEX_JS = _ROOT / "docs" / "assets" / "katex" / "katex.min.js"
_SCRIPT = Path(__file__).with_name("katex_render.js")
NODE_MIN = 18


@dataclass(frozen=True)
class Math:
    """One formula: its TeX and whether it is displayed on a line of its own."""

    tex: str
    display: bool

    def __str__(self) -> str:
        return f"\\[{self.tex}\\]" if self.display else f"\\({self.tex}\\)"


class MathError(RuntimeError):
    """KaTeX could not render a formula, or could not be run at all."""


# ------------------------------------------------------------------ finding the math

#: What arithmatex writes (the TeX is HTML-escaped once).
_ARITHMATEX = re.compile(
    r'(?P<open><(?P<tag>span|div) class="arithmatex">)'
    r"(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\])"
    r"(?P<close></(?P=tag)>)",
    re.S,
)

#: Dollar math in a notebook's Markdown cell, as Jupyter (and pandoc) read it:
#: ``$$...$$`` displayed; ``$...$`` inline when the opening dollar is not followed
#: and the closing one not preceded by a space, and no digit follows it ("$5 and $6").
_DOLLARS = re.compile(
    r"(?<![\\$])\$\$(?P<display>.+?)(?<!\\)\$\$"
    r"|(?<![\\$])\$(?![\s$])(?P<inline>(?:\\.|[^$\\])+?)(?<![\s\\])\$(?![\d$])",
    re.S,
)

_TAG = re.compile(r"<!--.*?-->|<(?P<end>/?)(?P<name>[a-zA-Z][\w-]*)(?P<attrs>[^>]*?)(?P<self>/?)>", re.S)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_NOT_MATH = {"code", "pre", "script", "style", "textarea", "kbd", "samp"}
_MARKDOWN_CELL = re.compile(r'class="[^"]*\bjp-RenderedMarkdown\b')


def _notebook_text(page: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each run of text inside a notebook's Markdown cells, outside code."""
    stack: list[tuple[str, bool, bool]] = []  # (tag, in a Markdown cell, in code)
    position = 0
    for tag in _TAG.finditer(page):
        in_cell, in_code = stack[-1][1:] if stack else (False, False)
        if in_cell and not in_code and tag.start() > position:
            yield position, tag.start()
        position = tag.end()
        name = (tag["name"] or "").lower()
        if not name or tag["self"] or name in _VOID:
            continue
        if tag["end"]:
            while stack:  # close up to the matching tag (tolerates unclosed <p>, <li> ...)
                if stack.pop()[0] == name:
                    break
        else:
            stack.append((name, in_cell or bool(_MARKDOWN_CELL.search(tag["attrs"])),
                          in_code or name in _NOT_MATH))


def _matches(page: str, notebook: bool) -> Iterable[tuple[int, int, str, str, Math]]:
    """(start, end, before, after, formula) of every formula of ``page``, in order."""
    for m in _ARITHMATEX.finditer(page):
        display = m["display"] is not None
        tex = html.unescape(m["display"] if display else m["inline"]).strip()
        yield m.start(), m.end(), m["open"], m["close"], Math(tex, display)
    if notebook:
        for start, end in _notebook_text(page):
            for m in _DOLLARS.finditer(page, start, end):
                display = m["display"] is not None
                tex = html.unescape(m["display"] if display else m["inline"]).strip()
                yield m.start(), m.end(), '<span class="arithmatex">', "</span>", Math(tex, display)


def find(page: str, *, notebook: bool = False) -> list[Math]:
    r"""Every formula in a page's HTML, in order (``notebook``: also the dollars of Markdown cells).

    >>> find('<p>Slope <span class="arithmatex">\\(f&#39;(x) &lt; 0\\)</span></p>')
    [Math(tex="f'(x) < 0", display=False)]
    >>> find('<div class="jp-RenderedMarkdown"><p>$x^2$ costs $5, not $6.</p>'
    ...      '<pre>$not math$</pre></div>', notebook=True)
    [Math(tex='x^2', display=False)]
    """
    return [math for *_, math in _matches(page, notebook)]


def has_math(page: str, *, notebook: bool = False) -> bool:
    """Whether :func:`find` would find anything (without listing it)."""
    return next(iter(_matches(page, notebook)), None) is not None


def replace(page: str, rendered: Callable[[Math], str], *, notebook: bool = False) -> str:
    r"""``page`` with every formula replaced by ``rendered(formula)``, inside an ``arithmatex`` element.

    >>> replace('a <span class="arithmatex">\\(x\\)</span> b', lambda m: f"<b>{m.tex}</b>")
    'a <span class="arithmatex"><b>x</b></span> b'
    """
    parts, position = [], 0
    for start, end, before, after, math in sorted(_matches(page, notebook), key=lambda m: m[0]):
        if start < position:  # a formula inside one already replaced
            continue
        parts += [page[position:start], before, rendered(math), after]
        position = end
    parts.append(page[position:])
    return "".join(parts)


# ------------------------------------------------------------------ rendering


def katex_version(katex_js: Path = KATEX_JS) -> str:
    """The version of the KaTeX in ``katex_js``, read from the file (no Node needed)."""
    found = re.search(r'version:"([^"]+)"', katex_js.read_text(encoding="utf-8"))
    if not found:
        raise MathError(f"no KaTeX version found in {katex_js}")
    return found[1]


def _node() -> str:
    """The Node executable; refuses a missing one or one older than 18, saying so."""
    node = os.environ.get("NODE") or shutil.which("node") or shutil.which("nodejs")
    hint = f"the math is rendered at build time with Node.js >= {NODE_MIN} (Debian: apt-get install nodejs)"
    if not node:
        raise MathError(f"no `node` found on the PATH: {hint}")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    major = re.match(r"v?(\d+)", version)
    if not major or int(major[1]) < NODE_MIN:
        raise MathError(f"{node} is Node.js {version or '(unknown version)'}: {hint}")
    return node


class Renderer:
    """KaTeX's HTML for formulas, from a cache or from one Node process per :meth:`render` call.

    The cache (``cache_dir/<version>.json``) is keyed by a hash of the TeX, the
    display mode and the KaTeX version; :meth:`save` writes back the entries
    this build used.
    """

    def __init__(self, katex_js: Path = KATEX_JS, cache_dir: Path | None = None) -> None:
        self.katex_js = Path(katex_js)
        self.version = katex_version(self.katex_js)
        self.cache_file = Path(cache_dir) / f"katex-{self.version}.json" if cache_dir else None
        self._on_disk: dict[str, str] = {}
        if self.cache_file and self.cache_file.is_file():
            try:
                self._on_disk = json.loads(self.cache_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # a damaged cache is rebuilt
                self._on_disk = {}
        self._html: dict[Math, str] = {}
        self.node_runs = 0  # how many Node processes this renderer started
        self.warnings: list[str] = []  # KaTeX's own warnings (its "strict" mode), from stderr

    def key(self, math: Math) -> str:
        text = f"{self.version}\0{'display' if math.display else 'inline'}\0{math.tex}"
        return hashlib.sha256(text.encode()).hexdigest()

    def __contains__(self, math: Math) -> bool:
        return math in self._html

    def __getitem__(self, math: Math) -> str:
        return self._html[math]

    def render(self, formulas: Mapping[Math, str] | Iterable[Math]) -> int:
        """Make every formula's HTML available; return how many Node rendered.

        ``formulas`` maps each formula to where it comes from (a page), which a
        TeX error names. Those already known or in the cache need no Node; the
        rest go to a single Node process. Raises :class:`MathError` listing every
        formula KaTeX refused.
        """
        where = formulas if isinstance(formulas, Mapping) else dict.fromkeys(formulas, "")
        todo = []
        for math in where:
            if math in self._html:
                continue
            cached = self._on_disk.get(self.key(math))
            if cached is not None:
                self._html[math] = cached
            else:
                todo.append(math)
        if not todo:
            return 0
        results = self._run_node(todo)
        errors = []
        for math, result in zip(todo, results):
            if "html" in result:
                self._html[math] = result["html"]
            else:
                page = f"{where[math]}: " if where[math] else ""
                errors.append(f"{page}{'display' if math.display else 'inline'} math: {math.tex}\n"
                              f"    {result.get('error', 'no result')}")
        if errors:
            raise MathError(f"KaTeX {self.version} could not render {len(errors)} formula(s):\n  "
                            + "\n  ".join(errors))
        return len(todo)

    def _run_node(self, todo: list[Math]) -> list[dict]:
        self.node_runs += 1
        payload = json.dumps([{"tex": m.tex, "display": m.display} for m in todo])
        result = subprocess.run([_node(), str(_SCRIPT), str(self.katex_js)], input=payload,
                                capture_output=True, text=True, encoding="utf-8", check=False)
        if result.returncode != 0:
            raise MathError(f"{_SCRIPT.name} failed (exit {result.returncode}):\n{result.stderr.strip()}")
        self.warnings += [line for line in result.stderr.splitlines() if line.strip()]
        answer = json.loads(result.stdout)
        if answer.get("version") != self.version or len(answer.get("results", [])) != len(todo):
            raise MathError(f"{_SCRIPT.name} answered for KaTeX {answer.get('version')} "
                            f"({len(answer.get('results', []))} results for {len(todo)} formulas); "
                            f"expected KaTeX {self.version}")
        return answer["results"]

    def save(self) -> None:
        """Write the cache: the entries of every formula this renderer has seen."""
        if not self.cache_file:
            return
        used = {self.key(math): html_ for math, html_ in self._html.items()}
        if used == self._on_disk:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(used, sort_keys=True), encoding="utf-8")
        tmp.replace(self.cache_file)
        self._on_disk = used
