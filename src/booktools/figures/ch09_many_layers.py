"""Figures of chapter 9: three optimizers on a narrow bowl and on the source tutorial's network;
plain descent and momentum at their best settings on chapter 5's error valley; the gradient
of softmax cross-entropy for one sample; the activations and δ's of a 2-3-3-2 network."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from backprop.datasets import noisy_line, two_moons
from backprop.descent import gradient, least_squares
from booktools.figures import figure
from booktools.figures._style import GRAPH, GREY, INK, LIGHT_GREY, NARROW_WIDTH, SERIES, fold, phone_text
from booktools.figures._style import OPTIMIZERS as COLOURS
from booktools.figures.ch05_gradient_descent import draw_bowl
from backprop.losses import MSELoss, SoftmaxCrossEntropy, softmax
from backprop.nn import Linear, Parameter, Sequential, Tanh
from backprop.optim import SGD, Adam

OPTIMIZERS: dict[str, tuple[str, Callable[[list], object], Callable[[list], object]]] = {
    # label: (colour, optimizer for the bowl, optimizer for the source tutorial's network)
    "SGD": (COLOURS["SGD"], lambda ps: SGD(ps, lr=0.07), lambda ps: SGD(ps, lr=0.01)),
    "SGD + momentum 0.9": (
        COLOURS["momentum"],
        lambda ps: SGD(ps, lr=0.02, momentum=0.9),
        lambda ps: SGD(ps, lr=0.01, momentum=0.9),
    ),
    "Adam": (COLOURS["Adam"], lambda ps: Adam(ps, lr=0.3), lambda ps: Adam(ps, lr=0.05)),
}
CURVATURE = np.array([1.0, 25.0])  # the bowl L = (w1^2 + 25 w2^2) / 2


def _bowl_path(make: Callable[[list], object], steps: int = 60) -> np.ndarray:
    w = Parameter(np.array([-4.5, 1.2]))
    optimizer = make([w])
    path = [w.data.copy()]
    for _ in range(steps):
        w.grad[...] = CURVATURE * w.data
        optimizer.step()
        path.append(w.data.copy())
    return np.array(path)


def _source_network_losses(make: Callable[[list], object], epochs: int = 300) -> np.ndarray:
    X, y = noisy_line(100, seed=0)
    net = Sequential(Linear(1, 1, rng=0), Linear(1, 1, rng=1))
    for p in net.parameters():
        p.data[...] = 0.5
    mse = MSELoss()
    optimizer = make(net.parameters())
    losses = []
    for _ in range(epochs):
        losses.append(mse(net(X), y))
        optimizer.zero_grad()
        net.backward(mse.backward())
        optimizer.step()
    return np.array(losses)


def _least_squares_loss() -> float:
    X, y = noisy_line(100, seed=0)
    A = np.column_stack([X[:, 0], np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(A, y[:, 0], rcond=None)
    return float(np.mean((A @ coef - y[:, 0]) ** 2))


@figure("ch09-optimizers.svg", narrow=True)
def optimizers(narrow: bool = False) -> Figure:
    if narrow:
        fig = Figure(figsize=(NARROW_WIDTH, 6.6), layout="constrained")
        left, right = fig.subplots(2, 1, height_ratios=[1, 1.25])
    else:
        fig = Figure(figsize=(10, 4))
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})

    w1, w2 = np.meshgrid(np.linspace(-5, 1.5, 200), np.linspace(-1.6, 1.6, 200))
    bowl = 0.5 * (CURVATURE[0] * w1**2 + CURVATURE[1] * w2**2)
    left.contour(w1, w2, bowl, levels=np.geomspace(0.05, 40, 12), colors=LIGHT_GREY, linewidths=0.7)
    best = _least_squares_loss()
    for label, (colour, bowl_opt, net_opt) in OPTIMIZERS.items():
        path = _bowl_path(bowl_opt)
        left.plot(path[:, 0], path[:, 1], "o-", color=colour, markersize=2.5, linewidth=1, label=label)
        excess = _source_network_losses(net_opt) - best
        right.semilogy(np.arange(1, len(excess) + 1), np.maximum(excess, 1e-16), color=colour, label=label)
    left.plot([0], [0], marker="*", color=INK, markersize=10)
    left.set_title("60 steps on a bowl 25× steeper across than along")
    left.set_xlabel("$w_1$")
    left.set_ylabel("$w_2$")
    left.set_aspect("equal")
    left.legend(loc="lower right", fontsize=8)
    right.set_title("The source tutorial's network on the noisy line")
    right.set_xlabel("epoch (full batch)")
    right.set_ylabel("loss − least-squares minimum")
    right.legend(fontsize=8)
    if narrow:
        left.get_legend().remove()  # the panel below names the same three colours
        left.set_title(fold(left.get_title(), 34))
        right.set_title(fold(right.get_title(), 34))
        return phone_text(fig)
    fig.tight_layout()
    return fig


# --- Backpropagation through L layers -------------------------------------------

LAYER_SIZES = (2, 3, 3, 2)  # the network of the section "Backpropagation through L layers"


def moons_network(seed: int = 0) -> Sequential:
    """The chapter's 2-3-3-2 network, before training: tanh after every layer but the last."""
    rng = np.random.default_rng(seed)
    return Sequential(Linear(2, 3, rng=rng), Tanh(), Linear(3, 3, rng=rng), Tanh(), Linear(3, 2, rng=rng))


