"""Settings 1 and 2: the explorers in a real JupyterLab, live after the kernel is shut down.

Setting 1 is JupyterLab from the project's ``.venv`` as ``make lab`` runs it; setting 2 is a
JupyterLab whose server environment holds only ``jupyterlab`` and ``jupyterlab_widgets``, with the
collection's kernel in ``.venv`` (``server_env.py``).  In both, per notebook, the learner's path:

1. open it as a fresh clone is opened (untrusted): every explorer shows its still and caption;
2. Run > Run All Cells: no cell fails, no error shows, every explorer is live;
3. Kernel > Shut Down Kernel, then every slider of every explorer is moved (``explorers.py``):
   the explorers compute and draw in the page, so they must keep moving.

In the keyboard user's notebook (``test_setting1_arrow_keys_move_sliders``) axe-core also checks
the output areas once every cell has run: the live explorers and the notebook's own figures.

A notebook with no explorer is still run (setting 1), so the whole collection runs in Lab.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import (KERNEL_NAME, OUT, chapter_notebooks, explorer_notebooks, record,
                       stored_explorers, stored_kinds)
from .driver import (expand_outputs, notebook_errors, open_notebook, run_all, screenshot_notebook,
                     shut_down_kernel)
from .a11y import describe, violations
from .explorers import PageErrors, exercise_within_frame, explorers_on
from .lab import private_env
from .server_env import KERNEL_ONLY, importable
from .stills import assert_still, containers, wait_images

pytestmark = pytest.mark.e2e
EVERY_KIND = "e2e-fixtures/page_explorers.ipynb"


def fixture_cases() -> list:
    """The every-kind notebook, unless the chapters already show every kind d2lite makes (then
    it would only repeat them, at a cost in time)."""
    from d2lite.explorers.page import KINDS as every  # every kind the page knows

    shown = set().union(*(stored_kinds(p) for p in chapter_notebooks()))
    return [] if set(every) <= shown else [pytest.param(EVERY_KIND, len(every), id="every-kind")]


def new_page(new_context, server):
    """A fresh browser context logged in to ``server``, and a page with an error recorder.

    ``new_context`` is pytest-playwright's fixture of that name (then a failing test keeps a
    screenshot, ``--screenshot only-on-failure``) or a ``Browser``."""
    context = getattr(new_context, "new_context", new_context)(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{server.url}/lab?reset&token={server.token}", wait_until="domcontentloaded")
    page.locator(".lm-MenuBar-itemLabel").first.wait_for(timeout=90_000)
    return context, page, PageErrors(page)


def wait_kernel_idle(server, relpath: str, timeout: float = 120.0) -> None:
    import time

    deadline, state = time.monotonic() + timeout, "no session"
    while time.monotonic() < deadline:
        for session in server.api("GET", "/api/sessions"):
            if session.get("path") == relpath and session.get("kernel"):
                state = session["kernel"].get("execution_state")
                if state == "idle":
                    return
        time.sleep(0.25)
    raise AssertionError(f"{relpath}: kernel not idle after {timeout:.0f} s (last state: {state})")


def learner_path(new_context, server, relpath: str, expected: int, kernel: str | None = None,
                 keyboard: bool = False) -> None:
    """Open (stills), run all (live), shut the kernel down, move everything (see the module doc);
    arrow keys on the sliders too with ``keyboard`` (see ``test_setting1_arrow_keys``)."""
    shot = OUT / f"{server.setting.split()[0]}-{Path(relpath).stem}"
    context, page, errors = new_page(new_context, server)
    try:
        open_notebook(page, server.url, relpath, lambda: wait_kernel_idle(server, relpath))
        if kernel is not None:
            names = {s["kernel"]["name"] for s in server.api("GET", "/api/sessions")
                     if s.get("path") == relpath and s.get("kernel")}
            assert names == {kernel}, f"{relpath}: runs in kernel {names}, not {kernel!r}"
        expand_outputs(page)  # an explorer may sit in a folded answer: open it
        if expected:  # Lab renders a long notebook's cells a few at a time
            page.wait_for_function("""(n) => document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .d2lite-explorer').length >= n""",
                                   arg=expected, timeout=30_000)
        wait_images(page)
        first = containers(page)
        assert len(first) == expected, f"{relpath}: {len(first)} explorers shown on opening, stored {expected}"
        for i, box in enumerate(first):  # an untrusted notebook: Lab runs no stored script
            assert_still(box, f"{relpath} [{server.setting}] on opening, explorer {i}")
        screenshot_notebook(page, shot.with_name(shot.name + "-opened.png"))
        not_run = run_all(page, relpath)
        problems = notebook_errors(page)
        assert not problems, f"{relpath}: errors after running every cell:\n" + "\n".join(problems)
        assert not not_run, f"{relpath}: code cells number {not_run} (counting from 0) did not run"
        expand_outputs(page)  # the new outputs keep their cells' folds
        if expected:
            page.wait_for_function("(n) => (window.d2liteExplorers || []).filter("
                                   "e => e.root.isConnected).length >= n", arg=expected, timeout=30_000)
        live = explorers_on(page)
        assert len(live) == expected, f"{relpath}: {len(live)} live explorers after running, expected {expected}"
        statuses = [box["status"] for box in containers(page)]
        assert statuses == ["live"] * expected, f"{relpath}: explorer statuses after running: {statuses}"
        if keyboard:  # the keyboard user's notebook: axe inside its output areas too
            found = violations(page, include=".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output")
            bad = [v for v in found if v["id"] != "image-alt"]
            assert not bad, f"{relpath}: axe in JupyterLab's output areas: {describe(bad)}"
            # an image without alt in Lab is exactly one the stored notebook gives none (its
            # figures get theirs from d2lite.alttext.show_figure): Lab drops no alt it was given
            import nbformat

            from d2lite.alttext import notebook_images_missing_alt

            stored = notebook_images_missing_alt(nbformat.read(server.root / "notebooks" / relpath, 4))
            shown = sum(v["count"] for v in found if v["id"] == "image-alt")
            assert shown == len(stored), (f"{relpath}: {shown} images without alt text in Lab, "
                                          f"{len(stored)} in the notebook's outputs ({stored})")
        shut_down_kernel(page)
        assert not server.api("GET", "/api/kernels"), f"{relpath}: a kernel still runs"
        for i in range(expected):
            exercise_within_frame(page, i, errors, server.setting, f"{relpath} (kernel shut down)",
                                  record, keyboard=keyboard)
        screenshot_notebook(page, shot.with_name(shot.name + "-moved.png"))
        problems = notebook_errors(page)
        assert not problems, f"{relpath}: errors after moving the sliders:\n" + "\n".join(problems)
        assert not errors.messages, f"{relpath}: errors in the page: {errors.messages}"
    finally:
        context.close()
        server.shutdown_kernels()


