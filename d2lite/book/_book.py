"""The book's section 12.7 names that need no deep-learning framework, with the book's signatures.

The facades ``d2lite.torch``, ``d2lite.mxnet`` and ``d2lite.tensorflow`` (``from d2lite import
torch as d2l``) re-export everything here and add their framework's tensors, data loader and
training loops.  This module imports NumPy and matplotlib only, so every facade can use it in an
environment that has its own framework and no other.

Each name is a thin front on the collection's one implementation, shaped as the book calls it:
:func:`train_2d` runs :func:`d2lite.book.trace2d.train_2d`, :func:`show_trace_2d` draws with
:func:`d2lite.book.plotting.show_trace_2d` on a new pyplot figure (so Jupyter's inline backend shows it)
and returns nothing, as the book's does; :class:`Animator` is :class:`d2lite.book.plotting.Animator`
with the book's signature; :class:`Timer` is :class:`d2lite.book.timer.Timer`.  The helpers for the
facades' ``train_ch11`` (:func:`ch11_animator`, :func:`ch11_line`, :func:`check_hyperparams`,
:data:`EVAL_EVERY`) keep the three tabs printing and drawing alike.

>>> import math
>>> eta = 0.4
>>> def adagrad_2d(x1, x2, s1, s2):          # the chapter's cell, as the book prints it
...     eps = 1e-6
...     g1, g2 = 0.2 * x1, 4 * x2
...     s1 += g1 ** 2
...     s2 += g2 ** 2
...     x1 -= eta / math.sqrt(s1 + eps) * g1
...     x2 -= eta / math.sqrt(s2 + eps) * g2
...     return x1, x2, s1, s2
>>> results = train_2d(adagrad_2d)
epoch 20, x1: -2.382563, x2: -0.158591
>>> ch11_line(0.2431, 0.0123)
'loss: 0.243, 0.012 sec/epoch'
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from d2lite.book import trace2d
from d2lite.book.plotting import Animator as _Animator
from d2lite.book.plotting import display_trace_2d as _display_trace_2d
from d2lite.book.plotting import show_trace_2d as _show_trace_2d
from d2lite.book.plotting import set_figsize
from d2lite.book.timer import Timer

__all__ = ["train_2d", "show_trace_2d", "set_figsize", "plt", "Timer", "Accumulator", "Animator",
           "EVAL_EVERY", "ch11_animator", "ch11_line", "check_hyperparams"]

#: The book's ``train_ch11`` evaluates the loss over the whole data set every 200 examples.
EVAL_EVERY = 200


def __getattr__(name: str) -> Any:
    """``plt`` is matplotlib's pyplot, imported on first use (as the book's ``d2l.plt``)."""
    if name == "plt":
        import matplotlib.pyplot as plt
        return plt
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def train_2d(trainer: Callable, steps: int = 20, f_grad: Callable | None = None) -> list:
    """The book's ``train_2d``: run ``trainer(x1, x2, s1, s2)`` ``steps`` times from (-5, -2).

    Prints ``epoch {steps}, x1: {x1:f}, x2: {x2:f}`` and returns the ``steps + 1`` points, the
    start included.  With ``f_grad`` the trainer is called as ``trainer(x1, x2, s1, s2, f_grad)``.
    It is :func:`d2lite.book.trace2d.train_2d` (the collection's one run loop) with the book's
    signature; a learner's ``adagrad_2d(x1, x2, s1, s2)`` reading a global ``eta`` is the
    trainer the chapter passes.
    """
    return trace2d.train_2d(trainer, steps, f_grad)


def show_trace_2d(f: Callable, results: Sequence) -> None:
    """The book's ``show_trace_2d``: the path ``results`` over the contour lines of ``f``.

    Like the book's, it sets the default figure size (:func:`set_figsize`) and returns None (so no
    ``<Axes ...>`` is printed).  In a notebook the figure is displayed at once with a text
    alternative (:func:`d2lite.book.plotting.display_trace_2d`); elsewhere (a script) it is drawn on
    a new pyplot figure, for ``plt.show()``.  The drawing is
    :func:`d2lite.book.plotting.show_trace_2d`: its window follows the path instead of the book's
    fixed one.
    """
    set_figsize()
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        _display_trace_2d(f, results)
    else:
        _show_trace_2d(f, results)


class Accumulator:
    """The book's ``Accumulator``: running sums of ``n`` quantities.

    >>> metric = Accumulator(2)
    >>> metric.add(1.5, 3)
    >>> metric.add(0.5, 1)
    >>> metric[0], metric[1]
    (2.0, 4.0)
    """

    def __init__(self, n: int) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive whole number of sums, got {n!r}")
        self.data = [0.0] * n

    def add(self, *args: float) -> None:
        """Add one value to each sum (as many values as sums)."""
        if len(args) != len(self.data):
            raise ValueError(f"add takes {len(self.data)} value(s), one per sum, got {len(args)}")
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self) -> None:
        """Set every sum back to 0."""
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]


class Animator(_Animator):
    """The book's ``Animator``: a loss curve redrawn in Jupyter each time a point is added.

    :class:`d2lite.book.plotting.Animator` with the book's signature and defaults (``figsize``
    3.5 x 2.5 inches).  In a Jupyter kernel each :meth:`add` redraws the figure in place, and its
    last frame stays as the cell's figure; elsewhere it only records ``X`` and ``Y``.  It draws
    one axes: ``nrows`` and ``ncols`` other than 1 raise ValueError.

    >>> animator = Animator(xlabel="epoch", ylabel="loss", xlim=[0, 2], ylim=[0.22, 0.35])
    >>> animator.add(0.5, (0.3,))
    >>> animator.Y
    [[0.3]]
    """

    def __init__(self, xlabel: str | None = None, ylabel: str | None = None,
                 legend: Sequence[str] | None = None, xlim: Sequence[float] | None = None,
                 ylim: Sequence[float] | None = None, xscale: str = "linear",
                 yscale: str = "linear", fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
                 nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] = (3.5, 2.5)) -> None:
        if (nrows, ncols) != (1, 1):
            raise ValueError(f"d2lite's Animator draws one axes: nrows and ncols must be 1, "
                             f"got nrows={nrows!r}, ncols={ncols!r}")
        super().__init__(xlabel=xlabel, ylabel=ylabel, legend=legend,
                         xlim=tuple(xlim) if xlim is not None else None,
                         ylim=tuple(ylim) if ylim is not None else None,
                         xscale=xscale, yscale=yscale, fmts=fmts, figsize=figsize)


def ch11_animator(num_epochs: int) -> Animator:
    """The live loss curve of the book's ``train_ch11``: epochs 0 to ``num_epochs``, loss 0.22-0.35."""
    return Animator(xlabel="epoch", ylabel="loss", xlim=[0, num_epochs], ylim=[0.22, 0.35])


