"""Small plotting utilities: figure size, PNG rendering, and a live loss curve.

A plot helper of the collection called with ``ax=`` draws there.  Called without it, it draws
on a new *pyplot* figure (:func:`pyplot_axes`), so that Jupyter's inline backend displays it at
the end of the cell, as the book's helpers do.  Whole figures (an explorer's redraw, a PNG) are
built with :func:`new_figure`, which pyplot does not manage.  pyplot itself is imported only when
a figure is first made that way, so ``import d2lite`` does not import it.
"""
from __future__ import annotations

import io
import math
from typing import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from ._checks import check_float
from .colours import OPTIMIZER_COLOURS, colour_of, style_of

__all__ = ["set_figsize", "figure_to_png", "new_figure", "pyplot_axes", "note_nonfinite",
           "nonfinite_lines", "plain_log_axes", "label_colour", "label_style", "Animator"]

# Names a figure label may start with, longest first ("AdaGrad-Norm" before "Adagrad").
_NAMES = sorted([*OPTIMIZER_COLOURS, "minibatch SGD", "SGD", "GD", "torch.optim.Adagrad"],
                key=len, reverse=True)


def label_colour(label: str | None, default: str | None = None) -> str | None:
    """The collection's colour (:mod:`d2lite.colours`) of the optimizer a figure label names.

    The label may go on after the name ("Adagrad, eta=0.4", "SGD (lr=0.1)"); a label naming no
    optimizer gets ``default``.

    >>> label_colour("Adagrad, eta=0.4") == colour_of("Adagrad")
    True
    >>> label_colour("AdaGrad-Norm") == colour_of("AdaGrad-Norm")
    True
    >>> label_colour("the other two rules", default="grey")
    'grey'
    """
    if label is None:
        return default
    text = str(label).strip().lower()
    for name in _NAMES:
        if text.startswith(name.lower()) and (len(text) == len(name)
                                              or not text[len(name)].isalnum()):
            return colour_of("Adagrad" if name == "torch.optim.Adagrad" else name)
    return default


def label_style(label: str | None, default: str | None = None) -> dict:
    """Keyword arguments for ``plot`` that draw the optimizer a figure label names in its colour
    and its own dash (:func:`d2lite.colours.style_of`); a label naming no optimizer gets the
    colour ``default`` and a solid line.

    >>> label_style("Adam (lr=0.01)") == style_of("Adam")
    True
    >>> label_style("noise floor", default="k")
    {'color': 'k', 'linestyle': '-'}
    """
    colour = label_colour(label)
    if colour is None:
        return {"color": default, "linestyle": "-"}
    name = next(n for n in OPTIMIZER_COLOURS if colour_of(n) == colour)
    return style_of(name)


def set_figsize(figsize: tuple[float, float] = (3.5, 2.5)) -> None:
    """Set matplotlib's default figure size in inches (``rcParams["figure.figsize"]``)."""
    if len(figsize) != 2:
        raise ValueError(f"figsize must be a (width, height) pair in inches, got {figsize!r}")
    width = check_float("figsize[0]", figsize[0], strict=True)
    height = check_float("figsize[1]", figsize[1], strict=True)
    mpl.rcParams["figure.figsize"] = (width, height)


def new_figure(nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] | None = None,
               margins: dict[str, float] | None = None, **subplot_kw) -> tuple[Figure, np.ndarray | Axes]:
    """A figure and its axes, made without pyplot (no global current figure is created).

    By default matplotlib's constrained layout places the axes.  ``margins`` (the keywords of
    :meth:`~matplotlib.figure.Figure.subplots_adjust`: ``left``, ``right``, ``bottom``, ``top``,
    ``wspace``, ``hspace``, as fractions of the figure) fixes them instead: such a figure renders
    about twice as fast, which is what a slider explorer that redraws on every move wants.
    """
    fig = Figure(figsize=figsize or mpl.rcParams["figure.figsize"],
                 layout=None if margins else "constrained")
    if margins:
        unknown = set(margins) - {"left", "right", "bottom", "top", "wspace", "hspace"}
        if unknown:
            raise ValueError(f"margins accepts left, right, bottom, top, wspace and hspace; "
                             f"got {sorted(unknown)}")
        fig.subplots_adjust(**margins)
    axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


