"""Figures and the slider explorer for the sparse-feature experiments of :mod:`d2lite.sparse`.

Every plot helper takes ``ax=None``, draws on it (a new figure when None) and returns it; the
explorer retrains the three learning-rate clocks for a Zipf exponent and a base rate chosen with
sliders and redraws their loss curves and per-frequency errors.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatter, LogLocator

from ._checks import check_float, check_int
from .plotting import new_figure, note_nonfinite
from .sparse import (RATE_RULES, RateRule, SparseRegression, SparseRun, binned_median,
                     make_sparse_regression, train_side_by_side, weight_errors)
from .widgets import Explorer, float_slider, log_slider

__all__ = ["RULE_COLOURS", "plain_log_axes", "plot_error_vs_frequency", "plot_sparse_loss_curves", "plot_rate_grid", "plot_median_errors", "draw_sparse_comparison", "sparse_explorer"]

# --------------------------------------------------------------------------------------------
# Plots
# --------------------------------------------------------------------------------------------

RULE_COLOURS = {"global": "tab:blue", "count": "tab:orange", "adagrad": "tab:green"}


def _colour(rule: RateRule) -> str | None:
    return next((c for key, c in RULE_COLOURS.items() if RATE_RULES[key] is rule), None)


class _PlainLogFormatter(LogFormatter):
    """matplotlib's log-axis labels (which ticks get one), written as plain numbers."""

    def _num_to_string(self, x, vmin, vmax):
        return f"{x:g}"


def plain_log_axes(ax: Axes) -> Axes:
    """Log scale on both axes with plain tick labels (0.01, 1, 100) and few minor ticks.

    Decades get labels; on an axis spanning less than about two decades the minor ticks at 2
    and 5 get labels too.  Plain labels read well and render fast (matplotlib's default log
    labels are typeset as maths, which makes a slider redraw slow).
    """
    ax.set(xscale="log", yscale="log")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(base=10))
        axis.set_major_formatter(_PlainLogFormatter())
        axis.set_minor_locator(LogLocator(base=10, subs=(2.0, 5.0)))
        axis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.5)))
    ax.grid(True, which="major", alpha=0.3)
    return ax


def plot_sparse_loss_curves(runs: Sequence[tuple[SparseRun, int]], ax: Axes | None = None) -> Axes:
    """Excess test loss against step (log-log), one line per ``(run, row)`` pair.

    A diverged run is drawn up to its last finite record, marked "(diverged)" in the legend, and
    the axes carry a visible note.
    """
    if ax is None:
        _, ax = new_figure(figsize=(4.5, 3))
    diverged = []
    for run, row in runs:
        label = f"{run.rule.name}, η₀ = {run.base_rates[row]:.3g}"
        finite = np.isfinite(run.test_loss[row])
        if run.diverged[row]:
            diverged.append(run.rule.name)
            label += " (diverged)"
        ax.plot(run.steps[finite], run.test_loss[row][finite], color=_colour(run.rule), label=label)
    plain_log_axes(ax)
    ax.set(xlabel="step (examples seen)", ylabel="excess test loss")
    ax.legend(fontsize="small")
    if diverged:
        note_nonfinite(ax, "diverged (loss blew up): " + ", ".join(diverged))
    return ax


def plot_error_vs_frequency(frequencies: np.ndarray, errors: np.ndarray, ax: Axes | None = None,
                            label: str | None = None, color: str | None = None,
                            scatter: bool = True, num_bins: int = 12) -> Axes:
    """Per-weight error against the feature's frequency on log axes, with the binned median.

    Features that never occurred (frequency 0) cannot sit on a log axis and are left out; errors
    below 1e-6 are drawn at 1e-6.  NaN errors (a diverged run) are not drawn: a note says so.
    """
    if ax is None:
        _, ax = new_figure(figsize=(4.5, 3))
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
    ax.plot(centres, np.maximum(medians, 1e-6), "-o", ms=3, color=color, label=label)
    return ax


def plot_rate_grid(run: SparseRun, ax: Axes | None = None) -> Axes:
    """Final excess test loss against the base rate, one line per offset :math:`c` (log-log).

    Diverged runs are left out of their line; the best run is circled.
    """
    if ax is None:
        _, ax = new_figure(figsize=(4.5, 3))
    final = run.final_test_loss()
    offsets = np.unique(run.offsets)
    shades = np.linspace(0.45, 1.0, len(offsets)) if len(offsets) > 1 else [1.0]
    for shade, offset in zip(shades, offsets):
        rows = np.flatnonzero((run.offsets == offset) & np.isfinite(final))
        rows = rows[np.argsort(run.base_rates[rows])]
        label = f"c = {offset:g}" if len(offsets) > 1 else None
        ax.plot(run.base_rates[rows], final[rows], "-o", ms=2.5, label=label,
                color=_colour(run.rule), alpha=float(shade))
    best = run.best()
    ax.plot(run.base_rates[best], final[best], "o", ms=10, mfc="none", color="black",
            label=f"best: η₀ = {run.base_rates[best]:.3g}" +
                  (f", c = {run.offsets[best]:g}" if len(offsets) > 1 else ""))
    plain_log_axes(ax)
    ax.set(xlabel="base rate η₀", ylabel="final excess test loss", title=run.rule.name)
    ax.legend(fontsize="x-small")
    return ax


