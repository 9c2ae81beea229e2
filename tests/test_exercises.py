"""Tests for d2lite.exercises: the answer checks (right, wrong, unanswered), Gershgorin discs,
the rotation sweep and its explorer, and the gentler-decay update rules."""
from __future__ import annotations

import math

import numpy as np

from d2lite.figures import plots
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from d2lite import exercises as ex
from d2lite import explorers
from d2lite.explorers import figures
from d2lite.problems import gershgorin, quadratic
from d2lite.optimizers import torch_variants, variants
from d2lite.problems.quadratic import quadratic_2d, rotation_matrix
from d2lite.book.trace2d import adagrad_2d_rule, train_2d
from d2lite.optimizers.run import run
from d2lite.problems.classifier import lenet
from d2lite.style import nonfinite_lines


def _is_right(verdict):
    return verdict.correct is True and str(verdict).startswith("Correct")


def _is_wrong(verdict, *words):
    text = str(verdict)
    return (verdict.correct is False and text.startswith("Not yet") and not bool(verdict)
            and all(word in text for word in words))


# ---------------------------------------------------------------- Verdict and unanswered checks


@pytest.mark.parametrize("check, args", [
    (ex.check_orthogonal_maker, (None,)), (ex.check_rotated_distances, (None, None)),
    (ex.check_gershgorin_function, (None,)), (ex.check_preconditioned_interval, (None,)),
    (ex.check_lenet, (None,)), (ex.check_leaky_accumulator, (None,))])
def test_every_check_says_not_answered_yet_for_none(check, args):
    verdict = check(*args)
    assert verdict.correct is None and not verdict
    assert repr(verdict).startswith("Not answered yet") and "run this cell again" in repr(verdict)


@pytest.mark.parametrize("check", [ex.check_orthogonal_maker, ex.check_gershgorin_function,
                                   ex.check_preconditioned_interval, ex.check_leaky_accumulator])
def test_function_checks_reject_a_non_function(check):
    assert _is_wrong(check(42), "function")


@pytest.mark.parametrize("check", [ex.check_orthogonal_maker, ex.check_gershgorin_function,
                                   ex.check_preconditioned_interval, ex.check_leaky_accumulator])
def test_a_crashing_answer_is_reported_not_raised(check):
    def broken(*args):
        raise ZeroDivisionError("oops")
    assert _is_wrong(check(broken), "ZeroDivisionError", "oops")


# ---------------------------------------------------------------- exercise 1


def _qr_orthogonal(n, seed):
    Q, R = np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))
    return Q * np.sign(np.diag(R))


def test_orthogonal_maker_right_and_wrong():
    assert _is_right(ex.check_orthogonal_maker(_qr_orthogonal))
    assert _is_wrong(ex.check_orthogonal_maker(lambda n, seed: np.random.default_rng(seed).normal(size=(n, n))),
                     "identity")
    assert _is_wrong(ex.check_orthogonal_maker(lambda n, seed: _qr_orthogonal(n, 0)), "seed")
    assert _is_wrong(ex.check_orthogonal_maker(
        lambda n, seed: np.diag(np.random.default_rng(seed).choice([-1.0, 1.0], n))), "diagonal")
    assert _is_wrong(ex.check_orthogonal_maker(lambda n, seed: np.eye(n + 1)), "shape")


def test_orthogonal_invariance_of_the_norm_with_an_independent_oracle():
    # the fact exercise 1 proves, checked on torch's own orthogonal factor (float64)
    for n in (2, 7, 30):
        U = torch.linalg.qr(torch.randn(n, n, dtype=torch.float64,
                                        generator=torch.Generator().manual_seed(n)))[0].numpy()
        c, delta = np.random.default_rng(n).normal(size=(2, n))
        assert np.linalg.norm(U @ c - U @ delta) == pytest.approx(np.linalg.norm(c - delta), rel=1e-12)


# ---------------------------------------------------------------- exercise 2


