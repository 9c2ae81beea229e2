"""Move every slider of every in-page explorer on a page and check what it draws.

Works on any page holding explorers that follow the page contract (README.md): JupyterLab, the
static site, or a fixture page.  Per explorer, ``exercise`` does:

1. ``set()`` every slider, through four intermediate positions, then its top and bottom end;
   after each move the drawn figure (hash of its canvases and SVG) or ``state()`` must differ
   from before, any non-finite number in ``state()`` (or NaN/inf in the visible text, or
   ``diverged``) must come with a visible ``data-role="note"``, and no page error may appear;
2. focuses every slider and presses an arrow key (``keyboard``): it must move, and the drawing;
3. drags every slider's range input with the real mouse from its value to the top end and on to
   the bottom end, so ``input`` events fire while dragging: the figure must change during the
   drag, not only at the release;
4. on the 2-D explorers, drags the start point (``data-role="start"``) on the plot, clicks the
   step slider (``data-role="stepper"``) twice and presses play: each must change what is drawn.

The page's own ``workMs`` (compute and draw per input event, on ``performance.now()``) is read at
the end; ``records.Work`` summarises it.  ``probe.py`` reads the explorer, ``gestures.py`` holds
the mouse and keyboard moves.
"""
from __future__ import annotations

import math

from playwright.sync_api import Page

from .gestures import (DRAG_STEPS, click_control, drag_slider, drag_start_point, press_arrow,
                       step_through)
from .probe import (assert_changed, assert_no_errors, check_shown, explorers_on,  # noqa: F401
                    set_slider, snapshot)
from .records import BUDGET_MS, REGRESSION_MS, PageErrors, Work, assert_within_frame  # noqa: F401 (re-exported)

FRACTIONS = (0.2, 0.4, 0.6, 0.8)  # intermediate positions of each slider, then max, then min


def positions(spec: dict) -> list[float]:
    """Four intermediate positions of a slider (snapped to its step), its top and bottom end,
    and its default value again (so that the next slider moves from the default setting).

    A slider with ``log: true`` moves on a log10 scale: its ``step`` is in powers of ten.
    """
    log = bool(spec.get("log"))
    scale = math.log10 if log else float
    lo, hi, default = (scale(float(spec[k])) for k in ("min", "max", "value"))
    step = float(spec.get("step") or 0)
    if not hi > lo:
        raise AssertionError(f"slider range is empty: {spec}")
    out = []
    for f in FRACTIONS:
        v = lo + f * (hi - lo)
        if step > 0:
            v = lo + round((v - lo) / step) * step
        out.append(min(hi, max(lo, round(v, 12))))
    values = [*out, hi, lo, default]  # back to the default before the next slider
    if log:
        values = [float(spec["min"]) if v == lo else float(spec["max"]) if v == hi
                  else float(spec["value"]) if v == default else 10 ** v for v in values]
    return [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]


def exercise(page: Page, index: int, errors: PageErrors, setting: str, where: str,
             mouse: bool = True, keyboard: bool = True) -> Work:
    """Run every check of the module docstring on the ``index``-th live explorer of ``page``."""
    info = explorers_on(page)[index]
    first_event = page.evaluate("(i) => window.__e2e.live()[i].workMs.length", index)
    page_name = where
    where = f"{where}, explorer {index} ({info['kind']})"
    start = len(errors.messages)
    if not info["sliders"]:
        raise AssertionError(f"{where}: the explorer lists no sliders")
    before = snapshot(page, index)
    check_shown(before, f"{where}, as mounted")
    for name, spec in info["sliders"].items():
        current = float(spec["value"])
        for value in positions(spec):
            if value == current:
                continue
            current = value
            label = f"{where}, set({name!r}, {value:g})"
            set_slider(page, index, name, value)
            after = snapshot(page, index)
            assert_no_errors(errors, start, label)
            check_shown(after, label)
            assert_changed(before, after, label)
            if after["work"] <= before["work"]:
                raise AssertionError(f"{label}: workMs got no new entry")
            before = after
    if keyboard:
        for name in info["sliders"]:
            press_arrow(page, index, name, where)
    if mouse:
        for name, spec in info["sliders"].items():
            changes = drag_slider(page, index, name, errors, where)
            set_slider(page, index, name, spec["value"])  # the next drag starts from the default
            assert_no_errors(errors, start, f"{where}, dragging {name}")
            if changes < DRAG_STEPS // 2:
                raise AssertionError(f"{where}: dragging {name} with the mouse changed the figure "
                                     f"only {changes} times in {2 * DRAG_STEPS} moves before release")
        if info["hasStart"]:
            changes = drag_start_point(page, index, where)
            if changes < 2:
                raise AssertionError(f"{where}: dragging the start point changed the drawing "
                                     f"{changes} times in 5 moves")
        if info["hasStep"]:
            step_through(page, index, where)
        if info["hasPlay"]:
            before = snapshot(page, index)
            click_control(page, index, "play")
            page.wait_for_timeout(300)
            assert_changed(before, snapshot(page, index), f"{where}, 300 ms after play")
        assert_no_errors(errors, start, where)
    ms = page.evaluate("([i, n]) => Array.from(window.__e2e.live()[i].workMs).slice(n)",
                       [index, first_event])
    if not ms or not all(isinstance(v, (int, float)) and math.isfinite(v) and v >= 0 for v in ms):
        raise AssertionError(f"{where}: workMs is empty or not a list of finite times: {ms[:10]}")
    return Work(setting, where, info["kind"], [float(v) for v in ms], page_name, index)


def exercise_within_frame(page: Page, index: int, errors: PageErrors, setting: str, where: str,
                          record, mouse: bool = True, keyboard: bool = True) -> None:
    """``exercise`` the explorer and hold its p95 to the regression bound (``REGRESSION_MS``);
    ``record`` gets every ``Work``.

    The machine is shared, so a burst of other work can slow a few events: when the p95 is over
    the bound, the whole exercise runs once more and the explorer fails only if it is over again.
    """
    work = exercise(page, index, errors, setting, where, mouse=mouse, keyboard=keyboard)
    record(work)
    if work.p95 <= REGRESSION_MS:
        return
    again = exercise(page, index, errors, f"{setting} again", where, mouse=mouse, keyboard=keyboard)
    record(again)
    assert_within_frame(again)
