r"""The two training explorers of the page: every slider position computed when the cell runs.

The page cannot train a model, so Python trains it for every position of the sliders at once
and ships the results; the page's JavaScript (``d2lite/web/grid.js``) only selects and draws.

* :func:`sparse_grid` (notebook 01): for each Zipf exponent of the slider, one stream and one
  vectorised pass of :func:`d2lite.train_side_by_side` that trains the three rate rules at
  every base rate of the slider (the same function the notebook's own experiments use).
* :func:`lr_grid` (notebook 04): the from-scratch Adagrad and minibatch SGD trained by the one
  loop, :func:`d2lite.train_scratch`, once per learning rate of the slider (82 short runs, a few
  seconds: the loop itself, so the grid cannot drift from what the notebook trains).

Positive results (losses, errors) travel as 16-bit codes of their logarithm
(:func:`encode_log`), to 0.07 % relative precision, which is finer than a pixel of the figure
and keeps each explorer's HTML under about 300 KB; a code of 65535 means "not finite".

>>> codes = encode_log([1.0, 0.5, float("inf")])
>>> [round(float(v), 3) for v in decode_log(codes)]
[1.0, 0.5, nan]
"""
from __future__ import annotations

import base64
import math
import warnings
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ._checks import check_float, check_int
from .page import PageExplorer, explorer, linear_slider, log_slider

if TYPE_CHECKING:
    import torch

__all__ = ["encode_log", "decode_log", "sparse_grid", "sparse_explorer", "lr_grid",
           "scratch_lr_explorer"]

LOG_RANGE = (-12.0, 6.0)  # decades covered by the 16-bit codes
NOT_FINITE = 65535


