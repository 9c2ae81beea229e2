r"""Image data sets for exercise 5: one that ships offline, and Fashion-MNIST from disk.

* :func:`load_digits_data`: scikit-learn's 8x8 handwritten digits (1,797 images that ship inside
  the package, so nothing is downloaded), scaled to :math:`[0, 1]`, split with stratification.
* :func:`load_fashion_mnist`: Fashion-MNIST from files already on disk (never downloads).
* :func:`train_validation_split`: carve a validation set out of a training loader, so a learning
  rate can be picked without looking at the test set.

The network and its training loop are in :mod:`d2lite.problems.classifier`.

Every loader shuffles with its own seeded :class:`torch.Generator`, so the same seed gives the
same batches and nothing depends on torch's global random state.

>>> train_iter, test_iter = load_digits_data(batch_size=64, seed=0)
>>> len(train_iter.dataset) + len(test_iter.dataset), tuple(next(iter(train_iter))[0].shape)
(1797, (64, 1, 8, 8))
"""
from __future__ import annotations

import gzip
import math
import os
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from d2lite._checks import check_float, check_int
from d2lite.book.data import make_loader

__all__ = ["load_digits_data", "load_fashion_mnist", "FASHION_MNIST_FILES",
           "train_validation_split"]

EVAL_BATCH_SIZE = 512

#: The four files of Fashion-MNIST (the same names as MNIST), each may also end in ``.gz``.
FASHION_MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def _eval_loader(X: torch.Tensor, y: torch.Tensor) -> DataLoader:
    return DataLoader(TensorDataset(X, y), batch_size=EVAL_BATCH_SIZE, shuffle=False)


