"""Tests for d2lite.problems.sparse: the Zipf stream, the three rate rules, the measurements, the explorer.

The trainer is checked against independent oracles: a plain-Python loop written from the update
formulas (one example, one coordinate at a time) and, for Adagrad, ``torch.optim.Adagrad``.
"""
from __future__ import annotations

import base64
import math

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

import d2lite
import d2lite.problems.sparse as sparse
from d2lite.explorers import sparse_explorer
from d2lite.explorers.page import decode_log
from d2lite.explorers.figures import sparse_comparison_figure
from d2lite.style import figure_to_png, new_figure, plain_log_axes
from d2lite.problems.sparse import (ADAGRAD, COUNT_CLOCK, GLOBAL_CLOCK, RATE_RULES, binned_median,
                           comparison_table, decile_errors, grid_search, make_sparse_regression,
                           train_side_by_side, train_sparse_sgd, weight_errors, zipf_probabilities)
from d2lite.figures.sparse import (RULE_COLOURS, plot_error_vs_frequency, plot_median_errors,
                           plot_rate_grid, plot_sparse_loss_curves)
from d2lite.style import nonfinite_lines


# ---------------------------------------------------------------------------------- data

def test_zipf_probabilities_follow_the_power_law():
    p = zipf_probabilities(100, 1.3)
    assert p.sum() == pytest.approx(1.0)
    # p_i / p_j = (j / i)^a, the defining ratio of a Zipf law
    assert p[0] / p[9] == pytest.approx(10 ** 1.3)
    assert p[4] / p[49] == pytest.approx(10 ** 1.3)
    assert np.allclose(zipf_probabilities(7, 0.0), 1 / 7)


@pytest.mark.parametrize("kwargs, error", [
    (dict(num_features=0, exponent=1.0), ValueError),
    (dict(num_features=2.5, exponent=1.0), TypeError),
    (dict(num_features=10, exponent=-1.0), ValueError),
    (dict(num_features=10, exponent=float("nan")), ValueError),
])
def test_zipf_probabilities_rejects_bad_input(kwargs, error):
    with pytest.raises(error, match="num_features|exponent"):
        zipf_probabilities(**kwargs)


def test_stream_rows_are_distinct_and_labels_match_the_true_weights():
    data = make_sparse_regression(num_features=30, num_examples=500, active_per_example=6,
                                  zipf_exponent=2.0, noise=0.0, num_test=50, seed=3)
    assert data.indices.shape == (500, 6) and data.test_indices.shape == (50, 6)
    for row in data.indices:
        assert len(set(row.tolist())) == 6
    expected = [sum(data.true_weights[i] for i in row) for row in data.indices]
    assert np.allclose(data.targets, expected)  # noise = 0: labels are x . w*
    assert np.allclose(data.test_targets,
                       [sum(data.true_weights[i] for i in row) for row in data.test_indices])
    assert data.counts().sum() == 500 * 6


def test_stream_noise_has_the_requested_size():
    data = make_sparse_regression(num_features=50, num_examples=20000, noise=0.5, seed=0)
    residual = data.targets - data.true_weights[data.indices].sum(axis=1)
    assert residual.std() == pytest.approx(0.5, rel=0.03)


def test_one_active_feature_gives_the_zipf_frequencies():
    # With one feature per example the distinct-rows rule never bites: frequencies estimate p.
    n = 40000
    data = make_sparse_regression(num_features=20, num_examples=n, active_per_example=1,
                                  zipf_exponent=1.0, seed=1)
    p = zipf_probabilities(20, 1.0)
    standard_error = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(data.frequencies() - p) < 5 * standard_error)


def test_stream_is_deterministic_for_a_seed():
    a = make_sparse_regression(num_features=40, num_examples=300, seed=7)
    b = make_sparse_regression(num_features=40, num_examples=300, seed=7)
    c = make_sparse_regression(num_features=40, num_examples=300, seed=8)
    assert np.array_equal(a.indices, b.indices) and np.array_equal(a.targets, b.targets)
    assert not np.array_equal(a.indices, c.indices)


