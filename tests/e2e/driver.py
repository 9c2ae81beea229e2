"""Drive one notebook in JupyterLab the way a learner does: open it, run every cell, stop the kernel.

Everything goes through Lab's own menus; the run state is read from the notebook model, which
``--LabApp.expose_app_in_browser`` makes reachable as ``window.jupyterapp``.
"""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page

RUN_ALL_TIMEOUT_MS = 240_000
SETTLE_MS = 300  # late display messages arrive after the kernel reports idle
ERROR_WORDS = ("Traceback", "Error displaying widget", "model not found")

# The text a reader sees in ``el``, rendered or not (textContent minus <style> and <script>).
TEXT_JS = """
const textOf = (el) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const tag = n.parentElement ? n.parentElement.tagName : '';
    if (tag !== 'STYLE' && tag !== 'SCRIPT') parts.push(n.data);
  }
  return parts.join('');
};
"""

# The run state of the open notebook, read from its model (hidden-source cells have no visible
# prompt): each code cell's execution count and state, and the kernel's status.
RUN_STATE_JS = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = Array.from(panel.content.model.cells).filter(c => c.type === 'code');
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {counts: cells.map(c => c.executionCount),
          running: cells.filter(c => c.executionState === 'running').length,
          status: kernel ? kernel.status : null};
}
"""


def menu(page: Page, top: str, item: str) -> None:
    """Click ``top`` in the menu bar, then ``item`` in the menu it opens."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).first.click()


def open_notebook(page: Page, url: str, relpath: str, wait_idle) -> None:
    """Open ``relpath`` in a fresh workspace and wait until its kernel is idle."""
    page.goto(f"{url}/lab/tree/{relpath}?reset", wait_until="domcontentloaded")
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").first.wait_for(
        timeout=90_000)
    wait_idle()
    dialogs = page.locator(".jp-Dialog")
    if dialogs.count():
        raise AssertionError(f"{relpath}: a dialog is in the way: {dialogs.first.inner_text()!r}")


def run_all(page: Page, relpath: str) -> list[int]:
    """Clear every output, run every cell (Run > Run All Cells) and wait until the kernel stops.

    Returns the indices (among the code cells) of the cells that did not run.
    """
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(f"() => ({RUN_STATE_JS})().counts.every(c => c === null)",
                           timeout=10_000)
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(f"""() => {{
        const s = ({RUN_STATE_JS})();
        return s.status === 'idle' && s.running === 0
            && (s.counts.length === 0 || s.counts.some(c => c !== null));
    }}""", timeout=RUN_ALL_TIMEOUT_MS, polling=250)
    page.wait_for_timeout(SETTLE_MS)  # late display messages (widget views) arrive after idle
    state = page.evaluate(RUN_STATE_JS)
    return [i for i, count in enumerate(state["counts"]) if count is None]


def notebook_errors(page: Page) -> list[str]:
    """Error outputs (stderr, tracebacks, broken widgets) anywhere in the open notebook."""
    return page.evaluate("""(words) => {""" + TEXT_JS + """
        const found = [];
        const cells = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell');
        cells.forEach((cell, i) => {
          const area = cell.querySelector('.jp-OutputArea');
          if (!area) return;
          const stderr = area.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]');
          stderr.forEach(e => found.push(`cell ${i}: ${textOf(e).slice(0, 500)}`));
          const text = textOf(area);
          for (const w of words) if (text.includes(w)) found.push(`cell ${i}: shows ${w}: ${text.slice(0, 500)}`);
        });
        return found;
    }""", list(ERROR_WORDS))


def screenshot_notebook(page: Page, path: Path, max_height: int = 16_000) -> None:
    """A screenshot of the whole open notebook (the viewport is stretched to its height)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("""() => {
        const outer = document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
        if (!outer) return window.innerHeight;
        outer.scrollTop = 0;
        const cells = outer.querySelectorAll('.jp-Cell');
        const last = cells.length ? cells[cells.length - 1].getBoundingClientRect().bottom : 0;
        return Math.max(last, outer.getBoundingClientRect().bottom) + 60;
    }""")
    page.set_viewport_size({"width": size["width"], "height": int(min(max(height, size["height"]), max_height))})
    page.wait_for_timeout(500)
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first.screenshot(path=str(path))
    page.set_viewport_size(size)
    page.wait_for_timeout(200)


def shut_down_kernel(page: Page) -> None:
    """Kernel > Shut Down Kernel, and wait until the notebook has no kernel any more."""
    menu(page, "Kernel", "Shut Down Kernel")
    page.wait_for_function("""() => {
        const panel = window.jupyterapp.shell.currentWidget;
        return panel && panel.sessionContext && !panel.sessionContext.session?.kernel; }""",
                           timeout=30_000, polling=100)


def expand_outputs(page: Page) -> None:
    """Open every fold, as a learner opens a folded answer: the collapsed headings (a section of
    worked solutions) and the hidden outputs (View > Expand All Outputs)."""
    page.evaluate("""async () => {
        await window.jupyterapp.commands.execute('notebook:expand-all-headings');
        await window.jupyterapp.commands.execute('notebook:show-all-cell-outputs'); }""")
    page.wait_for_function("""() => {
        const panel = window.jupyterapp.shell.currentWidget;
        return panel.content.widgets.every(c => !c.outputHidden && !c.isHidden); }""",
                           timeout=10_000, polling=100)
