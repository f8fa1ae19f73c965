"""The explorables of chapters 7 and 10: the backprop stepper and training epoch by epoch.

As in ``tests/test_explorables.py``: the data is compared with ``backprop``
recomputed here, and in headless Chromium (marker ``browser``) the controls
are driven (buttons, keys, slider, radio buttons), the numbers the page prints
are read back and compared with the library's values for the same step or
epoch; the controls must be labelled, keyboard-operable, visibly focused and
fit a 390 px phone. The static figure with JavaScript off, the page's script
budget and the site's copy of the data are checked there, for every explorable.
"""

from __future__ import annotations

import colorsys
import re
from functools import lru_cache

import numpy as np
import pytest

from backprop.datasets import spiral
from backprop.engine import Value, topological_order
from backprop.losses import SoftmaxCrossEntropy, accuracy
from backprop.nn import ReLU, Sigmoid, Tanh, fit
from backprop.optim import Adam
from booktools import explorables
from booktools.explorables import ch07_autodiff, ch10_activations
from booktools.figures import _style
from tests.conftest import DOCS
from tests.test_explorables import PAGES, Tab, _css_block, assert_shown

STEPPER, TRAINING = "ch07-backprop-steps", "ch10-training"


@pytest.fixture(scope="module")
def stepper():
    return explorables.compute(STEPPER)


@pytest.fixture(scope="module")
def training():
    return explorables.compute(TRAINING)


def _neuron():
    """The chapter's neuron, built as its doctest builds it, after ``o.backward()``."""
    x1, x2 = Value(1.0, label="x1"), Value(-2.0, label="x2")
    w1, w2 = Value(0.5, label="w1"), Value(0.25, label="w2")
    b = Value(0.5, label="b")
    p1, p2 = w1 * x1, w2 * x2
    s = p1 + p2
    n = s + b
    o = n.tanh()
    for node, name in zip((p1, p2, s, n, o), ("p1", "p2", "s", "n", "o")):
        node.label = name
    o.backward()
    return o


def _minus(text: str) -> str:
    return text.replace("−", "-")


# ------------------------------------------------------------------ chapter 7: the stepper


def test_stepper_walks_the_engines_order_with_its_local_derivatives(stepper):
    root = _neuron()
    order = topological_order(root)
    labels = [node.label for node in order]
    assert [n["label"] for n in stepper["nodes"]] == labels
    forward = [s for s in stepper["steps"] if s["pass"] == "forward"]
    backward = [s for s in stepper["steps"] if s["pass"] == "backward"]
    assert stepper["forward"] == len(forward) == len(order)
    for step, node in zip(forward, order):  # forward: every node's value, inputs first
        assert labels[step["node"]] == node.label and step["value"] == node.data
        assert step["data"][step["node"]] == ch07_autodiff.short(node.data)
    # backward: o.grad = 1, then one step per edge, in the order Value.backward walks them
    edges = [(inp, node, local) for node in reversed(order) for inp, local in zip(node._prev, node._local)]
    assert backward[0]["node"] == labels.index("o") and backward[0]["value"] == 1.0
    assert len(backward) == 1 + len(edges)
    for step, (inp, node, local) in zip(backward[1:], edges):
        assert step["edge"] == [labels.index(inp.label), labels.index(node.label)]
        assert step["local"] == local and step["grad_out"] == node.grad
        assert step["value"] == inp.grad  # no node is used twice here: one contribution each
        assert step["text"].startswith(f"{inp.label}.grad += ∂{node.label}/∂{inp.label} × {node.label}.grad")
    last = stepper["steps"][-1]
    assert last["grad"] == [ch07_autodiff.short(node.grad) for node in order]  # the static figure's numbers
    assert [s["headline"] for s in stepper["steps"]][::10] == ["Step 1 of 20, forward pass",
                                                                "Step 11 of 20, backward pass"]


def test_stepper_replay_is_checked_against_the_engine():
    """A graph whose gradients are not the replay's (a second backward()) is refused."""
    root = _neuron()
    root.backward()  # the leaves' gradients accumulate: now twice the replay's
    with pytest.raises(RuntimeError, match="differs from the engine's"):
        ch07_autodiff.steps(root)


