r"""Adagrad's per-coordinate *effective learning rate* along a 2-D run (notebook 03).

.. math::
    \eta_{t,i} = \frac{\eta}{\sqrt{s_{t,i} + \epsilon}},\qquad
    s_{t,i} = \sum_{\tau \le t} g_{\tau,i}^2

:func:`d2lite.run` records it for the one NumPy Adagrad with the book's settings
(``Adagrad.preset("book", lr=...)``), step for step the same as :func:`d2lite.adagrad_2d_rule` through
:func:`d2lite.train_2d` (a test checks it); :class:`AdagradHistory` reads it off the run for
:func:`~d2lite.figures.plots.plot_effective_rates`, which draws it on log-log axes next to the slope
:math:`-1/2` that a steady gradient size would give, and :func:`loglog_slope` measures it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from d2lite._checks import check_int
from d2lite.optimizers.run import Run

__all__ = ["AdagradHistory", "loglog_slope"]


@dataclass(frozen=True)
class AdagradHistory:
    r"""A run's effective rates in the form :func:`d2lite.figures.plots.plot_effective_rates` draws.

    ``points`` has shape ``(steps + 1, 2)`` (the start included); ``states`` holds the
    accumulators :math:`(s_{t,1}, s_{t,2})` after each step ``t = 1..steps`` and
    ``effective_rates`` the rates :math:`\eta / \sqrt{s_{t,i} + \epsilon}` used at that step,
    both of shape ``(steps, 2)``.  A run that overflowed holds NaN from there on.  It holds
    nothing :func:`d2lite.run` does not return; :meth:`from_run` reads it off a run.
    """

    points: np.ndarray
    states: np.ndarray
    effective_rates: np.ndarray

    @classmethod
    def from_run(cls, made: Run) -> "AdagradHistory":
        r"""Read the history off a :func:`d2lite.run` of an Adagrad (any variant with per-coordinate
        accumulators).

        >>> from d2lite import Adagrad, f_2d_grad, run
        >>> made = run(Adagrad.preset("book", lr=0.4), lambda x: f_2d_grad(*x), [-5.0, -2.0], 20)
        >>> history = AdagradHistory.from_run(made)
        >>> history.steps, [round(float(v), 4) for v in history.effective_rates[0]]  # 0.4/1, 0.4/8
        (20, [0.4, 0.05])
        """
        if not isinstance(made, Run) or made.rates is None or \
                not hasattr(made.states[0], "sum_of_squares"):
            raise TypeError(f"made must be what d2lite.run returns for an Adagrad, got "
                            f"{type(made).__name__}")
        steps = len(made.states) - 1
        sums = np.asarray([state.sum_of_squares for state in made.states[1:]])
        return cls(made.points, np.broadcast_to(sums.reshape(steps, -1), made.rates.shape).copy(),
                   made.rates)

    @property
    def steps(self) -> int:
        """The number of steps taken."""
        return len(self.states)


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


