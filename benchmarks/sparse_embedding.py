"""Item 3: ``torch.optim.Adagrad`` on a sparse embedding against a dense one, V = 10^4 .. 10^6.

A training step here is what a learner runs: reset the gradients, look up a batch of rows,
a loss, ``backward()`` and ``optimizer.step()``.  Each batch touches ``rows_per_batch`` distinct
rows.  With ``nn.Embedding(V, dim, sparse=True)`` the gradient holds only those rows and Adagrad
updates only them, so the step should not depend on V; with a dense embedding the gradient is a
full ``(V, dim)`` table and the update sweeps all of it, so the step grows linearly in V.
The step alone (``optimizer.step()``) is timed inside the same iterations.  Times are process
CPU time (one torch thread), as in item 4.
"""
from __future__ import annotations

import torch
from torch import nn

from .config import Config
from .harness import Goal, clock_name, cpu_clock, interleaved, median, paired_ratio, row

__all__ = ["run"]

TITLE = "Sparse against dense embedding gradients under torch.optim.Adagrad"
GOAL = Goal(">=", 50.0)
LR = 0.1
CLOCK = cpu_clock  # see harness.cpu_clock: the machine is shared


def _learner(vocab: int, dim: int, sparse: bool, batches: list[torch.Tensor]):
    """A timed training step on an embedding; returns the case and its step-only record."""
    torch.manual_seed(0)
    embedding = nn.Embedding(vocab, dim, sparse=sparse)
    optimizer = torch.optim.Adagrad(embedding.parameters(), lr=LR)
    step_seconds: list[float] = []
    position = {"i": 0}

    def one_step() -> None:
        rows = batches[position["i"] % len(batches)]
        position["i"] += 1
        optimizer.zero_grad()
        embedding(rows).pow(2).mean().backward()
        start = CLOCK()
        optimizer.step()
        step_seconds.append(CLOCK() - start)

    return one_step, step_seconds


def run(config: Config) -> dict:
    # torch's default, said explicitly: no invariant checks on the sparse gradients (and no warning)
    torch.sparse.check_sparse_tensor_invariants.disable()
    generator = torch.Generator().manual_seed(0)
    per_vocab = {}
    for vocab in config.vocab_sizes:
        batches = [torch.randperm(vocab, generator=generator)[:config.rows_per_batch] for _ in range(4)]
        sparse_step, sparse_only = _learner(vocab, config.embedding_dim, True, batches)
        dense_step, dense_only = _learner(vocab, config.embedding_dim, False, batches)
        number_dense = max(1, round(config.work_per_timing / 5 / (vocab * config.embedding_dim)))
        number_sparse = max(1, round(config.work_per_timing / 1e6))

        def timed(step, number):
            def case():
                start = CLOCK()
                for _ in range(number):
                    step()
                return (CLOCK() - start) / number
            return case

        seconds = interleaved({"sparse": timed(sparse_step, number_sparse),
                               "dense": timed(dense_step, number_dense)}, config.repeats,
                              config.warmup)
        per_vocab[str(vocab)] = {
            "seconds_per_iteration": seconds,
            "median_iteration": {k: median(v) for k, v in seconds.items()},
            "median_step_only": {"sparse": median(sparse_only), "dense": median(dense_only)},
            "dense_over_sparse": paired_ratio(seconds["dense"], seconds["sparse"]),
        }
    largest = str(max(config.vocab_sizes))
    top = per_vocab[largest]
    step_ratio = top["median_step_only"]["dense"] / top["median_step_only"]["sparse"]
    smallest = per_vocab[str(min(config.vocab_sizes))]
    v_label = f"10^{len(largest) - 1}" if largest.strip("0") == "1" else largest
    rows = [
        row(f"dense / sparse, time per training step, V = {v_label}", top["dense_over_sparse"], GOAL,
            f"{top['median_iteration']['dense'] * 1e3:.2f} ms against "
            f"{top['median_iteration']['sparse'] * 1e3:.3f} ms; step alone {step_ratio:.0f}x"),
        row(f"sparse step time, V = {v_label} / V = {min(config.vocab_sizes):,}",
            top["median_iteration"]["sparse"] / smallest["median_iteration"]["sparse"], None,
            "flat in V means about 1"),
        row(f"dense step time, V = {v_label} / V = {min(config.vocab_sizes):,}",
            top["median_iteration"]["dense"] / smallest["median_iteration"]["dense"], None,
            f"linear in V means about {int(largest) / min(config.vocab_sizes):g}"),
    ]
    table = {"title": f"Milliseconds per training step (medians; {config.rows_per_batch} rows per "
                      f"batch, dimension {config.embedding_dim})",
             "header": ["V", "sparse", "dense", "dense / sparse", "sparse step()", "dense step()"],
             "rows": [[f"{int(v):,}", f"{e['median_iteration']['sparse'] * 1e3:.3f}",
                       f"{e['median_iteration']['dense'] * 1e3:.2f}", f"{e['dense_over_sparse']:.1f}",
                       f"{e['median_step_only']['sparse'] * 1e3:.3f}",
                       f"{e['median_step_only']['dense'] * 1e3:.2f}"] for v, e in per_vocab.items()]}
    return {"item": 3, "title": TITLE, "rows": rows, "tables": [table],
            "notes": [f"clock: {clock_name(CLOCK)}"],
            "data": {"vocab_sizes": list(config.vocab_sizes), "embedding_dim": config.embedding_dim,
                     "rows_per_batch": config.rows_per_batch, "per_vocab": per_vocab}}
