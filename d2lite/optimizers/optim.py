r"""The one NumPy Adagrad: every NumPy experiment of the collection runs it.

Written in the init/update style of optax: :meth:`Adagrad.init` builds an explicit state,
:meth:`Adagrad.update` maps ``(grads, state, params)`` to ``(new_params, new_state)`` and changes
nothing in place.  One step, at step number :math:`t = \text{count} + 1`, is

.. math::
    \eta_t &= \frac{\eta}{1 + (t - 1)\,\delta}
        \qquad\text{(PyTorch's learning-rate decay } \delta\text{)}\\
    \mathbf{g}_t &\leftarrow \mathbf{g}_t + \lambda\,\mathbf{w}_{t-1}
        \qquad\text{(coupled weight decay, PyTorch and MXNet 2)}\\
    \mathbf{s}_t &= \mathbf{s}_{t-1} + \mathbf{g}_t^2, \qquad \mathbf{s}_0 = s_{\text{init}}\\
    \mathbf{w}_t &= \mathbf{w}_{t-1} - \frac{\eta_t}{\sqrt{\mathbf{s}_t + \epsilon}}\,\mathbf{g}_t
        \quad\text{or}\quad
        \mathbf{w}_{t-1} - \frac{\eta_t}{\sqrt{\mathbf{s}_t} + \epsilon}\,\mathbf{g}_t

with every operation coordinate-wise; :math:`\eta_t / \sqrt{\mathbf{s}_t + \epsilon}` is the
*effective learning rate* (:meth:`Adagrad.effective_rate`).  With
``decoupled_weight_decay=True`` the decay is not added to the gradient but applied to the weights
directly, :math:`\mathbf{w}_t \mathrel{-}= \eta_t \lambda \mathbf{w}_{t-1}` (Keras 3, MXNet 1.x).

Three settings give the variants the collection teaches (:mod:`d2lite.optimizers.variants` names them):
``power`` :math:`p` replaces the square root by :math:`(\cdot)^p`; ``gamma`` :math:`\gamma`
makes the sum a leaky average :math:`\mathbf{s}_t = \gamma\mathbf{s}_{t-1} + (1-\gamma)
\mathbf{g}_t^2` (RMSProp); ``accumulator="norm"`` keeps one number for the whole gradient,
:math:`s_t = s_{t-1} + \lVert\mathbf{g}_t\rVert^2` (AdaGrad-Norm), and ``"row"`` one per row,
the mean of the row's squared gradients (row-wise Adagrad for embedding tables).

Frameworks disagree on :math:`\epsilon`, :math:`s_{\text{init}}`, the default :math:`\eta` and
weight decay; :meth:`Adagrad.preset` reproduces each one (:mod:`d2lite.optimizers.presets`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np

from d2lite._checks import check_choice, check_float, check_int
from d2lite.optimizers.presets import PRESETS

__all__ = ["AdagradState", "Adagrad"]

ACCUMULATORS = ("coordinate", "row", "norm")


class AdagradState(NamedTuple):
    """Adagrad's whole memory: the accumulated squared gradients and the number of steps."""

    sum_of_squares: np.ndarray
    count: int