def encode_log(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Positive values as uint16 codes of log10 over ``LOG_RANGE`` (clipped); 65535 = inf/NaN."""
    values = np.asarray(values, dtype=float)
    low, high = LOG_RANGE
    with np.errstate(divide="ignore", invalid="ignore"):
        position = (np.log10(np.clip(values, 10 ** low, 10 ** high)) - low) / (high - low)
    codes = np.rint(position * (NOT_FINITE - 1))
    return np.where(np.isfinite(values) & (values > 0), codes, NOT_FINITE).astype("<u2")


def decode_log(codes: np.ndarray) -> np.ndarray:
    """The values :func:`encode_log` stands for (NaN for 65535), as the page decodes them."""
    codes = np.asarray(codes, dtype=float)
    low, high = LOG_RANGE
    return np.where(codes == NOT_FINITE, np.nan, 10 ** (low + codes / (NOT_FINITE - 1) * (high - low)))


def _base64(codes: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(codes, dtype="<u2").tobytes()).decode("ascii")


# --------------------------------------------------------------------------------------------
# Notebook 01: sparse features
# --------------------------------------------------------------------------------------------

SPARSE_RULES = ("global", "count", "adagrad")


def sparse_grid(exponents: Sequence[float], lrs: Sequence[float], *,
                num_features: int = 300, num_examples: int = 1500, offset: float = 10.0,
                num_bins: int = 8, num_records: int = 15, seed: int = 0) -> dict[str, Any]:
    r"""Loss curves and median errors by frequency for every (exponent, base rate, rule).

    For each exponent: the stream ``make_sparse_regression(num_features, num_examples,
    zipf_exponent=exponent, num_test=300, seed=seed)`` and one call of
    :func:`d2lite.sparse.train_side_by_side` for the three rules at all base rates ``lrs``
    (:math:`\eta_0`; both clocks with
    constant ``offset``).  Returns arrays indexed ``[exponent, rule, rate, ...]``:
    ``test_loss`` (records), ``diverged``, ``centres`` and ``medians`` (per frequency bin, as
    :func:`d2lite.sparse.binned_median` computes them; NaN pads missing bins and diverged runs).
    """
    from .sparse import (RATE_RULES, binned_median, make_sparse_regression, train_side_by_side,
                         weight_errors)

    check_int("num_bins", num_bins)
    offset = check_float("offset", offset)
    lrs = np.asarray(lrs, dtype=float)
    shape = (len(exponents), len(SPARSE_RULES), len(lrs))
    test_loss: list[list[np.ndarray]] = []
    diverged = np.zeros(shape, dtype=bool)
    centres = np.full((len(exponents), num_bins), np.nan)
    medians = np.full(shape + (num_bins,), np.nan)
    for e, exponent in enumerate(exponents):
        data = make_sparse_regression(num_features, num_examples, zipf_exponent=float(exponent),
                                      num_test=300, seed=seed)
        runs = train_side_by_side(data, RATE_RULES, lrs,
                                  {"global": offset, "count": offset}, num_records=num_records)
        frequencies = data.frequencies()
        test_loss.append([runs[name].test_loss for name in SPARSE_RULES])
        for r, name in enumerate(SPARSE_RULES):
            run = runs[name]
            diverged[e, r] = run.diverged
            for k in np.flatnonzero(~run.diverged):
                c, m = binned_median(frequencies, weight_errors(run.weights[k], data), num_bins)
                centres[e, :len(c)] = c
                medians[e, r, k, :len(m)] = m
    return {"exponents": np.asarray(exponents, dtype=float), "lrs": lrs,
            "steps": runs[SPARSE_RULES[0]].steps, "test_loss": np.array(test_loss), "diverged": diverged, "centres": centres,
            "medians": medians, "rule_names": [RATE_RULES[n].name for n in SPARSE_RULES]}


def sparse_explorer(zipf_exponent: float = 1.1, lr: float = 1.0, *,
                    num_features: int = 300, num_examples: int = 1500,
                    offset: float = 10.0, seed: int = 0) -> PageExplorer:
    r"""Notebook 01: sliders for the Zipf exponent (0 to 2) and the base rate :math:`\eta_0`
    (0.01 to 10, log), shared by the global clock, the count clock and Adagrad.

    The whole grid (21 exponents x 31 rates x 3 rules) is trained when this runs
    (:func:`sparse_grid`, a second or two); the still is
    :func:`d2lite.figures.sparse_comparison_figure` at the default setting.
    """
    from .figures import sparse_comparison_figure
    from .sparse import RATE_RULES, make_sparse_regression, train_side_by_side

    exponent_slider = linear_slider("zipf_exponent", "Zipf exponent a", zipf_exponent, 0.0, 2.0, 0.1)
    rate_slider = log_slider("lr", "base rate η₀", lr, 0.01, 10.0)
    exponents = [round(v, 6) for v in exponent_slider.positions]
    grid = sparse_grid(exponents, rate_slider.positions, num_features=num_features,
                       num_examples=num_examples, offset=offset, seed=seed)
    data = make_sparse_regression(num_features, num_examples, zipf_exponent=zipf_exponent,
                                  num_test=300, seed=seed)
    still_runs = train_side_by_side(data, RATE_RULES, [lr],
                                    {"global": offset, "count": offset}, num_records=15)
    payload = {"exponents": grid["exponents"].tolist(), "rates": grid["lrs"].tolist(),
               "steps": grid["steps"].tolist(), "rules": grid["rule_names"],
               "records": grid["test_loss"].shape[-1], "bins": grid["medians"].shape[-1],
               "diverged": grid["diverged"].astype(int).ravel().tolist(),
               "test_loss": _base64(encode_log(grid["test_loss"]).ravel()),
               "centres": _base64(encode_log(grid["centres"]).ravel()),
               "medians": _base64(encode_log(np.maximum(grid["medians"], 1e-6)).ravel())}
    alt = (f"Still of the default setting (Zipf exponent {zipf_exponent:g}, base rate η₀ = {lr:g}). "
           f"Left: the excess test loss of the global clock, the count clock and Adagrad against "
           f"the step, log-log. Right: the median error of the weights against the feature's "
           f"frequency, log-log, one line per rule.")
    return explorer("sparse", [exponent_slider, rate_slider],
                    sparse_comparison_figure(data, still_runs), data=payload, alt=alt)


# --------------------------------------------------------------------------------------------
# Notebook 04: the learning rate of training from scratch
# --------------------------------------------------------------------------------------------

def lr_grid(learning_rates: Sequence[float], X: "torch.Tensor", y: "torch.Tensor", *, num_epochs: int = 2, batch_size: int = 10,
            seed: int = 0) -> dict[str, Any]:
    """The losses of from-scratch Adagrad and minibatch SGD at every learning rate.

    Each run is :func:`d2lite.train_scratch` itself, on a loader rebuilt from ``seed``: exactly
    the run the notebook's one-off calls make.  Returns ``{"lr": rates, "Adagrad": losses,
    "minibatch SGD": losses}``, the losses one row per rate, one column per evaluation.
    """
    from .data import make_loader
    from .scratch import adagrad, init_adagrad_states, sgd
    from .training import train_scratch

    num_epochs = check_int("num_epochs", num_epochs)
    learning_rates = [check_float(f"learning_rates[{i}]", v, strict=True)
                      for i, v in enumerate(learning_rates)]
    feature_dim = X.shape[1]
    losses: dict[str, list[list[float]]] = {"Adagrad": [], "minibatch SGD": []}
    for lr in learning_rates:
        for name, trainer_fn, states in (("Adagrad", adagrad, init_adagrad_states(feature_dim)),
                                         ("minibatch SGD", sgd, None)):
            with warnings.catch_warnings():  # the explorer marks a diverged run itself
                warnings.simplefilter("ignore", RuntimeWarning)
                history = train_scratch(trainer_fn, states, {"lr": lr},
                                        make_loader(X, y, batch_size, seed), feature_dim,
                                        num_epochs=num_epochs, seed=seed)
            losses[name].append([float(v) for v in history.losses])
    return {"lr": np.asarray(learning_rates),
            **{name: np.asarray(values) for name, values in losses.items()}}


def scratch_lr_explorer(lr: float = 0.1, *, num_examples: int = 500, noise: float = 0.7,
                        num_epochs: int = 2, seed: int = 0) -> PageExplorer:
    """Notebook 04: a learning-rate slider (0.001 to 10, log) over the loss curves of Adagrad
    and minibatch SGD trained from scratch on the first ``num_examples`` examples.

    Every position is trained when this runs (:func:`lr_grid`); the still is
    :func:`d2lite.figures.scratch_lr_figure` at the default rate.
    """
    from .data import lr_explorer_data
    from .figures import scratch_lr_figure
    from .training import EVAL_EVERY, initial_linreg_loss, least_squares_floor

    slider = log_slider("lr", "learning rate", lr, 0.001, 10.0)
    X, y = lr_explorer_data(num_examples, noise, seed)
    floor, initial = least_squares_floor(X, y), initial_linreg_loss(X, y, seed)
    grid = lr_grid(slider.positions, X, y, num_epochs=num_epochs, seed=seed)
    payload = {"rates": grid["lr"].tolist(), "floor": floor, "initial": initial,
               "epochs": [EVAL_EVERY * (k + 1) / len(X) for k in range(grid["Adagrad"].shape[1])],
               "curves": {name: [[v if math.isfinite(v) else None for v in row]
                                 for row in grid[name].tolist()]
                          for name in ("Adagrad", "minibatch SGD")}}
    figure = scratch_lr_figure(lr, X=X, y=y, floor=floor, initial_loss=initial,
                               num_epochs=num_epochs, seed=seed)
    alt = (f"Still of the default setting: the loss (half MSE, log scale) of Adagrad and "
           f"minibatch SGD from scratch at learning rate {lr:g} against the epoch, over "
           f"{num_epochs} epochs, with the best linear fit's loss as a dotted line.")
    return explorer("lr", [slider], figure, data=payload, alt=alt)
