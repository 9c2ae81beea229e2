"""A stopwatch that remembers every interval it measured."""
from __future__ import annotations

import time

import numpy as np

__all__ = ["Timer"]


class Timer:
    """Record several running times.

    >>> timer = Timer()            # starts at once
    >>> _ = timer.stop()           # seconds since start, also appended to timer.times
    >>> len(timer.times)
    1
    """

    def __init__(self) -> None:
        self.times: list[float] = []
        self._tik: float | None = None
        self.start()

    def start(self) -> None:
        """Start (or restart) the stopwatch."""
        self._tik = time.perf_counter()

    def stop(self) -> float:
        """Stop the stopwatch, record the interval and return it in seconds."""
        if self._tik is None:
            raise RuntimeError("Timer.stop() called before Timer.start()")
        self.times.append(time.perf_counter() - self._tik)
        self._tik = None
        return self.times[-1]

    def avg(self) -> float:
        """Mean of the recorded intervals (0.0 when none)."""
        return sum(self.times) / len(self.times) if self.times else 0.0

    def sum(self) -> float:
        """Total of the recorded intervals."""
        return float(sum(self.times))

    def cumsum(self) -> list[float]:
        """Running total after each interval."""
        return np.cumsum(self.times).tolist()
