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

>>> from d2lite.optimizers.optim import Adagrad
>>> made = run(Adagrad.preset("book", lr=0.4), lambda x: np.array([0.2, 4.0]) * x, [-5.0, -2.0], 20)
>>> made.points[-1].round(4), made.rates[0].round(4)     # lr/|g_1|: 0.4/1 and 0.4/8
(array([-2.3826, -0.1586]), array([0.4 , 0.05]))
>>> len(made.points), len(made.states), made.states[-1].count
(21, 21, 20)
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, NamedTuple, Sequence

import numpy as np

from d2lite._checks import check_callable, check_float, check_int

__all__ = ["Run", "run", "minibatches"]


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
    if not (callable(getattr(optimizer, "init", None)) and callable(getattr(optimizer, "update", None))):
        raise TypeError(f"optimizer must have init(params) and update(grads, state, params) (an "
                        f"Adagrad, Adam or FullMatrixAdagrad), got {type(optimizer).__name__}")
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
