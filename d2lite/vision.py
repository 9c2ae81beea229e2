r"""A small image data set that ships offline, a LeNet-style network, and its training loop.

* :func:`load_digits_data`: scikit-learn's 8x8 handwritten digits (1,797 images that ship inside
  the package, so nothing is downloaded), scaled to :math:`[0, 1]`, split with stratification.
* :func:`load_fashion_mnist`: Fashion-MNIST from files already on disk (never downloads).
* :func:`train_validation_split`: carve a validation set out of a training loader, so a learning
  rate can be picked without looking at the test set.
* :func:`lenet`: conv, pool, conv, pool, three dense layers, sized for 8x8 or 28x28 input.
* :func:`train_classifier`: minibatch training with the cross-entropy loss; returns the
  per-epoch curves.

Every loader shuffles with its own seeded :class:`torch.Generator`, so the same seed gives the
same batches and nothing depends on torch's global random state.
"""
from __future__ import annotations

import gzip
import math
import os
import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from ._checks import check_float, check_int
from .data import make_loader

__all__ = ["load_digits_data", "load_fashion_mnist", "FASHION_MNIST_FILES",
           "train_validation_split", "lenet", "evaluate_classifier", "train_classifier"]

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


def lenet(num_classes: int = 10, in_channels: int = 1, image_size: int = 8,
          seed: int | None = None) -> nn.Module:
    r"""A LeNet-style convolutional network: conv, pool, conv, pool, then three dense layers.

    For ``image_size >= 16`` it is the classic LeNet-5 layout (5x5 kernels, 6 and 16 channels;
    for 28x28 input the dense part starts from :math:`16 \times 5 \times 5 = 400` features).
    For smaller images (the 8x8 digits) the kernels are 3x3 with padding 1, so the two 2x2
    poolings take 8x8 to 4x4 to 2x2 and the dense part starts from :math:`16 \times 2 \times 2`.
    Activations are ReLU.  With ``seed`` the initial weights depend only on ``seed`` (torch's
    global random state is left as it was).

    >>> net = lenet()
    >>> net(torch.zeros(5, 1, 8, 8)).shape
    torch.Size([5, 10])
    """
    num_classes = check_int("num_classes", num_classes, minimum=2)
    in_channels = check_int("in_channels", in_channels)
    image_size = check_int("image_size", image_size, minimum=4)
    if image_size >= 16:
        kernel, padding, side = 5, (2, 0), (image_size // 2 - 4) // 2
    else:
        kernel, padding, side = 3, (1, 1), (image_size // 2) // 2

    def build() -> nn.Sequential:
        return nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=kernel, padding=padding[0]), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(6, 16, kernel_size=kernel, padding=padding[1]), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(16 * side * side, 120), nn.ReLU(),
            nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, num_classes))

    if seed is None:
        return build()
    seed = check_int("seed", seed, minimum=0)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build()


