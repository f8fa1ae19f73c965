"""The explorable figures: their data is the library's, and the page shows exactly that.

Three layers. The data (``booktools.explorables``) is compared with ``backprop``
recomputed here, point by point. The built site (``built_site``; ``SITE_DIR``
reuses one) must carry that very data, and load an explorable's script on its
page only, within the page's budget. In headless Chromium (marker ``browser``)
each slider is moved, by keyboard and by setting its value, and the numbers the
page prints are read back and compared with the library's values for the same
setting; the static figure must be there with JavaScript off, and the control
must be labelled, keyboard-operable, visibly focused and fit a 390 px phone.
"""

from __future__ import annotations

import colorsys
import gzip
import json
import math
import re
import warnings
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

from backprop.calculus import derivative
from backprop.datasets import noisy_line
from backprop.descent import DivergenceError, error, fit_line
from booktools import explorables
from booktools.explorables import ch02_derivatives, ch05_gradient_descent
from booktools.figures import _style
from tests import browser_support as bs
from tests.conftest import DOCS

SCRIPTS = DOCS / "javascripts" / "explorables"
#: The most JavaScript (gzipped) the explorables of one page may add.
JS_BUDGET = 100 * 1024
#: The explorables with a slider over one setting, which the browser tests below drive.
SLIDERS = {"ch02-step-size": "02-derivatives/", "ch05-learning-rate": "05-gradient-descent/"}
#: Every explorable and its page (those of chapters 7 and 10: tests/test_explorables_more.py).
PAGES = {**SLIDERS, "ch07-backprop-steps": "07-autodiff/", "ch10-training": "10-activations/"}


@pytest.fixture(scope="module")
def step_size():
    return explorables.compute("ch02-step-size")


@pytest.fixture(scope="module")
def learning_rate():
    return explorables.compute("ch05-learning-rate")


def _fit(rate):
    """The chapter's run at ``rate``: (LineFit, iteration it diverged at or None, message or None)."""
    X, y = noisy_line(100, seed=0)
    try:
        return fit_line(X, y, learning_rate=rate, iterations=100), None, None
    except DivergenceError as stopped:
        return stopped.fit, stopped.iteration, str(stopped)


def _limit():
    X, _ = noisy_line(100, seed=0)
    H = 2 * np.array([[np.sum(X * X), np.sum(X)], [np.sum(X), len(X)]])
    return 2 / np.linalg.eigvalsh(H)[-1]


_SUPERSCRIPTS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def parse_number(text: str) -> float:
    """'5.8 × 10⁻¹⁰' -> 5.8e-10, '10⁻⁸' -> 1e-08, '0.5403' -> 0.5403."""
    text = text.strip().translate(_SUPERSCRIPTS)
    match = re.fullmatch(r"(?:(-?[\d.]+) × )?10(-?\d+)", text)
    if match:
        return float(match[1] or 1) * 10.0 ** int(match[2])
    return float(text)


def assert_shown(text: str, value: float, what: str):
    """The printed ``text`` is ``value`` rounded to the digits it shows (half a unit of its last digit)."""
    if text.strip() == "0":  # printed only for an error that is exactly zero
        assert value == 0, f"{what}: the page shows 0, the library gives {value!r}"
        return
    shown = parse_number(text)
    plain = text.strip().translate(_SUPERSCRIPTS)
    mantissa, _, power = plain.partition(" × 10")
    decimals = len(mantissa.partition(".")[2])
    scale = 10.0 ** int(power) if power else 1.0
    tolerance = 0.5 * 10.0**-decimals * scale * (1 + 1e-9)
    assert abs(shown - value) <= tolerance, f"{what}: the page shows {text!r}, the library gives {value!r}"


# ------------------------------------------------------------------ the registry