def hand_backprop(model: Sequential, X: np.ndarray, y: np.ndarray) -> tuple[dict, dict, dict]:
    """The forward and backward pass of a Linear-Tanh network, written with NumPy as the chapter derives them.

    Returns ``(A, Z, delta)``, each a dict by layer number ``l = 1..L``
    (``A[0]`` is the input): $Z^l = A^{l-1} W^l + b^l$, $A^l = \\tanh Z^l$,
    $\\delta^L = (\\text{softmax}(Z^L) - \\text{onehot}(y)) / N$ and
    $\\delta^l = (\\delta^{l+1} (W^{l+1})^T) \\odot (1 - (A^l)^2)$.
    """
    linear = [layer for layer in model if isinstance(layer, Linear)]
    L = len(linear)
    A, Z = {0: X}, {}
    for l, layer in enumerate(linear, start=1):
        Z[l] = A[l - 1] @ layer.weight.data + layer.bias.data
        A[l] = np.tanh(Z[l])
    delta = {L: (softmax(Z[L]) - np.eye(Z[L].shape[1])[y]) / len(X)}
    for l in range(L - 1, 0, -1):
        delta[l] = (delta[l + 1] @ linear[l].weight.data.T) * (1 - A[l] ** 2)
    return A, Z, delta


def _minus(value: float) -> str:
    """``value`` to two decimals with a typographic minus, and no minus on a zero."""
    rounded = round(value, 2)
    return f"{rounded + 0.0:.2f}".replace("-", "−") if rounded else f"{0.0:.2f}"


