"""The MXNet tab of the Adagrad chapter: ``from d2lite import mxnet as d2l``.

Every name the chapter's MXNet cells use, with the book's signatures and what the book shows:
``train_2d`` prints ``epoch 20, x1: ..., x2: ...``, ``train_ch11`` and ``train_concise_ch11``
draw the loss curve and print ``loss: L, T sec/epoch``.  Written in MXNet's NumPy interface
(``from mxnet import np, npx; npx.set_np()``), with ``autograd`` and Gluon, as ``d2l.mxnet`` is;
the data is the airfoil file shipped with d2lite (no download).  It imports MXNet, NumPy,
matplotlib and d2lite's framework-free parts, never PyTorch, so it runs in an environment that
has MXNet 1.9 (which needs NumPy < 1.24) and no torch.

The examples below run in such an environment (``make frameworks`` runs them there):

>>> data_iter, feature_dim = get_data_ch11(batch_size=10)
>>> feature_dim, len(data_iter)
(5, 150)
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from mxnet import autograd, gluon, init, np, npx
from mxnet.gluon import nn

from d2lite.book import datasets
from d2lite.book._book import (EVAL_EVERY, Accumulator, Animator, Timer, ch11_animator, ch11_line,  # noqa: F401
                    check_hyperparams, set_figsize, show_trace_2d, train_2d)
from d2lite.book._book import __getattr__ as _book_getattr
from d2lite._checks import check_callable, check_int

npx.set_np()

__all__ = ["Accumulator", "Animator", "Timer", "plt", "set_figsize", "show_trace_2d",
           "train_2d", "zeros", "ones", "size", "reduce_sum", "reshape", "matmul", "load_array",
           "get_data_ch11", "linreg", "squared_loss", "evaluate_loss", "train_ch11",
           "train_concise_ch11"]

#: The book's one-line aliases (``d2l.zeros`` and friends) for MXNet's NumPy interface.
zeros = np.zeros
ones = np.ones
matmul = np.dot


def __getattr__(name: str) -> Any:
    return _book_getattr(name)  # plt, imported on first use


def size(a: np.ndarray) -> int:
    """Number of elements of ``a`` (the book's ``d2l.size``).

    >>> size(zeros((2, 3)))
    6
    """
    return a.size


def reduce_sum(a: np.ndarray, axis: int | None = None) -> np.ndarray:
    """Sum of ``a`` (the book's ``d2l.reduce_sum``).

    >>> float(reduce_sum(ones(4)))
    4.0
    """
    return a.sum(axis=axis)


def reshape(a: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """``a`` with a new shape (the book's ``d2l.reshape``).

    >>> reshape(zeros(6), (2, 3)).shape
    (2, 3)
    """
    return a.reshape(shape)


def load_array(data_arrays: Sequence[Any], batch_size: int,
               is_train: bool = True) -> gluon.data.DataLoader:
    """A Gluon ``DataLoader`` over ``data_arrays``, shuffled each epoch when ``is_train``.

    >>> it = load_array((zeros((4, 2)), zeros(4)), batch_size=2)
    >>> [X.shape for X, _ in it]
    [(2, 2), (2, 2)]
    """
    batch_size = check_int("batch_size", batch_size)
    dataset = gluon.data.ArrayDataset(*data_arrays)
    return gluon.data.DataLoader(dataset, batch_size, shuffle=is_train)


def get_data_ch11(batch_size: int = 10, n: int = 1500) -> tuple[gluon.data.DataLoader, int]:
    """The first ``n`` airfoil examples, standardised as the book does, in minibatches.

    Returns ``(data_iter, feature_dim)`` like ``d2l.get_data_ch11``; the labels are a vector.

    >>> data_iter, feature_dim = get_data_ch11(batch_size=100, n=300)
    >>> X, y = next(iter(data_iter))
    >>> X.shape, y.shape, feature_dim
    ((100, 5), (100,), 5)
    """
    features, labels = datasets.airfoil_arrays(n=n)
    return load_array((np.array(features), np.array(labels[:, 0])), batch_size,
                      is_train=True), features.shape[1]


def linreg(X: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The linear regression model ``X w + b``.

    >>> linreg(ones((2, 3)), ones((3, 1)), zeros(1)).tolist()
    [[3.0], [3.0]]
    """
    return matmul(X, w) + b


def squared_loss(y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Half the squared error per example, ``y`` reshaped like ``y_hat``.

    >>> squared_loss(ones((2, 1)), zeros(2)).tolist()
    [[0.5], [0.5]]
    """
    return (y_hat - reshape(y, y_hat.shape)) ** 2 / 2


def evaluate_loss(net: Callable, data_iter: Any, loss: Callable) -> float:
    """The mean of ``loss(net(X), y)`` over every example of ``data_iter``.

    >>> it = load_array((ones((4, 1)), zeros(4)), batch_size=2, is_train=False)
    >>> evaluate_loss(lambda X: X, it, squared_loss)
    0.5
    """
    metric = Accumulator(2)  # sum of the losses, number of examples
    for X, y in data_iter:
        l = loss(net(X), y)
        metric.add(float(reduce_sum(l)), size(l))
    return metric[0] / metric[1]


def train_ch11(trainer_fn: Callable, states: Any, hyperparams: Mapping[str, float],
               data_iter: gluon.data.DataLoader, feature_dim: int,
               num_epochs: int = 2) -> tuple[list[float], list[float]]:
    """Train a linear model with the from-scratch ``trainer_fn(params, states, hyperparams)``.

    The weight starts from N(0, 0.01^2), the bias at 0; every 200 examples the loss over the
    whole data set goes on the live curve.  Prints ``loss: L, T sec/epoch`` and returns the
    cumulative times and the losses.  ``hyperparams`` is the dict the book's from-scratch
    code reads (``{'lr': 0.1}``).

    >>> def sgd(params, states, hyperparams):
    ...     for p in params:
    ...         p[:] -= hyperparams['lr'] * p.grad
    >>> data_iter, feature_dim = get_data_ch11(batch_size=10, n=400)
    >>> times, losses = train_ch11(sgd, None, {'lr': 0.05}, data_iter, feature_dim)  # doctest: +ELLIPSIS
    loss: 0..., ... sec/epoch
    >>> len(losses), len(times)
    (4, 4)
    """
    trainer_fn = check_callable("trainer_fn", trainer_fn)
    check_hyperparams(hyperparams, "MXNet (from scratch)", "lr", "learning_rate")
    feature_dim, num_epochs = check_int("feature_dim", feature_dim), check_int("num_epochs", num_epochs)
    w = np.random.normal(scale=0.01, size=(feature_dim, 1))
    b = np.zeros(1)
    w.attach_grad()
    b.attach_grad()
    net, loss = lambda X: linreg(X, w, b), squared_loss
    animator = ch11_animator(num_epochs)
    n, timer = 0, Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            with autograd.record():
                l = loss(net(X), y).mean()
            l.backward()
            trainer_fn([w, b], states, hyperparams)
            n += X.shape[0]
            if n % EVAL_EVERY == 0:
                timer.stop()
                animator.add(n / X.shape[0] / len(data_iter),
                             (evaluate_loss(net, data_iter, loss),))
                timer.start()
    print(ch11_line(animator.Y[0][-1], timer.sum() / num_epochs))
    return timer.cumsum(), animator.Y[0]


def train_concise_ch11(tr_name: str, hyperparams: Mapping[str, float],
                       data_iter: gluon.data.DataLoader, num_epochs: int = 2) -> None:
    """Train ``nn.Dense(1)`` with ``gluon.Trainer(params, tr_name, hyperparams)``.

    ``tr_name`` is the name of a Gluon optimizer (``'adagrad'``) and ``hyperparams`` its
    settings, ``{'learning_rate': 0.1}``.  Draws the live loss curve and prints
    ``loss: L, T sec/epoch``; returns nothing, as the book's does.

    >>> train_concise_ch11('adagrad', {'lr': 0.1}, None)
    Traceback (most recent call last):
    ...
    ValueError: the MXNet (gluon.Trainer) tab names the learning rate 'learning_rate', not 'lr': write {'learning_rate': 0.1}, got {'lr': 0.1}
    """
    if not isinstance(tr_name, str):
        raise TypeError(f"tr_name must be the name of a Gluon optimizer such as 'adagrad', "
                        f"got {type(tr_name).__name__}")
    check_hyperparams(hyperparams, "MXNet (gluon.Trainer)", "learning_rate", "lr", required=False)
    num_epochs = check_int("num_epochs", num_epochs)
    net = nn.Sequential()
    net.add(nn.Dense(1))
    net.initialize(init.Normal(sigma=0.01))
    trainer = gluon.Trainer(net.collect_params(), tr_name, hyperparams)
    loss = gluon.loss.L2Loss()
    animator = ch11_animator(num_epochs)
    n, timer = 0, Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            with autograd.record():
                l = loss(net(X), y)
            l.backward()
            trainer.step(X.shape[0])
            n += X.shape[0]
            if n % EVAL_EVERY == 0:
                timer.stop()
                animator.add(n / X.shape[0] / len(data_iter),
                             (evaluate_loss(net, data_iter, loss),))
                timer.start()
    print(ch11_line(animator.Y[0][-1], timer.sum() / num_epochs))