def keyboard_case() -> list:
    """One notebook of real explorers: the first chapter that has some, else every kind."""
    chapters = explorer_notebooks()
    if chapters:
        return [pytest.param(chapters[0].name, stored_explorers(chapters[0]), id=chapters[0].name)]
    return [case for case in fixture_cases() if case.id == "every-kind"]


def lab_cases() -> list:
    return fixture_cases() + [
        pytest.param(p.name, stored_explorers(p), id=p.name) for p in chapter_notebooks()]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("relpath, expected", lab_cases())
def test_setting1_lab_kernel_shut_down(relpath, expected, new_context, lab):
    learner_path(new_context, lab, relpath, expected)


def split_cases() -> list:
    return fixture_cases() + [
        pytest.param(p.name, stored_explorers(p), id=p.name) for p in explorer_notebooks()]


def test_setting2_server_environment_is_split(split_lab):
    """The server's Python has JupyterLab but none of the collection's kernel-side packages."""
    for module in ("jupyterlab", "jupyterlab_widgets"):
        assert importable(split_lab.python, module), f"the server environment lacks {module}"
    offered = [m for m in KERNEL_ONLY if importable(split_lab.python, m)]
    assert not offered, f"the server environment should not offer {offered}"
    specs = split_lab.api("GET", "/api/kernelspecs")["kernelspecs"]
    assert KERNEL_NAME in specs, f"kernelspecs seen by the server: {sorted(specs)}"


@pytest.mark.timeout(600)
@pytest.mark.parametrize("relpath, expected", split_cases())
def test_setting2_split_environments(relpath, expected, new_context, split_lab):
    learner_path(new_context, split_lab, relpath, expected, kernel=KERNEL_NAME)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("relpath, expected", split_cases())
def test_trusted_notebook_is_live_on_opening(relpath, expected, new_context, lab):
    """After ``jupyter trust`` (what ``make lab`` could run), the stored explorers are live as soon
    as the notebook opens, before any cell runs."""
    source = lab.root / "notebooks" / relpath
    relpath = str(Path(relpath).with_name("trusted-" + Path(relpath).name))  # a copy of its own
    shutil.copy(source, lab.root / "notebooks" / relpath)
    subprocess.run([lab.python, "-m", "jupyter", "trust", str(lab.root / "notebooks" / relpath)],
                   check=True, env=private_env(lab.base), capture_output=True)
    context, page, errors = new_page(new_context, lab)
    try:
        open_notebook(page, lab.url, relpath, lambda: wait_kernel_idle(lab, relpath))
        expand_outputs(page)
        page.wait_for_function("(n) => (window.d2liteExplorers || []).filter("
                               "e => e.root.isConnected).length >= n", arg=expected, timeout=30_000)
        assert [b["status"] for b in containers(page)] == ["live"] * expected
        shut_down_kernel(page)
        for i in range(expected):
            exercise_within_frame(page, i, errors, "1 trusted", relpath, record, mouse=False,
                                  keyboard=False)
        assert not errors.messages, f"{relpath}: errors in the page: {errors.messages}"
    finally:
        context.close()
        lab.shutdown_kernels()


@pytest.mark.timeout(600)
@pytest.mark.parametrize("relpath, expected", keyboard_case())
def test_setting1_arrow_keys_move_sliders(relpath, expected, new_context, lab):
    """A keyboard user: every slider, focused, moves with the arrow keys in JupyterLab.

    On a copy of its own with one metadata field changed: a trust signature covers a notebook's
    content, and earlier tests in this server have run and trusted the chapter itself, so a
    byte-identical copy would no longer open with the stills a fresh clone shows."""
    source = lab.root / "notebooks" / relpath
    relpath = str(Path(relpath).with_name("keyboard-" + Path(relpath).name))
    notebook = json.loads(source.read_text())
    notebook["metadata"]["e2e_copy"] = "arrow keys"
    (lab.root / "notebooks" / relpath).write_text(json.dumps(notebook))
    learner_path(new_context, lab, relpath, expected, keyboard=True)
