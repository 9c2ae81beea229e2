"""2-D trainers, train_2d and show_trace_2d."""
import math

import numpy as np
import pytest

import d2lite
from d2lite.style import nonfinite_lines


def test_reference_line_of_the_chapter(capsys):
    points = d2lite.train_2d(d2lite.adagrad_2d_rule(0.4))
    assert capsys.readouterr().out == "epoch 20, x1: -2.382563, x2: -0.158591\n"
    assert len(points) == 21
    assert points[0] == (-5.0, -2.0)


def test_adagrad_2d_matches_a_direct_transcription_of_the_update():
    """Oracle: the update rule written out with NumPy arrays, independently of the trainer."""
    eta, eps = 0.7, 1e-6
    x, s = np.array([-5.0, -2.0]), np.zeros(2)
    expected = [tuple(x)]
    for _ in range(15):
        g = np.array([0.2, 4.0]) * x
        s = s + g * g
        x = x - eta / np.sqrt(s + eps) * g
        expected.append(tuple(x))
    got = d2lite.train_2d(d2lite.adagrad_2d_rule(eta, eps), steps=15, verbose=False)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_gd_2d_is_plain_gradient_descent():
    got = d2lite.train_2d(d2lite.gd_2d(0.1), steps=3, verbose=False)
    x1, x2 = -5.0, -2.0
    for _ in range(3):
        x1, x2 = x1 - 0.1 * 0.2 * x1, x2 - 0.1 * 4 * x2
    assert got[-1] == pytest.approx((x1, x2))


def test_f_grad_is_passed_to_the_trainer_and_start_is_used():
    q = d2lite.problems.quadratic.quadratic_2d((1.0, 1.0), angle=30)
    points = d2lite.train_2d(d2lite.gd_2d(1.0), steps=1, f_grad=q.grad, start=(3.0, 4.0),
                             verbose=False)
    assert points[-1] == pytest.approx((0.0, 0.0), abs=1e-12)  # one exact Newton-like step


def test_overflowing_run_keeps_its_length_and_reports_nan(capsys):
    with pytest.warns(RuntimeWarning, match="became inf or NaN at step 2") as said:
        points = d2lite.train_2d(d2lite.gd_2d(1e154), steps=6)
    assert len(said) == 1                                # once, not at every step
    assert len(points) == 7
    assert not all(math.isfinite(v) for v in points[-1])
    assert "nan" in capsys.readouterr().out or "inf" in capsys.readouterr().out


@pytest.mark.parametrize("kwargs, error", [
    (dict(trainer=3), TypeError), (dict(steps=0), ValueError), (dict(steps=2.5), TypeError),
    (dict(f_grad="no"), TypeError), (dict(start=(1, 2, 3)), ValueError),
    (dict(start=(float("nan"), 0)), ValueError),
])
def test_train_2d_rejects_bad_input(kwargs, error):
    args = dict(trainer=d2lite.adagrad_2d_rule(0.4))
    args.update(kwargs)
    with pytest.raises(error, match=list(kwargs)[0]):
        d2lite.train_2d(**args)


@pytest.mark.parametrize("lr", [-0.1, float("nan"), float("inf")])
def test_trainer_factories_reject_bad_rates(lr):
    for factory in (d2lite.adagrad_2d_rule, d2lite.gd_2d):
        with pytest.raises(ValueError, match="lr"):
            factory(lr)


