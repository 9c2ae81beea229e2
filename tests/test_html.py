"""The static site (tools/render_html.py): pages, links, slider stills, nothing from the internet.

Two sites are checked the same way: the one rendered from the stored notebooks of the collection
and a small one built here from a notebook of two real in-page explorers (03's and 02's, as
``d2lite.explorers.page`` makes them) and the ipywidgets fixture notebook, with navigation cells and maths
added, so the checks also run (and can fail) when no chapter notebook exists yet.
Which cells are explorer cells is read from the .ipynb files themselves (outputs carrying a widget
view, or HTML holding a ``d2lite-explorer``), never from the renderer.  Whether the in-page
explorers move on the site, or show their still without JavaScript, is the browser test's job
(``tests/e2e/test_static_site.py``).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from bs4 import BeautifulSoup

from tests.tools import load_tool

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
FIXTURES = ROOT / "tests" / "e2e" / "fixtures"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
DEAD_WIDGET = re.compile(r"\b(interactive|VBox|HBox|FloatSlider|IntSlider|FloatLogSlider|Output)\(|"
                         r"model not found|Error displaying widget|Loading widgets")


render_html = load_tool("render_html")
CONTENTS_MARK = load_tool("nav").GENERATED  # the generator's note, which the site leaves out


def slider_cell_ids(path: Path) -> list[str]:
    """Ids of the cells whose stored outputs include a widget view (the explorers)."""
    nb = nbformat.read(path, as_version=4)
    return [cell.id for cell in nb.cells if cell.cell_type == "code"
            and any(WIDGET_VIEW in out.get("data", {}) for out in cell.outputs)]


_PARSED: dict[tuple[Path, int], BeautifulSoup] = {}


def parse(page: Path) -> BeautifulSoup:
    """``page`` parsed, once per content (the checks look at each page several times)."""
    text = page.read_text(encoding="utf-8")
    key = (page, hash(text))
    if key not in _PARSED:
        _PARSED[key] = BeautifulSoup(text, "html.parser")
    return _PARSED[key]


def page_explorer_cell_ids(path: Path) -> list[str]:
    """Ids of the cells whose stored HTML outputs hold an in-page explorer."""
    nb = nbformat.read(path, as_version=4)
    return [cell.id for cell in nb.cells if cell.cell_type == "code"
            and any('class="d2lite-explorer' in str(out.get("data", {}).get("text/html", ""))
                    for out in cell.outputs)]


def hidden_source_cell_ids(path: Path) -> list[str]:
    """Ids of the cells whose source JupyterLab hides (the exercises' solutions)."""
    nb = nbformat.read(path, as_version=4)
    return [c.id for c in nb.cells if c.metadata.get("jupyter", {}).get("source_hidden")]


def hidden_output_cell_ids(path: Path) -> list[str]:
    """Ids of the code cells whose outputs JupyterLab hides (the exercises' solutions)."""
    nb = nbformat.read(path, as_version=4)
    return [c.id for c in nb.cells if c.cell_type == "code"
            and c.metadata.get("jupyter", {}).get("outputs_hidden")]


def broken_links(page: Path) -> list[str]:
    """Relative links and image sources of ``page`` that point to no file (or no anchor)."""
    soup = parse(page)
    broken = []
    for tag, attribute in (("a", "href"), ("img", "src"), ("link", "href"), ("script", "src")):
        for element in soup.find_all(tag):
            target = element.get(attribute)
            if not target or target.startswith(("data:", "mailto:")):
                continue
            parts = urlsplit(target)
            if parts.scheme or parts.netloc:
                continue  # external links are the reader's business, not the page's display
            file = page if not parts.path else (page.parent / unquote(parts.path))
            if not file.is_file():
                broken.append(f"{target} (no file {file.name})")
            elif parts.fragment and file.suffix == ".html":
                ids = {e.get("id") for e in parse(file).find_all(id=True)}
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{target} (no anchor #{parts.fragment} in {file.name})")
    return broken


def remote_resources(page: Path) -> list[str]:
    """Scripts, styles, images or frames the page would fetch from the internet to display."""
    soup = parse(page)
    found = [e.get("src") for e in soup.find_all(["script", "img", "iframe"], src=True)]
    found += [e.get("href") for e in soup.find_all("link", href=True)]
    found += re.findall(r"""import\(["'](https?://[^"']+)""", str(soup))
    return [url for url in found if url and urlsplit(url).scheme in ("http", "https", "")
            and urlsplit(url).netloc]


def check_site(notebook_dir: Path, site: Path) -> None:
    notebooks = sorted(notebook_dir.glob("[0-9]*.ipynb"))
    index = site / "index.html"
    assert index.is_file(), "no index.html"
    pages = [site / f"{p.stem}.html" for p in notebooks]
    contents = [site / f"{p.stem}.html" for p in notebook_dir.glob("00-contents.md")]
    missing = [p.name for p in [*pages, *contents] if not p.is_file()]
    assert not missing, f"pages missing: {missing}"
    for page in [index, *contents, *pages]:
        broken, remote = broken_links(page), remote_resources(page)
        assert not broken, f"{page.name}: broken links {broken}"
        assert not remote, f"{page.name}: loads {remote}"
        soup = parse(page)
        text = soup.get_text(" ")
        assert not DEAD_WIDGET.search(text), \
            f"{page.name}: shows a dead widget or a widget repr: {DEAD_WIDGET.search(text).group(0)!r}"
        assert "$" not in "".join(m.get_text() for m in soup.find_all("math")), page.name
        for details in soup.find_all("details"):
            summary = details.find("summary")
            folded = details.get_text(" ", strip=True)[len(summary.get_text(" ", strip=True)) if summary else 0:]
            assert folded.strip() or details.find(["img", "svg"]) is not None, \
                f"{page.name}: a <details> block folds nothing (its content fell out)"
    for notebook, page in zip(notebooks, pages):
        soup = parse(page)
        for cell_id in hidden_source_cell_ids(notebook):
            cell = soup.find(id=f"cell-id={cell_id}")
            assert cell is not None, f"{page.name}: hidden-source cell {cell_id} is missing"
            folded = cell.find_parent("details") or cell.select_one("details .jp-InputArea")
            assert folded is not None, f"{page.name}: cell {cell_id} (a solution?) is not folded"
        for cell_id in hidden_output_cell_ids(notebook):
            cell = soup.find(id=f"cell-id={cell_id}")
            assert cell is not None, f"{page.name}: hidden-output cell {cell_id} is missing"
            for area in cell.select(".jp-OutputArea"):
                if area.select_one(".d2lite-explorer"):  # an explorer is never folded away
                    assert area.find_parent("details") is None, \
                        f"{page.name}: the explorer of cell {cell_id} is inside a fold"
                    continue
                assert area.find_parent("details") is not None, \
                    f"{page.name}: the outputs of cell {cell_id} (a solution?) are not folded"
        for summary in soup.select("details.d2lite-folded > summary"):  # labelled by what it holds
            assert "hidden" not in summary.get_text() and ":" in summary.get_text(), \
                f"{page.name}: a fold labelled {summary.get_text()!r}"
        assert not soup.select("details .d2lite-explorer"), f"{page.name}: an explorer inside a fold"
        for cell_id in slider_cell_ids(notebook):
            cell = soup.find(id=f"cell-id={cell_id}")
            assert cell is not None, f"{page.name}: slider cell {cell_id} is missing"
            images = [img for img in cell.select(".jp-OutputArea img")
                      if img.get("src", "").startswith("data:image/png;base64,")]
            assert images, f"{page.name}: slider cell {cell_id} shows no still image"
        for cell_id in page_explorer_cell_ids(notebook):
            cell = soup.find(id=f"cell-id={cell_id}")
            assert cell is not None, f"{page.name}: explorer cell {cell_id} is missing"
            explorers = cell.select(".d2lite-explorer")
            assert explorers, f"{page.name}: explorer cell {cell_id} lost its explorer"
            for explorer in explorers:
                stills = [img for img in explorer.find_all("img")
                          if img.get("src", "").startswith("data:image/png;base64,")]
                assert stills, f"{page.name}: an explorer of cell {cell_id} has no still image"
                assert explorer.find("script", attrs={"type": "module"}), \
                    f"{page.name}: an explorer of cell {cell_id} lost its script"


def nav(prev: str | None, nxt: str | None) -> nbformat.NotebookNode:
    parts = ([f"[< previous]({prev})"] if prev else []) + ["[Contents](00-contents.md)"] + \
        ([f"[next >]({nxt})"] if nxt else [])
    cell = nbformat.v4.new_markdown_cell(" | ".join(parts))
    cell.metadata["tags"] = ["nav"]
    return cell


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    """A three-page collection made from the fixture notebooks, rendered by render_html."""
    source = tmp_path_factory.mktemp("notebooks")
    names = ["01-page-explorers.ipynb", "02-two-explorers.ipynb"]
    page_explorers = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "# In-page explorers\n\nTwo explorers, stored as a run leaves them.")])
    cell = nbformat.v4.new_code_cell("display(explorers)")
    from d2lite.explorers import page
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": make().html(),
                                                                   "text/plain": "explorer"})
                    for make in (page.algorithm_explorer, page.preconditioning_explorer)]
    page_explorers.cells.append(cell)
    nbformat.write(page_explorers, source / names[0])
    shutil.copy(FIXTURES / "two_explorers.ipynb", source / names[1])
    for i, name in enumerate(names):
        nb = nbformat.read(source / name, as_version=4)
        top = nav(names[i - 1] if i else None, names[i + 1] if i + 1 < len(names) else None)
        maths = nbformat.v4.new_markdown_cell(
            r"The update is $\mathbf{s}_t = \mathbf{s}_{t-1} + \mathbf{g}_t^2$ and"
            "\n\n$$\\mathbf{x}_t = \\mathbf{x}_{t-1} - \\frac{\\eta}{\\sqrt{\\mathbf{s}_t + "
            "\\epsilon}} \\odot \\mathbf{g}_t.$$\n\nSee [the first section](#A-section) and "
            f"[the other page]({names[1 - i]}#{'In-page-explorers' if i else 'Two-explorers:-log,-integer-and-float-sliders'}).")
        bottom = nbformat.from_dict(top)  # a copy, so that each cell keeps its own id
        hidden = {"jupyter": {"source_hidden": True, "outputs_hidden": True}, "tags": ["solution"]}
        printed = nbformat.v4.new_output("stream", name="stdout", text="42\n")
        solution = [nbformat.v4.new_markdown_cell("The answer is 42.", metadata={"jupyter": {"source_hidden": True}}),
                    nbformat.v4.new_code_cell("answer = 42\nprint(answer)", metadata=hidden, outputs=[printed])]
        question = nbformat.v4.new_markdown_cell(
            "**1.** A question?\n\n<details><summary>Answer</summary>\n\nThe *answer*, "
            "$\\sqrt{s_t}$.\n\n</details>\n\n**2.** Another question?")
        nb.cells = [top, *nb.cells, maths, nbformat.v4.new_markdown_cell("## A section"), *solution, question,
                    bottom]
        for j, cell in enumerate(nb.cells):
            cell.id = f"c{j}"
        nbformat.write(nb, source / name)
    (source / "00-contents.md").write_text(  # the contents page is Markdown, as tools/nav.py writes it
        "# Contents\n\n" + "\n".join(f"1. [{n}]({n}): a fixture" for n in names)
        + "\n\n## References\n\n* [a book](https://example.org/book.html)\n\n" + CONTENTS_MARK + "\n",
        encoding="utf-8")
    site = tmp_path_factory.mktemp("site")
    render_html.render_site(source, site)
    return source, site


