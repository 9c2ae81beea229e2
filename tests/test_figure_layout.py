"""Every plot helper of the collection labels its axes, keeps its legend off the data, and draws
non-optimizer lines in the non-optimizer palette (d2lite.style.OTHER_COLOURS), never in
matplotlib's default cycle."""
import matplotlib
import matplotlib.colors as mcolors
import numpy as np
import pytest

from d2lite.style import OPTIMIZER_COLOURS, OTHER_COLOURS, new_figure

DEFAULT_CYCLE = {mcolors.to_hex(c) for c in matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]}


@pytest.fixture(scope="module")
def sparse():
    from d2lite.problems.sparse.data import make_sparse_regression
    from d2lite.problems.sparse.rules import RATE_RULES, grid_search
    data = make_sparse_regression(num_features=200, num_examples=2000, num_test=200, seed=0)
    run = grid_search(data, RATE_RULES["count"], [0.03, 0.1, 0.3, 1.0], offsets=[1, 10, 100])
    adagrad = grid_search(data, RATE_RULES["adagrad"], [0.1, 0.3, 1.0])
    return data, run, adagrad


def _figures(sparse):
    from d2lite.book.plotting import show_trace_2d
    from d2lite.book.trace2d import adagrad_2d_rule, gd_2d, train_2d
    from d2lite.figures import plots
    from d2lite.figures import sparse as sparse_figures
    from d2lite import Adagrad, f_2d_grad, run as run_optimizer
    data, run, adagrad = sparse
    yield "effective rates", lambda ax: plots.plot_effective_rates(
        run_optimizer(Adagrad.preset("book", lr=0.4), lambda x: f_2d_grad(*x), [-5.0, -2.0], 20), ax=ax)
    yield "gershgorin", lambda ax: plots.plot_gershgorin([[2.0, 0.5], [0.5, 1.0]], ax=ax)
    yield "loss curves", lambda ax: plots.plot_loss_curves(
        {"minibatch SGD": [0.5, 0.4, 0.35], "Adagrad": [0.6, 0.3, 0.28], "κ = 10": [0.7, 0.5, 0.2]},
        num_examples=400, floor=0.25, ax=ax)
    yield "rate grid", lambda ax: sparse_figures.plot_rate_grid(run, ax=ax)
    yield "sparse loss curves", lambda ax: sparse_figures.plot_sparse_loss_curves(
        [(run, int(run.best())), (adagrad, int(adagrad.best()))], ax=ax)
    yield "median errors", lambda ax: sparse_figures.plot_median_errors(
        data, [(run, int(run.best())), (adagrad, int(adagrad.best()))], ax=ax)
    yield "trace 2d", lambda ax: show_trace_2d(
        lambda a, b: 0.1 * a * a + 2 * b * b,
        {"Adagrad": train_2d(adagrad_2d_rule(0.4), verbose=False),
         "gradient descent": train_2d(gd_2d(0.4), verbose=False)}, ax=ax)
    from d2lite.book.results import load_benchmarks
    from d2lite.figures import cost
    stored = load_benchmarks()   # the cost benchmarks' charts, from the stored numbers
    for item, plotter in ((1, cost.plot_epoch), (2, cost.plot_step_share), (3, cost.plot_sparse),
                          (4, cost.plot_update), (4, cost.plot_anatomy), (5, cost.plot_explorers),
                          (6, cost.plot_full_matrix), (7, cost.plot_kernel_latency)):
        yield plotter.__name__, lambda ax, item=item, plotter=plotter: plotter(cost.item_data(stored, item), ax=ax)


def _draw(make):
    fig, ax = new_figure(figsize=(4.5, 3.2))
    make(ax)
    fig.canvas.draw()
    return fig, ax


def test_every_helper_is_covered(sparse):
    assert len(list(_figures(sparse))) == 15


@pytest.mark.parametrize("which", range(15))
def test_legends_never_cover_data_and_axes_are_labelled(sparse, which):
    name, make = list(_figures(sparse))[which]
    fig, ax = _draw(make)
    assert ax.get_xlabel() and ax.get_ylabel(), f"{name}: an axis has no label"
    legend = ax.get_legend()
    if legend is None:
        return
    box = legend.get_window_extent()
    for line in ax.get_lines():
        xy = np.column_stack([np.asarray(v, dtype=float) for v in line.get_data()])
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if len(xy) == 0:
            continue
        pixels = ax.transData.transform(xy)
        inside = ((pixels[:, 0] >= box.x0) & (pixels[:, 0] <= box.x1)
                  & (pixels[:, 1] >= box.y0) & (pixels[:, 1] <= box.y1))
        assert not inside.any(), f"{name}: the legend covers {inside.sum()} point(s) of {line.get_label()}"


@pytest.mark.parametrize("which", range(15))
def test_no_line_takes_matplotlibs_default_colours(sparse, which):
    name, make = list(_figures(sparse))[which]
    fig, ax = _draw(make)
    for line in ax.get_lines():
        colour = mcolors.to_hex(line.get_color())
        assert colour not in DEFAULT_CYCLE, f"{name}: {line.get_label()} is drawn in {colour}"


def test_the_rate_grid_colours_its_offsets_from_the_other_palette(sparse):
    _, run, _ = sparse
    from d2lite.figures.sparse import plot_rate_grid
    ax = plot_rate_grid(run, ax=new_figure()[1])
    colours = {line.get_label(): mcolors.to_hex(line.get_color()) for line in ax.get_lines()
               if line.get_label().startswith("c = ")}
    assert colours == {"c = 1": OTHER_COLOURS[0], "c = 10": OTHER_COLOURS[1], "c = 100": OTHER_COLOURS[2]}
    assert not set(colours.values()) & set(OPTIMIZER_COLOURS.values())


def test_gershgorin_discs_take_the_other_palette():
    from d2lite.figures.plots import plot_gershgorin
    ax = plot_gershgorin(np.diag([1.0, 2.0, 3.0]) + 0.1, ax=new_figure()[1])
    edges = [mcolors.to_hex(p.get_edgecolor()) for p in ax.patches]
    assert edges == list(OTHER_COLOURS[:3])


def test_a_path_naming_no_optimizer_takes_the_other_palette_not_orange():
    from d2lite.book.plotting import show_trace_2d
    from d2lite.book.trace2d import adagrad_2d_rule, f_2d, train_2d
    from d2lite.style import colour_of, other_style
    ax = show_trace_2d(f_2d, train_2d(adagrad_2d_rule(0.4), verbose=False), ax=new_figure()[1])
    path = ax.get_lines()[0]
    assert path.get_color() == other_style(0)["color"] != colour_of("gradient descent")
    assert path.get_linestyle() == "-"
