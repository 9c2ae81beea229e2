"""``d2lite.explore`` in a real JupyterLab: a learner's rule under sliders, run by the kernel.

In both Lab set-ups (setting 1, ``make lab``'s JupyterLab; setting 2, a server environment with
only ``jupyterlab`` and ``jupyterlab_widgets``, the kernel in ``.venv``) a cell defines a rule in
the book's form and explores it (``kernel_drag.py``).  The test drags the ``lr`` slider with the
real mouse and checks that the figure is redrawn while dragging (not only on release), that the
path drawn for the final value is the rule's own (the rule run by a plain loop here), and that
after Kernel > Shut Down Kernel the figure stays, with its one-line note that it needs a kernel.
"""
from __future__ import annotations

import numpy as np
import pytest

from .a11y import describe, violations
from .conftest import KERNEL_NAME, OUT
from .driver import notebook_errors, shut_down_kernel
from .kernel_drag import drag_lr, dump, open_explorer, rule_notebook, run_rule_directly, summary
from .test_lab import new_page, wait_kernel_idle

pytestmark = pytest.mark.e2e
STEPS = 100


@pytest.mark.timeout(300)
@pytest.mark.parametrize("setting", ["lab", "split_lab"])
def test_learners_rule_redraws_while_dragging_and_keeps_its_figure_without_kernel(setting, browser,
                                                                                   request):
    server = request.getfixturevalue(setting)
    folder = server.root / "notebooks" / "e2e-fixtures"
    path = rule_notebook(folder, STEPS, kernel=KERNEL_NAME if setting == "split_lab" else None)
    relpath = f"e2e-fixtures/{path.name}"
    context, page, errors = new_page(browser, server)
    try:
        open_explorer(page, server, relpath, lambda: wait_kernel_idle(server, relpath))
        record = drag_lr(page, seconds=3.0)
        dump(record, OUT / f"kernel-explorer-{setting}.json")
        during = [f for f in record["figures"] if f["t"] < record["release"]]
        assert len({f["lr"] for f in during}) >= 4, \
            f"[{server.setting}] the figure was redrawn {len(during)} times while dragging"
        stats = summary(record)
        assert np.isfinite(stats["max"]), f"[{server.setting}] an input event got no figure: {stats}"
        state = record["last"]
        assert state["problem"] is None, state["problem"]
        expected = run_rule_directly(state["values"], state["values"]["steps"])
        np.testing.assert_allclose(state["path"], expected, rtol=1e-12, atol=1e-300)
        assert state["values"]["steps"] == STEPS
        src = page.locator(".d2lite-rule-explorer img").get_attribute("src")
        note = page.locator(".d2lite-rule-explorer .d2lite-kernel-note")
        assert not note.is_visible(), "the kernel note shows while the kernel runs"
        assert not notebook_errors(page), notebook_errors(page)
        if setting == "lab":  # axe in the widget's output area
            found = violations(page, include=".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output")
            # Known and upstream: ipywidgets 8.1.9 builds each slider's handle with noUiSlider
            # and gives it no accessible name (it passes no handleAttributes; no Python trait
            # sets one), so axe's aria-input-field-name flags every handle; the visible label
            # beside each slider names it for sighted users only.  Everything else must pass.
            upstream = [v for v in found if v["id"] == "aria-input-field-name"]
            handles = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output "
                                   ".noUi-handle").count()
            assert all(v["count"] <= handles for v in upstream), describe(upstream)
            bad = [v for v in found if v["id"] != "aria-input-field-name"]
            assert not bad, f"axe in the explorer's output area: {describe(bad)}"

        shut_down_kernel(page)
        note.wait_for(state="visible", timeout=10_000)
        assert "needs a running kernel" in note.inner_text()
        assert page.locator(".d2lite-rule-explorer img").get_attribute("src") == src
        page.screenshot(path=str(OUT / f"kernel-explorer-{setting}-stopped.png"))
        assert not errors.messages, f"errors in the page: {errors.messages}"
    finally:
        context.close()
        server.shutdown_kernels()