def pyplot_axes(figsize: tuple[float, float] | None = None) -> Axes:
    """The axes of a new pyplot figure (constrained layout; ``figsize`` defaults to rcParams).

    What a plot helper draws on when it is called without ``ax``: pyplot manages the figure, so
    Jupyter's inline backend displays it when the cell ends, as it displays the book's plots.

    >>> import matplotlib.pyplot as plt
    >>> ax = pyplot_axes()
    >>> ax.figure.number in plt.get_fignums()
    True
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt  # lazily: importing d2lite must not import pyplot

    fig = plt.figure(figsize=figsize or mpl.rcParams["figure.figsize"], layout="constrained")
    return fig.add_subplot()


def figure_to_png(fig: Figure, dpi: int = 80) -> bytes:
    """Render ``fig`` to PNG bytes (deterministic: no timestamp in the metadata)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def nonfinite_lines(fig: Figure) -> list:
    """The lines of ``fig`` whose data hold inf or NaN (a figure should draw none: it should cut
    a diverged curve at its last finite point and say so).

    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [0, float("nan")])
    >>> len(nonfinite_lines(fig))
    1
    """
    found = []
    for ax in fig.axes:
        for line in ax.get_lines():
            x, y = (np.asarray(v, dtype=float) for v in line.get_data())
            if not (np.isfinite(x).all() and np.isfinite(y).all()):
                found.append(line)
    return found


def note_nonfinite(ax: Axes, message: str) -> None:
    """Write a visible warning on ``ax`` (used when a curve diverged to inf or NaN)."""
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color="crimson",
            fontsize="medium", wrap=True,
            bbox=dict(boxstyle="round", facecolor="white", edgecolor="crimson", alpha=0.9))


class _PlainLogLocator(LogLocator):
    """Ticks at powers of ten, and at 2 and 5 times them (or every digit) on a short axis.

    The choice is made from the axis limits when the ticks are drawn, so the data may be
    added after :func:`plain_log_axes` is called.
    """

    def tick_values(self, vmin, vmax):
        low, high = sorted((vmin, vmax))
        decades = math.log10(high / low) if low > 0 else math.inf
        self.set_params(subs=tuple(range(1, 10)) if decades <= 1.2 else
                        (1.0, 2.0, 5.0) if decades <= 2.5 else (1.0,))
        return super().tick_values(vmin, vmax)


def _plain_number(value: float, _position=None) -> str:
    return f"{value:g}" if 1e-3 <= abs(value) < 1e4 else f"{value:.0e}"


def plain_log_axes(ax: Axes, axes: str = "xy") -> Axes:
    """Log scale on ``axes`` ("xy", "x" or "y"), ticks as plain numbers (0.01, 2, 100), no minor ticks.

    Plain labels read well and render fast (matplotlib's default log labels are typeset as
    maths, which makes a slider redraw slow).  Returns ``ax``.

    >>> ax = plain_log_axes(new_figure()[1])
    >>> label = ax.xaxis.get_major_formatter()
    >>> label(0.01), label(200), label(2e5)
    ('0.01', '200', '2e+05')
    """
    if axes not in ("xy", "x", "y"):
        raise ValueError(f"axes must be 'xy', 'x' or 'y', got {axes!r}")
    for name in axes:
        axis = ax.xaxis if name == "x" else ax.yaxis
        ax.set(**{f"{name}scale": "log"})
        axis.set_major_locator(_PlainLogLocator(numticks=8))
        axis.set_minor_locator(NullLocator())
        axis.set_major_formatter(FuncFormatter(_plain_number))
    ax.grid(True, alpha=0.25)
    return ax


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

    def _redraw(self) -> None:
        from IPython.display import Image, display

        ax = self.draw(new_figure(figsize=self.figsize)[1])  # not pyplot's: no second copy shown
        # The last frame stays in the notebook as the figure of the run: full size, 100 dpi.
        image = Image(data=figure_to_png(ax.figure, dpi=100))
        if self._handle is None:
            self._handle = display(image, display_id=True)
        else:
            self._handle.update(image)
