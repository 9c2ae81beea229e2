r"""The three learning-rate clocks and the online SGD that runs them side by side.

Online SGD on the half squared error takes one example per step; only the active coordinates
have a non-zero gradient :math:`g_i`, and each step is
:math:`w_i \leftarrow w_i - \eta_0\, r_i\, g_i`, with the factor :math:`r_i` from a
:class:`RateRule` and its explicit state.  Adagrad's factor is the one NumPy
:class:`d2lite.Adagrad` (learning rate 1, :math:`\epsilon` = the offset inside the root) run
on the active rows.

>>> from .data import make_sparse_regression
>>> data = make_sparse_regression(num_features=50, num_examples=200, seed=0)
>>> run = train_sparse_sgd(data, ADAGRAD, lrs=[0.1, 1.0])
>>> run.weights.shape, run.diverged.tolist()
((2, 50), [False, False])
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from d2lite._checks import check_int
from d2lite.problems.sparse.data import SparseRegression

__all__ = ["RateRule", "global_clock_factor", "count_clock_factor", "adagrad_factor",
           "GLOBAL_CLOCK", "COUNT_CLOCK", "ADAGRAD", "RATE_RULES", "SparseRun",
           "train_sparse_sgd", "train_side_by_side", "grid_search", "DIVERGENCE_FACTOR"]


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

    The count clock with one line changed: the clock ticks by the squared partial derivative
    instead of by 1, so large gradients age it faster and small ones barely move it.  It is
    :class:`d2lite.Adagrad`'s ``accumulate`` and ``effective_rate`` at learning rate 1 (a test
    checks them equal, number for number).
    """
    state[active] += grad ** 2
    return 1.0 / np.sqrt(state[active] + offset)


GLOBAL_CLOCK = RateRule("global clock", global_clock_factor, 10.0)
COUNT_CLOCK = RateRule("count clock", count_clock_factor, 10.0)
ADAGRAD = RateRule("Adagrad", adagrad_factor, 1e-6)
RATE_RULES = {"global": GLOBAL_CLOCK, "count": COUNT_CLOCK, "adagrad": ADAGRAD}


@dataclass(frozen=True)
class SparseRun:
    """The result of :func:`train_sparse_sgd`: one row per run (one per base rate)."""

    rule: RateRule
    lrs: np.ndarray   # (runs,)
    offsets: np.ndarray      # (runs,)
    weights: np.ndarray      # (runs, num_features) at the end, NaN where a run diverged
    state: np.ndarray        # (runs, num_features) the rule's state at the end (counts, sums)
    steps: np.ndarray        # (records,) steps at which the test loss was measured
    test_loss: np.ndarray    # (runs, records) excess test loss, inf once a run diverged
    diverged: np.ndarray     # (runs,) bool

    def final_test_loss(self) -> np.ndarray:
        """The excess test loss of every run after the last step (inf where it diverged)."""
        return self.test_loss[:, -1]

    def best_lr(self) -> float:
        """The base rate of the best run (see :meth:`best`)."""
        return float(self.lrs[self.best()])

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


