"""The plotting utilities and the Timer."""
import io
import time

import matplotlib as mpl
import numpy as np
import pytest
from PIL import Image

import d2lite
from d2lite.style import nonfinite_lines
from tests.colour_vision import hex_to_srgb


def test_a_helper_without_ax_draws_on_a_new_pyplot_figure_and_with_ax_there():
    """Without ``ax`` the figure is pyplot's (Jupyter's inline backend shows it, as the book's);
    with ``ax`` it draws there, and an explorer's whole figure stays out of pyplot."""
    import matplotlib.pyplot as plt
    plt.close("all")
    path = d2lite.train_2d(d2lite.adagrad_2d_rule(0.4), verbose=False)
    ax = d2lite.show_trace_2d(d2lite.f_2d, path)
    assert plt.get_fignums() == [ax.figure.number] and ax.get_lines()
    fig, given = d2lite.style.new_figure()
    assert d2lite.show_trace_2d(d2lite.f_2d, path, ax=given) is given
    d2lite.explorers.figures.algorithm_figure()
    animator = d2lite.Animator(live=False)
    animator.add(1, 0.5)
    drawn = animator.draw()
    assert plt.get_fignums() == [ax.figure.number, drawn.figure.number]
    plt.close("all")


def test_set_figsize_changes_the_default_and_checks_input():
    old = mpl.rcParams["figure.figsize"]
    try:
        d2lite.set_figsize((4.0, 3.0))
        assert tuple(mpl.rcParams["figure.figsize"]) == (4.0, 3.0)
        with pytest.raises(ValueError, match="figsize"):
            d2lite.set_figsize((0, 3))
    finally:
        mpl.rcParams["figure.figsize"] = old


def test_figure_to_png_is_deterministic():
    fig, ax = d2lite.style.new_figure()
    ax.plot([1, 2, 3])
    assert d2lite.style.figure_to_png(fig) == d2lite.style.figure_to_png(fig)


def test_figure_to_png_palette_keeps_every_colour_and_shrinks_the_file():
    fig, ax = d2lite.style.new_figure(figsize=(6, 3))
    names = ["Adagrad", "SGD", "RMSProp", "Adam"]
    x = np.linspace(0, 10, 400)
    for k, name in enumerate(names):
        ax.plot(x, np.sin(x + k), lw=6, label=name, **d2lite.style.style_of(name))
    ax.legend()
    full = io.BytesIO()
    fig.savefig(full, format="png", dpi=100, metadata={"Software": None})
    small = d2lite.style.figure_to_png(fig, dpi=100)
    pixels = np.asarray(Image.open(io.BytesIO(small)).convert("RGB")).reshape(-1, 3).astype(int)
    for name in names:
        want = np.round(255 * hex_to_srgb(d2lite.style.colour_of(name)))
        assert np.abs(pixels - want).max(axis=1).min() <= 3, name  # the line's own colour is there
    assert Image.open(io.BytesIO(small)).size == Image.open(full).size
    assert len(small) < 0.6 * len(full.getvalue())


def test_figure_to_png_keeps_a_transparent_figure_transparent():
    fig, ax = d2lite.style.new_figure(figsize=(2, 1))
    ax.plot([0, 1], [1, 0])
    fig.patch.set_alpha(0)
    ax.patch.set_alpha(0)
    image = Image.open(io.BytesIO(d2lite.style.figure_to_png(fig)))
    assert image.mode == "RGBA" and image.getextrema()[3][0] == 0  # not flattened onto black


def test_animator_records_and_draws_outside_jupyter():
    animator = d2lite.Animator(xlabel="epoch", ylabel="loss", legend=["a", "b"])
    assert animator.live is False
    animator.add(1, [0.5, 0.7])
    animator.add(2, [0.4, float("nan")])
    assert animator.X == [[1, 2], [1, 2]] and animator.Y[0] == [0.5, 0.4]
    ax = animator.draw()
    assert len(ax.get_lines()) == 2 and ax.get_legend() is not None
    assert any("NaN" in t.get_text() for t in ax.texts)
    with pytest.raises(ValueError, match="y"):
        animator.add(3, [1.0])


def test_timer_measures_and_accumulates():
    timer = d2lite.Timer()
    time.sleep(0.01)
    first = timer.stop()
    timer.start()
    second = timer.stop()
    assert first >= 0.009 and timer.sum() == pytest.approx(first + second)
    assert timer.cumsum() == pytest.approx([first, first + second])
    assert timer.avg() == pytest.approx((first + second) / 2)
    with pytest.raises(RuntimeError, match="start"):
        timer.stop()


