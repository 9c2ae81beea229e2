"""Timing tools shared by every benchmark: interleaved rounds, paired ratios, goals, machine.

The machine is shared, so absolute seconds drift with other people's work.  Two cases timed in
the same round feel the same load, so each figure is the median over rounds of the *paired*
ratio ``a_i / b_i`` (and the medians of ``a`` and ``b`` are kept as well).  The order of the
cases rotates from round to round so that no case always runs first (cold) or last.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import operator
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass
from typing import Callable, Mapping

__all__ = ["Goal", "interleaved", "paired_ratio", "median", "row", "machine_description",
           "repeat_call", "cpu_clock", "wall_clock", "clock_name", "cpu_timed_training"]

#: Wall-clock seconds: what a learner waits, but on a shared machine it also counts the time
#: this process spends waiting for a core.
wall_clock = time.perf_counter
#: CPU seconds of this process (user + system, every thread): immune to waiting for a core on a
#: shared machine, and still counting memory stalls and page faults.  With one torch thread it
#: is the time an otherwise idle machine would take.
cpu_clock = time.process_time


def clock_name(clock: Callable[[], float]) -> str:
    """A readable name for a clock, for the report."""
    return {wall_clock: "wall clock (time.perf_counter)",
            cpu_clock: "process CPU time (time.process_time)"}.get(clock, repr(clock))


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


@contextlib.contextmanager
def cpu_timed_training():
    """Inside this block, d2lite's training loops clock themselves with :data:`cpu_clock`.

    ``train_scratch`` and ``train_concise`` time their own epochs with a
    :class:`d2lite.book.timer.Timer` (wall clock) that stops during evaluation; here that Timer is
    swapped for one reading the process CPU time, so the loops' own seconds per epoch stop
    counting the time spent waiting for a core on a shared machine.
    """
    from d2lite.book import training
    from d2lite.book.timer import Timer

    class CpuTimer(Timer):
        def start(self) -> None:
            self._tik = cpu_clock()

        def stop(self) -> float:
            if self._tik is None:
                raise RuntimeError("Timer.stop() called before Timer.start()")
            self.times.append(cpu_clock() - self._tik)
            self._tik = None
            return self.times[-1]

    original = training.Timer
    training.Timer = CpuTimer
    try:
        yield
    finally:
        training.Timer = original


def median(values) -> float:
    """The median of a non-empty sequence, as a float."""
    return float(statistics.median(values))


def repeat_call(fn: Callable[[], object], number: int, clock: Callable[[], float] = wall_clock) -> float:
    """Call ``fn`` ``number`` times back to back; seconds per call on ``clock``."""
    start = clock()
    for _ in range(number):
        fn()
    return (clock() - start) / number


def interleaved(cases: Mapping[str, Callable[[], object]], repeats: int, warmup: int = 1,
                clock: Callable[[], float] = wall_clock) -> dict[str, list[float]]:
    """Time every case once per round for ``repeats`` rounds, rotating the order each round.

    A case is a callable that either returns the seconds it measured itself as a ``float`` (for
    example a training loop whose clock excludes evaluation) or returns anything else, in which
    case the time of the call on ``clock`` is used.  ``warmup`` untimed rounds come first.
    """
    names = list(cases)
    if not names:
        raise ValueError("cases must hold at least one callable")
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(warmup + repeats):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            start = clock()
            measured = cases[name]()
            elapsed = clock() - start
            if round_number >= warmup:
                seconds[name].append(measured if isinstance(measured, float) else elapsed)
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


def _git_state() -> str:
    """The commit the benchmarks ran on (and whether the tree had changes), if in a git checkout."""
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                                capture_output=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               text=True, capture_output=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if not commit:
        return "unknown"
    return commit + (" with uncommitted changes" if dirty else "")


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
        "code": _git_state(),
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
