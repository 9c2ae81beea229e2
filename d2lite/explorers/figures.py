r"""The whole figures of the five slider explorers, one function per chapter.

Each ``*_figure`` function takes the slider values as arguments and returns a new
:class:`~matplotlib.figure.Figure` (made without pyplot, with fixed margins so that a redraw is
fast); :mod:`d2lite.explorers` puts sliders on them.  The maths they draw lives in the modules
of its subject (:mod:`d2lite.problems.sparse`, :mod:`d2lite.problems.preconditioning`, :mod:`d2lite.problems.rates`,
:mod:`d2lite.book.training`, :mod:`d2lite.problems.quadratic`).

>>> fig = algorithm_figure(lr=0.4, steps=5)
>>> [ax.get_xlabel() for ax in fig.axes]
['x₁', 'step t']
"""
from __future__ import annotations

import math
import warnings
from typing import Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure

from d2lite._checks import check_float, check_int
from d2lite.book.data import make_loader, synthetic_linreg
from d2lite.style import ROLE_COLOURS, colour_of
from d2lite.style import label_colour, new_figure
from d2lite.problems.preconditioning import condition_number, diagonal_preconditioner
from d2lite.problems.quadratic import Quadratic2D, quadratic_2d, rotated_problem, rotation_sweep
from d2lite.figures.plots import COORDINATE_NAMES, plot_effective_rates
from d2lite.book.scratch import adagrad, init_adagrad_states, sgd
from d2lite.problems.sparse import SparseRegression, SparseRun
from d2lite.figures.sparse import plot_median_errors, plot_sparse_loss_curves
from d2lite.book.trace2d import f_2d, f_2d_grad, gd_2d, train_2d
from d2lite.book.plotting import show_trace_2d
from d2lite.book.training import initial_linreg_loss, least_squares_floor, train_scratch
from d2lite.figures.plots import plot_loss_curves
from d2lite.optimizers.run import run
from d2lite.optimizers.variants import book_adagrad

__all__ = ["sparse_comparison_figure", "preconditioning_runs", "preconditioning_figure", "algorithm_figure",
           "scratch_lr_figure", "rotation_figure", "lr_explorer_data"]

# Plain Unicode instead of mathtext ($x_1$) in labels: parsing mathtext is a large share of the
# time a redraw takes, and a slider redraw should stay fast.
# Preconditioned gradient descent is no optimizer of the collection's colour table: dark teal.
PRECONDITIONED = ROLE_COLOURS["preconditioned"]  # from d2lite.style



def sparse_comparison_figure(data: SparseRegression, runs: Mapping[str, SparseRun],
                           row: int = 0) -> Figure:
    """The explorer's figure: loss curves and median error against frequency, one line per rule.

    ``runs`` maps rule names to runs on ``data`` (e.g. from :func:`train_side_by_side`); the
    figure shows row ``row`` of each.
    """
    if not isinstance(data, SparseRegression):
        raise TypeError(f"data must be a SparseRegression (see make_sparse_regression), "
                        f"got {type(data).__name__}")
    if not runs or not all(isinstance(run, SparseRun) for run in runs.values()):
        raise TypeError(f"runs must map names to SparseRun objects, got {runs!r}")
    row = check_int("row", row, minimum=0)
    pairs = [(run, row) for run in runs.values()]
    fig, (ax_loss, ax_error) = new_figure(1, 2, figsize=(9, 3.4), margins=dict(
        left=0.1, right=0.98, bottom=0.15, top=0.91, wspace=0.32))
    plot_sparse_loss_curves(pairs, ax=ax_loss)
    rates = {f"{run.lrs[row]:.3g}" for run in runs.values()}
    title = f"Zipf exponent a = {data.zipf_exponent:.1f}, η₀ = {', '.join(sorted(rates))}"
    ax_loss.set_title(title, fontsize="medium")
    plot_median_errors(data, pairs, ax=ax_error, num_bins=8)
    if ax_error.get_legend() is not None:
        ax_error.get_legend().remove()  # same colours as the loss curves: one legend is enough
    ax_error.set_title("median error of the weights, by frequency", fontsize="medium")
    return fig



def _progress(f: Quadratic2D, points: Sequence[tuple[float, float]]) -> str:
    """How far down the path got: f(last point) as a fraction of f(start), or 'diverged'."""
    value = float(f(*points[-1])) / float(f(*points[0]))
    if not math.isfinite(value) or value > 1e8:
        return "diverged"
    return f"f(end) = {value:.1e} f(start)"



