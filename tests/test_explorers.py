"""Tests of the effective rates (notebook 03), the from-scratch training helpers (04) and the
figures their explorers show.

Oracles: the chapter's printed reference run, a NumPy recomputation of the Adagrad recursion
from the recorded path, closed-form power laws, numpy/torch least squares, and the slider
ranges each explorer documents.  (The explorers' HTML and grids: tests/test_page.py; their
JavaScript against this Python: tests/e2e/test_parity.py.)
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from matplotlib.figure import Figure

import d2lite
from d2lite.style import nonfinite_lines


# ---------------------------------------------------------------- a 2-D Adagrad run's rates

def _history(lr, eps=1e-6, steps=20, start=(-5.0, -2.0), f_grad=d2lite.f_2d_grad):
    """The book's Adagrad (eps inside the root) run by d2lite.run, as the rate plot takes it."""
    return d2lite.run(d2lite.Adagrad.preset("book", lr=lr, eps=eps), lambda x: f_grad(*x), start, steps)

def test_history_ends_at_the_chapter_reference_point():
    # The book's reference run prints "epoch 20, x1: -2.382563, x2: -0.158591".
    history = _history(0.4)
    assert len(history.rates) == 20 and history.points.shape == (21, 2)
    np.testing.assert_allclose(history.points[-1], [-2.382563, -0.158591], atol=5e-7)


@pytest.mark.parametrize("eta, eps, start", [(0.4, 1e-6, (-5.0, -2.0)), (2.0, 1e-6, (-5.0, -2.0)),
                                             (0.05, 0.3, (3.0, 7.5)), (9.0, 1e-8, (-10.0, 10.0))])
