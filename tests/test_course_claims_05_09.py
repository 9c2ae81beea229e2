"""What the prose of the concise, cost and successors notebooks, the appendix and the contents page
claims, checked against a fresh computation (issue "A course an instructor can adopt").

Notebooks are found by the end of their file name, so the tests survive renumbering.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "tools"))


def notebook(slug: str) -> nbformat.NotebookNode:
    (path,) = NOTEBOOKS.glob(f"[0-9][0-9]-{slug}.ipynb")
    return nbformat.read(path, as_version=4)


def cell(nb, cell_id: str):
    return next(c for c in nb.cells if c.get("id") == cell_id)


def markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


MINE = ("concise", "cost", "successors", "appendix-engineering")


# -- 09: the successors ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def successors_run():
    """Run the code of the successors notebook (its own cells, set-up aside) in a fresh namespace."""
    nb = notebook("successors")
    namespace: dict = {}
    for c in nb.cells:
        if c.cell_type == "code" and "setup" not in c.metadata.get("tags", []):
            exec(c.source, namespace)
    return namespace


def test_successors_every_best_rate_is_inside_its_grid(successors_run):
    grid, best = successors_run["grid"], successors_run["best_rate"]
    assert set(best) == {"Adagrad", "RMSProp", "Adam"}
    for name, rate in best.items():
        assert grid[0] < rate < grid[-1], f"{name}'s best rate {rate} is at an end of {grid}"


def test_successors_records_every_20_minibatches_and_the_last_at_the_end(successors_run):
    made = successors_run["airfoil_run"](successors_run["Adam"](0.01))
    total = 2 * len(successors_run["y"]) // 10          # 2 epochs of minibatches of 10
    assert made.steps[0] == 0 and made.steps[-1] == total, "the last loss is not the end of training"
    np.testing.assert_array_equal(np.diff(made.steps), 20)
    np.testing.assert_array_equal(made.seen, 10 * made.steps)
    np.testing.assert_array_equal(successors_run["steps"], made.steps)
    drawn = [np.asarray(line.get_xdata(), dtype=float) for ax in successors_run["fig"].axes
             for line in ax.get_lines() if len(line.get_xdata()) > 2]
    assert len(drawn) == 6, "two panels of three curves"
    for x in drawn:
        np.testing.assert_array_equal(x, made.steps)


def test_successors_prose_quotes_the_numbers_it_computes(successors_run):
    """Every number the text of section 3 quotes, from a fresh run of the notebook's cells."""
    ns = successors_run
    nb = notebook("successors")
    same, tuned, caption = cell(nb, "c11").source, cell(nb, "c14").source, cell(nb, "c13-caption").source
    floor, curves, final = ns["floor"], ns["curves"], ns["final_loss"]
    best = {name: final[name][rate] for name, rate in ns["best_rate"].items()}
    # the same rate, 0.01
    assert f"best linear fit, {floor:.3f}" in same
    for name in ("Adam", "RMSProp"):
        assert curves[name][-1] - floor < 0.004, name        # "within 0.004 of the best linear fit"
    assert "within 0.004 of the best linear fit" in same
    assert f"(at {curves['Adam'][-1]:.3f} and {curves['RMSProp'][-1]:.3f})" in same
    assert f"Adagrad is still at {curves['Adagrad'][-1]:.3f}" in same
    rates = ns["end_rate"]
    assert f"({rates['Adagrad']:.3g} against {rates['Adam']:.3g} and {rates['RMSProp']:.3g})" in same
    assert 15 < min(rates["Adam"], rates["RMSProp"]) / rates["Adagrad"] < 30      # "about a twentieth"
    # each at its best rate
    assert ns["best_rate"] == {"Adagrad": 0.1, "RMSProp": 0.01, "Adam": 0.01}
    assert "(0.1, ten times the first comparison's" in tuned
    assert f"ends at {best['Adagrad']:.3f}, next to Adam's {best['Adam']:.3f}" in tuned
    assert all(value > floor for value in best.values())                         # "just above"
    rms = final["RMSProp"]
    assert rms[0.003] > rms[0.01] < rms[0.03]
    assert f"({rms[0.003]:.4f} at 0.003, {rms[0.03]:.4f} at 0.03)" in tuned
    assert max(final, key=lambda name: final[name][1.0]) == "RMSProp"            # "the worst of the three"
    assert (f"at $\\eta = 1$ it ends at {rms[1.0]:.3f},\nthe worst of the three, where Adagrad ends at "
            f"{final['Adagrad'][1.0]:.3f}") in tuned
    early = ns["steps"] <= 50                                                      # "the first 50 minibatches"
    for name in ("RMSProp", "Adam"):
        assert (ns["best_curves"]["Adagrad"][early][1:] < ns["best_curves"][name][early][1:]).all(), name
    assert f"{len(ns['steps'])} records, 0 to {ns['steps'][-1]} minibatches" in caption


