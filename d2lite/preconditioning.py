r"""Condition numbers and diagonal preconditioning of convex quadratics.

The chapter's object is the quadratic

.. math:: f(\mathbf{x}) = \tfrac12 \mathbf{x}^\top Q \mathbf{x} + \mathbf{c}^\top \mathbf{x} + b,
          \qquad Q = U^\top \Lambda U \ \text{symmetric positive definite},

with the eigenvalues on the diagonal of :math:`\Lambda` (largest first) and the eigenvectors in
the *rows* of the orthogonal :math:`U`.  Its condition number
:math:`\kappa = \Lambda_1 / \Lambda_d` says how much slower gradient descent is along the flattest
direction than along the steepest one.  Diagonal preconditioning rescales every coordinate so
that the diagonal of the matrix becomes all ones,

.. math:: \tilde Q = \operatorname{diag}^{-1/2}(Q)\, Q\, \operatorname{diag}^{-1/2}(Q),
          \qquad \tilde Q_{ij} = \frac{Q_{ij}}{\sqrt{Q_{ii} Q_{jj}}},

which is exact (:math:`\kappa(\tilde Q) = 1`) when :math:`Q` is diagonal and only partial otherwise.

The module holds the linear algebra (:func:`eigendecomposition`, :func:`condition_number`,
:func:`diagonal_preconditioner`), random test matrices (:func:`random_spd`), two small experiments
(:func:`gd_steps_to_tolerance`, :func:`adagrad_on_quadratic`) and the chapter's slider explorer
(:func:`draw_preconditioning`, :func:`preconditioning_explorer`).
"""
from __future__ import annotations

import math
from typing import NamedTuple, Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ._checks import check_choice, check_float, check_int
from .plotting import new_figure
from .quadratic import Quadratic2D, quadratic_2d
from .trace2d import gd_2d, show_trace_2d, train_2d
from .widgets import Explorer, float_slider, log_slider

__all__ = ["eigendecomposition", "condition_number", "diagonal_preconditioner",
           "random_orthogonal", "random_spd", "gd_steps_to_tolerance", "AdagradRun",
           "adagrad_on_quadratic", "draw_preconditioning", "preconditioning_explorer"]

SPD_KINDS = ("axis_aligned", "rotated", "scaled")


# --------------------------------------------------------------------------- input checks
def _real_array(name: str, value: ArrayLike, what: str) -> np.ndarray:
    """``value`` as a float array, or a TypeError saying that ``name`` must be ``what``."""
    try:
        array = np.asarray(value)
    except ValueError:  # ragged nested lists
        array = np.asarray(None)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be {what}, got {type(value).__name__} of {array.dtype}")
    return array.astype(float)


def _as_matrix(name: str, Q: ArrayLike, *, symmetric: bool = True) -> np.ndarray:
    """``Q`` as a finite square float array (symmetric up to rounding when asked)."""
    array = _real_array(name, Q, "a square matrix of real numbers")
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers only (no inf or NaN)")
    if symmetric:
        scale = max(float(np.abs(array).max()), np.finfo(float).tiny)
        if np.abs(array - array.T).max() > 1e-10 * scale:
            raise ValueError(f"{name} must be symmetric (Q == Q.T up to rounding)")
        array = 0.5 * (array + array.T)
    return array


def _as_rng(rng: np.random.Generator | int) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy.random.Generator or a seed (an integer >= 0), "
                    f"got {type(rng).__name__}: {rng!r}")


def _as_vector(name: str, value: ArrayLike, d: int) -> np.ndarray:
    vector = _real_array(name, value, f"a vector of {d} real numbers")
    if vector.shape != (d,):
        raise ValueError(f"{name} must be a vector of {d} numbers (one per row of Q), "
                         f"got shape {vector.shape}")
    if not np.isfinite(vector).all():
        raise ValueError(f"{name} must hold finite numbers only (no inf or NaN)")
    return vector


