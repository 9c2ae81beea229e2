r"""Full-matrix Adagrad: the preconditioner that turns with the problem.

Diagonal Adagrad keeps one accumulator per coordinate, so it sees the problem through the
coordinate axes: turn the problem and its path changes (exercise 2).  The full-matrix version
of Duchi, Hazan and Singer (2011) keeps the sum of the *outer products* of the gradients,

.. math::
    G_t = \sum_{\tau \le t} \mathbf{g}_\tau \mathbf{g}_\tau^\top, \qquad
    \mathbf{w}_t = \mathbf{w}_{t-1} - \eta\,(G_t + \epsilon I)^{-1/2}\,\mathbf{g}_t,

a :math:`d \times d` matrix whose diagonal is diagonal Adagrad's :math:`\mathbf{s}_t`.  If the
whole problem is turned by an orthogonal :math:`U` (gradients :math:`U\mathbf{g}`), then
:math:`G_t` becomes :math:`U G_t U^\top` and :math:`(U G_t U^\top + \epsilon I)^{-1/2} =
U (G_t + \epsilon I)^{-1/2} U^\top`, so every step is the old step turned by :math:`U`: the
path does not depend on the orientation of the axes.

The price: :math:`d^2` numbers of state instead of :math:`d`, and an inverse square root of a
:math:`d \times d` matrix per step (here an eigendecomposition, about :math:`d^3` operations).
Shampoo (Gupta, Koren and Singer, 2018) keeps one such matrix per *side* of each weight matrix
instead, which is how the idea is used on large networks.

>>> opt = FullMatrixAdagrad(lr=0.5)
>>> state = opt.init(np.zeros(2))
>>> params, state = opt.update(np.array([3.0, 4.0]), state, np.zeros(2))
>>> params.round(6), state.outer_sum    # the first step has length lr, along -g
(array([-0.3, -0.4]), array([[ 9., 12.],
       [12., 16.]]))
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from d2lite._checks import check_float

__all__ = ["FullMatrixState", "FullMatrixAdagrad"]


class FullMatrixState(NamedTuple):
    """Full-matrix Adagrad's memory: the sum of the gradients' outer products, and the step count."""

    outer_sum: np.ndarray
    count: int


@dataclass(frozen=True)
class FullMatrixAdagrad:
    r"""Adagrad with the preconditioner :math:`(G_t + \epsilon I)^{-1/2}`, on a NumPy vector.

    Parameters
    ----------
    lr:
        Learning rate :math:`\eta > 0`.
    eps:
        :math:`\epsilon \ge 0`, added to every eigenvalue of :math:`G_t` before the root (the
        matrix form of the book's :math:`\sqrt{s + \epsilon}`).  With ``eps=0`` directions the
        gradients never visited (eigenvalue 0) get a step of 0, as a pseudo-inverse would.

    Same ``init``/``update`` style as :class:`d2lite.optimizers.optim.Adagrad`; the state is
    :class:`FullMatrixState`.  When every gradient has a single non-zero coordinate (one-hot
    features), :math:`G_t` stays diagonal and the steps equal diagonal Adagrad's; in general they
    do not, even on an axis-aligned problem.

    >>> opt = FullMatrixAdagrad(lr=0.1)
    >>> opt.init(np.zeros(3)).outer_sum.shape
    (3, 3)
    """

    lr: float = 0.1
    eps: float = 1e-6

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_float("lr", self.lr, strict=True))
        object.__setattr__(self, "eps", check_float("eps", self.eps))

    def init(self, params: np.ndarray) -> FullMatrixState:
        """A zero :math:`d \\times d` sum for a parameter vector of length :math:`d`; count 0."""
        params = _check_vector("params", params)
        return FullMatrixState(np.zeros((params.size, params.size), dtype=params.dtype), 0)

    def accumulate(self, state: FullMatrixState, grads: np.ndarray) -> FullMatrixState:
        r"""The state after seeing ``grads``: :math:`G \leftarrow G + \mathbf{g}\mathbf{g}^\top`, count + 1."""
        return FullMatrixState(state.outer_sum + np.outer(grads, grads), state.count + 1)

    def preconditioner(self, state: FullMatrixState) -> np.ndarray:
        r"""The matrix :math:`(G + \epsilon I)^{-1/2}` of the state (symmetric, :math:`d \times d`).

        Computed from the eigendecomposition :math:`G = V \operatorname{diag}(\lambda) V^\top`
        as :math:`V \operatorname{diag}((\lambda + \epsilon)^{-1/2}) V^\top`.  Eigenvalues that are
        0 up to rounding (relative to the largest) count as 0 and, with ``eps=0``, get 0.

        >>> FullMatrixAdagrad(lr=1.0, eps=0.0).preconditioner(
        ...     FullMatrixState(np.diag([4.0, 25.0]), 2)).round(6)
        array([[0.5, 0. ],
               [0. , 0.2]])
        """
        eigenvalues, vectors = np.linalg.eigh(state.outer_sum)
        floor = max(float(eigenvalues.max(initial=0.0)), 0.0) * eigenvalues.size * np.finfo(eigenvalues.dtype).eps
        eigenvalues = np.where(eigenvalues > floor, eigenvalues, 0.0) + self.eps
        scale = np.divide(1.0, np.sqrt(eigenvalues), out=np.zeros_like(eigenvalues),
                          where=eigenvalues > 0)
        return (vectors * scale) @ vectors.T

    def update(self, grads: np.ndarray, state: FullMatrixState,
               params: np.ndarray) -> tuple[np.ndarray, FullMatrixState]:
        r"""One step, :math:`\mathbf{w} - \eta (G + \epsilon I)^{-1/2}\mathbf{g}`: returns
        ``(new_params, new_state)`` and leaves the inputs unchanged."""
        params = _check_vector("params", params)
        if not isinstance(state, FullMatrixState):
            raise TypeError(f"state must be the FullMatrixState made by init(), got "
                            f"{type(state).__name__}")
        grads = np.asarray(grads, dtype=params.dtype)
        if grads.shape != params.shape or state.outer_sum.shape != (params.size, params.size):
            raise ValueError(f"grads {grads.shape} must have the shape of params {params.shape}, "
                             f"and the state {state.outer_sum.shape} the shape "
                             f"{(params.size, params.size)} that init(params) gives")
        new_state = self.accumulate(state, grads)
        return params - self.lr * (self.preconditioner(new_state) @ grads), new_state


def _check_vector(name: str, value: np.ndarray) -> np.ndarray:
    value = np.asarray(value)
    if value.ndim != 1 or not np.issubdtype(value.dtype, np.floating):
        raise ValueError(f"{name} must be a 1-D floating-point vector (full-matrix Adagrad keeps a "
                         f"d x d matrix for d parameters), got shape {value.shape}, dtype {value.dtype}")
    return value
