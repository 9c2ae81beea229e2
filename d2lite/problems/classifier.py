r"""A LeNet-style network for exercise 5 and its training loop, on the loaders of :mod:`d2lite.problems.vision`.

* :func:`lenet`: conv, pool, conv, pool, three dense layers, sized for 8x8 or 28x28 input.
* :func:`evaluate_classifier`: cross-entropy and accuracy over a whole data set.
* :func:`train_classifier`: minibatch training with the cross-entropy loss; returns the
  per-epoch curves and prints only when asked (``verbose``).
"""
from __future__ import annotations

import math
import time
from typing import Callable

import torch
from torch import nn
from torch.utils.data import DataLoader

from d2lite._checks import check_int
from d2lite.problems.vision import EVAL_BATCH_SIZE

__all__ = ["lenet", "evaluate_classifier", "train_classifier"]


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
