"""Item 5: slider responsiveness, each explorer's own work per input event, in Chromium.

The explorers run in the page (``d2lite.explorers.page``): a slider's input event makes the page's
JavaScript recompute and redraw, with no kernel round trip.  What matters to a learner is
whether that work fits in one frame, so the result is on screen by the next one: at 60 frames
per second, 16 ms.

Discovery: every public name of ``d2lite.explorers`` that ends in ``_explorer`` is an explorer
factory, called with no arguments; it must return a :class:`d2lite.explorers.page.PageExplorer`.  A
factory that fails shows up as an error row, never as a silent gap.

What is timed: all the explorers are written into one HTML page, opened from ``file://`` in
Chromium (headless, no network); then, for each explorer, every slider is swept from one end of
its range to the other and back (``explorer_repeats`` times, 25 positions each way) through the
page's test hook ``set(name, value)``, which fires the slider's ``input`` event as a drag does.
With ``explorer_extremes`` the 2-D explorers also get the start point dragged across the contour
plot with the mouse (60 moves) and the step slider swept.  The page measures each event itself:
``performance.now()`` around the computation, the redraw and the layout it forces (the hook's
``workMs``).  The rows give the 95th percentile per explorer against the 16 ms goal.
"""
from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

import d2lite
from d2lite.explorers.page import PageExplorer

from .config import Config
from .harness import Goal, row

__all__ = ["run", "find_explorer_factories", "percentile"]

TITLE = "Slider responsiveness: each explorer's work per input event in the page"
GOAL = Goal("<=", 16.0)
#: Chromium's CPU throttling rates measured, and the p95 goal at each (issue 21): unthrottled
#: 8 ms; at 4x, the usual stand-in for a mid-range phone, one frame (16 ms).
THROTTLES = {1: Goal("<=", 8.0), 4: Goal("<=", 16.0)}

# Sweep every slider end to end and back through the page's own hook.
SWEEP = """([index, rounds]) => {
  const h = window.d2liteExplorers[index];
  for (let r = 0; r < rounds; r++) {
    for (const [name, s] of Object.entries(h.sliders)) {
      const lo = s.log ? Math.log10(s.min) : s.min, hi = s.log ? Math.log10(s.max) : s.max;
      for (const k of [...Array(25).keys(), ...[...Array(25).keys()].reverse()]) {
        const u = lo + (hi - lo) * k / 24;
        h.set(name, s.log ? 10 ** u : u);
      }
    }
  }
  return h.workMs.length;
}"""


# Sweep one slider end to end and back; return the work of each of its input events.
SWEEP_ONE = """([index, name, rounds]) => {
  const h = window.d2liteExplorers[index], s = h.sliders[name], first = h.workMs.length;
  const lo = s.log ? Math.log10(s.min) : s.min, hi = s.log ? Math.log10(s.max) : s.max;
  for (let r = 0; r < rounds; r++) {
    for (const k of [...Array(25).keys(), ...[...Array(25).keys()].reverse()]) {
      const u = lo + (hi - lo) * k / 24;
      h.set(name, s.log ? 10 ** u : u);
    }
  }
  h.set(name, s.value);
  return h.workMs.slice(first);
}"""


def find_explorer_factories() -> dict:
    """Every public ``*_explorer`` callable of ``d2lite.explorers``, by name (sorted)."""
    module = d2lite.explorers
    return {name: getattr(module, name) for name in sorted(module.__all__)
            if name.endswith("_explorer") and callable(getattr(module, name, None))}


