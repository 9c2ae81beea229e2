"""The collection's one style: a colour and a line style per optimizer, and the axes they go on.

This is the bottom layer of every drawing (the book's helpers, :mod:`d2lite.figures`, the
explorers): the one colour table, the one resolver from a name or a figure label to its colour
and dash (:func:`colour_of`, :func:`style_of`, :func:`label_style`), and the few helpers that make
axes and PNGs.  A plot helper of the collection called with ``ax=`` draws there; called without
it, it draws on a new *pyplot* figure (:func:`pyplot_axes`), so that Jupyter's inline backend
displays it at the end of the cell.  Whole figures (an explorer's redraw, a PNG) are built with
:func:`new_figure`, which pyplot does not manage; pyplot is imported only then.

A learner who has seen Adagrad in blue in one notebook should find it blue in the next, in a
slider explorer and in a static page alike; so every figure takes its colours from here, by
the optimizer's name, and the in-page explorers receive the same table (``d2lite.explorers.page``).

The palette starts from Paul Tol's and Okabe and Ito's colour-blind-safe palettes, moved by a
small search until, under simulated protanopia and deuteranopia (Machado et al. 2009, full
severity), every two colours of the table are at least CIEDE2000 11.5 apart, and every colour
has a contrast of at least 3.1:1 on white (WCAG 2.2 asks 3:1 of graphics); tests/test_colours.py
checks both.  Colour is never the only difference: each optimizer also has its own dash
(:func:`style_of`).

>>> colour_of("Adagrad")
'#0b6fd4'
>>> colour_of("SGD") == colour_of("gradient descent")
True
>>> style_of("Adam")["linestyle"]
'-.'
"""
from __future__ import annotations

import io
import math

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

__all__ = ["OPTIMIZER_COLOURS", "OPTIMIZER_DASHES", "ROLE_COLOURS", "LEARNER_COLOURS",
           "OTHER_COLOURS", "OTHER_DASHES", "other_colour", "other_style", "other_styles", "colour_of",
           "style_of", "label_colour", "label_style", "new_figure", "pyplot_axes", "figure_to_png",
           "nonfinite_lines", "note_nonfinite", "plain_log_axes"]

#: The colour of each optimizer; all ten differ under protanopia and deuteranopia (see above).
OPTIMIZER_COLOURS: dict[str, str] = {
    "Adagrad": "#0b6fd4",              # blue (Tol's vibrant blue, moved)
    "gradient descent": "#e16300",     # orange (Okabe-Ito vermillion): plain (minibatch) GD, SGD
    "Adam": "#40a090",                 # teal (Tol's muted teal, darker)
    "RMSProp": "#b1369b",              # purple (Tol's muted purple, moved)
    "power 1/4": "#332288",            # indigo (Tol): Adagrad with the accumulator to the 1/4
    "AdaGrad-Norm": "#9f905d",         # sand (Tol's muted sand, darker): one accumulator in all
    "full-matrix Adagrad": "#801d4a",  # wine (Tol's muted wine, moved)
    "row-wise Adagrad": "#6699b2",     # grey-blue (Tol's muted cyan, darker): one per row
    "global clock": "#000000",         # black: eta0 / sqrt(t + c), one clock for every feature
    "count clock": "#b45666",          # rose (Tol's high-contrast red, moved): a clock per feature
}

#: The dash of each optimizer (matplotlib line styles); the ones that share a figure differ.
OPTIMIZER_DASHES: dict[str, str | tuple] = {
    "Adagrad": "-", "gradient descent": "--", "Adam": "-.", "RMSProp": ":",
    "power 1/4": (0, (5, 1, 1, 1, 1, 1)), "AdaGrad-Norm": (0, (9, 3)),
    "full-matrix Adagrad": (0, (3, 1, 1, 1)), "row-wise Adagrad": (0, (1, 1)),
    "global clock": (0, (6, 2, 2, 2)), "count clock": (0, (2, 2)),
}

#: Colours of the other things the 2-D figures and explorers draw: gradient descent after
#: preconditioning, the two coordinates of one optimizer's effective rates and the objective's
#: contour lines (3:1 or more on white, and distinct under both simulations from the colours
#: they share a figure with).
ROLE_COLOURS: dict[str, str] = {"preconditioned": "#00695c", "x1": "#08306b", "x2": "#4a8fc8",
                                "contour": "#7a93b3"}

#: The learner's own rule in :func:`d2lite.explore`, drawn beside the optimizers above: black,
#: which no optimizer uses in a figure it shares with the learner's rule.
LEARNER_COLOURS: dict[str, str] = {"your rule": "#000000"}

#: Colours of the lines that are not optimizers: conditions (κ = 10, 100, ...), rotated against
#: unrotated, the parts of one step, reference lines (slope −1/2, a floor, a bound), a rule's
#: offsets c.  None is an optimizer's colour, and under simulated protanopia, deuteranopia and
#: tritanopia (Machado 2009, full severity) every two of them are at least CIEDE2000 11 apart and
#: each is at least 10 from every optimizer colour; each has 3:1 or more on white
#: (tests/test_colours.py).  Found by a small search among low-chroma, dark colours; they are
#: muted on purpose, so that they read as "not an optimizer" beside the palette above.
OTHER_COLOURS: tuple[str, ...] = (
    "#3e2b06",  # dark brown: the first series, or the one reference line
    "#77536c",  # mauve
    "#53664a",  # sage
    "#19044b",  # midnight
    "#183733",  # dark slate
    "#b73509",  # rust: last, the nearest in hue to gradient descent's orange (still >= 10 away)
)