def test_stream_rejects_too_many_active_features():
    with pytest.raises(ValueError, match="active_per_example"):
        make_sparse_regression(num_features=4, active_per_example=5)


# ---------------------------------------------------------------------------------- training

def _reference_sgd(data, rule_name, base_rate, offset, num_steps):
    """Online SGD written from the formulas, one coordinate at a time, in plain Python."""
    weights = [0.0] * data.num_features
    state = [0.0] * data.num_features
    for t in range(1, num_steps + 1):
        active = [int(i) for i in data.indices[t - 1]]
        x = {i: float(data.feature_scales[i]) for i in active}
        residual = sum(weights[i] * x[i] for i in active) - float(data.targets[t - 1])
        for i in active:
            g = residual * x[i]  # d/dw_i of (x.w - y)^2 / 2
            if rule_name == "global":
                rate = base_rate / math.sqrt(t + offset)
            elif rule_name == "count":
                state[i] += 1
                rate = base_rate / math.sqrt(state[i] + offset)
            else:
                state[i] += g * g
                rate = base_rate / math.sqrt(state[i] + offset)
            weights[i] -= rate * g
    return np.array(weights), np.array(state)


@pytest.mark.parametrize("scale_spread", [1.0, 50.0])
@pytest.mark.parametrize("rule_name, offset", [("global", 10.0), ("count", 3.0),
                                               ("adagrad", 1e-6)])
def test_trainer_matches_a_plain_python_loop(rule_name, offset, scale_spread):
    data = make_sparse_regression(num_features=25, num_examples=300, active_per_example=4,
                                  scale_spread=scale_spread, seed=2)
    rate = 0.3 if scale_spread == 1 else 0.01  # large feature values need a small rate
    run = train_sparse_sgd(data, RATE_RULES[rule_name], [rate], offsets=offset)
    assert not run.diverged[0]
    weights, state = _reference_sgd(data, rule_name, rate, offset, 300)
    assert np.allclose(run.weights[0], weights, atol=1e-12)
    if rule_name != "global":
        assert np.allclose(run.state[0], state, atol=1e-12)


def test_count_clock_state_is_the_feature_count():
    data = make_sparse_regression(num_features=30, num_examples=400, seed=4)
    run = train_sparse_sgd(data, COUNT_CLOCK, [0.1])
    assert np.array_equal(run.state[0], data.counts())


def test_adagrad_matches_torch():
    data = make_sparse_regression(num_features=20, num_examples=200, active_per_example=3,
                                  scale_spread=10.0, seed=5)
    run = train_sparse_sgd(data, ADAGRAD, [0.5], offsets=1e-30)
    w = torch.zeros(20, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adagrad([w], lr=0.5, eps=1e-12)
    for active, target in zip(data.indices, data.targets):
        x = torch.zeros(20, dtype=torch.float64)
        x[torch.as_tensor(active)] = torch.as_tensor(data.feature_scales[active])
        loss = 0.5 * (x @ w - float(target)) ** 2
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert np.allclose(run.weights[0], w.detach().numpy(), atol=1e-9)


def test_several_runs_in_one_call_equal_separate_calls():
    data = make_sparse_regression(num_features=40, num_examples=500, seed=6)
    together = train_sparse_sgd(data, GLOBAL_CLOCK, [0.05, 0.5, 2.0], offsets=[1.0, 10.0, 100.0])
    for row, (rate, offset) in enumerate([(0.05, 1.0), (0.5, 10.0), (2.0, 100.0)]):
        alone = train_sparse_sgd(data, GLOBAL_CLOCK, [rate], offsets=offset)
        assert np.allclose(together.weights[row], alone.weights[0])
        assert np.allclose(together.test_loss[row], alone.test_loss[0])


def test_test_loss_is_the_excess_loss():
    data = make_sparse_regression(num_features=30, num_examples=200, seed=1)
    truth = sparse.rules._excess_test_loss(data.true_weights[None, :], data)
    zero = sparse.rules._excess_test_loss(np.zeros((1, 30)), data)
    assert truth[0] == pytest.approx(0.0, abs=1e-24)
    assert zero[0] == pytest.approx(0.5 * np.mean(data.test_targets ** 2))


def test_learning_reduces_the_test_loss_and_the_steps_are_log_spaced():
    data = make_sparse_regression(num_features=100, num_examples=2000, seed=0)
    run = train_sparse_sgd(data, ADAGRAD, [0.5], num_records=20)
    assert run.steps[0] == 1 and run.steps[-1] == 2000 and np.all(np.diff(run.steps) > 0)
    assert run.test_loss[0, -1] < 0.2 * run.test_loss[0, 0]


def test_a_huge_rate_is_flagged_as_diverged_without_warnings():
    data = make_sparse_regression(num_features=50, num_examples=400, seed=0)
    run = train_sparse_sgd(data, GLOBAL_CLOCK, [0.1, 1e4], offsets=1.0)
    assert run.diverged.tolist() == [False, True]
    assert np.all(np.isnan(run.weights[1])) and np.isinf(run.final_test_loss()[1])
    assert run.best() == 0


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(rule="adagrad", lrs=[0.1]), TypeError, "rule"),
    (dict(rule=ADAGRAD, lrs=[0.0]), ValueError, "lrs"),
    (dict(rule=ADAGRAD, lrs=[float("inf")]), ValueError, "lrs"),
    (dict(rule=ADAGRAD, lrs=[0.1], offsets=-1.0), ValueError, "offsets"),
    (dict(rule=ADAGRAD, lrs=[0.1], num_steps=10 ** 6), ValueError, "num_steps"),
])
def test_trainer_rejects_bad_input(kwargs, error, name):
    data = make_sparse_regression(num_features=20, num_examples=50, seed=0)
    with pytest.raises(error, match=name):
        train_sparse_sgd(data, **kwargs)


