"""Item 5: slider responsiveness in process, each explorer's update against one bare redraw.

Discovery: every public name of ``d2lite.explorers`` (where all the explorers live) that ends in
``_explorer`` and is callable is an explorer factory; it is called with
no arguments and must return a :class:`d2lite.widgets.Explorer`.  A factory that fails shows up
as an error row, never as a silent gap.

What is timed, for the figure at the sliders' default values:

* **update**: ``explorer.update()``, exactly what a released slider runs: ``draw(**values)``
  (the explorer's computation and a new figure), the non-finite check, and rendering to PNG at
  the explorer's dpi (outside a kernel the PNG is only stored, not displayed).
* **bare redraw**: ``figure_to_png(fig, dpi=explorer.dpi)`` of a figure already built by
  ``explorer.figure()`` for the same values: rendering only (layout, Agg rasterising, PNG
  encoding), no computation, no new artists.  No update can be faster than this.

The ratio update / bare redraw says how much the explorer adds on top of the unavoidable
rendering.  The full run also times ``explorer.png(**setting)`` (the same work as ``update``)
against the bare redraw at every slider's two ends, with as many rounds as the default, and
reports the worst end.  Those rounds follow a warm-up round, so they time an explorer whose
caches already hold that setting; the *first visit* to each end, the single call before any
warm-up (what a learner meets the first time a slider reaches it), is timed once and reported
beside them.  Times are process CPU time (see ``harness.cpu_clock``).
"""
from __future__ import annotations

import gc

import d2lite
from d2lite.plotting import figure_to_png
from d2lite.widgets import Explorer

from .config import Config
from .harness import Goal, clock_name, cpu_clock, interleaved, median, paired_ratio, row

__all__ = ["run", "find_explorer_factories"]

TITLE = "Slider responsiveness: each explorer's update against a bare redraw"
GOAL = Goal("<=", 1.5)
CLOCK = cpu_clock  # rendering is single-threaded; see harness.cpu_clock


def find_explorer_factories() -> dict:
    """Every public ``*_explorer`` callable of d2lite, by name (sorted)."""
    module = d2lite.explorers
    return {name: getattr(module, name) for name in sorted(module.__all__)
            if name.endswith("_explorer") and callable(getattr(module, name, None))}


def _ratio_at(explorer: Explorer, setting: dict | None, repeats: int,
              warmup: int) -> tuple[float, dict]:
    overrides = setting or {}
    figure = explorer.figure(**overrides)
    if setting is None:
        update = explorer.update
    else:
        def update():
            explorer.png(**overrides)
    seconds = interleaved({"update": update,
                           "bare redraw": lambda: figure_to_png(figure, dpi=explorer.dpi)}, repeats, warmup,
                          CLOCK)
    return paired_ratio(seconds["update"], seconds["bare redraw"]), seconds


def _where(end: dict) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in end["setting"].items()) or "default"


def run(config: Config) -> dict:
    factories = find_explorer_factories()
    explorers, rows, notes = {}, [], []
    notes.append(f"clock: {clock_name(CLOCK)}")
    if not factories:
        notes.append("no public *_explorer factory in d2lite.explorers on this branch")
    for name, factory in factories.items():
        try:
            explorer = factory()
            if not isinstance(explorer, Explorer):
                raise TypeError(f"{name}() returned {type(explorer).__name__}, not an Explorer")
            ratio, seconds = _ratio_at(explorer, None, config.explorer_repeats, config.warmup)
        except Exception as error:  # noqa: BLE001 - shown as an error row
            explorers[name] = {"error": f"{type(error).__name__}: {error}"}
            rows.append(row(f"{name}: update / bare redraw", float("nan"), GOAL,
                            f"ERROR {type(error).__name__}: {error}"))
            continue
        entry = {"sliders": list(explorer.sliders), "ratio": ratio, "seconds": seconds,
                 "update_ms": median(seconds["update"]) * 1e3,
                 "bare_redraw_ms": median(seconds["bare redraw"]) * 1e3}
        detail = f"update {entry['update_ms']:.0f} ms, bare redraw {entry['bare_redraw_ms']:.0f} ms"
        if config.explorer_extremes:
            ends = []
            for setting in explorer.extreme_settings():
                gc.collect()  # so that no garbage left by earlier work is collected inside the one timing
                start = CLOCK()
                explorer.png(**setting)  # the first visit: nothing cached for this setting yet
                first_visit = CLOCK() - start
                end_ratio, end_seconds = _ratio_at(explorer, setting, config.explorer_repeats,
                                                   config.warmup)
                changed = {k: v for k, v in setting.items() if v != explorer.values()[k]}
                ends.append({"setting": {k: float(v) for k, v in changed.items()}, "ratio": end_ratio,
                             "update_ms": median(end_seconds["update"]) * 1e3,
                             "first_visit_ms": first_visit * 1e3,
                             "first_visit_ratio": first_visit / median(end_seconds["bare redraw"])})
            entry["slider_ends"] = ends
            if ends:
                worst = max(ends, key=lambda e: e["ratio"])
                slowest = max(ends, key=lambda e: e["first_visit_ratio"])
                entry["worst_end_ratio"] = worst["ratio"]
                entry["worst_first_visit_ms"] = slowest["first_visit_ms"]
                entry["worst_first_visit_ratio"] = slowest["first_visit_ratio"]
                detail += (f"; worst slider end {worst['ratio']:.2f}x ({_where(worst)}, "
                           f"{worst['update_ms']:.0f} ms); slowest first visit "
                           f"{slowest['first_visit_ratio']:.2f}x ({_where(slowest)}, "
                           f"{slowest['first_visit_ms']:.0f} ms, timed once)")
        explorers[name] = entry
        rows.append(row(f"{name}: update / bare redraw", ratio, GOAL, detail))
    def ends(e: dict, key: str, form: str) -> str:
        return format(e[key], form) if key in e else ""

    table = {"title": "Milliseconds (medians) at the default slider values; ratios at the slider "
                      "ends (worst end over the rounds; first visit timed once)",
             "header": ["explorer", "sliders", "update", "bare redraw", "ratio", "worst end",
                        "slowest first visit"],
             "rows": [[name, ", ".join(e["sliders"]), f"{e['update_ms']:.0f}", f"{e['bare_redraw_ms']:.0f}",
                       f"{e['ratio']:.2f}", ends(e, "worst_end_ratio", ".2f"),
                       ends(e, "worst_first_visit_ratio", ".2f")]
                      for name, e in explorers.items() if "ratio" in e]}
    return {"item": 5, "title": TITLE, "rows": rows, "notes": notes, "tables": [table],
            "data": {"explorers": explorers,
                     "bare_redraw": "figure_to_png of the already-built figure at the explorer's dpi"}}
