"""A noisy straight line: the data of chapters 5 and 6.

Like the source tutorial, chapter 5 draws ``x`` on ``[0, 2)`` (the default
``x_max=2.0``) and chapter 6 on ``[0, 1)`` (``x_max=1.0``).
"""

from __future__ import annotations

import numpy as np

from backprop._checks import finite_real, generator, no_overflow, positive_int

__all__ = ["noisy_line"]


def noisy_line(
    n: int = 100,
    *,
    slope: float = 3.0,
    intercept: float = 4.0,
    noise: float = 0.3,
    x_max: float = 2.0,
    seed: int | np.random.Generator = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``n`` points of ``y = intercept + slope * x + noise * e``.

    ``x`` is uniform in ``[0, x_max)`` and ``e`` standard normal, both drawn
    from ``numpy.random.default_rng(seed)``: first all ``x``, then all ``e``.
    ``X`` and ``y`` are columns of shape ``(n, 1)``, one row per sample, as a
    network layer expects them.

    Examples
    --------
    >>> from backprop.datasets import noisy_line
    >>> X, y = noisy_line(100, seed=0)
    >>> X.shape, y.shape
    ((100, 1), (100, 1))
    >>> print(X[:3].round(4).ravel(), y[:3].round(4).ravel())
    [1.2739 0.5396 0.0819] [7.4194 5.1983 4.3966]
    """
    n = positive_int(n, "n")
    slope = finite_real(slope, "slope")
    intercept = finite_real(intercept, "intercept")
    noise = finite_real(noise, "noise", minimum=0.0)
    x_max = finite_real(x_max, "x_max")
    if x_max <= 0:
        raise ValueError(f"x_max must be positive, got {x_max!r}")
    rng = generator(seed)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported in words
        X = x_max * rng.random((n, 1))
        y = intercept + slope * X + noise * rng.standard_normal((n, 1))
    return no_overflow((X, y), "slope, intercept, noise or x_max is too large")