def preconditioning_runs(condition: float, angle: float, lr_times_lambda_max: float, *,
                         steps: int = 30, largest_eigenvalue: float = 4.0,
                         start: tuple[float, float] = (-5.0, -2.0)) -> dict:
    r"""The three paths :func:`preconditioning_figure` draws, and the two problems.

    ``f = quadratic_2d((largest_eigenvalue / condition, largest_eigenvalue), angle)`` and its
    diagonal preconditioning ``f_tilde``; ``plain`` is gradient descent on ``f`` at rate
    ``lr_times_lambda_max / lambda_max(f)``, ``rescaled`` gradient descent on ``f_tilde`` from
    :math:`y_i = \sqrt{Q_{ii}}\,x_i` at ``lr_times_lambda_max / lambda_max(f_tilde)``, and
    ``mapped_back`` that path in the original coordinates.  The page's explorer computes the
    same numbers in JavaScript (tests/e2e/test_parity.py compares them).

    >>> runs = preconditioning_runs(20.0, 0.0, 1.0, steps=1)
    >>> [round(float(v), 6) + 0.0 for v in runs["mapped_back"][-1]]   # axis-aligned: one step
    [0.0, 0.0]
    """
    f = quadratic_2d((largest_eigenvalue / condition, largest_eigenvalue), angle)
    root = np.sqrt(np.diag(f.Q))
    f_tilde = Quadratic2D(diagonal_preconditioner(f.Q))
    plain = train_2d(gd_2d(lr_times_lambda_max / f.eigenvalues[0]), steps, f.grad, start, verbose=False)
    y_start = (float(root[0] * start[0]), float(root[1] * start[1]))
    rescaled = train_2d(gd_2d(lr_times_lambda_max / f_tilde.eigenvalues[0]), steps, f_tilde.grad,
                        y_start, verbose=False)
    mapped_back = [(y1 / root[0], y2 / root[1]) for y1, y2 in rescaled]
    return {"f": f, "f_tilde": f_tilde, "plain": plain, "rescaled": rescaled,
            "mapped_back": mapped_back}


def _recolour(ax, colours: Mapping[str, str]) -> None:
    """Give every line whose label starts with a key of ``colours`` that colour."""
    for line in ax.get_lines():
        for prefix, colour in colours.items():
            if line.get_label().startswith(prefix):
                line.set_color(colour)


def preconditioning_figure(condition: float = 20.0, angle: float = 0.0, lr_times_lambda_max: float = 1.0,
                         *, steps: int = 30, largest_eigenvalue: float = 4.0,
                         start: tuple[float, float] = (-5.0, -2.0),
                         figsize: tuple[float, float] = (8.0, 3.8)) -> Figure:
    r"""Gradient descent on a 2-D quadratic before and after diagonal preconditioning.

    The quadratic has eigenvalues ``largest_eigenvalue`` and ``largest_eigenvalue / condition``
    along axes rotated by ``angle`` degrees (:func:`d2lite.quadratic_2d`); the defaults give the
    chapter's :math:`0.1x_1^2 + 2x_2^2`.  Each problem gets the rate
    :math:`\eta = \texttt{lr\_times\_lambda\_max} / \Lambda_1` for its own largest eigenvalue, so
    ``lr_times_lambda_max`` below 2 is stable and 2 or more diverges (the title says so).

    Left: both paths in the original coordinates: plain gradient descent, and gradient descent
    on the preconditioned problem mapped back (which is gradient descent with the per-coordinate
    rate :math:`\eta / Q_{ii}`).  Right: the preconditioned problem
    :math:`\tfrac12 \mathbf{y}^\top\tilde Q\mathbf{y}` in its own coordinates
    :math:`y_i = \sqrt{Q_{ii}}\,x_i`, whose contours are circles exactly when ``angle`` is a
    multiple of 90 degrees.  The minimiser (the origin) is marked in both.
    """
    condition = check_float("condition", condition, minimum=1.0)
    angle = check_float("angle", angle, minimum=-math.inf)
    lr_times_lambda_max = check_float("lr_times_lambda_max", lr_times_lambda_max, strict=True)
    largest_eigenvalue = check_float("largest_eigenvalue", largest_eigenvalue, strict=True)
    steps = check_int("steps", steps)

    runs = preconditioning_runs(condition, angle, lr_times_lambda_max, steps=steps,
                                largest_eigenvalue=largest_eigenvalue, start=start)
    f, f_tilde = runs["f"], runs["f_tilde"]
    plain, rescaled, mapped_back = runs["plain"], runs["rescaled"], runs["mapped_back"]
    kappa, kappa_tilde = condition_number(f.Q), condition_number(f_tilde.Q)

    fig, (left, right) = new_figure(1, 2, figsize=figsize, margins=dict(
        left=0.07, right=0.98, bottom=0.2, top=0.8, wspace=0.25))
    show_trace_2d(f, {"gradient descent": plain, "preconditioned GD": mapped_back}, ax=left,
                  grid_points=60, colors={"preconditioned GD": PRECONDITIONED})
    left.set_title(f"original: κ = {kappa:.3g}, axes turned {angle:g}°\n"
                   f"GD: {_progress(f, plain)}", fontsize="medium")
    show_trace_2d(f_tilde, {"preconditioned GD": rescaled}, ax=right, grid_points=60,
                  colors=PRECONDITIONED)
    # plain-text labels: mathtext would be parsed again on every redraw
    left.set(xlabel="x₁", ylabel="x₂")
    right.set(xlabel="y₁ = √Q₁₁ · x₁", ylabel="y₂ = √Q₂₂ · x₂")
    right.set_title(f"preconditioned: κ = {kappa_tilde:.3g}\n"
                    f"{_progress(f_tilde, rescaled)}", fontsize="medium")
    for ax in (left, right):
        ax.set_aspect("equal", adjustable="box")
    stable = lr_times_lambda_max < 2
    verdict = ("stable, as η·λ_max < 2" if stable
               else "η·λ_max ≥ 2: the steep direction diverges")
    fig.suptitle(f"{steps} steps of size η = {lr_times_lambda_max:g} / λ_max ({verdict})",
                 fontsize="medium", color="black" if stable else "crimson")
    for ax in (left, right):
        ax.get_legend().remove()
    fig.legend(*left.get_legend_handles_labels(), loc="lower center", ncols=3, fontsize="small",
               frameon=False)
    return fig



