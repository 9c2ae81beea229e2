r"""The collection's plots of its maths: one ``plot_*(..., ax=None) -> Axes`` per picture.

:func:`plot_effective_rates` draws a 2-D Adagrad run's per-coordinate learning rates
(:mod:`d2lite.problems.rates`), :func:`plot_gershgorin` a matrix's Gershgorin discs
(:mod:`d2lite.problems.gershgorin`) and :func:`plot_loss_curves` the losses the book's training
loops record (:mod:`d2lite.book.training`).  Colours and axes come from :mod:`d2lite.style`.

>>> from d2lite import Adagrad, f_2d_grad, run
>>> made = run(Adagrad.preset("book", lr=0.4), lambda x: f_2d_grad(*x), [-5.0, -2.0], 20)
>>> ax = plot_effective_rates(made)
>>> ax.get_legend_handles_labels()[1], ax.get_xscale()
(['x₁ (slope -0.37)', 'x₂ (slope -0.19)', 'slope −1/2'], 'log')
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle

from d2lite._checks import check_float, check_int
from d2lite.book._book import EVAL_EVERY
from d2lite.problems.gershgorin import gershgorin_discs
from d2lite.optimizers.run import Run
from d2lite.problems.rates import loglog_slope
from d2lite.style import OTHER_COLOURS, ROLE_COLOURS, label_style, other_style, note_nonfinite, plain_log_axes, pyplot_axes

__all__ = ["COORDINATE_COLOURS", "COORDINATE_NAMES", "plot_effective_rates", "plot_gershgorin", "plot_loss_curves"]


#: Where the legends go: below the axes, under the x label, never over the data.
LEGEND_BELOW = dict(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
                    frameon=False)

#: Adagrad's two coordinates in the effective-rate panel: two shades of Adagrad's blue.
COORDINATE_COLOURS = (ROLE_COLOURS["x1"], ROLE_COLOURS["x2"])  # from d2lite.style


# Plain Unicode instead of mathtext ($x_1$) in labels: parsing mathtext is a large share of the
# time a redraw takes, and a slider redraw should stay fast.
#: The two coordinates' names in every 2-D figure and explorer.
COORDINATE_NAMES = ("x₁", "x₂")


def plot_effective_rates(made: Run, ax: Axes | None = None,
                         reference: bool = True, fit_from: int = 1) -> Axes:
    r"""Draw each coordinate's effective rate against the step on log-log axes; return the Axes.

    ``made`` is what :func:`d2lite.run` returns for a 2-D Adagrad (any variant with
    per-coordinate rates): its ``rates[t - 1]`` are the rates :math:`\eta / \sqrt{s_{t,i} + \epsilon}`
    used at step ``t``.

    Runs longer than 800 steps are drawn at no more than 400 log-spaced steps.  With
    ``reference`` a dashed line of slope :math:`-1/2` starts at each coordinate's first rate:
    the rate that coordinate would have if its gradient kept the size it had at step 1.  The
    legend gives each coordinate's log-log slope (:func:`loglog_slope`), fitted on the
    steps ``t >= fit_from``.
    """
    if not isinstance(made, Run) or made.rates is None or np.ndim(made.rates) != 2 \
            or np.shape(made.rates)[1] != 2:
        raise TypeError(f"made must be what d2lite.run returns for a 2-D Adagrad (per-coordinate "
                        f"rates), got {type(made).__name__}")
    effective_rates = np.asarray(made.rates)
    fit_from = check_int("fit_from", fit_from)
    if ax is None:
        ax = pyplot_axes()
    t = np.arange(1, len(effective_rates) + 1)
    fitted = "" if fit_from == 1 else f" for t ≥ {fit_from}"
    # Long runs are drawn at no more than 400 log-spaced steps (the slopes use every step): on
    # log axes that looks the same and renders in a fraction of the time.
    shown = np.unique(np.rint(np.geomspace(1, len(t), 400)).astype(int)) - 1 if len(t) > 800 else \
        np.arange(len(t))
    marker = "o" if len(t) <= 200 else ""
    # Two shades of Adagrad's blue (d2lite.style): the rates of one optimizer, coordinate by
    # coordinate, not two optimizers.
    for i, color in enumerate(COORDINATE_COLOURS):
        rates = effective_rates[:, i]
        finite = np.isfinite(rates) & (rates > 0)
        try:
            # round first, so that a slope of -1e-17 reads +0.00, not -0.00
            slope = f"slope {round(loglog_slope(rates, fit_from), 2) + 0.0:+.2f}{fitted}"
        except ValueError:
            slope = "slope n/a"
        drawn = shown[finite[shown]]
        ax.plot(t[drawn], rates[drawn], ("-", "--")[i] + marker, markersize=2.5, color=color,
                label=f"{COORDINATE_NAMES[i]} ({slope})")
        if reference and finite.any():
            first = int(np.argmax(finite))
            tt = t[shown[shown >= first]]
            ax.plot(tt, rates[first] * np.sqrt(t[first] / tt), "--", color=color, linewidth=0.9,
                    alpha=0.7)
        if not finite.all():
            first = int(np.argmin(finite))
            what = "is 0 (not drawn on log axes)" if rates[first] == 0 else "became inf or NaN"
            note_nonfinite(ax, f"the rate of {COORDINATE_NAMES[i]} {what} at step {first + 1}")
    ax.plot([], [], "k--", linewidth=0.9, alpha=0.7, label="slope −1/2")
    plain_log_axes(ax)
    ax.set(xlabel="step t", ylabel="effective rate")
    ax.legend(**LEGEND_BELOW)
    return ax


def plot_gershgorin(M: np.ndarray, ax: Axes | None = None, *, title: str | None = None) -> Axes:
    """Draw the Gershgorin discs of ``M`` in the complex plane with its eigenvalues; return the Axes.

    ``M`` is checked as in :func:`gershgorin_discs` (square, real, finite), so the eigenvalues
    drawn are finite.  Each disc gets its own colour, a ``+`` at its centre and (up to six discs)
    its own legend entry, whose swatch is the disc's own face; the eigenvalues are black crosses.
    The axes have equal aspect, so a disc looks round.
    """
    centres, radii = gershgorin_discs(M)
    eigenvalues = np.linalg.eigvals(np.asarray(M, dtype=float))
    if ax is None:
        ax = pyplot_axes()
    palette = OTHER_COLOURS  # no optimizer's colour: discs are not optimizers (d2lite.style)
    for j, (c, r) in enumerate(zip(centres, radii)):
        colour = palette[j % len(palette)]
        # the legend swatch is the disc itself (same face, alpha and edge), one entry per disc
        ax.add_patch(Circle((c, 0.0), r, facecolor=colour, alpha=0.18, edgecolor=colour,
                            linewidth=1.2, label=f"disc {j + 1}: centre {c:.3g}, radius {r:.3g}"
                            if len(centres) <= 6 else ("Gershgorin discs" if j == 0 else None)))
        ax.plot([c], [0.0], "+", color=colour, markersize=8)
    ax.plot(eigenvalues.real, eigenvalues.imag, "kx", markersize=8, markeredgewidth=2,
            label="eigenvalues")
    low, high = float((centres - radii).min()), float((centres + radii).max())
    pad = 0.1 * max(high - low, 1e-9)
    ax.set(xlim=(low - pad, high + pad), ylim=(-radii.max() - pad, radii.max() + pad),
           xlabel="real part", ylabel="imaginary part", aspect="equal")
    if title:
        ax.set_title(title)
    ax.axhline(0, color="0.8", linewidth=0.6, zorder=0)
    ax.legend(**LEGEND_BELOW)
    return ax


def plot_loss_curves(curves: Mapping[str, Sequence[float]], num_examples: int,
                     ax: Axes | None = None, floor: float | None = None,
                     initial_loss: float | None = None, yscale: str = "linear") -> Axes:
    """Draw loss curves recorded by :func:`d2lite.train_scratch` against the epoch; return the Axes.

    ``curves`` maps a label to a :class:`d2lite.TrainingHistory` (losses drawn where they were taken)
    or to losses taken every 200 examples of ``num_examples`` (the k-th at epoch 200 k / n).
    ``floor`` is drawn dotted (e.g. :func:`d2lite.book.training.least_squares_floor`); ``initial_loss`` (the loss
    before training) starts each curve at epoch 0.  A curve that reached inf or NaN is drawn up
    to there and the plot says so.  Optimizer labels get their colour (:mod:`d2lite.style`).
    """
    num_examples = check_int("num_examples", num_examples)
    if not curves:
        raise ValueError("curves must hold at least one {label: losses} entry")
    if ax is None:
        ax = pyplot_axes()
    broken = []
    for i, (label, losses) in enumerate(curves.items()):
        seen = getattr(losses, "examples", None)  # a TrainingHistory, or a list of losses
        losses = np.asarray(losses.losses if seen is not None else losses, dtype=float)
        epochs = (np.asarray(seen) if seen is not None else
                  EVAL_EVERY * np.arange(1, len(losses) + 1)) / num_examples
        if initial_loss is not None:
            losses = np.concatenate([[initial_loss], losses])
            epochs = np.concatenate([[0.0], epochs])
        finite = np.isfinite(losses)
        last = len(losses) if finite.all() else int(np.argmin(finite))
        ax.plot(epochs[:last], losses[:last], marker="o", markersize=3, label=label,
                **(label_style(label) if label_style(label)["color"] else other_style(i % 5 + 1)))
        if last < len(losses):
            broken.append(f"{label}: the loss became inf or NaN at epoch {epochs[last]:.2g}")
    if floor is not None:
        ax.axhline(check_float("floor", floor), color=other_style(0)["color"], linestyle=":",
                   linewidth=1,
                   label=f"best linear fit ({floor:.3f})")
    ax.set(xlabel="epoch", ylabel="loss (half MSE)", yscale=yscale)
    if yscale == "log":
        plain_log_axes(ax, "y")
    ax.grid(True, alpha=0.25)
    ax.legend(**LEGEND_BELOW)
    if broken:
        note_nonfinite(ax, "\n".join(broken) + "\n(the learning rate is too large)")
    return ax
