"""From-scratch optimisers and the two training loops."""
import numpy as np
import pytest
import torch

import d2lite


def test_adagrad_updates_in_place_like_the_formula_and_zeroes_grads():
    torch.manual_seed(0)
    p = torch.randn(4, 1, requires_grad=True)
    start = p.detach().clone()
    state = torch.full((4, 1), 0.5)
    (p ** 3).sum().backward()
    g = p.grad.detach().clone()
    d2lite.adagrad([p], [state], {"lr": 0.3, "eps": 1e-4})
    expected_state = 0.5 + g ** 2
    torch.testing.assert_close(state, expected_state)
    torch.testing.assert_close(p.detach(), start - 0.3 * g / torch.sqrt(expected_state + 1e-4))
    assert torch.count_nonzero(p.grad) == 0


def test_sgd_is_w_minus_lr_g():
    p = torch.tensor([1.0, -2.0], requires_grad=True)
    (p ** 2).sum().backward()
    d2lite.sgd([p], None, {"lr": 0.25})
    torch.testing.assert_close(p.detach(), torch.tensor([0.5, -1.0]))


def test_init_adagrad_states_have_the_parameter_shapes():
    w_state, b_state = d2lite.init_adagrad_states(5)
    w, b = d2lite.init_linreg_params(5)
    assert w_state.shape == w.shape and b_state.shape == b.shape
    assert not w_state.any() and not b_state.any()


@pytest.mark.parametrize("hyperparams, match", [({}, "lr"), ({"lr": -1}, "lr"),
                                                ({"lr": float("nan")}, "lr"),
                                                ({"lr": 0.1, "eps": -1}, "eps")])
def test_adagrad_rejects_bad_hyperparams(hyperparams, match):
    p = torch.zeros(2, requires_grad=True)
    p.grad = torch.ones(2)
    with pytest.raises(ValueError, match=match):
        d2lite.adagrad([p], [torch.zeros(2)], hyperparams)


def test_adagrad_rejects_mismatched_states():
    p = torch.zeros(2, requires_grad=True)
    p.grad = torch.ones(2)
    with pytest.raises(ValueError, match="states"):
        d2lite.adagrad([p], [torch.zeros(3)], {"lr": 0.1})
    with pytest.raises(ValueError, match="states"):
        d2lite.adagrad([p], [], {"lr": 0.1})


def test_train_scratch_learns_and_returns_its_history(capsys):
    data_iter, d = d2lite.synthetic_linreg(noise=0.5)
    history = d2lite.train_scratch(d2lite.adagrad, d2lite.init_adagrad_states(d),
                                   {"lr": 0.1}, data_iter, d, verbose=True)
    times, losses = history.seconds, history.losses
    out = capsys.readouterr().out
    assert out == f"loss: {losses[-1]:.3f}\n"  # no wall-clock figure in what a notebook stores
    assert len(losses) == len(times) == 2 * 1500 // 200
    assert history.examples == [200 * k for k in range(1, len(losses) + 1)]
    assert np.all(np.diff(times) >= 0) and history.seconds_per_epoch >= times[-1] / 2
    # the floor of the half squared error is noise^2 / 2
    assert losses[0] > 1.5 * losses[-1] and losses[-1] == pytest.approx(0.5 ** 2 / 2, rel=0.15)


def test_train_scratch_does_not_consume_the_loader_generator_when_evaluating():
    """Two runs on loaders with the same seed give identical losses (same batches)."""
    runs = []
    for _ in range(2):
        data_iter, d = d2lite.synthetic_linreg(num_examples=400)
        runs.append(d2lite.train_scratch(d2lite.sgd, None, {"lr": 0.05}, data_iter, d).losses)
    assert runs[0] == runs[1]


