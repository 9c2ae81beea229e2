r"""Two-dimensional convex quadratics, the test bed of the whole chapter.

A quadratic with minimiser at the origin is

.. math:: f(\mathbf{x}) = \tfrac12 \mathbf{x}^\top Q \mathbf{x},\qquad
          Q = R(\theta)^\top \operatorname{diag}(\lambda_1, \lambda_2)\, R(\theta),

where :math:`R(\theta)` rotates the plane by ``angle`` degrees.  With eigenvalues ``(0.2, 4)``
and no rotation this is the chapter's example :math:`f(\mathbf{x}) = 0.1 x_1^2 + 2 x_2^2`.

Turning the whole problem, objective *and* start point (:func:`rotated_problem`), changes
nothing for gradient descent but changes Adagrad's path: :func:`rotation_sweep` measures it
with the one NumPy Adagrad (exercise 2).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from d2lite._checks import check_array, check_float, check_int
from d2lite.book.trace2d import gd_2d, train_2d
from d2lite.optimizers.fullmatrix import FullMatrixAdagrad
from d2lite.optimizers.run import run
from d2lite.optimizers.variants import book_adagrad

__all__ = ["rotation_matrix", "Quadratic2D", "quadratic_2d", "rotated_problem", "rotation_sweep",
           "full_matrix_rotation_sweep"]


def rotation_matrix(angle: float) -> np.ndarray:
    r"""The 2x2 orthogonal matrix that rotates vectors by ``angle`` degrees counter-clockwise.

    .. math:: R(\theta) = \begin{pmatrix}\cos\theta & -\sin\theta\\ \sin\theta & \cos\theta\end{pmatrix}
    """
    angle = check_float("angle", angle, minimum=-np.inf)
    t = np.deg2rad(angle)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


@dataclass(frozen=True)
class Quadratic2D:
    r"""The function :math:`f(x_1, x_2) = \tfrac12 \mathbf{x}^\top Q \mathbf{x}` for a symmetric 2x2 ``Q``.

    Calling it works on scalars and on NumPy arrays (for contour plots); :meth:`grad` has the
    ``f_grad(x1, x2) -> (g1, g2)`` signature that :func:`d2lite.train_2d` expects.
    """

    Q: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "Q", check_array("Q", self.Q, shape=(2, 2)))
        if not np.allclose(self.Q, self.Q.T, rtol=1e-12, atol=0.0):
            raise ValueError(f"Q must be a symmetric 2x2 matrix, got {self.Q.tolist()}")

    def _entries(self) -> tuple[float, float, float]:
        return float(self.Q[0, 0]), float(self.Q[0, 1]), float(self.Q[1, 1])

    def __call__(self, x1, x2):
        a, b, d = self._entries()
        return 0.5 * (a * x1 * x1 + 2 * b * x1 * x2 + d * x2 * x2)

    def grad(self, x1, x2):
        r""":math:`\nabla f(\mathbf{x}) = Q\mathbf{x}`, returned as the pair ``(g1, g2)``."""
        a, b, d = self._entries()
        return a * x1 + b * x2, b * x1 + d * x2

    @property
    def minimum(self) -> tuple[float, float]:
        """Where f is smallest: the origin (``Q`` is positive definite in every use here)."""
        return (0.0, 0.0)

    @property
    def eigenvalues(self) -> np.ndarray:
        """Eigenvalues of Q, largest first."""
        return np.linalg.eigvalsh(self.Q)[::-1]

    @property
    def condition_number(self) -> float:
        r""":math:`\kappa = \lambda_{\max} / \lambda_{\min}`."""
        lam = self.eigenvalues
        return float(lam[0] / lam[-1])


def quadratic_2d(eigenvalues: tuple[float, float] = (0.2, 4.0), angle: float = 0.0) -> Quadratic2D:
    r"""A quadratic with the given curvatures along axes rotated by ``angle`` degrees.

    ``Q = R(angle) diag(eigenvalues) R(angle)^T``, so at ``angle=0`` the first eigenvalue is the
    curvature along :math:`x_1`.  The default is the chapter's :math:`0.1 x_1^2 + 2 x_2^2`.

    >>> f = quadratic_2d()
    >>> f(1.0, 1.0)
    2.1
    """
    if len(eigenvalues) != 2:
        raise ValueError(f"eigenvalues must be a pair of positive numbers, got {eigenvalues!r}")
    lam = [check_float(f"eigenvalues[{i}]", v, strict=True) for i, v in enumerate(eigenvalues)]
    R = rotation_matrix(angle)
    c, s = float(R[0, 0]), float(R[1, 0])
    # R diag(lam) R^T written out entry by entry: exactly symmetric, and the same bits on every
    # machine (a BLAS matrix product may or may not fuse multiply-adds), which lets the page's
    # JavaScript copy (d2lite/explorers/web/quadratic.js) reproduce it exactly.
    off_diagonal = (lam[0] - lam[1]) * c * s
    Q = np.array([[lam[0] * c * c + lam[1] * s * s, off_diagonal],
                  [off_diagonal, lam[0] * s * s + lam[1] * c * c]])
    return Quadratic2D(Q)


def rotated_problem(angle: float, eigenvalues: tuple[float, float] = (0.2, 4.0),
                    start: tuple[float, float] = (-5.0, -2.0)) -> tuple[Quadratic2D, tuple[float, float]]:
    r"""The chapter's problem turned as a whole by ``angle`` degrees: objective *and* start point.

    Returns ``(q, start_rotated)`` with ``q = quadratic_2d(eigenvalues, angle)`` and
    ``start_rotated = R(angle) start``.  Turning both keeps everything about the problem the same
    except its orientation against the coordinate axes, so any method that does not look at the
    axes (plain gradient descent) follows exactly the turned path.

    >>> q, start = rotated_problem(90)
    >>> [round(v, 6) + 0.0 for v in start]
    [2.0, -5.0]
    """
    q = quadratic_2d(eigenvalues, angle)
    R = rotation_matrix(angle)
    c, s = float(R[0, 0]), float(R[1, 0])
    x1, x2 = (float(v) for v in start)
    # R @ start written out: the same bits on every machine (see quadratic_2d)
    return q, (c * x1 - s * x2, s * x1 + c * x2)


def rotation_sweep(angles: Sequence[float], lr: float = 0.4, steps: int = 20,
                   eigenvalues: tuple[float, float] = (0.2, 4.0),
                   start: tuple[float, float] = (-5.0, -2.0)) -> dict[str, np.ndarray]:
    """Distance to the optimum after ``steps`` steps against the rotation angle (degrees).

    For each angle the whole problem is turned (:func:`rotated_problem`) and both Adagrad (the
    book's settings of :class:`d2lite.Adagrad`) and plain gradient descent, at the same learning
    rate ``lr``, are run from the turned start.  Returns ``{"angle": ..., "adagrad": ...,
    "gd": ...}`` as arrays.

    >>> sweep = rotation_sweep([0, 45])
    >>> bool(sweep["adagrad"][0] < sweep["adagrad"][1]), float(np.ptp(sweep["gd"])) < 1e-12
    (True, True)
    """
    lr = check_float("lr", lr, strict=True)
    steps = check_int("steps", steps)
    angles = np.asarray(angles, dtype=float)
    if angles.ndim != 1 or len(angles) == 0 or not np.isfinite(angles).all():
        raise ValueError(f"angles must be a non-empty sequence of finite angles in degrees, got {angles!r}")
    adagrad, gd = [], []
    for angle in angles:
        q, turned = rotated_problem(angle, eigenvalues, start)
        made = run(book_adagrad(lr), lambda x, q=q: q.grad(*x), turned, steps)
        adagrad.append(math.hypot(*made.points[-1]))
        gd.append(math.hypot(*train_2d(gd_2d(lr), steps, q.grad, turned, verbose=False)[-1]))
    return {"angle": angles, "adagrad": np.asarray(adagrad), "gd": np.asarray(gd)}


def full_matrix_rotation_sweep(angles: Sequence[float], lr: float = 0.4, steps: int = 20,
                               eigenvalues: tuple[float, float] = (0.2, 4.0),
                               start: tuple[float, float] = (-5.0, -2.0),
                               eps: float = 1e-6) -> dict[str, np.ndarray]:
    """Distance to the optimum after ``steps`` full-matrix steps against the rotation angle.

    The same problems as :func:`d2lite.problems.quadratic.rotation_sweep` (the whole problem, objective
    and start, turned by each angle); returns ``{"angle": ..., "full_matrix": ...}``.

    >>> sweep = full_matrix_rotation_sweep([0, 30, 45])
    >>> float(np.ptp(sweep["full_matrix"])) < 1e-9
    True
    """

    lr = check_float("lr", lr, strict=True)
    angles = np.asarray(angles, dtype=float)
    if angles.ndim != 1 or len(angles) == 0 or not np.isfinite(angles).all():
        raise ValueError(f"angles must be a non-empty sequence of finite angles in degrees, got {angles!r}")
    optimizer = FullMatrixAdagrad(lr=lr, eps=eps)
    distances = []
    for angle in angles:
        q, turned = rotated_problem(angle, eigenvalues, start)
        path = run(optimizer, lambda w, q=q: q.grad(*w), turned, steps).points
        distances.append(math.hypot(*path[-1]))
    return {"angle": angles, "full_matrix": np.asarray(distances)}
