"""Timing tools shared by every benchmark: interleaved rounds, paired ratios, goals, machine.

The machine is shared, so absolute seconds drift with other people's work.  Two cases timed in
the same round feel the same load, so each figure is the median over rounds of the *paired*
ratio ``a_i / b_i`` (and the medians of ``a`` and ``b`` are kept as well).  The order of the
cases rotates from round to round so that no case always runs first (cold) or last.
"""
from __future__ import annotations

import datetime as _dt
import operator
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass
from typing import Callable, Mapping

__all__ = ["Goal", "interleaved", "paired_ratio", "median", "row", "machine_description",
           "repeat_call"]


@dataclass(frozen=True)
class Goal:
    """A target such as ``<= 1.10``: ``Goal("<=", 1.10)``."""

    op: str
    threshold: float

    _OPS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt}

    def __post_init__(self) -> None:
        if self.op not in self._OPS:
            raise ValueError(f"op must be one of {sorted(self._OPS)}, got {self.op!r}")

    def met(self, value: float) -> bool:
        """Whether ``value`` reaches the goal (a non-finite value never does)."""
        return value == value and abs(value) != float("inf") and self._OPS[self.op](value, self.threshold)

    def __str__(self) -> str:
        return f"{self.op} {self.threshold:g}"


def median(values) -> float:
    """The median of a non-empty sequence, as a float."""
    return float(statistics.median(values))


def repeat_call(fn: Callable[[], object], number: int) -> float:
    """Call ``fn`` ``number`` times back to back; seconds per call."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def interleaved(cases: Mapping[str, Callable[[], float | None]], repeats: int,
                warmup: int = 1) -> dict[str, list[float]]:
    """Time every case once per round for ``repeats`` rounds, rotating the order each round.

    A case is a callable that either returns the seconds it measured itself (for example a
    training loop whose clock excludes evaluation) or returns ``None``, in which case the
    wall-clock time of the call is used.  ``warmup`` untimed rounds come first.
    """
    names = list(cases)
    if not names:
        raise ValueError("cases must hold at least one callable")
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(warmup + repeats):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            measured = cases[name]()
            elapsed = time.perf_counter() - start
            if round_number >= warmup:
                seconds[name].append(float(measured) if measured is not None else elapsed)
    return seconds


def paired_ratio(numerator: list[float], denominator: list[float]) -> float:
    """Median over rounds of ``numerator[i] / denominator[i]`` (measurements of the same round)."""
    if len(numerator) != len(denominator) or not numerator:
        raise ValueError("numerator and denominator must be non-empty and of the same length")
    return median([a / b for a, b in zip(numerator, denominator)])


def row(figure: str, value: float, goal: Goal | None, detail: str = "", unit: str = "x",
        book: str = "") -> dict:
    """One line of the results table: the figure, its value, its goal and whether it is met."""
    return {"figure": figure, "value": float(value), "unit": unit,
            "goal": str(goal) if goal else "", "met": goal.met(value) if goal else None,
            "detail": detail, "book": book}


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_description() -> dict:
    """CPU model, core count, load, library versions and the date: what RESULTS.md prints."""
    import matplotlib
    import numpy
    import torch

    try:
        load = os.getloadavg()
    except OSError:  # pragma: no cover - not on Linux
        load = (float("nan"),) * 3
    return {
        "date_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_model": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "load_average_1_5_15_min": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "matplotlib": matplotlib.__version__,
        "platform": platform.platform(),
    }


def as_dict(goal: Goal) -> dict:
    """A goal as JSON-friendly data."""
    return asdict(goal)