def test_every_explorable_has_a_script_and_wraps_one_static_figure():
    specs = explorables.discover()
    assert [s.name for s in specs] == sorted(PAGES)
    chapters = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("[0-9][0-9]-*.md")}
    for spec in specs:
        assert (SCRIPTS / f"{spec.name}.js").is_file(), f"no script for {spec.name}"
        script = (SCRIPTS / f"{spec.name}.js").read_text(encoding="utf-8")
        assert f'mount("{spec.name}"' in script
        pattern = re.compile(rf'<div class="bfs-explorable" data-explorable="{spec.name}" markdown>\n'
                             r"(?P<body>.*?)\n</div>", re.S)
        found = [(name, m) for name, text in chapters.items() for m in pattern.finditer(text)]
        assert len(found) == 1, f"{spec.name} must be shown by exactly one chapter, found {len(found)}"
        name, match = found[0]
        assert name.startswith(spec.name[:4].replace("ch", "")), (name, spec.name)
        figures = re.findall(r"!\[[^\]]{15,}\]\(figures/[^)]+\)", match["body"])
        assert len(figures) == 1, f"{spec.name}: the placeholder must wrap one static figure with alt text"


def test_the_scripts_draw_and_print_but_compute_nothing():
    """No number is computed in the browser: no maths functions beyond those a scale needs."""
    for script in SCRIPTS.glob("*.js"):
        source = script.read_text(encoding="utf-8")
        used = set(re.findall(r"Math\.(\w+)", source))
        assert used <= {"log10", "abs", "max", "min", "floor", "round"}, (script.name, used)
        assert "**" not in source and "toFixed(4)" not in source and "toExponential" not in source, script.name
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", source), f"{script.name} names another host"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_data_is_plain_json(name):
    text = explorables.dumps(explorables.compute(name))  # refuses NaN and infinity
    assert json.loads(text) == explorables.compute(name)


# ------------------------------------------------------------------ chapter 2: the step size


def test_step_size_slider_runs_from_1e_16_to_0_1_four_steps_a_decade(step_size):
    hs = [row["h"] for row in step_size["steps"]]
    assert len(hs) == 61 and hs[0] == 1e-16 and hs[-1] == 0.1 and hs[32] == 1e-8
    ratios = np.diff(np.log10(hs))
    assert np.allclose(ratios, 0.25, atol=0.005)
    for row in step_size["steps"]:  # the step printed is the step used
        assert parse_number(row["label"]) == pytest.approx(row["h"], rel=1e-12)
        assert float(f"{row['h']:.3g}") == row["h"]


@pytest.mark.parametrize("h", [0.1, 1e-4, 1e-8, 1e-12, 1e-15, 1e-16])
def test_step_size_data_is_the_librarys(step_size, h):
    row = next(r for r in step_size["steps"] if r["h"] == h)
    exact = math.cos(1.0)
    for method in ("forward", "central", "complex"):
        shown = row["methods"][method]
        try:
            value = derivative(np.sin, 1.0, method=method, h=h)
        except ValueError as refused:
            assert shown == {"refused": str(refused)}
            continue
        assert shown["estimate"] == repr(value)
        relative = abs(value - exact) / exact
        assert_shown(shown["error_text"], relative, f"{method} at h={h}")
        assert shown["error"] == pytest.approx(relative, rel=1e-3, abs=0)
    assert row["methods"]["forward"].get("refused") == ("h=1e-16 is too small to change x=1.0" if h == 1e-16 else None)


def test_step_size_errors_are_the_static_figures(step_size):
    """The explorable and the static figure ch02-step-size.svg plot the same errors."""
    from booktools.figures.ch02_derivatives import relative_errors

    rows = [r for r in step_size["steps"] if r["h"] >= 1e-15]  # the static figure stops at 1e-15
    drawn = relative_errors(np.sin, np.cos, 1.0, [r["h"] for r in rows])
    for method, errors in drawn.items():
        assert [r["methods"][method]["error"] for r in rows] == pytest.approx(errors, rel=1e-3, abs=0)


