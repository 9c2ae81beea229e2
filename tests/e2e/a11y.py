"""axe-core (vendored, ``vendor/axe-core``) run on a page: the violations that matter.

``serious_violations(page)`` injects the pinned axe-core into the page and returns its
violations of impact "critical" or "serious", each as ``{id, impact, help, targets}``; the
accessibility tests assert that the list is empty, at 1280 px and at 390 px.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"  # axe-core 4.14.1
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}  # CSS pixels


def axe_source() -> str:
    """The vendored axe-core, checked against its pinned hash."""
    data = AXE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != AXE_SHA256:
        raise AssertionError(f"{AXE} is not axe-core 4.14.1 (sha256 {digest})")
    return data.decode("utf-8")


def violations(page: Page, impacts: tuple[str, ...] = ("critical", "serious"),
               include: str | None = None) -> list[dict]:
    """axe-core's violations on the page (or only inside the elements matching the CSS selector
    ``include``, e.g. JupyterLab's output areas) whose impact is one of ``impacts`` (WCAG 2.2 A
    and AA rules and axe's best practices)."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(content=axe_source())
    if include is not None:
        assert page.locator(include).count(), f"nothing on the page matches {include!r} for axe"
    found = page.evaluate("""async (include) => {
        const context = include ? {include: [...document.querySelectorAll(include)]} : document;
        const result = await axe.run(context, {resultTypes: ['violations'], runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')), count: v.nodes.length}));
    }""", include)
    return [v for v in found if v["impact"] in impacts]


def describe(found: list[dict]) -> str:
    """One line per violation, for an assertion message."""
    return "; ".join(f"{v['id']} ({v['impact']}, {v['count']}x: {', '.join(v['targets'][:2])})"
                     for v in found)
