"""Parity with ``torch.optim.Adagrad``, the way PyTorch's own optimizer tests compare paths.

Every test runs two independent implementations on the same seeded problem, each computing its
own gradients at its own parameters, for at least 100 steps in float64, and compares the
parameters after every step at PyTorch's float64 tolerance (rtol = atol = 1e-7).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import d2lite
from d2lite import Adagrad

STEPS = 120
TOL = dict(rtol=1e-7, atol=1e-7)
MEASURABLY = 1e-5  # a difference 100 times PyTorch's tolerance


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny tensors: one intra-op thread is 20 times faster on a busy 2-core machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)

SETTINGS = {
    "defaults": dict(lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10),
    "large-lr": dict(lr=0.5, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10),
    "lr_decay": dict(lr=0.3, lr_decay=0.05, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10),
    "weight_decay": dict(lr=0.2, lr_decay=0.0, weight_decay=0.3, initial_accumulator_value=0.0, eps=1e-10),
    "initial_accumulator": dict(lr=0.2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.7,
                                eps=1e-10),
    "everything": dict(lr=0.4, lr_decay=0.02, weight_decay=0.1, initial_accumulator_value=0.1, eps=1e-3),
}

IMPLEMENTATIONS = {"for-loop": dict(foreach=False), "foreach": dict(foreach=True),
                   "fused": dict(fused=True)}


def _fused_available() -> str | None:
    """None if torch's fused Adagrad runs on CPU float64 here, else the reason it does not."""
    try:
        p = nn.Parameter(torch.zeros(2, dtype=torch.float64))
        p.grad = torch.ones(2, dtype=torch.float64)
        torch.optim.Adagrad([p], fused=True).step()
    except (RuntimeError, TypeError, ValueError) as error:
        return f"torch {torch.__version__} has no fused Adagrad on CPU float64: {error}"
    return None


