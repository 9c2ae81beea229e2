r"""A framework-free reference Adagrad in NumPy, with each framework's conventions as presets.

The optimiser is written in the init/update style of optax: :meth:`Adagrad.init` builds an
explicit state, :meth:`Adagrad.update` maps ``(grads, state, params)`` to
``(new_params, new_state)`` and changes nothing in place.  One step, at step number
:math:`t = \text{count} + 1`, is

.. math::
    \eta_t &= \frac{\eta}{1 + (t - 1)\,\delta}
        \qquad\text{(PyTorch's learning-rate decay } \delta\text{)}\\
    \mathbf{g}_t &\leftarrow \mathbf{g}_t + \lambda\,\mathbf{w}_{t-1}
        \qquad\text{(coupled weight decay, PyTorch and MXNet 2)}\\
    \mathbf{s}_t &= \mathbf{s}_{t-1} + \mathbf{g}_t^2, \qquad \mathbf{s}_0 = s_{\text{init}}\\
    \mathbf{w}_t &= \mathbf{w}_{t-1} - \eta_t\,\frac{\mathbf{g}_t}{\sqrt{\mathbf{s}_t + \epsilon}}
        \quad\text{or}\quad
        \mathbf{w}_{t-1} - \eta_t\,\frac{\mathbf{g}_t}{\sqrt{\mathbf{s}_t} + \epsilon}

with every operation coordinate-wise.  With ``decoupled_weight_decay=True`` the decay is not
added to the gradient but applied to the weights directly, :math:`\mathbf{w}_t \mathrel{-}=
\eta_t \lambda \mathbf{w}_{t-1}` (Keras 3 and MXNet 1.x), so it never enters the accumulator.

Frameworks disagree on :math:`\epsilon` (where it sits and how large it is), on
:math:`s_{\text{init}}`, on the default :math:`\eta` and on weight decay;
:meth:`Adagrad.preset` reproduces each one, with the source of every number in
:data:`PRESET_SOURCES`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, NamedTuple

import numpy as np

from ._checks import check_choice, check_float, check_int

__all__ = ["AdagradState", "Adagrad", "PRESETS", "PRESET_OPTIONS", "PRESET_SOURCES",
           "adagrad_path"]


class AdagradState(NamedTuple):
    """Adagrad's whole memory: the running sum of squared gradients and the number of steps."""

    sum_of_squares: np.ndarray
    count: int


#: Each framework's documented defaults, in the reference's terms.  ``lr=None`` means the
#: framework has no default learning rate and the caller must pass one.
PRESETS: dict[str, dict[str, Any]] = {
    "torch": dict(lr=0.01, eps=1e-10, eps_inside=False, initial_accumulator_value=0.0,
                  lr_decay=0.0, weight_decay=0.0, decoupled_weight_decay=False),
    "keras": dict(lr=0.001, eps=1e-7, eps_inside=True, initial_accumulator_value=0.1,
                  lr_decay=0.0, weight_decay=0.0, decoupled_weight_decay=True),
    "optax": dict(lr=None, eps=1e-7, eps_inside=True, initial_accumulator_value=0.1,
                  lr_decay=0.0, weight_decay=0.0, decoupled_weight_decay=False),
    "mxnet": dict(lr=0.01, eps=1e-7, eps_inside=True, initial_accumulator_value=0.0,
                  lr_decay=0.0, weight_decay=0.0, decoupled_weight_decay=True),
    "book": dict(lr=0.1, eps=1e-6, eps_inside=True, initial_accumulator_value=0.0,
                 lr_decay=0.0, weight_decay=0.0, decoupled_weight_decay=False),
}

#: What each framework's Adagrad offers beyond the defaults (learning-rate decay, weight decay).
PRESET_OPTIONS: dict[str, dict[str, str]] = {
    "torch": dict(lr_decay="lr / (1 + (t-1) lr_decay)", weight_decay="added to g, accumulated"),
    "keras": dict(lr_decay="via a schedule object", weight_decay="decoupled: w -= lr wd w"),
    "optax": dict(lr_decay="via a schedule function", weight_decay="none (chain another transform)"),
    "mxnet": dict(lr_decay="via lr_scheduler", weight_decay="decoupled: w -= lr wd w"),
    "book": dict(lr_decay="none", weight_decay="none"),
}

#: Where each preset's numbers come from (read in the frameworks' own source code).
PRESET_SOURCES: dict[str, str] = {
    "torch": ("PyTorch 2.13, torch/optim/adagrad.py: Adagrad(lr=1e-2, lr_decay=0, weight_decay=0, "
              "initial_accumulator_value=0, eps=1e-10); clr = lr / (1 + (step - 1) * lr_decay); "
              "grad = grad + weight_decay * param; std = state_sum.sqrt().add_(eps), "
              "eps outside the square root; the same in its for-loop, foreach and fused paths."),
    "keras": ("Keras 3, keras/src/optimizers/adagrad.py: Adagrad(learning_rate=0.001, "
              "initial_accumulator_value=0.1, epsilon=1e-7); the step divides by "
              "sqrt(accumulator + epsilon), eps inside; weight_decay (default None) is applied by "
              "the base optimizer as variable - variable * wd * lr, outside the accumulator. "
              "(The older tf.keras optimizer_v2 called the ResourceApplyAdagradV2 kernel, which "
              "puts epsilon outside: var -= lr * grad / (sqrt(accum) + epsilon).)"),
    "optax": ("optax, optax/_src/alias.py: adagrad(learning_rate, initial_accumulator_value=0.1, "
              "eps=1e-7), no default learning rate; scale_by_rss multiplies by "
              "where(s > 0, rsqrt(s + eps), 0), eps inside; no weight decay of its own."),
    "mxnet": ("MXNet 1.x, python/mxnet/optimizer/optimizer.py: AdaGrad(eps=1e-7), base Optimizer "
              "learning_rate=0.01, wd=0; history += square(grad); "
              "weight += (grad / sqrt(history + eps) + weight * wd) * -lr, eps inside and the "
              "decay outside the accumulator.  (MXNet 2.0's python/mxnet/optimizer/adagrad.py "
              "changed to epsilon=1e-6 outside the square root, with wd added to the gradient.)"),
    "book": ("Dive into Deep Learning, section 12.7, from-scratch adagrad: eps = 1e-6 inside the "
             "square root, states start at zero, no decay; its code has no default learning "
             "rate, so the preset uses 0.1, the rate of the book's training runs."),
}


