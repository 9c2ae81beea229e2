"""What an explorer shows when its script has not run (or failed): the still and its caption.

``containers(page)`` reads every ``.d2lite-explorer`` of the page (in a JupyterLab page, of the
open notebook) through the DevTools protocol's own evaluation, which works even when the page
itself may run no JavaScript; ``assert_still`` checks one of them.
"""
from __future__ import annotations

from playwright.sync_api import Page

CAPTION = '[data-role="caption"], .d2lite-caption, figcaption'

CONTAINERS_JS = """
async (caption) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const scope = panel || document;
  const shown = (el) => !!el && el.getClientRects().length > 0
      && getComputedStyle(el).visibility !== 'hidden' && getComputedStyle(el).display !== 'none';
  const found = [];
  for (const root of scope.querySelectorAll('.d2lite-explorer')) {
    root.scrollIntoView({block: 'center'});
    // JupyterLab skips rendering off-screen cells (content-visibility): let it render this one
    if (panel) await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const img = root.querySelector('img');
    const cap = root.querySelector(caption);
    const reason = root.querySelector('[data-role="reason"]');
    const r = img ? img.getBoundingClientRect() : null;
    found.push({
      status: root.dataset.status || null,
      kind: root.dataset.kind || null,
      img: img ? {shown: shown(img), complete: img.complete, naturalWidth: img.naturalWidth,
                  width: r.width, height: r.height, png: img.src.startsWith('data:image/png;base64,')}
               : null,
      caption: cap ? {shown: shown(cap), text: cap.innerText.trim()} : null,
      reason: reason ? {shown: shown(reason), text: reason.innerText.trim()} : null,
    });
  }
  return found;
}
"""


def containers(page: Page) -> list[dict]:
    """Status, still image, caption and reason of every explorer container on the page."""
    return page.evaluate(CONTAINERS_JS, CAPTION)


def wait_images(page: Page, timeout_ms: float = 10_000) -> None:
    """Wait until every image of the page has finished loading (or failed)."""
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete)",
                           timeout=timeout_ms, polling=100)


def assert_still(box: dict, where: str, failed: bool = False) -> None:
    """The container shows its still (visible, non-zero, loaded PNG) and a one-line caption;
    with ``failed`` it must also say why the live explorer did not start, in one line."""
    img = box["img"]
    if img is None:
        raise AssertionError(f"{where}: the explorer has no still image")
    if not (img["shown"] and img["complete"] and img["naturalWidth"] > 0
            and img["width"] > 0 and img["height"] > 0 and img["png"]):
        raise AssertionError(f"{where}: the still image is not shown and loaded: {img}")
    cap = box["caption"]
    if cap is None or not cap["shown"] or not cap["text"]:
        raise AssertionError(f"{where}: no visible caption under the still: {cap}")
    if "\n" in cap["text"]:
        raise AssertionError(f"{where}: the caption is more than one line: {cap['text']!r}")
    if failed:
        if box["status"] != "failed":
            raise AssertionError(f"{where}: status is {box['status']!r}, not 'failed'")
        reason = box["reason"]
        if reason is None or not reason["shown"] or not reason["text"] or "\n" in reason["text"]:
            raise AssertionError(f"{where}: no visible one-line reason for the failure: {reason}")
    elif box["status"] is not None:
        raise AssertionError(f"{where}: status is {box['status']!r}: the script ran")


def open_folds(page: Page) -> int:
    """Click the summary of every closed ``<details>`` that holds an explorer (a folded answer on
    the static site), as a reader does; works without JavaScript. Returns how many were opened."""
    folds = page.locator("details:not([open]):has(.d2lite-explorer) > summary")
    count = folds.count()
    for _ in range(count):
        folds.first.click()  # each click removes that fold from the list
    return count
