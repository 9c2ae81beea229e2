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
from matplotlib.axes import Axes

from ._checks import check_float, check_int
from .colours import ROLE_COLOURS
from .plotting import note_nonfinite, plain_log_axes, pyplot_axes
from .trace2d import f_2d_grad
from .optim import Adagrad

__all__ = ["AdagradHistory", "adagrad_2d_history", "loglog_slope", "plot_effective_rates"]

#: Adagrad's two coordinates in the effective-rate panel: two shades of Adagrad's blue.
COORDINATE_COLOURS = (ROLE_COLOURS["x1"], ROLE_COLOURS["x2"])  # from d2lite.colours


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
    state = optimizer.init(x)
    points, states, rates = [x], [], []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            x, state = optimizer.update(np.asarray(f_grad(x[0], x[1]), dtype=float), state, x)
            points.append(x)
            states.append(state.sum_of_squares)
            rates.append(optimizer.effective_rate(state))
    return AdagradHistory(lr, eps, np.asarray(points), np.asarray(states).reshape(steps, 2),
                          np.asarray(rates).reshape(steps, 2))


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


# Plain Unicode instead of mathtext ($x_1$) in labels: parsing mathtext is a large share of the
# time a redraw takes, and a slider redraw should stay fast.
_COORDINATE = ("x₁", "x₂")


def plot_effective_rates(history: AdagradHistory, ax: Axes | None = None,
                         reference: bool = True, fit_from: int = 1) -> Axes:
    r"""Draw each coordinate's effective rate against the step on log-log axes; return the Axes.

    Runs longer than 800 steps are drawn at no more than 400 log-spaced steps.  With
    ``reference`` a dashed line of slope :math:`-1/2` starts at each coordinate's first rate:
    the rate that coordinate would have if its gradient kept the size it had at step 1.  The
    legend gives each coordinate's log-log slope (:func:`loglog_slope`), fitted on the
    steps ``t >= fit_from``.
    """
    if not isinstance(history, AdagradHistory):
        raise TypeError(f"history must be an AdagradHistory from adagrad_2d_history, "
                        f"got {type(history).__name__}")
    fit_from = check_int("fit_from", fit_from)
    if ax is None:
        ax = pyplot_axes()
    t = np.arange(1, history.steps + 1)
    fitted = "" if fit_from == 1 else f" for t ≥ {fit_from}"
    # Long runs are drawn at no more than 400 log-spaced steps (the slopes use every step): on
    # log axes that looks the same and renders in a fraction of the time.
    shown = np.unique(np.rint(np.geomspace(1, len(t), 400)).astype(int)) - 1 if len(t) > 800 else \
        np.arange(len(t))
    marker = "o" if len(t) <= 200 else ""
    # Two shades of Adagrad's blue (d2lite.colours): the rates of one optimizer, coordinate by
    # coordinate, not two optimizers.
    for i, color in enumerate(COORDINATE_COLOURS):
        rates = history.effective_rates[:, i]
        finite = np.isfinite(rates) & (rates > 0)
        try:
            # round first, so that a slope of -1e-17 reads +0.00, not -0.00
            slope = f"slope {round(loglog_slope(rates, fit_from), 2) + 0.0:+.2f}{fitted}"
        except ValueError:
            slope = "slope n/a"
        drawn = shown[finite[shown]]
        ax.plot(t[drawn], rates[drawn], ("-", "--")[i] + marker, markersize=2.5, color=color,
                label=f"{_COORDINATE[i]} ({slope})")
        if reference and finite.any():
            first = int(np.argmax(finite))
            tt = t[shown[shown >= first]]
            ax.plot(tt, rates[first] * np.sqrt(t[first] / tt), "--", color=color, linewidth=0.9,
                    alpha=0.7)
        if not finite.all():
            first = int(np.argmin(finite))
            what = "is 0 (not drawn on log axes)" if rates[first] == 0 else "became inf or NaN"
            note_nonfinite(ax, f"the rate of {_COORDINATE[i]} {what} at step {first + 1}")
    ax.plot([], [], "k--", linewidth=0.9, alpha=0.7, label="slope −1/2")
    plain_log_axes(ax)
    ax.set(xlabel="step t", ylabel="effective rate")
    ax.legend(fontsize="small")
    return ax


