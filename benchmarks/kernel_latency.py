"""Item 7: ``d2lite.explore`` while a slider is dragged, from input event to redrawn figure.

Unlike the in-page explorers (item 5), ``explore`` runs the learner's rule in the kernel, so a
slider move makes a round trip: the page's widget manager sends the new value (at most one per
slider in flight: moves made meanwhile replace each other), the kernel runs the rule for 100 steps,
Adagrad beside it, redraws the figure and sends it back, the page decodes and paints it.

What is timed: a private JupyterLab (``tests/e2e/lab.py``, as ``make lab`` runs it) opened in
headless Chromium on a notebook whose cell defines Adagrad in the book's 2-D form
(``tests/e2e/kernel_drag.py``) and explores it at 100 steps.  The ``lr`` slider is dragged with the
real mouse for 5 seconds, to and fro, a move every 16 ms.  The page records each input event
(``performance.now()``) with the value the slider then shows, and each figure once its image is
decoded and the next frame painted, with the values it was drawn for.  An event's latency is the
time to the first figure for its value or a newer one.  Backlog: the median latency of the last
second of the drag against that of the first (a queue of stale requests would make it grow).
The quick run (the smoke test) skips this item: it needs a JupyterLab server and Chromium.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from .config import Config
from .harness import Goal, row

__all__ = ["run"]

TITLE = "d2lite.explore: input event to redrawn figure, the rule run in the kernel"
GOAL = Goal("<=", 100.0)
BACKLOG = Goal("<=", 1.5)
DRAG_SECONDS = 5.0


def run(config: Config) -> dict:
    if config.name == "quick":
        return {"item": 7, "title": TITLE, "rows": [],
                "skipped": "needs a JupyterLab server and Chromium; run the full benchmark"}
    from playwright.sync_api import sync_playwright

    from tests.e2e.chromium import CHROMIUM_ARGS, chromium_executable
    from tests.e2e.kernel_drag import drag_lr, latencies, open_explorer, rule_notebook, summary
    from tests.e2e.lab import make_lab_root, start_lab
    from tests.e2e.test_lab import wait_kernel_idle

    chromium = chromium_executable()
    if chromium is None:
        return {"item": 7, "title": TITLE, "rows": [], "skipped": "no Chromium on PATH"}
    def measure(nodelay: bool) -> dict:
        with tempfile.TemporaryDirectory() as folder:
            base = Path(folder)
            notebook = rule_notebook(base, steps=100)
            server = start_lab(base, make_lab_root(base, [], [notebook]), nodelay=nodelay)
            relpath = f"e2e-fixtures/{notebook.name}"
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                                         args=CHROMIUM_ARGS)
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.goto(f"{server.url}/lab?reset&token={server.token}")
                    page.locator(".lm-MenuBar-itemLabel").first.wait_for(timeout=90_000)
                    open_explorer(page, server, relpath, lambda: wait_kernel_idle(server, relpath))
                    time.sleep(1.0)
                    record = drag_lr(page, seconds=DRAG_SECONDS)
                    browser.close()
            finally:
                server.stop()
        return record

    record = measure(nodelay=True)            # make lab's server (tools/lab_server_config.py)
    slow = summary(measure(nodelay=False))    # the same without it: Nagle's algorithm on
    stats = summary(record)
    events = [e for i, e in enumerate(record["events"])
              if i == 0 or e["v"] != record["events"][i - 1]["v"]]
    data = {"t_s": [(e["t"] - events[0]["t"]) / 1000 for e in events],
            "ms": [m if m != float("inf") else -1.0 for m in latencies(record)],
            "goal_ms": GOAL.threshold}
    kernel = sorted(f["kernel_ms"] for f in record["figures"] if f.get("kernel_ms") is not None)
    kernel_p50 = statistics.median(kernel) if kernel else float("nan")
    backlog = stats["last_second_p50"] / stats["first_second_p50"]
    detail = (f"{stats['events']} input events that changed the value over a "
              f"{stats['drag_seconds']:.1f} s drag ({stats['moves']} mouse moves), "
              f"{stats['figures']} figures")
    rows = [
        row("explore, 100 steps: input event to redrawn figure, p95", stats["p95"], GOAL,
            detail, unit=" ms"),
        row("explore, 100 steps: input event to redrawn figure, p50", stats["p50"], None,
            f"max {stats['max']:.0f} ms", unit=" ms"),
        row("explore: backlog, median latency last second / first second", backlog, BACKLOG,
            f"{stats['last_second_p50']:.0f} ms / {stats['first_second_p50']:.0f} ms"),
        row("explore: the kernel's own work per figure (rule, Adagrad, draw, PNG), median",
            kernel_p50, None, f"of {len(kernel)} figures", unit=" ms"),
        row("explore, 100 steps, a server without make lab's config (Nagle's algorithm on): p95",
            slow["p95"], None, f"p50 {slow['p50']:.0f} ms, max {slow['max']:.0f} ms; "
            f"{slow['events']} events, {slow['figures']} figures", unit=" ms"),
    ]
    import os

    load = os.getloadavg()
    notes = ["Dragged with Playwright's mouse in headless Chromium; the JupyterLab server, the "
             "kernel and the browser share the 2-core machine with other work, so the numbers "
             "include waiting for a core: load average (1, 5, 15 min) when the drag ended "
             f"{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}.",
             "A move made while the kernel is busy replaces the one waiting before it (the widget "
             "manager keeps one update per slider in flight), so figures are fewer than events.",
             "While the slider moves the kernel answers each move at once and draws just after "
             "(only the moving lines, as a 64-colour PNG); the figure is never laid out whole "
             "during the drag: that, and the full-colour frame, wait until the sliders have been "
             "still for 0.3 s (d2lite.explorers.kernel_explorer.SETTLE).",
             "make lab's server sends kernel messages at once (tools/lab_server_config.py turns "
             "Nagle's algorithm off on kernel websockets). The last row runs the same drag on a "
             "server without that setting: each small message (the kernel's idle status, which "
             "lets the page send the next move) then waits for the browser's delayed ACK of the "
             "figure before it, about 40 ms."]
    return {"item": 7, "title": TITLE, "rows": rows, "notes": notes, "tables": [], "data": data}
