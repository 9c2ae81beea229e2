"""The slide decks of ``make slides`` (``tools/slides.py``): the build rule, the overrides, the
vendored reveal.js, and nothing loaded from the internet.

Whether every slide renders in a browser, the explorers move and axe is content is the browser
test's job (``tests/e2e/test_slides.py``).
"""
from __future__ import annotations

import doctest
import hashlib
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

from tests.tools import load_tool
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


slides = load_tool("slides")


def test_doctests_of_slides_run():
    result = doctest.testmod(slides)
    assert result.attempted >= 10 and result.failed == 0


def test_vendored_reveal_is_the_pinned_npm_files_with_their_licences():
    vendor = slides.VENDOR
    sums = (vendor / "SHA256SUMS").read_text().splitlines()
    assert len(sums) >= 8
    for line in sums:
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name
    assert json.loads((vendor / "package.json").read_text())["version"] == "4.6.1"
    assert "MIT" in (vendor / "LICENSE").read_text() or "Permission is hereby granted" in (vendor / "LICENSE").read_text()
    assert "SIL Open Font License" in (vendor / "dist/theme/fonts/source-sans-pro/LICENSE").read_text()


def markdown(source: str, **metadata) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(source, metadata=metadata)


def figure_cell(code: str, **metadata) -> nbformat.NotebookNode:
    out = nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})
    return nbformat.v4.new_code_cell(code, outputs=[out], metadata=metadata)


