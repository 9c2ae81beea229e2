r"""Gershgorin's discs: where a matrix's eigenvalues can be, read off its entries.

Disc :math:`j` of a square matrix :math:`M` has centre :math:`M_{jj}` and radius
:math:`r_j = \sum_{k \ne j} |M_{jk}|`, and every eigenvalue lies in at least one disc.  After
diagonal preconditioning (:func:`d2lite.problems.preconditioning.diagonal_preconditioner`) every centre
is 1, which bounds the condition number (exercises 3 and 4): :func:`preconditioned_interval`.
:func:`plot_gershgorin` draws the discs with the eigenvalues.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


__all__ = ["gershgorin_discs", "in_discs", "preconditioned_interval"]


def gershgorin_discs(M: np.ndarray | Sequence[Sequence[float]]) -> tuple[np.ndarray, np.ndarray]:
    r"""The Gershgorin discs of a square real matrix, as ``(centres, radii)``.

    Disc :math:`j` has centre :math:`M_{jj}` and radius :math:`r_j = \sum_{k \ne j} |M_{jk}|`.
    Gershgorin's circle theorem: every eigenvalue :math:`\lambda` of :math:`M` lies in at least
    one disc, :math:`|\lambda - M_{jj}| \le r_j` for some :math:`j`.

    Raises :class:`ValueError` for a matrix that is not square or holds inf/NaN, and
    :class:`TypeError` for one that is not real.

    >>> gershgorin_discs([[2.0, -1.0], [0.5, 3.0]])
    (array([2., 3.]), array([1. , 0.5]))
    """
    try:
        array = np.asarray(M)
    except Exception as error:  # ragged lists and the like
        raise ValueError(f"M must be a square matrix of real numbers; could not read it: {error}")
    if array.dtype == object:
        raise ValueError("M must be a square matrix of real numbers (rows of equal length)")
    if np.iscomplexobj(array) or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"M must be a square matrix of real numbers, got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] == 0:
        raise ValueError(f"M must be a square matrix (n x n, n >= 1), got shape {array.shape}")
    array = array.astype(float)
    if not np.isfinite(array).all():
        raise ValueError("M must hold finite numbers only; it contains inf or NaN")
    centres = np.diag(array).copy()
    radii = np.abs(array).sum(axis=1) - np.abs(centres)
    return centres, radii


def in_discs(z: np.ndarray | complex, centres: np.ndarray, radii: np.ndarray,
             tol: float = 1e-9) -> np.ndarray:
    """Whether each (complex) number in ``z`` lies in the union of the discs (up to ``tol``,
    relative to the size of the discs)."""
    z = np.atleast_1d(np.asarray(z, dtype=complex))
    centres = np.asarray(centres, dtype=float)
    radii = np.asarray(radii, dtype=float)
    slack = tol * (1.0 + np.abs(centres).max() + radii.max())
    distances = np.abs(z[:, None] - centres[None, :])
    return np.any(distances <= radii[None, :] + slack, axis=1)


def preconditioned_interval(M: np.ndarray) -> tuple[float, float]:
    r"""Gershgorin's interval for the eigenvalues of :math:`\tilde M = D^{-1/2} M D^{-1/2}`.

    With :math:`D = \operatorname{diag}(M)` (positive), every diagonal entry of :math:`\tilde M`
    is 1, so every disc is centred at 1 and a symmetric :math:`\tilde M` has its eigenvalues in
    :math:`[1 - R, 1 + R]`, :math:`R = \max_j \sum_{k\ne j} |M_{jk}| / \sqrt{M_{jj} M_{kk}}`.
    When :math:`R < 1` the condition number is at most :math:`(1 + R) / (1 - R)`.

    >>> preconditioned_interval([[4.0, 1.0], [1.0, 1.0]])    # R = 1 / sqrt(4 * 1)
    (0.5, 1.5)
    """
    centres, _ = gershgorin_discs(M)
    if np.any(centres <= 0):
        raise ValueError("M must have a positive diagonal to be preconditioned by diag(M)^(-1/2)")
    scale = np.sqrt(centres)
    _, radii = gershgorin_discs(np.asarray(M, dtype=float) / np.outer(scale, scale))
    R = float(radii.max())
    return 1.0 - R, 1.0 + R