def percentile(values, q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, the nearest-rank way (no interpolation).

    >>> percentile(range(1, 101), 95)
    95
    """
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n q / 100), at least 1
    return ordered[int(rank) - 1]


def _drag_and_step(page, index: int) -> None:
    """Drag the start point across the left contour panel, then sweep the step slider."""
    root = page.locator(".d2lite-explorer[data-status=live]").nth(index)
    root.scroll_into_view_if_needed()
    box = root.locator("[data-role=figure]").bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.5
    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(60):
        page.mouse.move(x0 + k * box["width"] * 0.004, y0 - k * box["height"] * 0.004)
    page.mouse.up()
    stepper = root.locator("[data-role=stepper]").bounding_box()
    y = stepper["y"] + stepper["height"] / 2
    page.mouse.move(stepper["x"] + 2, y)
    page.mouse.down()
    for k in range(41):
        page.mouse.move(stepper["x"] + 2 + k * (stepper["width"] - 4) / 40, y)
    page.mouse.up()


def _measure(made: dict[str, PageExplorer], config: Config) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.chromium import CHROMIUM_ARGS, chromium_executable

    body = "".join(explorer.html() for explorer in made.values())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "explorers.html"
        path.write_text(f"<!doctype html><html><head><meta charset='utf-8'></head><body "
                        f"style='max-width:900px'>{body}</body></html>", encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_executable(),
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 960, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(path.as_uri())
            page.wait_for_function(f"(window.d2liteExplorers || []).length === {len(made)}",
                                   timeout=20_000)
            times = {}
            cdp = page.context.new_cdp_session(page)
            for rate in THROTTLES:  # every slider on its own, at each CPU throttling rate
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                for index, name in enumerate(made):
                    for slider in made[name].sliders:
                        times[(name, slider.name, rate)] = page.evaluate(
                            SWEEP_ONE, [index, slider.name, max(1, config.explorer_repeats // 2)])
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            for index, name in enumerate(made):
                page.evaluate(SWEEP, [index, config.explorer_repeats])
                if config.explorer_extremes and made[name].kind in ("algorithm", "preconditioning",
                                                                     "rotation"):
                    _drag_and_step(page, index)
                times[name] = page.evaluate(f"window.d2liteExplorers[{index}].workMs")
            browser.close()
    if errors:
        raise RuntimeError(f"the page reported errors: {errors[:3]}")
    return times


def run(config: Config) -> dict:
    factories = find_explorer_factories()
    rows, notes, explorers, made = [], [], {}, {}
    from tests.e2e.chromium import chromium_executable

    if chromium_executable() is None:
        notes.append("no Chromium on PATH: nothing measured (apt-get install chromium)")
        return {"item": 5, "title": TITLE, "rows": rows, "notes": notes, "tables": [],
                "data": {"explorers": explorers}}
    for name, factory in factories.items():
        try:
            explorer = factory()
            if not isinstance(explorer, PageExplorer):
                raise TypeError(f"{name}() returned {type(explorer).__name__}, not a PageExplorer")
            made[name] = explorer
        except Exception as error:  # noqa: BLE001 - shown as an error row
            explorers[name] = {"error": f"{type(error).__name__}: {error}"}
            rows.append(row(f"{name}: p95 work per input event", float("nan"), GOAL,
                            f"ERROR {type(error).__name__}: {error}", unit=" ms"))
    measured = _measure(made, config)
    per_slider, slider_data = [], []
    for (name, slider, rate), ms in [(k, v) for k, v in measured.items() if isinstance(k, tuple)]:
        p95, goal = percentile(ms, 95), THROTTLES[rate]
        slider_data.append(
            {"explorer": name, "slider": slider, "throttle": rate, "events": len(ms),
             "p50_ms": round(statistics.median(ms), 2), "p95_ms": round(p95, 2)})
        rows.append(row(f"{name}, slider {slider}, CPU {rate}x: p95 work per input event",
                        round(p95, 2), goal, f"{len(ms)} events: median "
                        f"{statistics.median(ms):.1f} ms", unit=" ms"))
        per_slider.append([name, slider, f"{rate}x", str(len(ms)), f"{statistics.median(ms):.1f}",
                           f"{p95:.1f}"])
    for name, ms in [(k, v) for k, v in measured.items() if not isinstance(k, tuple)]:
        entry = {"kind": made[name].kind, "sliders": [s.name for s in made[name].sliders],
                 "events": len(ms), "p50_ms": round(statistics.median(ms), 2),
                 "p95_ms": round(percentile(ms, 95), 2), "max_ms": round(max(ms), 2)}
        explorers[name] = entry
        rows.append(row(f"{name}: p95 work per input event", entry["p95_ms"], GOAL,
                        f"{entry['events']} events: median {entry['p50_ms']:.1f} ms, "
                        f"max {entry['max_ms']:.1f} ms", unit=" ms"))
    notes.append("Chromium headless, page from file://; milliseconds on the page's own clock "
                 "(performance.now, 0.1 ms resolution); other work on the machine shows in the max")
    table = {"title": "Milliseconds of the page's work per input event (compute + redraw + layout)",
             "header": ["explorer", "sliders", "events", "median", "p95", "max"],
             "rows": [[name, ", ".join(e["sliders"]), str(e["events"]), f"{e['p50_ms']:.1f}",
                       f"{e['p95_ms']:.1f}", f"{e['max_ms']:.1f}"]
                      for name, e in explorers.items() if "p95_ms" in e]}
    throttled = {"title": "Each slider on its own, unthrottled (goal: p95 <= 8 ms) and at 4x CPU "
                          "throttling (Emulation.setCPUThrottlingRate; goal: p95 <= 16 ms)",
                 "header": ["explorer", "slider", "CPU", "events", "median", "p95"], "rows": per_slider}
    return {"item": 5, "title": TITLE, "rows": rows, "notes": notes, "tables": [table, throttled],
            "data": {"explorers": explorers, "goal_ms": GOAL.threshold,
                     "per_slider": slider_data}}
