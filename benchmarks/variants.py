"""The in-place from-scratch update proposed for ``d2lite.scratch.adagrad`` (branch h7-lean-scratch).

It is measured next to the teaching code so that the effect of the proposal shows in the same
run, whichever version ``d2lite.adagrad`` is.  Same maths as :func:`d2lite.adagrad` (epsilon
inside the square root), but the accumulator and the parameter are updated with ``addcmul_``
and ``addcdiv_``: one temporary (``s + eps``) per parameter instead of four.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import torch

__all__ = ["in_place_adagrad"]


def in_place_adagrad(params: Sequence[torch.Tensor], states: Sequence[torch.Tensor],
                     hyperparams: Mapping[str, float]) -> None:
    r"""In place: :math:`s \leftarrow s + g^2`, :math:`p \leftarrow p - \eta g / \sqrt{s + \epsilon}`.

    The gradient is zeroed afterwards, as in :func:`d2lite.adagrad`.
    """
    lr, eps = hyperparams["lr"], hyperparams.get("eps", 1e-6)
    for p, s in zip(params, states):
        g = p.grad
        with torch.no_grad():
            s.addcmul_(g, g)                             # s <- s + g * g
            p.addcdiv_(g, (s + eps).sqrt_(), value=-lr)  # p <- p - lr * g / sqrt(s + eps)
        g.zero_()