@figure("ch09-delta-flow.svg")
def delta_flow() -> Figure:
    """The 2-3-3-2 network: activations flow right through W, the δ's flow left through Wᵀ."""
    X, y = two_moons(200, seed=0)
    model = moons_network()
    A, Z, delta = hand_backprop(model, X[:1], y[:1])  # one sample: N = 1
    linear = [layer for layer in model if isinstance(layer, Linear)]
    L = len(linear)
    sizes = [A[0].shape[1]] + [layer.weight.data.shape[1] for layer in linear]

    font = 16  # at least 9 pt once the figure is shrunk to a phone's width
    box_w, box_h, pitch_y = 0.84, 0.66, 0.76
    gap = 0.92
    xs = [box_w / 2 + i * (box_w + gap) for i in range(len(sizes))]
    y_mid = 2.05
    top, bottom = 3.55, 0.45
    fig = Figure(figsize=(xs[-1] + box_w / 2, 4.05))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, xs[-1] + box_w / 2)
    ax.set_ylim(0, 4.05)
    ax.set_aspect("equal")
    ax.axis("off")

    def centres(i: int) -> list[float]:
        n = sizes[i]
        return [y_mid + (n - 1) / 2 * pitch_y - k * pitch_y for k in range(n)]

    # Every connection, faint, behind the neurons.
    for i in range(len(sizes) - 1):
        for ya in centres(i):
            for yb in centres(i + 1):
                ax.plot([xs[i] + box_w / 2, xs[i + 1] - box_w / 2], [ya, yb], color=LIGHT_GREY, linewidth=0.6, zorder=1)

    fills = [GRAPH["input"]] + [GRAPH["operation"]] * (L - 1) + [GRAPH["output"]]
    for i, x in enumerate(xs):
        values = A[0][0] if i == 0 else (Z[i][0] if i == L else A[i][0])
        for k, yc in enumerate(centres(i)):
            ax.add_patch(FancyBboxPatch(
                (x - box_w / 2, yc - box_h / 2), box_w, box_h, boxstyle="round,pad=0,rounding_size=0.12",
                facecolor=fills[i], edgecolor=GRAPH["edge"], linewidth=1, zorder=2,
            ))
            if i == 0:
                ax.text(x, yc, _minus(values[k]), ha="center", va="center", fontsize=font, color=INK, zorder=3)
            else:
                ax.text(x, yc + 0.15, _minus(values[k]), ha="center", va="center", fontsize=font, color=INK, zorder=3)
                ax.text(x, yc - 0.16, _minus(delta[i][0, k]), ha="center", va="center", fontsize=font,
                        color=GRAPH["backward"], zorder=3)

    # The top row reads A⁰ → W¹ → A¹ → ... → Z^L; the bottom row δ¹ ← (W²)ᵀ ← ... ← δ^L.
    for i, x in enumerate(xs):
        name = f"$A^{i}$" if i < L else f"$Z^{L}$"
        ax.text(x, top, name, ha="center", va="center", fontsize=font, color=GRAPH["forward"])
        if i > 0:
            ax.text(x, bottom, f"$\\delta^{i}$", ha="center", va="center", fontsize=font, color=GRAPH["backward"])
    arrow = {"arrowstyle": "-|>", "mutation_scale": 14, "linewidth": 1.6, "shrinkA": 0, "shrinkB": 0}
    for l in range(1, L + 1):
        left, right = xs[l - 1] + box_w / 2 + 0.12, xs[l] - box_w / 2 - 0.12
        mid = (left + right) / 2
        rows, cols = linear[l - 1].weight.data.shape
        ax.annotate("", xy=(right, top), xytext=(left, top),
                    arrowprops={**arrow, "color": GRAPH["forward"]})
        ax.text(mid, top + 0.24, f"$W^{l}$", ha="center", va="bottom", fontsize=font, color=GRAPH["forward"])
        ax.text(mid, top - 0.22, f"{rows}×{cols}", ha="center", va="top", fontsize=font, color=GRAPH["forward"])
        if l > 1:  # the backward pass hands δˡ down through (Wˡ)ᵀ; below layer 1 nothing needs it
            ax.annotate("", xy=(left, bottom), xytext=(right, bottom),
                        arrowprops={**arrow, "color": GRAPH["backward"]})
            ax.text(mid, bottom + 0.24, f"$(W^{l})^T$", ha="center", va="bottom", fontsize=font,
                    color=GRAPH["backward"])
            ax.text(mid, bottom - 0.22, f"{cols}×{rows}", ha="center", va="top", fontsize=font,
                    color=GRAPH["backward"])
    return phone_text(fig)  # drawn for a phone too: every text 9 CSS px or more at 350 px wide


# --- Momentum on chapter 5's valley ---------------------------------------------

#: Stop when the distance to the least-squares (m, c) is this fraction of the starting distance.
TOLERANCE = 1e-6


