"""The slider Explorer, the plotting utilities and the Timer."""
import base64
import time

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import pytest

import d2lite
from d2lite.widgets import nonfinite_lines


def line_explorer():
    def draw(slope, power):
        fig, ax = d2lite.plotting.new_figure()
        x = np.linspace(0, 1, 20)
        ax.plot(x, slope * x ** power)
        ax.set(xlabel="x", ylabel="y")
        return fig
    return d2lite.widgets.Explorer(draw, {"slope": d2lite.widgets.log_slider("slope", 1.0, 0.01, 100.0),
                                  "power": d2lite.widgets.int_slider("power", 1, 1, 5)})


def test_sliders_report_only_on_release_and_are_bounded():
    explorer = line_explorer()
    for slider in explorer.sliders.values():
        assert slider.continuous_update is False
    log = explorer.sliders["slope"]
    assert isinstance(log, widgets.FloatLogSlider)
    assert (log.base ** log.min, log.base ** log.max) == pytest.approx((0.01, 100.0))


def test_extreme_settings_put_each_slider_at_each_end():
    settings = line_explorer().extreme_settings()
    assert [s["slope"] for s in settings] == pytest.approx([0.01, 100.0, 1.0, 1.0])
    assert [s["power"] for s in settings] == [1, 1, 1, 5]


def test_moving_a_slider_redraws_a_different_figure():
    explorer = line_explorer()
    before = explorer.last_png
    explorer.sliders["power"].value = 3
    assert explorer.last_png != before
    assert explorer.last_png.startswith(b"\x89PNG")


def test_stored_output_carries_a_png_of_the_default_state_and_a_useful_text():
    explorer = line_explorer()
    bundle = explorer._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == explorer.png()
    assert "slope" in bundle["text/plain"] and "interactive(" not in bundle["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_a_figure_with_nan_and_no_note_gets_a_visible_note():
    def draw(a):
        fig, ax = d2lite.plotting.new_figure()
        ax.plot([0, 1], [0, np.nan if a > 1 else a])
        return fig
    explorer = d2lite.widgets.Explorer(draw, {"a": d2lite.widgets.float_slider("a", 0.5, 0.0, 2.0, 0.1)})
    fig = explorer.figure(a=2.0)
    assert nonfinite_lines(fig)
    assert any("NaN" in t.get_text() for t in fig.texts)
    assert not explorer.figure(a=0.5).texts


def test_explorer_and_slider_factories_reject_bad_input():
    with pytest.raises(TypeError, match="draw"):
        d2lite.widgets.Explorer(None, {"a": d2lite.widgets.float_slider("a", 0.5, 0, 1, 0.1)})
    with pytest.raises(ValueError, match="sliders"):
        d2lite.widgets.Explorer(lambda: None, {})
    with pytest.raises(TypeError, match="sliders"):
        d2lite.widgets.Explorer(lambda a: None, {"a": 3})
    with pytest.raises(ValueError, match="value"):
        d2lite.widgets.float_slider("a", 5, 0, 1, 0.1)
    with pytest.raises(ValueError, match="min"):
        d2lite.widgets.log_slider("a", 1, 0, 10)
    with pytest.raises(TypeError, match="Figure"):
        d2lite.widgets.Explorer(lambda a: "not a figure", {"a": d2lite.widgets.int_slider("a", 1, 0, 2)})


def test_helpers_leave_pyplot_alone():
    import matplotlib.pyplot as plt
    plt.close("all")
    d2lite.show_trace_2d(d2lite.f_2d, d2lite.train_2d(d2lite.adagrad_2d(0.4), verbose=False))
    line_explorer().update()
    assert plt.get_fignums() == []


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
    fig, ax = d2lite.plotting.new_figure()
    ax.plot([1, 2, 3])
    assert d2lite.plotting.figure_to_png(fig) == d2lite.plotting.figure_to_png(fig)


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