@dataclass(frozen=True)
class Adagrad:
    r"""Adagrad on a NumPy array, written to be read and checked against every framework.

    Parameters
    ----------
    lr:
        Learning rate :math:`\eta \ge 0`.
    eps:
        :math:`\epsilon \ge 0`, inside the square root when ``eps_inside`` else added after it.
    eps_inside:
        ``True`` for :math:`\sqrt{s + \epsilon}` (the book, Keras 3, optax, MXNet 1.x),
        ``False`` for :math:`\sqrt{s} + \epsilon` (PyTorch).
    initial_accumulator_value:
        :math:`s_0 \ge 0` for every coordinate (0 in PyTorch, MXNet and the book; 0.1 in Keras
        and optax).
    lr_decay:
        PyTorch's :math:`\delta \ge 0`: step :math:`t` uses :math:`\eta / (1 + (t-1)\delta)`.
    weight_decay:
        :math:`\lambda \ge 0`, added to the gradient before it is accumulated (PyTorch), or,
        with ``decoupled_weight_decay``, subtracted from the step (Keras 3, MXNet 1.x).

    Where the accumulator is exactly 0 the gradient is 0 too (:math:`s_t \ge g_t^2`), and the
    step is defined as 0 even when :math:`\epsilon = 0`, as optax does.  Bad hyperparameters
    (negative, NaN or infinite) raise :class:`ValueError`.

    Warning: the effective rate :math:`\eta/\sqrt{s_t}` only ever shrinks, so on long runs it
    can stall learning; RMSProp and Adam replace the sum by a moving average.

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

    def __post_init__(self) -> None:
        for name in ("lr", "eps", "initial_accumulator_value", "lr_decay", "weight_decay"):
            object.__setattr__(self, name, check_float(name, getattr(self, name)))
        for name in ("eps_inside", "decoupled_weight_decay"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")
            object.__setattr__(self, name, bool(getattr(self, name)))

    @classmethod
    def preset(cls, framework: str, **overrides: Any) -> "Adagrad":
        """The Adagrad of ``framework`` ("torch", "keras", "optax", "mxnet" or "book").

        Keyword ``overrides`` replace single defaults, e.g. ``Adagrad.preset("optax", lr=1e-2)``;
        optax has no default learning rate, so its preset needs ``lr``.  The sources of the
        numbers are in :data:`PRESET_SOURCES`.
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
        """The state for ``params``: every accumulator at ``initial_accumulator_value``, count 0."""
        params = _check_params(params)
        return AdagradState(np.full_like(params, self.initial_accumulator_value), 0)

    def learning_rate(self, step: int) -> float:
        r"""The learning rate of step ``step`` (from 1): :math:`\eta / (1 + (t-1)\delta)`."""
        step = check_int("step", step)
        return self.lr / (1.0 + (step - 1) * self.lr_decay)

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
        if grads.shape != params.shape or state.sum_of_squares.shape != params.shape:
            raise ValueError(f"grads {grads.shape}, state {state.sum_of_squares.shape} and params "
                             f"{params.shape} must have the same shape")
        grads = grads.astype(params.dtype, copy=False)
        count = state.count + 1
        lr = self.learning_rate(count)
        if self.weight_decay and not self.decoupled_weight_decay:
            grads = grads + self.weight_decay * params
        sum_of_squares = state.sum_of_squares + grads * grads
        if self.eps_inside:
            denominator = np.sqrt(sum_of_squares + self.eps)
        else:
            denominator = np.sqrt(sum_of_squares) + self.eps
        scaled = np.divide(grads, denominator, out=np.zeros_like(grads), where=denominator > 0)
        new_params = params - lr * scaled
        if self.weight_decay and self.decoupled_weight_decay:
            new_params = new_params - lr * self.weight_decay * params
        return new_params, AdagradState(sum_of_squares, count)


def _check_params(params: Any) -> np.ndarray:
    params = np.asarray(params)
    if not np.issubdtype(params.dtype, np.floating):
        raise TypeError(f"params must be a floating-point array (float16/32/64), got dtype "
                        f"{params.dtype}")
    return params


def adagrad_path(optimizer: Adagrad, grad_fn: Callable[[np.ndarray], np.ndarray],
                 start: np.ndarray, steps: int) -> tuple[np.ndarray, AdagradState]:
    """Run ``steps`` updates from ``start`` with gradients ``grad_fn(params)``.

    Returns the path, an array of shape ``(steps + 1, *start.shape)`` whose first row is
    ``start``, and the final state.
    """
    if not isinstance(optimizer, Adagrad):
        raise TypeError(f"optimizer must be an Adagrad, got {type(optimizer).__name__}")
    steps = check_int("steps", steps, minimum=0)
    params = _check_params(start).copy()
    state = optimizer.init(params)
    path = [params]
    for _ in range(steps):
        params, state = optimizer.update(grad_fn(params), state, params)
        path.append(params)
    return np.stack(path), state
