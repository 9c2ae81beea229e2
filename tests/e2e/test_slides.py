"""The slide decks of ``make slides`` (``tools/slides.py``), shown from ``file://`` in Chromium.

The decks are built into a temporary folder from the stored core notebooks, as ``make slides``
builds them. Every request that is not ``file:`` (or ``data:``) is blocked and recorded, and
none may be attempted: reveal.js, its theme and fonts come from the vendored copy beside the decks.

* Every slide of every deck is visited through reveal.js's own API (``Reveal.slide``): it must
  become the current slide, be shown with a non-zero size, and show something (text, a loaded
  image, a figure) besides its speaker notes; every image on it must have loaded. No page error
  or console error may appear on the way.
* Every slider explorer of a deck mounts (``data-status="live"``) and, on its slide, answers
  every slider (``explorers.exercise``: set, arrow keys, a real mouse drag, the start point and
  play) without moving the deck off its slide.
* ``S`` opens the speaker view, offline, with the slide's notes (the prose the slide leaves out).
* axe-core finds no critical or serious violation on any slide of deck 03, nor on the index.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.tools import load_tool

from .a11y import describe, violations
from .conftest import REPO, record, stored_explorers
from .explorers import PageErrors, exercise
from .stills import wait_images
from .test_static_site import offline_page

pytestmark = pytest.mark.e2e
SHOTS = REPO / "build" / "e2e" / "slides"  # one screenshot per slide with D2LITE_SLIDE_SHOTS=1
SLIDES = load_tool("slides")  # tools/slides.py


@pytest.fixture(scope="session")
def decks(chromium_path, tmp_path_factory) -> Path:
    """The decks of the core notebooks (of ``$D2LITE_E2E_NOTEBOOKS`` when set), as ``make slides``."""
    out = tmp_path_factory.mktemp("slides")
    SLIDES.build(Path(os.environ.get("D2LITE_E2E_NOTEBOOKS", REPO / "notebooks")), out)
    return out


def open_deck(new_context, path: Path):
    """The deck at ``path`` in an offline page, once reveal.js reports it ready."""
    page, attempted = offline_page(new_context)
    errors = PageErrors(page)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=15_000)
    return page, attempted, errors


# Every slide that is not a stack of sub-slides, with its indices.
SLIDES_JS = "() => Reveal.getSlides().map((s) => Reveal.getIndices(s))"

# Go to slide (h, v) and describe what it shows, minus its speaker notes.
VISIT_JS = """async ([h, v]) => {
  Reveal.slide(h, v);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const slide = Reveal.getCurrentSlide();
  const at = Reveal.getIndices();
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'
      && getComputedStyle(el).display !== 'none';
  const r = slide.getBoundingClientRect();
  const copy = slide.cloneNode(true);
  copy.querySelectorAll('aside.notes, script, style').forEach((n) => n.remove());
  const images = [...slide.querySelectorAll('img')].filter(shown).map((i) => ({
      complete: i.complete, width: i.naturalWidth, shownWidth: i.getBoundingClientRect().width}));
  const figures = [...slide.querySelectorAll('svg, canvas, math')].filter(shown).length;
  return {at: [at.h, at.v || 0], present: slide.classList.contains('present'), shown: shown(slide),
          width: r.width, height: r.height, text: copy.textContent.trim().slice(0, 80),
          images, figures, notes: slide.querySelectorAll('aside.notes').length,
          scrolls: slide.scrollHeight > slide.clientHeight + 1};
}"""


def deck_names() -> list[str]:
    return list(SLIDES.CORE)


def visit_every_slide(page, name: str) -> tuple[list[str], int]:
    """Visit every slide of the open deck; returns what is wrong and how many slides scroll."""
    wait_images(page)
    indices = page.evaluate(SLIDES_JS)
    bad, scrolling = [], 0
    for index in indices:
        h, v = index["h"], index.get("v") or 0
        seen = page.evaluate(VISIT_JS, [h, v])
        where = f"{name} slide {h}.{v} ({seen['text'][:40]!r})"
        if seen["at"] != [h, v] or not seen["present"]:
            bad.append(f"{where}: Reveal.slide did not make it the current slide ({seen['at']})")
        if not seen["shown"] or seen["width"] <= 0 or seen["height"] <= 0:
            bad.append(f"{where}: not shown ({seen['width']}x{seen['height']})")
        if not (seen["text"] or seen["figures"] or any(i["width"] > 0 for i in seen["images"])):
            bad.append(f"{where}: an empty slide")
        broken = [i for i in seen["images"] if not i["complete"] or i["width"] == 0 or i["shownWidth"] == 0]
        if broken:
            bad.append(f"{where}: {len(broken)} images not loaded or not shown")
        scrolling += seen["scrolls"]
        if os.environ.get("D2LITE_SLIDE_SHOTS") == "1":
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{name}-{h:02d}-{v:02d}.png"))
    print(f"{name}: {len(indices)} slides, {scrolling} of them scroll inside themselves")
    return bad, len(indices)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", deck_names())
def test_every_slide_renders_offline(name, new_context, decks):
    page, attempted, errors = open_deck(new_context, decks / f"{name}.html")
    bad, count = visit_every_slide(page, name)
    assert count >= 5, f"{name}: only {count} slides"
    assert not bad, "; ".join(bad[:10])
    assert not errors.messages, f"{name}: errors in the page: {errors.messages[:5]}"
    assert not attempted, f"{name}: requests beyond file:// were attempted: {attempted[:5]}"


def test_the_checks_catch_an_empty_slide_a_broken_image_and_a_request_out(new_context, tmp_path):
    """A planted deck (its cells' own slideshow metadata): the same checks must fail it."""
    import nbformat

    cells = [nbformat.v4.new_markdown_cell("# Planted"),
             nbformat.v4.new_markdown_cell("", metadata={"slideshow": {"slide_type": "slide"}}),
             nbformat.v4.new_markdown_cell('<img src="https://example.invalid/x.png" alt="from the web">',
                                           metadata={"slideshow": {"slide_type": "slide"}})]
    source = tmp_path / "nbs"
    source.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=cells), source / "90-planted.ipynb")
    SLIDES.build(source, tmp_path / "out", ("90-planted",))
    page, attempted, errors = open_deck(new_context, tmp_path / "out" / "90-planted.html")
    bad, count = visit_every_slide(page, "planted")
    assert count == 3
    assert any("slide 1.0" in b and "empty slide" in b for b in bad), bad
    assert any("slide 2.0" in b and "not loaded" in b for b in bad), bad
    assert set(attempted) == {"https://example.invalid/x.png"}, attempted