def test_nonfinite_lines_finds_only_lines_with_inf_or_nan():
    fig, ax = d2lite.style.new_figure()
    ax.plot([0, 1], [0, 1])
    bad = ax.plot([0, 1], [np.inf, 1])[0]
    assert nonfinite_lines(fig) == [bad]


def test_figure_labels_get_their_optimizers_colour_everywhere():
    from d2lite.style import colour_of
    from d2lite.style import label_colour
    assert label_colour("Adagrad (lr=0.03)") == colour_of("Adagrad")
    assert label_colour("AdaGrad-Norm (lr=1)") == colour_of("AdaGrad-Norm")  # not Adagrad's blue
    assert label_colour("minibatch SGD") == label_colour("GD, η = 0.4") == colour_of("SGD")
    assert label_colour("Adamant") is None and label_colour(None, default="k") == "k"
    ax = d2lite.figures.plots.plot_loss_curves({"minibatch SGD": [0.5, 0.4], "Adagrad": [0.6, 0.3],
                                           "other": [0.7, 0.2]}, num_examples=400)
    colours = {line.get_label(): line.get_color() for line in ax.get_lines()}
    assert colours["minibatch SGD"] == colour_of("SGD") and colours["Adagrad"] == colour_of("Adagrad")
    # no optimizer named: a colour of the non-optimizer palette, never an optimizer's
    assert colours["other"] in d2lite.style.OTHER_COLOURS
    assert colours["other"] not in d2lite.style.OPTIMIZER_COLOURS.values()


def test_animator_last_frame_is_a_full_figure():
    animator = d2lite.Animator(xlabel="epoch", live=False)
    animator.add(1, 0.5)
    fig = animator.draw().figure
    assert tuple(fig.get_size_inches()) == (5.0, 3.2)


class _Handle:
    def __init__(self, shown):
        self.shown = shown

    def update(self, obj):
        self.shown.append(obj)


def _capture_display(monkeypatch):
    import IPython.display
    shown = []

    def display(obj, display_id=False):
        shown.append(obj)
        return _Handle(shown)

    monkeypatch.setattr(IPython.display, "display", display)
    return shown


def test_every_animator_frame_carries_an_alt_describing_the_lines(monkeypatch):
    from d2lite.alttext import FigureWithAlt, notebook_images_missing_alt
    import nbformat
    shown = _capture_display(monkeypatch)
    animator = d2lite.book.plotting.Animator(xlabel="epoch", ylabel="loss",
                                             legend=["train loss", "test acc"], live=True)
    animator.add(1, [0.9, 0.2])
    animator.add(2, [0.4, 0.7])
    assert len(shown) == 2 and all(isinstance(frame, FigureWithAlt) for frame in shown)
    alt = shown[-1].alt
    assert "loss against epoch" in alt
    assert "train loss: from 0.9 at 1 to 0.4 at 2" in alt and "test acc: from 0.2 at 1 to 0.7 at 2" in alt
    assert "test acc: from 0.2 at 1 to 0.2" not in shown[0].alt  # the first frame has one point
    # stored as the notebook stores a display_data output, the frame has its alt text
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("animate")
    cell.outputs = [nbformat.v4.new_output("display_data", data=shown[-1]._repr_mimebundle_())]
    nb.cells.append(cell)
    assert notebook_images_missing_alt(nb) == []


def test_the_books_animator_says_what_a_line_without_legend_does(monkeypatch):
    shown = _capture_display(monkeypatch)
    animator = d2lite.book.plotting.Animator(xlabel="epoch", live=True, yscale="log")
    animator.add([1, 1], [0.5, float("nan")])
    alt = shown[-1].alt
    assert "an unlabelled axis (log scale) against epoch" in alt
    assert "line 1 (no legend entry): 0.5 at 1" in alt and "NaN" in alt


def test_display_trace_2d_shows_the_path_with_an_alt_and_leaves_pyplot_alone():
    import matplotlib.pyplot as plt
    plt.close("all")
    path = d2lite.train_2d(d2lite.adagrad_2d_rule(0.4), verbose=False)
    shown = d2lite.book.plotting.display_trace_2d(d2lite.f_2d, {"Adagrad": path})
    assert plt.get_fignums() == []
    assert shown.alt.startswith("Contour lines of f over x1 and x2, with the minimum at (0, 0)")
    end = f"({path[-1][0]:.3g}, {path[-1][1]:.3g})"
    assert f"Adagrad: 21 points from (-5, -2) to {end}." in shown.alt
    wild = d2lite.train_2d(d2lite.book.trace2d.gd_2d(2.0), steps=40, verbose=False)
    assert "diverged" in d2lite.book.plotting.display_trace_2d(d2lite.f_2d, wild).alt
