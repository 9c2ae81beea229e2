"""The book's plotting helpers: figure size, the 2-D path picture, and a live loss curve.

:func:`set_figsize`, :func:`show_trace_2d` and :class:`Animator` are the book's ``d2l`` helpers
(the facades hand them out as printed).  They take their colours and axes from
:mod:`d2lite.style`, the bottom layer every drawing of the collection shares; the collection's
own figures live in :mod:`d2lite.figures`.
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes

from d2lite._checks import check_callable, check_float, check_int
from d2lite.book.trace2d import OFF_CHART, Point, adagrad_2d_rule, f_2d, gd_2d, train_2d  # noqa: F401 (doctests)
from d2lite.alttext import FigureWithAlt, describe_axes
from d2lite.style import OTHER_COLOURS, ROLE_COLOURS, label_style, other_style, new_figure, note_nonfinite, pyplot_axes

__all__ = ["set_figsize", "show_trace_2d", "display_trace_2d", "Animator"]


def set_figsize(figsize: tuple[float, float] = (3.5, 2.5)) -> None:
    """Set matplotlib's default figure size in inches (``rcParams["figure.figsize"]``)."""
    if len(figsize) != 2:
        raise ValueError(f"figsize must be a (width, height) pair in inches, got {figsize!r}")
    width = check_float("figsize[0]", figsize[0], strict=True)
    height = check_float("figsize[1]", figsize[1], strict=True)
    mpl.rcParams["figure.figsize"] = (width, height)


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


class Animator:
    """A loss curve that redraws itself in Jupyter as points arrive.

    Outside a Jupyter kernel (scripts, tests) it only records the points in ``X`` and ``Y``, so
    it costs next to nothing there.  Its last frame stays in the notebook as the run's figure,
    drawn at ``figsize`` (5 x 3.2 inches) and 100 dpi.

    >>> animator = Animator(xlabel="epoch", legend=["train"])
    >>> animator.add(1, 0.5)
    >>> animator.Y
    [[0.5]]
    """

    def __init__(self, xlabel: str | None = None, ylabel: str | None = None,
                 legend: Sequence[str] | None = None, xlim: tuple[float, float] | None = None,
                 ylim: tuple[float, float] | None = None, xscale: str = "linear",
                 yscale: str = "linear", fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
                 figsize: tuple[float, float] = (5.0, 3.2), live: bool | None = None) -> None:
        self.xlabel, self.ylabel, self.legend = xlabel, ylabel, list(legend or [])
        self.xlim, self.ylim, self.xscale, self.yscale = xlim, ylim, xscale, yscale
        self.fmts, self.figsize = tuple(fmts), figsize
        self.live = _in_notebook() if live is None else bool(live)
        self.X: list[list[float]] = []
        self.Y: list[list[float]] = []
        self._handle = None

    def add(self, x: float | Sequence[float], y: float | Sequence[float]) -> None:
        """Append one point to each line (``y`` may hold one value per line)."""
        ys = list(y) if np.ndim(y) else [y]
        xs = list(x) if np.ndim(x) else [x] * len(ys)
        if len(xs) != len(ys):
            raise ValueError(f"x and y must have the same number of lines, got {len(xs)} and {len(ys)}")
        if not self.X:
            self.X = [[] for _ in ys]
            self.Y = [[] for _ in ys]
        if len(ys) != len(self.Y):
            raise ValueError(f"y must hold {len(self.Y)} value(s) per call, got {len(ys)}")
        for i, (a, b) in enumerate(zip(xs, ys)):
            self.X[i].append(float(a))
            self.Y[i].append(float(b))
        if self.live:
            self._redraw()

    def draw(self, ax: Axes | None = None) -> Axes:
        """Draw the recorded lines on ``ax`` (a new pyplot figure when None) and return it."""
        if ax is None:
            ax = pyplot_axes(figsize=self.figsize)
        for i, (xs, ys) in enumerate(zip(self.X, self.Y)):
            label = self.legend[i] if i < len(self.legend) else None
            ax.plot(xs, ys, self.fmts[i % len(self.fmts)], label=label)
        ax.set(xlabel=self.xlabel, ylabel=self.ylabel, xscale=self.xscale, yscale=self.yscale)
        if self.xlim:
            ax.set_xlim(self.xlim)
        if self.ylim:
            ax.set_ylim(self.ylim)
        if self.legend:
            ax.legend()
        ax.grid(True, alpha=0.3)
        finite = all(np.all(np.isfinite(ys)) for ys in self.Y)
        if not finite:
            note_nonfinite(ax, "the loss became inf or NaN:\nthe learning rate is too large")
        return ax

    def alt(self, ax: Axes | None = None) -> str:
        """The text alternative of the figure: its axes, each line's legend name with its first
        and last points (:func:`d2lite.alttext.describe_axes`).

        >>> animator = Animator(xlabel="epoch", ylabel="loss", legend=["train"])
        >>> animator.add(1, 0.5); animator.add(2, 0.25)
        >>> animator.alt()
        'A curve redrawn as training runs. loss against epoch. train: from 0.5 at 1 to 0.25 at 2.'
        """
        if ax is None:
            ax = self.draw(new_figure(figsize=self.figsize)[1])
        return "A curve redrawn as training runs. " + describe_axes(ax)

    def _redraw(self) -> None:
        from IPython.display import display

        ax = self.draw(new_figure(figsize=self.figsize)[1])  # not pyplot's: no second copy shown
        # The last frame stays in the notebook as the figure of the run: full size, 100 dpi, and
        # with its text alternative (an <img alt> that JupyterLab and nbconvert both show).
        image = FigureWithAlt.of(ax.figure, self.alt(ax), dpi=100)
        if self._handle is None:
            self._handle = display(image, display_id=True)
        else:
            self._handle.update(image)


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
    and every :class:`~d2lite.problems.quadratic.Quadratic2D` do).  A path that diverged (a coordinate
    inf, NaN or beyond ``OFF_CHART`` = 1e8) is drawn up to its last point before that, and the
    plot says so.  ``f`` must accept NumPy arrays.

    Each path's colour is ``colors`` (one colour for a single path, or ``{label: colour}``), or
    else the collection's colour of the optimizer its label starts with ("Adagrad, eta=0.4" is
    Adagrad's blue, see :mod:`d2lite.style`), or else the next colour and dash of the palette of
    lines that are not optimizers (:data:`d2lite.style.OTHER_COLOURS`).

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
        ax.contour(g1, g2, np.ma.masked_invalid(values), levels=levels, colors=ROLE_COLOURS["contour"],
                   linewidths=0.8)
    warnings = []
    for i, (label, points) in enumerate(traces.items()):
        shown = _shown(points)
        last = len(shown)
        # colour and dash of its optimizer; a path naming none takes a non-optimizer style
        style = label_style(label)
        if style["color"] is None:
            style = other_style(i % len(OTHER_COLOURS))
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


