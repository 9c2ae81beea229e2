"""The 2-D explorers' step controls, in Chromium on the static site's explorer page.

* Paused mid-run, moving a slider (or the start point) shows the whole new run: the step shown
  goes back to "all of it", not the step where playback stopped.
* The play button keeps its width when its label changes (play / pause), so the step slider
  beside it does not move under the reader's finger.
"""
from __future__ import annotations

import pytest

from .conftest import page_explorer_factories
from .test_a11y import EXPLORERS, open_page

pytestmark = pytest.mark.e2e
KINDS = ("algorithm", "preconditioning", "rotation")

BOXES_JS = """(kind) => { const ex = d2liteExplorers.find((e) => e.kind === kind);
  const box = (sel) => { const r = ex.root.querySelector(sel).getBoundingClientRect();
    return [Math.round(r.left * 10) / 10, Math.round(r.width * 10) / 10]; };
  return {play: box('[data-role=play]'), stepper: box('[data-role=stepper]'),
          label: ex.root.querySelector('[data-role=play]').textContent, step: ex.state().step}; }"""


@pytest.mark.timeout(120)
def test_paused_mid_run_a_moved_slider_shows_the_whole_run_and_play_keeps_its_width(new_context,
                                                                                   fixture_site):
    page = open_page(new_context, (fixture_site / EXPLORERS).as_uri(), "desktop")
    page.wait_for_function("(n) => (window.d2liteExplorers || []).length >= n",
                           arg=len(page_explorer_factories()), timeout=15_000)
    for kind in KINDS:
        play = page.locator(f'.d2lite-explorer[data-kind="{kind}"] [data-role=play]')
        before = page.evaluate(BOXES_JS, kind)
        play.click()
        page.wait_for_function(f"() => d2liteExplorers.find((e) => e.kind === '{kind}')"
                               ".state().step >= 3", timeout=10_000)
        playing = page.evaluate(BOXES_JS, kind)
        play.click()  # pause mid-run
        paused = page.evaluate(BOXES_JS, kind)
        assert "pause" in playing["label"] and "play" in paused["label"], (playing, paused)
        assert paused["step"] is not None, f"{kind}: the run ended before the pause"
        for state in (playing, paused):
            assert state["play"] == before["play"] and state["stepper"] == before["stepper"], \
                f"{kind}: the play button or the step slider moved: {before} -> {state}"
        # a slider moved while paused: the whole new run is shown
        name, spec = page.evaluate(f"() => Object.entries(d2liteExplorers.find((e) => e.kind"
                                   f" === '{kind}').sliders)[0]")
        target = spec["max"] if spec["value"] != spec["max"] else spec["min"]
        page.evaluate(f"([n, v]) => d2liteExplorers.find((e) => e.kind === '{kind}').set(n, v)",
                      [name, target])
        after = page.evaluate(f"() => d2liteExplorers.find((e) => e.kind === '{kind}').state()")
        assert after["step"] is None, f"{kind}: after moving {name} while paused at step " \
                                      f"{paused['step']}, step {after['step']} is shown"
        # and the start point moved while paused (the keyboard's way, or a start slider)
        play.click()
        page.wait_for_function(f"() => d2liteExplorers.find((e) => e.kind === '{kind}')"
                               ".state().step >= 1", timeout=10_000)
        play.click()
        right = page.locator(f'.d2lite-explorer[data-kind="{kind}"] [data-role=start-right]')
        if right.count():
            right.click()
        else:
            page.evaluate(f"() => d2liteExplorers.find((e) => e.kind === '{kind}').set('x1', 1)")
        state = page.evaluate(f"() => {{ const ex = d2liteExplorers.find((e) => e.kind === '{kind}');"
                              " ex.flush(); return ex.state(); }")
        assert state["step"] is None, f"{kind}: a new start while paused shows step {state['step']}"
