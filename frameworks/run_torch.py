"""The PyTorch tab: the 2-D run, Adagrad from scratch and torch.optim.Adagrad, on shared inputs.

Runs in the project's main environment (PyTorch is already there).  Float32 for the training
runs, as PyTorch creates tensors by default; float64 for the 2-D run and the one-/five-step
problem, so those can be compared to 1e-12.
"""
from __future__ import annotations

import torch
from torch import nn

from common import main, minibatches


def two_d(problem):
    """f(x) = 0.1 x1^2 + 2 x2^2 from the start, Adagrad with the book's epsilon, float64."""
    x = torch.tensor(problem["start"], dtype=torch.float64)
    s = torch.zeros_like(x)
    curvature = torch.tensor([0.2, 4.0], dtype=torch.float64)  # gradient = (0.2 x1, 4 x2)
    path = [x.tolist()]
    for _ in range(problem["steps"]):
        g = curvature * x
        s += g * g
        x = x - problem["eta"] * g / torch.sqrt(s + problem["eps"])
        path.append(x.tolist())
    return {**problem, "dtype": "float64", "path": path}


def init_adagrad_states(feature_dim):
    """One accumulator per parameter, zero, shaped like the weight (d, 1) and the bias (1,)."""
    return torch.zeros((feature_dim, 1)), torch.zeros(1)


def adagrad(params, states, hyperparams):
    """s += g^2, then p -= lr g / sqrt(s + eps), in place; the gradient is zeroed for the next batch."""
    eps = hyperparams.get("eps", 1e-6)
    with torch.no_grad():
        for p, s in zip(params, states):
            s += p.grad ** 2
            p -= hyperparams["lr"] * p.grad / torch.sqrt(s + eps)
            p.grad.zero_()


def half_squared_error(y_hat, y):
    return ((y_hat - y) ** 2 / 2).mean()


def data(inputs):
    X = torch.tensor(inputs["X"], dtype=torch.float32)
    return X, torch.tensor(inputs["y"], dtype=torch.float32).reshape(-1, 1)


def scratch(inputs):
    """Linear regression trained by the from-scratch adagrad, minibatches in the shared order."""
    X, y = data(inputs)
    w = torch.tensor(inputs["w0"]).reshape(-1, 1).requires_grad_(True)
    b = torch.zeros(1, requires_grad=True)
    states = init_adagrad_states(X.shape[1])
    losses = []
    for seen, batch in minibatches(inputs, inputs["scratch_epochs"]):
        half_squared_error(X[batch] @ w + b, y[batch]).backward()
        adagrad([w, b], states, {"lr": inputs["lr"]})
        if seen % inputs["eval_every"] == 0:
            with torch.no_grad():
                losses.append(float(half_squared_error(X @ w + b, y)))
    return {"dtype": "float32", "lr": inputs["lr"], "epochs": inputs["scratch_epochs"],
            "losses": losses, "weight": w.flatten().tolist(), "bias": b.tolist()}


def settings_of(optimizer):
    defaults = optimizer.defaults
    return {"lr": defaults["lr"], "eps": defaults["eps"],
            "initial_accumulator_value": defaults["initial_accumulator_value"]}


def concise(inputs, **options):
    """nn.Linear and torch.optim.Adagrad minimising nn.MSELoss, the PyTorch tab's idiom."""
    X, y = data(inputs)
    net = nn.Linear(X.shape[1], 1)
    with torch.no_grad():
        net.weight.copy_(torch.tensor([inputs["w0"]]))
        net.bias.zero_()
    optimizer = torch.optim.Adagrad(net.parameters(), lr=inputs["lr"], **options)
    loss = nn.MSELoss()
    losses = []
    for seen, batch in minibatches(inputs, inputs["concise_epochs"]):
        optimizer.zero_grad()
        loss(net(X[batch]), y[batch]).backward()
        optimizer.step()
        if seen % inputs["eval_every"] == 0:
            with torch.no_grad():
                losses.append(float(half_squared_error(net(X), y)))
    return {"settings": settings_of(optimizer), "losses": losses,
            "weight": net.weight.flatten().tolist(), "bias": net.bias.tolist()}


def steps(problem, **options):
    """f(w) = 1/2 sum(curvature w^2) from the start: w after one and after five steps, float64."""
    w = torch.tensor(problem["start"], dtype=torch.float64, requires_grad=True)
    curvature = torch.tensor(problem["curvature"], dtype=torch.float64)
    optimizer = torch.optim.Adagrad([w], lr=problem["lr"], **options)
    after = {}
    for step in range(1, 6):
        optimizer.zero_grad()
        (curvature * w * w / 2).sum().backward()
        optimizer.step()
        after[step] = w.tolist()
    return {"settings": settings_of(optimizer), "one": after[1], "five": after[5]}


ALIGNED = {"eps": 0.0, "initial_accumulator_value": 0.0}  # eps cannot go inside the root here


def run(inputs):
    torch.set_num_threads(1)
    return {
        "library": "torch", "version": torch.__version__,
        "two_d": two_d(inputs["two_d"]),
        "scratch": scratch(inputs),
        "concise": {"optimizer": "torch.optim.Adagrad", "loss": "nn.MSELoss",
                    "gradient_scale": 2.0, "dtype": "float32",
                    "epochs": inputs["concise_epochs"],
                    "defaults": concise(inputs), "aligned": concise(inputs, **ALIGNED)},
        "steps": {**inputs["steps"], "dtype": "float64",
                  "defaults": steps(inputs["steps"]),
                  "aligned": steps(inputs["steps"], **ALIGNED)},
    }


if __name__ == "__main__":
    main(run)