def trace_alt(ax: Axes) -> str:
    """The text alternative of a :func:`show_trace_2d` picture: the contour lines, the minimum,
    and each path's start and end point and number of steps.

    >>> ax = show_trace_2d(f_2d, train_2d(adagrad_2d_rule(0.4), verbose=False))
    >>> trace_alt(ax)
    'Contour lines of f over x1 and x2, with the minimum at (0, 0) as a black star. The path: 21 points from (-5, -2) to (-2.38, -0.159).'
    """
    parts = ["Contour lines of f over x1 and x2"]
    for line in ax.get_lines():
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        if line.get_label() == "minimum":
            parts[0] += f", with the minimum at ({x[0]:.3g}, {y[0]:.3g}) as a black star"
    parts[0] += "."
    for line in ax.get_lines():
        label = line.get_label()
        if label == "minimum":
            continue
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        name = "The path" if label.startswith("_") else label
        if len(x):
            parts.append(f"{name}: {len(x)} points from ({x[0]:.3g}, {y[0]:.3g}) to "
                         f"({x[-1]:.3g}, {y[-1]:.3g}).")
    for text in ax.texts:
        parts.append(text.get_text().replace("\n", " "))
    return " ".join(parts)


def display_trace_2d(f: Callable, results: Sequence[Point] | Mapping[str, Sequence[Point]],
                     **kwargs) -> FigureWithAlt:
    """Draw :func:`show_trace_2d` on a figure pyplot does not manage and display it at once with
    its text alternative (:func:`trace_alt`); return what is displayed.  What the book's
    ``d2l.show_trace_2d`` should call, so that its picture is stored with alt text.

    >>> shown = display_trace_2d(f_2d, train_2d(gd_2d(0.4), verbose=False))
    >>> shown.alt.startswith("Contour lines of f")
    True
    """
    import matplotlib as mpl

    ax = show_trace_2d(f, results, ax=new_figure(figsize=mpl.rcParams["figure.figsize"])[1],
                       **kwargs)
    shown = FigureWithAlt.of(ax.figure, trace_alt(ax), dpi=100)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        return shown
    if get_ipython() is not None:
        display(shown)
    return shown