def test_a_node_used_twice_gets_the_sum_of_its_contributions():
    a = Value(3.0, label="a")
    c = a * a
    c.label = "c"
    c.backward()
    shown = ch07_autodiff.steps(c)
    assert [s["value"] for s in shown[-2:]] == [3.0, 6.0] and a.grad == 6.0
    assert "= 3.0000 + 3.0000 × 1.0000 = 6.0000" in shown[-1]["text"]


STEP_JS = """(name) => {
  const root = document.querySelector(`.bfs-explorable[data-explorable="${name}"]`);
  const output = root.querySelector("output");
  const text = (selector) => output.querySelector(selector)?.textContent ?? null;
  return {
    headline: text(".bfs-explorable__headline"), step: text(".bfs-x-step"), detail: text(".bfs-x-detail"),
    boxes: Object.fromEntries(Array.from(root.querySelectorAll("g.bfs-x-node")).map(g => [g.dataset.node,
      [g.querySelector(".bfs-x-node-data").textContent, g.querySelector(".bfs-x-node-grad").textContent]])),
    now: Array.from(root.querySelectorAll("g.bfs-x-node--now")).map(g => g.dataset.node),
    back: root.querySelector("button[id$=back]").disabled, next: root.querySelector("button[id$=next]").disabled,
    focused: root.contains(document.activeElement) ? document.activeElement.textContent : null,
  };
}"""


def _check_step(shown, k, order):
    """The page shows step ``k`` (1-based); its numbers are the engine's. Returns what was compared."""
    nodes = {node.label: node for node in order}
    assert shown["headline"].startswith(f"Step {k} of 20, ")
    text = _minus(shown["step"])
    if k <= len(order):  # forward: "p1 = w1 × x1 = 0.5000"
        node = order[k - 1]
        value = float(text.rsplit("= ", 1)[1])
        assert text.startswith(f"{node.label} = ")
        assert_shown(f"{value:.4f}", node.data, f"step {k}: {node.label}")
        assert shown["now"] == [node.label]
        return f"{node.label} = {value:.4f} (engine {node.data!r})"
    if k == len(order) + 1:
        assert text == "o.grad = 1.0000"
        return "o.grad = 1"
    match = re.fullmatch(r"(\w+)\.grad \+= ∂(\w+)/∂\w+ × \w+\.grad = (?:(\S+) \+ )?(\S+) × (\S+) = (\S+)", text)
    assert match, text
    inp, out = nodes[match[1]], nodes[match[2]]
    local = out._local[out._prev.index(inp)]
    assert_shown(match[4], local, f"step {k}: local derivative ∂{out.label}/∂{inp.label}")
    assert_shown(match[5], out.grad, f"step {k}: {out.label}.grad")
    assert_shown(match[6], inp.grad, f"step {k}: {inp.label}.grad")
    assert _minus(shown["boxes"][inp.label][1]) == f"{inp.grad:.3g}"  # the box filled in now
    assert shown["now"] == [inp.label]
    return f"{inp.label}.grad = {match[4]} × {match[5]} = {match[6]} (engine {inp.grad!r})"


