"""Unit tests of the NumPy reference Adagrad: inputs, presets, state, convergence."""
from __future__ import annotations

import math

import numpy as np
import pytest

import d2lite
import d2lite.optimizers.optim
from d2lite import Adagrad, AdagradState, run
from d2lite.optimizers.presets import PRESET_OPTIONS, PRESET_SOURCES, PRESETS


def test_public_names_are_exported():
    for name in d2lite.optimizers.optim.__all__:
        assert getattr(d2lite, name) is getattr(d2lite.optimizers.optim, name)


# ---- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["lr", "eps", "lr_decay", "weight_decay",
                                  "initial_accumulator_value"])
@pytest.mark.parametrize("value", [-1e-3, math.nan, math.inf])
def test_bad_hyperparameters_raise_value_error(name, value):
    with pytest.raises(ValueError, match=name):
        Adagrad(**{name: value})
    with pytest.raises(ValueError, match=name):
        Adagrad.preset("torch", **{name: value})


@pytest.mark.parametrize("kwargs", [dict(lr="0.1"), dict(eps=None), dict(eps_inside="yes")])
def test_wrong_types_raise_type_error(kwargs):
    with pytest.raises(TypeError):
        Adagrad(**kwargs)


def test_unknown_preset_and_unknown_override():
    with pytest.raises(ValueError, match="framework"):
        Adagrad.preset("jax")
    with pytest.raises(TypeError, match="momentum"):
        Adagrad.preset("torch", momentum=0.9)


def test_optax_needs_a_learning_rate():
    with pytest.raises(TypeError, match="learning rate"):
        Adagrad.preset("optax")
    assert Adagrad.preset("optax", lr=1e-2).lr == 1e-2


def test_shapes_dtypes_and_state_are_checked():
    opt = Adagrad()
    with pytest.raises(TypeError, match="floating"):
        opt.init(np.arange(3))
    state = opt.init(np.zeros(3))
    with pytest.raises(ValueError, match="shape"):
        opt.update(np.zeros(4), state, np.zeros(3))
    with pytest.raises(TypeError, match="AdagradState"):
        opt.update(np.zeros(3), (np.zeros(3), 0), np.zeros(3))
    with pytest.raises(ValueError, match="steps"):
        run(opt, lambda x: x, np.zeros(2), -1)


# ---- state and the update --------------------------------------------------------------------

def test_state_is_a_printable_named_tuple():
    state = Adagrad.preset("keras").init(np.zeros(2))
    assert isinstance(state, AdagradState) and state._fields == ("sum_of_squares", "count")
    assert "sum_of_squares=array([0.1, 0.1])" in repr(state) and "count=0" in repr(state)


def test_update_does_not_change_its_inputs():
    opt = Adagrad(lr=0.1, weight_decay=0.1)
    params, grads = np.array([1.0, -2.0]), np.array([0.5, 3.0])
    state = opt.init(params)
    copies = params.copy(), grads.copy(), state.sum_of_squares.copy()
    new_params, new_state = opt.update(grads, state, params)
    for before, after in zip(copies, (params, grads, state.sum_of_squares)):
        np.testing.assert_array_equal(before, after)
    assert state.count == 0 and new_state.count == 1
    assert not np.array_equal(new_params, params)


def test_learning_rate_schedule_is_torchs():
    opt = Adagrad(lr=0.3, lr_decay=0.5)
    assert [opt.learning_rate(t) for t in (1, 2, 3)] == [0.3, 0.3 / 1.5, 0.3 / 2.0]


def test_path_has_start_and_every_step():
    opt = Adagrad(lr=0.1)
    made = run(opt, lambda x: 2 * x, np.array([1.0, -1.0]), steps=7)
    path, state = made.points, made.state
    assert path.shape == (8, 2) and state.count == 7
    np.testing.assert_array_equal(path[0], [1.0, -1.0])


# ---- presets: each framework's update rule, transcribed from its source ------------------------
# Two steps from w = (1.5, -0.4) with gradients g1 then g2, written out the way each framework's
# own code writes them (see PRESET_SOURCES), then compared with the reference.

W0 = np.array([1.5, -0.4])
G1, G2 = np.array([0.3, -2.0]), np.array([-1e-3, 0.7])