def _adagrad_distance(angle, eta=0.4, steps=20):
    # an independent computation: rotate by hand, run Adagrad in a plain loop
    R = rotation_matrix(angle)
    Q = R @ np.diag([0.2, 4.0]) @ R.T
    x = R @ np.array([-5.0, -2.0])
    s = np.zeros(2)
    for _ in range(steps):
        g = Q @ x
        s += g * g
        x = x - eta / np.sqrt(s + 1e-6) * g
    return float(np.linalg.norm(x))


def test_rotated_problem_turns_objective_and_start():
    q, start = quadratic.rotated_problem(30)
    R = rotation_matrix(30)
    np.testing.assert_allclose(start, R @ np.array([-5.0, -2.0]))
    np.testing.assert_allclose(q.Q, R @ np.diag([0.2, 4.0]) @ R.T, atol=1e-12)
    # the book's rotated objective is the turned problem with doubled curvatures
    book = quadratic_2d((0.4, 8.0), 45)
    x1, x2 = np.random.default_rng(0).normal(size=(2, 6))
    np.testing.assert_allclose(book(x1, x2), 0.1 * (x1 + x2) ** 2 + 2 * (x1 - x2) ** 2)


def test_check_rotated_distances():
    d0, d45 = _adagrad_distance(0), _adagrad_distance(45)
    assert abs(d0 - d45) > 1.0  # the point of the exercise: rotation matters to Adagrad
    assert _is_right(ex.check_rotated_distances(d0, d45))
    assert _is_wrong(ex.check_rotated_distances(d45, d0), "swapped")
    fixed_start = train_2d(adagrad_2d_rule(0.4), f_grad=quadratic_2d(angle=45).grad, verbose=False)[-1]
    assert _is_wrong(ex.check_rotated_distances(d0, math.hypot(*fixed_start)), "start point")
    assert _is_wrong(ex.check_rotated_distances(d0 + 0.5, d45), "distance_0")
    assert _is_wrong(ex.check_rotated_distances(d0, d45 * 1.1), "distance_45")
    assert _is_wrong(ex.check_rotated_distances("2.39", d45), "number")


def test_rotation_sweep_matches_hand_rotation_and_gd_ignores_the_angle():
    angles = [0, 15, 45, 80, 90]
    sweep = quadratic.rotation_sweep(angles)
    np.testing.assert_allclose(sweep["adagrad"], [_adagrad_distance(a) for a in angles], rtol=1e-10)
    assert np.ptp(sweep["gd"]) < 1e-9 * sweep["gd"][0]
    assert np.ptp(sweep["adagrad"]) > 1.0
    # 90 degrees only swaps the axes: Adagrad is back where it was at 0
    assert sweep["adagrad"][-1] == pytest.approx(sweep["adagrad"][0], rel=1e-9)
    with pytest.raises(ValueError, match="angles"):
        quadratic.rotation_sweep([])
    with pytest.raises(ValueError, match="lr"):
        quadratic.rotation_sweep([0], lr=0)


def test_rotation_figure_draws_at_both_ends_of_the_explorer_slider():
    (slider,) = explorers.rotation_explorer().sliders
    assert (slider.name, slider.positions[0], slider.positions[-1]) == ("angle", 0.0, 90.0)
    for angle in (slider.positions[0], slider.positions[-1]):
        fig = figures.rotation_figure(angle)
        assert not nonfinite_lines(fig)
        assert len(fig.axes) == 2 and f"{angle:.0f} degrees" in fig.axes[0].get_title()


# ---------------------------------------------------------------- exercise 3: Gershgorin


def test_gershgorin_discs_definition():
    M = np.array([[4.0, -1.0, 0.5], [2.0, -3.0, 1.0], [0.0, -2.5, 1.0]])
    centres, radii = gershgorin.gershgorin_discs(M)
    np.testing.assert_array_equal(centres, [4.0, -3.0, 1.0])
    np.testing.assert_allclose(radii, [1.5, 3.0, 2.5])
    centres, radii = gershgorin.gershgorin_discs([[7]])
    assert centres.tolist() == [7.0] and radii.tolist() == [0.0]


@pytest.mark.parametrize("bad, error", [
    (np.ones((2, 3)), ValueError), (np.ones(3), ValueError), (np.zeros((0, 0)), ValueError),
    (np.array([[1.0, np.nan], [0.0, 1.0]]), ValueError), (np.array([[np.inf]]), ValueError),
    ([[1.0, 2.0], [3.0]], ValueError), (np.array([[1j, 0], [0, 1]]), TypeError),
    (np.array([["a", "b"], ["c", "d"]]), TypeError)])