@pytest.mark.browser
def test_stepper_shows_the_engines_numbers(browser, site_url):
    order = topological_order(_neuron())
    page = Tab(browser, site_url, PAGES[STEPPER])
    try:
        root = f'.bfs-explorable[data-explorable="{STEPPER}"]'
        page.tab.locator(f"{root} .bfs-explorable__live svg text").first.wait_for()
        tab, next_, back = page.tab, page.tab.locator(f"{root} button[id$=next]"), page.tab.locator(f"{root} button[id$=back]")
        shown = tab.evaluate(STEP_JS, STEPPER)
        assert shown["back"] and not shown["next"]  # step 1: nothing to go back to
        assert all(grad == "" for _, grad in shown["boxes"].values())
        report = {1: _check_step(shown, 1, order)}
        for _ in range(9):  # by clicking Next: the forward pass ends on o
            next_.click()
        shown = tab.evaluate(STEP_JS, STEPPER)
        report[10] = _check_step(shown, 10, order)
        assert all(data != "·" for data, _ in shown["boxes"].values())
        next_.focus()  # by keyboard: the arrow keys while a button has the focus
        tab.keyboard.press("ArrowRight")
        tab.keyboard.press("ArrowRight")
        report[12] = _check_step(tab.evaluate(STEP_JS, STEPPER), 12, order)
        for _ in range(5):
            tab.keyboard.press("Enter")  # the focused Next button
        report[17] = _check_step(tab.evaluate(STEP_JS, STEPPER), 17, order)
        tab.keyboard.press("End")
        shown = tab.evaluate(STEP_JS, STEPPER)
        report[20] = _check_step(shown, 20, order)
        assert shown["next"] and shown["focused"] == "Back", "the focus left the figure at the last step"
        assert {label: _minus(grad) for label, (_, grad) in shown["boxes"].items()} == \
            {node.label: f"{node.grad:.3g}" for node in order}
        tab.keyboard.press("ArrowLeft")
        back.click()
        report[18] = _check_step(tab.evaluate(STEP_JS, STEPPER), 18, order)
        tab.keyboard.press("Home")
        shown = tab.evaluate(STEP_JS, STEPPER)
        assert shown["headline"].startswith("Step 1 of 20") and shown["back"] and shown["focused"] == "Next"
        for k, compared in sorted(report.items()):
            print(f"ch07 step {k}: {compared}")
    finally:
        page.close()


# ------------------------------------------------------------------ chapter 10: training


@lru_cache(maxsize=None)
def _trained(activation: str, epochs: int):
    """The chapter's run stopped after ``epochs`` epochs, by a plain ``fit`` call: (loss, accuracy, grid)."""
    from booktools.figures.ch10_activations import classifier

    layer = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}[activation]
    X, y = spiral(seed=0)
    model = classifier(3, layer)
    loss = SoftmaxCrossEntropy()
    if epochs:
        history = fit(model, loss, Adam(model.parameters(), lr=0.01), X, y, epochs=epochs, batch_size=32, seed=0)
        value = history[-1]
    else:
        value = float(loss(model(X), y))
    X_new, y_new = spiral(seed=1)
    grid = ch10_activations.encode(ch10_activations.softmax(model(ch10_activations.grid_points())))
    return value, accuracy(model(X_new), y_new), grid


def test_training_is_the_chapters_run(training):
    assert training["epochs"][0] == 0 and training["epochs"][-1] == 200 == training["total"]
    assert list(training["runs"]) == ["sigmoid", "tanh", "relu"]
    X, y = spiral(seed=0)
    assert training["points"] == [[pytest.approx(a, abs=5e-3), pytest.approx(b, abs=5e-3), k]
                                  for (a, b), k in zip(X.tolist(), y.tolist())]
    from booktools.figures.ch10_activations import classifier

    model = classifier(3, ReLU)  # the whole history, from one fit call with nothing between the epochs
    history = fit(model, SoftmaxCrossEntropy(), Adam(model.parameters(), lr=0.01), X, y,
                  epochs=200, batch_size=32, seed=0)
    assert training["runs"]["relu"]["losses"][1:] == [explorables.sig(v) for v in history]


@pytest.mark.parametrize("activation, epoch", [("relu", 0), ("relu", 10), ("relu", 200),
                                               ("tanh", 50), ("sigmoid", 100)])
def test_training_snapshots_are_the_librarys(training, activation, epoch):
    shot = next(s for s in training["runs"][activation]["snapshots"] if s["epoch"] == epoch)
    loss, acc, (classes, confidence) = _trained(activation, epoch)
    assert shot["loss"] == loss and shot["accuracy"] == acc
    assert (shot["classes"], shot["confidence"]) == (classes, confidence)
    assert len(classes) == ch10_activations.GRID ** 2
    assert shot["text"].startswith(f"loss {loss:.4f} (") and shot["text"].endswith(f" {acc:.1%}")


def test_training_data_stays_small():
    size = len(explorables.dumps(explorables.compute(TRAINING)).encode())
    assert size < 300_000, f"{TRAINING}: {size} bytes of JSON"


