"""The Adagrad update as the formula reads, kept for comparison with the teaching code.

``d2lite.adagrad`` (d2lite/scratch.py) is the teaching code: it updates the accumulator and the
parameter in place with ``addcmul_`` and ``addcdiv_``, making one full-size temporary
(``s + eps``) per parameter.  Before that it was written the way the formula reads, which is what
:func:`spelled_out_adagrad` keeps, so that every run measures what the in-place spelling saves.
Same maths (epsilon inside the square root), same gradient reset; only the spelling differs.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import torch

__all__ = ["spelled_out_adagrad", "SPELLED_OUT_TEMPORARIES"]

#: The full-size tensors one spelled-out update makes per parameter: g^2, lr * g, s + eps,
#: its square root, and the quotient (see :func:`spelled_out_adagrad`).
SPELLED_OUT_TEMPORARIES = ("g ** 2", "lr * g", "s + eps", "sqrt(s + eps)", "lr * g / sqrt(s + eps)")


def spelled_out_adagrad(params: Sequence[torch.Tensor], states: Sequence[torch.Tensor],
                        hyperparams: Mapping[str, float]) -> None:
    r"""The update as the formula reads: :math:`s \leftarrow s + g^2`,
    :math:`p \leftarrow p - \eta g / \sqrt{s + \epsilon}`, then zero the gradient.

    Written ``s[:] += torch.square(g)`` and ``p[:] -= lr * g / torch.sqrt(s + eps)`` (the
    teaching code before it became in place): each operator makes a new full-size tensor, five
    per parameter (:data:`SPELLED_OUT_TEMPORARIES`), where :func:`d2lite.adagrad` makes one.
    No input checks: this is a benchmark case, not a helper for learners.
    """
    lr, eps = hyperparams["lr"], hyperparams.get("eps", 1e-6)
    for p, s in zip(params, states):
        with torch.no_grad():
            s[:] += torch.square(p.grad)
            p[:] -= lr * p.grad / torch.sqrt(s + eps)
        p.grad.data.zero_()
