r"""Measuring the learnt weights of a sparse run: errors by feature frequency, and a table.

>>> errors = np.arange(20.0)
>>> decile_errors(errors, counts=np.arange(20, 0, -1))    # (rarest tenth, most frequent tenth)
(18.5, 0.5)
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from d2lite._checks import check_int
from d2lite.problems.sparse.data import SparseRegression
from d2lite.problems.sparse.rules import ADAGRAD, SparseRun, _excess_test_loss

__all__ = ["weight_errors", "decile_errors", "binned_median", "comparison_table"]


def weight_errors(weights: np.ndarray, data: SparseRegression) -> np.ndarray:
    r"""The error :math:`|w_i - w^*_i|` of every weight (any leading run axes are kept)."""
    return np.abs(np.asarray(weights) - data.true_weights)


def decile_errors(errors: np.ndarray, counts: np.ndarray) -> tuple[float, float]:
    """Mean error on the rarest and on the most frequent tenth of the features that occurred.

    Features are ranked by ``counts`` (ties by index, i.e. by their Zipf rank); features never
    seen (count 0) are left out, since no learning rate can move them.  Any other positive
    ranking key works too (e.g. the feature scales).  Returns ``(bottom, top)`` tenth.
    """
    errors, counts = np.asarray(errors, dtype=float), np.asarray(counts)
    if errors.shape != counts.shape:
        raise ValueError(f"errors and counts must have the same shape, got {errors.shape} and "
                         f"{counts.shape}")
    seen = np.flatnonzero(counts > 0)
    if len(seen) < 10:
        raise ValueError(f"need at least 10 features that occurred, got {len(seen)}")
    order = seen[np.argsort(-counts[seen], kind="stable")]  # most frequent first
    tenth = len(order) // 10
    return float(errors[order[-tenth:]].mean()), float(errors[order[:tenth]].mean())


def binned_median(frequencies: np.ndarray, errors: np.ndarray,
                  num_bins: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Median error in log-spaced frequency bins (features with frequency 0 are left out).

    Returns the geometric bin centres and the medians; empty bins are dropped.
    """
    frequencies, errors = np.asarray(frequencies, dtype=float), np.asarray(errors, dtype=float)
    check_int("num_bins", num_bins)
    seen = frequencies > 0
    if not seen.any():
        return np.empty(0), np.empty(0)
    low, high = frequencies[seen].min(), frequencies[seen].max()
    edges = np.geomspace(low, high * (1 + 1e-9), num_bins + 1) if high > low else \
        np.array([low * 0.9, low * 1.1])
    which = np.digitize(frequencies[seen], edges) - 1
    centres, medians = [], []
    for b in range(len(edges) - 1):
        in_bin = which == b
        if in_bin.any():
            centres.append(np.sqrt(edges[b] * edges[b + 1]))
            medians.append(np.median(errors[seen][in_bin]))
    return np.array(centres), np.array(medians)


def comparison_table(data: SparseRegression, runs: Mapping[str, SparseRun],
                     ranking: np.ndarray | None = None,
                     groups: tuple[str, str] = ("rarest 10%", "most frequent 10%")) -> str:
    """A text table of each rule's best run: base rate, offset, test loss and decile errors.

    Features are ranked by ``ranking`` (default: how often they occurred, see
    :func:`decile_errors`); ``groups`` names the bottom and the top tenth.  The last row gives
    the error of the all-zero model, i.e. of a weight that never moved.
    """
    ranking = data.counts() if ranking is None else np.asarray(ranking)
    headers = ["rule", "eta0", "c", "test loss", f"error, {groups[0]}", f"error, {groups[1]}"]
    rows = []
    for name, run in runs.items():
        best = run.best()
        low, high = decile_errors(weight_errors(run.weights[best], data), ranking)
        offset = f"{run.offsets[best]:g}" if run.rule is not ADAGRAD else "-"
        rows.append([name, f"{run.lrs[best]:.3g}", offset,
                     f"{run.final_test_loss()[best]:.3f}", f"{low:.3f}", f"{high:.3f}"])
    low, high = decile_errors(np.abs(data.true_weights), ranking)
    zero_loss = _excess_test_loss(np.zeros((1, data.num_features)), data)[0]
    rows.append(["(all zeros)", "", "", f"{zero_loss:.3f}", f"{low:.3f}", f"{high:.3f}"])
    widths = [max(len(row[j]) for row in [headers, *rows]) + 2 for j in range(len(headers))]
    lines = ["".join(cell.ljust(w) if j == 0 else cell.rjust(w)
                     for j, (cell, w) in enumerate(zip(row, widths))) for row in [headers, *rows]]
    return "\n".join(lines)