# --------------------------------------------------------------------------- linear algebra
def eigendecomposition(Q: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    r"""Eigenvalues (largest first) and the orthogonal ``U`` with :math:`Q = U^\top \Lambda U`.

    The eigenvectors are the *rows* of ``U`` (NumPy's :func:`numpy.linalg.eigh` puts them in
    columns, so ``U`` is the transpose of its answer).  In the rotated coordinates
    :math:`\bar{\mathbf{x}} = U\mathbf{x}` the quadratic separates into one parabola per
    eigenvalue, :math:`\tfrac12 \sum_i \Lambda_i \bar x_i^2 + \bar c_i \bar x_i`.

    >>> lam, U = eigendecomposition([[2.0, 0.0], [0.0, 5.0]])
    >>> lam.tolist()
    [5.0, 2.0]
    """
    Q = _as_matrix("Q", Q)
    eigenvalues, vectors = np.linalg.eigh(Q)
    order = np.argsort(eigenvalues)[::-1]
    return eigenvalues[order], vectors[:, order].T


def condition_number(Q: ArrayLike) -> float:
    r"""The condition number :math:`\kappa = \Lambda_1 / \Lambda_d` of a positive definite ``Q``.

    :math:`\kappa \ge 1`, with equality exactly when ``Q`` is a multiple of the identity.  Raises
    ``ValueError`` when ``Q`` is not square, not symmetric, not finite or not positive definite.

    >>> condition_number([[0.2, 0.0], [0.0, 4.0]])
    20.0
    """
    Q = _as_matrix("Q", Q)
    eigenvalues = np.linalg.eigvalsh(Q)
    if eigenvalues[0] <= 0:
        raise ValueError(f"Q must be positive definite (all eigenvalues > 0); its smallest "
                         f"eigenvalue is {eigenvalues[0]:.3g}")
    return float(eigenvalues[-1] / eigenvalues[0])


def diagonal_preconditioner(Q: ArrayLike) -> np.ndarray:
    r"""The diagonally preconditioned matrix :math:`\tilde Q_{ij} = Q_{ij} / \sqrt{Q_{ii} Q_{jj}}`.

    This is :math:`\tilde Q = D^{-1/2} Q D^{-1/2}` with :math:`D = \operatorname{diag}(Q)`: the
    quadratic written in the rescaled coordinates :math:`\mathbf{y} = D^{1/2}\mathbf{x}`.  Every
    diagonal entry of the result is 1.  For a diagonal ``Q`` the result is the identity, so the
    rescaling is exact; for other matrices it only removes the part of the ill-conditioning that
    comes from the scales of the coordinates.

    Raises ``ValueError`` when ``Q`` is not square, not symmetric, not finite, or has a diagonal
    entry that is not positive (a positive definite matrix always has a positive diagonal).

    >>> diagonal_preconditioner([[4.0, 1.0], [1.0, 1.0]]).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    """
    Q = _as_matrix("Q", Q)
    diagonal = np.diag(Q)
    if (diagonal <= 0).any():
        raise ValueError(f"Q must have a positive diagonal to be rescaled, got diagonal "
                         f"{np.array2string(diagonal, precision=3)}")
    root = np.sqrt(diagonal)
    Q_tilde = Q / root[:, None] / root[None, :]
    Q_tilde = 0.5 * (Q_tilde + Q_tilde.T)
    np.fill_diagonal(Q_tilde, 1.0)  # Q_ii / Q_ii, exactly 1 despite rounding
    return Q_tilde


# --------------------------------------------------------------------------- random matrices
def random_orthogonal(d: int, rng: np.random.Generator | int) -> np.ndarray:
    r"""A random ``d x d`` orthogonal matrix, uniform over rotations and reflections (Haar).

    QR-factorise a matrix of standard normal entries and fix the signs of ``R``'s diagonal, the
    standard recipe (Mezzadri 2007) for a uniformly distributed orthogonal matrix.
    """
    d = check_int("d", d)
    rng = _as_rng(rng)
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))[None, :]


