r"""Training loops for the linear-regression experiments of the chapter.

Both loops train :math:`\hat y = X\mathbf{w} + b` with the half squared error
:math:`\ell = \tfrac12 (\hat y - y)^2`, evaluate that loss over the whole data set every 200
examples and return a :class:`TrainingHistory` (losses, seconds, examples seen).  They print
``loss: {final:.3f}`` only with ``verbose=True`` (the seconds stay in the history, so that a
stored notebook output holds no wall-clock figure; ``history.summary()`` gives the book's line
with them) and draw the live curve only with ``animate=True``.  The seconds count training only: evaluation and plotting happen with
the clock stopped.  :func:`least_squares_floor` is the loss no linear model can beat, (the figure that
draws recorded losses against it is :func:`d2lite.figures.plots.plot_loss_curves`).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from d2lite._checks import check_callable, check_int
from d2lite.book._book import EVAL_EVERY, ch11_line
from d2lite.book.plotting import Animator
from d2lite.book.timer import Timer

__all__ = ["linreg", "squared_loss", "init_linreg_params", "evaluate_loss", "TrainingHistory",
           "train_scratch", "train_concise", "least_squares_floor", "initial_linreg_loss"]

MAX_EPOCHS = 10_000
_EPOCHS_WHY = "a bound on the run's time: these loops are for small data sets"


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    r"""The linear model :math:`X\mathbf{w} + b`."""
    return X @ w + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""Half squared error per example, :math:`\tfrac12(\hat y - y)^2` (no reduction)."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def init_linreg_params(feature_dim: int, seed: int | None = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Weight ``(d, 1)`` drawn from N(0, 0.01^2) with its own generator, bias 0; both need grad.

    ``seed=None`` draws from torch's global generator instead, as the book's ``train_ch11`` does.
    """
    feature_dim = check_int("feature_dim", feature_dim)
    generator = None if seed is None else torch.Generator().manual_seed(int(seed))
    w = torch.normal(0.0, 0.01, size=(feature_dim, 1), generator=generator).requires_grad_(True)
    b = torch.zeros(1, requires_grad=True)
    return w, b


def evaluate_loss(net: Callable[[torch.Tensor], torch.Tensor], data_iter: DataLoader,
                  loss: Callable | None = None) -> float:
    """Mean loss of ``net`` over the whole data set behind ``data_iter``.

    ``loss(y_hat, y)`` returns one loss per example (the book's third argument); by default the
    half squared error :func:`squared_loss`.  ``y`` is reshaped to the shape of ``net(X)``.

    It reads the data set in order with a loader of its own, so it does not consume the
    training loader's shuffling generator: evaluating never changes the training batches.
    """
    dataset = data_iter.dataset
    loss = squared_loss if loss is None else loss
    with torch.no_grad():
        if isinstance(dataset, TensorDataset):  # the whole set in one batch: no per-item reads
            X, y = dataset.tensors
            out = net(X)
            return float(loss(out, y.reshape(out.shape)).mean())
        total, count = 0.0, 0
        for X, y in DataLoader(dataset, batch_size=1024, shuffle=False):
            out = net(X)
            values = loss(out, y.reshape(out.shape))
            total += float(values.sum())
            count += values.numel()
    return total / count


@dataclass(frozen=True)
class TrainingHistory:
    """What a training run returns: one entry per evaluation (every 200 examples, and at the
    end of the run when that is not a multiple of 200, so that the last loss is the final one).

    ``losses`` are the half squared errors over the whole data set, ``seconds`` the cumulative
    training time (evaluation excluded) and ``examples`` the number of examples seen when each
    loss was taken; ``seconds_per_epoch`` is the whole run's training time per epoch.
    """

    losses: list[float]
    seconds: list[float]
    examples: list[int]
    seconds_per_epoch: float

    def summary(self) -> str:
        """The line the book prints: ``loss: {final:.3f}, {sec:.3f} sec/epoch``."""
        return ch11_line(self.losses[-1], self.seconds_per_epoch)


def _check_run(hyperparams, data_iter, num_epochs) -> int:
    """The checks both trainers share; returns ``num_epochs``."""
    if not isinstance(hyperparams, Mapping):
        raise TypeError(f"hyperparams must be a dict such as {{'lr': 0.1}}, got {hyperparams!r}")
    if not isinstance(data_iter, DataLoader):
        raise TypeError(f"data_iter must be a torch DataLoader (from synthetic_linreg or "
                        f"load_airfoil), got {type(data_iter).__name__}")
    return check_int("num_epochs", num_epochs, maximum=MAX_EPOCHS, why=_EPOCHS_WHY)