def test_secants_have_the_librarys_slopes(step_size):
    for row in step_size["steps"]:
        for method, secant in row["secants"].items():
            (x0, y0), (x1, y1) = secant["line"]
            assert (y1 - y0) / (x1 - x0) == pytest.approx(float(row["methods"][method]["estimate"]), rel=1e-4)
        assert ("forward" in row["secants"]) == ("estimate" in row["methods"]["forward"])


# ------------------------------------------------------------------ chapter 5: the learning rate


def test_learning_rates_hold_the_chapters_and_span_the_limit(learning_rate):
    rates = [run["rate"] for run in learning_rate["rates"]]
    assert rates == sorted(rates) and rates[0] == 1e-5 and rates[-1] == 1e-2
    assert {0.0001, 0.001, 0.005, 0.004, 0.0041, 0.0042} <= set(rates)
    assert learning_rate["rates"][learning_rate["initial"]]["rate"] == 0.001
    assert learning_rate["limit"] == pytest.approx(_limit(), rel=1e-12)
    assert learning_rate["limit_text"] == f"{_limit():.5f}" == "0.00414"
    below = max(i for i, r in enumerate(rates) if r < learning_rate["limit"])
    assert below < learning_rate["limit_at"] < below + 1


@pytest.mark.parametrize("rate", ch05_gradient_descent.RATES)
def test_learning_rate_runs_are_the_librarys(learning_rate, rate):
    run = next(r for r in learning_rate["rates"] if r["rate"] == rate)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no run of the slider warns
        fit, diverged, message = _fit(rate)
    assert run["diverged"] == diverged and run["message"] == message
    assert (run["final"]["m"], run["final"]["c"], run["final"]["error"]) == (fit.m, fit.c, fit.errors[-1])
    for key, values in (("m", fit.ms), ("c", fit.cs), ("errors", fit.errors)):
        assert run[key] == pytest.approx(values, rel=5e-4), key
    # Above the stability limit every rate of the slider diverges within the 100 steps, below it none does.
    assert (diverged is not None) == (rate > learning_rate["limit"])
    assert f"m = {fit.m:.4f}, c = {fit.c:.4f}" in run["result"]


def test_contours_are_level_sets_of_the_librarys_error(learning_rate):
    X, y = noisy_line(100, seed=0)
    for contour in learning_rate["contours"]:
        levels = [error(m, c, X, y) for m, c in contour]  # the rise above the floor is the same all round
        rise = np.array(levels) - learning_rate["floor"]
        assert rise.max() - rise.min() <= 1e-3 * rise.mean()
    m, c = learning_rate["least_squares"]
    assert error(m, c, X, y) == pytest.approx(learning_rate["floor"], rel=1e-6)


# ------------------------------------------------------------------ the colours


def _css_block(css: str, selector: str) -> dict[str, str]:
    body = re.search(r"^" + re.escape(selector) + r"\s*\{(.*?)\}", css, re.S | re.M)[1]
    return dict(re.findall(r"(--bfs-x-[\w-]+):\s*(#[0-9a-fA-F]{6})", body))