def test_fixture_site_passes_every_check(fixture_site):
    source, site = fixture_site
    check_site(source, site)
    assert (site / "index.html").read_text() == (site / "00-contents.html").read_text()
    assert not (site / "00-contents.md").exists() and not list(source.glob("00-*.ipynb"))
    assert len(slider_cell_ids(source / "02-two-explorers.ipynb")) == 2
    assert len(page_explorer_cell_ids(source / "01-page-explorers.ipynb")) == 1


def test_markdown_contents_page_looks_like_the_notebook_pages(fixture_site):
    """The contents page (Markdown) goes through the notebooks' template: same page frame and
    styles, a title, a cell per ``## `` section, links to pages, and the generator's comment gone."""
    _, site = fixture_site
    contents = BeautifulSoup((site / "00-contents.html").read_text(), "html.parser")
    chapter = BeautifulSoup((site / "01-page-explorers.html").read_text(), "html.parser")
    assert contents.title.get_text() == "Contents"
    assert contents.html.get("lang") == chapter.html.get("lang")
    # the page's own styles (an explorer's output brings styles of its own into the body)
    assert contents.head.find_all("style")
    assert [style.get_text() for style in contents.head.find_all("style")] == \
        [style.get_text() for style in chapter.head.find_all("style")]
    cells = contents.select(".jp-Cell.jp-MarkdownCell")
    assert [c.get("id") for c in cells] == ["cell-id=contents", "cell-id=references"]
    assert contents.select(".jp-CodeCell") == []
    hrefs = [a["href"] for a in contents.find_all("a", href=True) if not a["href"].startswith("#")]
    assert hrefs == ["01-page-explorers.html", "02-two-explorers.html", "https://example.org/book.html"]
    assert "Written by" not in str(contents)