def test_recorded_states_and_rates_follow_the_recursion(eta, eps, start):
    # Recompute s_t = s_{t-1} + g_t^2 and x_t = x_{t-1} - eta g_t / sqrt(s_t + eps) in NumPy from
    # the recorded path: the states and the rates must agree with it, step by step.
    history = _history(eta, eps, steps=30, start=start)
    points = history.points
    grads = np.column_stack([0.2 * points[:-1, 0], 4.0 * points[:-1, 1]])
    states = np.cumsum(grads ** 2, axis=0)
    rates = eta / np.sqrt(states + eps)
    np.testing.assert_allclose([s.sum_of_squares for s in history.states[1:]], states, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(history.rates, rates, rtol=1e-12)
    np.testing.assert_allclose(points[1:], points[:-1] - rates * grads, rtol=1e-12, atol=1e-12)


def test_history_is_the_same_run_as_train_2d_with_a_custom_gradient():
    def grad(x1, x2):  # a different objective: 0.5 (x1^2 + x2^2)
        return x1, x2
    history = _history(0.3, steps=15, start=(1.0, -4.0), f_grad=grad)
    expected = d2lite.train_2d(d2lite.adagrad_2d_rule(0.3), 15, f_grad=grad, start=(1.0, -4.0),
                               verbose=False)
    np.testing.assert_array_equal(history.points, np.asarray(expected))


def test_first_rate_is_eta_over_the_first_gradient_size():
    # s_1 = g_1^2, so the first rate is eta / sqrt(g_1^2 + eps): the first step has length ~eta.
    history = _history(0.4, eps=1e-6)
    g1 = np.array([0.2 * 5.0, 4.0 * 2.0])
    np.testing.assert_allclose(history.rates[0], 0.4 / np.sqrt(g1 ** 2 + 1e-6))
    np.testing.assert_allclose(np.abs(history.points[1] - history.points[0]), 0.4, rtol=1e-6)


@settings(max_examples=40, deadline=None)
@given(eta=st.floats(0.01, 10.0), x1=st.floats(-10, 10), x2=st.floats(-10, 10),
       log_eps=st.floats(-8, 0))
def test_no_step_is_longer_than_eta(eta, x1, x2, log_eps):
    # |g| / sqrt(s + eps) <= |g| / sqrt(g^2) = 1 because s already holds g^2.
    history = _history(eta, 10.0 ** log_eps, steps=25, start=(x1, x2))
    steps = np.abs(np.diff(history.points, axis=0))
    assert np.isfinite(history.points).all()
    assert steps.max() <= eta * (1 + 1e-9)


def test_the_rate_never_grows():
    history = _history(1.0, steps=50)
    assert np.all(np.diff(history.rates, axis=0) <= 0)


# ---------------------------------------------------------------- loglog_slope

@pytest.mark.parametrize("power", [-1.0, -0.5, -0.25, 0.0, 0.7])
def test_loglog_slope_recovers_a_power_law(power):
    t = np.arange(1, 301)
    assert d2lite.problems.rates.loglog_slope(2.5 * t ** power) == pytest.approx(power, abs=1e-9)


def test_loglog_slope_fits_only_from_first_step():
    t = np.arange(1, 101, dtype=float)
    values = np.where(t < 10, 50.0, 3.0 * t ** -0.5)  # a plateau, then a power law
    assert d2lite.problems.rates.loglog_slope(values, first_step=10) == pytest.approx(-0.5, abs=1e-9)
    assert d2lite.problems.rates.loglog_slope(values) != pytest.approx(-0.5, abs=0.05)


def test_loglog_slope_of_steady_noisy_gradients_is_minus_one_half():
    # With gradients of a steady size the accumulator grows linearly and the rate decays as
    # t^(-1/2): independent draws, no Adagrad code involved.
    rng = np.random.default_rng(0)
    s = np.cumsum(rng.normal(size=20000) ** 2)
    assert d2lite.problems.rates.loglog_slope(1.0 / np.sqrt(s), first_step=100) == pytest.approx(-0.5, abs=0.02)


def test_loglog_slope_needs_two_usable_values():
    with pytest.raises(ValueError, match="values"):
        d2lite.problems.rates.loglog_slope([1.0])
    with pytest.raises(ValueError, match="values"):
        d2lite.problems.rates.loglog_slope([1.0, np.nan, 0.0])


# ---------------------------------------------------------------- plot_effective_rates

def test_effective_rate_plot_is_log_log_with_slope_reference():
    history = _history(0.4)
    ax = d2lite.figures.plots.plot_effective_rates(history)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    x, y = ax.get_lines()[0].get_data()
    np.testing.assert_allclose(y, history.rates[:, 0])
    reference = ax.get_lines()[1].get_data()  # the dashed t^(-1/2) line of x1
    assert d2lite.problems.rates.loglog_slope(reference[1]) == pytest.approx(-0.5, abs=1e-9)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"{d2lite.problems.rates.loglog_slope(history.rates[:, 0]):+.2f}" in labels[0]


def test_effective_rate_plot_rejects_other_objects():
    with pytest.raises(TypeError, match="made"):
        d2lite.figures.plots.plot_effective_rates([(0.1, 0.2)])


# ---------------------------------------------------------------- the algorithm explorer

def _ends(explorer) -> dict:
    return {slider.name: (slider.positions[0], slider.positions[-1]) for slider in explorer.sliders}


def _extreme_settings(explorer) -> list[dict]:
    """Each slider at each end of its range, the others at their defaults."""
    defaults = {slider.name: slider.value for slider in explorer.sliders}
    return [{**defaults, name: end} for name, ends in _ends(explorer).items() for end in ends]


def test_algorithm_explorer_sliders_start_at_the_figures_defaults_inside_their_ranges():
    explorer = d2lite.explorers.algorithm_explorer(lr=0.3, eps=1e-4, steps=30, start=(2.0, 1.0))
    given = {"lr": 0.3, "eps": 1e-4, "steps": 30, "x1": 2.0, "x2": 1.0}
    assert {s.name: s.value for s in explorer.sliders} == pytest.approx(given)
    for slider in explorer.sliders:
        low, high = slider.positions[0], slider.positions[-1]
        assert low < slider.value < high, slider.name
        assert np.all(np.diff(slider.positions) > 0), slider.name
    # the figure function takes every slider by name: the page and the still draw the same thing
    fig = d2lite.explorers.figures.algorithm_figure(**{s.name: s.value for s in explorer.sliders})
    assert len(fig.axes[0].get_lines()[0].get_data()[0]) == 31


def test_algorithm_figure_draws_at_both_ends_of_every_slider():
    settings_ = _extreme_settings(d2lite.explorers.algorithm_explorer())
    assert len(settings_) == 10
    for setting in settings_:
        fig = d2lite.explorers.figures.algorithm_figure(**setting)
        assert isinstance(fig, Figure) and len(fig.axes) == 2
        assert not nonfinite_lines(fig), setting
        path = fig.axes[0].get_lines()[0].get_data()
        assert len(path[0]) == setting["steps"] + 1
        rates = fig.axes[1].get_lines()[0].get_data()[1]
        np.testing.assert_allclose(rates[0], setting["lr"] / math.sqrt(
            (0.2 * setting["x1"]) ** 2 + setting["eps"]), rtol=1e-9)


def test_algorithm_explorer_title_reports_the_end_point():
    fig = d2lite.explorers.figures.algorithm_figure(0.4, 1e-6, 20, -5.0, -2.0)
    assert "(-2.38, -0.159)" in fig.axes[0].get_title()


# ---------------------------------------------------------------- notebook 04 helpers

def test_least_squares_floor_matches_torch_lstsq():
    data_iter, _ = d2lite.synthetic_linreg(num_examples=400, noise=0.5, seed=3)
    X, y = data_iter.dataset.tensors
    design = torch.cat([X, torch.ones(len(X), 1)], dim=1).double()
    solution = torch.linalg.lstsq(design, y.double()).solution
    expected = float(((design @ solution - y.double()) ** 2).mean() / 2)
    assert d2lite.book.training.least_squares_floor(X, y) == pytest.approx(expected, rel=1e-9)


def test_least_squares_floor_is_close_to_half_the_noise_variance():
    # E[floor] = noise^2 / 2 * (n - d - 1) / n for Gaussian noise; with n = 20000 it is within 3%.
    data_iter, _ = d2lite.synthetic_linreg(num_examples=20000, noise=0.7, seed=1)
    X, y = data_iter.dataset.tensors
    assert d2lite.book.training.least_squares_floor(X, y) == pytest.approx(0.7 ** 2 / 2, rel=0.03)


def test_least_squares_floor_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="X"):
        d2lite.book.training.least_squares_floor(np.ones((5, 2)), np.ones(4))


