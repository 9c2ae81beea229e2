r"""Training loops for the linear-regression experiments of the chapter.

Both loops train :math:`\hat y = X\mathbf{w} + b` with the half squared error
:math:`\ell = \tfrac12 (\hat y - y)^2`, evaluate that loss over the whole data set every 200
examples, print ``loss: {final:.3f}`` and return ``(times, losses)``.  The times are
cumulative training seconds: evaluation and plotting happen with the clock stopped.  They are
returned, not printed, so that a stored notebook output holds no wall-clock figure.
"""
from __future__ import annotations

from typing import Callable, Mapping

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from ._checks import check_callable, check_int
from .plotting import Animator
from .timer import Timer

__all__ = ["linreg", "squared_loss", "init_linreg_params", "evaluate_loss", "train_scratch",
           "train_concise"]

EVAL_EVERY = 200  # examples between two evaluations of the loss over the whole data set


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    r"""The linear model :math:`X\mathbf{w} + b`."""
    return X @ w + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""Half squared error per example, :math:`\tfrac12(\hat y - y)^2` (no reduction)."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def init_linreg_params(feature_dim: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Weight ``(d, 1)`` drawn from N(0, 0.01^2) with its own generator, bias 0; both need grad."""
    feature_dim = check_int("feature_dim", feature_dim)
    generator = torch.Generator().manual_seed(int(seed))
    w = torch.normal(0.0, 0.01, size=(feature_dim, 1), generator=generator).requires_grad_(True)
    b = torch.zeros(1, requires_grad=True)
    return w, b


def evaluate_loss(net: Callable[[torch.Tensor], torch.Tensor], data_iter: DataLoader) -> float:
    """Mean half squared error of ``net`` over the whole data set behind ``data_iter``.

    It reads the data set in order with a loader of its own, so it does not consume the
    training loader's shuffling generator: evaluating never changes the training batches.
    """
    dataset = data_iter.dataset
    with torch.no_grad():
        if isinstance(dataset, TensorDataset):  # the whole set in one batch: no per-item reads
            X, y = dataset.tensors
            return float(squared_loss(net(X), y).mean())
        total, count = 0.0, 0
        for X, y in DataLoader(dataset, batch_size=1024, shuffle=False):
            total += float(squared_loss(net(X), y).sum())
            count += len(X)
    return total / count


def _check_loader(data_iter) -> DataLoader:
    if not isinstance(data_iter, DataLoader):
        raise TypeError(f"data_iter must be a torch DataLoader (from synthetic_linreg or "
                        f"load_airfoil), got {type(data_iter).__name__}")
    return data_iter


def _fit(net, step: Callable[[torch.Tensor, torch.Tensor], None], data_iter: DataLoader, num_epochs: int,
         animate: bool) -> tuple[list[float], list[float]]:
    """The loop both trainers share: step on each minibatch, evaluate every 200 examples."""
    animator = Animator(xlabel="epoch", ylabel="loss", xlim=(0, num_epochs), ylim=(0.0, None),
                        live=None if animate else False)
    n, timer, times = 0, Timer(), []
    batches_per_epoch = len(data_iter)
    for _ in range(num_epochs):
        for X, y in data_iter:
            step(X, y)
            n += X.shape[0]
            if n % EVAL_EVERY == 0:
                times.append(timer.sum() + timer.stop())
                animator.add(n / X.shape[0] / batches_per_epoch, evaluate_loss(net, data_iter))
                timer.start()
    timer.stop()  # training after the last evaluation still counts towards sec/epoch
    losses = animator.Y[0] if animator.Y else []
    if not losses:  # fewer than 200 examples in all: evaluate once at the end
        times, losses = [timer.sum()], [evaluate_loss(net, data_iter)]
    print(f"loss: {losses[-1]:.3f}")
    return times, losses


def train_scratch(trainer_fn: Callable, states: object, hyperparams: Mapping[str, float],
                  data_iter: DataLoader, feature_dim: int, num_epochs: int = 2,
                  animate: bool = True, seed: int = 0) -> tuple[list[float], list[float]]:
    """Train the linear model with a from-scratch optimiser such as :func:`d2lite.adagrad`.

    Each minibatch: the mean half squared error, ``backward()``, then
    ``trainer_fn([w, b], states, hyperparams)``, which updates in place and zeroes the gradients.
    The weight starts from N(0, 0.01^2) drawn with ``seed``, the bias from 0.  Returns the
    cumulative training seconds at each evaluation and the evaluated losses.
    """
    check_callable("trainer_fn", trainer_fn)
    if not isinstance(hyperparams, Mapping):
        raise TypeError(f"hyperparams must be a dict such as {{'lr': 0.1}}, got {hyperparams!r}")
    _check_loader(data_iter)
    feature_dim = check_int("feature_dim", feature_dim)
    num_epochs = check_int("num_epochs", num_epochs)
    width = data_iter.dataset[0][0].shape[-1]
    if width != feature_dim:
        raise ValueError(f"feature_dim must match the data: the examples have {width} features, "
                         f"feature_dim is {feature_dim}")
    w, b = init_linreg_params(feature_dim, seed)

    def net(X):
        return linreg(X, w, b)

    def step(X, y):
        squared_loss(net(X), y).mean().backward()
        trainer_fn([w, b], states, hyperparams)

    return _fit(net, step, data_iter, num_epochs, animate)


def train_concise(optimizer_fn: Callable, hyperparams: Mapping[str, float], data_iter: DataLoader,
                  num_epochs: int = 4, animate: bool = True,
                  seed: int = 0) -> tuple[list[float], list[float]]:
    """Train ``nn.Linear(d, 1)`` with a framework optimiser, e.g. ``torch.optim.Adagrad``.

    The optimiser is built as ``optimizer_fn(net.parameters(), **hyperparams)`` and minimises
    ``nn.MSELoss``; the reported losses are on the half-MSE scale of :func:`train_scratch`, and
    the initial weight equals the one :func:`train_scratch` draws with the same ``seed``.
    The MSE's gradient is twice the half squared error's: plain SGD here at rate ``lr`` steps like
    the from-scratch :func:`d2lite.sgd` at ``2 * lr``, while Adagrad, which divides the gradient
    by its own running scale, is unaffected (up to epsilon).
    """
    check_callable("optimizer_fn", optimizer_fn)
    if not isinstance(hyperparams, Mapping):
        raise TypeError(f"hyperparams must be a dict such as {{'lr': 0.1}}, got {hyperparams!r}")
    _check_loader(data_iter)
    num_epochs = check_int("num_epochs", num_epochs)
    feature_dim = data_iter.dataset[0][0].shape[-1]
    net = nn.Linear(feature_dim, 1)
    w, _ = init_linreg_params(feature_dim, seed)
    with torch.no_grad():
        net.weight.copy_(w.detach().T)
        net.bias.zero_()
    try:
        optimizer = optimizer_fn(net.parameters(), **hyperparams)
    except TypeError as error:
        raise TypeError(f"hyperparams {dict(hyperparams)!r} do not fit optimizer_fn: {error}") from None
    mse = nn.MSELoss()

    def step(X, y):
        optimizer.zero_grad()
        mse(net(X), y.reshape(-1, 1)).backward()
        optimizer.step()

    return _fit(net, step, data_iter, num_epochs, animate)
