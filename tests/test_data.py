"""Data loaders: the synthetic set and the airfoil reader."""
import numpy as np
import pytest
import torch

import d2lite


def batches(loader):
    return [(X.clone(), y.clone()) for X, y in loader]


def test_synthetic_linreg_shapes_and_standardised_features():
    data_iter, d = d2lite.synthetic_linreg(batch_size=7, num_examples=100, num_features=3)
    X, y = data_iter.dataset.tensors
    assert d == 3 and X.shape == (100, 3) and y.shape == (100, 1)
    np.testing.assert_allclose(X.mean(0).numpy(), 0, atol=1e-6)
    np.testing.assert_allclose(X.std(0, unbiased=False).numpy(), 1, atol=1e-5)
    assert len(data_iter) == 15  # ceil(100 / 7)


def test_same_seed_same_batches_other_seed_other_batches():
    a = batches(d2lite.synthetic_linreg(seed=3)[0])
    b = batches(d2lite.synthetic_linreg(seed=3)[0])
    c = batches(d2lite.synthetic_linreg(seed=4)[0])
    assert all(torch.equal(x1, x2) and torch.equal(y1, y2) for (x1, y1), (x2, y2) in zip(a, b))
    assert not torch.equal(a[0][0], c[0][0])


def test_the_target_is_linear_in_the_features_up_to_the_noise():
    data_iter, _ = d2lite.synthetic_linreg(noise=0.05, num_examples=2000)
    X, y = data_iter.dataset.tensors
    A = torch.cat([X, torch.ones(len(X), 1)], 1).double()
    coef = torch.linalg.lstsq(A, y.double()).solution
    residual = (A @ coef - y.double()).std().item()
    assert residual == pytest.approx(0.05, rel=0.1)


@pytest.mark.parametrize("kwargs", [dict(batch_size=0), dict(num_examples=1), dict(num_features=0),
                                    dict(noise=-1.0), dict(noise=float("nan"))])
def test_synthetic_linreg_rejects_bad_input(kwargs):
    with pytest.raises((ValueError, TypeError), match=list(kwargs)[0]):
        d2lite.synthetic_linreg(**kwargs)


def write_airfoil(path, rows):
    path.write_text("".join("\t".join(f"{v:g}" for v in row) + "\n" for row in rows))


def test_load_airfoil_standardises_with_all_rows_then_keeps_the_first_n(tmp_path):
    rng = np.random.default_rng(0)
    rows = rng.uniform(1, 100, size=(30, 6)).round(3)
    path = tmp_path / "airfoil_self_noise.dat"
    write_airfoil(path, rows)
    data_iter, d = d2lite.load_airfoil(path, batch_size=4, n=20)
    X, y = data_iter.dataset.tensors
    expected = (rows - rows.mean(0)) / rows.std(0)  # population std over all 30 rows
    assert d == 5 and X.shape == (20, 5) and y.shape == (20, 1)
    np.testing.assert_allclose(X.numpy(), expected[:20, :5], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y.numpy()[:, 0], expected[:20, 5], rtol=1e-5, atol=1e-6)


def test_load_airfoil_missing_file_names_the_path_and_the_source(tmp_path):
    missing = tmp_path / "nope.dat"
    with pytest.raises(FileNotFoundError, match="nope.dat") as info:
        d2lite.load_airfoil(missing)
    assert "UCI" in str(info.value) and "never downloads" in str(info.value)


@pytest.mark.parametrize("bad_line, what", [("1\t2\t3\n", "expected 6"), ("1\t2\t3\t4\t5\tx\n", "number")])
def test_load_airfoil_malformed_file_names_the_line(tmp_path, bad_line, what):
    path = tmp_path / "bad.dat"
    write_airfoil(path, np.arange(18).reshape(3, 6) + 1.0)
    with open(path, "a") as handle:
        handle.write(bad_line)
    with pytest.raises(ValueError, match=f"line 4.*{what}"):
        d2lite.load_airfoil(path)