def evaluate_classifier(net: nn.Module, data_iter: DataLoader) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``net`` over the whole data set behind ``data_iter``.

    Reads the data set in order with a loader of its own (the training loader's shuffling is
    not disturbed) and puts ``net`` back in the mode it was in.
    """
    was_training = net.training
    net.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in DataLoader(data_iter.dataset, batch_size=EVAL_BATCH_SIZE, shuffle=False):
            logits = net(X)
            total_loss += float(nn.functional.cross_entropy(logits, y, reduction="sum"))
            correct += int((logits.argmax(dim=1) == y).sum())
            count += len(y)
    net.train(was_training)
    return total_loss / count, correct / count


def train_classifier(net: nn.Module, optimizer: torch.optim.Optimizer, train_iter: DataLoader,
                     test_iter: DataLoader, num_epochs: int, *, seed: int | None = 0,
                     verbose: bool = False, num_threads: int | None = 1,
                     on_step: Callable[[torch.optim.Optimizer], None] | None = None) -> dict:
    r"""Train ``net`` with ``optimizer`` on the cross-entropy loss; return the per-epoch curves.

    Returns a dict of lists, one entry per epoch:

    * ``"train_loss"``: the mean minibatch loss during the epoch,
    * ``"test_loss"``, ``"test_acc"``: cross-entropy and accuracy on ``test_iter`` after it,
    * ``"epoch_seconds"``: training time of the epoch (evaluation excluded; not deterministic).

    With ``seed`` (the default) the minibatch order depends only on ``seed``: the training set is
    read through a new loader with the same batch size, shuffled by its own generator, so two
    calls give the same batches whatever was drawn before; ``seed=None`` uses ``train_iter`` as
    it is.  A loss that becomes inf or NaN stops the run, and the remaining epochs are filled
    with NaN (so a learning-rate grid can go on).  Prints one line per epoch only when
    ``verbose``.  ``on_step(optimizer)``, when given, is called after every step (to record the
    optimizer's state, for example).

    ``num_threads`` sets torch's intra-op threads for the run and restores the old setting after:
    a network this small trains fastest on one thread (handing tiny pieces of work between
    threads costs more than the work, badly so on a busy machine); ``None`` leaves it alone.
    """
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be a torch.nn.Module, got {type(net).__name__}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    for name, loader in (("train_iter", train_iter), ("test_iter", test_iter)):
        if not isinstance(loader, DataLoader):
            raise TypeError(f"{name} must be a torch DataLoader (from load_digits_data or "
                            f"load_fashion_mnist), got {type(loader).__name__}")
    num_epochs = check_int("num_epochs", num_epochs)
    if num_threads is not None:
        num_threads = check_int("num_threads", num_threads)
    if seed is not None:
        seed = check_int("seed", seed, minimum=0)
    previous_threads = torch.get_num_threads()
    if num_threads is not None:
        torch.set_num_threads(num_threads)
    try:
        return _train_epochs(net, optimizer, train_iter, test_iter, num_epochs, seed, verbose,
                             on_step)
    finally:
        torch.set_num_threads(previous_threads)


def _train_epochs(net, optimizer, train_iter, test_iter, num_epochs, seed, verbose,
                  on_step) -> dict:
    if seed is not None:
        train_iter = DataLoader(train_iter.dataset, batch_size=train_iter.batch_size, shuffle=True,
                                generator=torch.Generator().manual_seed(seed))
    history: dict[str, list[float]] = {"train_loss": [], "test_loss": [], "test_acc": [],
                                       "epoch_seconds": []}
    loss_fn = nn.CrossEntropyLoss()
    diverged = False
    for epoch in range(num_epochs):
        if diverged:
            for key in ("train_loss", "test_loss", "test_acc"):
                history[key].append(math.nan)
            history["epoch_seconds"].append(0.0)
            continue
        net.train()
        start = time.perf_counter()
        total, batches = 0.0, 0
        for X, y in train_iter:
            loss = loss_fn(net(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if on_step is not None:
                on_step(optimizer)
            value = loss.item()
            total += value
            batches += 1
            if not math.isfinite(value):
                diverged = True
                break
        history["epoch_seconds"].append(time.perf_counter() - start)
        history["train_loss"].append(total / batches if not diverged else math.nan)
        if diverged:
            history["test_loss"].append(math.nan)
            history["test_acc"].append(math.nan)
        else:
            test_loss, test_acc = evaluate_classifier(net, test_iter)
            history["test_loss"].append(test_loss)
            history["test_acc"].append(test_acc)
        if verbose:
            if diverged:
                print(f"epoch {epoch + 1}: the loss became inf or NaN; stopping "
                      f"(the learning rate is too large)")
            else:
                print(f"epoch {epoch + 1}, train loss {history['train_loss'][-1]:.4f}, "
                      f"test loss {history['test_loss'][-1]:.4f}, "
                      f"test acc {history['test_acc'][-1]:.4f}")
    return history
