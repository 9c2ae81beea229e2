"""Every notebook in a real JupyterLab in Chromium: run all cells, then move every slider.

For each notebook: open it, clear and run every cell, check that no error appeared, take a
screenshot, press End and Home on every slider (each end of its range), and check after each move
that the figure changed, no error or traceback appeared and nothing shows NaN or inf.  The time
from release to the settled new figure is recorded per move; a move over 2 s fails.  The floor
is a one-line-plot slider (fixtures/floor.ipynb) measured in the same run; the median of each
notebook against that floor and the worst move are printed at the end of the run.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import FLOOR, FLOOR_AGAIN, OUT, chapter_notebooks, record, wait_kernel_idle
from .driver import (NotebookRun, exercise_sliders, move_slider, notebook_errors, open_notebook,
                     run_all, screenshot_notebook, slider_cells)

pytestmark = pytest.mark.e2e
FAIL_MS = 2000.0
FLOOR_ROUNDS = 4  # the floor's one slider goes to each end this many times (8 moves)


def stored_slider_count(path: Path) -> int:
    """How many slider models the notebook's stored widget state holds (one per slider shown)."""
    nb = json.loads(path.read_text())
    state = nb.get("metadata", {}).get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return sum(1 for model in state.values() if model.get("model_name", "").endswith("SliderModel"))


def exercise(page, lab, relpath: str, rounds: int = 1, mouse: NotebookRun | None = None,
             name: str | None = None) -> NotebookRun:
    """Open, run and screenshot ``relpath`` and move each of its sliders to both ends with the
    keyboard (and then again by dragging with the mouse, into ``mouse``, when it is given).
    The moves are recorded under ``name`` (default: ``relpath``)."""
    run = NotebookRun(name or relpath)
    shot = OUT / Path(relpath).stem
    open_notebook(page, lab.url, relpath, lambda: wait_kernel_idle(lab, relpath))
    not_run = run_all(page, relpath)
    errors = notebook_errors(page)
    screenshot_notebook(page, shot.with_name(shot.name + "-before.png"))
    assert not errors, f"{relpath}: errors after running every cell:\n" + "\n".join(errors)
    assert not not_run, f"{relpath}: code cells number {not_run} (counting from 0) did not run"
    try:
        exercise_sliders(page, run, rounds=rounds)
        if mouse is not None:
            exercise_sliders(page, mouse, drag=True)
    finally:
        record(run)
        if mouse is not None:
            record(mouse)
        screenshot_notebook(page, shot.with_name(shot.name + "-after.png"))
    errors = notebook_errors(page)
    assert not errors, f"{relpath}: errors after moving the sliders:\n" + "\n".join(errors)
    assert not page.page_errors, f"{relpath}: JavaScript errors in the page: {page.page_errors}"
    return run


def assert_fast_enough(run: NotebookRun) -> None:
    slow = [m for m in run.moves if m.ms > FAIL_MS]
    assert not slow, f"{run.notebook}: slider moves over {FAIL_MS:.0f} ms:\n" + "\n".join(
        f"  cell {m.cell}, {m.slider} -> {m.end}: {m.ms:.0f} ms" for m in slow)


@pytest.fixture(scope="session")
def floor_run(context, lab):
    """The latency floor: the one-line-plot slider, measured once per run before the others."""
    page = context.new_page()
    page.page_errors = []
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    try:
        return exercise(page, lab, FLOOR, rounds=FLOOR_ROUNDS)
    finally:
        page.close()
        lab.shutdown_kernels()


@pytest.mark.timeout(300)
def test_latency_floor(floor_run):
    assert len(floor_run.moves) == 2 * FLOOR_ROUNDS, "the floor's slider was not found or not moved"
    assert_fast_enough(floor_run)


@pytest.mark.timeout(300)
def test_broken_explorers_are_caught(floor_run, open_page, lab):
    """The checks can fail: an explorer that raises, one whose figure ignores its slider and one
    that prints NaN are each reported (fixtures/broken.ipynb)."""
    relpath, page = "e2e-fixtures/broken.ipynb", open_page
    open_notebook(page, lab.url, relpath, lambda: wait_kernel_idle(lab, relpath))
    assert run_all(page, relpath) == [] and notebook_errors(page) == []
    (i, raises), (j, ignores), (k, prints_nan) = slider_cells(page)

    def move(index, cell, key, **kwargs):
        slider = cell.locator(".jp-OutputArea .widget-slider").first
        return move_slider(page, relpath, index, cell, slider, key, **kwargs)

    assert move(i, raises, "Home").ms < FAIL_MS  # the working end works
    with pytest.raises(AssertionError, match="an error appeared"):
        move(i, raises, "End")
    with pytest.raises(AssertionError, match="no new figure"):
        move(j, ignores, "End", timeout_ms=3000)
    with pytest.raises(AssertionError, match="NaN or inf"):
        move(k, prints_nan, "Home")
    assert notebook_errors(page), "the traceback of the first explorer is not reported"


@pytest.mark.timeout(300)
@pytest.mark.parametrize("relpath", ["e2e-fixtures/two_explorers.ipynb"])
def test_fixture_notebook(relpath, floor_run, open_page, lab):
    """The machinery itself, on a notebook with log, integer and float sliders in two explorers:
    every slider to each end with the keyboard, then again by dragging its handle with the mouse."""
    mouse = NotebookRun(f"{relpath} (mouse)")
    run = exercise(open_page, lab, relpath, mouse=mouse)
    expected = stored_slider_count(Path(__file__).parent / "fixtures" / Path(relpath).name)
    assert run.sliders == mouse.sliders == expected > 0, \
        f"found {run.sliders} and {mouse.sliders} sliders, the notebook has {expected}"
    assert len(run.moves) == len(mouse.moves) == 2 * expected
    assert_fast_enough(run)
    assert_fast_enough(mouse)


@pytest.mark.timeout(420)
@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.name)
def test_notebook_in_lab(path, floor_run, open_page, lab):
    run = exercise(open_page, lab, path.name)
    expected = stored_slider_count(path)
    assert run.sliders == expected, (f"{path.name}: the browser found {run.sliders} sliders but the "
                                     f"stored notebook has {expected}")
    assert_fast_enough(run)


@pytest.mark.timeout(300)
def test_latency_floor_again_at_the_end(floor_run, open_page, lab):
    """The floor once more, last, so that the ratios do not hinge on the load at the start."""
    run = exercise(open_page, lab, FLOOR, rounds=FLOOR_ROUNDS, name=FLOOR_AGAIN)
    assert len(run.moves) == 2 * FLOOR_ROUNDS
    assert_fast_enough(run)
