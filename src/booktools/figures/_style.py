"""Small drawing helpers shared by the chapter figure modules."""

from __future__ import annotations

from matplotlib.figure import Figure

#: One colour per method, used consistently across chapters.
COLORS = {
    "forward": "#d1495b",
    "central": "#00798c",
    "complex": "#edae49",
    "richardson": "#30638e",
    "data": "#66788a",
    "fit": "#d1495b",
    "true": "#003d5b",
}

#: The four colours of the network chapters (8-11): series and classes.
BLUE, ORANGE, GREEN, GREY = "#3f51b5", "#ff7043", "#43a047", "#757575"


def new_figure(width: float = 7.0, height: float = 4.0, ncols: int = 1):
    """A figure with ``ncols`` axes side by side; returns ``(figure, axes)``."""
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols)
    return fig, axes