def transcribed_two_steps(framework, lr, wd):
    w = W0.copy()
    if framework == "torch":  # torch/optim/adagrad.py, _single_tensor_adagrad
        s = np.full(2, 0.0)
        for g in (G1, G2):
            g = g + wd * w
            s = s + g * g
            w = w - lr * g / (np.sqrt(s) + 1e-10)
    elif framework == "keras":  # keras/src/optimizers: _apply_weight_decay, then update_step
        s = np.full(2, 0.1)
        for g in (G1, G2):
            w = w - w * wd * lr
            s = s + np.square(g)
            w = w - lr * g / np.sqrt(s + 1e-7)
    elif framework == "optax":  # optax scale_by_rss then scale(-learning_rate)
        s = np.full(2, 0.1)
        for g in (G1, G2):
            s = np.square(g) + s
            w = w + -lr * (np.where(s > 0, 1 / np.sqrt(s + 1e-7), 0.0) * g)
    elif framework == "mxnet":  # MXNet 1.x optimizer.py AdaGrad.update
        s = np.zeros(2)
        for g in (G1, G2):
            s = s + np.square(g)
            w = w + (g / np.sqrt(s + 1e-7) + w * wd) * -lr
    elif framework == "book":  # d2l section 12.7, adagrad(params, states, hyperparams)
        s = np.zeros(2)
        for g in (G1, G2):
            s = s + np.square(g)
            w = w - lr * g / np.sqrt(s + 1e-6)
    return w


@pytest.mark.parametrize("framework, wd", [
    ("torch", 0.0), ("torch", 0.2), ("keras", 0.0), ("keras", 0.2), ("mxnet", 0.0),
    ("mxnet", 0.2), ("optax", 0.0), ("book", 0.0),  # optax and the book have no weight decay
])
def test_preset_follows_the_frameworks_own_update(framework, wd):
    lr = 0.05 if framework == "optax" else PRESETS[framework]["lr"]
    opt = Adagrad.preset(framework, lr=lr, weight_decay=wd)
    path = run(opt, _feeder([G1, G2]), W0, steps=2).points
    np.testing.assert_allclose(path[-1], transcribed_two_steps(framework, lr, wd), rtol=1e-12)


def _feeder(gradients):
    """A grad_fn that ignores the parameters and hands out the given gradients in turn."""
    remaining = iter(gradients)
    return lambda params: next(remaining)


def test_presets_differ_from_each_other_on_a_tiny_gradient():
    """Where eps sits and the initial accumulator matter most when gradients are tiny."""
    grad, first_steps = np.array([1e-4]), {}
    for name in PRESETS:
        opt = Adagrad.preset(name, lr=0.1)
        new_params, _ = opt.update(grad, opt.init(np.zeros(1)), np.zeros(1))
        first_steps[name] = new_params[0]
    np.testing.assert_allclose(first_steps["torch"], -0.1, rtol=1e-5)  # -lr * sign(g)
    np.testing.assert_allclose(first_steps["keras"], -0.1 * 1e-4 / np.sqrt(0.1), rtol=1e-5)
    assert abs(first_steps["book"]) < 0.1 * 1e-4 / 1e-3  # sqrt(1e-8 + 1e-6) > 1e-3


def test_every_preset_documents_its_source():
    assert set(PRESET_SOURCES) == set(PRESETS) == set(PRESET_OPTIONS)
    for name, text in PRESET_SOURCES.items():
        assert len(text) > 60 and ("/" in text or "section" in text), name
    assert "PRESET_SOURCES" in Adagrad.preset.__doc__


# ---- convergence, as optax's alias tests check it -------------------------------------------
# optax/_src/alias_test.py: adagrad(learning_rate=1.0), 10000 steps, rtol = atol = 3e-2.

def parabola_grad(x):
    return 2 * (x - np.array([1.0, -1.0, 1.0]))


def rosenbrock_grad(x, a=1.0, b=100.0):
    return np.array([-2 * (a - x[0]) - 4 * b * x[0] * (x[1] - x[0] ** 2),
                     2 * b * (x[1] - x[0] ** 2)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, grad_fn, start, optimum", [
    ("parabola", parabola_grad, [-1.0, 10.0, 1.0], [1.0, -1.0, 1.0]),
    ("rosenbrock", rosenbrock_grad, [0.0, 0.0], [1.0, 1.0]),
])
def test_converges_like_optax(name, grad_fn, start, optimum, dtype):
    opt = Adagrad.preset("optax", lr=1.0)
    path = run(opt, grad_fn, np.array(start, dtype=dtype), steps=10_000).points
    assert path.dtype == dtype
    np.testing.assert_allclose(path[-1], optimum, rtol=3e-2, atol=3e-2)
    assert np.abs(path[0] - np.array(optimum)).max() > 0.5  # it really had to travel


def test_rosenbrock_gradient_is_right():
    """The test's own gradient against central differences of Rosenbrock's function."""
    def f(x):
        return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2

    x, h = np.array([0.3, -0.7]), 1e-6
    numeric = [(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(rosenbrock_grad(x), numeric, rtol=1e-6)
