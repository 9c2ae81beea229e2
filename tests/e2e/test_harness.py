"""The browser test's own checks can fail: each planted defect of the stand-in explorer is caught.

Runs on small ``file://`` pages (no JupyterLab), so it takes seconds.
"""
from __future__ import annotations

import pytest

from .explorers import (PageErrors, assert_within_frame, exercise, exercise_within_frame,
                        explorers_on, positions)
from .standin import standin_page
from .stills import assert_still, containers, wait_images
from .test_static_site import offline_page

pytestmark = pytest.mark.e2e


def open_standin(browser, tmp_path, explorers, javascript=True, extra=""):
    path = tmp_path / "page.html"
    path.write_text(standin_page(explorers).replace("</body>", extra + "</body>"))
    context, page, attempted = offline_page(browser, javascript=javascript)
    errors = PageErrors(page)
    page.goto(path.as_uri(), wait_until="load")
    if javascript:
        page.wait_for_function("(n) => document.querySelectorAll('.d2lite-explorer[data-status]')"
                               ".length >= n", arg=len(explorers), timeout=15_000)
    return context, page, errors, attempted


def test_positions_cover_both_ends_and_return_to_the_default():
    assert positions({"min": 0, "max": 1, "step": 0.1, "value": 0.5}) == [0.2, 0.4, 0.6, 0.8, 1.0, 0.0, 0.5]
    assert positions({"min": 1, "max": 60, "step": 1, "value": 1}) == [13, 25, 36, 48, 60, 1]
    with pytest.raises(AssertionError, match="empty"):
        positions({"min": 1, "max": 1, "step": 1, "value": 1})


@pytest.mark.timeout(120)
@pytest.mark.parametrize("kind, bug, match", [
    ("standin1d", "frozen", "neither the figure nor state\\(\\) changed"),
    ("standin1d", "nan", "non-finite values"),
    ("standin2d", "nan", "non-finite values"),
    ("standin1d", "throws", "errors in the page"),
])
def test_planted_defects_are_caught(kind, bug, match, browser, tmp_path):
    context, page, errors, _ = open_standin(browser, tmp_path, [(kind, bug)])
    try:
        with pytest.raises(AssertionError, match=match):
            exercise(page, 0, errors, "harness", f"{kind} with bug {bug}")
    finally:
        context.close()


@pytest.mark.timeout(120)
def test_a_slow_explorer_fails_the_frame_budget(browser, tmp_path):
    context, page, errors, _ = open_standin(browser, tmp_path, [("standin1d", "slow")])
    try:
        works = []
        with pytest.raises(AssertionError, match="p95 work per input event"):
            exercise_within_frame(page, 0, errors, "harness", "slow stand-in", works.append,
                                  mouse=False)
        assert len(works) == 2, "a miss is measured a second time before it fails"
    finally:
        context.close()


@pytest.mark.timeout(120)
def test_sound_stand_ins_pass_and_blocked_requests_are_seen(browser, tmp_path):
    remote = '<img src="https://example.org/pixel.png" alt="remote">'
    context, page, errors, attempted = open_standin(
        browser, tmp_path, [("standin1d", None), ("standin2d", None)], extra=remote)
    try:
        assert [e["kind"] for e in explorers_on(page)] == ["standin1d", "standin2d"]
        for i in range(2):
            assert_within_frame(exercise(page, i, errors, "harness", "sound stand-in"))
        assert attempted == ["https://example.org/pixel.png"]
    finally:
        context.close()


@pytest.mark.timeout(120)
def test_still_checks_catch_a_blank_and_a_live_explorer(browser, tmp_path):
    context, page, errors, _ = open_standin(browser, tmp_path, [("standin1d", None)])
    try:
        (live,) = containers(page)
        with pytest.raises(AssertionError, match="not shown and loaded|the script ran"):
            assert_still(live, "a live explorer")  # its still is hidden: it is not a still any more
    finally:
        context.close()
    context, page, _, _ = open_standin(browser, tmp_path, [("standin1d", None)], javascript=False)
    try:
        page.evaluate("() => document.querySelector('.d2lite-still').remove()")
        wait_images(page)
        (blank,) = containers(page)
        with pytest.raises(AssertionError, match="no still image"):
            assert_still(blank, "an explorer without its still")
    finally:
        context.close()
