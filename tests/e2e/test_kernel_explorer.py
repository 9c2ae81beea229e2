"""``d2lite.explore`` in a real JupyterLab: a learner's rule under sliders, run by the kernel.

In both Lab set-ups (setting 1, ``make lab``'s JupyterLab; setting 2, a server environment with
only ``jupyterlab`` and ``jupyterlab_widgets``, the kernel in ``.venv``) a cell defines a rule in
the book's form and explores it (``kernel_drag.py``).  The test drags the ``lr`` slider with the
real mouse and checks that the figure is redrawn while dragging (not only on release), that the
path drawn for the final value is the rule's own (the rule run by a plain loop here), and that
after Kernel > Shut Down Kernel the figure stays, with its one-line note that it needs a kernel.

What a screen reader gets (issue 21), in both set-ups: the script the explorer sends
(``d2lite/explorers/web/slider_names.js``) has named every slider's handle (its accessible name,
as Chromium computes it, is the slider's label) and keeps each handle's ``aria-valuetext`` equal
to the readout shown, also after a keyboard move of the log slider ``lr`` (whose
``aria-valuenow`` is the exponent) and on a handle made anew; axe-core finds
no serious or critical violation in the explorer's output area; the status line says, in words,
what the still figure shows (its ``alt`` begins with the same text).
"""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from .a11y import describe, violations
from .conftest import KERNEL_NAME, OUT
from .driver import notebook_errors, shut_down_kernel
from .kernel_drag import drag_lr, dump, open_explorer, rule_notebook, run_rule_directly, summary
from .test_lab import new_page, wait_kernel_idle

pytestmark = pytest.mark.e2e
STEPS = 100
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
SLIDERS_JS = """(panel) => [...document.querySelector(panel).querySelectorAll('.d2lite-rule-explorer')]
    .map(f => f.closest('.widget-vbox[class*=d2lite-explore-]')).filter(Boolean).slice(0, 1)
    .flatMap(root => [...root.querySelectorAll('.widget-slider')].map(s => {
        const h = s.querySelector('.noUi-handle');
        return {label: s.querySelector('.widget-label').textContent.trim(),
                readout: s.querySelector('.widget-readout').textContent.trim(),
                name: h.getAttribute('aria-label'), valuetext: h.getAttribute('aria-valuetext'),
                valuenow: h.getAttribute('aria-valuenow')};
    }))"""


def sliders(page) -> list[dict]:
    """Each slider of the explorer: its visible label and readout, its handle's ARIA."""
    return page.evaluate(SLIDERS_JS, PANEL)


def all_named(page) -> bool:
    found = sliders(page)
    return bool(found) and all(s["name"] and s["valuetext"] == s["readout"] for s in found)


