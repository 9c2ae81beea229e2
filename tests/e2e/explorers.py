"""Move every slider of every in-page explorer on a page and check what it draws.

Works on any page holding explorers that follow the page contract (README.md): JupyterLab, the
static site, or a fixture page.  Per explorer, ``exercise`` does:

1. ``set()`` every slider, through four intermediate positions, then its top and bottom end;
   after each move the drawn figure (hash of its canvases and SVG) or ``state()`` must differ
   from before, any non-finite number in ``state()`` (or NaN/inf in the visible text, or
   ``diverged``) must come with a visible ``data-role="note"``, and no page error may appear;
2. focuses every slider and presses an arrow key (``keyboard``): it must move, and the drawing;
3. drags every slider's range input with the real mouse from its value to the top end and on to
   the bottom end, so ``input`` events fire while dragging: the figure must change during the
   drag, not only at the release;
4. on the 2-D explorers, drags the start point (``data-role="start"``) on the plot, clicks the
   step control twice (``data-role="step"`` button or ``"stepper"`` slider) and presses play:
   each must change what is drawn.

The page's own ``workMs`` (compute and draw per input event, on ``performance.now()``) is read at
the end; ``records.Work`` summarises it.
"""
from __future__ import annotations

import math

from playwright.sync_api import Page

from .records import BUDGET_MS, PageErrors, Work, assert_within_frame  # noqa: F401 (re-exported)

FRACTIONS = (0.2, 0.4, 0.6, 0.8)  # intermediate positions of each slider, then max, then min
DRAG_STEPS = 8  # mouse moves per half of a slider drag

# Installed once per page: helpers the checks below call as window.__e2e.*.
HELPERS_JS = r"""
() => {
  if (window.__e2e) return;
  const hash = (s) => { let h = 2166136261; for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); } return (h >>> 0).toString(16) + ':' + s.length; };
  const live = () => (window.d2liteExplorers || []).filter(e => e.root && e.root.isConnected);
  const figure = (ex) => {
    const fig = ex.root.querySelector('[data-role="figure"]');
    if (!fig) return null;
    const parts = [];
    const all = [fig, ...fig.querySelectorAll('canvas, svg')];
    for (const el of all) {
      if (el.tagName === 'CANVAS') parts.push(el.toDataURL());
      else if (el.tagName.toLowerCase() === 'svg' && (el === fig || !el.closest('svg:not(:scope)')))
        parts.push(el.outerHTML);
    }
    if (!parts.length) parts.push(fig.innerHTML);
    return hash(parts.join('|'));
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
    hasStep: !!ex.root.querySelector('[data-role="step"], [data-role="stepper"]'),
    hasStart: !!ex.root.querySelector('[data-role="start"]') || typeof ex.startPixel === 'function',
    hasPlay: !!ex.root.querySelector('[data-role="play"]')}))"""


def positions(spec: dict) -> list[float]:
    """Four intermediate positions of a slider (snapped to its step), its top and bottom end,
    and its default value again (so that the next slider moves from the default setting).

    A slider with ``log: true`` moves on a log10 scale: its ``step`` is in powers of ten.
    """
    log = bool(spec.get("log"))
    scale = math.log10 if log else float
    lo, hi, default = (scale(float(spec[k])) for k in ("min", "max", "value"))
    step = float(spec.get("step") or 0)
    if not hi > lo:
        raise AssertionError(f"slider range is empty: {spec}")
    out = []
    for f in FRACTIONS:
        v = lo + f * (hi - lo)
        if step > 0:
            v = lo + round((v - lo) / step) * step
        out.append(min(hi, max(lo, round(v, 12))))
    values = [*out, hi, lo, default]  # back to the default before the next slider
    if log:
        values = [float(spec["min"]) if v == lo else float(spec["max"]) if v == hi
                  else float(spec["value"]) if v == default else 10 ** v for v in values]
    return [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]


def explorers_on(page: Page) -> list[dict]:
    """The mounted explorers of the page (kind, sliders, status, controls), in page order."""
    page.evaluate(HELPERS_JS)
    return page.evaluate(LIST_JS)


def _snapshot(page: Page, index: int) -> dict:
    return page.evaluate("(i) => window.__e2e.snapshot(i)", index)


