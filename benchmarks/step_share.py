"""Item 2: Adagrad against SGD, the optimiser step's share of a whole training iteration.

On the exercises' network (``d2lite.problems.classifier.lenet`` on the 8x8 digits, minibatches of 64) each
iteration is timed in three pieces: fetching the minibatch, ``zero_grad`` + forward + loss +
``backward()``, and ``optimizer.step()``.  Blocks of iterations with ``torch.optim.SGD`` and with
``torch.optim.Adagrad`` (torch's defaults on the CPU: the for-loop path; and, for context,
both with ``fused=True``) alternate, each with
its own copy of the same initial network.  The same question for the chapter's from-scratch
loop: seconds per epoch of ``train_scratch`` with ``d2lite.adagrad`` (the in-place teaching
code) against ``d2lite.sgd``, and, for context, with the update spelled out as the formula reads.
"""
from __future__ import annotations

import torch
from torch import nn

from d2lite.book.data import synthetic_linreg
from d2lite.book.scratch import adagrad, init_adagrad_states, sgd
from d2lite.book.training import train_scratch

from .config import Config
from .variants import spelled_out_adagrad
from .harness import (Goal, clock_name, cpu_clock, cpu_timed_training, interleaved, median,
                      paired_ratio, row)

__all__ = ["run"]

TITLE = "Adagrad against SGD: the step's share of an iteration"
SHARE_GOAL = Goal("<", 10.0)       # percent
ITERATION_GOAL = Goal("<", 1.10)
SCRATCH_GOAL = Goal("<", 1.15)
CLOCK = cpu_clock  # see harness.cpu_clock: the machine is shared
#: torch's defaults on the CPU (the for-loop path) are the measured cases; fused is for context
OPTIMIZERS = {"SGD": (torch.optim.SGD, {"lr": 0.1}), "Adagrad": (torch.optim.Adagrad, {"lr": 0.01}),
              "SGD fused": (torch.optim.SGD, {"lr": 0.1, "fused": True}),
              "Adagrad fused": (torch.optim.Adagrad, {"lr": 0.01, "fused": True})}


def _vision():
    """``(load_digits_data, lenet)`` from d2lite, or ``(None, reason)``."""
    try:
        from d2lite.problems.classifier import lenet
        from d2lite.problems.vision import load_digits_data
    except ImportError:
        return None, ("d2lite.problems.vision.load_digits_data / d2lite.problems.classifier.lenet (the exercises' network) are not "
                      "available on this branch: the LeNet figures are skipped")
    return (load_digits_data, lenet), ""


def _seeded_lenet(lenet) -> nn.Module:
    """``lenet(seed=0)``, or ``lenet()`` under torch's seed 0 if it takes no seed."""
    try:
        return lenet(seed=0)
    except TypeError:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            return lenet()


def _lenet_cases(load_digits_data, lenet, iterations: int) -> tuple[dict, dict]:
    train_iter, _ = load_digits_data(batch_size=64, seed=0)
    pieces: dict[str, dict[str, list[float]]] = {}
    cases = {}
    for name, (optimizer_class, hyperparams) in OPTIMIZERS.items():
        net = _seeded_lenet(lenet)
        optimizer = optimizer_class(net.parameters(), **hyperparams)
        loss_fn = nn.CrossEntropyLoss()
        record = pieces[name] = {"data": [], "forward + backward": [], "step": []}
        batches = {"it": iter(train_iter)}

        def next_batch(batches=batches):
            try:
                return next(batches["it"])
            except StopIteration:
                batches["it"] = iter(train_iter)
                return next(batches["it"])

        def block(net=net, optimizer=optimizer, loss_fn=loss_fn, record=record, next_batch=next_batch):
            data = fwd_bwd = step = 0.0
            for _ in range(iterations):
                t0 = CLOCK()
                X, y = next_batch()
                t1 = CLOCK()
                optimizer.zero_grad()
                loss_fn(net(X), y).backward()
                t2 = CLOCK()
                optimizer.step()
                t3 = CLOCK()
                data, fwd_bwd, step = data + t1 - t0, fwd_bwd + t2 - t1, step + t3 - t2
            for key, value in (("data", data), ("forward + backward", fwd_bwd), ("step", step)):
                record[key].append(value / iterations)
            return (data + fwd_bwd + step) / iterations

        cases[name] = block
    return cases, pieces


