"""Fixtures for the browser test: Chromium, a private JupyterLab, and the latency report.

Without a Chromium binary the tests skip, unless ``D2LITE_REQUIRE_BROWSER=1`` (set by ``.ci/run``)
turns the missing browser into a failure.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import time
from pathlib import Path

import pytest

from .lab import REPO, HERE, make_lab_root, start_lab

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
OUT = REPO / "build" / "e2e"  # screenshots and latency.json
FIXTURES = sorted((HERE / "fixtures").glob("*.ipynb"))
FLOOR = "e2e-fixtures/floor.ipynb"

# Filled by the tests, printed by pytest_terminal_summary.
RUNS: dict[str, object] = {}


def chapter_notebooks() -> list[Path]:
    """Every numbered notebook of the collection (found by glob, so new ones are covered)."""
    return sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))


def _browser_or_skip() -> str:
    required = os.environ.get("D2LITE_REQUIRE_BROWSER") == "1"
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the Python package playwright is not installed"
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if problem is None and path is None:
        problem = "no Chromium on PATH (apt-get install chromium)"
    if problem is None:
        return path
    if required:
        pytest.fail(f"D2LITE_REQUIRE_BROWSER=1 but {problem}", pytrace=False)
    pytest.skip(f"browser test skipped: {problem}; set D2LITE_REQUIRE_BROWSER=1 to make this fail")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return _browser_or_skip()


@pytest.fixture(scope="session")
def lab(chromium_path, tmp_path_factory):
    """A running private JupyterLab over copies of the notebooks and the fixtures."""
    base = tmp_path_factory.mktemp("lab")
    shutil.rmtree(OUT, ignore_errors=True)  # screenshots and timings of this run only
    OUT.mkdir(parents=True)
    root = make_lab_root(base, chapter_notebooks(), FIXTURES)
    server = start_lab(base, root)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                             args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def context(browser, lab):
    """One browser context, logged in with the server's token."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{lab.url}/lab?reset&token={lab.token}", wait_until="domcontentloaded")
    page.locator(".lm-MenuBar-itemLabel").first.wait_for(timeout=90_000)
    page.close()
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def open_page(context, lab):
    """A new page; on teardown it is closed and every kernel is shut down."""
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.page_errors = page_errors
    try:
        yield page
    finally:
        page.close()
        lab.shutdown_kernels()


def wait_kernel_idle(lab, relpath: str, timeout: float = 120.0) -> None:
    """Wait until the server reports an idle kernel for the notebook at ``relpath``."""
    deadline = time.monotonic() + timeout
    state = "no session"
    while time.monotonic() < deadline:
        for session in lab.api("GET", "/api/sessions"):
            if session.get("path") == relpath and session.get("kernel"):
                state = session["kernel"].get("execution_state")
                if state == "idle":
                    return
        time.sleep(0.25)
    raise AssertionError(f"{relpath}: kernel not idle after {timeout:.0f} s (last state: {state})")


def record(run) -> None:
    RUNS[run.notebook] = run


FLOOR_AGAIN = f"{FLOOR} (end of run)"


def _floor_ms() -> float | None:
    """The median of every floor move, at the start and (if measured) at the end of the run."""
    moves = [m.ms for name in (FLOOR, FLOOR_AGAIN) if name in RUNS for m in RUNS[name].moves]
    return statistics.median(moves) if moves else None


def latency_rows() -> list[dict]:
    floor = _floor_ms()
    rows = []
    for name, run in RUNS.items():
        if not run.moves:
            rows.append({"notebook": name, "moves": 0})
            continue
        worst = run.worst
        rows.append({"notebook": name, "moves": len(run.moves), "median_ms": run.median_ms,
                     "worst_ms": worst.ms, "worst_move": f"cell {worst.cell} {worst.slider} {worst.end}",
                     "ratio_to_floor": run.median_ms / floor if floor else None,
                     "moves_detail": [m.__dict__ for m in run.moves]})
    return rows


def pytest_terminal_summary(terminalreporter):
    if not RUNS:
        return
    floor = _floor_ms()
    tr = terminalreporter
    tr.section("slider latency in JupyterLab (release -> settled new figure)")
    tr.write_line("goal: median within 1.5x of the floor, no move over 1 s; a move over 2 s fails")
    tr.write_line(f"{'notebook':44} {'moves':>5} {'median':>9} {'worst':>9} {'x floor':>8}  worst move")
    for row in latency_rows():
        if not row["moves"]:
            tr.write_line(f"{row['notebook']:44} {0:>5} {'-':>9} {'-':>9} {'-':>8}  (no sliders)")
            continue
        ratio = f"{row['ratio_to_floor']:.2f}" if row["ratio_to_floor"] else "-"
        flags = []
        if row["ratio_to_floor"] and row["ratio_to_floor"] > 1.5:
            flags.append("MISSES 1.5x GOAL")
        if row["worst_ms"] > 1000:
            flags.append("MISSES 1 s GOAL")
        tr.write_line(f"{row['notebook']:44} {row['moves']:>5} {row['median_ms']:>7.0f}ms "
                      f"{row['worst_ms']:>7.0f}ms {ratio:>8}  {row['worst_move']}"
                      + (f"  <- {', '.join(flags)}" if flags else ""))
    if floor:
        tr.write_line(f"floor ({FLOOR}, at the start and the end of the run): median {floor:.0f} ms")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "latency.json").write_text(json.dumps(latency_rows(), indent=1))
    tr.write_line(f"details: {OUT / 'latency.json'}; screenshots: {OUT}")