def test_show_trace_2d_window_covers_the_whole_path():
    q = d2lite.problems.quadratic.quadratic_2d((0.2, 4.0), angle=60)
    points = d2lite.train_2d(d2lite.adagrad_2d_rule(1.0), f_grad=q.grad, start=(40.0, -30.0),
                             verbose=False)
    ax = d2lite.show_trace_2d(q, points)
    (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
    arr = np.asarray(points)
    assert xmin < arr[:, 0].min() and xmax > arr[:, 0].max()
    assert ymin < arr[:, 1].min() and ymax > arr[:, 1].max()
    assert ax.get_xlabel() and ax.get_ylabel()
    assert ax.collections, "contour lines are drawn"


def test_show_trace_2d_draws_diverged_runs_up_to_the_last_finite_point_and_says_so():
    with pytest.warns(RuntimeWarning, match="at step 2"):
        points = d2lite.train_2d(d2lite.gd_2d(1e154), steps=8, verbose=False)
    ax = d2lite.show_trace_2d(d2lite.f_2d, points)
    assert not nonfinite_lines(ax.figure)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "diverged" in texts


def test_show_trace_2d_several_labelled_paths_get_a_legend():
    runs = {f"eta={eta}": d2lite.train_2d(d2lite.adagrad_2d_rule(eta), verbose=False) for eta in (0.4, 2)}
    ax = d2lite.show_trace_2d(d2lite.f_2d, runs)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [*runs, "minimum"]


def test_show_trace_2d_marks_the_minimum_and_keeps_it_in_the_window():
    q, start = d2lite.problems.quadratic.rotated_problem(30, start=(40.0, 30.0))
    points = d2lite.train_2d(d2lite.gd_2d(0.01), steps=3, f_grad=q.grad, start=start, verbose=False)
    assert min(np.hypot(*p) for p in points) > 30  # the path alone stays far from the minimum
    for f, minimum in ((q, None), (d2lite.f_2d, (0.0, 0.0)), (lambda a, b: a * a + b * b, (1.0, -2.0))):
        ax = d2lite.show_trace_2d(f, points, minimum=minimum)
        stars = [line for line in ax.get_lines() if line.get_label() == "minimum"]
        assert len(stars) == 1 and stars[0].get_marker() == "*"
        x, y = (float(v[0]) for v in stars[0].get_data())
        assert (x, y) == (minimum or (0.0, 0.0))
        (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
        assert xmin < x < xmax and ymin < y < ymax
    ax = d2lite.show_trace_2d(lambda a, b: a * a + b * b, points)  # no minimum known: none drawn
    assert "minimum" not in [line.get_label() for line in ax.get_lines()]
    with pytest.raises(ValueError, match="minimum"):
        d2lite.show_trace_2d(d2lite.f_2d, points, minimum=(0.0, np.nan))


def test_show_trace_2d_colours_each_optimizer_as_the_whole_collection_does():
    runs = {"Adagrad, eta=0.4": d2lite.train_2d(d2lite.adagrad_2d_rule(0.4), verbose=False),
            "gradient descent": d2lite.train_2d(d2lite.gd_2d(0.4), verbose=False),
            "something else": [(1.0, 1.0), (0.5, 0.5)]}
    ax = d2lite.show_trace_2d(d2lite.f_2d, runs, colors={"something else": "#123456"})
    colours = {line.get_label(): line.get_color() for line in ax.get_lines()}
    assert colours["Adagrad, eta=0.4"] == d2lite.style.colour_of("Adagrad")
    assert colours["gradient descent"] == d2lite.style.colour_of("SGD")
    assert colours["something else"] == "#123456"
    ax = d2lite.show_trace_2d(d2lite.f_2d, runs["gradient descent"], colors="#abcdef")
    assert ax.get_lines()[0].get_color() == "#abcdef"
    with pytest.raises(TypeError, match="colors"):
        d2lite.show_trace_2d(d2lite.f_2d, runs, colors=3)


def test_show_trace_2d_uses_the_given_axes_and_rejects_bad_results():
    _, ax = d2lite.style.new_figure()
    assert d2lite.show_trace_2d(d2lite.f_2d, [(0, 0), (1, 1)], ax=ax) is ax
    with pytest.raises(ValueError, match="results"):
        d2lite.show_trace_2d(d2lite.f_2d, [1, 2, 3])
    with pytest.raises(TypeError, match="f"):
        d2lite.show_trace_2d("f", [(0, 0)])


def test_quadratic_2d_rotation_keeps_eigenvalues_and_matches_gradient():
    q = d2lite.problems.quadratic.quadratic_2d((0.2, 4.0), angle=37)
    np.testing.assert_allclose(q.eigenvalues, [4.0, 0.2])
    assert q.condition_number == pytest.approx(20.0)
    x = np.array([0.3, -1.7])
    h = 1e-6
    numeric = [(q(*(x + h * e)) - q(*(x - h * e))) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(q.grad(*x), numeric, rtol=1e-6)
    R = d2lite.problems.quadratic.rotation_matrix(37)
    np.testing.assert_allclose(R @ R.T, np.eye(2), atol=1e-15)
    with pytest.raises(ValueError, match="eigenvalues"):
        d2lite.problems.quadratic.quadratic_2d((0.0, 1.0))


def test_default_quadratic_is_the_chapter_objective():
    q = d2lite.problems.quadratic.quadratic_2d()
    x1, x2 = np.meshgrid(np.linspace(-3, 3, 7), np.linspace(-2, 2, 5))
    np.testing.assert_allclose(q(x1, x2), d2lite.f_2d(x1, x2))