#: Values this close to 0 are written as a bound, never as digits (after many steps a coordinate
#: such as -2.4e-83 is rounding-level noise); the page's ``TINY`` in ``web/plot.js`` is the same.
TINY = 1e-12


def bounded(value: float, name: str) -> str:
    """``value`` with 3 significant digits, or ``|name| < 1e-12`` when ``0 < |value| < TINY``.

    >>> bounded(-2.4e-83, "x1"), bounded(-2.38256, "x1"), bounded(0.0, "x1")
    ('|x1| < 1e-12', '-2.38', '0')
    """
    if math.isfinite(value) and value != 0 and abs(value) < TINY:
        return f"|{name}| < {TINY:g}"
    return f"{value:.3g}"


def algorithm_figure(lr: float = 0.4, eps: float = 1e-6, steps: int = 20, x1: float = -5.0,
                   x2: float = -2.0) -> Figure:
    """The explorer's figure: the Adagrad path on the contours and the effective rates."""
    steps = check_int("steps", steps)
    made = run(book_adagrad(lr, check_float("eps", eps)), lambda x: f_2d_grad(*x), [x1, x2], steps)
    fig, (ax_path, ax_rate) = new_figure(1, 2, figsize=(8.4, 3.6), margins=dict(
        left=0.08, right=0.98, bottom=0.17, top=0.9, wspace=0.3))
    show_trace_2d(f_2d, made.points, ax=ax_path, grid_points=60, levels=10,
                  colors=colour_of("Adagrad"))
    end = made.points[-1]
    ax_path.set(xlabel=COORDINATE_NAMES[0], ylabel=COORDINATE_NAMES[1])
    where = f"({bounded(end[0], 'x₁')}, {bounded(end[1], 'x₂')})"
    ax_path.set_title(f"η = {lr:.3g}: after {steps} steps at {where}",
                      fontsize="medium")
    plot_effective_rates(made, ax=ax_rate)
    ax_rate.set_title("effective rate η/√(s + ε) (log-log)", fontsize="medium")
    return fig