@dataclass(frozen=True)
class Adagrad:
    r"""Adagrad on a NumPy array, written to be read and checked against every framework.

    Parameters
    ----------
    lr:
        Learning rate :math:`\eta \ge 0`.
    eps:
        :math:`\epsilon \ge 0`, inside the root when ``eps_inside`` else added after it.
    eps_inside:
        ``True`` for :math:`\sqrt{s + \epsilon}` (the book, Keras 3, optax, MXNet 1.x),
        ``False`` for :math:`\sqrt{s} + \epsilon` (PyTorch).
    initial_accumulator_value:
        :math:`s_0 \ge 0` (0 in PyTorch, MXNet and the book; 0.1 in Keras and optax).
    lr_decay:
        PyTorch's :math:`\delta \ge 0`: step :math:`t` uses :math:`\eta / (1 + (t-1)\delta)`.
    weight_decay:
        :math:`\lambda \ge 0`, added to the gradient before it is accumulated (PyTorch), or,
        with ``decoupled_weight_decay``, subtracted from the step (Keras 3, MXNet 1.x).
    power:
        :math:`p \in (0, 1]` in the denominator :math:`(s + \epsilon)^p`; 1/2 is Adagrad.
    gamma:
        ``None`` for Adagrad's running sum, or :math:`\gamma \in [0, 1)` for RMSProp's leaky
        average :math:`s \leftarrow \gamma s + (1 - \gamma) g^2`.
    accumulator:
        ``"coordinate"`` (one accumulator per coordinate), ``"row"`` (one per row: the mean
        squared gradient of the row) or ``"norm"`` (one for everything: AdaGrad-Norm).

    Where the denominator is exactly 0 the gradient is 0 too (:math:`s_t \ge g_t^2`), and the
    step is defined as 0 even when :math:`\epsilon = 0`, as optax does.  Bad hyperparameters
    (negative, NaN or infinite) raise :class:`ValueError`.

    Warning: the effective rate :math:`\eta/\sqrt{s_t}` only ever shrinks, so on long runs it
    can stall learning; RMSProp (``gamma``) replaces the sum by a moving average.

    Reference: J. Duchi, E. Hazan and Y. Singer, "Adaptive subgradient methods for online
    learning and stochastic optimization", JMLR 12 (2011), 2121-2159.

    >>> opt = Adagrad.preset("torch", lr=0.1)
    >>> params = np.array([1.0, -2.0])
    >>> state = opt.init(params)
    >>> params, state = opt.update(np.array([0.5, -4.0]), state, params)
    >>> params.round(6), state.count
    (array([ 0.9, -1.9]), 1)
    """

    lr: float = 0.01
    eps: float = 1e-10
    eps_inside: bool = False
    initial_accumulator_value: float = 0.0
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    decoupled_weight_decay: bool = False
    power: float = 0.5
    gamma: float | None = None
    accumulator: str = "coordinate"

    def __post_init__(self) -> None:
        for name in ("lr", "eps", "initial_accumulator_value", "lr_decay", "weight_decay"):
            object.__setattr__(self, name, check_float(name, getattr(self, name)))
        for name in ("eps_inside", "decoupled_weight_decay"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")
            object.__setattr__(self, name, bool(getattr(self, name)))
        object.__setattr__(self, "power", check_float("power", self.power, strict=True,
                                                      maximum=1.0))
        if self.gamma is not None:
            gamma = check_float("gamma", self.gamma)
            if gamma >= 1:
                raise ValueError(f"gamma must be None (a running sum) or a number in [0, 1), "
                                 f"got {gamma}")
            object.__setattr__(self, "gamma", gamma)
        check_choice("accumulator", self.accumulator, ACCUMULATORS)

    @classmethod
    def preset(cls, framework: str, **overrides: Any) -> "Adagrad":
        """The Adagrad of ``framework`` ("torch", "keras", "optax", "mxnet" or "book").

        Keyword ``overrides`` replace single defaults, e.g. ``Adagrad.preset("optax", lr=1e-2)``;
        optax has no default learning rate, so its preset needs ``lr``.  The sources of the
        numbers are in :data:`d2lite.optimizers.presets.PRESET_SOURCES`.

        >>> Adagrad.preset("book", lr=0.4).eps
        1e-06
        """
        check_choice("framework", framework, PRESETS)
        unknown = set(overrides) - set(PRESETS[framework])
        if unknown:
            raise TypeError(f"unknown hyperparameter(s) {sorted(unknown)}; Adagrad accepts "
                            f"{sorted(PRESETS[framework])}")
        settings = {**PRESETS[framework], **overrides}
        if settings["lr"] is None:
            raise TypeError(f"Adagrad.preset({framework!r}) needs a learning rate: "
                            f"{framework} has no default, pass lr=...")
        return cls(**settings)

    def replace(self, **changes: Any) -> "Adagrad":
        """A copy with some hyperparameters changed (checked like the constructor's)."""
        return replace(self, **changes)

    def init(self, params: np.ndarray) -> AdagradState:
        """The state for ``params``: every accumulator at ``initial_accumulator_value``, count 0.

        The accumulator has the shape of ``params`` (``"coordinate"``), one entry per row
        (``"row"``: shape ``params.shape[:-1] + (1,)``) or one entry in all (``"norm"``: shape
        ``(1, ..., 1)``, which broadcasts against ``params``).
        """
        params = _check_params(params)
        if self.accumulator == "row" and params.ndim == 0:
            raise ValueError("accumulator='row' needs params with at least one axis")
        shape = {"coordinate": params.shape, "row": params.shape[:-1] + (1,),
                 "norm": (1,) * params.ndim}[self.accumulator]
        return AdagradState(np.full(shape, self.initial_accumulator_value, dtype=params.dtype), 0)

    def learning_rate(self, step: int) -> float:
        r"""The learning rate of step ``step`` (from 1): :math:`\eta / (1 + (t-1)\delta)`."""
        step = check_int("step", step)
        return self.lr / (1.0 + (step - 1) * self.lr_decay)

    def accumulate(self, state: AdagradState, grads: np.ndarray) -> AdagradState:
        """The state after seeing ``grads``: squared gradients added (or leaked in), count + 1."""
        # keep * s + leak * g^2: (1, 1) for the running sum, (gamma, 1 - gamma) for RMSProp
        keep, leak = (1.0, 1.0) if self.gamma is None else (self.gamma, 1 - self.gamma)
        s = state.sum_of_squares
        if self.accumulator == "coordinate":
            return AdagradState(keep * s + leak * grads * grads, state.count + 1)
        if self.accumulator == "row":
            fresh = np.mean(grads * grads, axis=-1, keepdims=True)
        else:
            fresh = np.full(np.shape(s), np.vdot(grads, grads), dtype=grads.dtype)
        return AdagradState(keep * s + leak * fresh, state.count + 1)

    def effective_rate(self, state: AdagradState) -> np.ndarray:
        r"""The factor in front of the gradient at the state's step: :math:`\eta_t / \sqrt{s + \epsilon}`.

        (With ``power`` :math:`p`: :math:`\eta_t / (s + \epsilon)^p`; 0 where the denominator is 0.)
        Its shape is the accumulator's.

        >>> opt = Adagrad.preset("book", lr=0.4)
        >>> rate = opt.effective_rate(opt.accumulate(opt.init(np.zeros(2)), np.array([1.0, 8.0])))
        >>> rate.round(4)    # 0.4 / 1 and 0.4 / 8, up to epsilon
        array([0.4 , 0.05])
        """
        lr = self.learning_rate(max(state.count, 1))
        s = np.asarray(state.sum_of_squares)
        if self.eps_inside:
            denominator = _root(s + self.eps, self.power)
        else:
            denominator = _root(s, self.power) + self.eps
        # At least float32: in float16, lr / eps (1e6 for a coordinate with no gradient yet) would
        # overflow to inf, and inf times a zero gradient is NaN.
        denominator = denominator.astype(np.result_type(denominator, np.float32), copy=False)
        return np.divide(lr, denominator, out=np.zeros_like(denominator),
                         where=denominator > 0)

    def update(self, grads: np.ndarray, state: AdagradState,
               params: np.ndarray) -> tuple[np.ndarray, AdagradState]:
        """One Adagrad step: returns ``(new_params, new_state)``; the inputs are left unchanged.

        ``grads`` is cast to the dtype of ``params``, and the new parameters and accumulator
        keep that dtype.
        """
        params = _check_params(params)
        if not isinstance(state, AdagradState):
            raise TypeError(f"state must be the AdagradState made by init(), got "
                            f"{type(state).__name__}")
        grads = np.asarray(grads)
        expected = self.init(params).sum_of_squares.shape
        if grads.shape != params.shape or np.shape(state.sum_of_squares) != expected:
            raise ValueError(f"grads {grads.shape} and params {params.shape} must have the same "
                             f"shape, and the state {np.shape(state.sum_of_squares)} the shape "
                             f"{expected} that init(params) gives")
        grads = grads.astype(params.dtype, copy=False)
        if self.weight_decay and not self.decoupled_weight_decay:
            grads = grads + self.weight_decay * params
        new_state = self.accumulate(state, grads)
        new_params = (params - self.effective_rate(new_state) * grads).astype(params.dtype,
                                                                             copy=False)
        if self.weight_decay and self.decoupled_weight_decay:
            new_params = new_params - self.learning_rate(new_state.count) * self.weight_decay * params
        return new_params, new_state


def _root(x: np.ndarray, power: float) -> np.ndarray:
    return np.sqrt(x) if power == 0.5 else x ** power


def _check_params(params: Any) -> np.ndarray:
    params = np.asarray(params)
    if not np.issubdtype(params.dtype, np.floating):
        raise TypeError(f"params must be a floating-point array (float16/32/64), got dtype "
                        f"{params.dtype}")
    return params