def valley_settings() -> dict[str, float]:
    """The curvatures of chapter 5's error E(m, c) and the best settings of plain and heavy-ball descent.

    Plain gradient descent is best at $\\eta = 2/(\\lambda_{min} + \\lambda_{max})$, where
    every step shrinks the distance by $(\\kappa - 1)/(\\kappa + 1)$; momentum is best at
    $\\eta = 4/(\\sqrt{\\lambda_{max}} + \\sqrt{\\lambda_{min}})^2$ and
    $\\mu = ((\\sqrt\\kappa - 1)/(\\sqrt\\kappa + 1))^2$, with the factor $\\sqrt\\mu$.
    """
    X, _ = noisy_line(100, seed=0)
    x = X.ravel()
    H = 2 * np.array([[x @ x, x.sum()], [x.sum(), len(x)]])  # E is a sum, not a mean
    lam_min, lam_max = np.linalg.eigvalsh(H)
    kappa = lam_max / lam_min
    mu = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    return {
        "lam_min": float(lam_min), "lam_max": float(lam_max), "kappa": float(kappa),
        "eta_plain": float(2 / (lam_min + lam_max)), "shrink_plain": float((kappa - 1) / (kappa + 1)),
        "eta_heavy": float(4 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2), "mu_heavy": float(mu),
        "shrink_heavy": float(np.sqrt(mu)),
    }


def valley_path(lr: float, momentum: float = 0.0, tol: float = TOLERANCE, max_steps: int = 10_000) -> np.ndarray:
    """(m, c) after every step of SGD from chapter 5's start, until within ``tol`` of the minimum (relative)."""
    X, y = noisy_line(100, seed=0)
    best = np.array(least_squares(X, y))
    mc = Parameter(np.random.default_rng(0).random(2))  # chapter 5's start: fit_line's seed=0
    optimizer = SGD([mc], lr=lr, momentum=momentum)
    path = [mc.data.copy()]
    start = np.linalg.norm(mc.data - best)
    while np.linalg.norm(mc.data - best) > tol * start and len(path) <= max_steps:
        optimizer.zero_grad()
        mc.grad[...] = gradient(*mc.data, X, y)
        optimizer.step()
        path.append(mc.data.copy())
    return np.array(path)


def distances(path: np.ndarray) -> np.ndarray:
    """The distance of every point of a path from the least-squares (m, c)."""
    X, y = noisy_line(100, seed=0)
    return np.linalg.norm(path - np.array(least_squares(X, y)), axis=1)


@figure("ch09-momentum-valley.svg", narrow=True)
def momentum_valley(narrow: bool = False) -> Figure:
    """Plain descent and momentum at their best settings on chapter 5's contour plot, and their distances."""
    s = valley_settings()
    runs = {
        "plain": (valley_path(s["eta_plain"]), s["shrink_plain"], COLOURS["SGD"], "o-"),
        "momentum": (valley_path(s["eta_heavy"], s["mu_heavy"]), s["shrink_heavy"], COLOURS["momentum"], "s-"),
    }
    shown = 12  # steps drawn on the contours; the distances below show them all
    if narrow:  # one panel per row
        fig = Figure(figsize=(NARROW_WIDTH, 9.6), layout="constrained")
        axes = fig.subplot_mosaic([["plain"], ["momentum"], ["distance"]], height_ratios=[1, 1, 1.15])
    else:
        fig = Figure(figsize=(5.2, 7.2), layout="constrained")
        axes = fig.subplot_mosaic([["plain", "momentum"], ["distance", "distance"]], height_ratios=[1, 1.05])
    for name, (path, _, colour, style) in runs.items():
        ax = axes[name]
        draw_bowl(ax, m_range=(-2.0, 9.5), c_range=(-1.5, 7.8))
        ax.plot(path[: shown + 1, 0], path[: shown + 1, 1], style, color=colour, ms=3.5, lw=1.1)
        ax.annotate("start", path[0], xytext=(4, -13), textcoords="offset points", fontsize=11)
        ax.set_title(f"{name}: first {shown} steps", fontsize=12, color=INK)
    if not narrow:
        axes["momentum"].set_ylabel("")
    bottom = axes["distance"]
    start = distances(runs["plain"][0])[0]
    for name, (path, shrink, colour, style) in runs.items():
        d = distances(path)
        k = np.arange(len(d))
        bottom.semilogy(k, d, style, color=colour, ms=3, lw=1, label=f"{name}: {len(d) - 1} steps")
        bottom.semilogy(k, d[0] * shrink**k, "--", color=colour, lw=1.3, label=f"{d[0]:.1f} × {shrink:.3f}$^k$")
    bottom.axhline(TOLERANCE * start, color=GREY, lw=1, ls=":")
    bottom.text(40, TOLERANCE * start / 2.5, "tolerance: $10^{-6}$ × start", fontsize=11, color=GREY, va="top")
    bottom.set_xlabel("step $k$")
    bottom.set_ylabel("distance from the minimum")
    bottom.set_title("Distance left after each step", fontsize=12)
    bottom.legend(loc="upper right", fontsize=10)
    for ax in axes.values():
        ax.xaxis.label.set_size(11)
        ax.yaxis.label.set_size(11)
        ax.tick_params(labelsize=10)
    return phone_text(fig) if narrow else fig


