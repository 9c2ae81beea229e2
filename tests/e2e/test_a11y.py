"""WCAG 2.2 AA on everything the project renders, at 1280 px and at 390 px (a phone).

* axe-core 4.14.1 (vendored, ``a11y.py``) over every page of the static site and over the page
  holding every in-page explorer at its defaults (live, built from today's code): no critical or
  serious violation, with every fold open and the explorers mounted.
* On that explorer page: every slider says the value it shows (``aria-valuetext``), every
  control has a name and a 24 px target, the figure's summary is there in words, every image has
  a real alt text, the start point moves by keyboard, and at 390 px the figure's text is at
  least 11 px tall, the panels are stacked and neither the page nor the figure scrolls sideways.
"""
from __future__ import annotations

import pytest

from d2lite.alttext import images_missing_alt

from .a11y import WIDTHS, describe, violations
from .conftest import chapter_notebooks, page_explorer_factories

pytestmark = pytest.mark.e2e
EXPLORERS = "01-page_explorers.html"


def site_pages() -> list[str]:
    return ["index.html", *(f"{p.stem}.html" for p in chapter_notebooks())]


def open_page(new_context, url: str, width: str):
    """``url`` at ``width`` (``WIDTHS``), offline, every fold open, once it has been painted."""
    w, h = WIDTHS[width]
    context = new_context(viewport={"width": w, "height": h})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                  else route.abort())
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    page.evaluate("""() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))""")
    return page


@pytest.mark.timeout(300)
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_axe_finds_nothing_serious_on_the_site(width, new_context, collection_site, fixture_site):
    found = {}
    urls = [(collection_site / name).as_uri() for name in site_pages()]
    urls.append((fixture_site / EXPLORERS).as_uri())
    for url in urls:
        page = open_page(new_context, url, width)
        bad = violations(page)
        if bad:
            found[url.rsplit("/", 1)[-1]] = describe(bad)
        wide = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        if wide > 0:
            found.setdefault(url.rsplit("/", 1)[-1], f"scrolls sideways by {wide} px")
        # every image of the explorers has a real alt text (the notebooks' own figures get
        # theirs in a later pass: d2lite.alttext.notebook_images_missing_alt lists them)
        missing = images_missing_alt("".join(page.eval_on_selector_all(
            ".d2lite-explorer img", "(els) => els.map((e) => e.outerHTML)")))
        if missing:
            found.setdefault(url.rsplit("/", 1)[-1], f"explorer stills without alt text: {missing}")
        page.context.close()  # one page at a time
    assert not found, f"at {width} width: " + " | ".join(f"{k}: {v}" for k, v in found.items())


CONTROLS_JS = """() => (window.d2liteExplorers || []).map((ex) => {
  const text = (el) => (el ? el.textContent.trim() : null);
  const sliders = [...ex.root.querySelectorAll('input[type=range]')].map((el) => ({
    name: el.dataset.name || el.dataset.role, valuetext: el.getAttribute('aria-valuetext'),
    shown: el.dataset.name ? text(el.parentElement.querySelector('.d2lite-value')) : null,
    labelled: el.labels.length > 0 || !!el.getAttribute('aria-label')}));
  const targets = [...ex.root.querySelectorAll('input, button')].map((el) => {
    const r = el.getBoundingClientRect(); return [el.dataset.name || el.dataset.role || el.textContent,
      Math.round(r.width), Math.round(r.height)]; });
  const svg = ex.root.querySelector('[data-role=figure]');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const fonts = [...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  const figure = ex.root.querySelector('.d2lite-figure');
  return {kind: ex.kind, sliders, targets, summary: text(ex.root.querySelector('[data-role=summary]')),
          smallestText: Math.min(...fonts), described: svg.getAttribute('aria-describedby'),
          stacked: ex.state().stacked, sideways: figure.scrollWidth - figure.clientWidth};
})"""


@pytest.mark.timeout(120)
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_explorer_control_speaks_and_fits_a_thumb(width, new_context, fixture_site):
    page = open_page(new_context, (fixture_site / EXPLORERS).as_uri(), width)
    page.wait_for_function("(n) => (window.d2liteExplorers || []).length >= n",
                           arg=len(page_explorer_factories()), timeout=15_000)
    # a log slider says the value it shows (η 0.4), not its log10 position (-0.4) ...
    lr = page.evaluate("() => d2liteExplorers.find((e) => e.kind === 'algorithm').root"
                       ".querySelector('input[data-name=lr]').getAttribute('aria-valuetext')")
    assert lr == "0.4"
    # ... also after a move (then every slider's aria-valuetext is compared with its text)
    page.evaluate("() => d2liteExplorers.find((e) => e.kind === 'algorithm').set('eps', 1e-4)")
    for explorer in page.evaluate(CONTROLS_JS):
        kind = explorer["kind"]
        for slider in explorer["sliders"]:
            assert slider["labelled"], f"{kind}: slider {slider['name']} has no name"
            assert slider["valuetext"], f"{kind}: slider {slider['name']} has no aria-valuetext"
            if slider["shown"] is not None:
                assert slider["valuetext"] == slider["shown"], (kind, slider)
        small = [t for t in explorer["targets"] if min(t[1], t[2]) < 24]
        assert not small, f"{kind}: targets under 24 px at {width}: {small}"
        assert explorer["summary"] and explorer["described"], f"{kind}: no summary in words"
        if width == "phone":
            assert explorer["smallestText"] >= 11, f"{kind}: text {explorer['smallestText']:.1f} px"
            # its panels stacked, the figure fits the screen: nothing scrolls sideways
            assert explorer["stacked"], f"{kind}: panels side by side at 390 px"
            assert explorer["sideways"] <= 0, f"{kind}: the figure scrolls by {explorer['sideways']} px"
    # the start point moves by keyboard: Tab to the "move right" button, press Enter
    for kind in ("preconditioning", "rotation"):
        before = page.evaluate(f"() => d2liteExplorers.find((e) => e.kind === '{kind}').state().start")
        page.focus(f'.d2lite-explorer[data-kind="{kind}"] [data-role="start-right"]')
        page.keyboard.press("Enter")
        after = page.evaluate(f"() => {{ const ex = d2liteExplorers.find((e) => e.kind === '{kind}');"
                              " ex.flush(); return ex.state().start; }")
        assert after != before, f"{kind}: the start did not move from the keyboard"
