"""The embedding model of notebook 08: row-wise Adagrad's state, and what training returns."""
from __future__ import annotations

import numpy as np
import pytest

from d2lite.problems.embeddings import make_ratings, train_factorisation
from d2lite.optimizers.variants import book_adagrad, rowwise_adagrad

SMALL = dict(users=30, items=80, dim=6, ratings=2000, seed=3)


def test_rowwise_state_is_one_number_per_row_and_elementwise_one_per_entry():
    data = make_ratings(**SMALL)
    rows = data.num_users + data.num_items
    assert train_factorisation(data, rowwise_adagrad(0.1), epochs=1).state_bytes == 8 * rows
    assert train_factorisation(data, book_adagrad(0.1), epochs=1).state_bytes == 8 * rows * data.dim


def test_training_lowers_the_loss_and_is_deterministic():
    data = make_ratings(**SMALL)
    baseline = 0.5 * np.mean(data.ratings[:data.train] ** 2)  # predicting 0 (tables start near 0)
    first = train_factorisation(data, rowwise_adagrad(0.3), epochs=3)
    again = train_factorisation(data, rowwise_adagrad(0.3), epochs=3)
    assert first == again
    assert first.train_loss < 0.5 * baseline


def test_with_one_column_rowwise_is_elementwise():
    """A row of one number: the row's mean squared gradient is that number's squared gradient."""
    data = make_ratings(**{**SMALL, "dim": 1})
    assert train_factorisation(data, rowwise_adagrad(0.1))[:2] == train_factorisation(data, book_adagrad(0.1))[:2]


def test_items_follow_a_zipf_law():
    data = make_ratings(items=100, ratings=20_000, zipf_exponent=1.0, seed=0)
    counts = np.bincount(data.items, minlength=100)
    assert counts[0] > 5 * counts[9] > 0  # rank 1 about 10 times rank 10


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="users must be"):
        make_ratings(users=0)
    with pytest.raises(TypeError, match="optimizer must be"):
        train_factorisation(make_ratings(**SMALL), "adagrad")
