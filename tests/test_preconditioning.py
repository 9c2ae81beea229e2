"""Tests for d2lite.problems.preconditioning, against numpy.linalg and closed forms."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

import d2lite
from d2lite.explorers import preconditioning_explorer
from d2lite.explorers.figures import preconditioning_figure
from d2lite.problems.preconditioning import (condition_number, diagonal_preconditioner,
                                    eigendecomposition, gd_steps_to_tolerance, random_orthogonal,
                                    random_spd)
from d2lite.style import figure_to_png
from d2lite.book.trace2d import adagrad_2d_rule, train_2d
from d2lite.optimizers.variants import book_adagrad
from d2lite.style import nonfinite_lines

seeds = st.integers(min_value=0, max_value=2**32 - 1)
dims = st.integers(min_value=1, max_value=6)
kinds = st.sampled_from(["axis_aligned", "rotated", "scaled"])


def test_public_names_are_reached_through_their_module():
    # chapter helpers stay off the small top level: d2lite.problems.preconditioning.<name>
    for name in d2lite.problems.preconditioning.__all__:
        assert hasattr(d2lite.problems.preconditioning, name) and name not in d2lite.__all__


# ------------------------------------------------------------------ eigendecomposition
@settings(max_examples=20, deadline=None)
@given(seed=seeds, d=dims, kind=kinds)
def test_eigendecomposition_rebuilds_Q_with_eigenvectors_in_rows(seed, d, kind):
    Q = random_spd(d, seed, kind=kind)
    eigenvalues, U = eigendecomposition(Q)
    np.testing.assert_allclose(U @ U.T, np.eye(d), atol=1e-12)
    np.testing.assert_allclose(U.T @ np.diag(eigenvalues) @ U, Q, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(eigenvalues, np.sort(np.linalg.eigvalsh(Q))[::-1], rtol=1e-12)
    for value, row in zip(eigenvalues, U):  # each row is an eigenvector: Q u = lambda u
        np.testing.assert_allclose(Q @ row, value * row, atol=1e-9 * eigenvalues[0])


def test_rotated_problem_gives_the_minimiser_and_minimum_of_a_direct_solve():
    rng = np.random.default_rng(3)
    Q = random_spd(4, rng)
    c, b = rng.standard_normal(4), 0.7
    eigenvalues, U = eigendecomposition(Q)
    c_bar = U @ c
    x_star = U.T @ (-c_bar / eigenvalues)
    f_min = -0.5 * c_bar @ (c_bar / eigenvalues) + b
    np.testing.assert_allclose(x_star, np.linalg.solve(Q, -c), rtol=1e-10)
    assert f_min == pytest.approx(0.5 * x_star @ Q @ x_star + c @ x_star + b, rel=1e-12)


# ------------------------------------------------------------------ condition number
@settings(max_examples=20, deadline=None)
@given(seed=seeds, d=dims, kind=kinds)
def test_condition_number_matches_numpy_cond(seed, d, kind):
    Q = random_spd(d, seed, kind=kind)
    assert condition_number(Q) == pytest.approx(np.linalg.cond(Q), rel=1e-8)
    assert condition_number(Q) >= 1.0


@settings(max_examples=20, deadline=None)
@given(seed=seeds, d=dims)
def test_condition_number_is_invariant_under_orthogonal_similarity(seed, d):
    rng = np.random.default_rng(seed)
    Q = random_spd(d, rng, kind="axis_aligned")
    V = random_orthogonal(d, rng)
    assert condition_number(V @ Q @ V.T) == pytest.approx(condition_number(Q), rel=1e-8)


def test_condition_number_of_the_chapter_quadratic_is_20_at_every_angle():
    for angle in (0, 30, 45, 90):
        Q = d2lite.problems.quadratic.quadratic_2d((0.2, 4.0), angle).Q
        assert condition_number(Q) == pytest.approx(20.0, rel=1e-12)


@pytest.mark.parametrize("Q, error, match", [
    ([[1.0, 2.0, 3.0]], ValueError, "square"),
    (np.zeros((0, 0)), ValueError, "square"),
    ([[1.0, 2.0], [0.0, 1.0]], ValueError, "symmetric"),
    ([[1.0, np.nan], [np.nan, 1.0]], ValueError, "finite"),
    ([[1.0, 0.0], [0.0, -1.0]], ValueError, "positive definite"),
    ([[1.0, 2.0], [2.0, 1.0]], ValueError, "positive definite"),
    ("not a matrix", TypeError, "square matrix"),
])
def test_condition_number_rejects_bad_matrices(Q, error, match):
    with pytest.raises(error, match=match):
        condition_number(Q)


# ------------------------------------------------------------------ diagonal preconditioning
@settings(max_examples=25, deadline=None)
@given(seed=seeds, d=dims, kind=kinds)
def test_preconditioned_matrix_has_unit_diagonal_and_is_D_half_Q_D_half(seed, d, kind):
    Q = random_spd(d, seed, kind=kind)
    Q_tilde = diagonal_preconditioner(Q)
    np.testing.assert_array_equal(np.diag(Q_tilde), np.ones(d))
    D_inv_half = np.diag(1 / np.sqrt(np.diag(Q)))
    np.testing.assert_allclose(Q_tilde, D_inv_half @ Q @ D_inv_half, rtol=1e-12, atol=1e-14)
    assert np.all(np.linalg.eigvalsh(Q_tilde) > 0)  # still positive definite


@settings(max_examples=20, deadline=None)
@given(diagonal=st.lists(st.floats(min_value=1e-6, max_value=1e6), min_size=1, max_size=8))
def test_preconditioning_is_exact_for_a_diagonal_matrix(diagonal):
    Q_tilde = diagonal_preconditioner(np.diag(diagonal))
    np.testing.assert_array_equal(Q_tilde, np.eye(len(diagonal)))
    assert condition_number(Q_tilde) == 1.0


@settings(max_examples=20, deadline=None)
@given(seed=seeds, d=dims)
def test_preconditioning_undoes_any_rescaling_of_the_coordinates(seed, d):
    rng = np.random.default_rng(seed)
    C = random_spd(d, rng, kind="rotated")
    S = np.diag(np.exp(rng.uniform(-5, 5, size=d)))
    np.testing.assert_allclose(diagonal_preconditioner(S @ C @ S), diagonal_preconditioner(C),
                               rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kappa", [1.0, 3.0, 20.0, 1000.0])
def test_in_2d_at_45_degrees_preconditioning_changes_nothing(kappa):
    # Q11 = Q22 there, so rescaling multiplies Q by a constant: kappa stays (lambda1 / lambda2)
    Q = d2lite.problems.quadratic.quadratic_2d((1.0, kappa), 45).Q
    assert condition_number(diagonal_preconditioner(Q)) == pytest.approx(kappa, rel=1e-9)


@settings(max_examples=20, deadline=None)
@given(seed=seeds)
def test_in_2d_preconditioning_never_makes_kappa_worse(seed):
    Q = random_spd(2, seed, max_condition=1e4)
    assert condition_number(diagonal_preconditioner(Q)) <= condition_number(Q) * (1 + 1e-9)


@pytest.mark.parametrize("Q, error, match", [
    ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], ValueError, "square"),
    ([[1.0, 0.5], [0.0, 1.0]], ValueError, "symmetric"),
    ([[0.0, 0.0], [0.0, 1.0]], ValueError, "positive diagonal"),
    ([[-1.0, 0.0], [0.0, 1.0]], ValueError, "positive diagonal"),
    ([[np.inf, 0.0], [0.0, 1.0]], ValueError, "finite"),
    ([[1.0, None], [None, 1.0]], TypeError, "square matrix"),
])
def test_diagonal_preconditioner_rejects_bad_matrices(Q, error, match):
    with pytest.raises(error, match=match):
        diagonal_preconditioner(Q)


# ------------------------------------------------------------------ random matrices
def test_random_orthogonal_is_orthogonal_and_seeded():
    V = random_orthogonal(5, 7)
    np.testing.assert_allclose(V.T @ V, np.eye(5), atol=1e-12)
    np.testing.assert_array_equal(V, random_orthogonal(5, np.random.default_rng(7)))


@pytest.mark.parametrize("kind", ["axis_aligned", "rotated", "scaled"])
def test_random_spd_is_spd_with_kappa_in_range(kind):
    rng = np.random.default_rng(0)
    for _ in range(20):
        Q = random_spd(5, rng, max_condition=50.0, kind=kind)
        np.testing.assert_array_equal(Q, Q.T)
        eigenvalues = np.linalg.eigvalsh(Q)
        assert eigenvalues[0] > 0
        if kind != "scaled":  # scaled: the scales' spread times C's (at most 10), so no bound
            assert eigenvalues[-1] / eigenvalues[0] <= 50.0 * (1 + 1e-9)
    if kind == "axis_aligned":
        np.testing.assert_array_equal(Q, np.diag(np.diag(Q)))


def test_random_spd_rejects_bad_arguments():
    with pytest.raises(ValueError, match="kind"):
        random_spd(3, 0, kind="diagonal")
    with pytest.raises(ValueError, match="max_condition"):
        random_spd(3, 0, max_condition=0.5)
    with pytest.raises(TypeError, match="rng"):
        random_spd(3, "seed")
    with pytest.raises(ValueError, match="d"):
        random_spd(0, 0)


# ------------------------------------------------------------------ gradient descent
@pytest.mark.parametrize("kappa", [1.0, 2.0, 10.0, 100.0, 1000.0])
def test_gd_steps_match_the_closed_form_along_the_flattest_direction(kappa):
    # start on the flattest eigenvector: the error shrinks by exactly (1 - 1/kappa) per step
    Q = d2lite.problems.quadratic.quadratic_2d((1.0, kappa), 30).Q
    _, U = eigendecomposition(Q)
    tol = 1e-6
    steps = gd_steps_to_tolerance(Q, start=U[-1], tol=tol)
    expected = 1 if kappa == 1 else math.ceil(math.log(tol) / math.log(1 - 1 / kappa))
    assert abs(steps - expected) <= 1  # rounding at the threshold may shift it by one step


def test_gd_steps_do_not_depend_on_the_rotation():
    counts = {gd_steps_to_tolerance(d2lite.problems.quadratic.quadratic_2d((0.2, 4.0), angle).Q,
                                    start=d2lite.problems.quadratic.rotation_matrix(angle) @ np.array([1.0, 1.0]))
              for angle in (0, 20, 45, 70)}
    assert len(counts) == 1


def test_gd_steps_report_none_for_divergence_and_for_too_few_steps():
    Q = np.diag([1.0, 4.0])
    assert gd_steps_to_tolerance(Q, lr=0.6) is None  # 0.6 > 2 / 4
    assert gd_steps_to_tolerance(Q, max_steps=3) is None
    assert gd_steps_to_tolerance(Q, start=[0.0, 0.0]) == 0
    with pytest.raises(ValueError, match="start"):
        gd_steps_to_tolerance(Q, start=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="positive definite"):
        gd_steps_to_tolerance(np.diag([4.0, -1.0]))


# ------------------------------------------------------------------ Adagrad on a quadratic
def _accumulators(run: d2lite.optimizers.run.Run) -> np.ndarray:
    return np.array([state.sum_of_squares for state in run.states])


def test_adagrad_on_a_quadratic_matches_the_2d_trainer_and_its_state():
    Q = np.diag([0.2, 4.0])  # the chapter's 0.1 x1^2 + 2 x2^2
    run = d2lite.run(book_adagrad(0.4), lambda x: Q @ x, [-5.0, -2.0], 20)
    points = np.array(train_2d(adagrad_2d_rule(0.4), 20, verbose=False))
    np.testing.assert_allclose(run.points, points, rtol=1e-12)
    gradients = points[:-1] * np.diag(Q)
    np.testing.assert_allclose(_accumulators(run)[1:], np.cumsum(gradients ** 2, axis=0), rtol=1e-12)
    assert _accumulators(run)[0].tolist() == [0.0, 0.0]


@settings(max_examples=20, deadline=None)
@given(seed=seeds, d=st.integers(min_value=2, max_value=8))
def test_adagrad_accumulator_is_proportional_to_the_diagonal_from_an_equal_start(seed, d):
    # axis-aligned Q and equal start: every coordinate follows the same path, so sqrt(s_t) / Q_ii
    # is the same number for all i (the curvature is all that differs)
    Q = random_spd(d, seed, max_condition=1e3, kind="axis_aligned")
    run = d2lite.run(book_adagrad(0.1, eps=0.0), lambda x: Q @ x, np.ones(d), 15)
    ratio = np.sqrt(_accumulators(run)[1:]) / np.diag(Q)
    np.testing.assert_allclose(ratio, ratio[:, :1] * np.ones(d), rtol=1e-9)


# ------------------------------------------------------------------ the explorer
def _titles(fig: Figure) -> str:
    return " ".join([ax.get_title() for ax in fig.axes] + [fig._suptitle.get_text()])


def test_explorer_draws_at_both_ends_of_every_slider_without_unflagged_nonfinite_lines():
    explorer = preconditioning_explorer()
    defaults = {slider.name: slider.value for slider in explorer.sliders}
    ends = {slider.name: (slider.positions[0], slider.positions[-1]) for slider in explorer.sliders}
    assert set(ends) == {"angle", "condition", "lr_times_lambda_max"}
    assert ends["condition"] == pytest.approx((1.0, 1000.0)) and ends["angle"] == (0.0, 90.0)
    assert ends["lr_times_lambda_max"] == pytest.approx((0.1, 2.1))
    for name, pair in ends.items():
        for end in pair:
            fig = preconditioning_figure(**{**defaults, name: end})  # the still, drawn there
            assert not nonfinite_lines(fig), (name, end)
            assert figure_to_png(fig).startswith(b"\x89PNG")  # rendering raises no error either


def test_explorer_titles_report_kappa_before_and_after():
    fig = preconditioning_figure(condition=20.0, angle=0.0, lr_times_lambda_max=1.0)
    titles = _titles(fig)
    assert "κ = 20" in titles and "κ = 1\n" in titles  # exact at angle 0
    fig = preconditioning_figure(condition=20.0, angle=45.0, lr_times_lambda_max=1.0)
    assert _titles(fig).count("κ = 20") == 2  # no gain at 45 degrees


def test_explorer_says_when_the_rate_is_too_large():
    stable = _titles(preconditioning_figure(lr_times_lambda_max=1.9))
    unstable = _titles(preconditioning_figure(lr_times_lambda_max=2.1))
    assert "diverges" not in stable and "diverges" in unstable


def test_preconditioned_path_mapped_back_is_gd_with_rate_eta_over_Q_ii():
    fig = preconditioning_figure(condition=50.0, angle=30.0, lr_times_lambda_max=1.0, steps=5)
    left = fig.axes[0]
    path = next(line for line in left.get_lines() if line.get_label() == "preconditioned GD")
    shown = np.column_stack(path.get_data())
    Q = d2lite.problems.quadratic.quadratic_2d((4.0 / 50.0, 4.0), 30).Q
    eta = 1.0 / np.linalg.eigvalsh(diagonal_preconditioner(Q))[-1]
    x = np.array([-5.0, -2.0])
    expected = [x]
    for _ in range(5):
        x = x - eta * (Q @ x) / np.diag(Q)
        expected.append(x)
    np.testing.assert_allclose(shown, np.array(expected), rtol=1e-10, atol=1e-12)


def test_draw_rejects_out_of_range_values():
    with pytest.raises(ValueError, match="condition"):
        preconditioning_figure(condition=0.5)
    with pytest.raises(ValueError, match="lr_times_lambda_max"):
        preconditioning_figure(lr_times_lambda_max=0.0)