def test_gershgorin_discs_bad_input(bad, error):
    with pytest.raises(error, match="M must"):
        gershgorin.gershgorin_discs(bad)


@settings(max_examples=150, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.just(1)),
              elements=st.floats(-1e3, 1e3, allow_nan=False)).flatmap(
    lambda column: arrays(np.float64, (column.shape[0], column.shape[0]),
                          elements=st.floats(-1e3, 1e3, allow_nan=False))))
def test_every_eigenvalue_lies_in_the_union_of_discs(M):
    centres, radii = gershgorin.gershgorin_discs(M)
    eigenvalues = np.linalg.eigvals(M)  # numpy.linalg is the oracle
    assert gershgorin.in_discs(eigenvalues, centres, radii, tol=1e-7).all()


def test_in_discs_rejects_points_outside():
    centres, radii = np.array([0.0, 10.0]), np.array([1.0, 2.0])
    assert gershgorin.in_discs([0.5j, 11.0, 5.0, 13.0], centres, radii).tolist() == [True, True, False, False]


def test_check_gershgorin_function():
    assert _is_right(ex.check_gershgorin_function(gershgorin.gershgorin_discs))
    assert _is_right(ex.check_gershgorin_function(
        lambda M: (np.diag(M), np.abs(M).sum(axis=1) - np.abs(np.diag(M)))))
    assert _is_wrong(ex.check_gershgorin_function(lambda M: (np.diag(M), np.abs(M).sum(axis=1))),
                     "diagonal entry")
    # columns are right too (the discs of M.T), accepted with a note that says why
    assert _is_right(ex.check_gershgorin_function(
        lambda M: (np.diag(M), np.abs(M).sum(axis=0) - np.abs(np.diag(M))))) 
    assert "M.T" in str(ex.check_gershgorin_function(
        lambda M: (np.diag(M), np.abs(M).sum(axis=0) - np.abs(np.diag(M)))))
    assert _is_wrong(ex.check_gershgorin_function(
        lambda M: (np.diag(M), (M - np.diag(np.diag(M))).sum(axis=1))), "absolute")
    assert _is_wrong(ex.check_gershgorin_function(
        lambda M: (M.sum(axis=1), np.abs(M).sum(axis=1) - np.abs(np.diag(M)))), "centres")
    assert _is_wrong(ex.check_gershgorin_function(lambda M: np.diag(M)), "pair")


def test_plot_gershgorin_draws_discs_and_eigenvalues():
    M = np.array([[2.0, -3.0], [1.0, 0.5]])  # complex eigenvalues
    ax = plots.plot_gershgorin(M, title="t")
    assert len(ax.patches) == 2
    marker = [line for line in ax.get_lines() if line.get_label() == "eigenvalues"][0]
    eigenvalues = np.linalg.eigvals(M)
    np.testing.assert_allclose(sorted(marker.get_ydata()), sorted(eigenvalues.imag))
    assert ax.get_xlabel() == "real part" and ax.get_title() == "t"
    assert ax.get_aspect() == 1.0  # equal aspect: discs look round


def test_plot_gershgorin_legend_swatches_are_the_discs_colours():
    M = np.array([[4.0, 1.0, 0.5], [1.0, 2.0, -0.5], [0.5, -0.5, -1.0]])
    ax = plots.plot_gershgorin(M)
    legend = ax.get_legend()
    entries = dict(zip([t.get_text() for t in legend.get_texts()], legend.legend_handles))
    for j, disc in enumerate(ax.patches):
        label = disc.get_label()
        assert label.startswith(f"disc {j + 1}:") and label in entries
        assert entries[label].get_facecolor() == disc.get_facecolor()
    assert len({disc.get_facecolor() for disc in ax.patches}) == 3


# ---------------------------------------------------------------- exercise 4


