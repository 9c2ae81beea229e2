"""The one run loop, d2lite.run: the book's train_2d takes its steps, and every experiment that
runs an optimizer from a start point goes through it."""
from __future__ import annotations

import numpy as np
import pytest

import d2lite
from d2lite.optimizers.fullmatrix import FullMatrixAdagrad
from d2lite.optimizers.optim import Adagrad
from d2lite.optimizers.run import run
from d2lite.optimizers.variants import book_adagrad

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


def test_the_rates_are_eta_over_the_root_of_the_summed_squares():
    made = run(Adagrad.preset("book", lr=0.4), lambda w: CHAPTER * w, [-5.0, -2.0], 12)
    grads = CHAPTER * made.points[:-1]
    sums = np.array([state.sum_of_squares for state in made.states[1:]])
    np.testing.assert_allclose(sums, np.cumsum(grads ** 2, axis=0), rtol=1e-14)
    np.testing.assert_allclose(made.rates, 0.4 / np.sqrt(sums + 1e-6), rtol=1e-14)
    assert run(FullMatrixAdagrad(lr=0.4), lambda w: CHAPTER * w, [-5.0, -2.0], 3).rates is None


def test_the_rate_plot_takes_only_a_run_with_per_coordinate_rates():
    from d2lite.figures.plots import plot_effective_rates
    with pytest.raises(TypeError, match="made"):
        plot_effective_rates(run(FullMatrixAdagrad(lr=0.4), lambda w: CHAPTER * w, [-5.0, -2.0], 3))


@pytest.mark.parametrize("module, name", [
    ("optimizers.variants", "run_2d"), ("optimizers.optim", "adagrad_path"),
    ("optimizers.fullmatrix", "full_matrix_path"), ("problems.rates", "adagrad_2d_history"), ("problems.rates", "AdagradHistory"),
    ("problems.preconditioning", "adagrad_on_quadratic")])
def test_one_run_loop_one_name(module, name):
    """The loops that wrapped run are gone: every experiment calls d2lite.run."""
    import importlib
    assert not hasattr(importlib.import_module(f"d2lite.{module}"), name)
    assert not hasattr(d2lite, name)