def test_notebook_links_point_to_pages_and_maths_is_mathml(fixture_site):
    _, site = fixture_site
    soup = BeautifulSoup((site / "02-two-explorers.html").read_text(), "html.parser")
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert "01-page-explorers.html" in hrefs and "00-contents.html" in hrefs
    assert not [h for h in hrefs if ".ipynb" in h]
    if render_html.latex_to_mathml is not None:
        assert soup.find("math", attrs={"display": "block"}) is not None
        assert soup.find("mfrac") is not None and soup.find("msqrt") is not None


def test_folded_answers_keep_their_markdown_inside_details(fixture_site):
    _, site = fixture_site
    soup = BeautifulSoup((site / "01-page-explorers.html").read_text(), "html.parser")
    answers = [d for d in soup.find_all("details") if d.find("summary").get_text() == "Answer"]
    assert len(answers) == 1
    assert answers[0].find("em").get_text() == "answer"
    if render_html.latex_to_mathml is not None:
        assert answers[0].find("msqrt") is not None
    assert "Another question" not in answers[0].get_text()


def test_checks_catch_broken_links_dead_widgets_and_missing_stills(fixture_site, tmp_path):
    source, site = fixture_site
    bad = tmp_path / "site"
    shutil.copytree(site, bad)
    page = bad / "02-two-explorers.html"
    good = page.read_text()
    page.write_text(good.replace('href="01-page-explorers.html"', 'href="01-page-explorer.html"', 1))
    with pytest.raises(AssertionError, match="broken links"):
        check_site(source, bad)
    page.write_text(good.replace("data:image/png;base64,", "data:image/gif;base64,"))
    with pytest.raises(AssertionError, match="no still image"):
        check_site(source, bad)
    page.write_text(good.replace("</body>", "<pre>VBox(children=(FloatSlider(value=1.0)))</pre></body>"))
    with pytest.raises(AssertionError, match="dead widget"):
        check_site(source, bad)
    page.write_text(good.replace("</head>", '<script src="https://cdn.example/x.js"></script></head>'))
    with pytest.raises(AssertionError, match="loads"):
        check_site(source, bad)
    page.write_text(good.replace('<details class="d2lite-folded">', "<div>").replace("</details>", "</div>"))
    with pytest.raises(AssertionError, match="not folded"):
        check_site(source, bad)
    page.write_text(good)
    first = bad / "01-page-explorers.html"
    explorers = first.read_text()
    first.write_text(explorers.replace('type="module"', 'type="text/plain"'))
    with pytest.raises(AssertionError, match="lost its script"):
        check_site(source, bad)
    first.write_text(explorers.replace('src="data:image/png;base64,', 'src="data:image/gif;base64,'))
    with pytest.raises(AssertionError, match="has no still image"):
        check_site(source, bad)


