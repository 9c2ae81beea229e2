"""Reading a live explorer through the page contract's hooks (``window.d2liteExplorers``)."""
from __future__ import annotations

from playwright.sync_api import Page

from .records import PageErrors


# Installed once per page: helpers the checks below call as window.__e2e.*.
HELPERS_JS = r"""
() => {
  if (window.__e2e) return;
  const hash = (s) => { let h = 2166136261; for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); } return (h >>> 0).toString(16) + ':' + s.length; };
  const live = () => (window.d2liteExplorers || []).filter(e => e.root && e.root.isConnected);
  const figure = (ex) => {  // the explorers draw SVG
    const fig = ex.root.querySelector('[data-role="figure"]');
    return fig ? hash(fig.outerHTML) : null;
  };
  const nonfinite = (value, where, out) => {
    if (typeof value === 'number' && !Number.isFinite(value)) out.push(where);
    else if (typeof value === 'string' && /^(NaN|-?Infinity)$/.test(value)) out.push(where);
    else if (Array.isArray(value)) value.forEach((v, i) => nonfinite(v, `${where}[${i}]`, out));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) nonfinite(v, `${where}.${k}`, out);
    return out;
  };
  const visible = (el) => !!el && el.getClientRects().length > 0
      && getComputedStyle(el).visibility !== 'hidden';
  const snapshot = (i) => {
    const ex = live()[i];
    ex.flush();  // draw what the next frame would draw
    const state = ex.state();
    const notes = Array.from(ex.root.querySelectorAll('[data-role="note"]'))
      .filter(n => visible(n) && n.textContent.trim()).map(n => n.textContent.trim());
    let text = ex.root.innerText || '';  // what is shown, minus the notes (on the figure too)
    for (const n of ex.root.querySelectorAll('[data-role|="note"]'))
      if (n.textContent.trim()) text = text.split(n.textContent.trim()).join('');
    return {figure: figure(ex), state: hash(JSON.stringify(state)), nonfinite: nonfinite(state, 'state', []),
            diverged: !!(state && state.diverged), notes,
            shownNaN: (text.match(/\b(NaN|-?Infinity|-?inf)\b/i) || [null])[0],
            work: ex.workMs.length};
  };
  window.__e2e = {live, figure, snapshot, visible};
}
"""

LIST_JS = """() => window.__e2e.live().map(ex => ({kind: ex.kind, sliders: ex.sliders,
    status: ex.root.dataset.status,
    hasStep: !!ex.root.querySelector('[data-role="stepper"]'),
    hasStart: !!ex.root.querySelector('[data-role="start"]'),
    hasPlay: !!ex.root.querySelector('[data-role="play"]')}))"""


def explorers_on(page: Page) -> list[dict]:
    """The mounted explorers of the page (kind, sliders, status, controls), in page order."""
    page.evaluate(HELPERS_JS)
    return page.evaluate(LIST_JS)


def snapshot(page: Page, index: int) -> dict:
    return page.evaluate("(i) => window.__e2e.snapshot(i)", index)


def check_shown(snap: dict, where: str) -> None:
    if (snap["nonfinite"] or snap["diverged"]) and not snap["notes"]:
        what = ", ".join(snap["nonfinite"][:5]) or "diverged: true"
        raise AssertionError(f"{where}: the state holds non-finite values or a divergence "
                             f"({what}) but no visible data-role=\"note\" says so")
    if snap["shownNaN"]:
        raise AssertionError(f"{where}: the explorer shows {snap['shownNaN']!r} outside a note")


def assert_changed(before: dict, after: dict, where: str) -> None:
    if before["figure"] == after["figure"] and before["state"] == after["state"]:
        raise AssertionError(f"{where}: neither the figure nor state() changed")


def assert_no_errors(errors: PageErrors, start: int, where: str) -> None:
    new = errors.since(start)
    if new:
        raise AssertionError(f"{where}: errors in the page: " + "; ".join(new[:5]))


def set_slider(page: Page, index: int, name: str, value: float) -> None:
    page.evaluate("([i, n, v]) => window.__e2e.live()[i].set(n, v)", [index, name, value])


def center(page: Page, index: int, selector: str) -> dict:
    box = page.evaluate("""async ([i, sel]) => { const el = window.__e2e.live()[i].root.querySelector(sel);
        el.scrollIntoView({block: 'center'});
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const r = el.getBoundingClientRect();
        return {x: r.left, y: r.top, width: r.width, height: r.height}; }""", [index, selector])
    return box

