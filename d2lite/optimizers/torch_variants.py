r"""Two torch optimizers that torch lacks, for exercise 6 on LeNet, and a probe of any
optimizer's effective learning rate.

:class:`AdagradPower` and :class:`AdagradNorm` are the torch counterparts of
:func:`d2lite.optimizers.variants.adagrad_power` and :func:`d2lite.optimizers.variants.adagrad_norm` (tests check them
against the NumPy Adagrad); :func:`median_effective_rate` reads the factor in front of the
gradient out of the state of SGD, Adagrad, RMSprop, Adam and these two.

>>> w = torch.nn.Parameter(torch.tensor([3.0, -4.0]))
>>> optimizer = AdagradNorm([w], lr=0.5)
>>> (w * w).sum().backward()
>>> optimizer.step()
>>> round(median_effective_rate(optimizer), 4)    # 0.5 / |g| = 0.5 / 10
0.05
"""
from __future__ import annotations

import math

import torch

from d2lite._checks import check_float

__all__ = ["AdagradPower", "AdagradNorm", "median_effective_rate"]


class AdagradPower(torch.optim.Optimizer):
    r"""Adagrad with the accumulated sum raised to ``power`` instead of 1/2 (torch lacks it).

    State per parameter: ``sum`` (the running sum of squared gradients).
    Update: :math:`s \leftarrow s + g^2,\ w \leftarrow w - \eta\, g / (s + \epsilon)^{p}`.
    """

    def __init__(self, params, lr: float = 0.01, power: float = 0.25, eps: float = 1e-10) -> None:
        check_float("lr", lr, strict=True)
        check_float("power", power, maximum=1.0)
        check_float("eps", eps, strict=True)
        super().__init__(params, dict(lr=lr, power=power, eps=eps))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None if closure is None else closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "sum" not in state:
                    state["sum"] = torch.zeros_like(p)
                state["sum"].add_(p.grad * p.grad)
                p.sub_(group["lr"] * p.grad / (state["sum"] + group["eps"]) ** group["power"])
        return loss


class AdagradNorm(torch.optim.Optimizer):
    r"""AdaGrad-Norm: one accumulator for all parameters, :math:`b^2 \leftarrow b^2 +
    \lVert g \rVert^2` over every parameter's gradient, then :math:`w \leftarrow w - \eta g / b`.

    State: ``self.b2`` (a float), readable at any time.
    """

    def __init__(self, params, lr: float = 0.1, b0: float = 1e-3) -> None:
        check_float("lr", lr, strict=True)
        check_float("b0", b0, strict=True)
        super().__init__(params, dict(lr=lr))
        self.b2 = b0 * b0

    @torch.no_grad()
    def step(self, closure=None):
        loss = None if closure is None else closure()
        grads = [p.grad for group in self.param_groups for p in group["params"] if p.grad is not None]
        self.b2 += float(sum((g * g).sum() for g in grads))
        b = math.sqrt(self.b2)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.sub_(group["lr"] / b * p.grad)
        return loss


def median_effective_rate(optimizer: torch.optim.Optimizer) -> float:
    r"""The median, over every parameter coordinate, of the optimizer's current effective rate.

    The effective rate is the factor in front of the gradient (for Adam, of its bias-corrected
    average): :math:`\eta / (\sqrt{s} + \epsilon)` for ``torch.optim.Adagrad`` (state ``sum``)
    and ``RMSprop`` (``square_avg``), :math:`\eta / (\sqrt{\hat v} + \epsilon)` for ``Adam``,
    :math:`\eta / (s + \epsilon)^p` for :class:`AdagradPower`, :math:`\eta / b` for
    :class:`AdagradNorm` and :math:`\eta` for ``SGD``.  Coordinates with no state yet are left
    out; NaN when none has any.  Pass it as ``on_step`` (through a lambda that stores the value)
    to :func:`d2lite.train_classifier` to follow the rate over training.
    """
    if isinstance(optimizer, AdagradNorm):
        return optimizer.param_groups[0]["lr"] / math.sqrt(optimizer.b2)
    if type(optimizer) is torch.optim.SGD:
        return float(optimizer.param_groups[0]["lr"])
    rates = []
    with torch.no_grad():
        for group in optimizer.param_groups:
            lr = group["lr"]
            for p in group["params"]:
                state = optimizer.state.get(p, {})
                if isinstance(optimizer, AdagradPower) and "sum" in state:
                    rates.append((lr / (state["sum"] + group["eps"]) ** group["power"]).flatten())
                elif isinstance(optimizer, torch.optim.Adagrad) and "sum" in state:
                    step = float(state["step"])
                    clr = lr / (1 + (step - 1) * group["lr_decay"])
                    rates.append((clr / (state["sum"].sqrt() + group["eps"])).flatten())
                elif isinstance(optimizer, torch.optim.RMSprop) and "square_avg" in state:
                    if group.get("centered") or group.get("momentum"):
                        raise ValueError("median_effective_rate supports plain RMSprop only "
                                         "(centered=False, momentum=0)")
                    rates.append((lr / (state["square_avg"].sqrt() + group["eps"])).flatten())
                elif isinstance(optimizer, torch.optim.Adam) and "exp_avg_sq" in state:
                    correction = 1 - group["betas"][1] ** float(state["step"])
                    denominator = (state["exp_avg_sq"] / correction).sqrt() + group["eps"]
                    rates.append((lr / denominator).flatten())
                elif state:
                    raise TypeError(f"median_effective_rate does not know "
                                    f"{type(optimizer).__name__}; supported: SGD, Adagrad, RMSprop, "
                                    f"Adam, AdagradPower, AdagradNorm")
    if not rates:
        return math.nan
    return float(torch.cat(rates).median())
