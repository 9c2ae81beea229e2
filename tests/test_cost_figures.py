"""The cost benchmarks' charts (d2lite.figures.cost), drawn from the stored numbers the notebooks
read: one artist per measured item, at the stored value, in the collection's colours, labelled,
and nothing that is not a finite number drawn without a note on the axes."""
from __future__ import annotations

import copy
import math

import matplotlib.colors as mcolors
import numpy as np
import pytest

from d2lite.book.results import load_benchmarks
from d2lite.figures import cost
from d2lite.style import OPTIMIZER_COLOURS, OTHER_COLOURS, colour_of, new_figure, nonfinite_lines, style_of

PLOTTERS = [(1, cost.plot_epoch, cost.epoch_alt), (2, cost.plot_step_share, cost.step_share_alt),
            (3, cost.plot_sparse, cost.sparse_alt), (4, cost.plot_update, cost.update_alt),
            (4, cost.plot_anatomy, cost.anatomy_alt), (5, cost.plot_explorers, cost.explorers_alt),
            (6, cost.plot_full_matrix, cost.full_matrix_alt),
            (7, cost.plot_kernel_latency, cost.kernel_latency_alt)]
IDS = [plotter.__name__ for _, plotter, _ in PLOTTERS]


@pytest.fixture(scope="module")
def stored():
    return load_benchmarks()


def hexes(artists, face=True):
    return [mcolors.to_hex(a.get_facecolor() if face else a.get_color()) for a in artists]


def drawn(plotter, data):
    fig, ax = new_figure(figsize=(7.5, 3.4))
    assert plotter(data, ax=ax) is ax
    fig.canvas.draw()
    return ax


def test_the_docstring_examples_run():
    from tests.test_docstrings import test_docstring_examples_run
    test_docstring_examples_run(cost)


@pytest.mark.parametrize("item, plotter, alt", PLOTTERS, ids=IDS)
def test_every_chart_is_labelled_and_draws_nothing_non_finite(stored, item, plotter, alt):
    ax = drawn(plotter, cost.item_data(stored, item))
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert nonfinite_lines(ax.figure) == [] and not ax.texts  # no note: the stored numbers are finite
    text = alt(cost.item_data(stored, item))
    assert len(text) > 80 and "nan" not in text.lower()


@pytest.mark.parametrize("item, plotter, alt", PLOTTERS, ids=IDS)
def test_without_ax_a_new_pyplot_figure_with_ax_that_one(stored, item, plotter, alt):
    import matplotlib.pyplot as plt
    before = set(plt.get_fignums())
    ax = plotter(cost.item_data(stored, item))
    assert set(plt.get_fignums()) - before == {ax.figure.number}
    fig, given = new_figure()
    assert plotter(cost.item_data(stored, item), ax=given) is given and given.figure is fig
    assert set(plt.get_fignums()) - before == {ax.figure.number}  # no second pyplot figure


def test_epoch_one_bar_part_per_loop_at_the_stored_milliseconds(stored):
    data = cost.item_data(stored, 1)
    ax = drawn(cost.plot_epoch, data)
    loops = list(data["breakdown_seconds_per_epoch"])
    assert [t.get_text() for t in ax.get_yticklabels()] == loops
    assert len(ax.patches) == len(cost.PART_STYLES) * len(loops)
    widths = np.array([bar.get_width() for bar in ax.patches]).reshape(len(cost.PART_STYLES), len(loops))
    for j, loop in enumerate(loops):
        parts = data["breakdown_seconds_per_epoch"][loop]
        assert widths[:, j] == pytest.approx([1e3 * parts["data loading"], 1e3 * parts["forward + backward + loop"],
                                              1e3 * parts["optimizer update"]])
    colours = hexes(ax.patches)
    expected = [look["color"] for look in cost.PART_STYLES.values() for _ in loops]
    assert colours == [mcolors.to_hex(c) for c in expected]
    assert not set(colours) & set(OPTIMIZER_COLOURS.values())  # parts are not optimizers
    assert len(set(colours)) == len(cost.PART_STYLES)  # one colour per part, alike in every bar
    assert [str(bar.get_hatch()) for bar in ax.patches[::len(loops)]] == ["//", "", ".."]
    assert ax.get_legend_handles_labels()[1] == list(cost.PART_STYLES)


