r"""Optimisers on two-dimensional problems, step by step.

A *trainer* is a function ``trainer(x1, x2, s1, s2) -> (x1, x2, s1, s2)``: it takes the point
and the optimiser's state (for Adagrad the two accumulated squared gradients; ignored by plain
gradient descent) and returns the new ones.  :func:`train_2d` runs it from the chapter's start
point; :func:`d2lite.book.plotting.show_trace_2d` draws the path (maths here, the picture there).

This is the book's teaching code, kept small on purpose; :func:`adagrad_2d_rule` takes exactly the
steps of the one NumPy Adagrad, ``d2lite.Adagrad.preset("book", lr=...)`` (a test checks it
point by point), which every other experiment of the collection runs.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from d2lite._checks import check_callable, check_float, check_int, check_point, warn_nonfinite

__all__ = ["f_2d", "f_2d_grad", "adagrad_2d_rule", "gd_2d", "train_2d"]

Point = tuple[float, float]
ArrayOrFloat = float | np.ndarray
#: Points farther than this from the origin are treated as diverged: drawn no further, and noted.
OFF_CHART = 1e8
MAX_STEPS = 100_000  # train_2d's bound: each step is a Python call
Trainer = Callable[..., tuple[float, float, float, float]]
GradFn = Callable[[float, float], tuple[float, float]]


def f_2d(x1: ArrayOrFloat, x2: ArrayOrFloat) -> ArrayOrFloat:
    r"""The chapter's objective :math:`f(\mathbf{x}) = 0.1 x_1^2 + 2 x_2^2` (works on arrays)."""
    return 0.1 * x1 * x1 + 2 * x2 * x2


#: Where :func:`f_2d` is smallest; :func:`show_trace_2d` marks it and keeps it in the window.
f_2d.minimum = (0.0, 0.0)


def f_2d_grad(x1: ArrayOrFloat, x2: ArrayOrFloat) -> tuple[ArrayOrFloat, ArrayOrFloat]:
    r"""Its gradient :math:`(0.2 x_1,\ 4 x_2)`."""
    return 0.2 * x1, 4 * x2


def adagrad_2d_rule(lr: float, eps: float = 1e-6) -> Trainer:
    r"""An Adagrad trainer for :func:`train_2d` with learning rate ``lr`` (:math:`\eta`).

    .. math::
        s_i \leftarrow s_i + g_i^2,\qquad x_i \leftarrow x_i - \frac{\eta}{\sqrt{s_i + \epsilon}}\, g_i

    The returned function takes an optional fifth argument ``f_grad`` (default :func:`f_2d_grad`).
    """
    lr = check_float("lr", lr)
    eps = check_float("eps", eps, strict=True)  # > 0: a zero gradient would divide 0 by 0

    def adagrad_step(x1, x2, s1, s2, f_grad: GradFn = f_2d_grad):
        g1, g2 = f_grad(x1, x2)
        s1 += g1 * g1
        s2 += g2 * g2
        x1 -= lr / math.sqrt(s1 + eps) * g1
        x2 -= lr / math.sqrt(s2 + eps) * g2
        return x1, x2, s1, s2

    return adagrad_step


def gd_2d(lr: float) -> Trainer:
    r"""A plain gradient-descent trainer: :math:`x_i \leftarrow x_i - \eta g_i` (state unused)."""
    lr = check_float("lr", lr)

    def gd_step(x1, x2, s1, s2, f_grad: GradFn = f_2d_grad):
        g1, g2 = f_grad(x1, x2)
        return x1 - lr * g1, x2 - lr * g2, s1, s2

    return gd_step


def train_2d(trainer: Trainer, steps: int = 20, f_grad: GradFn | None = None,
             start: Point = (-5.0, -2.0), verbose: bool = True) -> list[Point]:
    """Run ``trainer`` for ``steps`` steps from ``start`` with the state ``(s1, s2) = (0, 0)``.

    Returns the ``steps + 1`` points visited, the start included, and prints the last one as
    ``epoch {steps}, x1: {x1:f}, x2: {x2:f}`` ("epoch" meaning step, as in the book).  A run
    whose point becomes inf or NaN stops there and says so once (a RuntimeWarning naming the
    step); the list is filled with NaN so that it always has ``steps + 1`` points. An exception
    raised by ``trainer`` or ``f_grad`` is not caught: it is the learner's to see.

    >>> points = train_2d(adagrad_2d_rule(0.4))
    epoch 20, x1: -2.382563, x2: -0.158591
    """
    check_callable("trainer", trainer)
    steps = check_int("steps", steps, maximum=MAX_STEPS, why="one Python call per step")
    if f_grad is not None:
        check_callable("f_grad", f_grad)
    x1, x2 = check_point("start", start)
    s1 = s2 = 0.0
    results = [(x1, x2)]
    for step in range(1, steps + 1):
        out = trainer(x1, x2, s1, s2) if f_grad is None else trainer(x1, x2, s1, s2, f_grad)
        try:
            x1, x2, s1, s2 = out
            results.append((float(x1), float(x2)))
        except (TypeError, ValueError):
            raise TypeError(f"trainer must return four numbers (x1, x2, s1, s2); at step {step} "
                            f"it returned {out!r:.100}") from None
        if not (math.isfinite(results[-1][0]) and math.isfinite(results[-1][1])):
            warn_nonfinite("train_2d: the point", step, "; the run stops there (NaN after it)")
            x1 = x2 = math.nan
            results += [(x1, x2)] * (steps - step)
            break
    if verbose:
        print(f"epoch {steps}, x1: {x1:f}, x2: {x2:f}")
    return results