def _random_pd(n, rng, coupling):
    S = rng.normal(size=(n, n))
    S = (S + S.T) / 2
    np.fill_diagonal(S, 0)
    A = np.eye(n) + coupling * S / np.abs(S).sum(axis=1).max()
    D = np.diag(10 ** rng.uniform(-2, 2, n))
    return D @ A @ D


def test_preconditioned_interval_holds_the_eigenvalues_and_bounds_kappa():
    rng = np.random.default_rng(3)
    for _ in range(50):
        M = _random_pd(int(rng.integers(2, 8)), rng, coupling=rng.uniform(0.05, 0.9))
        low, high = gershgorin.preconditioned_interval(M)
        d = np.sqrt(np.diag(M))
        eigenvalues = np.linalg.eigvalsh(M / np.outer(d, d))
        assert low - 1e-12 <= eigenvalues.min() and eigenvalues.max() <= high + 1e-12
        assert low + high == pytest.approx(2.0)  # every disc centred at 1
        if low > 0:
            assert eigenvalues.max() / eigenvalues.min() <= high / low + 1e-9
    with pytest.raises(ValueError, match="positive diagonal"):
        gershgorin.preconditioned_interval(np.array([[1.0, 0.0], [0.0, -1.0]]))


def test_check_preconditioned_interval():
    assert _is_right(ex.check_preconditioned_interval(gershgorin.preconditioned_interval))
    assert _is_right(ex.check_preconditioned_interval(
        lambda M: (max(0.0, gershgorin.preconditioned_interval(M)[0]), gershgorin.preconditioned_interval(M)[1])))

    def unpreconditioned(M):
        centres, radii = gershgorin.gershgorin_discs(M)
        return (centres - radii).min(), (centres + radii).max()
    assert _is_wrong(ex.check_preconditioned_interval(unpreconditioned), "precondition first")

    def eigen_range(M):
        d = np.sqrt(np.diag(M))
        e = np.linalg.eigvalsh(M / np.outer(d, d))
        return e.min(), e.max()
    assert _is_wrong(ex.check_preconditioned_interval(eigen_range), "eigenvalues themselves")
    assert _is_wrong(ex.check_preconditioned_interval(lambda M: (0.99, 1.01)), "does not even contain")
    assert _is_wrong(ex.check_preconditioned_interval(lambda M: 1.0), "two numbers")


# ---------------------------------------------------------------- exercise 5


def test_check_lenet():
    assert _is_right(ex.check_lenet(lenet()))
    assert _is_wrong(ex.check_lenet(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 10))),
                     "two convolutions")
    wrong_size = torch.nn.Sequential(torch.nn.Conv2d(1, 6, 3), torch.nn.Flatten(), torch.nn.Linear(10, 10))
    assert _is_wrong(ex.check_lenet(wrong_size), "raised")
    no_pool = torch.nn.Sequential(torch.nn.Conv2d(1, 6, 3, padding=1), torch.nn.Conv2d(6, 4, 3, padding=1),
                                  torch.nn.Flatten(), torch.nn.Linear(256, 20), torch.nn.Linear(20, 10))
    assert _is_wrong(ex.check_lenet(no_pool), "pool")
    assert _is_wrong(ex.check_lenet(lenet(num_classes=5)), "(4, 10)")
    assert _is_wrong(ex.check_lenet("lenet"), "nn.Module")


# ---------------------------------------------------------------- exercise 6


def test_check_leaky_accumulator():
    assert _is_right(ex.check_leaky_accumulator(lambda s, g, gamma: gamma * s + (1 - gamma) * g ** 2))
    assert _is_wrong(ex.check_leaky_accumulator(lambda s, g, gamma: s + g ** 2), "Adagrad")
    assert _is_wrong(ex.check_leaky_accumulator(lambda s, g, gamma: (1 - gamma) * s + gamma * g ** 2),
                     "swapped")
    assert _is_wrong(ex.check_leaky_accumulator(lambda s, g, gamma: gamma * s + (1 - gamma) * g), "square")
    assert _is_wrong(ex.check_leaky_accumulator(lambda s, g, gamma: np.atleast_1d(s)[:2]), "shape")


START = (-5.0, -2.0)  # the chapter's start