def test_explorable_colours_are_the_figures_palette_and_readable_in_dark():
    css = (DOCS / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    light = _css_block(css, ".bfs-explorable")
    dark = _css_block(css, '[data-md-color-scheme="slate"] .bfs-explorable')
    palette = {"forward": _style.METHODS["forward"], "central": _style.METHODS["central"],
               "complex": _style.METHODS["complex"], "true": _style.TRUE, "fit": _style.FIT,
               "warn": _style.ORANGE, "contour": _style.LIGHT_GREY}
    assert {k.removeprefix("--bfs-x-"): v.lower() for k, v in light.items()} == palette
    slate = "#%02x%02x%02x" % tuple(round(255 * v) for v in colorsys.hls_to_rgb(232 / 360, 0.14, 0.15))
    for name, colour in dark.items():
        if name != "--bfs-x-contour":  # context behind the data, as in the static figures
            assert _style.contrast(colour, slate) >= 3, (name, colour)


# ------------------------------------------------------------------ the built site


def _module_files(site: Path, name: str) -> list[Path]:
    """The explorable's module and every module it imports (relative imports in its folder)."""
    folder = site / "javascripts" / "explorables"
    found, todo = [], [folder / f"{name}.js"]
    while todo:
        path = todo.pop()
        if path in found:
            continue
        found.append(path)
        todo += [folder / m for m in re.findall(r'from "\./([\w.-]+\.js)"', path.read_text(encoding="utf-8"))]
    return found


def _gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def test_site_carries_the_data_of_this_library(built_site):
    for name in PAGES:
        shipped = json.loads((built_site / "explorables" / f"{name}.json").read_text(encoding="utf-8"))
        assert shipped == json.loads(explorables.dumps(explorables.compute(name))), \
            f"{name}: the site's data is not what the library computes now (rebuild the site)"


def test_only_pages_with_an_explorable_load_its_script(built_site):
    loads = {}
    for page in bs.site_pages(built_site):
        html = bs.local_target(built_site, "/" + page).read_text(encoding="utf-8")
        scripts = re.findall(r'<script type="module" src="[^"]*javascripts/explorables/([\w-]+)\.js"', html)
        placeholders = re.findall(r'data-explorable="([\w-]+)"', html)
        assert sorted(scripts) == sorted(set(placeholders)), page
        if scripts:
            loads[page] = scripts
    assert loads == {page: [name] for name, page in PAGES.items()}


def test_explorable_bytes_per_page(built_site):
    for name, page in PAGES.items():
        js = _module_files(built_site, name)
        js_gz = sum(_gzipped(p) for p in js)
        data = built_site / "explorables" / f"{name}.json"
        print(f"/{page} {name}: JS {sum(p.stat().st_size for p in js)} bytes ({js_gz} gzipped, "
              f"{', '.join(p.name for p in js)}); JSON {data.stat().st_size} bytes ({_gzipped(data)} gzipped)")
        assert js_gz <= JS_BUDGET, f"/{page}: its explorables add {js_gz} bytes of gzipped JavaScript"


# ------------------------------------------------------------------ in the browser

READOUT_JS = """(name) => {
  const root = document.querySelector(`.bfs-explorable[data-explorable="${name}"]`);
  const input = root.querySelector("input[type=range]");
  const text = (el, selector) => { const found = el.querySelector(selector); return found ? found.textContent : null; };
  const readout = root.querySelector("output");
  return {
    value: Number(input.value), valuetext: input.getAttribute("aria-valuetext"),
    headline: text(readout, ".bfs-explorable__headline"),
    result: text(readout, ".bfs-x-result"), message: text(readout, ".bfs-x-message"),
    rows: Array.from(readout.querySelectorAll(".bfs-explorable__row")).map(row => ({
      method: row.dataset.method, estimate: text(row, ".bfs-x-estimate"),
      error: text(row, ".bfs-x-error"), refused: text(row, ".bfs-x-refused")})),
  };
}"""

SET_JS = """([name, value]) => {
  const input = document.querySelector(`.bfs-explorable[data-explorable="${name}"] input[type=range]`);
  input.value = value;
  input.dispatchEvent(new Event("input", {bubbles: true}));
}"""

CONTROL_JS = """(name) => {
  const root = document.querySelector(`.bfs-explorable[data-explorable="${name}"]`);
  const input = root.querySelector("input[type=range]");
  const output = root.querySelector("output");
  const style = getComputedStyle(input);
  const box = root.getBoundingClientRect();
  return {
    labels: Array.from(input.labels).map(l => l.textContent.trim()),
    live: output ? output.getAttribute("aria-live") : null, outputFor: output ? output.htmlFor.value : null,
    focused: document.activeElement === input, focusVisible: input.matches(":focus-visible"),
    outline: [style.outlineStyle, parseFloat(style.outlineWidth)],
    svgText: Math.min(...Array.from(root.querySelectorAll(".bfs-explorable__live svg text"))
      .map(t => t.getBoundingClientRect().height > 0 ? parseFloat(getComputedStyle(t).fontSize) : 99)),
    hint: Array.from(root.querySelectorAll(".bfs-explorable__hint")).map(p => !p.hidden),
    right: box.right, left: box.left,
    page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
  };
}"""


class Tab:
    """One page in a fresh context, with everything it logged and requested."""

    def __init__(self, browser, site_url, page, *, width=1280, scheme="light", javascript=True):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                                           service_workers="block", java_script_enabled=javascript)
        self.context.set_default_timeout(20_000)
        self.context.route("**/*", bs.local_only(site_url))
        self.tab = self.context.new_page()
        self.errors, self.requests = [], []
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(str(e)))
        self.tab.on("request", lambda r: self.requests.append(r.url))
        self.tab.goto(site_url + page, wait_until="networkidle")
        self.site = urlparse(site_url).netloc

    def live(self, name):
        self.tab.locator(f'.bfs-explorable[data-explorable="{name}"] .bfs-explorable__live svg text').first.wait_for()

    def close(self):
        assert not self.errors, f"console or page errors: {self.errors}"
        assert all(urlparse(u).netloc == self.site for u in self.requests if u.startswith("http")), self.requests
        self.context.close()