def plot_median_errors(data: SparseRegression, runs: Sequence[tuple[SparseRun, int]],
                       ax: Axes | None = None, num_bins: int = 12) -> Axes:
    """The binned median error against frequency for several runs, on one pair of log axes.

    Diverged runs are not drawn; a note on the axes names them.
    """
    if ax is None:
        _, ax = new_figure(figsize=(4.5, 3))
    frequencies = data.frequencies()
    diverged = []
    for run, row in runs:
        if run.diverged[row]:
            diverged.append(run.rule.name)
            continue
        plot_error_vs_frequency(frequencies, weight_errors(run.weights[row], data), ax=ax,
                                label=run.rule.name, color=_colour(run.rule), scatter=False,
                                num_bins=num_bins)
    plain_log_axes(ax)
    ax.set(xlabel="feature frequency (fraction of examples)",
           ylabel="median error $|w_i - w^*_i|$")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize="small")
    if diverged:
        note_nonfinite(ax, "not shown, diverged: " + ", ".join(diverged))
    return ax


# --------------------------------------------------------------------------------------------
# The slider explorer
# --------------------------------------------------------------------------------------------

def sparse_explorer(num_features: int = 300, num_examples: int = 1500, offset: float = 10.0,
                    seed: int = 0) -> Explorer:
    r"""Sliders for the Zipf exponent and the base rate :math:`\eta_0`, shared by the three rules.

    The figure (:func:`draw_sparse_comparison`) shows the three rules trained with the same
    :math:`\eta_0` (and the same constant ``offset`` :math:`c` for the two clocks) on a small
    stream (``num_features`` features, ``num_examples`` examples) with the chosen exponent.
    Exponent 0 is the equal-frequency control.  The first time an exponent is chosen, the
    stream is drawn and the rules are trained for *every* base rate of the slider in one
    vectorised pass; after that, moving the base-rate slider only redraws.
    """
    num_features = check_int("num_features", num_features, minimum=20)
    num_examples = check_int("num_examples", num_examples, minimum=10)
    offset = check_float("offset", offset)
    rate_slider = log_slider("base rate η₀", 1.0, 0.01, 10.0)
    slider_rates = 10.0 ** np.arange(rate_slider.min, rate_slider.max + rate_slider.step / 2,
                                     rate_slider.step)
    offsets = {"global": offset, "count": offset}

    @lru_cache(maxsize=32)
    def stream(zipf_exponent: float) -> SparseRegression:
        return make_sparse_regression(num_features, num_examples, zipf_exponent=zipf_exponent,
                                      num_test=300, seed=seed)

    @lru_cache(maxsize=32)
    def trained(zipf_exponent: float) -> dict[str, SparseRun]:
        return train_side_by_side(stream(zipf_exponent), RATE_RULES, slider_rates, offsets,
                                  num_records=15)

    def draw(zipf_exponent: float, base_rate: float) -> Figure:
        exponent = round(float(zipf_exponent), 6)
        on_grid = np.flatnonzero(np.isclose(slider_rates, base_rate, rtol=1e-6))
        if len(on_grid):
            return draw_sparse_comparison(stream(exponent), trained(exponent), int(on_grid[0]))
        runs = train_side_by_side(stream(exponent), RATE_RULES, [base_rate], offsets,
                                  num_records=15)
        return draw_sparse_comparison(stream(exponent), runs)

    sliders = {"zipf_exponent": float_slider("Zipf exponent a", 1.1, 0.0, 2.0, 0.1),
               "base_rate": rate_slider}
    return Explorer(draw, sliders)


def draw_sparse_comparison(data: SparseRegression, runs: Mapping[str, SparseRun],
                           row: int = 0) -> Figure:
    """The explorer's figure: loss curves and median error against frequency, one line per rule.

    ``runs`` maps rule names to runs on ``data`` (e.g. from :func:`train_side_by_side`); the
    figure shows row ``row`` of each.
    """
    if not isinstance(data, SparseRegression):
        raise TypeError(f"data must be a SparseRegression (see make_sparse_regression), "
                        f"got {type(data).__name__}")
    if not runs or not all(isinstance(run, SparseRun) for run in runs.values()):
        raise TypeError(f"runs must map names to SparseRun objects, got {runs!r}")
    row = check_int("row", row, minimum=0)
    pairs = [(run, row) for run in runs.values()]
    fig, (ax_loss, ax_error) = new_figure(1, 2, figsize=(9, 3.4), margins=dict(
        left=0.1, right=0.98, bottom=0.15, top=0.91, wspace=0.32))
    plot_sparse_loss_curves(pairs, ax=ax_loss)
    rates = {f"{run.base_rates[row]:.3g}" for run in runs.values()}
    title = f"Zipf exponent a = {data.zipf_exponent:.1f}, η₀ = {', '.join(sorted(rates))}"
    ax_loss.set_title(title, fontsize="medium")
    plot_median_errors(data, pairs, ax=ax_error, num_bins=8)
    if ax_error.get_legend() is not None:
        ax_error.get_legend().remove()  # same colours as the loss curves: one legend is enough
    ax_error.set_title("median error of the weights, by frequency", fontsize="medium")
    return fig