def test_slider_outputs_keep_the_image_and_drop_the_widget_view():
    cell = nbformat.v4.new_code_cell("explorer")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={
        WIDGET_VIEW: {"model_id": "abc", "version_major": 2, "version_minor": 0},
        "image/png": "iVBORw0KGgo=", "text/plain": "Explorer with sliders: a."}, execution_count=1)]
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={"widgets": {"state": {}}})
    nb, _ = render_html.StaticSitePreprocessor().preprocess(nb, {})
    image, caption = nb.cells[0].outputs
    assert set(image.data) == {"image/png"}
    assert caption.data["text/html"] == '<p class="d2lite-still-caption">Explorer with sliders: a.</p>'
    assert "widgets" not in nb.metadata


def test_aligned_maths_becomes_a_well_formed_table():
    if render_html.latex_to_mathml is None:
        pytest.skip("latex2mathml is not installed")
    from xml.etree import ElementTree

    tex = r"\begin{aligned} a &= b + c,\\ d &\le e \end{aligned} \qquad f = 0"
    root = ElementTree.fromstring(render_html.tex_to_mathml(tex, "block"))
    ns = "{http://www.w3.org/1998/Math/MathML}"
    rows = root.findall(f".//{ns}mtr")
    assert len(rows) == 2 and all(len(r.findall(f"{ns}mtd")) == 2 for r in rows)
    assert "&" not in "".join(root.itertext())
    assert render_html.tex_to_mathml(r"\frac{1}{", "inline") is None  # malformed: caller shows TeX