def test_feature_scales_are_log_uniform_within_the_spread():
    data = make_sparse_regression(num_features=4000, num_examples=10, scale_spread=100.0, seed=0)
    logs = np.log10(data.feature_scales)
    assert logs.min() >= -1 and logs.max() <= 1
    # log-uniform on [-1, 1]: mean 0, variance 4/12
    assert abs(logs.mean()) < 0.05 and logs.var() == pytest.approx(4 / 12, rel=0.1)
    assert np.all(make_sparse_regression(num_features=30, num_examples=10).feature_scales == 1)


def test_grid_search_covers_every_pair_and_picks_the_lowest_loss():
    data = make_sparse_regression(num_features=40, num_examples=400, seed=0)
    run = grid_search(data, COUNT_CLOCK, [0.1, 0.5, 1e4], [1.0, 10.0])
    assert sorted(zip(run.lrs.tolist(), run.offsets.tolist())) == sorted(
        (r, c) for r in [0.1, 0.5, 1e4] for c in [1.0, 10.0])
    final = run.final_test_loss()
    assert final[run.best()] == np.min(final[np.isfinite(final)])
    assert run.best_lr() == run.lrs[run.best()]
    one = train_sparse_sgd(data, COUNT_CLOCK, [run.best_lr()], run.best_offset())
    assert np.allclose(one.weights[0], run.weights[run.best()])


def test_comparison_table_reports_each_best_run():
    data = make_sparse_regression(num_features=60, num_examples=600, seed=0)
    runs = {"count": grid_search(data, COUNT_CLOCK, [0.1, 0.5], [1.0]),
            "adagrad": grid_search(data, ADAGRAD, [0.1, 0.5])}
    lines = comparison_table(data, runs).splitlines()
    assert len(lines) == 4 and lines[0].split()[0] == "rule"
    for line, run in zip(lines[1:3], runs.values()):
        best = run.best()
        low, high = decile_errors(weight_errors(run.weights[best], data), data.counts())
        cells = line.split()
        assert float(cells[-3]) == pytest.approx(run.final_test_loss()[best], abs=5e-4)
        assert float(cells[-2]) == pytest.approx(low, abs=5e-4)
        assert float(cells[-1]) == pytest.approx(high, abs=5e-4)
    zero_cells = lines[3].split()
    assert float(zero_cells[-3]) == pytest.approx(0.5 * np.mean(data.test_targets ** 2), abs=5e-4)


