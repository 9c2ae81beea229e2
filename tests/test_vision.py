"""Tests for d2lite.problems.vision: the digits loader, the Fashion-MNIST reader, LeNet, the training loop."""
from __future__ import annotations

import gzip
import math

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from d2lite.problems import classifier, vision
from d2lite.problems.classifier import evaluate_classifier, lenet, train_classifier
from d2lite.problems.vision import (FASHION_MNIST_FILES, load_digits_data, load_fashion_mnist,
                           train_validation_split)


# ---------------------------------------------------------------- digits


def test_digits_shapes_dtypes_and_range():
    train_iter, test_iter = load_digits_data(batch_size=32)
    X_train, y_train = train_iter.dataset.tensors
    X_test, y_test = test_iter.dataset.tensors
    reference = load_digits()
    assert len(X_train) + len(X_test) == len(reference.target)
    assert X_train.shape[1:] == (1, 8, 8) and X_test.shape[1:] == (1, 8, 8)
    assert X_train.dtype == torch.float32 and y_train.dtype == torch.int64
    assert float(X_train.min()) >= 0.0 and float(X_train.max()) == pytest.approx(1.0)
    assert next(iter(train_iter))[0].shape == (32, 1, 8, 8)
    # the split is a partition of the data set: every original image appears exactly once
    all_images = torch.cat([X_train, X_test]).reshape(-1, 64).numpy() * 16
    original = reference.data.astype(np.float32)
    assert sorted(map(bytes, all_images.astype(np.uint8))) == sorted(map(bytes, original.astype(np.uint8)))


def test_digits_split_is_stratified_and_seeded():
    _, test_iter = load_digits_data(test_fraction=0.25, seed=0)
    y_test = test_iter.dataset.tensors[1].numpy()
    class_counts = np.bincount(load_digits().target)
    # each class is held out in proportion, up to one image of rounding
    assert np.all(np.abs(np.bincount(y_test, minlength=10) - 0.25 * class_counts) <= 1)
    again = load_digits_data(seed=0)[1].dataset.tensors[0]
    other = load_digits_data(seed=1)[1].dataset.tensors[0]
    assert torch.equal(again, test_iter.dataset.tensors[0])
    assert not torch.equal(other, test_iter.dataset.tensors[0])


def test_digits_training_batches_depend_only_on_seed():
    torch.manual_seed(123)
    first = next(iter(load_digits_data(seed=3)[0]))[1]
    torch.manual_seed(456)
    second = next(iter(load_digits_data(seed=3)[0]))[1]
    assert torch.equal(first, second)


@pytest.mark.parametrize("kwargs, error", [({"batch_size": 0}, ValueError),
                                           ({"batch_size": 2.5}, TypeError),
                                           ({"test_fraction": 0.0}, ValueError),
                                           ({"test_fraction": 1.0}, ValueError),
                                           ({"seed": -1}, ValueError)])
