"""The site build redraws exactly the figures whose code or inputs changed.

``booktools.figures.cache`` keys each figure module on its own source, the
sources of every ``backprop``/``booktools`` module it imports (transitively)
and the data files those read, and draws stale modules in a fresh process.
These tests work on a copy of ``src/`` so that editing it cannot touch the
repository.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from booktools import figures
from booktools.figures import cache

ROOT = Path(__file__).resolve().parents[1]

# Two cheap figure modules: ch00 imports no library module, ch04 imports calculus.
CHEAP = ["ch00_path", "ch04_chain_rule"]


@pytest.fixture()
def src_copy(tmp_path, monkeypatch):
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src", copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    monkeypatch.setattr(cache, "SRC", copy)
    monkeypatch.setattr(cache, "figure_modules", lambda: list(CHEAP))
    return copy


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_key_follows_imports_to_the_library_and_its_data():
    files = {p.relative_to(ROOT).as_posix() for p in cache.imported_files("ch11_digits")}
    assert {"src/backprop/nn.py", "src/backprop/digits.py", "src/backprop/data/digits.csv.gz",
            "src/booktools/figures/_style.py", "src/booktools/figures/ch11_digits.py"} <= files
    # nothing the module does not import
    assert "src/backprop/engine.py" not in files
    assert "src/booktools/figures/ch02_derivatives.py" not in files
    # chapter 12 draws from the benchmark results
    assert "benchmarks/results/gradient_cost.json" in {
        p.relative_to(ROOT).as_posix() for p in cache.imported_files("ch12_why_backprop")}


def test_first_build_draws_then_reuses(src_copy, tmp_path):
    store = tmp_path / "cache"
    first = cache.build(store)
    assert sorted(first.drawn) == CHEAP and first.reused == []
    figures.discover()
    for name, content in first.files.items():
        assert content == figures.render(figures.REGISTRY[name]), f"{name}: cached bytes differ"
    again = cache.build(store)
    assert again.drawn == [] and sorted(again.reused) == CHEAP
    assert again.files == first.files


def test_a_library_edit_redraws_only_the_modules_that_import_it(src_copy, tmp_path):
    store = tmp_path / "cache"
    cache.build(store)
    _append(src_copy / "backprop" / "calculus.py", "\nEDITED = 1\n")
    assert cache.build(store).drawn == ["ch04_chain_rule"]
    _append(src_copy / "booktools" / "figures" / "_style.py", "\nEDITED = 1\n")
    assert sorted(cache.build(store).drawn) == CHEAP


def test_a_changed_figure_module_is_drawn_from_its_new_code(src_copy, tmp_path):
    store = tmp_path / "cache"
    module = src_copy / "booktools" / "figures" / "ch00_path.py"
    _append(module, '\n\n@figure("cache-probe.svg")\ndef probe():\n'
                    '    fig = Figure(figsize=(2, 1))\n    fig.add_subplot().plot([0, 1], [0, 1], lw=1)\n'
                    '    return fig\n')
    before = cache.build(store).files["cache-probe.svg"]
    module.write_text(module.read_text(encoding="utf-8").replace("lw=1)", "lw=4)"), encoding="utf-8")
    after = cache.build(store)
    assert after.drawn == ["ch00_path"]
    assert after.files["cache-probe.svg"] != before
    assert re.search(rb"stroke-width: ?4", after.files["cache-probe.svg"])
    # the old key's folder is gone: one drawing per module in the cache
    assert len(list((store / "ch00_path").iterdir())) == 1


def test_a_broken_figure_module_fails_the_build_with_its_error(src_copy, tmp_path):
    _append(src_copy / "booktools" / "figures" / "ch00_path.py", "\nraise RuntimeError('probe failure')\n")
    with pytest.raises(RuntimeError, match="(?s)ch00_path.*probe failure"):
        cache.build(tmp_path / "cache")


READS_FILES = re.compile(r"\b(read_text|read_bytes|open|resources\.files|np\.load|loadtxt)\(")
#: Modules of src/ that read files but no figure depends on what they read.
NOT_FIGURE_INPUTS = {
    "booktools.explorables": "reads its own cache of explorable data, keyed like the figures",
    "booktools.figures.cache": "reads the cache and the sources it hashes",
    "booktools.notebook": "reads chapters and benchmarks_report.py's source to build notebooks",
    "booktools.math_render": "reads KaTeX's script and its own cache of rendered formulas",
    "booktools.audit": "reads the built site and Lighthouse's reports to audit the pages",
}


def test_every_module_that_reads_a_file_declares_it():
    readers = set()
    for path in (ROOT / "src").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT / "src").with_suffix("").parts).removesuffix(".__init__")
        if READS_FILES.search(path.read_text(encoding="utf-8")):
            readers.add(name)
    undeclared = readers - set(cache.DATA_INPUTS) - set(NOT_FIGURE_INPUTS)
    assert not undeclared, (f"{sorted(undeclared)} read files: list what they read in "
                            "booktools.figures.cache.DATA_INPUTS (or in NOT_FIGURE_INPUTS here, with why)")


def test_serve_watches_the_library_and_the_hooks():
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    watched = {Path(p).resolve() for p in config.watch}
    assert {ROOT / "src", ROOT / "hooks"} <= watched


def test_a_docstring_or_comment_edit_redraws_nothing(src_copy, tmp_path):
    store = tmp_path / "cache"
    cache.build(store)
    calculus = src_copy / "backprop" / "calculus.py"
    text = calculus.read_text(encoding="utf-8")
    first_docstring = text.index('"""') + 3
    calculus.write_text(text[:first_docstring] + "An edited docstring. " + text[first_docstring:] + "\n# a comment\n",
                        encoding="utf-8")
    assert cache.build(store).drawn == []
    # but a change to what the code computes does redraw
    _append(calculus, "\nEDITED = 1\n")
    assert cache.build(store).drawn == ["ch04_chain_rule"]


