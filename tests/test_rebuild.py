"""booktools.rebuild: what ``mkdocs serve`` keeps between builds gives what the steps it stands for give."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from material.plugins.search.plugin import Parser, SearchIndex
from pymdownx.highlight import Highlight

from booktools import rebuild


def _material_sections(html: str) -> list:
    parser = Parser()
    parser.feed(html)
    parser.close()
    return parser.data


def _fields(sections: list) -> list:
    return [(s.el.tag, s.id, s.depth, list(s.title), list(s.text), s.is_excluded()) for s in sections]


@pytest.fixture
def restored(monkeypatch):
    """Material and pymdownx as they were before the test, whatever it installs."""
    monkeypatch.setattr(SearchIndex, "add_entry_from_context", SearchIndex.add_entry_from_context)
    monkeypatch.setattr(Highlight, "highlight", Highlight.highlight)


@pytest.mark.parametrize("page", ["", "07-autodiff/", "09-many-layers/", "cheatsheet/", "reference/nn/"])
def test_sections_are_materials_own(built_site, page):
    html = (built_site / page / "index.html").read_text(encoding="utf-8")
    expected = _fields(_material_sections(html))
    assert len(expected) > 3
    assert _fields(rebuild.sections(html)) == expected  # read
    assert _fields(rebuild.sections(html)) == expected  # kept


def test_sections_kept_cannot_be_changed_by_a_caller():
    html = '<h2 id="x">X</h2><p>text</p>'
    first = rebuild.sections(html)
    first[1].title.append(" changed")
    first[1].title = ["other"]
    assert _fields(rebuild.sections(html)) == _fields(_material_sections(html))


def _page(content: str, url: str = "ch/", title: str = "Chapter", meta: dict | None = None):
    return SimpleNamespace(content=content, toc=[], url=url, title=title, meta=meta or {})


@pytest.mark.parametrize("meta", [{}, {"search": {"exclude": True}}, {"search": {"boost": 2}}, {"title": "Given"}])
def test_search_entries_are_materials_own(built_site, restored, meta):
    html = (built_site / "05-gradient-descent" / "index.html").read_text(encoding="utf-8")
    pages = [_page(html, meta=meta), _page("<p>No heading at all.</p>", url="other/", meta=meta)]
    theirs, ours = SearchIndex(), SearchIndex()
    for page in pages:
        theirs.add_entry_from_context(copy.deepcopy(page))
    rebuild.install()
    for _ in range(2):  # read, then kept
        ours.entries.clear()
        for page in pages:
            ours.add_entry_from_context(copy.deepcopy(page))
        assert ours.entries == theirs.entries
    assert bool(ours.entries) == (meta != {"search": {"exclude": True}})


def _highlighter(**options) -> Highlight:
    settings = dict(guess_lang=False, pygments_style="default", use_pygments=True, noclasses=False,
                    linenums=None, linenums_style="table", linenums_special=-1, linenums_class="linenums",
                    extend_pygments_lang=None, language_prefix="language-", code_attr_on_pre=False,
                    auto_title=False, auto_title_map=None, line_spans="", anchor_linenums=False,
                    line_anchors="", pygments_lang_class=True, stripnl=True, default_lang="",
                    title_mode="text")
    settings.update(options)
    return Highlight(SimpleNamespace(htmlStash=SimpleNamespace(store=lambda text: text)), **settings)


CODE = ">>> from backprop.calculus import derivative\n>>> derivative(lambda x: x**2, 3.0)\n6.000000000039306\n"


def test_highlight_is_pymdownx_own_and_kept(restored):
    original = Highlight.highlight
    calls = []

    def counting(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    wrapped = rebuild.highlight(counting, rebuild.Memo())
    plain = _highlighter()
    cases = [((CODE, "pycon"), {}), ((CODE, "python"), {}), ((CODE, "pycon"), {"hl_lines": [2]}),
             ((CODE, "pycon"), {"linestart": 3}), ((CODE, "pycon", "highlight", None, 1, 1), {})]
    for args, kwargs in cases:
        assert wrapped(plain, *args, **kwargs) == original(plain, *args, **kwargs)
    assert len(calls) == len(cases)  # each input computed once: hl_lines, linestart are in the key
    for args, kwargs in cases:
        wrapped(plain, *args, **kwargs)
    assert len(calls) == len(cases)  # then kept
    numbered = _highlighter(linenums=True)  # an option of the highlighter is in the key too
    assert wrapped(numbered, CODE, "pycon") == original(numbered, CODE, "pycon") != original(plain, CODE, "pycon")
    assert len(calls) == len(cases) + 1


def test_inline_code_is_coloured_afresh(restored):
    """Inline code comes back as an element its caller puts into (and changes in) the page's tree."""
    original = Highlight.highlight
    calls = []
    wrapped = rebuild.highlight(lambda self, *a, **k: calls.append(a) or original(self, *a, **k), rebuild.Memo())
    plain = _highlighter()
    first, second = (wrapped(plain, "x = 1", "python", inline=True) for _ in range(2))
    assert first is not second and len(calls) == 2
    assert ElementTree.tostring(first) == ElementTree.tostring(original(plain, "x = 1", "python", inline=True))


def test_highlight_with_html_title_is_never_kept(restored):
    original = Highlight.highlight
    calls = []
    wrapped = rebuild.highlight(lambda self, *a, **k: calls.append(a) or original(self, *a, **k), rebuild.Memo())
    titled = _highlighter(title_mode="html")
    for _ in range(2):
        wrapped(titled, CODE, "pycon", title="<b>t</b>")
    assert len(calls) == 2


def test_install_wraps_once(restored):
    rebuild.install()
    wrapped = Highlight.highlight
    rebuild.install()
    assert Highlight.highlight is wrapped and hasattr(wrapped, "memo")
    assert SearchIndex.add_entry_from_context is rebuild._add_entry_from_context


def test_memo_keeps_the_last_used():
    memo = rebuild.Memo(keep=2)
    memo.get("a", lambda: 1), memo.get("b", lambda: 2), memo.get("a", lambda: 0), memo.get("c", lambda: 3)
    assert list(memo.results) == ["a", "c"]
    with pytest.raises(ValueError, match="keep must be at least 1, got 0"):
        rebuild.Memo(keep=0)
    with pytest.raises(TypeError, match="keep must be an int, got float"):
        rebuild.Memo(keep=2.0)


def test_wrong_input_is_named():
    with pytest.raises(TypeError, match="html must be a str, got bytes"):
        rebuild.sections(b"<p>x</p>")
    with pytest.raises(TypeError, match="original must be callable, got str"):
        rebuild.highlight("highlight")