def test_train_scratch_prints_only_when_asked_and_the_same_either_way(capsys):
    data_iter, d = d2lite.synthetic_linreg(num_examples=300, noise=0.7)
    X, y = data_iter.dataset.tensors
    quiet = d2lite.train_scratch(d2lite.adagrad, d2lite.init_adagrad_states(d), {"lr": 0.1},
                                 d2lite.make_loader(X, y, 10, 0), d)
    assert capsys.readouterr().out == ""
    loud = d2lite.train_scratch(d2lite.adagrad, d2lite.init_adagrad_states(d), {"lr": 0.1},
                                d2lite.make_loader(X, y, 10, 0), d, verbose=True)
    printed = capsys.readouterr().out.strip()
    assert printed.count("loss:") == 1  # one line, the summary
    assert quiet.losses == loud.losses
    assert printed == f"loss: {loud.losses[-1]:.3f}"  # no wall-clock figure in a stored output
    assert loud.summary().startswith(printed + ", ") and loud.summary().endswith("sec/epoch")


def test_loss_curves_sit_at_the_evaluation_epochs_and_flag_divergence():
    ax = d2lite.figures.plots.plot_loss_curves({"a": [0.5, 0.4, 0.3], "b": [1.0, math.inf, math.nan]},
                                 num_examples=600, floor=0.25, initial_loss=2.0)
    a, b, floor = ax.get_lines()
    np.testing.assert_allclose(a.get_xdata(), [0.0, 200 / 600, 400 / 600, 1.0])
    np.testing.assert_allclose(a.get_ydata(), [2.0, 0.5, 0.4, 0.3])
    np.testing.assert_allclose(b.get_ydata(), [2.0, 1.0])  # drawn up to the last finite loss
    assert floor.get_ydata()[0] == 0.25
    assert any("inf or NaN" in t.get_text() for t in ax.texts)
    assert not nonfinite_lines(ax.figure)