#: A dash for each of :data:`OTHER_COLOURS`, so that colour is never the only difference.
OTHER_DASHES: tuple[str | tuple, ...] = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)),
                                         (0, (8, 2)))

_ALIASES = {"sgd": "gradient descent", "gd": "gradient descent",
            "minibatch sgd": "gradient descent", "adagrad-norm": "AdaGrad-Norm",
            "rmsprop": "RMSProp", "adam": "Adam", "adagrad": "Adagrad",
            "global": "global clock", "count": "count clock", "row-wise": "row-wise Adagrad",
            "full-matrix": "full-matrix Adagrad", "power": "power 1/4"}


def _canonical(name: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be an optimizer's name (a str), got {type(name).__name__}")
    if name in OPTIMIZER_COLOURS:
        return name
    key = name.strip().lower()
    for known in OPTIMIZER_COLOURS:
        if known.lower() == key:
            return known
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValueError(f"name must be one of {sorted(OPTIMIZER_COLOURS)} (or SGD, gd, "
                     f"minibatch SGD), got {name!r}")


def colour_of(name: str) -> str:
    """The collection's colour for the optimizer called ``name`` (case does not matter; ``SGD``,
    ``gd`` and ``minibatch SGD`` all mean gradient descent)."""
    return OPTIMIZER_COLOURS[_canonical(name)]


def style_of(name: str) -> dict:
    """Keyword arguments for matplotlib's ``plot`` that draw the optimizer ``name`` in its colour
    and its own dash, so that lines sharing a figure differ by more than colour.

    >>> style_of("gd") == {"color": colour_of("gradient descent"), "linestyle": "--"}
    True
    """
    key = _canonical(name)
    return {"color": OPTIMIZER_COLOURS[key], "linestyle": OPTIMIZER_DASHES[key]}


def _other_index(i: int, n: int = 1) -> int:
    if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
        raise TypeError(f"i must be an int (which of the other lines), got {type(i).__name__}")
    if not 0 <= i < len(OTHER_COLOURS):
        raise ValueError(f"i must be between 0 and {len(OTHER_COLOURS) - 1} (the collection has "
                         f"{len(OTHER_COLOURS)} colours for lines that are not optimizers), got {i}")
    return int(i)


def other_colour(i: int) -> str:
    """The colour of the ``i``-th line that is not an optimizer (a condition, a reference line,
    an offset; see :data:`OTHER_COLOURS`).

    >>> other_colour(0)
    '#3e2b06'
    >>> other_colour(0) in OPTIMIZER_COLOURS.values()
    False
    """
    return OTHER_COLOURS[_other_index(i)]


def other_style(i: int) -> dict:
    """Keyword arguments for ``plot`` that draw the ``i``-th non-optimizer line in its colour and
    its own dash.

    >>> other_style(1)
    {'color': '#77536c', 'linestyle': '--'}
    """
    i = _other_index(i)
    return {"color": OTHER_COLOURS[i], "linestyle": OTHER_DASHES[i]}


def other_styles(n: int) -> list[dict]:
    """The styles of ``n`` non-optimizer lines that share a figure (``n`` at most
    ``len(OTHER_COLOURS)``, 6): for κ = 1, 10, 100, say, or a rule's offsets c.

    >>> [s["color"] for s in other_styles(2)]
    ['#3e2b06', '#77536c']
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= len(OTHER_COLOURS):
        raise ValueError(f"n must be an int from 0 to {len(OTHER_COLOURS)} (the number of "
                         f"non-optimizer colours), got {n!r}")
    return [other_style(i) for i in range(n)]


# Names a figure label may start with, longest first ("AdaGrad-Norm" before "Adagrad").
_NAMES = sorted([*OPTIMIZER_COLOURS, "minibatch SGD", "SGD", "GD", "torch.optim.Adagrad"],
                key=len, reverse=True)


def label_colour(label: str | None, default: str | None = None) -> str | None:
    """The collection's colour (:mod:`d2lite.style`) of the optimizer a figure label names.

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
    and its own dash (:func:`d2lite.style.style_of`); a label naming no optimizer gets the
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
    """Render ``fig`` to PNG bytes: deterministic (no timestamp in the metadata) and small.

    An opaque figure is stored with a palette of at most 256 colours (Pillow's median cut):
    a chart of a few lines on white loses nothing visible and its PNG shrinks about threefold,
    which matters because a notebook stores each figure twice (``d2lite.alttext``).  A figure
    with transparent pixels is kept as RGBA.

    >>> fig, ax = new_figure(figsize=(2, 1)); _ = ax.plot([0, 1], [1, 0], color="#0b6fd4")
    >>> from PIL import Image; Image.open(io.BytesIO(figure_to_png(fig))).mode
    'P'
    """
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    image = Image.open(buffer)
    if image.mode == "RGBA" and image.getextrema()[3][0] < 255:
        return buffer.getvalue()
    small = io.BytesIO()
    image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(small, "PNG", optimize=True)
    return small.getvalue()


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
