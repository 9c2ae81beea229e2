"""Full-matrix Adagrad: rotation invariance, its relation to diagonal Adagrad, its bad input."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from d2lite import Adagrad, run
from d2lite.optimizers.fullmatrix import FullMatrixAdagrad, FullMatrixState
from d2lite.problems.quadratic import full_matrix_rotation_sweep
from d2lite.problems.quadratic import rotation_sweep
from d2lite.optimizers.variants import book_adagrad

FAST = settings(max_examples=30, deadline=None)


def random_orthogonal(rng, d):
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def random_spd(rng, d):
    a = rng.standard_normal((d, d))
    return a @ a.T / d + 0.1 * np.eye(d)


@FAST
@given(seed=st.integers(0, 10_000), d=st.integers(1, 6), lr=st.floats(0.01, 2.0),
       eps=st.sampled_from([1e-6, 0.1]))
def test_turning_the_whole_problem_turns_the_path(seed, d, lr, eps):
    """f(x) = x^T Q x / 2 from x0, and the same turned by U: the second path is U times the first.

    With eps > 0 only: with eps = 0 the first steps invert a rank-deficient G through its
    pseudo-inverse, whose rounding (up to 1e-7 here, with NumPy 1.24's LAPACK) is no property of
    the method."""
    rng = np.random.default_rng(seed)
    Q, U, start = random_spd(rng, d), random_orthogonal(rng, d), rng.standard_normal(d)
    opt = FullMatrixAdagrad(lr=lr, eps=eps)
    path = run(opt, lambda w: Q @ w, start, 15).points
    turned = run(opt, lambda w: U @ Q @ U.T @ w, U @ start, 15).points
    np.testing.assert_allclose(turned, path @ U.T, atol=1e-8 * (1 + np.abs(path).max()))


def test_diagonal_adagrad_is_not_rotation_invariant_but_the_full_matrix_one_is():
    angles = np.arange(0, 181, 15)
    diagonal = rotation_sweep(angles)["adagrad"]
    full = full_matrix_rotation_sweep(angles)["full_matrix"]
    assert np.ptp(diagonal) > 1.0          # 2.38 at 0 degrees, 4.39 at 45
    assert np.ptp(full) < 1e-9 * full.max()


@FAST
@given(seed=st.integers(0, 10_000), d=st.integers(1, 6), steps=st.integers(1, 12),
       eps=st.sampled_from([1e-6, 0.1]))
def test_one_hot_gradients_give_exactly_diagonal_adagrad(seed, d, steps, eps):
    """One non-zero coordinate per gradient keeps G diagonal: G = diag(s), the same steps."""
    rng = np.random.default_rng(seed)
    gradients = np.zeros((steps, d))
    gradients[np.arange(steps), rng.integers(0, d, steps)] = rng.uniform(-3, 3, steps)
    full, diagonal = FullMatrixAdagrad(lr=0.3, eps=eps), book_adagrad(0.3, eps=eps)
    w_full = w_diag = rng.standard_normal(d)
    s_full, s_diag = full.init(w_full), diagonal.init(w_diag)
    for g in gradients:
        w_full, s_full = full.update(g, s_full, w_full)
        w_diag, s_diag = diagonal.update(g, s_diag, w_diag)
        np.testing.assert_allclose(w_full, w_diag, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(np.diag(s_full.outer_sum), s_diag.sum_of_squares)


def test_dense_gradients_on_an_axis_aligned_bowl_do_not_give_diagonal_adagrad():
    """The chapter's bowl is axis-aligned, but its gradients mix both coordinates: G is not diagonal."""
    grad = lambda w: np.array([0.2 * w[0], 4 * w[1]])  # noqa: E731
    full = run(FullMatrixAdagrad(lr=0.4), grad, [-5.0, -2.0], 20).points
    diagonal = book_adagrad(0.4)
    w, s = np.array([-5.0, -2.0]), diagonal.init(np.zeros(2))
    for _ in range(20):
        w, s = diagonal.update(grad(w), s, w)
    assert np.abs(full[-1] - w).max() > 0.1


def test_first_step_has_length_lr_along_minus_the_gradient():
    opt = FullMatrixAdagrad(lr=0.7, eps=0.0)
    g = np.array([1.0, -2.0, 2.0])
    params, state = opt.update(g, opt.init(np.zeros(3)), np.zeros(3))
    np.testing.assert_allclose(params, -0.7 * g / 3.0, rtol=1e-12)
    assert state.count == 1


def test_preconditioner_is_the_inverse_square_root():
    rng = np.random.default_rng(0)
    G = random_spd(rng, 5)
    P = FullMatrixAdagrad(lr=1.0, eps=0.01).preconditioner(FullMatrixState(G, 3))
    np.testing.assert_allclose(P @ P @ (G + 0.01 * np.eye(5)), np.eye(5), atol=1e-10)
    np.testing.assert_allclose(P, P.T, atol=1e-14)


def test_update_leaves_its_inputs_unchanged():
    opt = FullMatrixAdagrad(lr=0.1)
    params, grads = np.array([1.0, 2.0]), np.array([0.5, -0.5])
    state = opt.accumulate(opt.init(params), grads)
    before = (params.copy(), grads.copy(), state.outer_sum.copy())
    opt.update(grads, state, params)
    for kept, now in zip(before, (params, grads, state.outer_sum)):
        np.testing.assert_array_equal(kept, now)


def test_the_diagonal_of_the_state_is_diagonal_adagrads_state():
    rng = np.random.default_rng(1)
    full, diagonal = FullMatrixAdagrad(lr=0.1), Adagrad(lr=0.1)
    s_full, s_diag = full.init(np.zeros(4)), diagonal.init(np.zeros(4))
    for g in rng.standard_normal((6, 4)):
        s_full, s_diag = full.accumulate(s_full, g), diagonal.accumulate(s_diag, g)
    np.testing.assert_allclose(np.diag(s_full.outer_sum), s_diag.sum_of_squares, rtol=1e-14)


@pytest.mark.parametrize("kwargs, match", [({"lr": 0.0}, "lr must be"), ({"lr": -1.0}, "lr must be"),
                                           ({"lr": 0.1, "eps": -1.0}, "eps must be"),
                                           ({"lr": float("nan")}, "lr must be")])
def test_bad_hyperparameters_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        FullMatrixAdagrad(**kwargs)


def test_bad_shapes_are_named():
    opt = FullMatrixAdagrad(lr=0.1)
    with pytest.raises(ValueError, match="params must be a 1-D"):
        opt.init(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="params must be a 1-D"):
        opt.init(np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="grads"):
        opt.update(np.zeros(3), opt.init(np.zeros(2)), np.zeros(2))
    with pytest.raises(TypeError, match="state must be"):
        opt.update(np.zeros(2), Adagrad().init(np.zeros(2)), np.zeros(2))
    with pytest.raises(ValueError, match="angles must be"):
        full_matrix_rotation_sweep([])