# --- The gradient of softmax cross-entropy --------------------------------------

#: One sample: three scores, and the right class is 1 (exercise 4's sample).
SAMPLE_SCORES, SAMPLE_LABEL = np.array([2.0, -1.0, 0.5]), 1


def softmax_gradient_sample() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(p, onehot, grad)`` for the chapter's sample: ``grad`` is ``SoftmaxCrossEntropy().backward()``."""
    ce = SoftmaxCrossEntropy()
    ce(SAMPLE_SCORES[None, :], np.array([SAMPLE_LABEL]))
    grad = ce.backward()[0]  # N = 1: p - onehot
    p = softmax(SAMPLE_SCORES[None, :])[0]
    onehot = np.eye(len(SAMPLE_SCORES))[SAMPLE_LABEL]
    return p, onehot, grad


@figure("ch09-softmax-gradient.svg")
def softmax_gradient() -> Figure:
    """Bars of p, onehot(y) and their difference, the gradient of the loss, for one sample."""
    p, onehot, grad = softmax_gradient_sample()
    classes = np.arange(len(p))
    fig = Figure(figsize=(4.8, 3.7), layout="constrained")
    ax = fig.subplots()
    width = 0.27
    bars = [
        (p, "$p$ = softmax(z)", SERIES[0], None),
        (onehot, "onehot(y)", SERIES[4], "//"),
        (grad, "$p$ − onehot(y) = ∂ℓ/∂z", SERIES[1], None),
    ]
    for i, (values, label, colour, hatch) in enumerate(bars):
        xs = classes + (i - 1) * width
        ax.bar(xs, values, width, color=colour, hatch=hatch, edgecolor=INK if hatch else colour,
               linewidth=0.6, label=label)
        if i == 2:
            for x, v in zip(xs, values):
                ax.text(x, v + (0.04 if v >= 0 else -0.04), _minus(v), ha="center",
                        va="bottom" if v >= 0 else "top", fontsize=11, color=INK)
    ax.axhline(0, color=INK, lw=0.8)
    ax.set_xticks(classes, [f"class {k}" + (" (right)" if k == SAMPLE_LABEL else "") for k in classes],
                  fontsize=11)
    ax.set_ylim(-1.25, 1.3)
    ax.set_ylabel("value", fontsize=11)
    ax.tick_params(axis="y", labelsize=10)
    scores = ", ".join(f"{v:g}".replace("-", "−") for v in SAMPLE_SCORES)
    ax.set_title(f"One sample: z = ({scores}), y = {SAMPLE_LABEL}", fontsize=12)
    ax.legend(loc="lower left", fontsize=10)
    return fig
