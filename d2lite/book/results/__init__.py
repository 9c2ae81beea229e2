"""The stored results the notebooks read, shipped inside the package (so a non-editable install
has them): ``frameworks.json``, the book's frameworks run for real (``make frameworks``, read by
:func:`d2lite.book.framework_runs.load_results`), and ``benchmarks.json``, the cost benchmarks
(``make bench``, ``python -m benchmarks.run``, which writes it here; read by :func:`load_benchmarks`
for the cost, full-matrix and engineering notebooks).

>>> stored = load_benchmarks()
>>> sorted(stored)
['config', 'machine', 'results']
>>> all("item" in result for result in stored["results"])
True
"""
from __future__ import annotations

import json
from pathlib import Path

__all__ = ["BENCHMARKS_PATH", "load_benchmarks"]

#: The cost benchmarks' stored results: ``{"machine": ..., "config": ..., "results": [...]}``.
BENCHMARKS_PATH = Path(__file__).resolve().parent / "benchmarks.json"


def load_benchmarks(path: str | Path | None = None) -> dict:
    """The stored benchmark results (``path`` defaults to :data:`BENCHMARKS_PATH`).

    Raises FileNotFoundError naming the file and how to write it, and ValueError when the file
    is not the benchmarks' results (no ``machine``, ``config`` or ``results`` with an ``item`` each).
    """
    path = Path(BENCHMARKS_PATH if path is None else path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"no benchmark results at {str(path)!r}: run `make bench` "
                                "(python -m benchmarks.run) to measure them") from None
    except ValueError as error:
        raise ValueError(f"{str(path)!r} is not valid JSON ({error})") from None
    missing = [key for key in ("machine", "config", "results")
               if not isinstance(payload, dict) or key not in payload]
    if missing or not isinstance(payload["results"], list) or not all(
            isinstance(result, dict) and "item" in result for result in payload["results"]):
        raise ValueError(f"{str(path)!r} is not the benchmarks' results: it lacks "
                         f"{missing or ['results/*/item']}")
    return payload
