"""Item 4: one Adagrad update on 1M to 50M parameters, against the machine's copy bandwidth.

An update has to read the parameter, its gradient and its accumulator and write back the
parameter and the accumulator: at least 5 x 4 = 20 bytes per float32 parameter.  The achieved
rate is ``20 * n / seconds``.  The same rounds time ``dst.copy_(src)`` on ``n`` floats (8 bytes
per float: one read, one write), so the bound ``20 * n / copy_bandwidth`` is measured on the same
machine under the same load.  Paths compared:

* from scratch: ``d2lite.adagrad`` (the teaching code: ``addcmul_`` and ``addcdiv_`` in place,
  one full-size temporary ``s + eps``, one pass over memory per operation, plus the gradient
  reset it does);
* from scratch, spelled out: the same update as the formula reads
  (:func:`benchmarks.variants.spelled_out_adagrad`, five full-size temporaries), for context;
* ``torch.optim.Adagrad`` with ``foreach=False`` (for-loop), ``foreach=True`` and ``fused=True``;
* the NumPy reference ``d2lite.optimizers.optim.Adagrad`` (functional: returns new arrays), if present.

Times are process CPU time (one torch thread): on the shared machine, the time spent waiting for
a core would otherwise swamp these memory-bound kernels; memory stalls and page faults still count.
A copy also makes the processor read each destination line before writing it (write-allocate),
which the 8 bytes do not count, so a one-pass kernel such as the fused update can beat the bound.
"""
from __future__ import annotations

import torch

from d2lite.book.scratch import adagrad

from .config import Config
from .variants import spelled_out_adagrad
from .harness import (Goal, clock_name, cpu_clock, interleaved, median, paired_ratio, repeat_call,
                      row)

__all__ = ["run", "BYTES_PER_PARAMETER"]

TITLE = "One update on 1M to 50M parameters against the copy bandwidth"
BYTES_PER_PARAMETER = 20   # read p, g, s; write p, s (float32)
COPY_BYTES_PER_FLOAT = 8   # read src, write dst
FUSED_GOAL = Goal("<=", 2.0)
SCRATCH_GOAL = Goal("<=", 1.5)
LR = 0.01
CLOCK = cpu_clock
SCRATCH = "from scratch (d2lite.adagrad)"
SPELLED_OUT = "from scratch, spelled out"


def _numpy_reference():
    """``d2lite.optimizers.optim.Adagrad`` if the NumPy reference is available, else None and the reason."""
    try:
        from d2lite.optimizers.optim import Adagrad
        Adagrad.preset
    except (ImportError, AttributeError):
        return None, "d2lite.optimizers.optim.Adagrad (the NumPy reference) is not available on this branch"
    return Adagrad, ""


def _cases(n: int, number: int, numpy_adagrad) -> dict:
    generator = torch.Generator().manual_seed(n)
    grad = torch.rand(n, generator=generator)
    cases = {}

    src, dst = torch.rand(n, generator=generator), torch.empty(n)
    cases["copy"] = lambda: repeat_call(lambda: dst.copy_(src), number, CLOCK)

    for label, update in ((SCRATCH, adagrad), (SPELLED_OUT, spelled_out_adagrad)):
        param, state = torch.zeros(n, requires_grad=True), [torch.zeros(n)]
        param.grad = grad.clone()  # both zero their gradient after the update
        cases[label] = (lambda update, param, state: lambda: repeat_call(
            lambda: update([param], state, {"lr": LR}), number, CLOCK))(update, param, state)

    for label, options in (("torch for-loop", {"foreach": False}), ("torch foreach", {"foreach": True}),
                           ("torch fused", {"fused": True})):
        param = torch.zeros(n, requires_grad=True)
        param.grad = grad
        optimizer = torch.optim.Adagrad([param], lr=LR, **options)
        cases[label] = (lambda opt: lambda: repeat_call(opt.step, number, CLOCK))(optimizer)

    if numpy_adagrad is not None:
        reference = numpy_adagrad.preset("torch", lr=LR)
        holder = {"params": torch.zeros(n).numpy()}
        holder["state"] = reference.init(holder["params"])
        grad_np = grad.numpy()

        def numpy_update():
            holder["params"], holder["state"] = reference.update(grad_np, holder["state"],
                                                                 holder["params"])

        cases["NumPy reference (d2lite.optimizers.optim.Adagrad)"] = lambda: repeat_call(numpy_update, number, CLOCK)
    return cases


