"""The static site built from a learner's folder: their scripts never run, a broken file is skipped."""
import sys
from pathlib import Path

import nbformat
import pytest

from tests.tools import load_tool

ROOT = Path(__file__).resolve().parents[1]
render_html = load_tool("render_html")
site_safety = sys.modules["site_safety"]

PAYLOAD = "<script>window.learner_ran = 1</script>"
EXPLORER = '<div class="explorer"></div><script type="module">window.explorer_ran = 1</script>'


def page(outputs, markdown="# A page\n\nWith $x^2$ maths.", raw=None):
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("show()")
    code.outputs = outputs
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), code]
    if raw is not None:
        nb.cells.append(nbformat.v4.new_raw_cell(raw, metadata={"raw_mimetype": "text/html"}))
    return nb


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("site-safety")
    stored, copies, site = base / "notebooks", base / "my-notebooks", base / "site"
    stored.mkdir(), copies.mkdir()
    explorer = [nbformat.v4.new_output("display_data", {"text/html": EXPLORER, "text/plain": "x"})]
    for name in ("01-kept.ipynb", "02-edited.ipynb"):
        nbformat.write(page(explorer), stored / name)
    (copies / "01-kept.ipynb").write_bytes((stored / "01-kept.ipynb").read_bytes())  # unedited copy
    hostile = [nbformat.v4.new_output("display_data", {"text/html": f"<table><tr><td>ok</td></tr></table>{PAYLOAD}"
                                                       '<img src="x" onerror="window.learner_ran=2">',
                                                       "text/plain": "t"}),
               nbformat.v4.new_output("display_data", {"application/javascript": "window.learner_ran = 3",
                                                       "image/svg+xml": f"<svg>{PAYLOAD}</svg>",
                                                       "text/plain": "js"})]
    nbformat.write(page(hostile, markdown=f"# Edited\n\nMaths $x^2$ stays.\n\n{PAYLOAD}", raw=PAYLOAD),
                   copies / "02-edited.ipynb")
    (copies / "03-broken.ipynb").write_text('{"cells": [', encoding="utf-8")       # cut short
    (copies / "04-not-a-notebook.ipynb").write_text('{"nbformat": 4}', encoding="utf-8")
    skipped = []
    render_html.render_site(copies, site, stored, skipped)
    return stored, copies, site, skipped


def test_an_edited_copy_has_its_scripts_escaped_and_its_content_kept(built):
    _, _, site, _ = built
    text = (site / "02-edited.html").read_text()
    assert "learner_ran" not in text.replace("&lt;script&gt;window.learner_ran = 1&lt;/script&gt;", "")
    assert "&lt;script&gt;window.learner_ran = 1&lt;/script&gt;" in text       # shown, not run
    assert "<td>ok</td>" in text and "<h1" in text
    if render_html.latex_to_mathml is not None:
        assert "<math" in text


def test_the_stored_collection_keeps_its_explorer_scripts(built):
    stored, _, site, _ = built
    assert '<script type="module">window.explorer_ran = 1</script>' in (site / "01-kept.html").read_text()
    assert site_safety.is_trusted(stored / "02-edited.ipynb", stored)
    assert not site_safety.is_trusted(built[1] / "02-edited.ipynb", stored)


def test_a_malformed_notebook_is_named_and_skipped_and_the_rest_is_built(built):
    _, copies, site, skipped = built
    assert len(skipped) == 2
    assert str(copies / "03-broken.ipynb") in skipped[0] and str(copies / "04-not-a-notebook.ipynb") in skipped[1]
    assert all("\n" not in reason and "repair" in reason for reason in skipped)
    assert not (site / "03-broken.html").exists() and (site / "02-edited.html").exists()


def test_make_html_reports_a_skipped_notebook_in_one_line_and_fails(built, tmp_path, capsys):
    _, copies, _, _ = built
    assert render_html.main(["--notebooks", str(copies), "--out", str(tmp_path / "out"),
                             "--stored", str(built[0])]) == 1
    err = capsys.readouterr().err
    assert err.count("error: skipped") == 2 and "Traceback" not in err
