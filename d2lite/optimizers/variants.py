r"""The gentler decays of exercise 6, as settings of the one NumPy :class:`~d2lite.optimizers.optim.Adagrad`.

Every variant is an ``Adagrad`` with one setting changed, so all of them share its state,
:class:`~d2lite.optimizers.optim.AdagradState`, its ``init``/``update`` and its ``effective_rate``:

=======================  ==================================================================
``book_adagrad(lr)``     :math:`s \leftarrow s + g^2`, rate :math:`\eta / \sqrt{s + \epsilon}`
``rmsprop(lr, gamma)``   :math:`s \leftarrow \gamma s + (1-\gamma) g^2`: old gradients fade
``adagrad_power(lr, p)`` rate :math:`\eta / (s + \epsilon)^{p}`: decays like :math:`t^{-p}`
``adagrad_norm(lr, b0)`` one accumulator :math:`b^2 \leftarrow b^2 + \lVert g\rVert^2`, rate
                         :math:`\eta / b` (Ward, Wu and Bottou, 2019): rotation invariant
``rowwise_adagrad(lr)``  one accumulator per row (embedding tables)
=======================  ==================================================================

Adam is not an Adagrad (it also averages the gradient), so it has its own small class,
:class:`Adam`, with the same ``init``/``update``/``effective_rate``.  :func:`d2lite.run` runs any
of them from a start point and records the effective rates.

>>> opt = adagrad_power(0.4, power=0.25)
>>> state = opt.accumulate(opt.init(np.zeros(2)), np.array([1.0, 8.0]))
>>> opt.effective_rate(state).round(4)
array([0.4   , 0.1414])
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from d2lite._checks import check_float
from d2lite.optimizers.optim import Adagrad

__all__ = ["book_adagrad", "rmsprop", "adagrad_power", "adagrad_norm", "rowwise_adagrad",
           "AdamState", "Adam"]


def book_adagrad(lr: float, eps: float = 1e-6) -> Adagrad:
    r"""The book's Adagrad: :math:`\epsilon` inside the root, accumulators from 0, no decay."""
    return Adagrad(lr=check_float("lr", lr, strict=True), eps=eps, eps_inside=True)


def rmsprop(lr: float, gamma: float = 0.9, eps: float = 1e-6) -> Adagrad:
    r"""RMSProp: the leaky average :math:`s \leftarrow \gamma s + (1-\gamma) g^2`, rate
    :math:`\eta / \sqrt{s + \epsilon}`: old gradients fade, so the rate stops shrinking."""
    return Adagrad(lr=check_float("lr", lr, strict=True), eps=eps, eps_inside=True, gamma=gamma)


def adagrad_power(lr: float, power: float = 0.25, eps: float = 1e-6) -> Adagrad:
    r"""Adagrad's sum raised to a smaller power: rate :math:`\eta / (s + \epsilon)^{p}`.

    :math:`p = 1/2` is Adagrad; with :math:`s` growing like :math:`t`, the rate decays like
    :math:`t^{-p}`, slower for smaller :math:`p`.
    """
    return Adagrad(lr=check_float("lr", lr, strict=True),
                   eps=check_float("eps", eps, strict=True), eps_inside=True, power=power)


def adagrad_norm(lr: float, b0: float = 1e-3) -> Adagrad:
    r"""AdaGrad-Norm: one accumulator for the whole gradient, :math:`b^2 \leftarrow b^2 +
    \lVert g \rVert^2` from :math:`b_0^2`, rate :math:`\eta / b` for every coordinate.

    It keeps the :math:`t^{-1/2}` decay but, being a function of :math:`\lVert g\rVert` only, is
    invariant under rotations (and needs no per-coordinate state).
    """
    b0 = check_float("b0", b0, strict=True)
    return Adagrad(lr=check_float("lr", lr, strict=True), eps=0.0, eps_inside=True,
                   initial_accumulator_value=b0 * b0, accumulator="norm")


def rowwise_adagrad(lr: float, eps: float = 1e-6) -> Adagrad:
    """Row-wise Adagrad: one accumulator per row, fed the mean squared gradient of the row.

    For an embedding table of ``V`` rows and ``d`` columns it keeps ``V`` numbers instead of
    ``V * d``; all the coordinates of a row share one effective rate.
    """
    return Adagrad(lr=check_float("lr", lr, strict=True), eps=eps, eps_inside=True,
                   accumulator="row")


class AdamState(NamedTuple):
    """Adam's first and second moments and the number of steps."""

    m: np.ndarray
    v: np.ndarray
    count: int


@dataclass(frozen=True)
class Adam:
    r"""Adam: leaky averages of :math:`g` and :math:`g^2` with bias correction.

    Step :math:`\eta\, \hat m / (\sqrt{\hat v} + \epsilon)`; the effective rate is
    :math:`\eta / (\sqrt{\hat v} + \epsilon)`, the factor in front of the averaged gradient.
    """

    lr: float
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self) -> None:
        check_float("lr", self.lr, strict=True)
        check_float("eps", self.eps, strict=True)
        for name in ("beta1", "beta2"):   # beta = 1 never moves the moment: bias correction 0/0
            if check_float(name, getattr(self, name), maximum=1.0) == 1.0:
                raise ValueError(f"{name} must be a finite number >= 0.0 and < 1 (at 1 the "
                                 f"bias correction divides by 0), got 1.0")

    def init(self, params: np.ndarray) -> AdamState:
        """Both moments at 0, count 0."""
        return AdamState(np.zeros_like(params), np.zeros_like(params), 0)

    def _corrected(self, state: AdamState) -> tuple[np.ndarray, np.ndarray]:
        t = max(state.count, 1)
        return state.m / (1 - self.beta1 ** t), state.v / (1 - self.beta2 ** t)

    def effective_rate(self, state: AdamState) -> np.ndarray:
        r""":math:`\eta / (\sqrt{\hat v} + \epsilon)` at the state's step."""
        return self.lr / (np.sqrt(self._corrected(state)[1]) + self.eps)

    def update(self, grads: np.ndarray, state: AdamState,
               params: np.ndarray) -> tuple[np.ndarray, AdamState]:
        """One Adam step: ``(new_params, new_state)``; the inputs are left unchanged."""
        m = self.beta1 * state.m + (1 - self.beta1) * grads
        v = self.beta2 * state.v + (1 - self.beta2) * grads * grads
        new_state = AdamState(m, v, state.count + 1)
        m_hat, _ = self._corrected(new_state)
        return params - self.effective_rate(new_state) * m_hat, new_state
