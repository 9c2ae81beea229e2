r"""Adagrad's per-coordinate *effective learning rate* along a 2-D run (notebook 03).

.. math::
    \eta_{t,i} = \frac{\eta}{\sqrt{s_{t,i} + \epsilon}},\qquad
    s_{t,i} = \sum_{\tau \le t} g_{\tau,i}^2

:func:`adagrad_2d_history` records it by running the one NumPy Adagrad with the book's
settings, step for step the same as :func:`d2lite.adagrad_2d_rule` through :func:`d2lite.train_2d`
(a test checks it); :func:`plot_effective_rates` draws it on log-log axes next to the slope
:math:`-1/2` that a steady gradient size would give, and :func:`loglog_slope` measures it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from d2lite._checks import check_float, check_int
from d2lite.book.trace2d import f_2d_grad
from d2lite.optimizers.optim import Adagrad
from d2lite.optimizers.run import run

__all__ = ["AdagradHistory", "adagrad_2d_history", "loglog_slope"]


@dataclass(frozen=True)
class AdagradHistory:
    r"""What a 2-D Adagrad run went through, step by step.

    ``points`` has shape ``(steps + 1, 2)`` (the start included); ``states`` holds the
    accumulators :math:`(s_{t,1}, s_{t,2})` after each step ``t = 1..steps`` and
    ``effective_rates`` the rates :math:`\eta / \sqrt{s_{t,i} + \epsilon}` used at that step
    (``lr`` is :math:`\eta`), both of shape ``(steps, 2)``.  A run that overflowed holds NaN from there on.
    """

    lr: float
    eps: float
    points: np.ndarray
    states: np.ndarray
    effective_rates: np.ndarray

    @property
    def steps(self) -> int:
        """The number of steps taken."""
        return len(self.states)


def adagrad_2d_history(lr: float, eps: float = 1e-6, steps: int = 20,
                       start: tuple[float, float] = (-5.0, -2.0),
                       f_grad: Callable | None = None) -> AdagradHistory:
    r"""Run Adagrad (:math:`\epsilon` inside the root) on a 2-D problem and record its state.

    The points are those of ``train_2d(adagrad_2d_rule(lr, eps), steps, f_grad, start)``; the rate
    used at step ``t`` is :math:`\eta/\sqrt{s_t + \epsilon}`, with :math:`s_t` already holding
    the step's own squared gradient.  ``f_grad(x1, x2)`` defaults to :func:`d2lite.f_2d_grad`.

    >>> history = adagrad_2d_history(0.4)
    >>> [round(float(v), 4) for v in history.points[-1]]
    [-2.3826, -0.1586]
    >>> [round(float(v), 4) for v in history.effective_rates[0]]    # lr/|g_1| = 0.4/1, 0.4/8
    [0.4, 0.05]
    """
    lr = check_float("lr", lr)
    eps = check_float("eps", eps)
    steps = check_int("steps", steps)
    f_grad = f_2d_grad if f_grad is None else f_grad
    optimizer = Adagrad(lr=lr, eps=eps, eps_inside=True)  # the book's settings
    x = np.asarray(start, dtype=float)
    if x.shape != (2,):
        raise ValueError(f"start must be a point (x1, x2), got {start!r}")
    made = run(optimizer, lambda p: f_grad(p[0], p[1]), x, steps)
    sums = np.asarray([state.sum_of_squares for state in made.states[1:]]).reshape(steps, 2)
    return AdagradHistory(lr, eps, made.points, sums, made.rates)


def loglog_slope(values: Sequence[float], first_step: int = 1) -> float:
    r"""The slope :math:`p` of the least-squares line through :math:`(\log t, \log v_t)`.

    ``values[k]`` belongs to step ``t = k + 1``; the fit uses the steps ``t >= first_step``.
    A power law :math:`v_t = c\,t^{p}` gives back exactly ``p``.  Needs at least two finite,
    positive values in the fitted range.

    >>> round(loglog_slope([3 * t ** -0.5 for t in range(1, 50)]), 6)
    -0.5
    """
    first_step = check_int("first_step", first_step)
    values = np.asarray(values, dtype=float)
    t = np.arange(1, len(values) + 1, dtype=float)
    keep = (t >= first_step) & np.isfinite(values) & (values > 0)
    if keep.sum() < 2:
        raise ValueError(f"values must hold at least two finite positive numbers from step "
                         f"{first_step} on, got {keep.sum()}")
    slope, _ = np.polyfit(np.log(t[keep]), np.log(values[keep]), 1)
    return float(slope)


