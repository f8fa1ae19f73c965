"""Loss functions: one number that says how wrong a batch of predictions is (chapter 9).

A loss object is called as ``loss(prediction, target)`` and returns a float;
its ``backward()`` then returns $\\partial L / \\partial\\,\\text{prediction}$,
an array of the prediction's shape, ready for ``model.backward``.

- [`MSELoss`][]: mean squared error, for numbers (regression);
- [`SoftmaxCrossEntropy`][]: softmax and cross-entropy fused into one
  step, for classes (classification); the fused gradient is simply
  ``(softmax(z) - one_hot(y)) / N``.

Examples
--------
>>> import numpy as np
>>> from backprop.losses import MSELoss
>>> mse = MSELoss()
>>> mse(np.array([[1.0], [3.0]]), np.array([[0.0], [0.0]]))
5.0
>>> mse.backward()
array([[1.],
       [3.]])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from backprop._checks import NonFiniteError, real_array


__all__ = ["MSELoss", "SoftmaxCrossEntropy", "softmax", "log_softmax", "accuracy"]


def log_softmax(z: np.ndarray) -> np.ndarray:
    """``log(softmax(z))`` along the last axis, computed without overflow.

    Subtracting the row maximum first changes nothing mathematically, but
    keeps every ``exp`` at most 1.

    Examples
    --------
    >>> log_softmax(np.array([[1000.0, 1000.0]]))
    array([[-0.69314718, -0.69314718]])
    """
    result = _log_softmax(z)
    if not np.isfinite(result).all():
        raise NonFiniteError(
            "log_softmax: the scores z are too far apart: a log-probability is below "
            "-1.8e308 and overflows a float (softmax(z) holds an exact 0 there)"
        )
    return result


def _log_softmax(z: Any) -> np.ndarray:
    """``log_softmax`` without the final check: -inf where a probability underflows to 0."""
    z = real_array(z, "z")
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"z must hold at least one score along its last axis, got shape {z.shape}")
    with np.errstate(over="ignore"):  # z - max below -1.8e308: -inf, a probability of 0
        shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    """Turn each row of scores into probabilities that sum to 1.

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0], [0.0, 1000.0]]))
    array([[0.5, 0.5],
           [0. , 1. ]])
    """
    return np.exp(_log_softmax(z))


def accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    """The fraction of rows whose highest score is at the right label.

    Examples
    --------
    >>> accuracy(np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), np.array([1, 0, 0]))
    0.6666666666666666
    """
    scores = real_array(scores, "scores")
    labels = _labels(labels, "labels")
    if scores.ndim != 2 or labels.shape != scores.shape[:1]:
        raise ValueError(
            f"scores must have shape (N, classes) and labels shape (N,), "
            f"got {scores.shape} and {labels.shape}"
        )
    if scores.shape[0] == 0 or scores.shape[1] == 0:
        raise ValueError(f"scores must hold at least one sample and one class, got shape {scores.shape}")
    if labels.min() < 0 or labels.max() >= scores.shape[1]:  # a label no score can match
        raise ValueError(
            f"labels must be integers in [0, {scores.shape[1]}), one class per column of the scores, "
            f"got values from {labels.min()} to {labels.max()}"
        )
    return float(np.mean(scores.argmax(axis=1) == labels))


def _labels(value: Any, name: str) -> np.ndarray:
    """``value`` as an array of integer class labels, or a TypeError naming ``name``."""
    labels = np.asarray(value)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer class labels, got dtype {labels.dtype}")
    return labels


def _batch(value: Any, name: str) -> np.ndarray:
    array = real_array(value, name)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(
            f"{name} must be a batch of shape (N, outputs) with N >= 1 and outputs >= 1, got {array.shape}"
        )
    return array


class MSELoss:
    """Mean squared error over every number of the batch.

    $L = \\frac{1}{NK}\\sum_{i,k} (p_{ik} - t_{ik})^2$ and
    $\\partial L / \\partial p = \\frac{2}{NK}(p - t)$

    for predictions ``p`` and targets ``t`` of shape ``(N, K)``.
    """

    def __init__(self) -> None:
        self._diff: np.ndarray | None = None

    def __repr__(self) -> str:
        return "MSELoss()"

    def __call__(self, prediction: np.ndarray, target: np.ndarray) -> float:
        prediction = _batch(prediction, "prediction")
        target = real_array(target, "MSELoss: target")
        if target.shape != prediction.shape:
            raise ValueError(
                f"MSELoss: target must have the shape of the prediction {prediction.shape}, "
                f"got {target.shape}"
            )
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported in words
            diff = prediction - target
            value = float(np.mean(diff * diff))
        if not math.isfinite(value):
            raise NonFiniteError(
                "MSELoss: prediction and target are too far apart: the squared error overflows a float"
            )
        self._diff = diff  # only now: a refused call leaves the last good one for backward
        return value

    def backward(self) -> np.ndarray:
        """$\\partial L / \\partial p$ for the last call."""
        if self._diff is None:
            raise RuntimeError("MSELoss: backward() was called before the loss was computed")
        return (2.0 / self._diff.size) * self._diff


class SoftmaxCrossEntropy:
    """Softmax of the scores ``z``, then the cross-entropy with integer labels ``y``.

    $L = \\frac{1}{N}\\sum_i \\big(\\log\\sum_k e^{z_{ik}} - z_{i y_i}\\big)$ and
    $\\partial L / \\partial z = (\\operatorname{softmax}(z) - \\operatorname{onehot}(y)) / N$.

    Fusing the two keeps both stable: the loss uses the log-sum-exp trick
    and the gradient never divides by a probability that may round to 0.

    Examples
    --------
    >>> ce = SoftmaxCrossEntropy()
    >>> round(ce(np.array([[0.0, 0.0]]), np.array([1])), 6)
    0.693147
    >>> ce.backward()
    array([[ 0.5, -0.5]])
    >>> ce(np.array([[0.0, 0.0]]), np.array([2]))
    Traceback (most recent call last):
    ...
    ValueError: SoftmaxCrossEntropy: labels must be integers in [0, 2), got values from 2 to 2
    """

    def __init__(self) -> None:
        self._probs: np.ndarray | None = None
        self._labels: np.ndarray | None = None

    def __repr__(self) -> str:
        return "SoftmaxCrossEntropy()"

    def __call__(self, scores: np.ndarray, labels: np.ndarray) -> float:
        z = _batch(scores, "scores")
        labels = _labels(labels, "SoftmaxCrossEntropy: labels")
        if labels.shape != z.shape[:1]:
            raise ValueError(
                f"SoftmaxCrossEntropy: labels must have shape ({z.shape[0]},), one class "
                f"per row of the scores, got {labels.shape}"
            )
        n, classes = z.shape
        if labels.min() < 0 or labels.max() >= classes:
            raise ValueError(
                f"SoftmaxCrossEntropy: labels must be integers in [0, {classes}), "
                f"got values from {labels.min()} to {labels.max()}"
            )
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported in words
            shifted = z - z.max(axis=1, keepdims=True)  # every exp is at most 1: no overflow
            log_total = np.log(np.exp(shifted).sum(axis=1))  # log sum_k e^z_ik, less the row max
            losses = log_total - shifted[np.arange(n), labels]  # L_i = log sum_k e^z_ik - z_iy_i
            value = float(losses.mean())
        if not math.isfinite(value):
            raise NonFiniteError(
                "SoftmaxCrossEntropy: the scores are too far apart: the loss overflows a float"
            )
        self._probs = np.exp(shifted - log_total[:, None])  # softmax(z)
        self._labels = labels
        return value

    def backward(self) -> np.ndarray:
        """$\\partial L / \\partial z$ for the last call: ``(softmax(z) - onehot(y)) / N``."""
        if self._probs is None:
            raise RuntimeError(
                "SoftmaxCrossEntropy: backward() was called before the loss was computed"
            )
        n = self._probs.shape[0]
        grad = self._probs.copy()
        grad[np.arange(n), self._labels] -= 1.0  # softmax(z) - onehot(y)
        return grad / n