TRAINING_JS = """(name) => {
  const root = document.querySelector(`.bfs-explorable[data-explorable="${name}"]`);
  const output = root.querySelector("output");
  const input = root.querySelector("input[type=range]");
  return {
    value: Number(input.value), valuetext: input.getAttribute("aria-valuetext"),
    activation: root.querySelector("input[type=radio]:checked").value,
    headline: output.querySelector(".bfs-explorable__headline").textContent,
    result: output.querySelector(".bfs-x-result").textContent,
    cells: Array.from(root.querySelectorAll(".bfs-x-cells rect")).map(r => r.getAttribute("class").slice(-1)).join(""),
    points: root.querySelectorAll(".bfs-x-points circle").length,
  };
}"""


def _check_epoch(shown, training, activation, epoch):
    names = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
    assert shown["activation"] == activation and training["epochs"][shown["value"]] == epoch
    assert shown["headline"] == f"{names[activation]}, epoch {epoch} of 200"
    assert shown["valuetext"] == f"epoch {epoch}"
    match = re.fullmatch(r"loss (\S+) \((?:before training|mean over epoch (\d+))\); "
                         r"accuracy on 300 fresh points (\S+)%", shown["result"])
    assert match, shown["result"]
    loss, acc, (classes, _) = _trained(activation, epoch)
    assert_shown(match[1], loss, f"{activation} loss at epoch {epoch}")
    assert_shown(match[3], 100 * acc, f"{activation} accuracy at epoch {epoch}")
    assert shown["cells"] == classes, "the drawn regions are not the network's predictions"
    assert shown["points"] == 300
    return shown["result"]


@pytest.mark.browser
def test_training_explorable_shows_the_librarys_numbers(browser, site_url, training):
    page = Tab(browser, site_url, PAGES[TRAINING])
    root = f'.bfs-explorable[data-explorable="{TRAINING}"]'
    try:
        page.tab.locator(f"{root} .bfs-explorable__live svg text").first.wait_for()
        tab, slider = page.tab, page.tab.locator(f"{root} input[type=range]")
        report = {("relu", 200): _check_epoch(tab.evaluate(TRAINING_JS, TRAINING), training, "relu", 200)}
        slider.focus()  # by keyboard: Home is before training, each arrow one snapshot on
        tab.keyboard.press("Home")
        report[("relu", 0)] = _check_epoch(tab.evaluate(TRAINING_JS, TRAINING), training, "relu", 0)
        for _ in range(training["epochs"].index(10)):
            tab.keyboard.press("ArrowRight")
        report[("relu", 10)] = _check_epoch(tab.evaluate(TRAINING_JS, TRAINING), training, "relu", 10)
        slider.evaluate("(input, value) => { input.value = value; input.dispatchEvent(new Event('input', "
                        "{bubbles: true})); }", training["epochs"].index(50))
        page.tab.locator(f"{root} input[value=relu]").focus()
        tab.keyboard.press("ArrowLeft")  # a radio group: the arrow picks the previous activation
        report[("tanh", 50)] = _check_epoch(tab.evaluate(TRAINING_JS, TRAINING), training, "tanh", 50)
        page.tab.locator(f"{root} label", has_text="sigmoid").click()
        slider.focus()
        for _ in range(training["epochs"].index(100) - training["epochs"].index(50)):
            tab.keyboard.press("ArrowRight")
        report[("sigmoid", 100)] = _check_epoch(tab.evaluate(TRAINING_JS, TRAINING), training, "sigmoid", 100)
        for (activation, epoch), result in report.items():
            print(f"ch10 {activation} epoch {epoch}: {result}")
    finally:
        page.close()


# ------------------------------------------------------------------ both: controls, colours