def test_loss_curves_without_trouble_carry_no_warning():
    ax = d2lite.figures.plots.plot_loss_curves({"a": [0.5, 0.4]}, num_examples=400)
    assert not ax.texts


# ---------------------------------------------------------------- the learning-rate explorer

@pytest.mark.parametrize("lr", [0.001, 10.0])
def test_scratch_lr_figure_draws_at_both_ends_and_labels_divergence(lr, capsys):
    fig = d2lite.explorers.figures.scratch_lr_figure(lr)
    assert capsys.readouterr().out == ""  # training prints nothing
    assert not nonfinite_lines(fig)
    adagrad, sgd = fig.axes[0].get_lines()[:2]
    if lr == 0.001:  # both runs stay finite and improve on the start, no warning
        for line in (adagrad, sgd):
            assert len(line.get_ydata()) == 6 and line.get_ydata()[-1] < line.get_ydata()[0]
        assert not fig.axes[0].texts
    else:  # SGD's loss blows up (10 is far past 2 / the largest curvature), and it says so
        assert "minibatch SGD diverged" in fig.axes[0].get_title()
        assert any("minibatch SGD" in t.get_text() and "inf or NaN" in t.get_text()
                   for t in fig.axes[0].texts)
        assert np.isfinite(adagrad.get_ydata()).all() and len(adagrad.get_ydata()) == 6


def test_scratch_lr_figure_is_deterministic():
    png = d2lite.style.figure_to_png
    assert png(d2lite.explorers.figures.scratch_lr_figure(0.1)) == png(d2lite.explorers.figures.scratch_lr_figure(0.1))


def test_lr_explorer_data_is_the_start_of_the_notebook_data_set():
    data_iter, _ = d2lite.synthetic_linreg(noise=0.7)
    X, y = data_iter.dataset.tensors
    X_small, y_small = d2lite.explorers.figures.lr_explorer_data()
    assert X_small.shape == (500, 5) and y_small.shape == (500, 1)
    assert torch.equal(X_small, X[:500]) and torch.equal(y_small, y[:500])
    with pytest.raises(ValueError, match="num_examples"):
        d2lite.explorers.figures.lr_explorer_data(num_examples=2000)


def test_initial_loss_is_the_first_loss_of_a_zero_rate_run():
    # With lr -> 0 nothing moves, so every evaluated loss equals the loss before training.
    X, y = d2lite.explorers.figures.lr_explorer_data(300)
    losses = d2lite.train_scratch(d2lite.sgd, None, {"lr": 0.0}, d2lite.make_loader(X, y, 10), 5,
                                  num_epochs=1).losses
    assert d2lite.book.training.initial_linreg_loss(X, y) == pytest.approx(losses[0], rel=1e-5)


def test_lr_explorer_losses_match_a_direct_training_run():
    data_iter, d = d2lite.synthetic_linreg(noise=0.7)
    X, y = data_iter.dataset.tensors
    X, y = X[:500], y[:500]
    losses = d2lite.train_scratch(d2lite.sgd, None, {"lr": 0.05}, d2lite.make_loader(X, y, 10, 0),
                                  d).losses
    fig = d2lite.explorers.figures.scratch_lr_figure(0.05)
    np.testing.assert_allclose(fig.axes[0].get_lines()[1].get_ydata()[1:], losses)


def test_scratch_lr_figure_rejects_a_bad_rate():
    with pytest.raises(ValueError, match="lr"):
        d2lite.explorers.figures.scratch_lr_figure(0.0)


def test_long_runs_are_drawn_thinned_but_fitted_on_every_step():
    history = _history(0.4, steps=5000)
    ax = d2lite.figures.plots.plot_effective_rates(history, fit_from=100)
    t, rates = ax.get_lines()[0].get_data()
    assert 200 < len(t) <= 400 and t[0] == 1 and t[-1] == 5000
    np.testing.assert_allclose(rates, history.rates[np.asarray(t) - 1, 0])
    slope = round(d2lite.problems.rates.loglog_slope(history.rates[:, 0], first_step=100), 2) + 0.0
    assert f"slope {slope:+.2f}" in ax.get_legend().get_texts()[0].get_text()