def printing_cell(code: str, text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(code, outputs=[nbformat.v4.new_output("stream", text=text)])


LONG = "This paragraph is long enough to leave the slide for the notes. " * 15


def sample_notebook() -> nbformat.NotebookNode:
    """A small chapter: navigation, set-up, a title, sections, a figure, printed numbers, long
    prose, and two cells whose own slideshow metadata overrides the rule."""
    cells = [
        markdown("[Contents](00-contents.ipynb)", tags=["nav"]),
        markdown("# A sample chapter\n\nWhat this chapter shows, in one line."),
        nbformat.v4.new_code_cell("import secret_setup_module", metadata={"tags": ["setup"]}),
        markdown("## 1. First section\n\n" + LONG + "\n\n- a point to remember"),
        figure_cell("plot_the_figure_code()"),
        markdown("The figure shows a falling line."),
        printing_cell("# NBVAL_CHECK_OUTPUT\nprint_the_numbers()", "0.25 below 1e-12\n"),
        nbformat.v4.new_code_cell("def helper_without_output(): pass"),
        markdown("## 2. Second section\nShort.\n### A detail\nMore."),
        figure_cell("figure_the_author_shows_with_code()", slideshow={"slide_type": "fragment"}),
        markdown("The author keeps this one off the slides.", slideshow={"slide_type": "skip"}),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def build_sample(tmp_path: Path, nb: nbformat.NotebookNode | None = None) -> BeautifulSoup:
    source = tmp_path / "nbs"
    source.mkdir(parents=True)
    nbformat.write(nb or sample_notebook(), source / "07-sample.ipynb")
    decks = slides.build(source, tmp_path / "out", ("07-sample",))
    assert decks == [tmp_path / "out" / "07-sample.html"]
    return BeautifulSoup(decks[0].read_text(encoding="utf-8"), "html.parser")


def shown(section) -> str:
    """The text a (sub-)slide shows, without its speaker notes."""
    copy = BeautifulSoup(str(section), "html.parser")
    for tag in copy.select("aside.notes, script, style"):
        tag.decompose()
    return copy.get_text(" ", strip=True)


def test_the_rule_makes_slides_subslides_notes_and_hides_figure_code(tmp_path):
    deck = build_sample(tmp_path)
    columns = deck.select("div.slides > section")
    # title, section 1, section 2: one column each (## and # start a slide)
    assert len(columns) == 3, [shown(c)[:40] for c in columns]
    title, first, second = columns
    title = title.select_one(":scope > section")  # nbconvert nests every slide in its column
    assert "A sample chapter" in shown(title) and "in one line" in shown(title)
    text = deck.get_text(" ")
    # navigation, set-up and a code cell without outputs never reach the deck
    assert "Contents" not in text and "secret_setup_module" not in text
    assert "helper_without_output" not in text
    # the figure's code is hidden, its image shown; the printed numbers keep their code
    assert "plot_the_figure_code" not in text
    assert first.select("img[src^='data:image/png']")
    assert "print_the_numbers" in text and "0.25 below 1e-12" in text
    assert "NBVAL_CHECK_OUTPUT" not in text
    # the figure is a sub-slide of section 1, with its caption beside it
    stacks = first.select(":scope > section")
    figure = next(s for s in stacks if s.select("img"))
    assert "The figure shows a falling line." in shown(figure)
    # long prose goes to the speaker notes, the list stays on the slide
    heading = stacks[0]
    assert "First section" in shown(heading) and "a point to remember" in shown(heading)
    assert "long enough" not in shown(heading)
    assert "long enough" in " ".join(n.get_text() for n in heading.select("aside.notes"))
    # a deeper heading inside a cell starts a sub-slide of that section
    assert any(shown(s).startswith("A detail") for s in second.select(":scope > section"))


def test_a_cells_own_slide_type_wins_over_the_rule(tmp_path):
    deck = build_sample(tmp_path)
    text = deck.get_text(" ")
    # the author's fragment keeps its code (the rule would hide it) and is a fragment
    fragment = deck.select_one("div.fragment")
    assert fragment is not None and "figure_the_author_shows_with_code" in fragment.get_text()
    assert "off the slides" not in text
    # and the rule alone, without the override, would have hidden that code
    nb = sample_notebook()
    del nb.cells[9].metadata["slideshow"]
    assert "figure_the_author_shows_with_code" not in build_sample(tmp_path / "again", nb).get_text(" ")


def test_the_notebook_itself_is_not_changed():
    nb = sample_notebook()
    before = json.dumps(nb, sort_keys=True)
    slides.plan(nb)
    assert json.dumps(nb, sort_keys=True) == before


def test_bad_input_is_named():
    cell = markdown("## x", slideshow={"slide_type": "sldie"})
    with pytest.raises(ValueError, match=r"slide_type is 'sldie'; accepted: slide, subslide"):
        slides.slide_type_of(cell)
    only_notes = nbformat.v4.new_notebook(cells=[markdown(LONG)])
    with pytest.raises(ValueError, match="no slide to show"):
        slides.plan(only_notes)


def test_a_missing_notebook_is_named(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match="names: no notebook 99-nothing"):
        slides.build(NOTEBOOKS, tmp_path, ("99-nothing",))
    assert slides.main(["99-nothing", "--out", str(tmp_path)]) == 2
    assert "99-nothing" in capsys.readouterr().err


def local_references(page: BeautifulSoup) -> list[str]:
    """Every URL the page loads by itself: scripts, style sheets, images, CSS url()s."""
    found = [tag.get("src") for tag in page.find_all(src=True)]
    found += [tag.get("href") for tag in page.find_all("link", href=True)]
    for style in page.find_all("style"):
        found += re.findall(r"url\(\s*['\"]?([^'\")]+)", style.get_text())
        found += re.findall(r"@import\s+['\"]([^'\"]+)", style.get_text())
    return found


@pytest.fixture(scope="module")
def core_decks(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("slides")
    slides.build(NOTEBOOKS, out)
    return out


def test_core_decks_load_nothing_from_the_internet_and_every_file_is_there(core_decks):
    assert sorted(p.stem for p in core_decks.glob("0*.html")) == sorted(slides.CORE)
    for name in slides.CORE:
        page = BeautifulSoup((core_decks / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        refs = local_references(page)
        assert "reveal.js/dist/reveal.js" in refs and "reveal.js/plugin/notes/notes.js" in refs
        for ref in refs:
            scheme = urlsplit(ref).scheme
            assert scheme in ("", "data"), f"{name}: loads {ref[:80]}"
            if scheme == "":
                assert (core_decks / ref).is_file(), f"{name}: {ref} is not beside the deck"
        # the theme's own CSS imports stay inside the copy too
        theme = (core_decks / "reveal.js/dist/theme/white.css").read_text()
        for ref in re.findall(r"url\(\s*['\"]?(\./[^'\")?#]+)", theme):
            assert (core_decks / "reveal.js/dist/theme" / ref).is_file() or ref.endswith((".eot", ".ttf"))
        assert page.select("div.reveal div.slides > section"), f"{name}: no slides"


def test_core_decks_hide_the_code_of_every_figure_and_show_the_other_code(core_decks):
    hidden = kept = 0
    for name in slides.CORE:
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        page = BeautifulSoup((core_decks / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        for tag in page.select("script, style"):
            tag.decompose()
        text = page.get_text("")
        for cell in nb.cells:
            planned = slides.plan_cell(cell)
            if cell.cell_type != "code" or not planned or "slideshow" in cell.metadata:
                continue
            line = max(cell.source.splitlines(), key=len).strip()
            if len(line) < 30 or sum(line in c.source for c in nb.cells) > 1:
                continue  # too short, or in another cell too: says nothing about this one
            if slides.HIDE_INPUT in planned[0].metadata.get("tags", []):
                assert line not in text, f"{name}: the hidden code {line!r} is on a slide"
                hidden += 1
            else:
                assert line in text, f"{name}: the code {line!r} is missing from its slide"
                kept += 1
    print(f"{hidden} hidden and {kept} shown code cells checked")
    assert hidden >= 10 and kept >= 10, (hidden, kept)


def test_a_notebook_that_is_not_the_stored_one_has_its_scripts_neutralised(tmp_path):
    nb = sample_notebook()
    nb.cells.insert(2, markdown("<script>window.planted = 1</script>Planted."))
    source, stored = tmp_path / "mine", tmp_path / "stored"
    source.mkdir()
    stored.mkdir()
    nbformat.write(nb, source / "07-sample.ipynb")
    trusted = slides.build(source, tmp_path / "a", ("07-sample",))[0].read_text(encoding="utf-8")
    assert "<script>window.planted = 1</script>" in trusted
    untrusted = slides.build(source, tmp_path / "b", ("07-sample",), stored=stored)[0].read_text(encoding="utf-8")
    assert "<script>window.planted" not in untrusted and "Planted." in untrusted
    assert "reveal.js/dist/reveal.js" in untrusted  # the deck's own scripts still run