CONTROLS_JS = """(name) => {
  const root = document.querySelector(`.bfs-explorable[data-explorable="${name}"]`);
  const output = root.querySelector("output");
  const focused = document.activeElement;
  const style = getComputedStyle(focused);
  const box = root.getBoundingClientRect();
  const controls = Array.from(root.querySelectorAll("button, input"));
  return {
    names: controls.map(c => c.labels && c.labels.length ? Array.from(c.labels).map(l => l.textContent.trim()).join(" ")
                                                          : c.textContent.trim()),
    live: output.getAttribute("aria-live"), outputFor: output.htmlFor.value,
    ids: controls.map(c => c.id),
    focused: root.contains(focused), focusVisible: focused.matches(":focus-visible"),
    outline: [style.outlineStyle, parseFloat(style.outlineWidth)],
    svgText: Math.min(...Array.from(root.querySelectorAll(".bfs-explorable__live svg text"))
      .map(t => t.getBoundingClientRect().height > 0 ? parseFloat(getComputedStyle(t).fontSize) : 99)),
    hint: Array.from(root.querySelectorAll(".bfs-explorable__hint")).map(p => !p.hidden),
    right: box.right, left: box.left,
    page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
    overflow: Array.from(root.querySelectorAll(".bfs-explorable__live *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName),
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", [STEPPER, TRAINING])
def test_controls_are_labelled_focusable_and_fit(browser, site_url, name, width, scheme):
    page = Tab(browser, site_url, PAGES[name], width=width, scheme=scheme)
    try:
        root = f'.bfs-explorable[data-explorable="{name}"]'
        page.tab.locator(f"{root} .bfs-explorable__live svg text").first.wait_for()
        first = page.tab.locator(f"{root} button[id$=next]" if name == STEPPER else f"{root} input[type=range]")
        first.focus()
        page.tab.keyboard.press("ArrowRight")  # a key press: the focus is the keyboard's
        found = page.tab.evaluate(CONTROLS_JS, name)
        assert found["names"] and all(found["names"]), f"a control has no label: {found['names']}"
        assert found["live"] == "polite" and set(found["outputFor"].split()) == set(found["ids"])
        assert found["focused"] and found["focusVisible"]
        assert found["outline"][0] == "solid" and found["outline"][1] >= 2, f"no visible focus ring: {found['outline']}"
        assert found["svgText"] >= _style.PHONE_TEXT_PX, f"SVG text of {found['svgText']} px"
        assert found["hint"] == [True], "the invitation to use the controls is not shown"
        scroll, client = found["page"]
        assert scroll <= client, f"the page scrolls sideways at {width} px ({scroll} > {client})"
        assert found["left"] >= 0 and found["right"] <= client + 1 and not found["overflow"], found
        if name == TRAINING:  # the radio buttons, by keyboard too
            radio = page.tab.locator(f"{root} input[type=radio]:checked")
            radio.focus()
            page.tab.keyboard.press("ArrowLeft")
            found = page.tab.evaluate(CONTROLS_JS, name)
            assert found["focusVisible"] and found["outline"][0] == "solid" and found["outline"][1] >= 2
    finally:
        page.close()


def test_colours_are_the_figures_palette_and_readable_in_dark():
    css = (DOCS / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    light = _css_block(css, ".bfs-explorable[data-explorable]")
    dark = _css_block(css, '[data-md-color-scheme="slate"] .bfs-explorable[data-explorable]')
    palette = {"input": _style.GRAPH["input"], "operation": _style.GRAPH["operation"],
               "output": _style.GRAPH["output"], "edge": _style.GRAPH["edge"],
               "backward": _style.GRAPH["backward"],
               **{f"class{k}": c for k, c in enumerate(_style.CLASSES)}, **_style.ACTIVATIONS}
    assert {k.removeprefix("--bfs-x-"): v.lower() for k, v in light.items()} == palette
    assert set(dark) == set(light)
    slate = "#%02x%02x%02x" % tuple(round(255 * v) for v in colorsys.hls_to_rgb(232 / 360, 0.14, 0.15))
    text = "#%02x%02x%02x" % tuple(round(255 * v) for v in colorsys.hls_to_rgb(232 / 360, 0.85, 0.15))
    for name, colour in dark.items():
        if name.removeprefix("--bfs-x-") in ("input", "operation", "output"):  # fills behind the page's text
            assert _style.contrast(text, colour) >= 4.5, (name, colour)
        else:
            assert _style.contrast(colour, slate) >= 3, (name, colour)