def _check(snap: dict, where: str) -> None:
    if (snap["nonfinite"] or snap["diverged"]) and not snap["notes"]:
        what = ", ".join(snap["nonfinite"][:5]) or "diverged: true"
        raise AssertionError(f"{where}: the state holds non-finite values or a divergence "
                             f"({what}) but no visible data-role=\"note\" says so")
    if snap["shownNaN"]:
        raise AssertionError(f"{where}: the explorer shows {snap['shownNaN']!r} outside a note")


def _assert_changed(before: dict, after: dict, where: str) -> None:
    if before["figure"] == after["figure"] and before["state"] == after["state"]:
        raise AssertionError(f"{where}: neither the figure nor state() changed")


def _assert_no_errors(errors: PageErrors, start: int, where: str) -> None:
    new = errors.since(start)
    if new:
        raise AssertionError(f"{where}: errors in the page: " + "; ".join(new[:5]))


def set_slider(page: Page, index: int, name: str, value: float) -> None:
    page.evaluate("([i, n, v]) => window.__e2e.live()[i].set(n, v)", [index, name, value])


def _center(page: Page, index: int, selector: str) -> dict:
    box = page.evaluate("""async ([i, sel]) => { const el = window.__e2e.live()[i].root.querySelector(sel);
        el.scrollIntoView({block: 'center'});
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const r = el.getBoundingClientRect();
        return {x: r.left, y: r.top, width: r.width, height: r.height}; }""", [index, selector])
    return box


def drag_slider(page: Page, index: int, name: str, errors: PageErrors, where: str) -> int:
    """Drag the range input ``name`` with the mouse to its top end, then to its bottom end.

    Returns how many times the figure changed while the button was down (before release).
    """
    box = _center(page, index, f'input[type="range"][data-name="{name}"]')
    spec = page.evaluate("""([i, n]) => { const el = window.__e2e.live()[i].root.querySelector(
        `input[type="range"][data-name="${n}"]`); return {min: +el.min, max: +el.max, value: +el.value}; }""",
                         [index, name])
    inset = 8  # half a thumb: the thumb's centre travels between these two x positions
    span = box["width"] - 2 * inset
    frac = (spec["value"] - spec["min"]) / (spec["max"] - spec["min"])
    x0, y = box["x"] + inset + frac * span, box["y"] + box["height"] / 2
    page.mouse.move(x0, y)
    page.mouse.down()
    seen, changes = _snapshot(page, index), 0
    targets = [x0 + (box["x"] + box["width"] + 20 - x0) * k / DRAG_STEPS for k in range(1, DRAG_STEPS + 1)]
    targets += [box["x"] + box["width"] + 20 - (box["width"] + 40) * k / DRAG_STEPS
                for k in range(1, DRAG_STEPS + 1)]
    for x in targets:
        page.mouse.move(x, y)
        now = _snapshot(page, index)
        _check(now, f"{where}, dragging {name}")
        if now["figure"] != seen["figure"] or now["state"] != seen["state"]:
            changes += 1
        seen = now
    page.mouse.up()
    final = page.evaluate("""([i, n]) => +window.__e2e.live()[i].root.querySelector(
        `input[type="range"][data-name="${n}"]`).value""", [index, name])
    if final != spec["min"]:
        raise AssertionError(f"{where}: dragging {name} past its bottom end left it at {final}, "
                             f"not {spec['min']}")
    return changes


def drag_start_point(page: Page, index: int, where: str) -> int:
    """Drag the start point on the plot a little way; return how often the drawing changed."""
    point = page.evaluate("""async (i) => { const ex = window.__e2e.live()[i];
        const fig = ex.root.querySelector('[data-role="figure"]'); fig.scrollIntoView({block: 'center'});
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        if (typeof ex.startPixel === 'function') return ex.startPixel();
        const handle = ex.root.querySelector('[data-role="start"]');
        const r = (handle || fig).getBoundingClientRect();
        return {x: r.left + r.width / 2, y: r.top + r.height / 2}; }""", index)
    page.mouse.move(point["x"], point["y"])
    page.mouse.down()
    seen, changes = _snapshot(page, index), 0
    for k in range(1, 6):
        page.mouse.move(point["x"] - 6 * k, point["y"] + 4 * k)
        now = _snapshot(page, index)
        _check(now, f"{where}, dragging the start point")
        changes += now["figure"] != seen["figure"] or now["state"] != seen["state"]
        seen = now
    page.mouse.up()
    return changes