def random_spd(d: int, rng: np.random.Generator | int, *, max_condition: float = 100.0,
               kind: str = "rotated") -> np.ndarray:
    r"""A random symmetric positive definite ``d x d`` matrix of one of three kinds.

    The eigenvalues (or scales) are drawn log-uniformly from ``[1, max_condition]``, so the
    condition number lies between 1 and ``max_condition``.

    ``kind="axis_aligned"``
        :math:`Q = \Lambda`, diagonal: the axes are the eigenvectors.
    ``kind="rotated"``
        :math:`Q = U^\top \Lambda U` with a uniformly random orthogonal :math:`U`: the
        eigenvectors point anywhere.
    ``kind="scaled"``
        :math:`Q = S C S` with :math:`S` diagonal (scales :math:`\sqrt{s_i}`, :math:`s_i`
        log-uniform in ``[1, max_condition]``) and :math:`C` a random rotated matrix with unit
        diagonal and eigenvalues within a factor 10: a well-conditioned problem whose coordinates
        are measured in badly mismatched units.
    """
    d = check_int("d", d)
    rng = _as_rng(rng)
    max_condition = check_float("max_condition", max_condition, minimum=1.0)
    check_choice("kind", kind, SPD_KINDS)
    if kind == "scaled":
        inner = diagonal_preconditioner(random_spd(d, rng, max_condition=10.0, kind="rotated"))
        scales = np.sqrt(np.exp(rng.uniform(0.0, math.log(max_condition), size=d)))
        Q = scales[:, None] * inner * scales[None, :]
        return 0.5 * (Q + Q.T)
    eigenvalues = np.exp(rng.uniform(0.0, math.log(max_condition), size=d))
    if kind == "axis_aligned":
        return np.diag(eigenvalues)
    U = random_orthogonal(d, rng)
    Q = U.T @ np.diag(eigenvalues) @ U
    return 0.5 * (Q + Q.T)


# --------------------------------------------------------------------------- experiments
def gd_steps_to_tolerance(Q: ArrayLike, *, rate: float | None = None,
                          start: ArrayLike | None = None, tol: float = 1e-6,
                          max_steps: int = 100_000) -> int | None:
    r"""Gradient-descent steps on :math:`\tfrac12\mathbf{x}^\top Q\mathbf{x}` until ``tol`` is met.

    Runs :math:`\mathbf{x}_{t+1} = \mathbf{x}_t - \eta Q \mathbf{x}_t` from ``start`` (default: all
    ones) and returns the first ``t`` with
    :math:`\|\mathbf{x}_t\| \le \mathrm{tol}\,\|\mathbf{x}_0\|`
    (the minimiser is the origin), or ``None`` when ``max_steps`` steps are not enough or the
    iterates blow up.  The default rate :math:`\eta = 1/\Lambda_1` is safe for every ``Q``; then
    the error along eigenvector :math:`i` shrinks by :math:`1 - \Lambda_i/\Lambda_1` per step, so
    the flattest direction needs about :math:`\kappa \ln(1/\mathrm{tol})` steps.
    """
    Q = _as_matrix("Q", Q)
    d = Q.shape[0]
    eigenvalues = np.linalg.eigvalsh(Q)
    if eigenvalues[0] <= 0:
        raise ValueError(f"Q must be positive definite (all eigenvalues > 0); its smallest "
                         f"eigenvalue is {eigenvalues[0]:.3g}")
    largest = float(eigenvalues[-1])
    rate = 1.0 / largest if rate is None else check_float("rate", rate, strict=True)
    x = np.ones(d) if start is None else _as_vector("start", start, d)
    tol = check_float("tol", tol, strict=True)
    max_steps = check_int("max_steps", max_steps, minimum=0)
    start_norm = float(np.linalg.norm(x))
    if start_norm == 0:
        return 0
    step_matrix = np.eye(d) - rate * Q
    threshold = tol * start_norm
    for t in range(max_steps + 1):
        norm = float(np.linalg.norm(x))
        if norm <= threshold:
            return t
        if not math.isfinite(norm) or norm > 1e100 * start_norm:
            return None
        x = step_matrix @ x
    return None


class AdagradRun(NamedTuple):
    """The points Adagrad visited and its state (accumulated squared gradients) after each step.

    Row ``t`` of ``points`` is :math:`\\mathbf{x}_t` and row ``t`` of ``accumulators`` is
    :math:`\\mathbf{s}_t`, with :math:`\\mathbf{s}_0 = \\mathbf{0}`.
    """

    points: np.ndarray
    accumulators: np.ndarray


