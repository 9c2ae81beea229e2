"""Mouse and keyboard gestures on a live explorer, each checked for its effect on the drawing."""
from __future__ import annotations

from playwright.sync_api import Page

from .probe import assert_changed, center, check_shown, snapshot
from .records import PageErrors

DRAG_STEPS = 8  # mouse moves per half of a slider drag


def drag_slider(page: Page, index: int, name: str, errors: PageErrors, where: str) -> int:
    """Drag the range input ``name`` with the mouse to its top end, then to its bottom end.

    Returns how many times the figure changed while the button was down (before release).
    """
    box = center(page, index, f'input[type="range"][data-name="{name}"]')
    spec = page.evaluate("""([i, n]) => { const el = window.__e2e.live()[i].root.querySelector(
        `input[type="range"][data-name="${n}"]`); return {min: +el.min, max: +el.max, value: +el.value}; }""",
                         [index, name])
    inset = 8  # half a thumb: the thumb's centre travels between these two x positions
    span = box["width"] - 2 * inset
    frac = (spec["value"] - spec["min"]) / (spec["max"] - spec["min"])
    x0, y = box["x"] + inset + frac * span, box["y"] + box["height"] / 2
    page.mouse.move(x0, y)
    page.mouse.down()
    seen, changes = snapshot(page, index), 0
    targets = [x0 + (box["x"] + box["width"] + 20 - x0) * k / DRAG_STEPS for k in range(1, DRAG_STEPS + 1)]
    targets += [box["x"] + box["width"] + 20 - (box["width"] + 40) * k / DRAG_STEPS
                for k in range(1, DRAG_STEPS + 1)]
    for x in targets:
        page.mouse.move(x, y)
        now = snapshot(page, index)
        check_shown(now, f"{where}, dragging {name}")
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
        const r = ex.root.querySelector('[data-role="start"]').getBoundingClientRect();
        return {x: r.left + r.width / 2, y: r.top + r.height / 2}; }""", index)
    page.mouse.move(point["x"], point["y"])
    page.mouse.down()
    seen, changes = snapshot(page, index), 0
    for k in range(1, 6):
        page.mouse.move(point["x"] - 6 * k, point["y"] + 4 * k)
        now = snapshot(page, index)
        check_shown(now, f"{where}, dragging the start point")
        changes += now["figure"] != seen["figure"] or now["state"] != seen["state"]
        seen = now
    page.mouse.up()
    return changes


def click_control(page: Page, index: int, role: str, at: float = 0.5) -> None:
    """Click the control ``[data-role=role]`` at the fraction ``at`` of its width."""
    box = center(page, index, f'[data-role="{role}"]')
    page.mouse.click(box["x"] + box["width"] * at, box["y"] + box["height"] / 2)


def step_through(page: Page, index: int, where: str) -> None:
    """Step through the iterations: the step slider clicked at a quarter and then at three
    fifths of its track; each click must change the drawing."""
    for k in range(2):
        before = snapshot(page, index)
        click_control(page, index, "stepper", at=(0.25, 0.6)[k])
        after = snapshot(page, index)
        check_shown(after, f"{where}, stepping")
        assert_changed(before, after, f"{where}, step {k + 1} through the iterations")


def press_arrow(page: Page, index: int, name: str, where: str) -> None:
    """Focus the range input ``name`` (no click) and press the right arrow (the left one at the
    top end): its value and the drawing must change, as for a keyboard user."""
    value, at_max = page.evaluate("""([i, n]) => { const el = window.__e2e.live()[i].root.querySelector(
        `input[type="range"][data-name="${n}"]`); el.scrollIntoView({block: 'center'}); el.focus();
        return [el.value, +el.value >= +el.max]; }""", [index, name])
    before = snapshot(page, index)
    page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    after = snapshot(page, index)
    now = page.evaluate("""([i, n]) => window.__e2e.live()[i].root.querySelector(
        `input[type="range"][data-name="${n}"]`).value""", [index, name])
    if now == value:
        raise AssertionError(f"{where}: an arrow key on the focused slider {name} did not move it")
    check_shown(after, f"{where}, arrow key on {name}")
    assert_changed(before, after, f"{where}, arrow key on {name}")

