"""The one run loop, d2lite.run: the book's train_2d takes its steps, and every experiment that
runs an optimizer from a start point goes through it."""
from __future__ import annotations

import numpy as np
import pytest

import d2lite
from d2lite.optimizers.fullmatrix import FullMatrixAdagrad, full_matrix_path
from d2lite.optimizers.optim import Adagrad, adagrad_path
from d2lite.optimizers.run import run
from d2lite.optimizers.variants import Adam, adagrad_norm, book_adagrad, rmsprop, run_2d
from d2lite.problems.preconditioning import adagrad_on_quadratic
from d2lite.problems.quadratic import quadratic_2d
from d2lite.problems.rates import adagrad_2d_history

CHAPTER = np.array([0.2, 4.0])  # f(x) = 0.1 x1^2 + 2 x2^2


@pytest.mark.parametrize("lr, eps, start, steps", [(0.4, 1e-6, (-5.0, -2.0), 20),
                                                   (2.0, 1e-6, (-5.0, -2.0), 20),
                                                   (0.1, 1e-2, (3.0, 1.5), 50)])
def test_the_books_train_2d_takes_the_steps_of_run(lr, eps, start, steps):
    book = np.array(d2lite.train_2d(d2lite.adagrad_2d_rule(lr, eps), steps, start=start,
                                    verbose=False))
    made = run(Adagrad.preset("book", lr=lr, eps=eps), lambda x: CHAPTER * x, start, steps)
    np.testing.assert_allclose(made.points, book, rtol=1e-14, atol=1e-300)


def test_run_records_states_and_the_rate_each_coordinate_used():
    lr, eps = 0.4, 1e-6
    made = run(Adagrad.preset("book", lr=lr, eps=eps), lambda x: CHAPTER * x, [-5.0, -2.0], 10)
    grads = CHAPTER * made.points[:-1]
    sums = np.cumsum(grads ** 2, axis=0)
    np.testing.assert_allclose([s.sum_of_squares for s in made.states[1:]], sums, rtol=1e-12)
    np.testing.assert_allclose(made.rates, lr / np.sqrt(sums + eps), rtol=1e-12)
    assert [s.count for s in made.states] == list(range(11))
    assert made.state is made.states[-1]


def test_noise_is_seeded_and_changes_the_path():
    optimizer, grad = book_adagrad(0.4), lambda x: CHAPTER * x
    one = run(optimizer, grad, [-5.0, -2.0], 30, noise=1.0, seed=0).points
    np.testing.assert_array_equal(one, run(optimizer, grad, [-5.0, -2.0], 30, noise=1.0, seed=0).points)
    assert not np.allclose(one, run(optimizer, grad, [-5.0, -2.0], 30, noise=1.0, seed=1).points)
    assert not np.allclose(one, run(optimizer, grad, [-5.0, -2.0], 30).points)


def test_a_float32_start_runs_in_float32_and_an_optimizer_without_rates_has_none():
    made = run(Adagrad(lr=0.1), lambda w: 2 * w, np.ones(3, dtype=np.float32), 4)
    assert made.points.dtype == np.float32 and made.rates.dtype == np.float32
    assert run(FullMatrixAdagrad(lr=0.1), lambda w: 2 * w, [1.0, 0.0], 2).rates is None


@pytest.mark.parametrize("bad, error, words", [
    (dict(optimizer=object()), TypeError, "init(params)"),
    (dict(grad=3), TypeError, "grad"),
    (dict(steps=-1), ValueError, "steps"),
    (dict(start=["a", "b"]), TypeError, "start"),
    (dict(noise=float("nan")), ValueError, "noise"),
])
def test_bad_arguments_are_named(bad, error, words):
    args = dict(optimizer=Adagrad(lr=0.1), grad=lambda w: w, start=[1.0, 2.0], steps=3)
    args.update(bad)
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        run(args.pop("optimizer"), args.pop("grad"), args.pop("start"), args.pop("steps"), **args)


# The problem-shaped entry points keep their arguments and return what run computes.
@pytest.mark.parametrize("optimizer", [book_adagrad(0.4), rmsprop(0.4), adagrad_norm(0.4), Adam(0.4)],
                         ids=["adagrad", "rmsprop", "norm", "adam"])
def test_run_2d_is_run_with_a_two_argument_gradient(optimizer):
    q = quadratic_2d(angle=30)
    points, rates = run_2d(optimizer, q.grad, steps=15, start=(1.0, -3.0), noise=0.5, seed=2)
    made = run(optimizer, lambda x: np.asarray(q.grad(*x)), (1.0, -3.0), 15, noise=0.5, seed=2)
    np.testing.assert_array_equal(points, made.points)
    np.testing.assert_array_equal(rates, made.rates)


def test_the_other_entry_points_are_run():
    path, state = adagrad_path(Adagrad(lr=0.3), lambda w: CHAPTER * w, np.array([-5.0, -2.0]), 7)
    made = run(Adagrad(lr=0.3), lambda w: CHAPTER * w, [-5.0, -2.0], 7)
    np.testing.assert_array_equal(path, made.points)
    np.testing.assert_array_equal(state.sum_of_squares, made.state.sum_of_squares)
    fm_path, fm_state = full_matrix_path(FullMatrixAdagrad(lr=0.4), lambda w: CHAPTER * w, [-5.0, -2.0], 9)
    np.testing.assert_array_equal(fm_path, run(FullMatrixAdagrad(lr=0.4), lambda w: CHAPTER * w,
                                              [-5.0, -2.0], 9).points)
    history = adagrad_2d_history(0.4, steps=12)
    book = run(Adagrad.preset("book", lr=0.4), lambda w: CHAPTER * w, [-5.0, -2.0], 12)
    np.testing.assert_array_equal(history.points, book.points)
    np.testing.assert_array_equal(history.effective_rates, book.rates)
    quad = adagrad_on_quadratic(np.diag(CHAPTER), [-5.0, -2.0], lr=0.4, steps=12)
    np.testing.assert_allclose(quad.points, book.points, rtol=1e-15)