def test_concise_and_scratch_agree_when_the_optimisers_agree():
    """torch.optim.SGD and the from-scratch sgd compute the same thing; so must the loops.

    The concise loop minimises the MSE, whose gradient is twice that of the half squared error,
    so SGD at rate 0.05 there takes the same steps as SGD at rate 0.1 from scratch.
    """
    it1, d = d2lite.synthetic_linreg(noise=0.3)
    it2, _ = d2lite.synthetic_linreg(noise=0.3)
    scratch = d2lite.train_scratch(d2lite.sgd, None, {"lr": 0.1}, it1, d, num_epochs=2).losses
    concise = d2lite.train_concise(torch.optim.SGD, {"lr": 0.05}, it2, num_epochs=2).losses
    np.testing.assert_allclose(concise, scratch, rtol=1e-4, atol=1e-6)


def test_train_concise_with_adagrad_reaches_the_noise_floor():
    data_iter, _ = d2lite.synthetic_linreg(noise=0.5)
    losses = d2lite.train_concise(torch.optim.Adagrad, {"lr": 0.1}, data_iter).losses
    assert len(losses) == 4 * 1500 // 200
    assert losses[-1] == pytest.approx(0.125, rel=0.15)


def test_training_loops_reject_bad_input():
    data_iter, d = d2lite.synthetic_linreg(num_examples=50)
    states = d2lite.init_adagrad_states(d)
    with pytest.raises(TypeError, match="trainer_fn"):
        d2lite.train_scratch("adagrad", states, {"lr": 0.1}, data_iter, d)
    with pytest.raises(ValueError, match="feature_dim"):
        d2lite.train_scratch(d2lite.adagrad, states, {"lr": 0.1}, data_iter, d + 1)
    with pytest.raises(ValueError, match="num_epochs"):
        d2lite.train_scratch(d2lite.adagrad, states, {"lr": 0.1}, data_iter, d, num_epochs=0)
    with pytest.raises(TypeError, match="data_iter"):
        d2lite.train_scratch(d2lite.adagrad, states, {"lr": 0.1}, [1, 2], d)
    with pytest.raises(TypeError, match="optimizer_fn"):
        d2lite.train_concise(None, {"lr": 0.1}, data_iter)
    with pytest.raises(TypeError, match="hyperparams"):
        d2lite.train_concise(torch.optim.Adagrad, {"learning_rate": 0.1}, data_iter)
    with pytest.raises(ValueError, match="learning rate"):  # torch's own check, passed through
        d2lite.train_concise(torch.optim.Adagrad, {"lr": -0.1}, data_iter, animate=False)


def test_train_scratch_rejects_a_negative_rate_before_any_damage():
    data_iter, d = d2lite.synthetic_linreg(num_examples=50)
    with pytest.raises(ValueError, match="lr"):
        d2lite.train_scratch(d2lite.adagrad, d2lite.init_adagrad_states(d), {"lr": -0.1},
                             data_iter, d, animate=False)


def test_evaluate_loss_is_the_mean_half_squared_error_for_any_dataset():
    data_iter, d = d2lite.synthetic_linreg(num_examples=300, noise=0.3)
    w, b = d2lite.init_linreg_params(d, seed=2)
    net = lambda X: d2lite.linreg(X, w, b)  # noqa: E731
    X, y = data_iter.dataset.tensors
    expected = float(((X @ w.detach() + b.detach() - y) ** 2 / 2).mean())
    assert d2lite.evaluate_loss(net, data_iter) == pytest.approx(expected, rel=1e-6)
    generic = torch.utils.data.DataLoader(torch.utils.data.Subset(data_iter.dataset, range(300)))
    assert d2lite.evaluate_loss(net, generic) == pytest.approx(expected, rel=1e-5)


def test_a_diverged_quiet_run_warns_once_naming_where():
    """No silent NaN: without verbose, a run whose loss becomes inf or NaN says so once."""
    import warnings
    data_iter, d = d2lite.synthetic_linreg(num_examples=400)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        history = d2lite.train_scratch(d2lite.sgd, None, {"lr": 50.0}, data_iter, d)
    assert not np.isfinite(history.losses[-1])
    messages = [str(w.message) for w in said if issubclass(w.category, RuntimeWarning)]
    assert len(messages) == 1 and "inf or NaN after" in messages[0] and "examples" in messages[0]
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        d2lite.train_scratch(d2lite.sgd, None, {"lr": 0.01}, data_iter, d)
    assert not [w for w in said if issubclass(w.category, RuntimeWarning)]