# ---------------------------------------------------------------------------------- measuring

def test_decile_errors_against_a_closed_form():
    rng = np.random.default_rng(0)
    counts = np.concatenate([rng.permutation(np.arange(1, 101)), np.zeros(7, dtype=int)])
    errors = counts.astype(float)          # error equal to the count: deciles are known
    errors[counts == 0] = 1e9              # never-seen features must be left out
    rarest, most_frequent = decile_errors(errors, counts)
    assert rarest == pytest.approx(np.mean(np.arange(1, 11)))
    assert most_frequent == pytest.approx(np.mean(np.arange(91, 101)))


def test_decile_errors_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        decile_errors(np.ones(20), np.ones(19))


def test_weight_errors_are_absolute_differences():
    data = make_sparse_regression(num_features=10, num_examples=20, seed=0)
    weights = np.arange(10.0)
    assert np.allclose(weight_errors(weights, data), [abs(w - t) for w, t in
                                                       zip(weights, data.true_weights)])


def test_binned_median_matches_numpy_median_per_bin():
    frequencies = np.array([0.0, 0.001, 0.0012, 0.0015, 0.1, 0.11, 0.12, 0.13])
    errors = np.array([9.0, 1.0, 2.0, 6.0, 0.1, 0.2, 0.4, 0.3])
    centres, medians = binned_median(frequencies, errors, num_bins=2)
    assert len(centres) == 2
    assert medians[0] == pytest.approx(np.median([1.0, 2.0, 6.0]))
    assert medians[1] == pytest.approx(np.median([0.1, 0.2, 0.4, 0.3]))


# ---------------------------------------------------------------------------------- plots

def test_plot_helpers_draw_on_the_given_axes():
    data = make_sparse_regression(num_features=60, num_examples=600, seed=0)
    run = train_sparse_sgd(data, ADAGRAD, [0.1, 0.5, 50.0])
    fig, axes = new_figure(1, 4)
    assert plot_sparse_loss_curves([(run, 0), (run, 1)], ax=axes[0]) is axes[0]
    assert len(axes[0].get_lines()) == 2
    assert plot_error_vs_frequency(data.frequencies(), weight_errors(run.weights[1], data),
                                   ax=axes[1]) is axes[1]
    assert plot_rate_grid(run, ax=axes[2]) is axes[2]
    assert plot_median_errors(data, [(run, 1), (run, 2)], ax=axes[3]) is axes[3]
    assert nonfinite_lines(fig) == []


def test_rate_grid_names_its_offsets_in_a_legend_and_marks_losses_above_the_chart():
    data = make_sparse_regression(num_features=60, num_examples=600, seed=0)
    lrs = [0.01, 0.1, 1.0]
    run = train_sparse_sgd(data, GLOBAL_CLOCK, lrs * 3, offsets=[1.0] * 3 + [10.0] * 3 + [100.0] * 3)
    final = run.final_test_loss()
    finite = final[np.isfinite(final)]
    top = float(np.median(finite))  # some losses lie above this top edge, some below
    fig, ax = new_figure()
    plot_rate_grid(run, ax=ax, ylim=(finite.min() / 2, top))
    assert ax.get_legend() is not None and len(fig.axes) == 1, "a legend below the axes, no colour bar"
    colours = {line.get_color() for line in ax.get_lines() if line.get_marker() == "o"
               and line.get_label().startswith("c = ")}
    assert len(colours) == 3, "one colour per offset"
    triangles = [line for line in ax.get_lines() if line.get_marker() == "^"]
    above = sum(len(line.get_xdata()) for line in triangles)
    assert above == int((finite > top).sum()) > 0
    assert all(np.all(line.get_ydata() == top) for line in triangles if len(line.get_xdata()))
    assert "above the chart" in " ".join(t.get_text() for t in ax.texts)
    with pytest.raises(ValueError, match="ylim"):
        plot_rate_grid(run, ylim=(1.0, 0.5))
    assert RULE_COLOURS["adagrad"] == d2lite.style.colour_of("Adagrad")