def _step_index(step_size, h):
    return next(i for i, row in enumerate(step_size["steps"]) if row["h"] == h)


def _check_step(shown, h):
    assert parse_number(shown["headline"].removeprefix("h = ")) == pytest.approx(h, rel=1e-12)
    exact = math.cos(1.0)
    compared = {}
    for row in shown["rows"]:
        try:
            value = derivative(np.sin, 1.0, method=row["method"], h=h)
        except ValueError as refused:
            assert row["refused"] == f"refused: {refused}"
            compared[row["method"]] = "refused"
            continue
        assert row["estimate"] == f"f′(1) ≈ {value!r}"  # printed in full: exactly the library's float
        relative = abs(value - exact) / exact
        assert_shown(row["error"].removeprefix("error "), relative, f"{row['method']} at h = {h}")
        compared[row["method"]] = f"{value!r} (error {row['error'].removeprefix('error ')})"
    assert set(compared) == {"forward", "central", "complex"}
    return compared


@pytest.mark.browser
def test_step_size_explorable_shows_the_librarys_numbers(browser, site_url, step_size):
    name = "ch02-step-size"
    page = Tab(browser, site_url, PAGES[name])
    try:
        page.live(name)
        tab, slider = page.tab, page.tab.locator(f'[data-explorable="{name}"] input[type=range]')
        shown = tab.evaluate(READOUT_JS, name)
        assert shown["value"] == len(step_size["steps"]) - 1  # starts at h = 0.1
        report = {0.1: _check_step(shown, 0.1)}
        slider.focus()  # by keyboard: Home is the smallest step, arrows move a quarter decade
        tab.keyboard.press("Home")
        report[1e-16] = _check_step(tab.evaluate(READOUT_JS, name), 1e-16)
        for _ in range(4):
            tab.keyboard.press("ArrowRight")
        shown = tab.evaluate(READOUT_JS, name)
        assert shown["valuetext"] == "h = 10 to the power minus 15"
        report[1e-15] = _check_step(shown, 1e-15)
        for h in (1e-8, 1e-12):  # by setting the value, as a drag does
            tab.evaluate(SET_JS, [name, _step_index(step_size, h)])
            report[h] = _check_step(tab.evaluate(READOUT_JS, name), h)
        for h, methods in report.items():
            print(f"ch02 h = {h:g}: " + "; ".join(f"{m} {v}" for m, v in methods.items()))
    finally:
        page.close()