def _vector(q):
    """A 2-D problem's gradient ``q.grad(x1, x2)`` as ``d2lite.run`` calls it, on a vector."""
    return lambda x: q.grad(*x)


def test_book_adagrad_reproduces_the_chapter_reference_run():
    points, _, rates = run(variants.book_adagrad(0.4), _vector(quadratic_2d()), START, 20)
    expected = train_2d(adagrad_2d_rule(0.4), verbose=False)
    np.testing.assert_allclose(points, expected, rtol=1e-12)
    np.testing.assert_allclose(points[-1], [-2.382563, -0.158591], atol=1e-6)  # CURRICULUM.md
    assert rates.shape == (20, 2) and np.all(np.diff(rates, axis=0) <= 0)  # Adagrad's rate only shrinks


def torch_end_point(make, q, steps):
    """The oracle: a torch optimizer from ``make(p)`` on 1/2 p^T Q p from (-5, -2), in float64."""
    p = torch.tensor([-5.0, -2.0], dtype=torch.float64, requires_grad=True)
    optimizer = make(p)
    for _ in range(steps):
        optimizer.zero_grad()
        (0.5 * p @ torch.tensor(q.Q) @ p).backward()
        optimizer.step()
    return p.detach().numpy()


def test_rules_agree_with_torch_optimizers():
    # torch's RMSprop and Adam as oracles, on the same 2-D gradient sequence
    q = quadratic_2d()
    for rule, make in [(variants.rmsprop(0.05, gamma=0.9, eps=1e-8),
                        lambda p: torch.optim.RMSprop([p], lr=0.05, alpha=0.9, eps=1e-8)),
                       (variants.Adam(0.05), lambda p: torch.optim.Adam([p], lr=0.05))]:
        points = run(rule, _vector(q), START, 15).points
        # RMSprop in torch puts eps outside the square root, ours inside: tiny difference
        np.testing.assert_allclose(points[-1], torch_end_point(make, q, 15), rtol=1e-4)


def test_noisy_gradients_make_adagrad_decay_but_not_rmsprop():
    q = quadratic_2d()
    adagrad_rates = run(variants.book_adagrad(0.4), _vector(q), START, 400, noise=1.0).rates
    rmsprop_rates = run(variants.rmsprop(0.4), _vector(q), START, 400, noise=1.0).rates
    assert adagrad_rates[-1, 0] < adagrad_rates[99, 0] * 0.6  # about sqrt(100/400) = 0.5
    assert rmsprop_rates[-100:, 0].mean() > 5 * adagrad_rates[-1, 0]


def test_power_and_norm_rules():
    q = quadratic_2d()
    rates_half = run(variants.adagrad_power(0.4, power=0.5, eps=1e-6), _vector(q), START, 10).rates
    rates_adagrad = run(variants.book_adagrad(0.4), _vector(q), START, 10).rates
    np.testing.assert_allclose(rates_half, rates_adagrad)
    rates = run(variants.adagrad_norm(0.4), _vector(q), START, 10).rates
    np.testing.assert_allclose(rates[:, 0], rates[:, 1])
    # AdaGrad-Norm is invariant under rotations: distances agree at 0 and 45 degrees
    distances = []
    for angle in (0, 45):
        qr, start = quadratic.rotated_problem(angle)
        points = run(variants.adagrad_norm(0.4), _vector(qr), start, 20).points
        distances.append(np.linalg.norm(points[-1]))
    assert distances[0] == pytest.approx(distances[1], rel=1e-9)
    with pytest.raises(TypeError, match="optimizer"):
        run("adagrad", _vector(q), START, 20)
    with pytest.raises(ValueError, match="lr"):
        variants.book_adagrad(-1)


def test_torch_power_and_norm_optimizers_match_the_numpy_rules():
    q = quadratic_2d()
    for rule, make in [(variants.adagrad_power(0.3, power=0.25, eps=1e-10),
                        lambda p: torch_variants.AdagradPower([p], lr=0.3, power=0.25, eps=1e-10)),
                       (variants.adagrad_norm(0.3, b0=1e-3), lambda p: torch_variants.AdagradNorm([p], lr=0.3, b0=1e-3))]:
        points = run(rule, _vector(q), START, 12).points
        np.testing.assert_allclose(points[-1], torch_end_point(make, q, 12), rtol=1e-9)


