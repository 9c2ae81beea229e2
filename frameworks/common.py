"""What every framework script shares: read the inputs, walk the minibatches, write the results.

Standard library only, because each script runs in its own environment (MXNet's has an old
NumPy, TensorFlow's no PyTorch).  A script is run as ``python run_NAME.py INPUTS OUTPUT``.
"""
from __future__ import annotations

import json
import platform
import sys
from typing import Any, Callable, Iterator

# The settings that line a framework's Adagrad up with the book's: accumulator from 0 and
# epsilon = 1e-6 inside the square root.  PyTorch cannot put epsilon inside, so there the
# closest alignment is epsilon = 0 (both denominators become sqrt(s)).
BOOK_EPS = 1e-6


def minibatches(inputs: dict[str, Any], epochs: int) -> Iterator[tuple[int, list[int]]]:
    """``(examples seen after this batch, row indices of the batch)`` in the exported order."""
    size = inputs["batch_size"]
    for epoch in range(epochs):
        order = inputs["order"][epoch]
        for start in range(0, len(order), size):
            yield epoch * len(order) + start + size, order[start:start + size]


def main(run: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Read the inputs named on the command line, run, write the results as JSON."""
    if len(sys.argv) != 3:
        raise SystemExit(f"usage: {sys.argv[0]} INPUTS.json OUTPUT.json")
    with open(sys.argv[1], encoding="utf-8") as handle:
        inputs = json.load(handle)
    results = run(inputs)
    results["python"] = platform.python_version()
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