def test_step_share_stacks_each_optimizers_parts(stored):
    data = cost.item_data(stored, 2)
    ax = drawn(cost.plot_step_share, data)
    names = list(data["lenet_breakdown_ms"])
    assert [t.get_text() for t in ax.get_yticklabels()] == names
    steps = [bar.get_width() for bar in ax.patches[-len(names):]]
    assert steps == pytest.approx([data["lenet_breakdown_ms"][n]["step"] for n in names])
    total = [bar.get_x() + bar.get_width() for bar in ax.patches[-len(names):]]
    assert total == pytest.approx([sum(data["lenet_breakdown_ms"][n].values()) for n in names])


def test_step_share_says_why_it_was_skipped():
    ax = cost.plot_step_share({"skip_reason": "no digits"}, ax=new_figure()[1])
    assert ax.texts[0].get_text() == "skipped: no digits" and not ax.patches
    assert "skipped" in cost.step_share_alt({"skip_reason": "no digits"})


def test_sparse_both_embeddings_are_adagrad_told_apart_by_dash(stored):
    data = cost.item_data(stored, 3)
    ax = drawn(cost.plot_sparse, data)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines) == ["dense embedding", "sparse embedding", "proportional to V"]
    assert hexes([lines["dense embedding"], lines["sparse embedding"]], face=False) == [colour_of("Adagrad")] * 2
    assert lines["dense embedding"].get_linestyle() != lines["sparse embedding"].get_linestyle()
    assert mcolors.to_hex(lines["proportional to V"].get_color()) in OTHER_COLOURS
    for kind in ("dense", "sparse"):
        expected = [1e3 * data["per_vocab"][str(v)]["median_iteration"][kind] for v in data["vocab_sizes"]]
        assert list(lines[f"{kind} embedding"].get_ydata()) == pytest.approx(expected)
    assert ax.get_xscale() == ax.get_yscale() == "log"


def test_update_one_adagrad_line_per_update_and_the_copy(stored):
    data = cost.item_data(stored, 4)
    ax = drawn(cost.plot_update, data)
    names = list(data["per_size"][str(data["sizes"][0])]["achieved_GBps"])
    *updates, copy_line = ax.get_lines()
    assert [line.get_label() for line in updates] == names
    assert set(hexes(updates, face=False)) == {colour_of("Adagrad")}
    looks = {(line.get_marker(), str(line.get_linestyle())) for line in updates}
    assert len(looks) == len(updates)  # colour is not the only difference
    assert mcolors.to_hex(copy_line.get_color()) == OTHER_COLOURS[0] and copy_line.get_linestyle() == "--"
    fused = next(line for line in updates if line.get_label() == "torch fused")
    assert list(fused.get_ydata()) == pytest.approx(
        [data["per_size"][str(n)]["achieved_GBps"]["torch fused"] for n in data["sizes"]])


def test_anatomy_one_bar_per_operation_the_copy_not_in_an_optimizer_colour(stored):
    data = cost.item_data(stored, 4)
    ax = drawn(cost.plot_anatomy, data)
    anatomy = data["scratch_anatomy_ms"]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == list(anatomy)[::-1] and len(ax.patches) == len(anatomy)
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([anatomy[n] for n in labels])
    colour = dict(zip(labels, hexes(ax.patches)))
    assert colour.pop("copy") == OTHER_COLOURS[0]
    assert set(colour.values()) == {colour_of("Adagrad")}


def test_explorers_three_bars_each_and_the_frame(stored):
    data = cost.item_data(stored, 5)
    ax = drawn(cost.plot_explorers, data)
    measured = [n for n, e in data["explorers"].items() if "p95_ms" in e]
    assert len(ax.patches) == 3 * len(measured)
    p95 = ax.patches[len(measured):2 * len(measured)]
    assert [bar.get_width() for bar in p95] == pytest.approx([data["explorers"][n]["p95_ms"] for n in measured])
    assert not set(hexes(ax.patches)) & set(OPTIMIZER_COLOURS.values())
    assert len(set(hexes(ax.patches))) == 3
    (frame,) = ax.get_lines()
    assert list(frame.get_xdata()) == [data["goal_ms"]] * 2
    assert f"{len(measured)} explorers" in cost.explorers_alt(data)