def test_median_effective_rate_matches_the_actual_step():
    # after one more step, the change of each weight is rate * gradient: measure it directly
    torch.manual_seed(0)
    for make in [lambda ps: torch.optim.Adagrad(ps, lr=0.1), lambda ps: torch.optim.RMSprop(ps, lr=0.01),
                 lambda ps: torch_variants.AdagradPower(ps, lr=0.1), lambda ps: torch_variants.AdagradNorm(ps, lr=0.5),
                 lambda ps: torch.optim.SGD(ps, lr=0.2)]:
        w = torch.randn(101, dtype=torch.float64, requires_grad=True)
        optimizer = make([w])
        for _ in range(5):
            optimizer.zero_grad()
            (w ** 4).sum().backward()
            before = w.detach().clone()
            optimizer.step()
        measured = ((before - w.detach()) / w.grad).median()
        assert torch_variants.median_effective_rate(optimizer) == pytest.approx(float(measured), rel=1e-6)
    # Adam: the step is rate * (bias-corrected average gradient)
    w = torch.randn(101, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([w], lr=0.01)
    for t in range(1, 6):
        optimizer.zero_grad()
        (w ** 4).sum().backward()
        before = w.detach().clone()
        optimizer.step()
    m_hat = optimizer.state[w]["exp_avg"] / (1 - 0.9 ** 5)
    measured = ((before - w.detach()) / m_hat).median()
    assert torch_variants.median_effective_rate(optimizer) == pytest.approx(float(measured), rel=1e-6)
    with pytest.raises(TypeError, match="does not know"):
        w = torch.zeros(2, requires_grad=True)
        optimizer = torch.optim.Adadelta([w])
        w.sum().backward()
        optimizer.step()
        torch_variants.median_effective_rate(optimizer)


# ---------------------------------------------------------------- the shared rotation sweep (exercise 2 and 08)


def test_the_shared_sweep_backs_the_statements_of_both_notebooks():
    from d2lite.problems import rotation_sweep
    from d2lite.optimizers.fullmatrix import FullMatrixAdagrad

    sweep, facts = rotation_sweep.shared_sweep(), rotation_sweep.sweep_facts()
    assert list(sweep["angle"]) == list(range(181))  # one resolution: every degree, 0 to 180
    hand = [_adagrad_distance(a) for a in (0, 7, 31, 45)]
    np.testing.assert_allclose(sweep["adagrad"][[0, 7, 31, 45]], hand, rtol=1e-10)
    # the statements the notebooks print, recomputed here from independent runs
    assert facts["diagonal_best_angle"] == int(np.argmin(sweep["adagrad"][:90]))
    full = FullMatrixAdagrad(lr=0.4, eps=1e-6)
    for angle in (0, 6, 8, 96, 98):
        q, start = quadratic.rotated_problem(angle)
        path = run(full, _vector(q), start, 20).points
        below = _adagrad_distance(angle) < np.hypot(*path[-1])
        assert below == (angle in facts["diagonal_below_full_matrix"]), angle
    assert facts["gd_below_diagonal_everywhere"] and facts["repeats_every_90"]
    sweep["adagrad"][:] = 0  # a copy: the cached sweep is not changed by a caller
    assert rotation_sweep.shared_sweep()["adagrad"][0] > 2


def test_the_dip_at_seven_degrees_is_where_the_first_step_flips():
    from d2lite.problems import rotation_sweep
    flip = rotation_sweep.first_gradient_angle()
    assert flip == pytest.approx(math.degrees(math.atan(1 / 8)))
    signs = []
    for angle in (flip - 0.5, flip + 0.5):
        q, start = quadratic.rotated_problem(angle)
        first = train_2d(adagrad_2d_rule(0.4), steps=1, f_grad=q.grad, start=start, verbose=False)[-1]
        signs.append(np.sign(first[0] - start[0]))
    assert signs[0] == -signs[1]
    sweep = rotation_sweep.shared_sweep()["adagrad"]
    assert sweep[8] - sweep[7] > 0.5  # the jump the figure shows