# ------------------------------------------------------------------ what a phone needs to know


def test_the_manifest_records_each_figure_s_size_and_smallest_text(src_copy, tmp_path):
    """Every file the cache returns comes with its measurements, read back unchanged from the
    cache; a narrow variant names the figure it stands in for."""
    from booktools.images import image_size

    store = tmp_path / "cache"
    first = cache.build(store)
    assert set(first.info) == set(first.files)
    for name, info in first.info.items():
        assert (info["width"], info["height"]) == image_size(first.files[name]), name
        assert info["text"] > 0 and info["smallest"], name
    assert first.info["ch00-path-narrow.svg"]["wide"] == "ch00-path.svg"
    assert "wide" not in first.info["ch00-path.svg"]
    assert cache.build(store).info == first.info  # reused, not redrawn
    manifest = json.loads((store / "ch00_path" / cache.module_key("ch00_path") / "manifest.json").read_text())
    assert sorted(manifest) == ["ch00-path-narrow.svg", "ch00-path.svg"]


def test_a_cache_in_the_old_layout_is_redrawn(src_copy, tmp_path, monkeypatch):
    """The manifest's layout is part of every key, so a cache written by an older build
    (a list of names) is never misread as measurements."""
    key = cache.module_key("ch00_path")
    monkeypatch.setattr(cache, "MANIFEST_VERSION", cache.MANIFEST_VERSION - 1)
    assert cache.module_key("ch00_path") != key


def _probe_figure(dpi: float = 100):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3), dpi=dpi)
    ax = fig.add_subplot()
    ax.plot([1, 10, 100], [1, 2, 3], label="a line")
    ax.set_xscale("log")  # tick labels 10^0, 10^1, 10^2: mathtext with a superscript
    ax.legend(fontsize=9)
    ax.set_title("a title", fontsize=14)
    ax.text(0.5, 0.5, "hidden", fontsize=2, visible=False)  # not drawn: not counted
    ax.text(0.5, 0.5, "   ", fontsize=3)  # nothing to read: not counted
    return fig


def test_the_smallest_text_is_what_is_drawn_smallest():
    """Text sizes come from the texts matplotlib actually draws: tick labels and legends
    included, invisible and blank texts left out, a superscript counted at 0.7 of its size."""
    spec = figures.FigureSpec("probe.svg", _probe_figure)
    data, info = figures.render_with_info(spec)
    assert data == figures.render(spec)
    # the tick labels' exponents: 10 pt x 0.7 = 7 pt, smaller than the 9 pt legend
    assert info.smallest.startswith("$\\mathdefault{10^{")
    assert info.text == pytest.approx(10 * 0.7 * 4 / 3, abs=1e-3)  # CSS px at the file's own size
    assert info.width == pytest.approx(float(re.search(rb'width="([\d.]+)pt"', data)[1]) * 4 / 3, abs=0.5)
    assert info.text_at(info.width / 2) == pytest.approx(info.text / 2)


def test_a_png_figure_is_measured_in_its_own_pixels():
    _, info = figures.render_with_info(figures.FigureSpec("probe.png", lambda: _probe_figure(dpi=200)))
    assert info.text == pytest.approx(10 * 0.7 * 200 / 72, abs=1e-3)  # pixels at 200 dpi


def test_a_narrow_variant_is_drawn_by_the_same_function():
    calls = []

    @figures.figure("probe-variants.svg", narrow=True)
    def probe(narrow=False):
        calls.append(narrow)
        return _probe_figure()

    try:
        wide, narrow = figures.REGISTRY["probe-variants.svg"], figures.REGISTRY["probe-variants-narrow.svg"]
        assert (wide.wide, narrow.wide) == (None, "probe-variants.svg")
        assert wide.module == narrow.module == __name__ and narrow.function is probe
        wide.draw(), narrow.draw()
        assert calls == [False, True]
    finally:
        del figures.REGISTRY["probe-variants.svg"], figures.REGISTRY["probe-variants-narrow.svg"]
    with pytest.raises(ValueError, match="-narrow"):
        figures.figure("probe-narrow.svg", narrow=True)


def test_explorable_data_is_computed_again_only_when_its_code_changes(tmp_path, monkeypatch):
    from booktools import explorables

    runs = []

    def compute():
        runs.append(1)
        return {"ch99-probe": '{"x":1}'}

    monkeypatch.setattr(explorables, "_compute_in_subprocess", compute)
    store = tmp_path / "explorables"
    assert explorables.build(store) == {"ch99-probe": '{"x":1}'} and len(runs) == 1
    assert explorables.build(store) == {"ch99-probe": '{"x":1}'} and len(runs) == 1  # read back
    # a change to a module the explorables import gives another key
    from booktools.figures import cache

    real = cache.files_key
    monkeypatch.setattr(cache, "files_key", lambda files, versions="": real(files, versions + " edited"))
    explorables.build(store)
    assert len(runs) == 2 and len(list(store.glob("*.json"))) == 1
    assert any(p.name == "descent.py" for p in cache.source_files(
        *[f"booktools.explorables.{m}" for m in ("ch05_gradient_descent",)]))