def train_sparse_sgd(data: SparseRegression, rule: RateRule, lrs: Sequence[float],
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
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    if lrs.ndim != 1 or not np.all(np.isfinite(lrs)) or np.any(lrs <= 0):
        raise ValueError(f"lrs must be a list of finite numbers > 0, got {lrs!r}")
    offsets = rule.default_offset if offsets is None else offsets
    offsets = np.broadcast_to(np.asarray(offsets, dtype=float), lrs.shape).copy()
    if not np.all(np.isfinite(offsets)) or np.any(offsets < 0):
        raise ValueError(f"offsets must be finite numbers >= 0, got {offsets!r}")
    num_steps = data.num_examples if num_steps is None else check_int("num_steps", num_steps)
    if num_steps > data.num_examples:
        raise ValueError(f"num_steps must be <= data.num_examples = {data.num_examples}, "
                         f"got {num_steps}")
    check_int("num_records", num_records, minimum=2)
    steps = _record_steps(num_steps, num_records)
    weights, state, test_loss = _online_sgd(data, [(rule, slice(None))], lrs, offsets,
                                            steps)
    return _package(data, rule, lrs, offsets, weights, state, steps, test_loss)


def _online_sgd(data: SparseRegression, rule_columns: Sequence[tuple[RateRule, slice]],
                lrs: np.ndarray, offsets: np.ndarray, steps: np.ndarray):
    """The training loop shared by :func:`train_sparse_sgd` and :func:`train_side_by_side`.

    Column ``j`` of the weights is one run with base rate ``lrs[j]``; ``rule_columns``
    says which rule drives which columns.  Returns weights and state (one row per feature, one
    column per run) and the test loss (one row per run) at ``steps``.
    """
    num_runs = len(lrs)
    # One row per feature, one column per run: an example touches a few contiguous rows.
    weights = np.zeros((data.num_features, num_runs))
    state = np.zeros((data.num_features, num_runs))
    lr, offset = lrs[None, :], offsets[None, :]
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
            weights[active] -= lr * factors * grad
            if step == steps[record]:
                test_loss[:, record] = _excess_test_loss(weights.T, data)
                record += 1
    return weights, state, test_loss


def _package(data: SparseRegression, rule: RateRule, lrs: np.ndarray,
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
    return SparseRun(rule, lrs, offsets, weights, state, steps, test_loss, diverged)


def train_side_by_side(data: SparseRegression, rules: Mapping[str, RateRule],
                       lrs: Sequence[float] | float,
                       offsets: Mapping[str, float] | None = None,
                       num_records: int = 40) -> dict[str, SparseRun]:
    """Train every rule with the same base rates, all in a single pass over the examples.

    Returns ``{name: SparseRun}``, each run holding one row per base rate.  The same as calling
    :func:`train_sparse_sgd` once per rule (a test checks it), but the rules share the loop over
    the examples, which is faster: the slider explorer trains all its base rates this way.
    ``offsets`` maps a rule's name to its constant (default: the rule's ``default_offset``).
    """
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    if lrs.ndim != 1 or not np.all(np.isfinite(lrs)) or np.any(lrs <= 0):
        raise ValueError(f"lrs must be finite numbers > 0, got {lrs!r}")
    check_int("num_records", num_records, minimum=2)
    if not rules or not all(isinstance(rule, RateRule) for rule in rules.values()):
        raise TypeError(f"rules must map names to RateRule objects, got {rules!r}")
    offsets = dict(offsets or {})
    names, per_rule = list(rules), len(lrs)
    rule_offsets = [float(offsets.get(name, rules[name].default_offset)) for name in names]
    if not np.all(np.isfinite(rule_offsets)) or np.any(np.array(rule_offsets) < 0):
        raise ValueError(f"offsets must be finite numbers >= 0, got {offsets!r}")
    all_rates = np.tile(lrs, len(names))                 # rule 0's rates, rule 1's, ...
    all_offsets = np.repeat(rule_offsets, per_rule)
    blocks = [slice(j * per_rule, (j + 1) * per_rule) for j in range(len(names))]
    steps = _record_steps(data.num_examples, num_records)
    weights, state, test_loss = _online_sgd(
        data, [(rules[name], block) for name, block in zip(names, blocks)], all_rates,
        all_offsets, steps)
    return {name: _package(data, rules[name], all_rates[block], all_offsets[block],
                           weights[:, block], state[:, block], steps, test_loss[block])
            for name, block in zip(names, blocks)}


def grid_search(data: SparseRegression, rule: RateRule, lrs: Sequence[float],
                offsets: Sequence[float] | None = None) -> SparseRun:
    """Train ``rule`` once for every pair (base rate, offset) of a grid, in one vectorised call.

    ``offsets`` defaults to ``[rule.default_offset]``.  The runs are ordered base rate first:
    row ``r * len(offsets) + j`` has ``lrs[r]`` and ``offsets[j]``; ``.best()`` picks the
    pair with the lowest final excess test loss.
    """
    offsets = [rule.default_offset] if offsets is None else list(offsets)
    rates, constants = np.meshgrid(np.asarray(lrs, dtype=float),
                                   np.asarray(offsets, dtype=float), indexing="ij")
    return train_sparse_sgd(data, rule, rates.ravel(), constants.ravel())