def test_plain_log_axes_label_ticks_as_plain_numbers():
    fig, ax = new_figure()
    ax.plot([1e-3, 1e2], [0.15, 0.6])
    plain_log_axes(ax)
    figure_to_png(fig)
    ticks = [*ax.get_xticklabels(), *ax.get_yticklabels(), *ax.get_yticklabels(minor=True)]
    labels = [t.get_text() for t in ticks if t.get_text()]
    assert "0.01" in labels and "100" in labels
    assert "0.2" in labels                          # a short axis also labels 2 and 5
    assert not any("$" in label for label in labels)


def test_a_diverged_run_is_named_on_the_figure():
    data = make_sparse_regression(num_features=50, num_examples=300, seed=0)
    run = train_sparse_sgd(data, COUNT_CLOCK, [1e4])
    fig, (left, right) = new_figure(1, 2)
    plot_sparse_loss_curves([(run, 0)], ax=left)
    plot_median_errors(data, [(run, 0)], ax=right)
    for ax in (left, right):
        assert any("diverged" in text.get_text() for text in ax.texts)
    assert nonfinite_lines(fig) == []


# ---------------------------------------------------------------------------------- explorer

@pytest.fixture(scope="module")
def explorer():
    return sparse_explorer()


def test_explorer_sliders_are_bounded(explorer):
    ends = {s.name: (round(s.positions[0], 6), round(s.positions[-1], 6)) for s in explorer.sliders}
    assert ends == {"zipf_exponent": (0.0, 2.0), "lr": (0.01, 10.0)}


def test_explorer_grid_flags_divergence_at_the_top_rate_only_for_the_clocks(explorer):
    data = explorer.data
    diverged = np.array(data["diverged"]).reshape(len(data["exponents"]), 3, len(data["rates"]))
    assert data["rules"] == ["global clock", "count clock", "Adagrad"]
    assert diverged[:, :2, -1].all()          # eta0 = 10: both clocks blow up, at every exponent
    assert not diverged[:, 2].any()           # Adagrad never does
    assert not diverged[:, :, 0].any()        # eta0 = 0.01: nothing does


@pytest.mark.parametrize("lr", [0.01, 10.0])
def test_explorer_still_figure_draws_at_both_rate_ends(lr):
    data = make_sparse_regression(300, 1500, zipf_exponent=1.1, num_test=300, seed=0)
    fig = sparse_comparison_figure(data, train_side_by_side(
        data, RATE_RULES, [lr], {"global": 10.0, "count": 10.0}, num_records=15))
    assert nonfinite_lines(fig) == []          # nothing non-finite is handed to a line
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("diverged" in text for text in texts) == (lr == 10.0)  # said when, and only when
    assert len(figure_to_png(fig)) > 1000      # rendering (tick labels, layout) works too


def test_equal_frequencies_give_the_count_clock_the_global_pace():
    # Exponent 0 (the control): every count grows like t k / d, so each feature's count clock
    # at the end sits close to the global clock rescaled by k / d.
    data = make_sparse_regression(num_features=100, num_examples=5000, active_per_example=5,
                                  zipf_exponent=0.0, seed=0)
    run = train_sparse_sgd(data, COUNT_CLOCK, [0.1])
    expected = 5000 * 5 / 100
    assert np.all(np.abs(run.state[0] - expected) < 5 * np.sqrt(expected))


def test_draw_rejects_bad_input():
    data = make_sparse_regression(num_features=30, num_examples=100, seed=0)
    runs = train_side_by_side(data, RATE_RULES, [0.1, 0.2])
    assert isinstance(sparse_comparison_figure(data, runs, row=1), Figure)
    with pytest.raises(TypeError, match="runs"):
        sparse_comparison_figure(data, {"count": 0.5})
    with pytest.raises(TypeError, match="data"):
        sparse_comparison_figure(1.1, runs)
    with pytest.raises(ValueError, match="row"):
        sparse_comparison_figure(data, runs, row=-1)


