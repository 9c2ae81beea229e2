"""Figures for the sparse-feature experiments (:mod:`d2lite.problems.sparse`): every helper takes ``ax=None``, draws on it (a new
figure when None) and returns it.  ``RULE_COLOURS`` gives each rule its colour in every figure.

>>> ax = plot_error_vs_frequency([0.5, 0.1, 0.0], [0.01, 0.2, 1.0], label="demo")
>>> ax.get_xscale(), ax.get_yscale()
('log', 'log')
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.axes import Axes

from d2lite.style import OTHER_COLOURS, OTHER_DASHES, colour_of, style_of
from d2lite.style import note_nonfinite, plain_log_axes, pyplot_axes
from d2lite.problems.sparse.data import SparseRegression
from d2lite.problems.sparse.results import binned_median, weight_errors
from d2lite.problems.sparse.rules import RATE_RULES, RateRule, SparseRun

__all__ = ["RULE_COLOURS", "plot_error_vs_frequency", "plot_sparse_loss_curves",
           "plot_rate_grid", "plot_median_errors"]

#: Each rule's colour, from the collection's table (:mod:`d2lite.style`).
RULE_COLOURS = {"global": colour_of("global clock"), "count": colour_of("count clock"),
                "adagrad": colour_of("Adagrad")}


_RULE_NAMES = {"global": "global clock", "count": "count clock", "adagrad": "Adagrad"}


def _colour(rule: RateRule) -> str | None:
    return next((c for key, c in RULE_COLOURS.items() if RATE_RULES[key] is rule), None)


def _dash(rule: RateRule) -> str | tuple:
    """The rule's own dash (:func:`d2lite.style.style_of`), so colour is not all that differs."""
    key = next((key for key in RULE_COLOURS if RATE_RULES[key] is rule), None)
    return "-" if key is None else style_of(_RULE_NAMES[key])["linestyle"]


def plot_sparse_loss_curves(runs: Sequence[tuple[SparseRun, int]], ax: Axes | None = None) -> Axes:
    """Excess test loss against step (log-log), one line per ``(run, row)`` pair.

    A diverged run is drawn up to its last finite record, marked "(diverged)" in the legend, and
    the axes carry a visible note.
    """
    if ax is None:
        ax = pyplot_axes(figsize=(4.5, 3))
    diverged = []
    for run, row in runs:
        label = f"{run.rule.name}, η₀ = {run.lrs[row]:.3g}"
        finite = np.isfinite(run.test_loss[row])
        if run.diverged[row]:
            diverged.append(run.rule.name)
            label += " (diverged)"
        ax.plot(run.steps[finite], run.test_loss[row][finite], color=_colour(run.rule),
                linestyle=_dash(run.rule), label=label)
    plain_log_axes(ax)
    ax.set(xlabel="step (examples seen)", ylabel="excess test loss")
    ax.legend(fontsize="small")
    if diverged:
        note_nonfinite(ax, "diverged (loss blew up): " + ", ".join(diverged))
    return ax


def plot_error_vs_frequency(frequencies: np.ndarray, errors: np.ndarray, ax: Axes | None = None,
                            label: str | None = None, color: str | None = None,
                            linestyle: str | tuple = "-",
                            scatter: bool = True, num_bins: int = 12) -> Axes:
    """Per-weight error against the feature's frequency on log axes, with the binned median.

    Features that never occurred (frequency 0) cannot sit on a log axis and are left out; errors
    below 1e-6 are drawn at 1e-6.  NaN errors (a diverged run) are not drawn: a note says so.
    """
    if ax is None:
        ax = pyplot_axes(figsize=(4.5, 3))
    frequencies, errors = np.asarray(frequencies, dtype=float), np.asarray(errors, dtype=float)
    if frequencies.shape != errors.shape:
        raise ValueError(f"frequencies and errors must have the same shape, got "
                         f"{frequencies.shape} and {errors.shape}")
    seen = frequencies > 0
    plain_log_axes(ax)
    ax.set(xlabel="feature frequency (fraction of examples)", ylabel="error $|w_i - w^*_i|$")
    if not np.all(np.isfinite(errors[seen])):
        note_nonfinite(ax, f"{label or 'this run'}: weights are NaN (the run diverged)")
        return ax
    if scatter:
        ax.scatter(frequencies[seen], np.maximum(errors[seen], 1e-6), s=4, alpha=0.3,
                   color=color, linewidths=0)
    centres, medians = binned_median(frequencies, errors, num_bins)
    ax.plot(centres, np.maximum(medians, 1e-6), marker="o", ms=3, color=color, linestyle=linestyle,
            label=label)
    return ax