def ch11_line(loss: float, seconds_per_epoch: float) -> str:
    """The line the book's ``train_ch11`` prints: ``loss: {loss:.3f}, {sec:.3f} sec/epoch``."""
    return f"loss: {loss:.3f}, {seconds_per_epoch:.3f} sec/epoch"


def check_hyperparams(hyperparams: object, tab: str, expected: str, foreign: str,
                      required: bool = True) -> Mapping:
    """Check a book tab's ``hyperparams`` dict: it names the learning rate ``expected``.

    ``tab`` is the tab's name ("PyTorch"), ``foreign`` the name the learning rate has in the other
    tabs ("learning_rate").  A dict holding ``foreign`` raises ValueError naming both keys, as
    does one without ``expected`` when ``required``.  Returns ``hyperparams``.

    >>> check_hyperparams({"lr": 0.1}, "PyTorch", "lr", "learning_rate")
    {'lr': 0.1}
    >>> check_hyperparams({"learning_rate": 0.1}, "PyTorch", "lr", "learning_rate")
    Traceback (most recent call last):
    ...
    ValueError: the PyTorch tab names the learning rate 'lr', not 'learning_rate': write {'lr': 0.1}, got {'learning_rate': 0.1}
    """
    example = f"{{{expected!r}: 0.1}}"
    if not isinstance(hyperparams, Mapping):
        raise TypeError(f"hyperparams must be a dict such as {example}, "
                        f"got {type(hyperparams).__name__}")
    if foreign in hyperparams:
        raise ValueError(f"the {tab} tab names the learning rate {expected!r}, not {foreign!r}: "
                         f"write {example}, got {dict(hyperparams)!r}")
    if required and expected not in hyperparams:
        raise ValueError(f"hyperparams must give the learning rate as {expected!r} (the {tab} "
                         f"tab's name), such as {example}; got {dict(hyperparams)!r}")
    return hyperparams