def scratch_lr_figure(lr: float = 0.1, *, X: torch.Tensor | None = None,
                    y: torch.Tensor | None = None, floor: float | None = None,
                    initial_loss: float | None = None, num_epochs: int = 2, batch_size: int = 10,
                    seed: int = 0) -> Figure:
    """Train the linear model with from-scratch Adagrad and minibatch SGD at rate ``lr``; plot both.

    Without ``X`` and ``y`` it uses :func:`lr_explorer_data` (500 examples).  The loader
    is rebuilt from ``seed`` on every call, so the same ``lr`` always gives the same figure.
    The loss axis is logarithmic so that a diverging SGD run stays on the chart.
    """
    lr = check_float("lr", lr, strict=True)
    if X is None or y is None:
        X, y = lr_explorer_data()
    feature_dim = X.shape[1]
    if floor is None:
        floor = least_squares_floor(X, y)
    if initial_loss is None:
        initial_loss = initial_linreg_loss(X, y, seed)
    curves, finals = {}, []
    for name, trainer_fn, states in (("Adagrad", adagrad, init_adagrad_states(feature_dim)),
                                     ("minibatch SGD", sgd, None)):
        loader = make_loader(X, y, batch_size, seed)
        with warnings.catch_warnings():  # a diverged run is said on the figure instead
            warnings.simplefilter("ignore", RuntimeWarning)
            losses = train_scratch(trainer_fn, states, {"lr": lr}, loader, feature_dim,
                                   num_epochs=num_epochs, seed=seed).losses
        curves[name] = losses
        finals.append(f"{name} {losses[-1]:.3g}" if math.isfinite(losses[-1])
                      else f"{name} diverged")
    fig, ax = new_figure(figsize=(5.6, 3.4),
                         margins=dict(left=0.17, right=0.97, bottom=0.19, top=0.9))
    plot_loss_curves(curves, len(X), ax=ax, floor=floor, initial_loss=initial_loss,
                     yscale="log")
    _recolour(ax, {"Adagrad": colour_of("Adagrad"), "minibatch SGD": colour_of("SGD")})
    ax.legend(fontsize="small")  # again, with the new colours
    ax.set_title(f"lr = {lr:.3g}, final loss: " + ", ".join(finals), fontsize="medium")
    return fig



def rotation_figure(angle: float = 45.0, lr: float = 0.4, steps: int = 20,
                    sweep: Mapping[str, np.ndarray] | None = None) -> Figure:
    """Exercise 2's figure: the problem turned by ``angle`` degrees.

    Left, the Adagrad and gradient-descent paths on the turned problem; right, the distance
    after ``steps`` steps against the angle for both (``sweep`` from
    :func:`d2lite.problems.quadratic.rotation_sweep`, computed when not given), the current angle marked.
    """
    lr = check_float("lr", lr, strict=True)
    steps = check_int("steps", steps)
    if sweep is None:
        sweep = rotation_sweep(np.linspace(0, 90, 31), lr, steps)
    fig, (left, right) = new_figure(1, 2, figsize=(8.0, 3.4), margins=dict(
        left=0.08, right=0.98, bottom=0.16, top=0.9, wspace=0.25))
    q, start = rotated_problem(angle)
    paths = {f"Adagrad, η = {lr:g}": run(book_adagrad(lr), lambda x: q.grad(*x), start, steps).points,
             f"GD, η = {lr:g}": train_2d(gd_2d(lr), steps, q.grad, start, verbose=False)}
    show_trace_2d(q, paths, ax=left, grid_points=60)
    left.set_title(f"problem turned by {angle:.0f} degrees", fontsize="medium")
    right.plot(sweep["angle"], sweep["adagrad"], "-", color=colour_of("Adagrad"), label="Adagrad")
    right.plot(sweep["angle"], sweep["gd"], "--", color=colour_of("gradient descent"),
               label="gradient descent")
    right.axvline(angle, color="0.4", linewidth=1, linestyle=":")
    for label, points in paths.items():
        right.plot([angle], [math.hypot(*points[-1])], "o", color=label_colour(label))
    right.set(xlabel="rotation angle (degrees)", ylabel=f"distance after {steps} steps",
              xlim=(0, 90), ylim=(0, None))
    right.set_title("only Adagrad depends on the angle", fontsize="medium")
    right.legend(fontsize="small")
    return fig



EXPLORER_EXAMPLES = 500  # a third of the notebook's data set, so that a redraw retrains fast


EXPLORER_NOISE = 0.7


def lr_explorer_data(num_examples: int = EXPLORER_EXAMPLES, noise: float = EXPLORER_NOISE,
                     seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``num_examples`` examples ``(X, y)`` of the synthetic set
    ``synthetic_linreg(noise=noise, seed=seed)``.

    The full set has its default 1,500 examples (the one notebook 04 trains on); the learning-rate
    explorer retrains on this subset so that a redraw stays fast.

    >>> X, y = lr_explorer_data()
    >>> tuple(X.shape), tuple(y.shape)
    ((500, 5), (500, 1))
    """
    num_examples = check_int("num_examples", num_examples, minimum=2)
    data_iter, _ = synthetic_linreg(noise=noise, seed=seed)
    X, y = data_iter.dataset.tensors
    if num_examples > len(X):
        raise ValueError(f"num_examples must be at most {len(X)}, got {num_examples}")
    return X[:num_examples], y[:num_examples]