def _stratified_split(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(kept, held_out)``: ``fraction`` of every class held out, chosen with ``seed``."""
    from sklearn.model_selection import train_test_split

    indices = np.arange(len(labels))
    kept, held_out = train_test_split(indices, test_size=fraction, random_state=seed,
                                      stratify=labels)
    return np.sort(kept), np.sort(held_out)


def load_digits_data(batch_size: int = 64, test_fraction: float = 0.25,
                     seed: int = 0) -> tuple[DataLoader, DataLoader]:
    r"""scikit-learn's 8x8 handwritten digits as ``(train_iter, test_iter)``.

    The 1,797 grey-scale images (pixel values 0 to 16) ship inside scikit-learn, so nothing is
    downloaded.  Pixels are divided by 16 into :math:`[0, 1]`; images have shape
    ``(N, 1, 8, 8)`` and dtype ``float32``, labels (0 to 9) dtype ``int64``.  A stratified split
    (each digit in the same proportion on both sides) holds out ``test_fraction`` of the images,
    chosen with ``seed``.  The training loader is shuffled with its own generator seeded with
    ``seed``; the test loader reads in order.

    >>> train_iter, test_iter = load_digits_data()
    >>> len(train_iter.dataset), len(test_iter.dataset)
    (1347, 450)
    """
    from sklearn.datasets import load_digits

    batch_size = check_int("batch_size", batch_size)
    test_fraction = check_float("test_fraction", test_fraction, strict=True, maximum=0.9)
    seed = check_int("seed", seed, minimum=0)
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    labels = digits.target.astype(np.int64)
    train_idx, test_idx = _stratified_split(labels, test_fraction, seed)
    X, y = torch.from_numpy(images), torch.from_numpy(labels)
    return (make_loader(X[train_idx], y[train_idx], batch_size, seed),
            _eval_loader(X[test_idx], y[test_idx]))


def train_validation_split(train_iter: DataLoader, validation_fraction: float = 0.2,
                           seed: int = 0) -> tuple[DataLoader, DataLoader]:
    """Split the data set behind ``train_iter`` into a smaller training set and a validation set.

    The split is stratified by label and seeded; the new training loader keeps the batch size
    and is shuffled with its own generator seeded with ``seed``, the validation loader reads in
    order.  Use it to pick a hyperparameter without ever looking at the test set.
    """
    if not isinstance(train_iter, DataLoader) or not isinstance(train_iter.dataset, TensorDataset):
        raise TypeError("train_iter must be a DataLoader over a TensorDataset (from "
                        f"load_digits_data or load_fashion_mnist), got {type(train_iter).__name__}")
    validation_fraction = check_float("validation_fraction", validation_fraction, strict=True,
                                      maximum=0.9)
    seed = check_int("seed", seed, minimum=0)
    X, y = train_iter.dataset.tensors
    train_idx, val_idx = _stratified_split(y.numpy(), validation_fraction, seed)
    return (make_loader(X[train_idx], y[train_idx], train_iter.batch_size, seed),
            _eval_loader(X[val_idx], y[val_idx]))


def _find_file(root: Path, stem: str) -> Path | None:
    for folder in (root, root / "FashionMNIST" / "raw", root / "raw"):
        for name in (stem, stem + ".gz"):
            if (folder / name).is_file():
                return folder / name
    return None


def _read_idx(path: Path, expected_dims: int) -> np.ndarray:
    """Read an IDX file (the MNIST format): a big-endian header, then unsigned bytes."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path}: not an IDX file (the first two bytes must be zero)")
    if data[2] != 0x08:
        raise ValueError(f"{path}: expected unsigned bytes (type code 0x08), got 0x{data[2]:02x}")
    if data[3] != expected_dims:
        raise ValueError(f"{path}: expected {expected_dims} dimension(s), the header says {data[3]}")
    header = 4 + 4 * expected_dims
    if len(data) < header:
        raise ValueError(f"{path}: the file ends inside its header")
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(expected_dims))
    count = math.prod(shape)
    if len(data) - header != count:
        raise ValueError(f"{path}: the header announces shape {shape} ({count} bytes), but "
                         f"{len(data) - header} bytes follow it")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def load_fashion_mnist(root: str | os.PathLike, batch_size: int = 64, seed: int = 0,
                       max_train: int | None = None) -> tuple[DataLoader, DataLoader]:
    """Fashion-MNIST from the four standard IDX files already on disk; it never downloads.

    ``root`` is a folder holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each may end in ``.gz``); the
    layout torchvision leaves behind, ``root/FashionMNIST/raw/``, is found too.  Pixels are
    scaled to :math:`[0, 1]`; images have shape ``(N, 1, 28, 28)`` (float32), labels int64.
    ``max_train`` keeps only the first images of the training set (for a quick run).  The
    training loader is shuffled with its own generator seeded with ``seed``.

    A missing file raises :class:`FileNotFoundError` naming the folder and the files expected;
    a malformed one raises :class:`ValueError` saying what is wrong.
    """
    batch_size = check_int("batch_size", batch_size)
    if max_train is not None:
        max_train = check_int("max_train", max_train)
    root = Path(root)
    paths = {key: _find_file(root, stem) for key, stem in FASHION_MNIST_FILES.items()}
    missing = [FASHION_MNIST_FILES[key] for key, path in paths.items() if path is None]
    if missing:
        expected = ", ".join(f"{stem}[.gz]" for stem in FASHION_MNIST_FILES.values())
        raise FileNotFoundError(
            f"Fashion-MNIST not found under {str(root)!r}: missing {', '.join(missing)}. "
            f"This loader never downloads; it expects the four IDX files {expected} in that "
            f"folder (or in its FashionMNIST/raw/ subfolder). Or use d2lite.load_digits_data(), "
            f"which needs no files.")
    arrays = {key: _read_idx(path, 3 if key.endswith("images") else 1) for key, path in paths.items()}
    loaders = []
    for part in ("train", "test"):
        images, labels = arrays[f"{part}_images"], arrays[f"{part}_labels"]
        if len(images) != len(labels):
            raise ValueError(f"{paths[part + '_images']} holds {len(images)} images but "
                             f"{paths[part + '_labels']} holds {len(labels)} labels")
        if part == "train" and max_train is not None:
            images, labels = images[:max_train], labels[:max_train]
        X = torch.from_numpy((images.astype(np.float32) / 255.0)[:, None, :, :])
        y = torch.from_numpy(labels.astype(np.int64))
        loaders.append(make_loader(X, y, batch_size, seed) if part == "train" else _eval_loader(X, y))
    return loaders[0], loaders[1]
