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
:func:`diagonal_preconditioner`), random test matrices (:func:`random_orthogonal`,
:func:`random_spd`) and gradient descent's step count (:func:`gd_steps_to_tolerance`); Adagrad on a quadratic
:math:`\tfrac12\mathbf{x}^\top Q\mathbf{x}` is ``d2lite.run(optimizer, lambda x: Q @ x, start, steps)``.  Gershgorin's discs, which bound
the eigenvalues after preconditioning, are in :mod:`d2lite.problems.gershgorin`; the chapter's slider
explorer is :func:`d2lite.explorers.preconditioning_explorer`.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from d2lite._checks import check_choice, check_float, check_int

__all__ = ["eigendecomposition", "condition_number", "diagonal_preconditioner",
           "random_orthogonal", "random_spd", "gd_steps_to_tolerance"]

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
    max_condition = check_float("max_condition", max_condition, minimum=1.0, maximum=1e12)
    check_choice("kind", kind, SPD_KINDS)  # beyond 1e12, rounding in U^T diag U can leave Q not PD
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
def gd_steps_to_tolerance(Q: ArrayLike, *, lr: float | None = None,
                          start: ArrayLike | None = None, tol: float = 1e-6,
                          max_steps: int = 100_000) -> int | None:
    r"""Gradient-descent steps on :math:`\tfrac12\mathbf{x}^\top Q\mathbf{x}` until ``tol`` is met.

    Runs :math:`\mathbf{x}_{t+1} = \mathbf{x}_t - \eta Q \mathbf{x}_t` from ``start`` (default: all
    ones) and returns the first ``t`` with
    :math:`\|\mathbf{x}_t\| \le \mathrm{tol}\,\|\mathbf{x}_0\|`
    (the minimiser is the origin), or ``None`` when ``max_steps`` steps are not enough or the
    iterates blow up.  The default learning rate ``lr`` :math:`\eta = 1/\Lambda_1` is safe for every ``Q``; then
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
    lr = 1.0 / largest if lr is None else check_float("lr", lr, strict=True)
    x = np.ones(d) if start is None else _as_vector("start", start, d)
    tol = check_float("tol", tol, strict=True)
    max_steps = check_int("max_steps", max_steps, minimum=0)
    start_norm = float(np.linalg.norm(x))
    if start_norm == 0:
        return 0
    step_matrix = np.eye(d) - lr * Q
    threshold = tol * start_norm
    for t in range(max_steps + 1):
        norm = float(np.linalg.norm(x))
        if norm <= threshold:
            return t
        if not math.isfinite(norm) or norm > 1e100 * start_norm:
            return None
        x = step_matrix @ x
    return None