def test_explorers_with_none_measured_say_so():
    ax = cost.plot_explorers({"explorers": {"x": {"error": "no Chromium"}}}, ax=new_figure()[1])
    assert ax.texts[0].get_text() == "no explorer measured" and not ax.patches


def test_full_matrix_each_optimizer_in_its_own_colour_and_dash(stored):
    data = cost.item_data(stored, 6)
    ax = drawn(cost.plot_full_matrix, data)
    lines = {line.get_label(): line for line in ax.get_lines()}
    for name in ("Adagrad", "full-matrix Adagrad"):
        line = lines[f"{name} (measured)"]
        assert mcolors.to_hex(line.get_color()) == style_of(name)["color"]
        assert line.get_linestyle() == ax.plot([], [], linestyle=style_of(name)["linestyle"])[0].get_linestyle()
    assert list(lines["full-matrix Adagrad (measured)"].get_ydata()) == pytest.approx(
        [1e3 * data["per_d"][str(d)]["median_update_seconds"]["full matrix"] for d in data["dims"]])
    slope = np.diff(np.log(lines["proportional to d³"].get_ydata())) / np.diff(np.log(data["dims"]))
    assert slope == pytest.approx(3.0)


def test_kernel_latency_one_point_per_event(stored):
    data = cost.item_data(stored, 7)
    ax = drawn(cost.plot_kernel_latency, data)
    points, goal = ax.get_lines()
    assert len(points.get_xdata()) == len(data["ms"]) and list(goal.get_ydata()) == [data["goal_ms"]] * 2


@pytest.mark.parametrize("item, plotter, path", [
    (3, cost.plot_sparse, ("per_vocab", "10000", "median_iteration", "sparse")),
    (4, cost.plot_update, ("per_size", "1000000", "achieved_GBps", "torch fused")),
    (4, cost.plot_anatomy, ("scratch_anatomy_ms", "copy")),
    (1, cost.plot_epoch, ("breakdown_seconds_per_epoch", "train_scratch", "optimizer update")),
    (5, cost.plot_explorers, ("explorers", "rotation_explorer", "max_ms")),
    (6, cost.plot_full_matrix, ("per_d", "8", "median_update_seconds", "diagonal")),
    (7, cost.plot_kernel_latency, ("ms", 3)),
], ids=["sparse", "update", "anatomy", "epoch", "explorers", "full matrix", "kernel latency"])
def test_a_value_that_is_not_finite_is_left_out_with_a_note(stored, item, plotter, path):
    data = copy.deepcopy(cost.item_data(stored, item))
    entry = data
    for key in path[:-1]:
        entry = entry[key]
    entry[path[-1]] = math.nan
    ax = drawn(plotter, data)
    assert nonfinite_lines(ax.figure) == []
    assert any("not drawn" in text.get_text() for text in ax.texts), "no note on the axes"
    widths = [bar.get_width() for bar in ax.patches]
    assert all(math.isfinite(w) for w in widths)


def test_bad_input_names_the_argument_and_what_it_needs(stored):
    with pytest.raises(ValueError, match=r"data must be item 4's .* lacks \['per_size'\]"):
        cost.plot_update({"sizes": [1]})
    with pytest.raises(TypeError, match="data must be item 6's"):
        cost.plot_full_matrix([1, 2, 3])
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        cost.plot_full_matrix(cost.item_data(stored, 6), ax="left")
    with pytest.raises(ValueError, match=r"item must be one of the stored items \[1, 2"):
        cost.item_data(stored, 99)
    with pytest.raises(ValueError, match="parts of 'loop' must be among"):
        cost.plot_epoch({"breakdown_seconds_per_epoch": {"loop": {"warm-up": 1.0}}})
