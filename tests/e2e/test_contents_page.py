"""The contents page opens in JupyterLab without being marked as changed and without a dialog.

JupyterLab (4.6) starts a kernel for every notebook it opens, with a kernelspec or without one
(then the default kernel, and it writes a kernelspec in); on connecting it writes the kernel's
``language_info`` into the metadata.  The page therefore carries the chapters' kernelspec and
language_info (``tools/nav.py``), and stays unchanged.  A control copy without the language
version shows that the check can fail: Lab marks that one changed.
"""
from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest

from .lab import make_lab_root, start_lab

REPO = Path(__file__).resolve().parents[2]
CONTENTS = REPO / "notebooks" / "00-contents.ipynb"
DIRTY_JS = """() => { const w = window.jupyterapp.shell.currentWidget;
  return w && w.context ? w.context.model.dirty : null; }"""


@pytest.fixture(scope="module")
def contents_lab(chromium_path, tmp_path_factory):
    base = tmp_path_factory.mktemp("contents-lab")
    stored = json.loads(CONTENTS.read_text(encoding="utf-8"))
    control = copy.deepcopy(stored)
    control["metadata"]["language_info"].pop("version", None)
    (base / "control-contents.ipynb").write_text(json.dumps(control, indent=1), encoding="utf-8")
    root = make_lab_root(base, [CONTENTS, base / "control-contents.ipynb"], [])
    server = start_lab(base, root)
    try:
        yield server
    finally:
        server.stop()


def open_and_settle(browser, server, name: str) -> dict:
    """Open ``name`` in a fresh workspace, wait for its kernel, and report what Lab shows."""
    server.shutdown_kernels()
    page = browser.new_page()
    try:
        page.goto(f"{server.url}/lab/tree/{name}?reset&token={server.token}",
                  wait_until="domcontentloaded")
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
        deadline = time.monotonic() + 60
        while not any(s.get("kernel") for s in server.api("GET", "/api/sessions")):
            assert time.monotonic() < deadline, "no kernel connected within 60 s"
            time.sleep(0.5)
        page.wait_for_function("() => { const w = window.jupyterapp.shell.currentWidget;"
                               " const k = w && w.sessionContext.session && w.sessionContext.session.kernel;"
                               " return k && k.status === 'idle'; }", timeout=60_000)
        page.wait_for_timeout(1500)  # the kernel's language_info arrives after idle
        dialogs = page.locator(".jp-Dialog")
        return {"dirty": page.evaluate(DIRTY_JS),
                "dialog": dialogs.first.inner_text() if dialogs.count() else None}
    finally:
        page.close()


def test_contents_opens_unchanged_and_without_a_dialog(browser, contents_lab):
    shown = open_and_settle(browser, contents_lab, "00-contents.ipynb")
    assert shown == {"dirty": False, "dialog": None}


def test_control_without_the_language_version_is_marked_changed(browser, contents_lab):
    shown = open_and_settle(browser, contents_lab, "control-contents.ipynb")
    assert shown["dirty"] is True
