"""Figures carry a text alternative that JupyterLab and nbconvert both show, and the checker
that finds figures without one works on pages and notebooks."""
import sys
from pathlib import Path

import nbformat
import pytest
from matplotlib.figure import Figure

from d2lite.alttext import (PLACEHOLDER, FigureWithAlt, images_missing_alt,
                            notebook_images_missing_alt, show_figure)
from d2lite.explorers.page import algorithm_explorer, preconditioning_explorer, rotation_explorer

ROOT = Path(__file__).resolve().parents[1]


def small_figure() -> Figure:
    fig = Figure(figsize=(2, 1.5))
    fig.subplots().plot([0, 1, 2], [2, 1, 0])
    return fig


def test_the_bundle_is_an_img_with_the_escaped_alt_and_the_png():
    shown = FigureWithAlt.of(small_figure(), 'a line "falling" from 2 to <0>')
    bundle = shown._repr_mimebundle_()
    assert bundle["text/html"].startswith('<img src="data:image/png;base64,')
    assert 'alt="a line &quot;falling&quot; from 2 to &lt;0&gt;"' in bundle["text/html"]
    assert bundle["image/png"] in bundle["text/html"] and bundle["text/plain"].startswith("a line")
    assert images_missing_alt(bundle["text/html"]) == []


@pytest.mark.parametrize("alt", ["", "   ", None, 3])
def test_an_empty_alt_is_refused(alt):
    with pytest.raises(ValueError, match="alt must be a sentence"):
        FigureWithAlt.of(small_figure(), alt)


def test_show_figure_outside_ipython_returns_the_figure_with_its_alt():
    assert show_figure(small_figure(), "three points on a line").alt == "three points on a line"


def test_the_checker_finds_images_without_a_real_alt():
    page = (f'<img src="a.png"><img src="b.png" alt=""><img src="c.png" alt="{PLACEHOLDER}">'
            '<img src="d.png" alt="the loss falls">')
    assert images_missing_alt(page) == ["a.png", "b.png", "c.png"]


def test_the_notebook_checker_flags_bare_pngs_and_passes_figures_with_alt():
    png_only = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=",
                                                            "text/plain": "<Figure>"})
    with_alt = nbformat.v4.new_output("display_data",
                                      data=FigureWithAlt.of(small_figure(), "a line")._repr_mimebundle_())
    html_no_alt = nbformat.v4.new_output("display_data", data={"text/html": '<img src="x.png">'})
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("bare", id="bare", outputs=[png_only]),
        nbformat.v4.new_code_cell("good", id="good", outputs=[with_alt]),
        nbformat.v4.new_code_cell("html", id="html", outputs=[with_alt, html_no_alt])])
    assert notebook_images_missing_alt(nb) == [("bare", 0), ("html", 1)]


@pytest.mark.parametrize("make", [algorithm_explorer, preconditioning_explorer, rotation_explorer])
def test_every_explorer_still_says_what_it_shows(make):
    made = make()
    assert made.alt.startswith("Still of the default setting") and len(made.alt) > 80
    assert images_missing_alt(made.html()) == []


def test_the_static_site_keeps_the_alt_text(tmp_path):
    """The mechanism end to end: nbconvert (tools/render_html.py) writes the alt it was given."""
    sys.path.insert(0, str(ROOT / "tools"))
    from render_html import render_site

    output = nbformat.v4.new_output("display_data",
                                    data=FigureWithAlt.of(small_figure(), "a falling line")._repr_mimebundle_())
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("show()", outputs=[output])])
    nbformat.write(nb, tmp_path / "01-x.ipynb")
    render_site(tmp_path, tmp_path / "site")
    page = (tmp_path / "site" / "01-x.html").read_text(encoding="utf-8")
    assert 'alt="a falling line"' in page and images_missing_alt(page) == []


def test_describe_figure_goes_panel_by_panel_and_skips_colour_bars():
    from matplotlib.cm import ScalarMappable
    from d2lite.alttext import describe_axes, describe_figure
    fig = Figure()
    left, right = fig.subplots(1, 2)
    left.plot([0, 1], [3, 1], label="Adagrad")
    left.set(xlabel="step", ylabel="f", title="two runs")
    right.set(xlabel="x1", ylabel="x2")
    fig.colorbar(ScalarMappable(), ax=right)
    text = describe_figure(fig)
    assert text.startswith("Panel 1: two runs. f against step. Adagrad: from 3 at 0 to 1 at 1.")
    assert "Panel 2: x2 against x1. No line drawn yet." in text and "Panel 3" not in text
    assert describe_axes(right) == "x2 against x1. No line drawn yet."
