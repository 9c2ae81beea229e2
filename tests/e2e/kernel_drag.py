"""Drive ``d2lite.explore`` in a real JupyterLab: a learner's rule in a cell, a slider dragged.

Shared by the browser test (``test_kernel_explorer.py``) and the benchmark item 7
(``benchmarks/kernel_latency.py``).  The page records every input event (``pointermove`` while
the mouse drags the ``lr`` slider, with the value the slider then reads) and every redrawn figure
(the ``HTML`` widget's content replaced, its image decoded and painted at the next animation
frame, with the values the kernel drew it for, from the figure's ``data-state``).  The latency of
an input event is the time to the first figure drawn for that event's value or a newer one: a
value the kernel skipped because a newer one was already waiting is not a lost event.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat

from .driver import open_notebook, run_all

RULE = '''def my_adagrad(x1, x2, s1, s2, f_grad, lr=0.4, eps=1e-6):
    g1, g2 = f_grad(x1, x2)
    s1 += g1 * g1
    s2 += g2 * g2
    x1 -= lr / math.sqrt(s1 + eps) * g1
    x2 -= lr / math.sqrt(s2 + eps) * g2
    return x1, x2, s1, s2
'''
SETUP = "import math, sys\nsys.path.insert(0, '../..')  # the repository (lab.py links it there)\nimport d2lite\n"


def rule_notebook(folder: Path, steps: int = 100, kernel: str | None = None) -> Path:
    """A notebook whose one cell defines ``RULE`` and explores it at ``steps`` steps."""
    code = SETUP + "\n" + RULE + f"\nd2lite.explore(my_adagrad, lr=(0.01, 10), steps={steps})"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": kernel or "python3", "display_name": kernel or "Python 3",
                                 "language": "python"}
    path = folder / f"rule_explorer_{steps}.ipynb"
    nbformat.write(nb, path)
    return path


def run_rule_directly(values: dict, steps: int) -> list[list[float]]:
    """The rule's path at ``values``, by a plain loop over ``RULE`` on the chapter's bowl."""
    scope: dict = {}
    exec("import math\n" + RULE, scope)
    x1, x2, s1, s2 = values["x1"], values["x2"], 0.0, 0.0
    path = [[x1, x2]]
    for _ in range(steps):
        x1, x2, s1, s2 = scope["my_adagrad"](x1, x2, s1, s2, lambda a, b: (0.2 * a, 4 * b),
                                             lr=values["lr"], eps=values["eps"])
        path.append([x1, x2])
    return path


RECORDER_JS = """() => {
  const figure = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .d2lite-rule-explorer');
  const host = figure.closest('.widget-html-content');
  const slider = Array.from(document.querySelectorAll('.widget-slider'))
      .find(s => s.querySelector('.widget-label').textContent.trim() === 'lr');
  const readout = slider.querySelector('.widget-readout');
  const rec = window.__d2k = {events: [], figures: [], last: null};
  window.addEventListener('pointermove', () => {  // the slider's reading once the event is handled
    const t = performance.now();
    setTimeout(() => rec.events.push({t, v: parseFloat(readout.textContent)}), 0);
  });
  new MutationObserver(() => {
    const fig = host.querySelector('.d2lite-rule-explorer');
    if (!fig) return;
    const state = JSON.parse(fig.dataset.state);
    fig.querySelector('img').decode().catch(() => null).then(() => requestAnimationFrame(() => {
      rec.figures.push({t: performance.now(), lr: state.values.lr, kernel_ms: state.kernel_ms});
      rec.last = state;
    }));
  }).observe(host, {childList: true, subtree: true});
  const box = slider.querySelector('.noUi-target').getBoundingClientRect();
  const handle = slider.querySelector('.noUi-handle').getBoundingClientRect();
  return {left: box.left, right: box.right, y: handle.top + handle.height / 2,
          hx: handle.left + handle.width / 2};
}"""


def open_explorer(page, server, relpath: str, wait_idle) -> None:
    """Open the notebook, run its cell, and wait for the explorer's figure."""
    open_notebook(page, server.url, relpath, wait_idle)
    not_run = run_all(page, relpath)
    assert not not_run, f"{relpath}: the explorer's cell did not run"
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .d2lite-rule-explorer img").wait_for(
        timeout=60_000)


def drag_lr(page, seconds: float, interval_ms: float = 16.0, settle_ms: int = 1500) -> dict:
    """Drag the ``lr`` slider with the real mouse for ``seconds``, to and fro across its
    middle, a move every ``interval_ms``; returns the page's record (``events``, ``figures``,
    ``last`` figure state), the ``moves`` made and ``release`` (page time of the button up)."""
    geometry = page.evaluate(RECORDER_JS)
    left, right, y = geometry["left"], geometry["right"], geometry["y"]
    page.mouse.move(geometry["hx"], y)
    page.mouse.down()
    began, moves = time.monotonic(), 0
    span = right - left
    # a triangle wave between 20 % and 80 % of the track, one sweep there and back per 2.5 s,
    # starting where the handle is (a learner grabs the handle, the first move is small)
    here = min(max((geometry["hx"] - left) / span, 0.2), 0.8)
    offset = (here - 0.2) / 0.6 / 2
    while time.monotonic() - began < seconds:
        phase = ((time.monotonic() - began) / 2.5 + offset) % 1.0
        x = left + span * (0.2 + 0.6 * (2 * phase if phase < 0.5 else 2 - 2 * phase))
        page.mouse.move(x, y)
        moves += 1
        page.wait_for_timeout(interval_ms)
    page.mouse.up()
    release = page.evaluate("() => performance.now()")
    page.wait_for_timeout(settle_ms)
    record = page.evaluate("() => window.__d2k")
    record["moves"], record["release"] = moves, release
    return record


def latencies(record: dict) -> list[float]:
    """Per input event that changed the slider's value: ms to the first figure drawn for that
    value or a newer one (``inf`` when none came)."""
    events = [e for i, e in enumerate(record["events"])
              if i == 0 or e["v"] != record["events"][i - 1]["v"]]
    figures = record["figures"]
    out = []
    for i, event in enumerate(events):
        found = float("inf")
        for figure in figures:
            if figure["t"] < event["t"]:
                continue
            shown = float(f"{figure['lr']:.3g}")
            # the newest event at or before this figure whose value it shows
            index = max((k for k, e in enumerate(events) if e["t"] <= figure["t"]
                         and abs(e["v"] - shown) <= 1e-9 * max(1.0, abs(shown))), default=-1)
            if index >= i:
                found = figure["t"] - event["t"]
                break
        out.append(found)
    return out


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))]


def summary(record: dict) -> dict:
    """p50/p95/max latency, events, figures, and the backlog check: the median latency of the
    last second of the drag against the first."""
    ms = latencies(record)
    events = [e for i, e in enumerate(record["events"])
              if i == 0 or e["v"] != record["events"][i - 1]["v"]]
    t0, t1 = events[0]["t"], events[-1]["t"]
    first = [m for m, e in zip(ms, events) if e["t"] - t0 <= 1000]
    last = [m for m, e in zip(ms, events) if t1 - e["t"] <= 1000]
    return {"events": len(ms), "figures": len(record["figures"]), "moves": record["moves"],
            "p50": percentile(ms, 50), "p95": percentile(ms, 95), "max": max(ms),
            "first_second_p50": percentile(first, 50), "last_second_p50": percentile(last, 50),
            "drag_seconds": (t1 - t0) / 1000}


def dump(record: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record), encoding="utf-8")