def adagrad_on_quadratic(Q: ArrayLike, start: ArrayLike, *, eta: float = 0.4, steps: int = 20,
                         eps: float = 1e-6) -> AdagradRun:
    r"""Run Adagrad on :math:`f(\mathbf{x}) = \tfrac12\mathbf{x}^\top Q\mathbf{x}` in any dimension.

    .. math::
        \mathbf{g}_t = Q\mathbf{x}_{t-1},\quad
        \mathbf{s}_t = \mathbf{s}_{t-1} + \mathbf{g}_t^2,\quad
        \mathbf{x}_t = \mathbf{x}_{t-1} - \frac{\eta}{\sqrt{\mathbf{s}_t + \epsilon}}\,\mathbf{g}_t

    For a diagonal ``Q`` the gradient is :math:`g_i = Q_{ii} x_i`, so
    :math:`\sqrt{s_{t,i}} = Q_{ii}\sqrt{\sum_{\tau<t} x_{\tau,i}^2}`: the accumulator carries the
    curvature of coordinate ``i`` times a distance, which is why it can stand in for
    :math:`\operatorname{diag}(Q)`.
    """
    Q = _as_matrix("Q", Q)
    x = _as_vector("start", start, Q.shape[0]).copy()
    eta = check_float("eta", eta, strict=True)
    steps = check_int("steps", steps, minimum=0)
    eps = check_float("eps", eps)
    s = np.zeros_like(x)
    points, accumulators = [x.copy()], [s.copy()]
    for _ in range(steps):
        g = Q @ x
        s = s + g * g
        with np.errstate(divide="ignore", invalid="ignore"):
            # a coordinate whose gradient has been exactly 0 so far (s = 0, eps = 0) stays put
            step = np.where(s + eps > 0, eta * g / np.sqrt(s + eps), 0.0)
        x = x - step
        points.append(x.copy())
        accumulators.append(s.copy())
    return AdagradRun(np.array(points), np.array(accumulators))


# --------------------------------------------------------------------------- the explorer
def _progress(f: Quadratic2D, points: Sequence[tuple[float, float]]) -> str:
    """How far down the path got: f(last point) as a fraction of f(start), or 'diverged'."""
    value = float(f(*points[-1])) / float(f(*points[0]))
    if not math.isfinite(value) or value > 1e8:
        return "diverged"
    return f"f(end) = {value:.1e} f(start)"


