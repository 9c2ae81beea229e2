r"""Adagrad and SGD written from scratch for PyTorch tensors, as in the chapter.

The optimiser state is explicit: :func:`init_adagrad_states` returns one accumulator per
parameter, the same shape as the parameter, and the learner can print it.  Each update follows

.. math::
    \mathbf{s}_t = \mathbf{s}_{t-1} + \mathbf{g}_t^2,\qquad
    \mathbf{w}_t = \mathbf{w}_{t-1} - \frac{\eta}{\sqrt{\mathbf{s}_t + \epsilon}} \odot \mathbf{g}_t

with :math:`\epsilon` *inside* the square root (PyTorch puts it outside: see the concise notebook).
In float64 it takes exactly the steps of the one NumPy Adagrad with the book's settings,
``d2lite.Adagrad.preset("book", lr=...)`` (a test checks it).  :func:`adagrad` is the book's three
lines, written in place as ``torch.optim.Adagrad`` is (so that notebook 05 can show the two agree
to the last bit); the checks of its arguments live in the wrapper :func:`checked_step`, not in
the lesson.

>>> w = torch.tensor([1.0, 2.0], requires_grad=True)
>>> states = [torch.zeros(2)]
>>> (torch.tensor([3.0, -4.0]) * w).sum().backward()
>>> adagrad([w], states, {"lr": 0.1})
>>> states[0].tolist(), [round(v, 4) for v in w.tolist()]
([9.0, 16.0], [0.9, 2.1])
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Mapping, Sequence

import torch

from d2lite._checks import check_float, check_int

__all__ = ["init_adagrad_states", "adagrad", "sgd", "checked_step"]

#: A from-scratch step: ``step(params, states, hyperparams)`` updates the parameters in place.
Step = Callable[[Sequence[torch.Tensor], Any, Mapping[str, float]], None]


def init_adagrad_states(feature_dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero accumulators for the linear model's weight ``(d, 1)`` and bias ``(1,)``."""
    feature_dim = check_int("feature_dim", feature_dim)
    return torch.zeros((feature_dim, 1)), torch.zeros(1)


def checked_step(per_parameter_states: bool = False) -> Callable[[Step], Step]:
    """Wrap a from-scratch step so that bad arguments get an error naming them.

    The step itself stays as the book writes it; the wrapper checks, before it runs, that
    ``hyperparams`` holds a finite ``lr`` (and ``eps``, when given), that every parameter is a
    tensor with a gradient and, with ``per_parameter_states``, that ``states`` holds one
    accumulator per parameter, of its shape and dtype.
    """
    def wrap(step: Step) -> Step:
        @functools.wraps(step)
        def checked(params: Sequence[torch.Tensor], states: Any, hyperparams: Mapping[str, float]) -> None:
            _check_step(params, hyperparams)
            if per_parameter_states:
                _check_states(params, states)
            return step(params, states, hyperparams)
        return checked
    return wrap


def _check_step(params: Sequence[torch.Tensor], hyperparams: Mapping) -> None:
    if not isinstance(hyperparams, Mapping) or "lr" not in hyperparams:
        raise ValueError(f"hyperparams must be a dict with a learning rate 'lr', got {hyperparams!r}")
    check_float("hyperparams['lr']", hyperparams["lr"])
    if "eps" in hyperparams:
        check_float("hyperparams['eps']", hyperparams["eps"])
    for i, p in enumerate(params):
        if not isinstance(p, torch.Tensor):
            raise TypeError(f"params[{i}] must be a torch tensor, got {type(p).__name__}")
        if p.grad is None:
            raise ValueError(f"params[{i}] has no gradient (.grad is None): call loss.backward() "
                             f"first, on a loss that depends on it (requires_grad=True)")


def _check_states(params: Sequence[torch.Tensor], states: Any) -> None:
    if len(states) != len(params):
        raise ValueError(f"states must hold one accumulator per parameter: {len(params)} "
                         f"parameters, {len(states)} states")
    for p, s in zip(params, states):
        if not isinstance(s, torch.Tensor) or s.dtype != p.dtype:
            raise TypeError(f"states: each accumulator must be a tensor of its parameter's dtype "
                            f"{p.dtype}, got {getattr(s, 'dtype', type(s).__name__)}")
        if s.shape != p.shape:
            raise ValueError(f"states: an accumulator of shape {tuple(s.shape)} does not match "
                             f"its parameter of shape {tuple(p.shape)}")


@checked_step(per_parameter_states=True)
def adagrad(params: Sequence[torch.Tensor], states: Sequence[torch.Tensor],
            hyperparams: Mapping[str, float]) -> None:
    """One Adagrad step in place on every parameter, then zero its gradient (eps 1e-6 unless given)."""
    eps = hyperparams.get("eps", 1e-6)
    for p, s in zip(params, states):
        with torch.no_grad():
            s.addcmul_(p.grad, p.grad)                                       # s += g * g
            p.addcdiv_(p.grad, (s + eps).sqrt_(), value=-hyperparams["lr"])  # p -= lr g / sqrt(s + eps)
        p.grad.data.zero_()


@checked_step()
def sgd(params: Sequence[torch.Tensor], states: object, hyperparams: Mapping[str, float]) -> None:
    r"""Minibatch SGD, :math:`\mathbf{w} \leftarrow \mathbf{w} - \eta\,\mathbf{g}`, in place (``states`` unused)."""
    for p in params:
        with torch.no_grad():
            p -= hyperparams["lr"] * p.grad
        p.grad.data.zero_()