def plot_rate_grid(run: SparseRun, ax: Axes | None = None,
                   ylim: tuple[float, float] | None = None) -> Axes:
    """Final excess test loss against the base rate, one line per offset :math:`c` (log-log).

    With several offsets (at most twelve) each line has its own non-optimizer colour and dash
    (:data:`d2lite.style.OTHER_COLOURS`; from the seventh on they repeat with square markers
    instead of round ones), named in a legend below the axes (not over the curves); with one, the line has the rule's colour and dash.  Diverged runs
    are left out of their line; the best run is circled and named in the title.  ``ylim``
    fixes the loss axis: a loss above its top is not cut off silently but drawn as an open
    triangle on the top edge, and a note says "above the chart".
    """
    if ax is None:
        ax = pyplot_axes(figsize=(4.5, 3))
    if ylim is not None:
        if len(ylim) != 2 or not 0 < ylim[0] < ylim[1] < np.inf:
            raise ValueError(f"ylim must be (bottom, top) with 0 < bottom < top, got {ylim!r}")
    final = run.final_test_loss()
    offsets = np.unique(run.offsets)
    several = len(offsets) > 1
    markers = ("o", "s")  # a second round of the colours and dashes, with square markers
    if len(offsets) > len(markers) * len(OTHER_COLOURS):
        raise ValueError(f"run must hold at most {len(markers) * len(OTHER_COLOURS)} offsets c (each a "
                         f"colour of d2lite.style.OTHER_COLOURS with a marker), got {len(offsets)}")
    clipped = 0
    for offset in offsets:
        rows = np.flatnonzero((run.offsets == offset) & np.isfinite(final))
        rows = rows[np.argsort(run.lrs[rows])]
        k = int(np.searchsorted(offsets, offset))
        colour = OTHER_COLOURS[k % len(OTHER_COLOURS)] if several else _colour(run.rule)
        ax.plot(run.lrs[rows], final[rows], marker=markers[k // len(OTHER_COLOURS)], ms=2.5,
                color=colour,
                linestyle=OTHER_DASHES[k % len(OTHER_COLOURS)] if several else _dash(run.rule),
                label=f"c = {offset:g}" if several else None)
        if ylim is not None:
            above = rows[final[rows] > ylim[1]]
            clipped += len(above)
            if len(above):  # (an empty line drawn unclipped would upset the layout)
                ax.plot(run.lrs[above], np.full(len(above), ylim[1]), "^", ms=6, mfc="white",
                        color=colour, clip_on=False, zorder=4)
    best = run.best()
    ax.plot(run.lrs[best], final[best], "o", ms=10, mfc="none", color="black")
    plain_log_axes(ax)
    chosen = f"η₀ = {run.lrs[best]:.3g}" + (f", c = {run.offsets[best]:g}" if several else "")
    ax.set(xlabel="base rate η₀", ylabel="final excess test loss")
    ax.set_title(f"{run.rule.name}\nchosen (circled): {chosen}", fontsize="medium")
    if ylim is not None:
        ax.set_ylim(ylim)
        if clipped:
            ax.text(0.03, 0.03, f"△ {clipped} above the chart\n(loss > {ylim[1]:g}, finite)",
                    transform=ax.transAxes, ha="left", va="bottom", fontsize="x-small",
                    bbox=dict(boxstyle="round", facecolor="white", edgecolor="0.6", alpha=0.9),
                    in_layout=False)
    if several:  # a legend below the axes shows each offset's colour and dash, off the data
        ax.legend(title="offset c", title_fontsize="small", fontsize="small", loc="upper center",
                  bbox_to_anchor=(0.5, -0.22), ncol=min(len(offsets), 3), frameon=False)
    return ax


def plot_median_errors(data: SparseRegression, runs: Sequence[tuple[SparseRun, int]],
                       ax: Axes | None = None, num_bins: int = 12) -> Axes:
    """The binned median error against frequency for several runs, on one pair of log axes.

    Diverged runs are not drawn; a note on the axes names them.
    """
    if ax is None:
        ax = pyplot_axes(figsize=(4.5, 3))
    frequencies = data.frequencies()
    diverged = []
    for run, row in runs:
        if run.diverged[row]:
            diverged.append(run.rule.name)
            continue
        plot_error_vs_frequency(frequencies, weight_errors(run.weights[row], data), ax=ax,
                                label=run.rule.name, color=_colour(run.rule), scatter=False,
                                linestyle=_dash(run.rule),
                                num_bins=num_bins)
    plain_log_axes(ax)
    ax.set(xlabel="feature frequency (fraction of examples)",
           ylabel="median error $|w_i - w^*_i|$")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize="small")
    if diverged:
        note_nonfinite(ax, "not shown, diverged: " + ", ".join(diverged))
    return ax