def draw_preconditioning(condition: float = 20.0, angle: float = 0.0, scaled_rate: float = 1.0,
                         *, steps: int = 30, largest_eigenvalue: float = 4.0,
                         start: tuple[float, float] = (-5.0, -2.0),
                         figsize: tuple[float, float] = (8.0, 3.8)) -> Figure:
    r"""Gradient descent on a 2-D quadratic before and after diagonal preconditioning.

    The quadratic has eigenvalues ``largest_eigenvalue`` and ``largest_eigenvalue / condition``
    along axes rotated by ``angle`` degrees (:func:`d2lite.quadratic_2d`); the defaults give the
    chapter's :math:`0.1x_1^2 + 2x_2^2`.  Each problem gets the rate
    :math:`\eta = \texttt{scaled\_rate} / \Lambda_1` for its own largest eigenvalue, so
    ``scaled_rate`` below 2 is stable and 2 or more diverges (the title says so).

    Left: both paths in the original coordinates: plain gradient descent, and gradient descent
    on the preconditioned problem mapped back (which is gradient descent with the per-coordinate
    rate :math:`\eta / Q_{ii}`).  Right: the preconditioned problem
    :math:`\tfrac12 \mathbf{y}^\top\tilde Q\mathbf{y}` in its own coordinates
    :math:`y_i = \sqrt{Q_{ii}}\,x_i`, whose contours are circles exactly when ``angle`` is a
    multiple of 90 degrees.  The minimiser (the origin) is marked in both.
    """
    condition = check_float("condition", condition, minimum=1.0)
    angle = check_float("angle", angle, minimum=-math.inf)
    scaled_rate = check_float("scaled_rate", scaled_rate, strict=True)
    largest_eigenvalue = check_float("largest_eigenvalue", largest_eigenvalue, strict=True)
    steps = check_int("steps", steps)

    f = quadratic_2d((largest_eigenvalue / condition, largest_eigenvalue), angle)
    root = np.sqrt(np.diag(f.Q))
    f_tilde = Quadratic2D(diagonal_preconditioner(f.Q))
    kappa, kappa_tilde = condition_number(f.Q), condition_number(f_tilde.Q)

    plain = train_2d(gd_2d(scaled_rate / f.eigenvalues[0]), steps, f.grad, start, verbose=False)
    y_start = (float(root[0] * start[0]), float(root[1] * start[1]))
    rescaled = train_2d(gd_2d(scaled_rate / f_tilde.eigenvalues[0]), steps, f_tilde.grad,
                        y_start, verbose=False)
    mapped_back = [(y1 / root[0], y2 / root[1]) for y1, y2 in rescaled]

    fig, (left, right) = new_figure(1, 2, figsize=figsize, margins=dict(
        left=0.07, right=0.98, bottom=0.2, top=0.8, wspace=0.25))
    minimum = [(0.0, 0.0)]
    show_trace_2d(f, {"gradient descent": plain, "preconditioned GD": mapped_back,
                      "minimum": minimum}, ax=left, grid_points=60)
    left.set_title(f"original: κ = {kappa:.3g}, axes turned {angle:g}°\n"
                   f"GD: {_progress(f, plain)}", fontsize="medium")
    show_trace_2d(f_tilde, {"preconditioned GD": rescaled, "minimum": minimum}, ax=right,
                  grid_points=60)
    # plain-text labels: mathtext would be parsed again on every redraw
    left.set(xlabel="x₁", ylabel="x₂")
    right.set(xlabel="y₁ = √Q₁₁ · x₁", ylabel="y₂ = √Q₂₂ · x₂")
    right.set_title(f"preconditioned: κ = {kappa_tilde:.3g}\n"
                    f"{_progress(f_tilde, rescaled)}", fontsize="medium")
    for ax in (left, right):
        ax.set_aspect("equal", adjustable="box")
        for line in ax.get_lines():  # keep the colours of the paths equal in both panels
            if line.get_label() == "preconditioned GD":
                line.set_color("C2")
            elif line.get_label() == "minimum":
                line.set(color="black", marker="*", markersize=9)
    stable = scaled_rate < 2
    verdict = ("stable, as η·λ_max < 2" if stable
               else "η·λ_max ≥ 2: the steep direction diverges")
    fig.suptitle(f"{steps} steps of size η = {scaled_rate:g} / λ_max ({verdict})",
                 fontsize="medium", color="black" if stable else "crimson")
    for ax in (left, right):
        ax.get_legend().remove()
    fig.legend(*left.get_legend_handles_labels(), loc="lower center", ncols=3, fontsize="small",
               frameon=False)
    return fig


def preconditioning_explorer(condition: float = 20.0, angle: float = 30.0,
                             scaled_rate: float = 1.0, *, steps: int = 30) -> Explorer:
    """Sliders for :func:`draw_preconditioning`: condition number (log scale, 1 to 1000),
    rotation angle (0 to 90 degrees) and step size as a multiple of ``1 / λ_max`` (0.1 to 2.1;
    beyond 2 gradient descent diverges, and the figure says so)."""
    steps = check_int("steps", steps)

    def draw(condition: float, angle: float, scaled_rate: float) -> Figure:
        return draw_preconditioning(condition, angle, scaled_rate, steps=steps)

    return Explorer(draw, {
        "condition": log_slider("condition κ", condition, 1.0, 1000.0, steps_per_decade=10),
        "angle": float_slider("angle (degrees)", angle, 0.0, 90.0, 5.0, readout_format=".0f"),
        "scaled_rate": float_slider("η × λ_max", scaled_rate, 0.1, 2.1, 0.1,
                                    readout_format=".1f"),
    })
