r"""Adagrad at scale: embedding tables, and row-wise against element-wise accumulators.

Recommender systems learn one embedding row per user and per item, tables of millions of rows.
Element-wise Adagrad keeps an accumulator per number of the table; *row-wise* Adagrad
(:func:`d2lite.optimizers.variants.rowwise_adagrad`) keeps one per row, fed the mean squared gradient of
the row, so its state is :math:`d` times smaller for rows of :math:`d` numbers.

The model here is a small matrix factorisation on generated ratings: user :math:`u` rates item
:math:`i` as :math:`r_{ui} = \mathbf{p}_u^\top \mathbf{q}_i + \text{noise}`, with item popularity
following a Zipf law (a few items are rated often, most rarely), and the two tables
:math:`P` (users) and :math:`Q` (items) are learned from minibatches on the loss
:math:`\tfrac12 (\mathbf{p}_u^\top \mathbf{q}_i - r_{ui})^2`.  Only the rows of a minibatch's users
and items get a non-zero gradient.

>>> data = make_ratings(users=20, items=50, dim=4, ratings=400, seed=0)
>>> data.users.shape, data.train
((400,), 320)
>>> result = train_factorisation(data, rowwise_adagrad(0.1), epochs=1)
>>> result.state_bytes      # one float64 per row: 20 + 50 rows
560
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from d2lite._checks import check_float, check_int
from d2lite.optimizers.optim import Adagrad
from d2lite.optimizers.run import minibatches
from d2lite.optimizers.variants import rowwise_adagrad  # noqa: F401 - the examples above use it
from d2lite.problems.sparse.data import zipf_probabilities

__all__ = ["Ratings", "FactorisationResult", "make_ratings", "train_factorisation"]


class Ratings(NamedTuple):
    """Generated ratings: who rated what, the rating, and where the training part ends."""

    users: np.ndarray    # (n,) user index of each rating
    items: np.ndarray    # (n,) item index of each rating
    ratings: np.ndarray  # (n,) the rating
    num_users: int
    num_items: int
    dim: int
    train: int           # ratings[:train] train, ratings[train:] test


class FactorisationResult(NamedTuple):
    """Half mean squared errors after training, and the optimizer state's size in bytes."""

    train_loss: float
    test_loss: float
    state_bytes: int


def make_ratings(users: int = 500, items: int = 2000, dim: int = 16, ratings: int = 40_000,
                 zipf_exponent: float = 1.0, noise: float = 0.1, seed: int = 0) -> Ratings:
    r"""Ratings :math:`r = \mathbf{p}_u^\top\mathbf{q}_i + \text{noise}` from random true tables.

    True rows are Gaussian with variance :math:`1/\sqrt{d}` per entry, so a rating has variance
    about 1; users are drawn uniformly, items with probability proportional to
    :math:`1/\text{rank}^{a}` (``zipf_exponent`` :math:`a`).  The first 80 % are for training.
    """
    users, items, dim, ratings = (check_int(name, value) for name, value in
                                  (("users", users), ("items", items), ("dim", dim), ("ratings", ratings)))
    zipf_exponent = check_float("zipf_exponent", zipf_exponent)
    popularity = zipf_probabilities(items, zipf_exponent)  # the one Zipf law of the collection
    noise = check_float("noise", noise)
    rng = np.random.default_rng(seed)
    true_users = rng.normal(size=(users, dim)) / dim ** 0.25
    true_items = rng.normal(size=(items, dim)) / dim ** 0.25
    who = rng.integers(0, users, ratings)
    what = rng.choice(items, ratings, p=popularity)
    value = np.sum(true_users[who] * true_items[what], axis=1) + noise * rng.normal(size=ratings)
    return Ratings(who, what, value, users, items, dim, int(0.8 * ratings))


def _half_mse(tables: dict[str, np.ndarray], data: Ratings, part: slice) -> float:
    predicted = np.sum(tables["users"][data.users[part]] * tables["items"][data.items[part]], axis=1)
    return float(0.5 * np.mean((predicted - data.ratings[part]) ** 2))


def train_factorisation(data: Ratings, optimizer: Adagrad, epochs: int = 2, batch_size: int = 100,
                        seed: int = 1) -> FactorisationResult:
    r"""Learn the two tables with ``optimizer`` (one state per table); return the losses and bytes.

    The gradient of the minibatch loss :math:`\frac{1}{2|B|}\sum_{(u,i)\in B}(\mathbf{p}_u^\top
    \mathbf{q}_i - r_{ui})^2` is :math:`e_{ui}\mathbf{q}_i/|B|` for row :math:`u` of :math:`P` and
    :math:`e_{ui}\mathbf{p}_u/|B|` for row :math:`i` of :math:`Q` (:math:`e` the error), summed
    over the batch; every other row gets 0.  Tables start from :math:`\mathcal N(0, 0.01)` draws
    seeded by ``seed``, which also orders the minibatches.  ``state_bytes`` counts the optimizer's
    accumulators exactly (``nbytes``).
    """
    if not isinstance(optimizer, Adagrad):
        raise TypeError(f"optimizer must be a d2lite Adagrad (book_adagrad or rowwise_adagrad), "
                        f"got {type(optimizer).__name__}")
    epochs, batch_size = check_int("epochs", epochs), check_int("batch_size", batch_size)
    rng = np.random.default_rng(seed)
    tables = {"users": 0.1 * rng.normal(size=(data.num_users, data.dim)),
              "items": 0.1 * rng.normal(size=(data.num_items, data.dim))}
    states = {name: optimizer.init(table) for name, table in tables.items()}
    for _ in range(epochs):
        for batch in minibatches(rng.permutation(data.train), batch_size):
            u, i = data.users[batch], data.items[batch]
            error = np.sum(tables["users"][u] * tables["items"][i], axis=1) - data.ratings[batch]
            grads = {name: np.zeros_like(table) for name, table in tables.items()}
            np.add.at(grads["users"], u, error[:, None] * tables["items"][i] / len(batch))
            np.add.at(grads["items"], i, error[:, None] * tables["users"][u] / len(batch))
            for name in tables:
                tables[name], states[name] = optimizer.update(grads[name], states[name], tables[name])
    return FactorisationResult(_half_mse(tables, data, slice(0, data.train)),
                               _half_mse(tables, data, slice(data.train, None)),
                               sum(int(state.sum_of_squares.nbytes) for state in states.values()))