def _scratch_cases(config: Config) -> dict:
    data_iter, d = synthetic_linreg(num_examples=config.linreg_examples)

    def epoch(trainer, states):
        history = train_scratch(trainer, states, {"lr": 0.1}, data_iter, d, num_epochs=config.epochs)
        return history.seconds[-1] / config.epochs

    return {"train_scratch adagrad": lambda: epoch(adagrad, init_adagrad_states(d)),
            "train_scratch sgd": lambda: epoch(sgd, None),
            "train_scratch adagrad, spelled out": lambda: epoch(spelled_out_adagrad,
                                                                init_adagrad_states(d))}


def run(config: Config) -> dict:
    vision, missing = _vision()
    cases = _scratch_cases(config)
    pieces = {}
    if vision is not None:
        lenet_cases, pieces = _lenet_cases(*vision, config.lenet_iterations)
        cases.update(lenet_cases)
    with cpu_timed_training():
        seconds = interleaved(cases, config.repeats, config.warmup, cpu_clock)
    rows, data, notes = [], {"seconds": seconds}, []
    if vision is not None:
        # drop the warm-up round's pieces so they line up with the timed rounds
        for record in pieces.values():
            for key in record:
                record[key] = record[key][-config.repeats:]
        shares = {name: [100 * s / (d + f + s) for d, f, s in
                         zip(rec["data"], rec["forward + backward"], rec["step"])]
                  for name, rec in pieces.items()}
        data["lenet_breakdown_ms"] = {name: {key: median(values) * 1e3 for key, values in rec.items()}
                                      for name, rec in pieces.items()}
        data["step_share_percent"] = shares
        parameters = sum(p.numel() for p in _seeded_lenet(vision[1]).parameters())
        data["lenet_parameters"] = parameters
        data["tables"] = [{"title": "LeNet on digits, milliseconds per iteration (medians)",
                           "header": ["optimizer", "data", "forward + backward", "step", "step share"],
                           "rows": [[name, *(f"{v:.2f}" for v in parts.values()),
                                     f"{median(shares[name]):.1f} %"]
                                    for name, parts in data["lenet_breakdown_ms"].items()]}]
        rows += [
            row("Adagrad step / whole iteration, LeNet on digits (torch defaults)",
                median(shares["Adagrad"]),
                SHARE_GOAL, f"SGD's step: {median(shares['SGD']):.1f} % "
                f"({parameters:,} parameters, minibatch 64)", unit=" %"),
            row("Adagrad / SGD, iteration time, LeNet on digits (torch defaults)",
                paired_ratio(seconds["Adagrad"], seconds["SGD"]), ITERATION_GOAL,
                f"{median(seconds['Adagrad']) * 1e3:.2f} ms against {median(seconds['SGD']) * 1e3:.2f} ms"),
            row("Adagrad step / whole iteration, fused=True", median(shares["Adagrad fused"]), None,
                f"SGD fused: {median(shares['SGD fused']):.1f} %", unit=" %"),
            row("Adagrad / SGD, iteration time, both fused=True",
                paired_ratio(seconds["Adagrad fused"], seconds["SGD fused"]), None,
                f"{median(seconds['Adagrad fused']) * 1e3:.2f} ms against "
                f"{median(seconds['SGD fused']) * 1e3:.2f} ms"),
        ]
    else:
        notes.append(missing)
        data["skip_reason"] = missing
    rows.append(row("train_scratch: adagrad / sgd, sec/epoch",
                    paired_ratio(seconds["train_scratch adagrad"], seconds["train_scratch sgd"]),
                    SCRATCH_GOAL, f"{median(seconds['train_scratch adagrad']):.4f} s against "
                    f"{median(seconds['train_scratch sgd']):.4f} s per epoch"))
    rows.append(row("train_scratch: spelled-out adagrad / sgd, sec/epoch",
                    paired_ratio(seconds["train_scratch adagrad, spelled out"],
                                 seconds["train_scratch sgd"]),
                    None, "benchmarks.variants.spelled_out_adagrad: the formula as it reads"))
    notes.append(f"clock: {clock_name(CLOCK)} (train_scratch: its own clock, switched to it)")
    result = {"item": 2, "title": TITLE, "rows": rows, "notes": notes, "data": data,
              "tables": data.pop("tables", [])}
    if vision is None:
        result["skipped"] = missing
    return result
