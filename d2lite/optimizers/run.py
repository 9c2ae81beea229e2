r"""The one run loop: an optimizer, a gradient and a start point in, the path out.

Every experiment of the collection that runs an optimizer from a start point runs it here:

.. math::
    \mathbf{g}_t = \nabla f(\mathbf{x}_{t-1}) \;(+\ \sigma\,\boldsymbol{\xi}_t),\qquad
    (\mathbf{x}_t, \text{state}_t) = \text{update}(\mathbf{g}_t, \text{state}_{t-1}, \mathbf{x}_{t-1})

for :math:`t = 1, \dots, T`.  It takes any optimizer with explicit state, ``init(params)`` and
``update(grads, state, params) -> (params, state)``: the one :class:`~d2lite.optimizers.optim.Adagrad`
(every variant is one), :class:`~d2lite.optimizers.variants.Adam` and
:class:`~d2lite.optimizers.fullmatrix.FullMatrixAdagrad`.  :func:`run` returns a :class:`Run`: the
points (the start included), every state (the initial one included) and, for an optimizer with
per-coordinate rates (``effective_rate(state)``), the rate each coordinate used at each step.

The book's :func:`d2lite.train_2d` stays as the book prints it, a loop of its own over a trainer
``(x1, x2, s1, s2)``; a test checks that it takes the same steps as :func:`run`.

:func:`minibatches` is the one minibatch walker, and :func:`train_linreg` the one NumPy training
loop of the linear model: :func:`run` with a gradient that walks the minibatches, the loss over
the whole data set read off its path (the book's torch loops, :func:`d2lite.train_scratch` and
:func:`d2lite.train_concise`, stay as the book prints them).

>>> from d2lite.optimizers.optim import Adagrad
>>> made = run(Adagrad.preset("book", lr=0.4), lambda x: np.array([0.2, 4.0]) * x, [-5.0, -2.0], 20)
>>> made.points[-1].round(4), made.rates[0].round(4)     # lr/|g_1|: 0.4/1 and 0.4/8
(array([-2.3826, -0.1586]), array([0.4 , 0.05]))
>>> len(made.points), len(made.states), made.states[-1].count
(21, 21, 20)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, NamedTuple, Sequence

import numpy as np
from numpy.typing import ArrayLike

from d2lite._checks import check_array, check_callable, check_choice, check_float, check_int

__all__ = ["Run", "run", "minibatches", "LinregRun", "train_linreg"]


class Run(NamedTuple):
    """What :func:`run` returns."""

    #: The path, shape ``(steps + 1, *start.shape)``; ``points[0]`` is the start.
    points: np.ndarray
    #: The optimizer's state before the first step and after each step (``steps + 1`` of them).
    states: tuple
    #: The effective learning rate of each coordinate at each step, shape
    #: ``(steps, *start.shape)``; None for an optimizer without per-coordinate rates.
    rates: np.ndarray | None

    @property
    def state(self) -> Any:
        """The final state."""
        return self.states[-1]


def _start(start: Sequence[float] | np.ndarray) -> np.ndarray:
    x = np.array(start, copy=True)
    if x.dtype == object or not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)):
        raise TypeError(f"start must be an array of numbers, got dtype {x.dtype}")
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(float)


def _check_optimizer(optimizer: Any) -> None:
    if not (callable(getattr(optimizer, "init", None)) and callable(getattr(optimizer, "update", None))):
        raise TypeError(f"optimizer must have init(params) and update(grads, state, params) (an "
                        f"Adagrad, Adam or FullMatrixAdagrad), got {type(optimizer).__name__}")


def run(optimizer: Any, grad: Callable[[np.ndarray], Any], start: Sequence[float] | np.ndarray,
        steps: int, *, noise: float = 0.0, seed: int = 0) -> Run:
    """Run ``steps`` updates of ``optimizer`` from ``start`` with gradients ``grad(params)``.

    With ``noise > 0`` every gradient gets Gaussian noise of that standard deviation (seeded by
    ``seed``): the stand-in for a minibatch gradient.  A float32 start runs in float32.  A run
    that overflows continues with inf and NaN (its figures say where it left the chart).

    >>> from d2lite.optimizers.fullmatrix import FullMatrixAdagrad
    >>> made = run(FullMatrixAdagrad(lr=0.1), lambda w: 2 * w, [1.0, 0.0], 3)
    >>> made.points.shape, made.state.count, made.rates is None
    ((4, 2), 3, True)
    >>> run(FullMatrixAdagrad(lr=0.1), lambda w: 2 * w, [1.0, 0.0], -1)
    Traceback (most recent call last):
    ...
    ValueError: steps must be an integer >= 0, got -1
    """
    _check_optimizer(optimizer)
    check_callable("grad", grad)
    steps = check_int("steps", steps, minimum=0)
    noise = check_float("noise", noise)
    x = _start(start)
    rng = np.random.default_rng(seed)
    rate_of = getattr(optimizer, "effective_rate", None)
    state = optimizer.init(x)
    points, states, rates = [x.copy()], [state], []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            g = np.asarray(grad(x), dtype=x.dtype)
            if noise:
                g = g + (noise * rng.standard_normal(x.shape)).astype(x.dtype)
            x, state = optimizer.update(g, state, x)
            points.append(np.array(x, copy=True))
            states.append(state)
            if rate_of is not None:
                rates.append(np.broadcast_to(rate_of(state), x.shape).copy())
    return Run(np.stack(points), tuple(states),
               None if rate_of is None else np.asarray(rates).reshape((steps, *x.shape)))


def minibatches(order: Sequence[int] | np.ndarray, batch_size: int) -> Iterator[np.ndarray]:
    """The minibatches of one epoch: consecutive slices of ``order``, ``batch_size`` indices each
    (the last one shorter when ``batch_size`` does not divide the length).

    >>> [batch.tolist() for batch in minibatches([4, 0, 3, 1, 2], 2)]
    [[4, 0], [3, 1], [2]]
    """
    batch_size = check_int("batch_size", batch_size)
    order = np.asarray(order)
    for start in range(0, len(order), batch_size):
        yield order[start:start + batch_size]


@dataclass(frozen=True)
class LinregRun:
    """What :func:`train_linreg` returns."""

    #: The loss over the whole data set at each record, the start's first.
    losses: np.ndarray
    #: The updates (minibatches) taken at each record: 0, then one entry per record.
    steps: np.ndarray
    #: The examples seen at each record (``steps`` times the batch size when every batch is full).
    seen: np.ndarray
    #: The final weights and, last, the bias.
    params: np.ndarray
    #: The optimizer's final state.
    state: Any


#: The dtypes :func:`train_linreg` runs in.
DTYPES = ("float32", "float64")


def _orders(orders: Any, num_examples: int) -> list[np.ndarray]:
    """One order per epoch, each a 1-D array of example indices in ``range(num_examples)``."""
    accepted = (f"orders must be one order of example indices (integers from 0 to "
                f"{num_examples - 1}) per epoch, e.g. [rng.permutation({num_examples})]")
    if isinstance(orders, (str, bytes)) or not hasattr(orders, "__len__") or len(orders) == 0:
        raise TypeError(f"{accepted}, got {type(orders).__name__}: {orders!r:.80}")
    if np.ndim(orders[0]) == 0:   # one flat order: one epoch
        orders = [orders]
    epochs = []
    for epoch, order in enumerate(orders):
        order = np.asarray(order)
        if order.ndim != 1 or order.size == 0 or not np.issubdtype(order.dtype, np.integer):
            raise TypeError(f"{accepted}; orders[{epoch}] is not a non-empty list of integers")
        if order.min() < 0 or order.max() >= num_examples:
            raise ValueError(f"{accepted}; orders[{epoch}] holds {int(order.min())} to "
                             f"{int(order.max())}")
        epochs.append(order)
    return epochs


def train_linreg(optimizer: Any, X: ArrayLike, y: ArrayLike, start: ArrayLike,
                 orders: Sequence[ArrayLike] | ArrayLike, batch_size: int = 10,
                 *, gradient_scale: float = 1.0, eval_every: int = 200,
                 dtype: str = "float64") -> LinregRun:
    r"""Train the linear model :math:`\hat y = X\mathbf{w} + b` on minibatches with ``optimizer``.

    ``params`` holds the weights and, last, the bias, :math:`(\mathbf{w}, b)`, starting from
    ``start``.  Each epoch walks its order of ``orders`` in minibatches of ``batch_size``
    (:func:`minibatches`); a minibatch :math:`B` with residuals
    :math:`r_i = \mathbf{x}_i^\top\mathbf{w} + b - y_i` gives the gradient of the mean of
    :math:`\tfrac{c}{2} r_i^2`,

    .. math::
        \mathbf{g} = \frac{c}{|B|} \sum_{i \in B} r_i\,(\mathbf{x}_i, 1),

    with ``gradient_scale`` :math:`c` (1 for the half squared error, 2 for the mean squared error
    Keras differentiates), and the optimizer steps with it: ``update(g, state, params)``.  The
    steps are those of :func:`run`.  The loss over the whole data set, always the half squared
    error :math:`\tfrac{1}{2n}\sum_i r_i^2`, is recorded at the start and after every minibatch
    that brings the examples seen to a multiple of ``eval_every`` (the book's 200).  Data,
    start and steps are in ``dtype``.  ``orders`` holds one order of example indices per epoch
    (one flat order is one epoch), e.g. ``[rng.permutation(n) for _ in range(epochs)]``.

    Returns a :class:`LinregRun`: the recorded ``losses``, the ``steps`` (minibatches) and
    ``seen`` (examples) at which they were recorded, the final ``params`` and ``state``.  Any
    optimizer :func:`run` takes will do: an :class:`~d2lite.optimizers.optim.Adagrad` preset or
    variant, :class:`~d2lite.optimizers.variants.Adam`, ...

    >>> from d2lite.optimizers.optim import Adagrad
    >>> X, y = np.array([[1.0], [2.0]]), np.array([1.0, 3.0])
    >>> made = train_linreg(Adagrad.preset("book", lr=0.1), X, y, [0.0, 0.0], [[0, 1]], 1,
    ...                     eval_every=1)
    >>> made.steps.tolist(), made.seen.tolist(), made.losses.round(4).tolist()
    ([0, 1, 2], [0, 1, 2], [2.5, 1.9825, 1.5439])
    >>> train_linreg(Adagrad(lr=0.1), X, y, [0.0, 0.0], [[0, 1]], dtype="float16")
    Traceback (most recent call last):
    ...
    ValueError: dtype must be one of ['float32', 'float64'], got 'float16'
    """
    _check_optimizer(optimizer)
    check_choice("dtype", dtype, DTYPES)
    X = check_array("X", X, ndim=2).astype(dtype)
    y = check_array("y", y, shape=(len(X),)).astype(dtype)
    start = check_array("start", start, shape=(X.shape[1] + 1,)).astype(dtype)
    batch_size = check_int("batch_size", batch_size)
    scale = check_float("gradient_scale", gradient_scale, strict=True)
    eval_every = check_int("eval_every", eval_every)
    batches = [batch for order in _orders(orders, len(X)) for batch in minibatches(order, batch_size)]
    walk = iter(batches)

    def minibatch_gradient(params: np.ndarray) -> np.ndarray:
        batch = next(walk)
        residual = X[batch] @ params[:-1] + params[-1] - y[batch]
        return np.append(X[batch].T @ residual, residual.sum()) * (scale / len(batch))

    made = run(optimizer, minibatch_gradient, start, len(batches))
    seen = np.cumsum([0] + [len(batch) for batch in batches])     # examples seen after each step
    steps = np.concatenate([[0], np.flatnonzero(seen[1:] % eval_every == 0) + 1])
    with np.errstate(all="ignore"):   # a diverged run records inf or NaN, as run does
        losses = [np.mean((X @ made.points[k][:-1] + made.points[k][-1] - y) ** 2 / 2) for k in steps]
    return LinregRun(np.array(losses, dtype=float), steps, seen[steps], made.points[-1], made.state)
