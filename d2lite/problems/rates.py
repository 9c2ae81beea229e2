r"""Adagrad's per-coordinate *effective learning rate* along a 2-D run (notebook 03).

.. math::
    \eta_{t,i} = \frac{\eta}{\sqrt{s_{t,i} + \epsilon}},\qquad
    s_{t,i} = \sum_{\tau \le t} g_{\tau,i}^2

:func:`d2lite.run` records it for the one NumPy Adagrad with the book's settings
(``Adagrad.preset("book", lr=...)``), step for step the same as :func:`d2lite.adagrad_2d_rule` through
:func:`d2lite.train_2d` (a test checks it) as ``Run.rates``;
:func:`~d2lite.figures.plots.plot_effective_rates` draws it on log-log axes next to the slope
:math:`-1/2` that a steady gradient size would give, and :func:`loglog_slope` measures it.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from d2lite._checks import check_int

__all__ = ["loglog_slope"]


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


