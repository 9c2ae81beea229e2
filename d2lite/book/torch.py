"""The book's PyTorch tab of section 12.7, run as printed: ``from d2lite import torch as d2l``.

Every name the chapter's PyTorch cells use, with the book's signatures and what the book shows:
:func:`train_2d` and :func:`show_trace_2d` (from :mod:`d2lite.book._book`), ``zeros`` and the book's
other tensor aliases, :func:`get_data_ch11` (the airfoil data shipped with d2lite, standardised
as the book does; nothing is downloaded), :func:`train_ch11` and :func:`train_concise_ch11`, which
draw the live loss curve, print ``loss: L, T sec/epoch`` and return what the book's return.  The
two loops are :func:`d2lite.book.training.train_scratch` and :func:`d2lite.book.training.train_concise`
(one loop, shared), given the book's curve and torch's global random generator, so
``torch.manual_seed`` makes a run repeatable as it does the book's.

Unlike the book's ``d2l.torch`` it imports no torchvision, pandas or requests.

>>> import torch
>>> from d2lite import torch as d2l
>>> data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
>>> feature_dim, len(data_iter.dataset)
(5, 1500)
>>> d2l.zeros((feature_dim, 1)).shape
torch.Size([5, 1])
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import torch
from torch import nn  # noqa: F401  (the book's d2l.torch exposes nn)
from torch.utils.data import DataLoader, TensorDataset

from d2lite.book._book import (EVAL_EVERY, Accumulator, Animator, Timer, ch11_animator, ch11_line,  # noqa: F401
                    check_hyperparams, set_figsize, show_trace_2d, train_2d)
from d2lite.book._book import __getattr__ as _book_getattr
from d2lite.book.datasets import airfoil_arrays
from d2lite.book.training import evaluate_loss, linreg, squared_loss, train_concise, train_scratch

__all__ = ["train_2d", "show_trace_2d", "set_figsize", "plt", "Timer", "Accumulator", "Animator",
           "zeros", "ones", "tensor", "arange", "meshgrid", "matmul", "normal", "reshape",
           "reduce_sum", "size", "numpy", "float32", "load_array", "linreg", "squared_loss",
           "evaluate_loss", "get_data_ch11", "train_ch11", "train_concise_ch11"]

# The book's tensor aliases (d2l/torch.py), so that its cells read the same in every tab.
zeros, ones, tensor, arange = torch.zeros, torch.ones, torch.tensor, torch.arange
meshgrid, matmul, normal, float32 = torch.meshgrid, torch.matmul, torch.normal, torch.float32


def reshape(x: torch.Tensor, *args) -> torch.Tensor:
    """``x.reshape(*args)``, the book's ``d2l.reshape``."""
    return x.reshape(*args)


def reduce_sum(x: torch.Tensor, *args) -> torch.Tensor:
    """``x.sum(*args)``, the book's ``d2l.reduce_sum``."""
    return x.sum(*args)


def size(x: torch.Tensor) -> int:
    """The number of elements of ``x``, the book's ``d2l.size``."""
    return x.numel()


def numpy(x: torch.Tensor):
    """``x`` as a NumPy array (detached), the book's ``d2l.numpy``."""
    return x.detach().numpy()


def __getattr__(name: str):
    return _book_getattr(name)  # plt, imported on first use


def load_array(data_arrays: Sequence[torch.Tensor], batch_size: int,
               is_train: bool = True) -> DataLoader:
    """The book's ``load_array``: a DataLoader over the tensors, shuffled when ``is_train``.

    The shuffling draws from torch's global generator, as the book's does.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive whole number, got {batch_size!r}")
    return DataLoader(TensorDataset(*data_arrays), batch_size, shuffle=is_train)


def get_data_ch11(batch_size: int = 10, n: int = 1500) -> tuple[DataLoader, int]:
    """The book's ``get_data_ch11``: the airfoil data, standardised, ``(data_iter, 5)``.

    Reads the copy shipped inside d2lite (:func:`d2lite.book.datasets.airfoil_arrays`: every column
    standardised over all 1,503 rows in float32, then the first ``n`` rows kept), never a
    download.  The labels have shape ``(n,)``, as in the book.
    """
    features, labels = airfoil_arrays(n, dtype="float32")
    data_iter = load_array((torch.from_numpy(features), torch.from_numpy(labels[:, 0])),
                           batch_size, is_train=True)
    return data_iter, features.shape[1]


def train_ch11(trainer_fn: Callable, states: object, hyperparams: Mapping[str, float],
               data_iter: DataLoader, feature_dim: int,
               num_epochs: int = 2) -> tuple[list[float], list[float]]:
    """The book's ``train_ch11``: the linear model trained with a from-scratch optimiser.

    ``trainer_fn(params, states, hyperparams)`` updates ``[w, b]`` in place.  Draws the loss over
    the whole data set every 200 examples on a live curve, prints ``loss: L, T sec/epoch`` and
    returns the cumulative training seconds and the losses at those evaluations.
    ``hyperparams`` must name the learning rate ``'lr'``, the PyTorch tab's name.
    """
    check_hyperparams(hyperparams, "PyTorch", "lr", "learning_rate")
    history = train_scratch(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs,
                            animate=ch11_animator(num_epochs), seed=None)
    print(ch11_line(history.losses[-1], history.seconds_per_epoch))
    return history.seconds, history.losses


def train_concise_ch11(trainer_fn: Callable, hyperparams: Mapping[str, float],
                       data_iter: DataLoader, num_epochs: int = 4) -> None:
    """The book's ``train_concise_ch11``: ``nn.Linear(5, 1)`` trained with a torch optimiser.

    The optimiser is ``trainer_fn(net.parameters(), **hyperparams)``, e.g.
    ``torch.optim.Adagrad`` with ``{'lr': 0.1}``.  Draws the live curve of the half MSE and
    prints ``loss: L, T sec/epoch``; returns None, as the book's does.  Unlike the book's, the
    bias starts at 0 (the book leaves torch's uniform initialisation).
    """
    check_hyperparams(hyperparams, "PyTorch", "lr", "learning_rate", required=False)
    history = train_concise(trainer_fn, hyperparams, data_iter, num_epochs,
                            animate=ch11_animator(num_epochs), seed=None)
    print(ch11_line(history.losses[-1], history.seconds_per_epoch))
