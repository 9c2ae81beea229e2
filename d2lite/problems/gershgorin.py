r"""Gershgorin's discs: where a matrix's eigenvalues can be, read off its entries.

Disc :math:`j` of a square matrix :math:`M` has centre :math:`M_{jj}` and radius
:math:`r_j = \sum_{k \ne j} |M_{jk}|`, and every eigenvalue lies in at least one disc.  After
diagonal preconditioning (:func:`d2lite.preconditioning.diagonal_preconditioner`) every centre
is 1, which bounds the condition number (exercises 3 and 4): :func:`preconditioned_interval`.
:func:`plot_gershgorin` draws the discs with the eigenvalues.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.patches import Circle

from .plotting import pyplot_axes

__all__ = ["gershgorin_discs", "in_discs", "preconditioned_interval", "plot_gershgorin"]


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


def plot_gershgorin(M: np.ndarray, ax: Axes | None = None, *, title: str | None = None) -> Axes:
    """Draw the Gershgorin discs of ``M`` in the complex plane with its eigenvalues; return the Axes.

    ``M`` is checked as in :func:`gershgorin_discs` (square, real, finite), so the eigenvalues
    drawn are finite.  Each disc gets its own colour, a ``+`` at its centre and (up to six discs)
    its own legend entry, whose swatch is the disc's own face; the eigenvalues are black crosses.
    The axes have equal aspect, so a disc looks round.
    """
    centres, radii = gershgorin_discs(M)
    eigenvalues = np.linalg.eigvals(np.asarray(M, dtype=float))
    if ax is None:
        ax = pyplot_axes()
    palette = colormaps["Dark2"].colors  # no optimizer's colour: discs are not optimizers
    for j, (c, r) in enumerate(zip(centres, radii)):
        colour = palette[j % len(palette)]
        # the legend swatch is the disc itself (same face, alpha and edge), one entry per disc
        ax.add_patch(Circle((c, 0.0), r, facecolor=colour, alpha=0.18, edgecolor=colour,
                            linewidth=1.2, label=f"disc {j + 1}: centre {c:.3g}, radius {r:.3g}"
                            if len(centres) <= 6 else ("Gershgorin discs" if j == 0 else None)))
        ax.plot([c], [0.0], "+", color=colour, markersize=8)
    ax.plot(eigenvalues.real, eigenvalues.imag, "kx", markersize=8, markeredgewidth=2,
            label="eigenvalues")
    low, high = float((centres - radii).min()), float((centres + radii).max())
    pad = 0.1 * max(high - low, 1e-9)
    ax.set(xlim=(low - pad, high + pad), ylim=(-radii.max() - pad, radii.max() + pad),
           xlabel="real part", ylabel="imaginary part", aspect="equal")
    if title:
        ax.set_title(title)
    ax.axhline(0, color="0.8", linewidth=0.6, zorder=0)
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
              frameon=False)
    return ax