def test_successors_prose_names_its_data_and_its_grid():
    nb = notebook("successors")
    text = markdown(nb)
    assert "noise 0.01" not in text
    assert "load_airfoil" in cell(nb, "c08").source and "load_airfoil" in text
    assert "smallest of the grid" not in text


# -- 05 and the appendix: the frameworks ---------------------------------------------------------

def test_tensorflow_size_in_05_is_the_readme_measurement():
    text = markdown(notebook("concise"))
    readme = (ROOT / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| TensorFlow"))
    readme_size = re.search(r"(\d+(?:\.\d+)?) GB", row).group(1)
    sizes = re.findall(r"TensorFlow[^.]*?(\d+(?:\.\d+)?) (?:GB|MB)", text)
    assert sizes and all(size == readme_size for size in sizes), (sizes, readme_size)
    assert "270 MB" not in text


def flip_changes() -> dict[str, float]:
    """Relative change of the tiny coordinate's 5-step distance when epsilon changes side."""
    import d2lite
    import d2lite.book.framework_runs as frameworks
    from d2lite import Adagrad

    runs = frameworks.load_results()["frameworks"]
    changes = {}
    for name, run in runs.items():
        steps = run["steps"]
        preset = Adagrad.preset(frameworks.PRESET_OF[name], **steps["defaults"]["settings"])
        flipped = preset.replace(eps_inside=not preset.eps_inside)
        curvature = np.asarray(steps["curvature"], dtype=steps["dtype"])
        start = np.asarray(steps["start"], dtype=steps["dtype"])
        moved = [abs(d2lite.run(o, lambda w: curvature * w, start, 5).points[5, 1] - start[1])
                 for o in (preset, flipped)]
        changes[name] = abs(moved[1] - moved[0]) / moved[0]
    return changes


def test_eps_relocation_figures_in_the_appendix_are_computed():
    changes = flip_changes()
    for name in ("tensorflow", "keras", "optax"):
        assert 1e-7 < changes[name] < 3e-7, (name, changes[name])  # "about 2e-7"
    assert 2e-3 < changes["torch"] < 4e-3                            # "about 3e-3"
    assert 2.2 < 1 + changes["mxnet"] < 2.4                          # "a factor of about 2.3"
    text = markdown(notebook("appendix-engineering"))
    assert "2 \\times 10^{-7}" in text and "3 \\times 10^{-3}" in text and "about 2.3" in text
    for slug in ("concise", "appendix-engineering"):
        assert "2 \\times 10^{-8}" not in markdown(notebook(slug))
    assert "eps-flip" in {c.get("id") for c in notebook("appendix-engineering").cells}


def test_optax_gap_comes_from_the_half_squared_error():
    import d2lite.book.framework_runs as frameworks
    from d2lite import Adagrad

    runs = frameworks.load_results()["frameworks"]
    torch_losses = np.array(runs["torch"]["concise"]["defaults"]["losses"])
    optax = runs["optax"]["concise"]
    preset = Adagrad.preset(frameworks.PRESET_OF["optax"], **optax["defaults"]["settings"])
    inputs = frameworks.linreg_inputs()
    gap = {scale: np.abs(np.array(frameworks.replay_linreg(preset, inputs, optax["epochs"], scale,
                                                           optax["dtype"])["losses"]) - torch_losses).max()
           for scale in (1.0, 2.0)}
    keras_gap = np.abs(np.array(runs["keras"]["concise"]["defaults"]["losses"]) - torch_losses).max()
    assert optax["gradient_scale"] == 1.0 and runs["keras"]["concise"]["gradient_scale"] == 2.0
    assert gap[1.0] > 2 * gap[2.0]
    assert abs(gap[2.0] - keras_gap) < 1e-4


# -- every notebook of this part: objectives, minutes, figures -----------------------------------

@pytest.mark.parametrize("slug", MINE)
def test_opens_with_objectives_and_minutes(slug):
    nb = notebook(slug)
    minutes = nb.metadata.get("d2lite", {}).get("minutes")
    assert isinstance(minutes, int) and minutes > 0
    body = [c for c in nb.cells if "nav" not in c.metadata.get("tags", [])]
    objectives = [c for c in body[:3] if "objectives" in c.metadata.get("tags", [])]
    assert objectives, "no cell tagged objectives near the top"
    items = re.findall(r"^\d\. ", objectives[0].source, flags=re.M)
    assert 2 <= len(items) <= 4
    assert f"About {minutes} minutes" in objectives[0].source


@pytest.mark.parametrize("slug", MINE)
def test_every_figure_has_alt_text_and_a_caption_under_it(slug):
    from d2lite.alttext import notebook_images_missing_alt

    nb = notebook(slug)
    assert notebook_images_missing_alt(nb) == []
    for i, c in enumerate(nb.cells):
        figures = [o for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
        if figures:
            following = nb.cells[i + 1]
            assert following.cell_type == "markdown" and following.source.startswith("*Figure"), \
                f"{slug}: no caption under the figure of cell {c.get('id')}"
            assert len(re.findall(r"[.!?](?:\s|\*|$)", following.source)) <= 3


@pytest.mark.parametrize("slug", MINE)
def test_no_matplotlib_default_cycle_colours(slug):
    for c in notebook(slug).cells:
        if c.cell_type == "code":
            assert not re.search(r"""["']C\d["']|tab:(blue|orange|green|red)""", c.source), c.get("id")
            assert "plt.show()" not in c.source, f"{c.get('id')}: a figure without alt text"


def test_engineering_material_is_in_the_optional_appendix():
    cost, appendix = notebook("cost"), notebook("appendix-engineering")
    text = markdown(cost)
    assert "goals the collection set" not in text
    assert "Do the sliders answer quickly" not in text and "speed of memory" not in text.split("##")[1]
    assert not any("live-timing" in c.metadata.get("tags", []) for c in cost.cells)
    moved = cell(appendix, "8028a468")
    assert "live-timing" in moved.metadata["tags"] and "nbval-ignore-output" in moved.metadata["tags"]
    assert moved.get("outputs") == []  # a live timing is never stored
    assert appendix.metadata["d2lite"]["optional"] is True
    assert "Five frameworks on the same inputs" not in markdown(notebook("concise"))


def test_cost_bar_charts_colour_each_part_alike():
    nb = notebook("cost")
    assert "cost.plot_epoch(" in cell(nb, "c0e40e06").source
    assert "cost.plot_step_share(" in cell(nb, "b4232858").source
    from d2lite.figures.cost import PART_STYLES
    from d2lite.style import OPTIMIZER_COLOURS
    colours = [look["color"] for look in PART_STYLES.values()]
    assert len(set(colours)) == len(colours)
    assert not {c.lower() for c in colours} & {c.lower() for c in OPTIMIZER_COLOURS.values()}


# -- the contents page -----------------------------------------------------------------------------

def test_contents_lecture_plan_fits_fifty_minutes_and_links_resolve():
    import nav

    contents = nav.contents_notebook()  # notebooks/00-contents.md, its sections as cells
    lecture = cell(contents, "lecture").source
    minutes = [int(m) for m in re.findall(r"\*\* \((\d+) min\)", lecture)]
    assert len(minutes) == len(nav.LECTURE_PLAN) and 40 <= sum(minutes) <= 50
    assert lecture.count("*Stop for a question:*") == len(minutes)
    for link in re.findall(r"\]\(([^)]+\.ipynb)\)", lecture + cell(contents, "self-study").source):
        assert (NOTEBOOKS / link).exists(), link
    assert "30-minute" not in "\n".join(c.source for c in contents.cells)


def test_contents_marks_the_appendix_optional_and_the_solutions_after_the_exercises():
    import nav

    entries = [("09-exercises.ipynb", "06 · Exercises", "the six exercises"),
               ("10-solutions.ipynb", "10 · Worked solutions", "the answers"),
               ("11-appendix-engineering.ipynb", "11 · Engineering notes", "optional extras")]
    cells = nav.contents_cells(entries, [90, 40, 30], [False, False, True],
                               [False, nav.is_solutions(Path(entries[1][0])), False])
    listing, study = cells[0].source, cells[2].source
    solutions_line = next(line for line in listing.splitlines() if "10-solutions" in line)
    assert "after trying the exercises" in solutions_line and solutions_line.endswith("(about 40 minutes)")
    assert "Optional" in next(line for line in listing.splitlines() if "11-appendix" in line)
    assert "about 90 minutes" in listing and "(1 h 30 min)" in listing  # only the exercises count
    assert "only after trying the exercises" in study
    stored = nav.contents_notebook().cells[0].source
    assert "*Optional.*" in next(line for line in stored.splitlines() if "appendix-engineering.ipynb" in line)
