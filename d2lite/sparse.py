r"""Sparse features with Zipf frequencies, and three learning-rate clocks for online SGD.

The setting of the chapter's first notebook: a linear model over ``num_features`` sparse
features; each example switches on a handful of them, drawn with Zipf probabilities
:math:`p_i \propto 1/i^a`, so a few features occur in most examples and most features occur
rarely.  An active feature has the value 1, or its own fixed value :math:`s_i` when the features
are given different scales.  The label is :math:`y = \mathbf{x}^\top \mathbf{w}^* +
\text{noise}` with a known :math:`\mathbf{w}^*`, so every learnt weight can be compared with the
truth.

Online SGD on the half squared error takes one example per step.  Only the active coordinates
have a non-zero gradient, :math:`g_i = (\mathbf{x}^\top\mathbf{w} - y)\, x_i`, and each step is

.. math::
    w_i \leftarrow w_i - \eta_0\, r_i\, g_i \qquad (i \text{ active}),

where the *rate rule* gives the factor :math:`r_i` from its own explicit state:

==================  ======================================  ===================================
rule                factor :math:`r_i` at step :math:`t`    state
==================  ======================================  ===================================
``GLOBAL_CLOCK``    :math:`1/\sqrt{t + c}`                  none (the step counter ``t``)
``COUNT_CLOCK``     :math:`1/\sqrt{s_i + c}`                :math:`s_i` = times feature i was seen
``ADAGRAD``         :math:`1/\sqrt{s_i + \epsilon}`         :math:`s_i = \sum g_i^2` so far
==================  ======================================  ===================================

The trainer is vectorised over *runs*: one call trains several copies of the model on the same
stream of examples, one per (base rate, offset) pair, which makes a grid search cheap.

>>> data = make_sparse_regression(num_features=50, num_examples=200, seed=0)
>>> run = train_sparse_sgd(data, COUNT_CLOCK, base_rates=[0.1, 0.5], offsets=1.0)
>>> run.weights.shape, run.diverged.tolist()
((2, 50), [False, False])
>>> bool((run.state[1] == data.counts()).all())  # the count clock's state is the count
True

The figures and the slider explorer for these experiments live in :mod:`d2lite.sparse_plots`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from ._checks import check_float, check_int

__all__ = ["zipf_probabilities", "SparseRegression", "make_sparse_regression", "RateRule",
           "global_clock_factor", "count_clock_factor", "adagrad_factor", "GLOBAL_CLOCK",
           "COUNT_CLOCK", "ADAGRAD", "RATE_RULES", "SparseRun", "train_sparse_sgd",
           "train_side_by_side", "grid_search", "weight_errors", "decile_errors", "binned_median",
           "comparison_table"]


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

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


def _distinct_zipf_rows(probabilities: np.ndarray, num_rows: int, per_row: int,
                        rng: np.random.Generator) -> np.ndarray:
    """``num_rows`` sorted rows of ``per_row`` distinct indices drawn with ``probabilities``.

    Draws with replacement, then redraws only the repeated entries until every row is distinct
    (each row is then a sample of the Zipf law conditioned on having no repeats).
    """
    num_features = len(probabilities)
    rows = np.sort(rng.choice(num_features, size=(num_rows, per_row), p=probabilities), axis=1)
    while True:
        repeated = np.zeros(rows.shape, dtype=bool)
        repeated[:, 1:] = rows[:, 1:] == rows[:, :-1]
        count = int(repeated.sum())
        if count == 0:
            return rows
        rows[repeated] = rng.choice(num_features, size=count, p=probabilities)
        rows.sort(axis=1)


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


# --------------------------------------------------------------------------------------------
# Rate rules: each reads and updates its own explicit state
# --------------------------------------------------------------------------------------------

RateFactor = Callable[[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class RateRule:
    r"""A per-coordinate learning-rate rule.

    ``factor(state, step, active, grad, offset)`` returns the factor :math:`r_i` for each active
    coordinate and each run (shape ``(active, runs)``, or anything that broadcasts to it); the
    step is :math:`-\eta_0 r_i g_i`.  ``state`` has one row per feature and one column per run
    (shape ``(num_features, runs)``), starts at 0 and is updated in place by the rule;
    ``active`` holds the indices of the active features; ``grad`` their partial derivatives
    (shape ``(active, runs)``); ``step`` counts examples from 1; ``offset`` (shape
    ``(1, runs)``) is the rule's constant :math:`c` (:math:`\epsilon` for Adagrad).
    """

    name: str
    factor: RateFactor
    default_offset: float


def global_clock_factor(state: np.ndarray, step: int, active: np.ndarray, grad: np.ndarray,
                        offset: np.ndarray) -> np.ndarray:
    r"""Global clock :math:`1/\sqrt{t + c}`: one clock, the number of examples seen (no state)."""
    return 1.0 / np.sqrt(step + offset)


def count_clock_factor(state: np.ndarray, step: int, active: np.ndarray, grad: np.ndarray,
                       offset: np.ndarray) -> np.ndarray:
    r"""Count clock :math:`1/\sqrt{s_i + c}`, :math:`s_i` = examples in which feature i occurred."""
    state[active] += 1.0
    return 1.0 / np.sqrt(state[active] + offset)


def adagrad_factor(state: np.ndarray, step: int, active: np.ndarray, grad: np.ndarray,
                   offset: np.ndarray) -> np.ndarray:
    r"""Adagrad :math:`1/\sqrt{s_i + \epsilon}` with :math:`s_i \leftarrow s_i + g_i^2`.

    The clock ticks by the squared partial derivative instead of by 1: large gradients age it
    faster, small ones barely move it.
    """
    state[active] += grad * grad
    return 1.0 / np.sqrt(state[active] + offset)


GLOBAL_CLOCK = RateRule("global clock", global_clock_factor, 10.0)
COUNT_CLOCK = RateRule("count clock", count_clock_factor, 10.0)
ADAGRAD = RateRule("Adagrad", adagrad_factor, 1e-6)
RATE_RULES = {"global": GLOBAL_CLOCK, "count": COUNT_CLOCK, "adagrad": ADAGRAD}


# --------------------------------------------------------------------------------------------
# Online SGD
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SparseRun:
    """The result of :func:`train_sparse_sgd`: one row per run (one per base rate)."""

    rule: RateRule
    base_rates: np.ndarray   # (runs,)
    offsets: np.ndarray      # (runs,)
    weights: np.ndarray      # (runs, num_features) at the end, NaN where a run diverged
    state: np.ndarray        # (runs, num_features) the rule's state at the end (counts, sums)
    steps: np.ndarray        # (records,) steps at which the test loss was measured
    test_loss: np.ndarray    # (runs, records) excess test loss, inf once a run diverged
    diverged: np.ndarray     # (runs,) bool

    def final_test_loss(self) -> np.ndarray:
        """The excess test loss of every run after the last step (inf where it diverged)."""
        return self.test_loss[:, -1]

    def best_base_rate(self) -> float:
        """The base rate of the best run (see :meth:`best`)."""
        return float(self.base_rates[self.best()])

    def best_offset(self) -> float:
        """The offset c of the best run (see :meth:`best`)."""
        return float(self.offsets[self.best()])

    def best(self) -> int:
        """The index of the run with the lowest final test loss (diverged runs never win)."""
        return int(np.argmin(np.where(np.isfinite(self.final_test_loss()),
                                      self.final_test_loss(), np.inf)))


DIVERGENCE_FACTOR = 1e6


def _excess_test_loss(weights: np.ndarray, data: SparseRegression) -> np.ndarray:
    by_feature = np.ascontiguousarray(np.asarray(weights).T)              # (num_features, runs)
    values = data.feature_scales[data.test_indices]                       # (num_test, k)
    predictions = np.einsum("nk,nkr->nr", values, by_feature[data.test_indices])
    return 0.5 * np.mean((predictions - data.test_targets[:, None]) ** 2, axis=0)


def _record_steps(num_steps: int, num_records: int) -> np.ndarray:
    """Roughly log-spaced steps from 1 to ``num_steps`` (the loss curves use a log axis)."""
    steps = np.unique(np.geomspace(1, num_steps, num_records).round().astype(int))
    return steps


def train_sparse_sgd(data: SparseRegression, rule: RateRule, base_rates: Sequence[float],
                     offsets: Sequence[float] | float | None = None, num_steps: int | None = None,
                     num_records: int = 40) -> SparseRun:
    r"""Online SGD on ``data`` with the rate rule ``rule``, one run per base rate.

    At step :math:`t` the example :math:`\mathbf{x}_t` (active features ``data.indices[t-1]``)
    gives the residual :math:`e = \mathbf{x}_t^\top\mathbf{w} - y_t` and the gradient
    :math:`g_i = e\, x_i` on each active coordinate (:math:`x_i = 1` unless the features were
    given scales).  The update is
    :math:`w_i \leftarrow w_i - \eta_0\, r_i\, g_i` with :math:`r_i` from ``rule``.

    ``offsets`` is the rule's constant, one per run or one for all (default
    ``rule.default_offset``).  The excess test loss is recorded at about ``num_records``
    log-spaced steps.  A run is marked ``diverged`` when its weights overflow or its test loss
    exceeds ``DIVERGENCE_FACTOR`` (1e6) times the loss of the all-zero model; its weights are
    then NaN and its test loss inf from that record on (no warning is raised, the flag says it).
    """
    if not isinstance(rule, RateRule):
        raise TypeError(f"rule must be a RateRule such as ADAGRAD, got {type(rule).__name__}")
    base_rates = np.atleast_1d(np.asarray(base_rates, dtype=float))
    if base_rates.ndim != 1 or not np.all(np.isfinite(base_rates)) or np.any(base_rates <= 0):
        raise ValueError(f"base_rates must be a list of finite numbers > 0, got {base_rates!r}")
    offsets = rule.default_offset if offsets is None else offsets
    offsets = np.broadcast_to(np.asarray(offsets, dtype=float), base_rates.shape).copy()
    if not np.all(np.isfinite(offsets)) or np.any(offsets < 0):
        raise ValueError(f"offsets must be finite numbers >= 0, got {offsets!r}")
    num_steps = data.num_examples if num_steps is None else check_int("num_steps", num_steps)
    if num_steps > data.num_examples:
        raise ValueError(f"num_steps must be <= data.num_examples = {data.num_examples}, "
                         f"got {num_steps}")
    check_int("num_records", num_records, minimum=2)
    steps = _record_steps(num_steps, num_records)
    weights, state, test_loss = _online_sgd(data, [(rule, slice(None))], base_rates, offsets,
                                            steps)
    return _package(data, rule, base_rates, offsets, weights, state, steps, test_loss)


def _online_sgd(data: SparseRegression, rule_columns: Sequence[tuple[RateRule, slice]],
                base_rates: np.ndarray, offsets: np.ndarray, steps: np.ndarray):
    """The training loop shared by :func:`train_sparse_sgd` and :func:`train_side_by_side`.

    Column ``j`` of the weights is one run with base rate ``base_rates[j]``; ``rule_columns``
    says which rule drives which columns.  Returns weights and state (one row per feature, one
    column per run) and the test loss (one row per run) at ``steps``.
    """
    num_runs = len(base_rates)
    # One row per feature, one column per run: an example touches a few contiguous rows.
    weights = np.zeros((data.num_features, num_runs))
    state = np.zeros((data.num_features, num_runs))
    eta0, offset = base_rates[None, :], offsets[None, :]
    factors = np.empty((data.indices.shape[1], num_runs))
    test_loss = np.empty((num_runs, len(steps)))
    record = 0
    with np.errstate(over="ignore", invalid="ignore"):
        values = data.feature_scales[data.indices[:steps[-1]]]                   # (n, k)
        for step, active, x, target in zip(range(1, steps[-1] + 1), data.indices, values,
                                           data.targets):
            residual = x @ weights[active] - target                                 # (runs,)
            grad = x[:, None] * residual                                            # (k, runs)
            for rule, columns in rule_columns:
                factors[:, columns] = rule.factor(state[:, columns], step, active,
                                                  grad[:, columns], offset[:, columns])
            weights[active] -= eta0 * factors * grad
            if step == steps[record]:
                test_loss[:, record] = _excess_test_loss(weights.T, data)
                record += 1
    return weights, state, test_loss


def _package(data: SparseRegression, rule: RateRule, base_rates: np.ndarray,
             offsets: np.ndarray, weights: np.ndarray, state: np.ndarray, steps: np.ndarray,
             test_loss: np.ndarray) -> SparseRun:
    """Flag the runs that diverged and store the result one row per run."""
    zero_model_loss = _excess_test_loss(np.zeros((1, data.num_features)), data)[0]
    blown_up = ~np.isfinite(test_loss) | (test_loss > DIVERGENCE_FACTOR * zero_model_loss)
    blown_up = np.logical_or.accumulate(blown_up, axis=1)  # once diverged, always diverged
    test_loss = np.where(blown_up, np.inf, test_loss)
    weights, state = weights.T.copy(), state.T.copy()  # back to one row per run
    diverged = blown_up[:, -1] | ~np.all(np.isfinite(weights), axis=1)
    weights[diverged] = np.nan
    return SparseRun(rule, base_rates, offsets, weights, state, steps, test_loss, diverged)


def train_side_by_side(data: SparseRegression, rules: Mapping[str, RateRule],
                       base_rates: Sequence[float] | float,
                       offsets: Mapping[str, float] | None = None,
                       num_records: int = 40) -> dict[str, SparseRun]:
    """Train every rule with the same base rates, all in a single pass over the examples.

    Returns ``{name: SparseRun}``, each run holding one row per base rate.  The same as calling
    :func:`train_sparse_sgd` once per rule (a test checks it), but the rules share the loop over
    the examples, which is faster: the slider explorer trains all its base rates this way.
    ``offsets`` maps a rule's name to its constant (default: the rule's ``default_offset``).
    """
    base_rates = np.atleast_1d(np.asarray(base_rates, dtype=float))
    if base_rates.ndim != 1 or not np.all(np.isfinite(base_rates)) or np.any(base_rates <= 0):
        raise ValueError(f"base_rates must be finite numbers > 0, got {base_rates!r}")
    check_int("num_records", num_records, minimum=2)
    if not rules or not all(isinstance(rule, RateRule) for rule in rules.values()):
        raise TypeError(f"rules must map names to RateRule objects, got {rules!r}")
    offsets = dict(offsets or {})
    names, per_rule = list(rules), len(base_rates)
    rule_offsets = [float(offsets.get(name, rules[name].default_offset)) for name in names]
    if not np.all(np.isfinite(rule_offsets)) or np.any(np.array(rule_offsets) < 0):
        raise ValueError(f"offsets must be finite numbers >= 0, got {offsets!r}")
    all_rates = np.tile(base_rates, len(names))                 # rule 0's rates, rule 1's, ...
    all_offsets = np.repeat(rule_offsets, per_rule)
    blocks = [slice(j * per_rule, (j + 1) * per_rule) for j in range(len(names))]
    steps = _record_steps(data.num_examples, num_records)
    weights, state, test_loss = _online_sgd(
        data, [(rules[name], block) for name, block in zip(names, blocks)], all_rates,
        all_offsets, steps)
    return {name: _package(data, rules[name], all_rates[block], all_offsets[block],
                           weights[:, block], state[:, block], steps, test_loss[block])
            for name, block in zip(names, blocks)}


def grid_search(data: SparseRegression, rule: RateRule, base_rates: Sequence[float],
                offsets: Sequence[float] | None = None) -> SparseRun:
    """Train ``rule`` once for every pair (base rate, offset) of a grid, in one vectorised call.

    ``offsets`` defaults to ``[rule.default_offset]``.  The runs are ordered base rate first:
    row ``r * len(offsets) + j`` has ``base_rates[r]`` and ``offsets[j]``; ``.best()`` picks the
    pair with the lowest final excess test loss.
    """
    offsets = [rule.default_offset] if offsets is None else list(offsets)
    rates, constants = np.meshgrid(np.asarray(base_rates, dtype=float),
                                   np.asarray(offsets, dtype=float), indexing="ij")
    return train_sparse_sgd(data, rule, rates.ravel(), constants.ravel())


# --------------------------------------------------------------------------------------------
# Measuring the weights
# --------------------------------------------------------------------------------------------

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
        rows.append([name, f"{run.base_rates[best]:.3g}", offset,
                     f"{run.final_test_loss()[best]:.3f}", f"{low:.3f}", f"{high:.3f}"])
    low, high = decile_errors(np.abs(data.true_weights), ranking)
    zero_loss = _excess_test_loss(np.zeros((1, data.num_features)), data)[0]
    rows.append(["(all zeros)", "", "", f"{zero_loss:.3f}", f"{low:.3f}", f"{high:.3f}"])
    widths = [max(len(row[j]) for row in [headers, *rows]) + 2 for j in range(len(headers))]
    lines = ["".join(cell.ljust(w) if j == 0 else cell.rjust(w)
                     for j, (cell, w) in enumerate(zip(row, widths))) for row in [headers, *rows]]
    return "\n".join(lines)
