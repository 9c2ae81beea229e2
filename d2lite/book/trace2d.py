r"""Optimisers on two-dimensional problems, step by step, and the picture of their path.

A *trainer* is a function ``trainer(x1, x2, s1, s2) -> (x1, x2, s1, s2)``: it takes the point
and the optimiser's state (for Adagrad the two accumulated squared gradients; ignored by plain
gradient descent) and returns the new ones.  :func:`train_2d` runs it from the chapter's start
point and :func:`show_trace_2d` draws the path over the contour lines of the objective.

This is the book's teaching code, kept small on purpose; :func:`adagrad_2d_rule` takes exactly the
steps of the one NumPy Adagrad, ``d2lite.Adagrad.preset("book", lr=...)`` (a test checks it
point by point), which every other experiment of the collection runs.
"""
from __future__ import annotations

import math
from typing import Callable, Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

from ._checks import check_callable, check_float, check_int, check_point, warn_nonfinite
from .plotting import label_style, note_nonfinite, pyplot_axes

__all__ = ["f_2d", "f_2d_grad", "adagrad_2d_rule", "gd_2d", "train_2d", "show_trace_2d"]

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


def _as_traces(results) -> dict[str | None, np.ndarray]:
    if isinstance(results, Mapping):
        traces = {label: np.asarray(points, dtype=float) for label, points in results.items()}
    else:
        traces = {None: np.asarray(results, dtype=float)}
    for label, points in traces.items():
        if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
            name = "results" if label is None else f"results[{label!r}]"
            raise ValueError(f"{name} must be a non-empty sequence of (x1, x2) points, "
                             f"got an array of shape {points.shape}")
    return traces


def _shown(points: np.ndarray) -> np.ndarray:
    """The leading points that are finite and on the chart (a diverged path stops there)."""
    ok = np.all(np.isfinite(points), axis=1) & (np.abs(points).max(axis=1, initial=0) <= OFF_CHART)
    return points[:len(points) if ok.all() else int(np.argmin(ok))]


def _window(traces: Mapping[str | None, np.ndarray], margin: float,
            extra: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    finite = np.concatenate([_shown(p) for p in traces.values()] +
                            ([extra.reshape(-1, 2)] if extra is not None else []))
    if len(finite) == 0:
        finite = np.zeros((1, 2))
    low, high = finite.min(axis=0), finite.max(axis=0)
    span = np.maximum(high - low, 1e-3 * np.maximum(1.0, np.abs(high)))
    pad = margin * span + 0.5 * (span < 1.0)
    return low - pad, high + pad


def show_trace_2d(f: Callable, results: Sequence[Point] | Mapping[str, Sequence[Point]],
                  ax: Axes | None = None, *, margin: float = 0.15, levels: int = 12,
                  grid_points: int = 120, minimum: Point | None = None,
                  colors: str | Mapping[str, str] | None = None) -> Axes:
    """Draw the contour lines of ``f`` and the path(s) in ``results``; return the Axes.

    ``results`` is the list that :func:`train_2d` returns, or a mapping ``{label: points}`` to
    compare several paths (a legend is added).  The window covers every finite point of every
    path and the minimum, plus a ``margin`` (a fraction of the span).  The minimum, a black
    star, is ``minimum`` or, when that is None, ``f.minimum`` if ``f`` has one (:func:`f_2d`
    and every :class:`~d2lite.quadratic.Quadratic2D` do).  A path that diverged (a coordinate
    inf, NaN or beyond ``OFF_CHART`` = 1e8) is drawn up to its last point before that, and the
    plot says so.  ``f`` must accept NumPy arrays.

    Each path's colour is ``colors`` (one colour for a single path, or ``{label: colour}``), or
    else the collection's colour of the optimizer its label starts with ("Adagrad, eta=0.4" is
    Adagrad's blue, see :mod:`d2lite.colours`), or else the next of matplotlib's colours.

    >>> ax = show_trace_2d(f_2d, {"Adagrad": train_2d(adagrad_2d_rule(0.4), verbose=False)})
    >>> [line.get_label() for line in ax.get_lines()]
    ['Adagrad', 'minimum']
    """
    check_callable("f", f)
    margin = check_float("margin", margin)
    levels = check_int("levels", levels)
    grid_points = check_int("grid_points", grid_points, minimum=10, maximum=2000,
                            why="f is evaluated on grid_points**2 points")
    traces = _as_traces(results)
    if minimum is None:
        minimum = getattr(f, "minimum", None)
    if minimum is not None:
        if len(minimum) != 2 or not np.all(np.isfinite(np.asarray(minimum, dtype=float))):
            raise ValueError(f"minimum must be a finite point (x1, x2), got {minimum!r}")
        minimum = np.asarray(minimum, dtype=float)
    if colors is not None and not isinstance(colors, (str, Mapping)):
        raise TypeError(f"colors must be a colour, a {{label: colour}} mapping or None, "
                        f"got {type(colors).__name__}")
    if ax is None:
        ax = pyplot_axes()
    low, high = _window(traces, margin, minimum)
    g1, g2 = np.meshgrid(np.linspace(low[0], high[0], grid_points),
                         np.linspace(low[1], high[1], grid_points))
    with np.errstate(all="ignore"):
        values = np.asarray(f(g1, g2), dtype=float)
    if np.isfinite(values).any():
        ax.contour(g1, g2, np.ma.masked_invalid(values), levels=levels, colors="#8fa8c8",
                   linewidths=0.8)
    warnings = []
    for i, (label, points) in enumerate(traces.items()):
        shown = _shown(points)
        last = len(shown)
        style = label_style(label, default=f"C{i + 1}")  # colour and dash of its optimizer
        if isinstance(colors, str):
            style["color"] = colors
        elif colors is not None and label in colors:
            style["color"] = colors[label]
        ax.plot(shown[:, 0], shown[:, 1], marker="o", markersize=3, linewidth=1.2, label=label,
                **style)
        if last < len(points):
            name = "the path" if label is None else label
            warnings.append(f"{name} diverged at step {last}\n(inf, NaN or beyond 1e8;"
                            f" drawn up to there)")
    if minimum is not None:
        ax.plot(minimum[0], minimum[1], "*", color="black", markersize=11, zorder=3,
                label="minimum")
    ax.set(xlabel="$x_1$", ylabel="$x_2$", xlim=(low[0], high[0]), ylim=(low[1], high[1]))
    if any(label is not None for label in traces):
        ax.legend(fontsize="small")
    if warnings:
        note_nonfinite(ax, "\n".join(warnings))
    return ax