def click_control(page: Page, index: int, role: str, at: float = 0.5) -> None:
    """Click the control ``[data-role=role]`` at the fraction ``at`` of its width."""
    box = _center(page, index, f'[data-role="{role}"]')
    page.mouse.click(box["x"] + box["width"] * at, box["y"] + box["height"] / 2)


def step_through(page: Page, index: int, where: str) -> None:
    """Step through the iterations: a step button clicked twice, or a step slider clicked at a
    quarter and then at three fifths of its track; each click must change the drawing."""
    has_button = page.evaluate("""(i) => !!window.__e2e.live()[i].root.querySelector(
        '[data-role="step"]')""", index)
    for k in range(2):
        before = _snapshot(page, index)
        if has_button:
            click_control(page, index, "step")
        else:
            click_control(page, index, "stepper", at=(0.25, 0.6)[k])
        after = _snapshot(page, index)
        _check(after, f"{where}, stepping")
        _assert_changed(before, after, f"{where}, step {k + 1} through the iterations")


def press_arrow(page: Page, index: int, name: str, where: str) -> None:
    """Focus the range input ``name`` (no click) and press the right arrow (the left one at the
    top end): its value and the drawing must change, as for a keyboard user."""
    value, at_max = page.evaluate("""([i, n]) => { const el = window.__e2e.live()[i].root.querySelector(
        `input[type="range"][data-name="${n}"]`); el.scrollIntoView({block: 'center'}); el.focus();
        return [el.value, +el.value >= +el.max]; }""", [index, name])
    before = _snapshot(page, index)
    page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    after = _snapshot(page, index)
    now = page.evaluate("""([i, n]) => window.__e2e.live()[i].root.querySelector(
        `input[type="range"][data-name="${n}"]`).value""", [index, name])
    if now == value:
        raise AssertionError(f"{where}: an arrow key on the focused slider {name} did not move it")
    _check(after, f"{where}, arrow key on {name}")
    _assert_changed(before, after, f"{where}, arrow key on {name}")


def exercise(page: Page, index: int, errors: PageErrors, setting: str, where: str,
             mouse: bool = True, keyboard: bool = True) -> Work:
    """Run every check of the module docstring on the ``index``-th live explorer of ``page``."""
    info = explorers_on(page)[index]
    page_name = where
    where = f"{where}, explorer {index} ({info['kind']})"
    start = len(errors.messages)
    if not info["sliders"]:
        raise AssertionError(f"{where}: the explorer lists no sliders")
    before = _snapshot(page, index)
    _check(before, f"{where}, as mounted")
    for name, spec in info["sliders"].items():
        current = float(spec["value"])
        for value in positions(spec):
            if value == current:
                continue
            current = value
            label = f"{where}, set({name!r}, {value:g})"
            set_slider(page, index, name, value)
            after = _snapshot(page, index)
            _assert_no_errors(errors, start, label)
            _check(after, label)
            _assert_changed(before, after, label)
            if after["work"] <= before["work"]:
                raise AssertionError(f"{label}: workMs got no new entry")
            before = after
    if keyboard:
        for name in info["sliders"]:
            press_arrow(page, index, name, where)
    if mouse:
        for name, spec in info["sliders"].items():
            changes = drag_slider(page, index, name, errors, where)
            set_slider(page, index, name, spec["value"])  # the next drag starts from the default
            _assert_no_errors(errors, start, f"{where}, dragging {name}")
            if changes < DRAG_STEPS // 2:
                raise AssertionError(f"{where}: dragging {name} with the mouse changed the figure "
                                     f"only {changes} times in {2 * DRAG_STEPS} moves before release")
        if info["hasStart"]:
            changes = drag_start_point(page, index, where)
            if changes < 2:
                raise AssertionError(f"{where}: dragging the start point changed the drawing "
                                     f"{changes} times in 5 moves")
        if info["hasStep"]:
            step_through(page, index, where)
        if info["hasPlay"]:
            before = _snapshot(page, index)
            click_control(page, index, "play")
            page.wait_for_timeout(300)
            _assert_changed(before, _snapshot(page, index), f"{where}, 300 ms after play")
        _assert_no_errors(errors, start, where)
    ms = page.evaluate("(i) => Array.from(window.__e2e.live()[i].workMs)", index)
    if not ms or not all(isinstance(v, (int, float)) and math.isfinite(v) and v >= 0 for v in ms):
        raise AssertionError(f"{where}: workMs is empty or not a list of finite times: {ms[:10]}")
    return Work(setting, where, info["kind"], [float(v) for v in ms], page_name, index)
