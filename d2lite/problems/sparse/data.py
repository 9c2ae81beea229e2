r"""The sparse-feature stream: Zipf-distributed features and a known true weight vector.

>>> data = make_sparse_regression(num_features=50, num_examples=200, seed=0)
>>> data.indices.shape, bool(data.counts()[0] >= data.counts()[-1])
((200, 5), True)
"""
from __future__ import annotations

from dataclasses import dataclass

import math

import numpy as np

from d2lite._checks import check_float, check_int

__all__ = ["zipf_probabilities", "SparseRegression", "make_sparse_regression"]


def zipf_probabilities(num_features: int, exponent: float) -> np.ndarray:
    r"""Zipf probabilities :math:`p_i = i^{-a} / \sum_j j^{-a}` for :math:`i = 1, \dots, d`.

    ``exponent = 0`` makes every feature equally likely; larger exponents concentrate the mass
    on the first features.

    >>> zipf_probabilities(3, 1.0).round(3).tolist()
    [0.545, 0.273, 0.182]
    """
    num_features = check_int("num_features", num_features)
    exponent = check_float("exponent", exponent, maximum=5.0)
    weights = np.arange(1, num_features + 1, dtype=float) ** -exponent
    return weights / weights.sum()


MAX_REDRAWS = 500  # rounds of redrawing repeated features before giving up (bounded time)


def _distinct_zipf_rows(probabilities: np.ndarray, num_rows: int, per_row: int,
                        rng: np.random.Generator) -> np.ndarray:
    """``num_rows`` sorted rows of ``per_row`` distinct indices drawn with ``probabilities``.

    Draws with replacement, then redraws only the repeated entries until every row is distinct
    (each row is then a sample of the Zipf law conditioned on having no repeats).
    """
    num_features = len(probabilities)
    rest = float(np.sort(probabilities)[:-(per_row - 1) or None].sum()) if per_row > 1 else 1.0
    expected = math.log(max(num_rows * per_row, 2)) / max(rest, 1e-300)  # rounds, roughly
    if expected <= MAX_REDRAWS:
        rows = np.sort(rng.choice(num_features, size=(num_rows, per_row), p=probabilities), axis=1)
    for _ in range(MAX_REDRAWS if expected <= MAX_REDRAWS else 0):
        repeated = np.zeros(rows.shape, dtype=bool)
        repeated[:, 1:] = rows[:, 1:] == rows[:, :-1]
        count = int(repeated.sum())
        if count == 0:
            return rows
        rows[repeated] = rng.choice(num_features, size=count, p=probabilities)
        rows.sort(axis=1)
    raise ValueError(f"active_per_example = {per_row} distinct features per example cannot be "
                     f"drawn in {MAX_REDRAWS} rounds of redraws: beyond the {per_row - 1} most "
                     f"frequent features lies only {rest:.2g} of the probability (zipf_exponent "
                     f"too large for it); choose a smaller zipf_exponent or active_per_example")


@dataclass(frozen=True)
class SparseRegression:
    r"""A sparse linear-regression stream with a known true weight vector.

    Example ``n`` is non-zero only on the features ``indices[n]``, where feature ``i`` takes
    the value ``feature_scales[i]`` (1 for every feature unless asked otherwise), so its
    prediction is ``(w[indices[n]] * feature_scales[indices[n]]).sum()``.  ``targets`` are noisy
    labels for training; ``test_indices`` and ``test_targets`` are held-out examples with
    noise-free labels, for the *excess* test loss
    :math:`\tfrac12\,\mathrm{mean}\,(\mathbf{x}^\top\mathbf{w} -
    \mathbf{x}^\top\mathbf{w}^*)^2`, which is 0 only at the truth.
    """

    indices: np.ndarray        # (num_examples, active_per_example) int
    targets: np.ndarray        # (num_examples,)
    test_indices: np.ndarray   # (num_test, active_per_example) int
    test_targets: np.ndarray   # (num_test,) noise-free
    true_weights: np.ndarray   # (num_features,)
    probabilities: np.ndarray  # (num_features,) the Zipf law the features were drawn from
    feature_scales: np.ndarray  # (num_features,) the value of feature i when it is active
    noise: float               # standard deviation of the label noise
    zipf_exponent: float       # the exponent a of the Zipf law

    @property
    def num_features(self) -> int:
        """The number of features d."""
        return len(self.true_weights)

    @property
    def num_examples(self) -> int:
        """The number of training examples n."""
        return len(self.targets)

    def counts(self) -> np.ndarray:
        """How many training examples contain each feature."""
        return np.bincount(self.indices.ravel(), minlength=self.num_features)

    def frequencies(self) -> np.ndarray:
        """The empirical frequency of each feature: the fraction of training examples holding it."""
        return self.counts() / self.num_examples


def make_sparse_regression(num_features: int = 2000, num_examples: int = 20000,
                           active_per_example: int = 5, zipf_exponent: float = 1.1,
                           noise: float = 0.5, num_test: int = 2000, scale_spread: float = 1.0,
                           seed: int = 0) -> SparseRegression:
    r"""Draw a :class:`SparseRegression` stream.

    Each example switches on ``active_per_example`` distinct features drawn with the Zipf law
    :func:`zipf_probabilities` (``zipf_exponent = 0``: all features equally frequent).  True
    weights are standard normal; labels get Gaussian noise of standard deviation ``noise``.
    An active feature has the value 1, or, with ``scale_spread`` > 1, its own value
    :math:`s_i` drawn log-uniformly from :math:`[1/\sqrt{\text{spread}}, \sqrt{\text{spread}}]`
    (so the largest and smallest scales differ by a factor of up to ``scale_spread``).
    Deterministic for a given ``seed``.
    """
    num_features = check_int("num_features", num_features, minimum=2)
    num_examples = check_int("num_examples", num_examples)
    active_per_example = check_int("active_per_example", active_per_example)
    if active_per_example > num_features:
        raise ValueError(f"active_per_example must be <= num_features = {num_features}, "
                         f"got {active_per_example}")
    noise = check_float("noise", noise)
    num_test = check_int("num_test", num_test)
    scale_spread = check_float("scale_spread", scale_spread, minimum=1.0)
    zipf_exponent = check_float("zipf_exponent", zipf_exponent, maximum=5.0)
    check_int("seed", seed, minimum=0)
    probabilities = zipf_probabilities(num_features, zipf_exponent)
    rng = np.random.default_rng(seed)
    true_weights = rng.normal(size=num_features)
    half_log = np.log(scale_spread) / 2
    feature_scales = np.exp(rng.uniform(-half_log, half_log, size=num_features)) \
        if scale_spread > 1 else np.ones(num_features)
    indices = _distinct_zipf_rows(probabilities, num_examples, active_per_example, rng)
    targets = (true_weights * feature_scales)[indices].sum(axis=1)
    targets = targets + noise * rng.normal(size=num_examples)
    test_indices = _distinct_zipf_rows(probabilities, num_test, active_per_example, rng)
    test_targets = (true_weights * feature_scales)[test_indices].sum(axis=1)
    return SparseRegression(indices, targets, test_indices, test_targets, true_weights,
                            probabilities, feature_scales, noise, zipf_exponent)