def explorer_decks() -> list:
    return [pytest.param(name, stored_explorers(REPO / "notebooks" / f"{name}.ipynb"), id=name)
            for name in SLIDES.CORE if stored_explorers(REPO / "notebooks" / f"{name}.ipynb")]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name, expected", explorer_decks())
def test_explorers_answer_their_sliders_on_their_slides(name, expected, new_context, decks):
    page, attempted, errors = open_deck(new_context, decks / f"{name}.html")
    page.wait_for_function("(n) => document.querySelectorAll('.d2lite-explorer[data-status]').length"
                           " >= n", arg=expected, timeout=15_000)
    statuses = page.eval_on_selector_all(".d2lite-explorer", "(els) => els.map((e) => e.dataset.status)")
    assert statuses == ["live"] * expected, f"{name}: explorer statuses {statuses}"
    for i in range(expected):
        at = page.evaluate("""async (i) => {
            const root = document.querySelectorAll('.d2lite-explorer')[i];
            const slide = root.closest('section');
            const at = Reveal.getIndices(slide);
            Reveal.slide(at.h, at.v);
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
            return [at.h, at.v || 0, Reveal.getCurrentSlide() === slide]; }""", i)
        assert at[2], f"{name}: explorer {i} is not on the slide Reveal shows"
        record(exercise(page, i, errors, "slides", f"{name} slide {at[0]}.{at[1]}"))
        now = page.evaluate("() => { const a = Reveal.getIndices(); return [a.h, a.v || 0]; }")
        assert now == at[:2], f"{name}: using explorer {i} moved the deck from {at[:2]} to {now}"
    page.screenshot(path=str(REPO / "build" / "e2e" / f"slides-{name}-explorer.png"))
    assert not errors.messages, f"{name}: errors in the page: {errors.messages[:5]}"
    assert not attempted, f"{name}: requests beyond file:// were attempted: {attempted[:5]}"


@pytest.mark.timeout(120)
def test_speaker_notes_open_offline_with_the_slides_prose(new_context, decks):
    """``S`` opens reveal.js's speaker view (a pop-up) showing the current slide's notes."""
    page, attempted, errors = open_deck(new_context, decks / "03-the-algorithm.html")
    noted = page.evaluate("""() => { for (const s of Reveal.getSlides()) {
        const n = s.querySelector(':scope > aside.notes');
        if (n && n.textContent.trim().length > 40) { const i = Reveal.getIndices(s);
          Reveal.slide(i.h, i.v); return n.textContent.trim().replace(/\\s+/g, ' ').slice(0, 30); } }
        return null; }""")
    assert noted, "no slide of 03 has speaker notes"
    with page.expect_popup() as popup_info:
        page.keyboard.press("s")
    popup = popup_info.value
    popup.wait_for_function("(t) => { const n = document.querySelector('.speaker-controls-notes');"
                            " return n && n.innerText.replace(/\\s+/g, ' ').includes(t); }",
                            arg=noted[:20], timeout=15_000)
    assert not errors.messages, errors.messages[:5]
    assert not attempted, f"the speaker view asked for {attempted[:5]}"


# axe takes about 1.5 s a slide on the shared 2-core machine (all five decks: 4 minutes), so it
# runs on every slide of the deck that holds every kind of content: prose, maths, code, printed
# numbers, figures, a kernel explorer's still and an in-page explorer.
A11Y_DECKS = ("03-the-algorithm",)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", A11Y_DECKS)
def test_axe_finds_nothing_serious_on_any_slide(name, new_context, decks):
    page, attempted, errors = open_deck(new_context, decks / f"{name}.html")
    found = {}
    for index in page.evaluate(SLIDES_JS):
        h, v = index["h"], index.get("v") or 0
        page.evaluate(VISIT_JS, [h, v])
        bad = violations(page)
        if bad:
            found[f"{h}.{v}"] = describe(bad)
    assert not found, f"{name}: " + " | ".join(f"slide {k}: {v}" for k, v in found.items())
    assert not attempted


@pytest.mark.timeout(60)
def test_axe_finds_nothing_serious_on_the_index(new_context, decks):
    page, attempted = offline_page(new_context)
    page.goto((decks / "index.html").as_uri(), wait_until="load")
    links = page.eval_on_selector_all("a", "(els) => els.map((a) => a.getAttribute('href'))")
    assert links == [f"{name}.html" for name in SLIDES.CORE]
    bad = violations(page)
    assert not bad, describe(bad)
    assert not attempted
