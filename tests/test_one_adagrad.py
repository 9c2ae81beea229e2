"""One NumPy Adagrad: the teaching copies take its steps, and the variants are its settings.

The book-facing code stays small and verbatim-simple (``adagrad_2d_rule`` with ``train_2d``; the torch
``adagrad`` from scratch); these tests prove it computes what the core, ``d2lite.Adagrad``,
computes.  The oracles for the core itself (torch and the frameworks' own formulas) are in
test_optim.py and test_parity_torch.py.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import d2lite
from d2lite import Adagrad, AdagradState
from d2lite.problems import sparse
from d2lite.optimizers import variants
from d2lite.problems.quadratic import quadratic_2d


def _recording(trainer, states):
    def step(x1, x2, s1, s2, *f_grad):
        x1, x2, s1, s2 = trainer(x1, x2, s1, s2, *f_grad)
        states.append((s1, s2))
        return x1, x2, s1, s2
    return step


@settings(max_examples=60, deadline=None)
@given(lr=st.floats(1e-3, 10.0), log_eps=st.floats(-10, 0), x1=st.floats(-20, 20),
       x2=st.floats(-20, 20), angle=st.floats(0, 90))
def test_adagrad_2d_takes_the_cores_steps_exactly(lr, log_eps, x1, x2, angle):
    q = quadratic_2d((0.2, 4.0), angle)
    states = []
    points = d2lite.train_2d(_recording(d2lite.adagrad_2d_rule(lr, 10.0 ** log_eps), states), 30,
                             f_grad=q.grad, start=(x1, x2), verbose=False)
    core = variants.book_adagrad(lr, 10.0 ** log_eps)
    x = np.array([x1, x2])
    state = core.init(x)
    for t in range(30):  # step by step: the same point and the same state, to the last bit
        x, state = core.update(np.asarray(q.grad(*x)), state, x)
        np.testing.assert_array_equal(x, points[t + 1])
        np.testing.assert_array_equal(state.sum_of_squares, states[t])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_torch_adagrad_from_scratch_equals_the_core_in_float64(seed):
    rng = np.random.default_rng(seed)
    shapes = [(5, 1), (1,)]
    params = [rng.normal(size=s) for s in shapes]
    tensors = [torch.tensor(p, requires_grad=True) for p in params]
    states = [torch.zeros(s, dtype=torch.float64) for s in shapes]
    core = Adagrad.preset("book", lr=0.3)
    core_states = [core.init(p) for p in params]
    for _ in range(200):
        grads = [rng.normal(size=s) * rng.choice([1e-3, 1.0, 1e3]) for s in shapes]
        for tensor, g in zip(tensors, grads):
            tensor.grad = torch.tensor(g)
        d2lite.adagrad(tensors, states, {"lr": 0.3})
        for i, g in enumerate(grads):
            params[i], core_states[i] = core.update(g, core_states[i], params[i])
    for tensor, state, p, core_state in zip(tensors, states, params, core_states):
        np.testing.assert_allclose(state.numpy(), core_state.sum_of_squares, rtol=1e-13)
        np.testing.assert_allclose(tensor.detach().numpy(), p, rtol=1e-12, atol=1e-14)


def test_sparse_adagrad_rule_is_the_core_on_the_whole_vector():
    # The vectorised sparse trainer touches only the active rows; the core run on the whole
    # weight vector (zero gradient elsewhere: no step, no change of state) must agree.
    data = sparse.make_sparse_regression(num_features=40, num_examples=300, scale_spread=10.0,
                                         seed=5)
    run = sparse.train_sparse_sgd(data, sparse.ADAGRAD, [0.3])
    core = Adagrad(lr=0.3, eps=sparse.ADAGRAD.default_offset, eps_inside=True)
    w = np.zeros(data.num_features)
    state = core.init(w)
    for active, y in zip(data.indices, data.targets):
        x = data.feature_scales[active]
        grad = np.zeros_like(w)
        grad[active] = x * (x @ w[active] - y)
        w, state = core.update(grad, state, w)
    np.testing.assert_allclose(run.weights[0], w, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(run.state[0], state.sum_of_squares, rtol=1e-12)


def test_the_sparse_adagrad_factor_is_the_cores_effective_rate_at_learning_rate_1():
    # adagrad_factor reads as the count clock with one line changed; the core computes it too
    rng = np.random.default_rng(0)
    state, active = rng.random((30, 4)), np.array([2, 7, 19])
    grad, offsets = rng.normal(size=(3, 4)), np.array([[1e-6, 1e-3, 1.0, 1e-6]])
    before = state[active].copy()
    factor = sparse.adagrad_factor(state, 5, active, grad, offsets)
    for column, offset in enumerate(offsets[0]):
        core = Adagrad(lr=1.0, eps=offset, eps_inside=True)
        after = core.accumulate(AdagradState(before[:, column], 4), grad[:, column])
        np.testing.assert_array_equal(state[active, column], after.sum_of_squares)
        np.testing.assert_array_equal(factor[:, column], core.effective_rate(after))


def test_the_variants_are_settings_of_the_core():
    g = np.array([-1.0, -8.0])
    x = np.array([-5.0, -2.0])
    for optimizer in (variants.book_adagrad(0.4), variants.rmsprop(0.4),
                      variants.adagrad_power(0.4), variants.adagrad_norm(0.4),
                      variants.rowwise_adagrad(0.4)):
        assert isinstance(optimizer, Adagrad)
        _, state = optimizer.update(g, optimizer.init(x), x)
        assert isinstance(state, AdagradState) and state.count == 1
    # RMSProp: s = (1 - gamma) g^2 after one step from 0
    _, state = variants.rmsprop(0.4, gamma=0.9).update(g, variants.rmsprop(0.4).init(x), x)
    np.testing.assert_allclose(state.sum_of_squares, 0.1 * g ** 2)
    # AdaGrad-Norm: one number, b0^2 + |g|^2
    _, state = variants.adagrad_norm(0.4, b0=1e-3).update(g, variants.adagrad_norm(0.4).init(x), x)
    assert state.sum_of_squares.shape == (1,) and state.sum_of_squares[0] == pytest.approx(65.000001)


def test_rowwise_adagrad_keeps_one_accumulator_per_row():
    opt = variants.rowwise_adagrad(0.1, eps=0.0)
    table = np.ones((4, 3))
    grads = np.array([[1.0, 2.0, 2.0], [0.0, 0.0, 0.0], [3.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    new, state = opt.update(grads, opt.init(table), table)
    np.testing.assert_allclose(state.sum_of_squares[:, 0], (grads ** 2).mean(axis=1))
    np.testing.assert_array_equal(new[1], table[1])  # a row with no gradient does not move
    rates = opt.effective_rate(state)[:, 0]
    np.testing.assert_allclose(new, table - rates[:, None] * grads)
    with pytest.raises(ValueError, match="row"):
        opt.init(np.float64(1.0))


def test_variant_settings_are_checked_by_name():
    with pytest.raises(ValueError, match="gamma"):
        Adagrad(gamma=1.0)
    with pytest.raises(ValueError, match="power"):
        Adagrad(power=0.0)
    with pytest.raises(ValueError, match="accumulator"):
        Adagrad(accumulator="column")