def test_digits_bad_arguments(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        load_digits_data(**kwargs)


def test_train_validation_split_partitions_the_training_set():
    train_iter, _ = load_digits_data(batch_size=16)
    fit_iter, val_iter = train_validation_split(train_iter, 0.2, seed=0)
    n = len(train_iter.dataset)
    assert len(fit_iter.dataset) + len(val_iter.dataset) == n
    assert len(val_iter.dataset) == pytest.approx(0.2 * n, abs=1)
    assert fit_iter.batch_size == 16
    with pytest.raises(TypeError, match="train_iter"):
        train_validation_split([1, 2, 3])
    with pytest.raises(ValueError, match="validation_fraction"):
        train_validation_split(train_iter, 0.0)


# ---------------------------------------------------------------- Fashion-MNIST on disk


def _write_idx(path, array: np.ndarray, compress: bool) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    payload = header + array.astype(np.uint8).tobytes()
    if compress:
        with gzip.open(str(path) + ".gz", "wb") as handle:
            handle.write(payload)
    else:
        path.write_bytes(payload)


def _write_fashion(folder, n_train=12, n_test=5, compress=True, seed=0):
    rng = np.random.default_rng(seed)
    arrays = {"train_images": rng.integers(0, 256, (n_train, 28, 28)),
              "train_labels": rng.integers(0, 10, n_train),
              "test_images": rng.integers(0, 256, (n_test, 28, 28)),
              "test_labels": rng.integers(0, 10, n_test)}
    folder.mkdir(parents=True, exist_ok=True)
    for key, array in arrays.items():
        _write_idx(folder / FASHION_MNIST_FILES[key], array, compress)
    return arrays


@pytest.mark.parametrize("compress", [True, False])
def test_fashion_mnist_reads_what_was_written(tmp_path, compress):
    arrays = _write_fashion(tmp_path, compress=compress)
    train_iter, test_iter = load_fashion_mnist(tmp_path, batch_size=4)
    X_train, y_train = train_iter.dataset.tensors
    X_test, y_test = test_iter.dataset.tensors
    assert X_train.shape == (12, 1, 28, 28) and X_train.dtype == torch.float32
    np.testing.assert_allclose(X_train[:, 0].numpy(), arrays["train_images"] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y_train.numpy(), arrays["train_labels"])
    np.testing.assert_allclose(X_test[:, 0].numpy(), arrays["test_images"] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y_test.numpy(), arrays["test_labels"])
    assert y_test.dtype == torch.int64


def test_fashion_mnist_finds_the_torchvision_layout_and_limits_training_size(tmp_path):
    _write_fashion(tmp_path / "FashionMNIST" / "raw", n_train=20)
    train_iter, _ = load_fashion_mnist(tmp_path, max_train=7)
    assert len(train_iter.dataset) == 7


def test_fashion_mnist_missing_files_name_the_path_and_the_files(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_fashion_mnist(tmp_path / "nowhere")
    message = str(info.value)
    assert "nowhere" in message and "never downloads" in message
    for stem in FASHION_MNIST_FILES.values():
        assert stem in message
    # one file missing: only that one is reported as missing
    _write_fashion(tmp_path)
    (tmp_path / (FASHION_MNIST_FILES["test_labels"] + ".gz")).unlink()
    with pytest.raises(FileNotFoundError, match="missing t10k-labels-idx1-ubyte\\."):
        load_fashion_mnist(tmp_path)


def test_fashion_mnist_malformed_files(tmp_path):
    _write_fashion(tmp_path, compress=False)
    labels = tmp_path / FASHION_MNIST_FILES["train_labels"]
    labels.write_bytes(labels.read_bytes()[:-1])  # one label short of the header's count
    with pytest.raises(ValueError, match="bytes follow"):
        load_fashion_mnist(tmp_path)
    _write_idx(labels, np.zeros(11), compress=False)  # 12 images, 11 labels
    with pytest.raises(ValueError, match="12 images but .* 11 labels"):
        load_fashion_mnist(tmp_path)
    labels.write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="not an IDX file"):
        load_fashion_mnist(tmp_path)


# ---------------------------------------------------------------- LeNet


def _classic_lenet_parameter_count(in_channels=1, classes=10):
    # LeNet-5 on 28x28 with padding 2: conv 5x5 (6), conv 5x5 (16), 400 -> 120 -> 84 -> classes
    return ((in_channels * 25 + 1) * 6 + (6 * 25 + 1) * 16 + (400 + 1) * 120 + (120 + 1) * 84
            + (84 + 1) * classes)


def test_lenet_shapes_and_classic_size():
    assert lenet()(torch.zeros(3, 1, 8, 8)).shape == (3, 10)
    net28 = lenet(image_size=28)
    assert net28(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert sum(p.numel() for p in net28.parameters()) == _classic_lenet_parameter_count()
    assert lenet(num_classes=3, in_channels=3, image_size=12)(torch.zeros(1, 3, 12, 12)).shape == (1, 3)
    assert any(isinstance(m, torch.nn.Conv2d) for m in lenet().modules())
    assert any(isinstance(m, torch.nn.MaxPool2d) for m in lenet().modules())


def test_lenet_seed_fixes_weights_and_leaves_global_rng_alone():
    state = torch.random.get_rng_state()
    a, b, c = lenet(seed=5), lenet(seed=5), lenet(seed=6)
    assert torch.equal(torch.random.get_rng_state(), state)
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)
    assert not all(torch.equal(pa, pc) for pa, pc in zip(a.parameters(), c.parameters()))


@pytest.mark.parametrize("kwargs", [{"num_classes": 1}, {"image_size": 3}, {"in_channels": 0}])
def test_lenet_bad_arguments(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        lenet(**kwargs)


# ---------------------------------------------------------------- training


def test_train_classifier_learns_and_is_deterministic(capsys):
    train_iter, test_iter = load_digits_data()
    runs = []
    for _ in range(2):
        net = lenet(seed=0)
        runs.append(train_classifier(net, torch.optim.Adam(net.parameters(), lr=0.003),
                                     train_iter, test_iter, num_epochs=4))
    assert capsys.readouterr().out == ""
    history = runs[0]
    assert set(history) >= {"train_loss", "test_loss", "test_acc"}
    assert all(len(history[k]) == 4 for k in ("train_loss", "test_loss", "test_acc"))
    assert history["train_loss"][-1] < history["train_loss"][0] < math.log(10) + 0.1
    assert history["test_acc"][-1] > 0.6  # chance is 0.1
    for key in ("train_loss", "test_loss", "test_acc"):
        assert runs[0][key] == runs[1][key]
    # the stored test numbers agree with an independent evaluation of the final network
    X, y = test_iter.dataset.tensors
    with torch.no_grad():
        logits = net(X)
    assert history["test_acc"][-1] == pytest.approx(float((logits.argmax(1) == y).float().mean()))
    assert history["test_loss"][-1] == pytest.approx(
        float(torch.nn.functional.cross_entropy(logits, y)), rel=1e-5)


def test_train_classifier_divergence_is_reported_not_hidden(capsys):
    train_iter, test_iter = load_digits_data()
    net = lenet(seed=0)
    history = train_classifier(net, torch.optim.SGD(net.parameters(), lr=1e6), train_iter,
                               test_iter, num_epochs=3, verbose=True)
    assert len(history["test_acc"]) == 3 and math.isnan(history["test_acc"][-1])
    assert "inf or NaN" in capsys.readouterr().out


def test_train_classifier_verbose_prints_each_epoch(capsys):
    train_iter, test_iter = load_digits_data()
    net = lenet(seed=0)
    train_classifier(net, torch.optim.SGD(net.parameters(), lr=0.1), train_iter, test_iter,
                     num_epochs=2, verbose=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("epoch 2, train loss")


def test_train_classifier_bad_arguments():
    train_iter, test_iter = load_digits_data()
    net = lenet()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="net"):
        train_classifier(lambda x: x, optimizer, train_iter, test_iter, 1)
    with pytest.raises(TypeError, match="optimizer"):
        train_classifier(net, "sgd", train_iter, test_iter, 1)
    with pytest.raises(TypeError, match="test_iter"):
        train_classifier(net, optimizer, train_iter, [1], 1)
    with pytest.raises(ValueError, match="num_epochs"):
        train_classifier(net, optimizer, train_iter, test_iter, 0)
    with pytest.raises(ValueError, match="seed"):
        train_classifier(net, optimizer, train_iter, test_iter, 1, seed=-1)


def test_train_classifier_restores_the_thread_setting():
    train_iter, test_iter = load_digits_data()
    net = lenet(seed=0)
    before = torch.get_num_threads()
    seen = []
    train_classifier(net, torch.optim.SGD(net.parameters(), lr=0.1), train_iter, test_iter, 1,
                     num_threads=1, on_step=lambda opt: seen.append(torch.get_num_threads()))
    assert set(seen) == {1} and len(seen) == len(train_iter)
    assert torch.get_num_threads() == before


def test_evaluate_classifier_restores_mode():
    _, test_iter = load_digits_data()
    net = lenet(seed=0)
    net.train()
    loss, acc = evaluate_classifier(net, test_iter)
    assert net.training and 0.0 <= acc <= 1.0 and loss > 0


def test_module_exports():
    assert set(vision.__all__) >= {"load_digits_data", "load_fashion_mnist"}
    assert set(classifier.__all__) >= {"lenet", "train_classifier"}