def _anatomy(n: int, repeats: int, warmup: int) -> dict:
    """Each operation of the from-scratch update alone on ``n`` floats, next to fused and copy.

    ``s + eps`` is timed as written in d2lite.adagrad, making a new tensor each call, and also
    into a buffer made once, to separate the arithmetic from the cost of fresh memory.
    """
    generator = torch.Generator().manual_seed(1)
    g, s, p = (torch.rand(n, generator=generator) for _ in range(3))
    buffer = torch.empty(n)
    fused_param = torch.zeros(n, requires_grad=True)
    fused_param.grad = g
    fused = torch.optim.Adagrad([fused_param], lr=LR, fused=True)
    seconds = interleaved({
        "s.addcmul_(g, g)": lambda: s.addcmul_(g, g),
        "s + eps (a new tensor)": lambda: s + 1e-6,
        "s + eps (into a buffer)": lambda: torch.add(s, 1e-6, out=buffer),
        "sqrt_() in place": lambda: buffer.sqrt_(),
        "p.addcdiv_(g, denominator)": lambda: p.addcdiv_(g, buffer, value=-LR),
        "fused step (everything)": fused.step,
        "copy": lambda: buffer.copy_(s),
    }, repeats, warmup, CLOCK)
    return {name: median(values) * 1e3 for name, values in seconds.items()}


def run(config: Config) -> dict:
    numpy_adagrad, missing = _numpy_reference()
    per_size = {}
    for n in config.update_sizes:
        number = max(1, round(config.work_per_timing / n))
        seconds = interleaved(_cases(n, number, numpy_adagrad), config.update_repeats, config.warmup,
                              CLOCK)
        copy = seconds["copy"]
        bound = [BYTES_PER_PARAMETER / COPY_BYTES_PER_FLOAT * c for c in copy]  # seconds at copy speed
        per_size[str(n)] = {
            "seconds": seconds,
            "copy_bandwidth_GBps": COPY_BYTES_PER_FLOAT * n / median(copy) / 1e9,
            "achieved_GBps": {name: BYTES_PER_PARAMETER * n / median(v) / 1e9
                              for name, v in seconds.items() if name != "copy"},
            "over_bound": {name: paired_ratio(v, bound) for name, v in seconds.items() if name != "copy"},
            "over_fused": {name: paired_ratio(v, seconds["torch fused"]) for name, v in seconds.items()
                           if name != "copy"},
            "calls_per_timing": number,
        }
    largest = str(max(config.update_sizes))
    top = per_size[largest]
    anatomy = _anatomy(int(largest), config.update_repeats, config.warmup)
    size_label = f"{int(largest) / 1e6:g}M" if int(largest) >= 1e6 else largest
    rows = [
        row(f"fused update time / copy-bandwidth bound, n = {size_label}",
            top["over_bound"]["torch fused"], FUSED_GOAL,
            f"fused {top['achieved_GBps']['torch fused']:.1f} GB/s (20 B/param); "
            f"copy {top['copy_bandwidth_GBps']:.1f} GB/s"),
        row(f"from scratch / fused, n = {size_label}", top["over_fused"][SCRATCH],
            SCRATCH_GOAL, f"from scratch {top['achieved_GBps'][SCRATCH]:.1f} GB/s"),
    ]
    for name in (SPELLED_OUT, "torch for-loop", "torch foreach",
                 "NumPy reference (d2lite.optimizers.optim.Adagrad)"):
        if name in top["over_fused"]:
            rows.append(row(f"{name} / fused, n = {size_label}", top["over_fused"][name], None,
                            f"{top['achieved_GBps'][name]:.1f} GB/s"))
    notes = [missing] if missing else []
    names = list(top["achieved_GBps"])
    tables = [
        {"title": "Achieved GB/s (20 bytes per parameter; medians) and the copy bandwidth",
         "header": ["n", "copy", *names],
         "rows": [[f"{int(n):,}", f"{e['copy_bandwidth_GBps']:.1f}",
                   *(f"{e['achieved_GBps'][name]:.1f}" for name in names)] for n, e in per_size.items()]},
        {"title": f"Anatomy of the from-scratch update (d2lite.adagrad) at n = {int(largest):,} "
                  f"(ms, medians)",
         "header": ["operation", "ms"],
         "rows": [[name, f"{ms:.2f}"] for name, ms in anatomy.items()]},
    ]
    notes.append(f"clock: {clock_name(CLOCK)}; {config.update_repeats} rounds per size")
    return {"item": 4, "title": TITLE, "rows": rows, "notes": notes, "tables": tables,
            "data": {"sizes": list(config.update_sizes), "per_size": per_size,
                     "bytes_per_parameter": BYTES_PER_PARAMETER,
                     "scratch_anatomy_ms": anatomy, "anatomy_size": int(largest)}}