def _fit(net, step: Callable[[torch.Tensor, torch.Tensor], None], data_iter: DataLoader,
         num_epochs: int, animate: bool | Animator, verbose: bool) -> TrainingHistory:
    """The loop both trainers share: step on each minibatch, evaluate every 200 examples.
    ``animate``: False (record only), True (the live curve) or the book facades' Animator."""
    book = isinstance(animate, Animator)  # the book's facades: its curve, its points only
    animator = animate if book else Animator(
        xlabel="epoch", ylabel="loss on the whole data set (half MSE)", xlim=(0, num_epochs),
        ylim=(0.0, None), live=None if animate else False)
    drawing = book or bool(animate)
    n, timer, times, losses, seen = 0, Timer(), [], [], []
    size = len(data_iter.dataset)

    def record():
        losses.append(evaluate_loss(net, data_iter))
        seen.append(n)
        if drawing:
            animator.add(n / size, losses[-1])

    for _ in range(num_epochs):
        for X, y in data_iter:
            step(X, y)
            n += X.shape[0]
            if n % EVAL_EVERY == 0:
                times.append(timer.sum() + timer.stop())
                record()
                timer.start()
    timer.stop()  # training after the last evaluation still counts towards sec/epoch
    if not seen or (seen[-1] != n and not book):  # the true final loss (n not a multiple of 200)
        times.append(timer.sum())
        record()
    history = TrainingHistory(losses, times, seen, timer.sum() / num_epochs)
    broken = [k for k, loss in zip(seen, losses) if not np.isfinite(loss)]
    why = (f"it became inf or NaN after {broken[0]} examples, epoch {broken[0] / size:.3g}: "
           f"the learning rate is too large") if broken else ""
    if verbose:
        print(f"loss: {history.losses[-1]:.3f}" + (f" ({why})" if broken else ""))
    elif broken:  # said once, never silent (verbose runs say it in their line)
        warnings.warn(f"the training loss: {why}", RuntimeWarning, stacklevel=3)
    return history


def train_scratch(trainer_fn: Callable, states: object, hyperparams: Mapping[str, float],
                  data_iter: DataLoader, feature_dim: int, num_epochs: int = 2,
                  animate: bool | Animator = False, seed: int | None = 0,
                  verbose: bool = False) -> TrainingHistory:
    """Train the linear model with a from-scratch optimiser such as :func:`d2lite.adagrad`.

    Each minibatch: the mean half squared error, ``backward()``, then
    ``trainer_fn([w, b], states, hyperparams)``, which updates in place and zeroes the gradients.
    The weight starts from N(0, 0.01^2) drawn with ``seed``, the bias from 0.  Returns the
    :class:`TrainingHistory`; ``animate`` draws the live loss curve (or, given an
    :class:`~d2lite.book.plotting.Animator`, adds the points to it), ``verbose`` prints the summary
    line.  ``seed=None`` draws the weight from torch's global generator, as the book does.
    """
    check_callable("trainer_fn", trainer_fn)
    num_epochs = _check_run(hyperparams, data_iter, num_epochs)
    feature_dim = check_int("feature_dim", feature_dim)
    dtype, model = data_iter.dataset[0][0].dtype, torch.get_default_dtype()
    if dtype != model:
        raise TypeError(f"data_iter must give examples of the model's dtype {model} (torch's "
                        f"default dtype), got {dtype}; make_loader(X.to({model}), y.to({model}), "
                        f"batch_size) converts them")
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

    return _fit(net, step, data_iter, num_epochs, animate, verbose)


def train_concise(optimizer_fn: Callable, hyperparams: Mapping[str, float], data_iter: DataLoader,
                  num_epochs: int = 4, animate: bool | Animator = False,
                  seed: int | None = 0, verbose: bool = False) -> TrainingHistory:
    """Train ``nn.Linear(d, 1)`` with a framework optimiser, e.g. ``torch.optim.Adagrad``.

    The optimiser is built as ``optimizer_fn(net.parameters(), **hyperparams)`` and minimises
    ``nn.MSELoss``; the reported losses are on the half-MSE scale of :func:`train_scratch`, and
    the initial weight equals the one :func:`train_scratch` draws with the same ``seed``.
    The MSE's gradient is twice the half squared error's: SGD here at ``lr`` steps like the
    from-scratch :func:`d2lite.sgd` at ``2 * lr``; Adagrad, scale-free, is unaffected (up to eps).
    """
    check_callable("optimizer_fn", optimizer_fn)
    num_epochs = _check_run(hyperparams, data_iter, num_epochs)
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

    return _fit(net, step, data_iter, num_epochs, animate, verbose)


def least_squares_floor(X: torch.Tensor | np.ndarray, y: torch.Tensor | np.ndarray) -> float:
    r"""The smallest mean half squared error any linear model :math:`X\mathbf{w} + b` reaches.

    Solved exactly by least squares (with a column of ones for the bias).  No optimiser on the
    training loss can go below it; with Gaussian label noise of standard deviation
    :math:`\sigma` it is close to :math:`\sigma^2/2`.

    >>> X = np.array([[0.0], [1.0], [2.0]])
    >>> least_squares_floor(X, 3 * X[:, 0] + 1) < 1e-20    # an exact line: nothing left over
    True
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"X must be a matrix with one row per label: X has shape {X.shape}, "
                         f"y has {len(y)} entries")
    design = np.column_stack([X, np.ones(len(X))])
    solution, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(np.mean((design @ solution - y) ** 2) / 2)


def initial_linreg_loss(X: torch.Tensor, y: torch.Tensor, seed: int = 0) -> float:
    """The loss (half MSE) of the model :func:`d2lite.train_scratch` starts from with ``seed``.

    That is, weights from :func:`d2lite.init_linreg_params` with ``seed`` and bias 0: the point
    at epoch 0 of every loss curve trained from that seed.
    """
    w, b = init_linreg_params(X.shape[1], seed)
    with torch.no_grad():
        return float(squared_loss(linreg(X, w, b), y).mean())


