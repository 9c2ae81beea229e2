"""Sizes and repeats: the full run (``make bench``, a few minutes) and the quick smoke run."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Config", "FULL", "QUICK"]


@dataclass(frozen=True)
class Config:
    """Everything that makes a run long or short."""

    name: str
    repeats: int                      # timed rounds per measurement (medians are over these)
    warmup: int                       # untimed rounds before them
    linreg_examples: int              # item 1 and 2: synthetic_linreg size (the chapter uses 1,500)
    epochs: int                       # item 1 and 2: epochs per timed training run
    lenet_iterations: int             # item 2: iterations per timed block on the digits network
    vocab_sizes: tuple[int, ...]      # item 3: embedding rows V
    embedding_dim: int                # item 3
    rows_per_batch: int               # item 3: distinct rows a batch touches
    update_sizes: tuple[int, ...]     # item 4: parameters per update
    update_repeats: int               # item 4: rounds per size (the largest sizes are slow)
    work_per_timing: int              # items 3, 4: about this many floats touched per timing
    explorer_repeats: int             # item 5: end-to-end sweeps of every slider
    explorer_extremes: bool           # item 5: also drag the start point and the step slider
    full_matrix_dims: tuple[int, ...] = (8, 16, 32, 64, 128, 256, 512, 1024)  # item 6: d


FULL = Config(name="full", repeats=9, warmup=1, linreg_examples=1500, epochs=2, lenet_iterations=40,
              vocab_sizes=(10_000, 30_000, 100_000, 300_000, 1_000_000), embedding_dim=64,
              rows_per_batch=1000, update_sizes=(1_000_000, 5_000_000, 20_000_000, 50_000_000),
              update_repeats=5, work_per_timing=20_000_000, explorer_repeats=5,
              explorer_extremes=True)

QUICK = Config(name="quick", repeats=2, warmup=0, linreg_examples=100, epochs=1, lenet_iterations=2,
               vocab_sizes=(1000, 3000), embedding_dim=8, rows_per_batch=50,
               update_sizes=(10_000, 50_000), update_repeats=2, work_per_timing=100_000,
               explorer_repeats=1, explorer_extremes=False, full_matrix_dims=(4, 8, 16))