@pytest.mark.browser
def test_learning_rate_explorable_shows_the_librarys_numbers(browser, site_url, learning_rate):
    name = "ch05-learning-rate"
    rates = [run["rate"] for run in learning_rate["rates"]]
    page = Tab(browser, site_url, PAGES[name])

    def check(rate):
        shown = page.tab.evaluate(READOUT_JS, name)
        assert rates[shown["value"]] == rate
        fit, diverged, message = _fit(rate)
        side = "below" if rate < _limit() else "above"
        assert shown["headline"] == f"η = {rate:g}, {side} the stability limit 2/λmax = 0.00414"
        assert shown["valuetext"] == f"learning rate {rate:g}, {side} the stability limit 2/λmax = 0.00414"
        numbers = re.fullmatch(r"(?:after 100 steps|diverged at iteration (\d+)): m = (\S+), c = (\S+), error (.+)",
                               shown["result"])
        assert numbers, shown["result"]
        assert (int(numbers[1]) if numbers[1] else None) == diverged
        assert_shown(numbers[2], fit.m, f"m at η = {rate}")
        assert_shown(numbers[3], fit.c, f"c at η = {rate}")
        assert_shown(numbers[4], fit.errors[-1], f"error at η = {rate}")
        assert shown["message"] == (f"DivergenceError: {message}" if message else None)
        return shown["result"]

    try:
        page.live(name)
        tab, slider = page.tab, page.tab.locator(f'[data-explorable="{name}"] input[type=range]')
        report = {0.001: check(0.001)}  # where it starts: the chapter's rate
        slider.focus()
        tab.keyboard.press("Home")
        for _ in range(rates.index(0.0001)):
            tab.keyboard.press("ArrowRight")
        report[0.0001] = check(0.0001)
        for rate in (0.0041, 0.0042, 0.005):
            tab.evaluate(SET_JS, [name, rates.index(rate)])
            report[rate] = check(rate)
        tab.keyboard.press("End")
        report[0.01] = check(0.01)
        for rate, result in report.items():
            print(f"ch05 η = {rate:g}: {result}")
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(PAGES))
def test_without_javascript_the_static_figure_is_shown(browser, site_url, name):
    page = Tab(browser, site_url, PAGES[name], javascript=False)
    try:
        root = page.tab.locator(f'.bfs-explorable[data-explorable="{name}"]')
        assert root.count() == 1
        figure = root.locator('img[src*="figures/"]')
        assert figure.count() == 1 and figure.is_visible() and len(figure.get_attribute("alt")) > 15
        assert root.locator("input, svg, output").count() == 0
        assert not root.locator(".bfs-explorable__hint").is_visible()  # no slider to invite to
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", sorted(SLIDERS))
def test_explorable_control_is_labelled_focusable_and_fits(browser, site_url, name, width, scheme):
    page = Tab(browser, site_url, PAGES[name], width=width, scheme=scheme)
    try:
        page.live(name)
        slider = page.tab.locator(f'[data-explorable="{name}"] input[type=range]')
        slider.focus()
        page.tab.keyboard.press("ArrowLeft")  # a key press: the focus is the keyboard's
        found = page.tab.evaluate(CONTROL_JS, name)
        assert found["labels"] and all(found["labels"]), "the slider has no label"
        assert found["live"] == "polite" and found["outputFor"] == slider.get_attribute("id")
        assert found["focused"] and found["focusVisible"]
        assert found["outline"][0] == "solid" and found["outline"][1] >= 2, f"no visible focus ring: {found['outline']}"
        assert found["svgText"] >= _style.PHONE_TEXT_PX, f"SVG text of {found['svgText']} px"
        assert found["hint"] == [True], "the invitation to move the slider is not shown"
        scroll, client = found["page"]
        assert scroll <= client, f"the page scrolls sideways at {width} px ({scroll} > {client})"
        assert found["left"] >= 0 and found["right"] <= client + 1, found
        assert page.tab.locator(f'[data-explorable="{name}"] .bfs-explorable__panel svg').count() == 2
    finally:
        page.close()
