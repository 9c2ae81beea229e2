"""Item 1: seconds per epoch of ``train_scratch`` (d2lite.adagrad) against ``train_concise``.

Both loops train the chapter's linear model on ``synthetic_linreg`` with Adagrad at lr 0.1;
their own clocks exclude the loss evaluations.  The rounds are interleaved.  ``d2lite.adagrad``
is the teaching code (in place); the same update spelled out as the formula reads
(:func:`benchmarks.variants.spelled_out_adagrad`) runs in the same rounds for context.  To see
where an epoch goes, the same rounds also time the pieces alone: one pass over the data loader, and
one epoch's worth of optimiser updates (as many calls as there are minibatches) on the same
parameters; forward plus backward is what remains.  Every time is process CPU time (the loops'
own clocks are switched to it with :func:`harness.cpu_timed_training`).
"""
from __future__ import annotations


import torch
from torch import nn

from d2lite.book.data import synthetic_linreg
from d2lite.book.scratch import adagrad, init_adagrad_states
from d2lite.book.training import init_linreg_params, train_concise, train_scratch

from .config import Config
from .variants import spelled_out_adagrad
from .harness import (Goal, clock_name, cpu_clock, cpu_timed_training, interleaved, median,
                      paired_ratio, row)

__all__ = ["run"]

TITLE = "From-scratch Adagrad against torch.optim.Adagrad (seconds per epoch)"
GOAL = Goal("<=", 1.10)
LR = 0.1


def _quiet(train, *args, **kwargs) -> float:
    """Run a d2lite training loop (quiet unless asked); its own seconds per epoch up to the
    last loss evaluation."""
    return train(*args, **kwargs).seconds[-1] / kwargs["num_epochs"]


def _update_cases(data_iter, feature_dim: int) -> dict:
    """One epoch's worth of updates alone: the from-scratch function and torch's optimiser."""
    batches = len(data_iter)
    w, b = init_linreg_params(feature_dim)
    states = init_adagrad_states(feature_dim)
    grads = (torch.randn_like(w), torch.randn_like(b))

    def scratch_updates():
        for _ in range(batches):
            w.grad, b.grad = grads[0].clone(), grads[1].clone()  # adagrad zeroes them
            adagrad([w, b], states, {"lr": LR})

    net = nn.Linear(feature_dim, 1)
    optimizer = torch.optim.Adagrad(net.parameters(), lr=LR)

    def concise_updates():
        for _ in range(batches):
            net.weight.grad, net.bias.grad = grads[0].T.clone(), grads[1].clone()
            optimizer.step()
            optimizer.zero_grad()

    def clone_only():  # the gradient copies both loops above make, to subtract
        for _ in range(batches):
            grads[0].T.clone(), grads[1].clone()

    def data_only():
        for _X, _y in data_iter:
            pass

    return {"data loading": data_only, "scratch updates": scratch_updates,
            "torch updates": concise_updates, "gradient copies": clone_only}


def run(config: Config) -> dict:
    data_iter, d = synthetic_linreg(num_examples=config.linreg_examples)
    epochs = config.epochs
    cases = {
        "train_scratch": lambda: _quiet(train_scratch, adagrad, init_adagrad_states(d), {"lr": LR},
                                        data_iter, d, num_epochs=epochs),
        "train_scratch, spelled out": lambda: _quiet(train_scratch, spelled_out_adagrad,
                                                     init_adagrad_states(d), {"lr": LR}, data_iter,
                                                     d, num_epochs=epochs),
        "train_concise": lambda: _quiet(train_concise, torch.optim.Adagrad, {"lr": LR}, data_iter,
                                        num_epochs=epochs),
        **_update_cases(data_iter, d),
    }
    with cpu_timed_training():
        seconds = interleaved(cases, config.repeats, config.warmup, cpu_clock)
    ratio = paired_ratio(seconds["train_scratch"], seconds["train_concise"])
    med = {name: median(values) for name, values in seconds.items()}
    copies = med["gradient copies"]
    breakdown = {}
    for loop, updates in (("train_scratch", "scratch updates"), ("train_concise", "torch updates")):
        update = max(med[updates] - copies, 0.0)
        breakdown[loop] = {"data loading": med["data loading"], "optimizer update": update,
                           "forward + backward + loop": max(med[loop] - med["data loading"] - update, 0.0)}
    detail = (f"{med['train_scratch']:.4f} s against {med['train_concise']:.4f} s per epoch "
              f"({len(data_iter)} minibatches of 10)")
    table = {"title": "Milliseconds per epoch (medians; the pieces are timed alone in the same rounds)",
             "header": ["loop", *breakdown["train_scratch"], "total (own clock)"],
             "rows": [[loop, *(f"{v * 1e3:.1f}" for v in parts.values()), f"{med[loop] * 1e3:.1f}"]
                      for loop, parts in breakdown.items()]}
    return {
        "item": 1, "title": TITLE, "tables": [table],
        "notes": [f"clock: {clock_name(cpu_clock)}, the loops' own clocks (evaluation excluded)"],
        "rows": [row("train_scratch / train_concise, sec/epoch", ratio, GOAL, detail,
                     book="0.162 / 0.129 = 1.26"),
                 row("train_scratch with the spelled-out update / train_concise",
                     paired_ratio(seconds["train_scratch, spelled out"], seconds["train_concise"]),
                     None, "benchmarks.variants.spelled_out_adagrad: the formula as it reads")],
        "data": {"seconds": seconds, "median_seconds": med, "breakdown_seconds_per_epoch": breakdown,
                 "minibatches_per_epoch": len(data_iter)},
    }
