"""Drive one notebook in JupyterLab the way a learner does: open it, run every cell, move sliders.

Every slider is a noUiSlider handle inside an ipywidgets ``.widget-slider``.  A move focuses the
handle and presses End or Home (noUiSlider's keyboard support jumps to the end of the range and
fires the same ``change`` event a mouse release does), or drags the handle past the end of its
track with the mouse.  The page itself records the moment the key goes down (or the mouse button
comes up) and the moment the cell's output last changed (including the new image's ``load``
event), so the latency is measured on the browser's clock, not Playwright's.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

RUN_ALL_TIMEOUT_MS = 240_000
MOVE_TIMEOUT_MS = 15_000  # a move slower than 2 s fails anyway; waiting longer only explains why
SETTLE_MS = 300  # the output counts as settled after this long without a change
ERROR_WORDS = ("Traceback", "Error displaying widget", "model not found")
NONFINITE = re.compile(r"\b(nan|inf)\b", re.IGNORECASE)

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

# Installed before each move: remembers the output's images, the key-down time and every change.
ARM_MOVE_JS = """
(cell) => {
""" + TEXT_JS + """
  const area = cell.querySelector('.jp-Cell-outputWrapper') || cell;
  window.__e2eText = textOf;
  const signature = () => Array.from(area.querySelectorAll('img')).map(i => i.src).join('|');
  const rec = {t0: null, times: [], old: signature(), area: area, signature: signature};
  const onKey = (e) => {
    if ((e.key === 'End' || e.key === 'Home') && rec.t0 === null) rec.t0 = performance.now();
  };
  const onRelease = () => { if (rec.t0 === null) rec.t0 = performance.now(); };
  document.addEventListener('keydown', onKey, true);
  document.addEventListener('pointerup', onRelease, true);
  const watch = () => {
    for (const img of area.querySelectorAll('img')) {
      if (!img.__e2eWatched) {
        img.__e2eWatched = true;
        if (!img.complete) img.addEventListener('load', () => rec.times.push(performance.now()));
      }
    }
  };
  watch();
  const observer = new MutationObserver(() => { rec.times.push(performance.now()); watch(); });
  observer.observe(area, {subtree: true, childList: true, attributes: true, characterData: true});
  rec.stop = () => {
    observer.disconnect();
    document.removeEventListener('keydown', onKey, true);
    document.removeEventListener('pointerup', onRelease, true);
  };
  window.__e2eMove = rec;
}
"""

# True once the output shows a different, fully loaded image (or an error) and has been quiet.
MOVE_SETTLED_JS = """
(settleMs) => {
  const rec = window.__e2eMove;
  const area = rec.area;
  const errored = area.querySelector('[data-mime-type="application/vnd.jupyter.stderr"]') !== null
    || /Traceback|Error displaying widget/.test(window.__e2eText(area));
  const imgs = Array.from(area.querySelectorAll('img'));
  const changed = imgs.length > 0 && rec.signature() !== rec.old
    && imgs.every(i => i.complete && i.naturalWidth > 0);
  const last = rec.times.length ? Math.max(...rec.times) : rec.t0;
  return (changed || errored) && rec.t0 !== null && performance.now() - last >= settleMs;
}
"""

FINISH_MOVE_JS = """
() => {
  const rec = window.__e2eMove;
  rec.stop();
  const last = rec.times.length ? Math.max(...rec.times) : rec.t0;
  return {ms: last - rec.t0, changed: rec.signature() !== rec.old,
          images: rec.area.querySelectorAll('img').length, text: window.__e2eText(rec.area),
          stderr: rec.area.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]').length};
}
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


@dataclass
class Move:
    """One slider release and what it took to see the new figure."""

    notebook: str
    cell: int
    slider: str
    end: str
    ms: float
    readout_before: str
    readout_after: str


@dataclass
class NotebookRun:
    """What happened to one notebook in the browser."""

    notebook: str
    moves: list[Move] = field(default_factory=list)
    sliders: int = 0

    @property
    def median_ms(self) -> float:
        return statistics.median(m.ms for m in self.moves)

    @property
    def worst(self) -> Move:
        return max(self.moves, key=lambda m: m.ms)


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