def least_squares_problem(seed: int):
    """A random least-squares problem with a matrix and a vector parameter (two param groups'
    worth of tensors, so the foreach path groups more than one tensor)."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((20, 4))
    B = rng.standard_normal((3, 5))
    target = rng.standard_normal((20, 5))
    W0 = rng.standard_normal((4, 3))
    b0 = rng.standard_normal(5)

    def loss_torch(W, b, A_t, B_t, target_t):
        return 0.5 * ((A_t @ W @ B_t + b - target_t) ** 2).mean()

    def grads_numpy(W, b):
        residual = (A @ W @ B + b - target) / target.size
        return A.T @ residual @ B.T, residual.sum(axis=0)

    return (A, B, target, W0, b0), loss_torch, grads_numpy


def run_torch(seed: int, settings: dict, steps: int = STEPS, **impl) -> list[list[np.ndarray]]:
    (A, B, target, W0, b0), loss_torch, _ = least_squares_problem(seed)
    A_t, B_t, target_t = (torch.tensor(x) for x in (A, B, target))
    W = nn.Parameter(torch.tensor(W0))
    b = nn.Parameter(torch.tensor(b0))
    optimizer = torch.optim.Adagrad([W, b], **settings, **impl)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss_torch(W, b, A_t, B_t, target_t).backward()
        optimizer.step()
        path.append([W.detach().numpy().copy(), b.detach().numpy().copy()])
    return path


def run_reference(seed: int, optimizer: Adagrad, steps: int = STEPS) -> list[list[np.ndarray]]:
    (_, _, _, W, b), _, grads_numpy = least_squares_problem(seed)
    state_W, state_b = optimizer.init(W), optimizer.init(b)
    path = []
    for _ in range(steps):
        g_W, g_b = grads_numpy(W, b)
        W, state_W = optimizer.update(g_W, state_W, W)
        b, state_b = optimizer.update(g_b, state_b, b)
        path.append([W, b])
    return path


def assert_paths_close(path_a, path_b, **tol):
    assert len(path_a) == len(path_b) >= 100
    for step, (params_a, params_b) in enumerate(zip(path_a, path_b), start=1):
        for a, b in zip(params_a, params_b):
            np.testing.assert_allclose(a, b, err_msg=f"step {step}", **(tol or TOL))


@pytest.mark.parametrize("impl", list(IMPLEMENTATIONS))
@pytest.mark.parametrize("setting", list(SETTINGS))
def test_reference_matches_torch(setting, impl):
    if impl == "fused" and (reason := _fused_available()):
        pytest.skip(reason)
    seed = list(SETTINGS).index(setting)  # a different random problem for each setting
    settings = SETTINGS[setting]
    reference = Adagrad.preset("torch", **settings)
    assert_paths_close(run_reference(seed, reference),
                       run_torch(seed, settings, **IMPLEMENTATIONS[impl]))


def test_paths_really_move_and_settings_matter():
    """Guards the parity test against a vacuous pass: the parameters move a lot over the run,
    and each setting changes the torch path by far more than the tolerance."""
    base = run_torch(0, SETTINGS["large-lr"])
    (_, _, _, W0, _), _, _ = least_squares_problem(0)
    assert np.abs(base[-1][0] - W0).max() > 0.1
    for setting in ("lr_decay", "weight_decay", "initial_accumulator"):
        changed = run_torch(0, {**SETTINGS["large-lr"], **{k: v for k, v in SETTINGS[setting].items()
                                                            if k != "lr"}})
        assert np.abs(changed[-1][0] - base[-1][0]).max() > MEASURABLY, setting


def test_torch_preset_has_torch_defaults():
    """The preset's defaults are read off torch's own constructor signature."""
    import inspect

    signature = inspect.signature(torch.optim.Adagrad.__init__).parameters
    preset = Adagrad.preset("torch")
    for name in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
        assert getattr(preset, name) == signature[name].default, name
    assert preset.eps_inside is False and preset.decoupled_weight_decay is False


def test_reference_with_eps_inside_differs_from_torch():
    """The other convention is measurably different: the check has teeth."""
    settings = dict(SETTINGS["large-lr"], eps=0.1)
    inside = Adagrad.preset("torch", **settings).replace(eps_inside=True)
    a, b = run_reference(0, inside), run_torch(0, settings)
    assert np.abs(a[-1][0] - b[-1][0]).max() > MEASURABLY


# ---- the from-scratch torch implementation of the chapter -------------------------------------

def run_scratch(seed: int, lr: float, eps: float, steps: int = STEPS) -> list[list[np.ndarray]]:
    """d2lite.adagrad on float64 tensors (its own states are float32, so build them here)."""
    (A, B, target, W0, b0), loss_torch, _ = least_squares_problem(seed)
    A_t, B_t, target_t = (torch.tensor(x) for x in (A, B, target))
    W = torch.tensor(W0, requires_grad=True)
    b = torch.tensor(b0, requires_grad=True)
    states = [torch.zeros_like(W), torch.zeros_like(b)]
    path = []
    for _ in range(steps):
        loss_torch(W, b, A_t, B_t, target_t).backward()
        d2lite.adagrad([W, b], states, {"lr": lr, "eps": eps})
        path.append([W.detach().numpy().copy(), b.detach().numpy().copy()])
    return path


@pytest.mark.parametrize("impl", list(IMPLEMENTATIONS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scratch_matches_torch_with_eps_aligned(seed, impl):
    """With eps = 0 the two conventions are the same formula, so the paths must agree."""
    if impl == "fused" and (reason := _fused_available()):
        pytest.skip(reason)
    settings = dict(lr=0.3, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=0.0)
    assert_paths_close(run_scratch(seed, lr=0.3, eps=0.0),
                       run_torch(seed, settings, **IMPLEMENTATIONS[impl]))


@pytest.mark.parametrize("seed", [0, 1])
def test_scratch_matches_reference_with_eps_inside(seed):
    """The book's convention (eps = 1e-6 inside the root) against the reference with the same."""
    reference = Adagrad.preset("book", lr=0.3)
    assert_paths_close(run_scratch(seed, lr=0.3, eps=1e-6), run_reference(seed, reference))


