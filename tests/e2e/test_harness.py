"""The browser test's own checks can fail: defects planted in a real explorer are caught.

The explorers are sound, so the tests on them would pass just as well if a check had lost its
teeth (a figure hash that changes on every read, a NaN search that finds nothing).  Here one
defect at a time is planted, by a few lines of script, into the algorithm explorer of the
every-explorer page (the static site, ``file://``), and the check that must catch it has to fail.
The latency rule is plain arithmetic and is checked without a browser.
"""
from __future__ import annotations

import pytest

from . import explorers
from .explorers import PageErrors, Work, exercise, explorers_on, positions
from .records import REGRESSION_MS
from .stills import assert_still, containers
from .test_a11y import EXPLORERS
from .test_static_site import offline_page

pytestmark = pytest.mark.e2e

# Each defect as a script on the explorer ``ex``; the mouse and keyboard gestures run only where
# the defect needs them (they take most of an exercise's time).
PLANTS = {
    # every slider move is lost: nothing the explorer draws or reports changes
    "frozen": ("ex.set = () => undefined;", False, "neither the figure nor state\\(\\) changed"),
    # a NaN in what the explorer computed, with no note saying so
    "nan-state": ("const s = ex.state; ex.state = () => ({...s(), path: [[0, 0], [NaN, 1]]});",
                  False, "non-finite values"),
    # "NaN" printed where a learner reads it
    "nan-text": ("ex.root.querySelector('[data-role=figure]').insertAdjacentHTML('afterend',"
                 " '<span>loss NaN</span>');", False, "shows 'NaN' outside a note"),
    # an exception in an input handler
    "throws": ("ex.root.addEventListener('input', () => { throw new Error('planted'); }, true);",
               False, "errors in the page"),
    # the figure follows set() but not the real mouse: it would redraw only on release
    "drag": ("ex.root.addEventListener('input', (e) => { if (e.isTrusted) e.stopPropagation(); },"
             " true);", True, "dragging .* changed the figure only"),
}


def test_positions_cover_both_ends_and_return_to_the_default():
    assert positions({"min": 0, "max": 1, "step": 0.1, "value": 0.5}) == [0.2, 0.4, 0.6, 0.8, 1.0, 0.0, 0.5]
    assert positions({"min": 1, "max": 60, "step": 1, "value": 1}) == [13, 25, 36, 48, 60, 1]
    log = positions({"min": 0.01, "max": 10, "step": 0.1, "value": 0.4, "log": True})
    assert (log[4], log[5], log[6]) == (10, 0.01, 0.4) and 0.01 < min(log[:4]) < max(log[:4]) < 10
    with pytest.raises(AssertionError, match="empty"):
        positions({"min": 1, "max": 1, "step": 1, "value": 1})


def algorithm_explorer(new_context, fixture_site, javascript=True):
    page, _ = offline_page(new_context, javascript=javascript)
    errors = PageErrors(page)
    page.goto((fixture_site / EXPLORERS).as_uri(), wait_until="load")
    if not javascript:
        return page, errors, None
    page.wait_for_function("() => (window.d2liteExplorers || []).length > 0", timeout=15_000)
    index = [e["kind"] for e in explorers_on(page)].index("algorithm")
    return page, errors, index


@pytest.mark.timeout(120)
@pytest.mark.parametrize("plant", sorted(PLANTS))
def test_a_planted_defect_is_caught(plant, new_context, fixture_site):
    script, gestures, match = PLANTS[plant]
    page, errors, index = algorithm_explorer(new_context, fixture_site)
    page.evaluate(f"(i) => {{ const ex = window.__e2e.live()[i]; {script} }}", index)
    with pytest.raises(AssertionError, match=match):
        exercise(page, index, errors, "harness", f"planted {plant}", mouse=gestures, keyboard=False)


@pytest.mark.timeout(120)
def test_still_check_catches_a_hidden_still(new_context, fixture_site):
    """A live explorer hides its still: the check that every still is shown must see that."""
    page, _, index = algorithm_explorer(new_context, fixture_site)
    with pytest.raises(AssertionError, match="not shown and loaded"):
        assert_still(containers(page)[index], "a live explorer")


def test_p95_is_the_nearest_rank_and_a_slow_explorer_fails_after_one_rerun(monkeypatch):
    assert Work("s", "w", "k", [1.0] * 19 + [99.0]).p95 == 1.0  # 95 % of 20 events: the 19th
    assert Work("s", "w", "k", [1.0] * 18 + [99.0] * 2).p95 == 99.0
    slow, fast = [REGRESSION_MS + 1] * 20, [1.0] * 20
    for runs, fails in (([slow, slow], True), ([slow, fast], False), ([fast], False)):
        made = iter(runs)
        monkeypatch.setattr(explorers, "exercise",
                            lambda *a, **k: Work("s", "w", "k", list(next(made))))
        recorded = []
        if fails:
            with pytest.raises(AssertionError, match="p95 work per input event"):
                explorers.exercise_within_frame(None, 0, None, "s", "w", recorded.append)
        else:
            explorers.exercise_within_frame(None, 0, None, "s", "w", recorded.append)
        assert len(recorded) == len(runs), "a miss is measured once more, a pass is not"