def slider_cells(page: Page) -> list[tuple[int, Locator]]:
    """(cell index, cell) for every notebook cell whose output holds at least one slider."""
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
    found = []
    for i in range(cells.count()):
        cell = cells.nth(i)
        if cell.locator(".jp-OutputArea .widget-slider .noUi-handle").count():
            found.append((i, cell))
    return found


def drag_handle(page: Page, slider: Locator, handle: Locator, to_max: bool) -> None:
    """Drag ``handle`` with the mouse past the end of its track and release it there."""
    track = slider.locator(".noUi-target").first.bounding_box()
    grip = handle.bounding_box()
    y = grip["y"] + grip["height"] / 2
    page.mouse.move(grip["x"] + grip["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] + 30 if to_max else track["x"] - 30, y, steps=8)
    page.mouse.up()


def move_slider(page: Page, notebook: str, cell_index: int, cell: Locator, slider: Locator,
                key: str, drag: bool = False, timeout_ms: float = MOVE_TIMEOUT_MS) -> Move:
    """Move ``slider`` to the end ``key`` names (End: maximum, Home: minimum) and wait for the
    cell's figure to change: with the keyboard, or with the mouse when ``drag`` is true."""
    handle = slider.locator(".noUi-handle").first
    slider.scroll_into_view_if_needed()  # off-screen cells are not rendered (content-visibility)
    label = (slider.locator(".widget-label").first.text_content() or "").strip() or "(no label)"
    readout = slider.locator(".widget-readout").first
    before = (readout.text_content() or "").strip()
    cell.evaluate(ARM_MOVE_JS)
    if drag:
        drag_handle(page, slider, handle, to_max=key == "End")
    else:
        handle.focus()
        page.keyboard.press(key)
    where = f"{notebook}, cell {cell_index}, slider {label!r} -> {key}{' (drag)' if drag else ''}"
    try:
        page.wait_for_function(MOVE_SETTLED_JS, arg=SETTLE_MS, timeout=timeout_ms, polling=50)
    except PlaywrightTimeout:
        raise AssertionError(f"{where}: no new figure within {timeout_ms / 1000:.0f} s "
                             f"(readout {before} -> {(readout.text_content() or '').strip()})") from None
    result = page.evaluate(FINISH_MOVE_JS)
    after = (readout.text_content() or "").strip()
    target = handle.get_attribute("aria-valuemax" if key == "End" else "aria-valuemin")
    assert handle.get_attribute("aria-valuenow") == target, \
        f"{where}: the handle did not reach the end of its range ({target})"
    assert result["stderr"] == 0 and not any(w in result["text"] for w in ERROR_WORDS), \
        f"{where}: an error appeared in the output:\n{result['text'][:1500]}"
    assert result["changed"] and result["images"] > 0, \
        f"{where}: the figure did not change (readout {before} -> {after})"
    assert not NONFINITE.search(result["text"]), \
        f"{where}: the output shows NaN or inf:\n{result['text'][:1500]}"
    return Move(notebook, cell_index, label, f"{key} (drag)" if drag else key, result["ms"], before,
                after)


def exercise_sliders(page: Page, run: NotebookRun, rounds: int = 1, drag: bool = False) -> None:
    """Move every slider of the open notebook to each end of its range (``rounds`` times),
    with the keyboard, or by dragging with the mouse when ``drag`` is true."""
    for cell_index, cell in slider_cells(page):
        sliders = cell.locator(".jp-OutputArea .widget-slider")
        for j in range(sliders.count()):
            slider = sliders.nth(j)
            handle = slider.locator(".noUi-handle").first
            if handle.get_attribute("aria-valuemin") == handle.get_attribute("aria-valuemax"):
                continue
            run.sliders += 1
            # Start with the end the handle is not at, so that every move changes the value.
            at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            keys = ["Home", "End"] if at_max else ["End", "Home"]
            for _ in range(rounds):
                for key in keys:
                    run.moves.append(move_slider(page, run.notebook, cell_index, cell, slider, key,
                                                 drag=drag))