def test_scratch_and_torch_differ_when_eps_not_aligned():
    settings = dict(lr=0.3, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-2)
    a, b = run_scratch(0, lr=0.3, eps=1e-2), run_torch(0, settings)
    assert np.abs(a[-1][0] - b[-1][0]).max() > MEASURABLY


# ---- sparse gradients ------------------------------------------------------------------------

SPARSE_BATCHES = [[3, 7, 3, 12], [0, 7, 41], [12, 12, 12, 5], [3, 19, 44, 0], [7, 5, 3]]


def run_embedding(sparse: bool, **settings) -> tuple[torch.Tensor, torch.Tensor]:
    """Train a seeded 50 x 4 embedding on a few batches (one with a repeated index);
    returns the initial and final weights."""
    generator = torch.Generator().manual_seed(0)
    embedding = nn.Embedding(50, 4, sparse=sparse)
    with torch.no_grad():
        embedding.weight.copy_(torch.randn(50, 4, generator=generator))
    targets = torch.randn(len(SPARSE_BATCHES), 4, generator=generator)
    initial = embedding.weight.detach().clone()
    optimizer = torch.optim.Adagrad(embedding.parameters(), **settings)
    # Opt in to torch's sparse-tensor checks explicitly (torch warns when left implicit).
    with torch.sparse.check_sparse_tensor_invariants():
        for batch, target in zip(SPARSE_BATCHES, targets):
            optimizer.zero_grad()
            rows = embedding(torch.tensor(batch))
            (0.5 * ((rows - target) ** 2).sum()).backward()
            assert embedding.weight.grad.is_sparse == sparse
            optimizer.step()
    return initial, embedding.weight.detach().clone()


@pytest.mark.parametrize("settings", [dict(lr=0.5), dict(lr=0.5, lr_decay=0.1,
                                                         initial_accumulator_value=0.1)])
def test_sparse_embedding_matches_dense(settings):
    initial, sparse_final = run_embedding(True, **settings)
    initial_dense, dense_final = run_embedding(False, **settings)
    assert torch.equal(initial, initial_dense)
    torch.testing.assert_close(sparse_final, dense_final, rtol=0, atol=5e-6)
    touched = sorted({i for batch in SPARSE_BATCHES for i in batch})
    untouched = [i for i in range(50) if i not in touched]
    assert torch.equal(sparse_final[untouched], initial[untouched])
    changed = (sparse_final != initial).any(dim=1).nonzero().flatten().tolist()
    assert changed == touched


def test_sparse_embedding_matches_reference():
    """The dense gradient fed to the NumPy reference gives the same rows as torch's sparse path."""
    settings = dict(lr=0.5, lr_decay=0.1, initial_accumulator_value=0.1)
    initial, sparse_final = run_embedding(True, **settings)
    generator = torch.Generator().manual_seed(0)
    weight = torch.randn(50, 4, generator=generator).numpy()
    targets = torch.randn(len(SPARSE_BATCHES), 4, generator=generator).numpy()
    reference = Adagrad.preset("torch", **settings)
    state = reference.init(weight)
    for batch, target in zip(SPARSE_BATCHES, targets):
        grad = np.zeros_like(weight)
        np.add.at(grad, batch, weight[batch] - target)  # a repeated index adds its gradients
        weight, state = reference.update(grad, state, weight)
    np.testing.assert_allclose(sparse_final.numpy(), weight, rtol=0, atol=5e-6)


def test_torch_refuses_weight_decay_with_sparse_gradients():
    with pytest.raises(RuntimeError, match="weight_decay"):
        run_embedding(True, lr=0.5, weight_decay=0.1)