def wait_until(page, check, what: str, seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting until {what}: {sliders(page)}")


def check_screen_reader_view(page, setting: str) -> None:
    """Names, spoken values and axe in the explorer's output area (see the module's doc)."""
    wait_until(page, lambda: all_named(page), "every handle is named and speaks its readout")
    panel = page.locator(PANEL)
    for slider in sliders(page):
        assert slider["name"].startswith(slider["label"]), slider  # the visible label in the name
        # Chromium's accessible name of the handle, the way a screen reader gets it
        assert panel.get_by_role("slider", name=slider["name"], exact=True).count() == 1, slider
    lr = next(s for s in sliders(page) if s["label"] == "lr")
    assert lr["name"] == "lr, log scale"
    # the log slider's position is the exponent (noUiSlider rounds aria-valuenow to 0.1):
    # the number spoken is the value shown, not the exponent
    assert abs(math.log10(float(lr["valuetext"])) - float(lr["valuenow"])) <= 0.05 + 1e-9, lr
    assert lr["valuetext"] != lr["valuenow"], lr

    found = violations(page, include=f"{PANEL} .jp-OutputArea-output")
    assert not found, f"[{setting}] axe in the explorer's output area: {describe(found)}"

    # a keyboard move: focus the lr handle, ArrowRight (one step, 0.02 decades)
    handle = panel.get_by_role("slider", name="lr, log scale", exact=True)
    handle.focus()
    page.keyboard.press("ArrowRight")
    wait_until(page, lambda: next(s for s in sliders(page) if s["label"] == "lr")["readout"]
               != lr["readout"], "the lr readout moves with ArrowRight")
    wait_until(page, lambda: all_named(page), "aria-valuetext follows the readout after ArrowRight")
    moved = next(s for s in sliders(page) if s["label"] == "lr")
    assert float(moved["valuetext"]) > float(lr["valuetext"]), (lr, moved)
    assert handle.get_attribute("aria-valuetext") == moved["readout"]

    # the still figure for the new value: its alt and the status line say what it shows
    status = panel.locator(".d2lite-rule-status .widget-html-content")
    image = panel.locator(".d2lite-rule-explorer img")
    state = panel.locator(".d2lite-rule-explorer")

    def settled() -> bool:
        data = json.loads(state.get_attribute("data-state"))
        # the readout has 3 significant digits (d3's ".3g" keeps trailing zeros: "2.00")
        return (data["settled"] and abs(data["values"]["lr"] / float(moved["readout"]) - 1) < 5e-3
                and image.get_attribute("alt").startswith(status.inner_text().strip()))

    wait_until(page, settled, "the still figure for the new lr is drawn and summarised")
    assert status.get_attribute("role") == "status"
    assert "Your rule's path, 100 steps" in status.inner_text(), status.inner_text()

    # a new handle in place of the old one, as noUiSlider's destroy and create make it (ipywidgets
    # runs both when a slider's orientation changes): unnamed, speaking noUiSlider's own number;
    # the script names it and sets its value text again
    page.evaluate("""(panel) => {
        const slider = [...document.querySelector(panel).querySelectorAll('.widget-slider')]
            .find(s => s.querySelector('.widget-label').textContent.trim() === 'lr');
        const old = slider.querySelector('.noUi-handle');
        const fresh = old.cloneNode(true);
        fresh.removeAttribute('aria-label');
        fresh.setAttribute('aria-valuetext', old.getAttribute('aria-valuenow'));
        old.replaceWith(fresh);
    }""", PANEL)
    wait_until(page, lambda: all_named(page), "the new handle is named and speaks its readout")
    assert panel.get_by_role("slider", name="lr, log scale", exact=True).count() == 1


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
        check_screen_reader_view(page, server.setting)
        src = page.locator(".d2lite-rule-explorer img").get_attribute("src")
        note = page.locator(".d2lite-rule-explorer .d2lite-kernel-note")
        assert not note.is_visible(), "the kernel note shows while the kernel runs"
        assert not notebook_errors(page), notebook_errors(page)
        shut_down_kernel(page)
        note.wait_for(state="visible", timeout=10_000)
        assert "needs a running kernel" in note.inner_text()
        assert page.locator(".d2lite-rule-explorer img").get_attribute("src") == src
        page.screenshot(path=str(OUT / f"kernel-explorer-{setting}-stopped.png"))
        assert not errors.messages, f"errors in the page: {errors.messages}"
    finally:
        context.close()
        server.shutdown_kernels()


RISKY = '''def risky(x1, x2, s1, s2, lr=0.4, shift=0.0):
    g1, g2 = 0.2 * x1, 4 * x2
    return x1 - lr * g1, x2 - lr * g2 / shift, s1, s2
'''


@pytest.mark.timeout(300)
@pytest.mark.parametrize("setting", ["lab", "split_lab"])
def test_a_bad_rules_error_line_is_a_status_message_that_follows_the_sliders(setting, browser,
                                                                            request):
    """The line saying where the rule stopped is in the status line (``role="status"``, so a
    screen reader announces it), and leaves it when a keyboard move of the slider mends the run."""
    import nbformat

    from .kernel_drag import SETUP

    server = request.getfixturevalue(setting)
    code = SETUP + "\n" + RISKY + "\nd2lite.explore(risky, shift=(0.0, 1.0))"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    kernel = KERNEL_NAME if setting == "split_lab" else "python3"
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nbformat.write(nb, server.root / "notebooks" / "e2e-fixtures" / "risky_rule.ipynb")
    relpath = "e2e-fixtures/risky_rule.ipynb"
    context, page, errors = new_page(browser, server)
    try:
        open_explorer(page, server, relpath, lambda: wait_kernel_idle(server, relpath))
        wait_until(page, lambda: all_named(page), "every handle is named and speaks its readout")
        panel = page.locator(PANEL)
        status = panel.locator(".d2lite-rule-status .widget-html-content")
        wait_until(page, lambda: status.get_attribute("role") == "status", "the status role is set")
        assert "step 1: the rule raised ZeroDivisionError" in status.inner_text(), status.inner_text()
        found = violations(page, include=f"{PANEL} .jp-OutputArea-output")
        assert not found, f"[{server.setting}] axe in the explorer's output area: {describe(found)}"
        handle = panel.get_by_role("slider", name="shift", exact=True)
        handle.focus()
        page.keyboard.press("End")  # shift = 1: the rule runs all its steps
        wait_until(page, lambda: "ZeroDivisionError" not in status.inner_text()
                   and "20 steps" in status.inner_text(), "the status line follows the mended run")
        assert handle.get_attribute("aria-valuetext") == "1.00"
        assert not errors.messages, f"errors in the page: {errors.messages}"
    finally:
        context.close()
        server.shutdown_kernels()