def test_explorer_ships_the_runs_of_a_direct_training_at_each_grid_point(explorer):
    # what the page draws for (a = 0.5, eta0 = 1) is the run trained directly there, to the
    # 16-bit precision of the shipped codes (d2lite.explorers.page.encode_log)
    data = explorer.data
    e, r = data["exponents"].index(0.5), min(range(len(data["rates"])),
                                             key=lambda k: abs(data["rates"][k] - 1.0))
    losses = decode_log(np.frombuffer(base64.b64decode(data["test_loss"]), dtype="<u2"))
    losses = losses.reshape(len(data["exponents"]), 3, len(data["rates"]), data["records"])
    stream = make_sparse_regression(300, 1500, zipf_exponent=0.5, num_test=300, seed=0)
    direct = train_side_by_side(stream, RATE_RULES, [data["rates"][r]],
                                {"global": 10.0, "count": 10.0}, num_records=15)
    for k, run in enumerate(direct.values()):
        np.testing.assert_allclose(losses[e, k, r], run.test_loss[0], rtol=7e-4)


def test_every_public_name_reaches_d2lite_sparse_unshadowed():
    for module in (sparse.data, sparse.rules, sparse.results):
        for name in module.__all__:
            assert getattr(sparse, name) is getattr(module, name), f"d2lite.problems.sparse.{name} is another object"


@pytest.mark.parametrize("scale_spread", [1.0, 20.0])
def test_side_by_side_equals_one_call_per_rule(scale_spread):
    data = make_sparse_regression(num_features=60, num_examples=800, scale_spread=scale_spread,
                                  seed=3)
    rates = [0.01, 0.05, 0.2]
    together = train_side_by_side(data, RATE_RULES, rates, offsets={"global": 5.0, "count": 2.0},
                                  num_records=10)
    assert list(together) == list(RATE_RULES)
    for name, rule in RATE_RULES.items():
        offset = {"global": 5.0, "count": 2.0}.get(name, rule.default_offset)
        alone = train_sparse_sgd(data, rule, rates, offsets=offset, num_records=10)
        assert together[name].lrs.tolist() == rates
        assert np.all(together[name].offsets == offset)
        assert together[name].rule is rule
        # equal up to rounding: a matrix product over 3 columns may round differently from 1
        assert np.allclose(together[name].weights, alone.weights, rtol=1e-10, atol=1e-12)
        assert np.allclose(together[name].state, alone.state, rtol=1e-10, atol=1e-12)
        assert np.allclose(together[name].test_loss, alone.test_loss, rtol=1e-10, atol=1e-12)


def test_side_by_side_flags_divergence_per_rule():
    data = make_sparse_regression(num_features=50, num_examples=400, seed=0)
    runs = train_side_by_side(data, RATE_RULES, 30.0, offsets={"global": 1.0, "count": 1.0})
    assert [bool(run.diverged[0]) for run in runs.values()] == [True, True, False]


def test_side_by_side_rejects_bad_input():
    data = make_sparse_regression(num_features=20, num_examples=50, seed=0)
    with pytest.raises(TypeError, match="rules"):
        train_side_by_side(data, {"x": "adagrad"}, 0.1)
    with pytest.raises(ValueError, match="lr"):
        train_side_by_side(data, RATE_RULES, -1.0)
    with pytest.raises(ValueError, match="offsets"):
        train_side_by_side(data, RATE_RULES, 0.1, offsets={"count": -1.0})


def test_rate_grid_tells_seven_offsets_apart_by_colour_dash_and_marker():
    data = make_sparse_regression(num_features=50, num_examples=200, num_test=50, seed=0)
    offsets = [0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]
    run = train_sparse_sgd(data, GLOBAL_CLOCK, [0.1] * len(offsets), offsets=offsets)
    fig, ax = new_figure()
    plot_rate_grid(run, ax=ax)
    looks = {(line.get_color(), line.get_linestyle(), line.get_marker()) for line in ax.get_lines()
             if line.get_label().startswith("c = ")}
    assert len(looks) == len(offsets), "each offset its own colour, dash and marker"
    with pytest.raises(ValueError, match="at most 12 offsets"):
        plot_rate_grid(train_sparse_sgd(data, GLOBAL_CLOCK, [0.1] * 13, offsets=list(range(1, 14))))