@pytest.mark.parametrize("text, expected", [
    ("[next](02-b.ipynb)", "[next](02-b.html)"),
    ("[s](02-b.ipynb#A-section) and [c](00-contents.ipynb)", "[s](02-b.html#A-section) and [c](00-contents.html)"),
    ("[Contents](00-contents.md) | [next](01-a.ipynb)", "[Contents](00-contents.html) | [next](01-a.html)"),
    ('<a href="./00-contents.md#Top">c</a>', '<a href="./00-contents.html#Top">c</a>'),
    ("[r](../benchmarks/RESULTS.md) [readme](README.md)", "[r](../benchmarks/RESULTS.md) [readme](README.md)"),
    ("[web](https://example.org/00-contents.md)", "[web](https://example.org/00-contents.md)"),
    ('<a href="01-a.ipynb">a</a>', '<a href="01-a.html">a</a>'),
    ("[web](https://example.org/x.ipynb)", "[web](https://example.org/x.ipynb)"),
])
def test_ipynb_links_are_rewritten_only_when_relative(text, expected):
    assert render_html.ipynb_links_to_html(text) == expected


@pytest.fixture(scope="module")
def collection_site(tmp_path_factory):
    if not sorted(NOTEBOOKS.glob("[0-9]*.ipynb")):
        pytest.skip("no notebooks in notebooks/ yet")
    site = tmp_path_factory.mktemp("collection-site")
    render_html.render_site(NOTEBOOKS, site)
    return site


def test_collection_site(collection_site):
    check_site(NOTEBOOKS, collection_site)
