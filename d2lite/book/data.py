"""Data loaders for the linear-regression experiments: a synthetic set and the book's airfoil data.

Both return ``(data_iter, num_features)`` where ``data_iter`` is a shuffled
:class:`torch.utils.data.DataLoader` over ``(X, y)`` with ``X`` of shape ``(n, d)`` and ``y`` of
shape ``(n, 1)``.  Shuffling uses its own seeded generator, so the same seed gives the same
batches and nothing depends on torch's global random state.  Nothing is ever downloaded.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from d2lite._checks import check_array, check_float, check_int, check_seed
from d2lite.book.datasets import AIRFOIL_PATH, AIRFOIL_SOURCE, airfoil_arrays

__all__ = ["make_loader", "synthetic_linreg", "load_airfoil", "AIRFOIL_SOURCE"]


def make_loader(X: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int = 0) -> DataLoader:
    """A shuffled DataLoader over ``(X, y)`` whose order depends only on ``seed``.

    ``X`` holds ``n`` examples along its first dimension and ``y`` ``n`` labels; float entries
    must be finite. Tensors keep their dtype; NumPy arrays and lists become tensors, float32 when
    they hold floats (train_scratch's dtype) and int64 when they hold integers.
    """
    X, y = (_as_tensor(name, v) for name, v in (("X", X), ("y", y)))
    if X.ndim == 0 or y.ndim == 0 or len(y) != len(X) or len(X) == 0:
        raise ValueError(f"X and y must hold the same number n >= 1 of examples, got X of shape "
                         f"{tuple(X.shape)} and y of shape {tuple(y.shape)}")
    batch_size = check_int("batch_size", batch_size)
    generator = torch.Generator().manual_seed(check_seed("seed", seed))
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True,
                      generator=generator)


def _as_tensor(name: str, value) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        tensor = value
    elif np.issubdtype(np.asarray(value).dtype, np.integer):
        tensor = torch.as_tensor(np.asarray(value), dtype=torch.int64)
    else:
        tensor = torch.as_tensor(check_array(name, value, finite=False), dtype=torch.float32)
    if tensor.is_floating_point() and not torch.isfinite(tensor).all():
        raise ValueError(f"{name} must hold finite numbers only, got an inf or NaN entry")
    return tensor


def synthetic_linreg(batch_size: int = 10, num_examples: int = 1500, num_features: int = 5,
                     noise: float = 0.01, seed: int = 0) -> tuple[DataLoader, int]:
    r"""A linear-regression set made on the spot: :math:`y = X\mathbf{w} + b + \text{noise}`.

    Features are drawn from a standard normal and then standardised column by column (mean 0,
    population standard deviation 1); the true weights are drawn from a standard normal, the
    bias is 0.5 and ``noise`` is the standard deviation of the Gaussian noise on ``y``.
    Everything is seeded by ``seed``; the same seed gives the same data and the same batches.

    >>> data_iter, d = synthetic_linreg(seed=1)
    >>> d, len(data_iter.dataset)
    (5, 1500)
    """
    batch_size = check_int("batch_size", batch_size)
    num_examples = check_int("num_examples", num_examples, minimum=2)
    num_features = check_int("num_features", num_features)
    noise = check_float("noise", noise)
    rng = np.random.default_rng(check_seed("seed", seed))
    X = rng.standard_normal((num_examples, num_features))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    w_true = rng.standard_normal(num_features)
    y = X @ w_true + 0.5 + noise * rng.standard_normal(num_examples)
    X_t = torch.tensor(X, dtype=torch.float32)
    y_t = torch.tensor(y, dtype=torch.float32).reshape(-1, 1)
    return make_loader(X_t, y_t, batch_size, seed), num_features


def load_airfoil(path: str | os.PathLike | None = None, batch_size: int = 10, n: int = 1500,
                 seed: int = 0) -> tuple[DataLoader, int]:
    """The NASA airfoil self-noise data (the book's data set), shipped with d2lite.

    ``path`` defaults to the copy inside the package (:data:`d2lite.book.datasets.AIRFOIL_PATH`); any
    other file must have the same layout: six tab-separated numeric columns and no header, five
    features and the target (sound pressure in dB) last.  Every column is standardised with the
    mean and the population standard deviation of *all* rows, then the first ``n`` rows are kept.
    It never downloads: a missing file raises :class:`FileNotFoundError` naming the path and
    where the data is published, a malformed one :class:`ValueError` naming the line.

    >>> data_iter, d = load_airfoil()
    >>> d, len(data_iter.dataset)
    (5, 1500)
    """
    batch_size = check_int("batch_size", batch_size)
    n = check_int("n", n)
    check_seed("seed", seed)
    path = AIRFOIL_PATH if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no airfoil data at {str(path)!r}; this loader never downloads. "
                                f"The data is published by {AIRFOIL_SOURCE} (the UCI Machine "
                                f"Learning Repository), and d2lite ships a copy: call "
                                f"load_airfoil() with no path to use it.")
    features, labels = airfoil_arrays(n, path, dtype="float64")
    return (make_loader(torch.tensor(features, dtype=torch.float32),
                        torch.tensor(labels, dtype=torch.float32), batch_size, seed),
            features.shape[1])


