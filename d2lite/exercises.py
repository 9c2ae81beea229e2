r"""Helpers for the chapter's six exercises: answer checks, Gershgorin discs, the rotation sweep,
and the gentler-decay variants of Adagrad.

Sections:

* **Checks** (``check_...``): each takes the learner's answer and returns a :class:`Verdict`
  whose text says "Correct", "Not yet" with a hint naming what is wrong, or "Not answered yet"
  (when the answer is still ``None``).  A check never raises on a wrong answer.
* **Gershgorin discs**: :func:`gershgorin_discs`, :func:`draw_gershgorin`, :func:`in_discs`.
* **Rotation** (exercise 2): :func:`rotated_problem`, :func:`rotation_sweep`,
  :func:`rotation_explorer`.
* **Gentler decay** (exercise 6): update rules with explicit NumPy state
  (:func:`adagrad_rule`, :func:`rmsprop_rule`, :func:`power_rule`, :func:`adagrad_norm_rule`,
  :func:`adam_rule`), :func:`run_rule_2d`, and two small torch optimizers that torch lacks
  (:class:`AdagradPower`, :class:`AdagradNorm`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.patches import Circle

from ._checks import check_callable, check_float, check_int
from .plotting import new_figure
from .quadratic import Quadratic2D, quadratic_2d, rotation_matrix
from .trace2d import adagrad_2d, gd_2d, show_trace_2d, train_2d
from .widgets import Explorer, float_slider

__all__ = [
    # checks
    "Verdict", "check_orthogonal_maker", "check_rotated_distances", "check_gershgorin_function",
    "check_preconditioned_interval", "check_lenet", "check_leaky_accumulator",
    # Gershgorin
    "gershgorin_discs", "in_discs", "draw_gershgorin", "preconditioned_interval",
    # rotation
    "rotated_problem", "rotation_sweep", "rotation_explorer",
    # gentler decay
    "UpdateRule", "adagrad_rule", "rmsprop_rule", "power_rule", "adagrad_norm_rule", "adam_rule",
    "run_rule_2d", "AdagradPower", "AdagradNorm", "median_effective_rate",
]

# =============================================================================================
# Checks
# =============================================================================================


@dataclass(frozen=True)
class Verdict:
    """The result of a check: ``correct`` is True, False, or None (not answered yet).

    It shows as its ``message`` when it is the last expression of a cell (or when printed), and
    ``bool(verdict)`` is True only for a correct answer.
    """

    correct: bool | None
    message: str

    def __bool__(self) -> bool:
        return self.correct is True

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message


def _right(text: str) -> Verdict:
    return Verdict(True, f"Correct: {text}")


def _wrong(text: str) -> Verdict:
    return Verdict(False, f"Not yet: {text}")


def _unanswered(what: str) -> Verdict:
    return Verdict(None, f"Not answered yet: {what}, then run this cell again.")


def _call(fn: Callable, *args) -> tuple[Any, str | None]:
    """Call the learner's function; return (result, None) or (None, a description of the error)."""
    try:
        return fn(*args), None
    except Exception as error:  # the learner's code: report, never crash the check
        return None, f"{type(error).__name__}: {error}"


def check_orthogonal_maker(random_orthogonal: Callable[[int, int], np.ndarray] | None) -> Verdict:
    """Exercise 1: check ``random_orthogonal(n, seed) -> (n, n) array`` makes orthogonal matrices.

    It must give :math:`U^\\top U = I` for several sizes, depend on the seed, and not only
    return diagonal (sign-flip) matrices.
    """
    if random_orthogonal is None:
        return _unanswered("define random_orthogonal(n, seed) and set answer = random_orthogonal")
    if not callable(random_orthogonal):
        return _wrong(f"answer should be a function random_orthogonal(n, seed), got "
                      f"{type(random_orthogonal).__name__}.")
    for n in (1, 2, 3, 5, 8):
        U, error = _call(random_orthogonal, n, 0)
        if error:
            return _wrong(f"random_orthogonal({n}, 0) raised {error}.")
        U = np.asarray(U, dtype=float)
        if U.shape != (n, n):
            return _wrong(f"random_orthogonal({n}, 0) should have shape ({n}, {n}), got {U.shape}.")
        gap = float(np.abs(U.T @ U - np.eye(n)).max())
        if not gap < 1e-8:
            return _wrong(f"for n = {n}, U.T @ U differs from the identity by {gap:.3g}: the "
                          f"columns must be orthonormal (hint: the Q of a QR decomposition).")
    (U0, error0), (U1, error1) = _call(random_orthogonal, 5, 0), _call(random_orthogonal, 5, 1)
    if error0 or error1:
        return _wrong(f"random_orthogonal(5, seed) raised {error0 or error1}.")
    U0, U1 = np.asarray(U0, dtype=float), np.asarray(U1, dtype=float)
    if np.allclose(U0, U1):
        return _wrong("random_orthogonal(5, 0) and random_orthogonal(5, 1) are the same matrix: "
                      "the seed should change it.")
    if np.allclose(U0, np.diag(np.diag(U0))):
        return _wrong("the matrices are diagonal (only sign flips): a rotation should mix "
                      "coordinates; draw a random Gaussian matrix and orthogonalise it.")
    return _right("orthogonal for every size tried, and different for different seeds.")


def rotated_problem(angle: float, eigenvalues: tuple[float, float] = (0.2, 4.0),
                    start: tuple[float, float] = (-5.0, -2.0)) -> tuple[Quadratic2D, tuple[float, float]]:
    r"""The chapter's problem turned as a whole by ``angle`` degrees: objective *and* start point.

    Returns ``(q, start_rotated)`` with ``q = quadratic_2d(eigenvalues, angle)`` and
    ``start_rotated = R(angle) start``.  Turning both keeps everything about the problem the same
    except its orientation against the coordinate axes, so any method that does not look at the
    axes (plain gradient descent) follows exactly the turned path.
    """
    q = quadratic_2d(eigenvalues, angle)
    R = rotation_matrix(angle)
    c, s = float(R[0, 0]), float(R[1, 0])
    x1, x2 = (float(v) for v in start)
    # R @ start written out: the same bits on every machine (see quadratic_2d)
    return q, (c * x1 - s * x2, s * x1 + c * x2)


def _distance_after(trainer, angle: float, steps: int, eigenvalues, start) -> float:
    q, start_rotated = rotated_problem(angle, eigenvalues, start)
    x1, x2 = train_2d(trainer, steps=steps, f_grad=q.grad, start=start_rotated, verbose=False)[-1]
    return float(math.hypot(x1, x2))


def check_rotated_distances(distance_0: float | None, distance_45: float | None,
                            eta: float = 0.4, steps: int = 20) -> Verdict:
    """Exercise 2: check the distances to the optimum after ``steps`` Adagrad steps (rate ``eta``)
    on the chapter's problem (``distance_0``) and on the problem turned by 45 degrees
    (``distance_45``, objective and start point turned together, see :func:`rotated_problem`)."""
    if distance_0 is None or distance_45 is None:
        return _unanswered("compute distance_0 and distance_45")
    for name, value in (("distance_0", distance_0), ("distance_45", distance_45)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
            return _wrong(f"{name} should be a number (the length of the last point), got "
                          f"{type(value).__name__}.")
    true_0 = _distance_after(adagrad_2d(eta), 0, steps, (0.2, 4.0), (-5.0, -2.0))
    true_45 = _distance_after(adagrad_2d(eta), 45, steps, (0.2, 4.0), (-5.0, -2.0))
    gd_value = _distance_after(gd_2d(eta), 0, steps, (0.2, 4.0), (-5.0, -2.0))
    fixed_start = train_2d(adagrad_2d(eta), steps=steps, f_grad=quadratic_2d(angle=45).grad,
                           verbose=False)[-1]

    def close(a, b):
        return abs(a - b) <= 1e-3 * max(1.0, abs(b))

    if close(distance_0, true_45) and close(distance_45, true_0):
        return _wrong("the two distances are swapped.")
    if close(distance_0, gd_value) or close(distance_45, gd_value):
        return _wrong("that is gradient descent's distance; use adagrad_2d.")
    if not close(distance_0, true_0):
        return _wrong(f"distance_0 should be the length of the last point of train_2d("
                      f"adagrad_2d({eta}), steps={steps}, f_grad=q.grad, verbose=False) with q = "
                      f"quadratic_2d(); the distance is sqrt(x1**2 + x2**2).")
    if close(distance_45, math.hypot(*fixed_start)):
        return _wrong("the start point must turn with the objective: use "
                      "q, start = rotated_problem(45) and pass start=start to train_2d.")
    if not close(distance_45, true_45):
        return _wrong("distance_45 is off: use q, start = rotated_problem(45), then train_2d("
                      "..., f_grad=q.grad, start=start, verbose=False).")
    return _right(f"{true_0:.3f} without rotation, {true_45:.3f} after turning the problem by 45 "
                  f"degrees: Adagrad is not invariant under rotations.")


def check_gershgorin_function(discs: Callable[[np.ndarray], tuple] | None) -> Verdict:
    """Exercise 3: check the learner's ``discs(M) -> (centres, radii)`` against the definition.

    Centres are the diagonal entries; radius ``j`` is the sum of ``|M[j, k]|`` over ``k != j``
    (rows).  Tried on symmetric, non-symmetric and negative-entry matrices.
    """
    if discs is None:
        return _unanswered("define discs(M) returning (centres, radii) and set answer = discs")
    if not callable(discs):
        return _wrong(f"answer should be a function discs(M), got {type(discs).__name__}.")
    rng = np.random.default_rng(7)
    matrices = [np.array([[4.0, -1.0, 0.5], [2.0, -3.0, 1.0], [0.0, -2.5, 1.0]]),
                rng.normal(size=(5, 5)), np.diag([1.0, 2.0, 3.0]), np.array([[2.0]])]
    for M in matrices:
        result, error = _call(discs, M.copy())
        if error:
            return _wrong(f"discs raised {error} for the {M.shape[0]}x{M.shape[0]} matrix\n{M}")
        try:
            centres, radii = (np.asarray(part, dtype=float).ravel() for part in result)
        except (TypeError, ValueError):
            return _wrong("discs(M) should return a pair (centres, radii) of arrays.")
        true_centres, true_radii = gershgorin_discs(M)
        if centres.shape != true_centres.shape or radii.shape != true_radii.shape:
            return _wrong(f"for an {len(M)}x{len(M)} matrix expect {len(M)} centres and "
                          f"{len(M)} radii, got {centres.size} and {radii.size}.")
        if not np.allclose(centres, true_centres):
            return _wrong("the centres should be the diagonal entries M[j, j].")
        if np.allclose(radii, true_radii):
            continue
        if np.allclose(radii, np.abs(M).sum(axis=1)):
            return _wrong("the radii include the diagonal entry: sum |M[j, k]| over k != j only.")
        if np.allclose(radii, np.abs(M).sum(axis=0) - np.abs(np.diag(M))):
            return _wrong("you summed columns; the theorem holds for columns too (apply it to "
                          "M.T), but here use the rows: sum over k of |M[j, k]|.")
        if np.allclose(radii, (M - np.diag(np.diag(M))).sum(axis=1)):
            return _wrong("take absolute values: the radius is sum |M[j, k]|, not the sum "
                          "of the entries (it can never be negative).")
        return _wrong("the radius of disc j is the sum of |M[j, k]| over k != j.")
    return _right("centres on the diagonal, radii the off-diagonal absolute row sums.")


def check_preconditioned_interval(interval: Callable[[np.ndarray], tuple[float, float]] | None
                                  ) -> Verdict:
    r"""Exercise 4: check ``interval(M) -> (low, high)``, the Gershgorin interval that holds the
    eigenvalues of the diagonally preconditioned :math:`\tilde M = D^{-1/2} M D^{-1/2}`,
    :math:`D = \operatorname{diag}(M)`, namely :math:`[1 - R, 1 + R]` with :math:`R` the largest
    radius of :math:`\tilde M`.  (``low`` clipped at 0 is accepted too: the matrices are
    positive definite.)"""
    if interval is None:
        return _unanswered("define interval(M) returning (low, high) and set answer = interval")
    if not callable(interval):
        return _wrong(f"answer should be a function interval(M), got {type(interval).__name__}.")
    rng = np.random.default_rng(11)
    tests = []
    for n, coupling in ((3, 0.1), (4, 0.2), (6, 0.6)):
        S = rng.normal(size=(n, n))
        S = (S + S.T) / 2
        np.fill_diagonal(S, 0)
        A = np.eye(n) + coupling * S / max(1.0, np.abs(S).sum(axis=1).max())
        scale = np.diag(10 ** rng.uniform(-2, 2, size=n))
        tests.append(scale @ A @ scale)
    for M in tests:
        result, error = _call(interval, M.copy())
        if error:
            return _wrong(f"interval raised {error}.")
        try:
            low, high = (float(v) for v in result)
        except (TypeError, ValueError):
            return _wrong("interval(M) should return two numbers (low, high).")
        true_low, true_high = preconditioned_interval(M)
        centres, radii = gershgorin_discs(M)
        if np.isclose(low, (centres - radii).min()) and np.isclose(high, (centres + radii).max()):
            return _wrong("that is the interval for M itself; precondition first: "
                          "M_tilde[j, k] = M[j, k] / sqrt(M[j, j] * M[k, k]).")
        low_ok = np.isclose(low, true_low) or np.isclose(low, max(true_low, 0.0))
        if not (low_ok and np.isclose(high, true_high)):
            eigenvalues = np.linalg.eigvalsh(M / np.sqrt(np.outer(np.diag(M), np.diag(M))))
            hint = ("it does not even contain every eigenvalue" if
                    eigenvalues.min() < low - 1e-9 or eigenvalues.max() > high + 1e-9 else
                    "it holds the eigenvalues but is not Gershgorin's interval")
            return _wrong(f"got ({low:.4g}, {high:.4g}); {hint}. Every disc of M_tilde is "
                          f"centred at 1; the interval is [1 - R, 1 + R] with R the largest "
                          f"radius.")
    return _right("[1 - R, 1 + R] with R the largest radius of the preconditioned matrix.")


def check_lenet(net: torch.nn.Module | None, image_size: int = 8, num_classes: int = 10) -> Verdict:
    """Exercise 5: check a learner's LeNet-style network: shapes in and out, convolutions, pooling."""
    if net is None:
        return _unanswered("build your network and set answer = net")
    if not isinstance(net, torch.nn.Module):
        return _wrong(f"answer should be a torch.nn.Module (for example an nn.Sequential), got "
                      f"{type(net).__name__}.")
    X = torch.zeros(3, 1, image_size, image_size)
    with torch.no_grad():
        out, error = _call(net, X)
    if error:
        return _wrong(f"net(X) for X of shape {tuple(X.shape)} raised {error}. Check the input "
                      f"size of the first nn.Linear: it must equal channels x height x width "
                      f"after the last pooling.")
    if tuple(out.shape) != (3, num_classes):
        return _wrong(f"net(X) for a batch of 3 images should have shape (3, {num_classes}) "
                      f"(one score per class), got {tuple(out.shape)}.")
    kinds = [type(m) for m in net.modules()]
    convolutions = sum(k is torch.nn.Conv2d for k in kinds)
    if convolutions < 2:
        return _wrong(f"LeNet has two convolutional layers (nn.Conv2d); found {convolutions}.")
    if not any(issubclass(k, (torch.nn.MaxPool2d, torch.nn.AvgPool2d)) for k in kinds):
        return _wrong("LeNet pools after each convolution (nn.MaxPool2d or nn.AvgPool2d).")
    if sum(k is torch.nn.Linear for k in kinds) < 2:
        return _wrong("LeNet ends with dense layers (at least two nn.Linear).")
    count = sum(p.numel() for p in net.parameters())
    return _right(f"{convolutions} convolutions with pooling, dense layers, {count:,} parameters, "
                  f"output of shape (batch, {num_classes}).")


def check_leaky_accumulator(update: Callable[[np.ndarray, np.ndarray, float], np.ndarray] | None
                            ) -> Verdict:
    r"""Exercise 6: check ``update(s, g, gamma) -> new s`` for RMSProp's leaky average
    :math:`s \leftarrow \gamma s + (1 - \gamma) g^2` (coordinate-wise)."""
    if update is None:
        return _unanswered("define update(s, g, gamma) and set answer = update")
    if not callable(update):
        return _wrong(f"answer should be a function update(s, g, gamma), got {type(update).__name__}.")
    s = np.array([1.0, 0.5, 2.0])
    g = np.array([3.0, -1.0, 0.5])
    gamma = 0.9
    result, error = _call(update, s.copy(), g.copy(), gamma)
    if error:
        return _wrong(f"update raised {error}.")
    try:
        result = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return _wrong("update should return the new state as an array.")
    if result.shape != s.shape:
        return _wrong(f"the new state should have the shape of s, {s.shape}, got {result.shape}.")
    if np.allclose(result, gamma * s + (1 - gamma) * g ** 2):
        return _right("s <- gamma s + (1 - gamma) g^2: old squared gradients fade by gamma each step.")
    if np.allclose(result, s + g ** 2):
        return _wrong("that is Adagrad's running sum; weight the old state by gamma and the new "
                      "squared gradient by (1 - gamma).")
    if np.allclose(result, (1 - gamma) * s + gamma * g ** 2):
        return _wrong("the weights are swapped: the old state keeps gamma (close to 1), the new "
                      "squared gradient gets (1 - gamma).")
    if np.allclose(result, gamma * s + (1 - gamma) * g):
        return _wrong("square the gradient: the state averages g**2, not g.")
    return _wrong("expected gamma * s + (1 - gamma) * g**2, coordinate by coordinate.")


# =============================================================================================
# Gershgorin discs
# =============================================================================================


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
    """
    centres, _ = gershgorin_discs(M)
    if np.any(centres <= 0):
        raise ValueError("M must have a positive diagonal to be preconditioned by diag(M)^(-1/2)")
    scale = np.sqrt(centres)
    _, radii = gershgorin_discs(np.asarray(M, dtype=float) / np.outer(scale, scale))
    R = float(radii.max())
    return 1.0 - R, 1.0 + R


def draw_gershgorin(M: np.ndarray, ax: Axes | None = None, *, title: str | None = None) -> Axes:
    """Draw the Gershgorin discs of ``M`` in the complex plane with its eigenvalues; return the Axes.

    ``M`` is checked as in :func:`gershgorin_discs` (square, real, finite), so the eigenvalues
    drawn are finite.  Each disc gets its own colour and a ``+`` at its centre; the eigenvalues are
    black crosses.
    """
    centres, radii = gershgorin_discs(M)
    eigenvalues = np.linalg.eigvals(np.asarray(M, dtype=float))
    if ax is None:
        _, ax = new_figure()
    for j, (c, r) in enumerate(zip(centres, radii)):
        ax.add_patch(Circle((c, 0.0), r, facecolor=f"C{j % 10}", alpha=0.18,
                            edgecolor=f"C{j % 10}", linewidth=1.2,
                            label="Gershgorin discs" if j == 0 else None))
        ax.plot([c], [0.0], "+", color=f"C{j % 10}", markersize=8)
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


# =============================================================================================
# Rotation (exercise 2)
# =============================================================================================


def rotation_sweep(angles: Sequence[float], eta: float = 0.4, steps: int = 20,
                   eigenvalues: tuple[float, float] = (0.2, 4.0),
                   start: tuple[float, float] = (-5.0, -2.0)) -> dict[str, np.ndarray]:
    """Distance to the optimum after ``steps`` steps against the rotation angle (degrees).

    For each angle the whole problem is turned (:func:`rotated_problem`) and both Adagrad and
    plain gradient descent, at the same rate ``eta``, are run from the turned start.  Returns
    ``{"angle": ..., "adagrad": ..., "gd": ...}`` as arrays.
    """
    eta = check_float("eta", eta, strict=True)
    steps = check_int("steps", steps)
    angles = np.asarray(angles, dtype=float)
    if angles.ndim != 1 or len(angles) == 0 or not np.isfinite(angles).all():
        raise ValueError(f"angles must be a non-empty sequence of finite angles in degrees, got {angles!r}")
    adagrad = [_distance_after(adagrad_2d(eta), a, steps, eigenvalues, start) for a in angles]
    gd = [_distance_after(gd_2d(eta), a, steps, eigenvalues, start) for a in angles]
    return {"angle": angles, "adagrad": np.asarray(adagrad), "gd": np.asarray(gd)}


def rotation_explorer(eta: float = 0.4, steps: int = 20, angle: float = 45.0) -> Explorer:
    """Exercise 2's slider: the angle of the problem (0 to 90 degrees).

    Left, the Adagrad and gradient-descent paths on the turned problem; right, the distance
    after ``steps`` steps against the angle for both (computed once), with the current angle
    marked.
    """
    eta = check_float("eta", eta, strict=True)
    steps = check_int("steps", steps)
    sweep = rotation_sweep(np.linspace(0, 90, 31), eta, steps)

    def draw(angle: float):
        fig, (left, right) = new_figure(1, 2, figsize=(8.0, 3.4), margins=dict(
            left=0.08, right=0.98, bottom=0.16, top=0.9, wspace=0.25))
        q, start = rotated_problem(angle)
        paths = {f"Adagrad, eta={eta:g}": train_2d(adagrad_2d(eta), steps, q.grad, start, verbose=False),
                 f"GD, eta={eta:g}": train_2d(gd_2d(eta), steps, q.grad, start, verbose=False)}
        show_trace_2d(q, {**paths, "optimum": [(0.0, 0.0)]}, ax=left, grid_points=60)
        left.set_title(f"problem turned by {angle:.0f} degrees", fontsize="medium")
        right.plot(sweep["angle"], sweep["adagrad"], "-", color="C1", label="Adagrad")
        right.plot(sweep["angle"], sweep["gd"], "--", color="C2", label="gradient descent")
        right.axvline(angle, color="0.4", linewidth=1, linestyle=":")
        for i, points in enumerate(paths.values()):
            right.plot([angle], [math.hypot(*points[-1])], "o", color=f"C{i + 1}")
        right.set(xlabel="rotation angle (degrees)", ylabel=f"distance after {steps} steps",
                  xlim=(0, 90), ylim=(0, None))
        right.set_title("only Adagrad depends on the angle", fontsize="medium")
        right.legend(fontsize="small")
        return fig

    return Explorer(draw, {"angle": float_slider("angle (degrees)", angle, 0.0, 90.0, 5.0,
                                                 readout_format=".0f")})


# =============================================================================================
# Gentler decay (exercise 6): update rules with explicit state
# =============================================================================================


class SumState(NamedTuple):
    """Per-coordinate accumulator ``s`` (Adagrad, RMSProp, the power rule)."""
    s: np.ndarray


class NormState(NamedTuple):
    """AdaGrad-Norm's single accumulator ``b2`` (a scalar for all coordinates)."""
    b2: float


class AdamState(NamedTuple):
    """Adam's first and second moments and the step count."""
    m: np.ndarray
    v: np.ndarray
    t: int


@dataclass(frozen=True)
class UpdateRule:
    r"""An adaptive update rule with explicit state, in the init/update style.

    ``init(x) -> state``; ``update(g, state) -> (step, state, rate)`` where the new point is
    ``x - step`` and ``rate`` is the effective learning rate per coordinate: the factor that
    multiplies the gradient (for Adam, its averaged gradient).
    """

    name: str
    init: Callable[[np.ndarray], Any]
    update: Callable[[np.ndarray, Any], tuple[np.ndarray, Any, np.ndarray]]


def adagrad_rule(eta: float, eps: float = 1e-6) -> UpdateRule:
    r"""Adagrad: :math:`s \leftarrow s + g^2`, rate :math:`\eta / \sqrt{s + \epsilon}`."""
    eta, eps = check_float("eta", eta, strict=True), check_float("eps", eps)

    def update(g, state):
        s = state.s + g * g
        rate = eta / np.sqrt(s + eps)
        return rate * g, SumState(s), rate

    return UpdateRule(f"Adagrad (eta={eta:g})", lambda x: SumState(np.zeros_like(x)), update)


def rmsprop_rule(eta: float, gamma: float = 0.9, eps: float = 1e-6) -> UpdateRule:
    r"""RMSProp: the leaky average :math:`s \leftarrow \gamma s + (1-\gamma) g^2`, rate
    :math:`\eta / \sqrt{s + \epsilon}`: old gradients fade, so the rate stops shrinking."""
    eta, eps = check_float("eta", eta, strict=True), check_float("eps", eps)
    gamma = check_float("gamma", gamma, maximum=1.0)

    def update(g, state):
        s = gamma * state.s + (1 - gamma) * g * g
        rate = eta / np.sqrt(s + eps)
        return rate * g, SumState(s), rate

    return UpdateRule(f"RMSProp (eta={eta:g}, gamma={gamma:g})",
                      lambda x: SumState(np.zeros_like(x)), update)


def power_rule(eta: float, power: float = 0.25, eps: float = 1e-6) -> UpdateRule:
    r"""Adagrad's sum raised to a smaller power: rate :math:`\eta / (s + \epsilon)^{p}`.

    :math:`p = 1/2` is Adagrad; with :math:`s` growing like :math:`t`, the rate decays like
    :math:`t^{-p}`, slower for smaller :math:`p`.
    """
    eta, eps = check_float("eta", eta, strict=True), check_float("eps", eps, strict=True)
    power = check_float("power", power, maximum=1.0)

    def update(g, state):
        s = state.s + g * g
        rate = eta / (s + eps) ** power
        return rate * g, SumState(s), rate

    return UpdateRule(f"power {power:g} (eta={eta:g})", lambda x: SumState(np.zeros_like(x)), update)


def adagrad_norm_rule(eta: float, b0: float = 1e-3) -> UpdateRule:
    r"""AdaGrad-Norm (Ward, Wu and Bottou, 2019): one accumulator for the whole gradient,
    :math:`b^2 \leftarrow b^2 + \lVert g \rVert^2`, rate :math:`\eta / b` for every coordinate.

    It keeps the :math:`t^{-1/2}` decay but, being a function of :math:`\lVert g\rVert` only, is
    invariant under rotations (and needs no per-coordinate state).
    """
    eta, b0 = check_float("eta", eta, strict=True), check_float("b0", b0, strict=True)

    def update(g, state):
        b2 = state.b2 + float(np.dot(g, g))
        rate = np.full_like(g, eta / math.sqrt(b2))
        return rate * g, NormState(b2), rate

    return UpdateRule(f"AdaGrad-Norm (eta={eta:g})", lambda x: NormState(b0 * b0), update)


def adam_rule(eta: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> UpdateRule:
    r"""Adam: leaky averages of :math:`g` and :math:`g^2` with bias correction,
    step :math:`\eta\, \hat m / (\sqrt{\hat v} + \epsilon)`; rate :math:`\eta / (\sqrt{\hat v} + \epsilon)`."""
    eta, eps = check_float("eta", eta, strict=True), check_float("eps", eps, strict=True)
    beta1 = check_float("beta1", beta1, maximum=1.0)
    beta2 = check_float("beta2", beta2, maximum=1.0)

    def update(g, state):
        t = state.t + 1
        m = beta1 * state.m + (1 - beta1) * g
        v = beta2 * state.v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
        rate = eta / (np.sqrt(v_hat) + eps)
        return rate * m_hat, AdamState(m, v, t), rate

    return UpdateRule(f"Adam (eta={eta:g})",
                      lambda x: AdamState(np.zeros_like(x), np.zeros_like(x), 0), update)


def run_rule_2d(rule: UpdateRule, f_grad: Callable[[float, float], tuple[float, float]],
                steps: int = 20, start: tuple[float, float] = (-5.0, -2.0), noise: float = 0.0,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""Run ``rule`` on a 2-D problem; return ``(points, rates)``.

    ``points`` has shape ``(steps + 1, 2)`` (the start included), ``rates`` ``(steps, 2)``: the
    effective learning rate of each coordinate at each step.  With ``noise > 0`` every gradient
    gets Gaussian noise of that standard deviation (seeded by ``seed``), the 2-D stand-in for a
    minibatch gradient.  A run that overflows continues with NaN.
    """
    if not isinstance(rule, UpdateRule):
        raise TypeError(f"rule must be an UpdateRule (from adagrad_rule, rmsprop_rule, ...), "
                        f"got {type(rule).__name__}")
    check_callable("f_grad", f_grad)
    steps = check_int("steps", steps)
    noise = check_float("noise", noise)
    rng = np.random.default_rng(seed)
    x = np.asarray(start, dtype=float).copy()
    if x.shape != (2,):
        raise ValueError(f"start must be a point (x1, x2), got {start!r}")
    state = rule.init(x)
    points, rates = [x.copy()], []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            g = np.asarray(f_grad(x[0], x[1]), dtype=float)
            if noise:
                g = g + noise * rng.standard_normal(2)
            step, state, rate = rule.update(g, state)
            x = x - step
            points.append(x.copy())
            rates.append(np.asarray(rate, dtype=float).copy())
    return np.asarray(points), np.asarray(rates)


class AdagradPower(torch.optim.Optimizer):
    r"""Adagrad with the accumulated sum raised to ``power`` instead of 1/2 (torch lacks it).

    State per parameter: ``sum`` (the running sum of squared gradients).
    Update: :math:`s \leftarrow s + g^2,\ w \leftarrow w - \eta\, g / (s + \epsilon)^{p}`.
    """

    def __init__(self, params, lr: float = 0.01, power: float = 0.25, eps: float = 1e-10) -> None:
        check_float("lr", lr, strict=True)
        check_float("power", power, maximum=1.0)
        check_float("eps", eps, strict=True)
        super().__init__(params, dict(lr=lr, power=power, eps=eps))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None if closure is None else closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "sum" not in state:
                    state["sum"] = torch.zeros_like(p)
                state["sum"].add_(p.grad * p.grad)
                p.sub_(group["lr"] * p.grad / (state["sum"] + group["eps"]) ** group["power"])
        return loss


class AdagradNorm(torch.optim.Optimizer):
    r"""AdaGrad-Norm: one accumulator for all parameters, :math:`b^2 \leftarrow b^2 +
    \lVert g \rVert^2` over every parameter's gradient, then :math:`w \leftarrow w - \eta g / b`.

    State: ``self.b2`` (a float), readable at any time.
    """

    def __init__(self, params, lr: float = 0.1, b0: float = 1e-3) -> None:
        check_float("lr", lr, strict=True)
        check_float("b0", b0, strict=True)
        super().__init__(params, dict(lr=lr))
        self.b2 = b0 * b0

    @torch.no_grad()
    def step(self, closure=None):
        loss = None if closure is None else closure()
        grads = [p.grad for group in self.param_groups for p in group["params"] if p.grad is not None]
        self.b2 += float(sum((g * g).sum() for g in grads))
        b = math.sqrt(self.b2)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.sub_(group["lr"] / b * p.grad)
        return loss


def median_effective_rate(optimizer: torch.optim.Optimizer) -> float:
    r"""The median, over every parameter coordinate, of the optimizer's current effective rate.

    The effective rate is the factor in front of the gradient (for Adam, of its bias-corrected
    average): :math:`\eta / (\sqrt{s} + \epsilon)` for ``torch.optim.Adagrad`` (state ``sum``)
    and ``RMSprop`` (``square_avg``), :math:`\eta / (\sqrt{\hat v} + \epsilon)` for ``Adam``,
    :math:`\eta / (s + \epsilon)^p` for :class:`AdagradPower`, :math:`\eta / b` for
    :class:`AdagradNorm` and :math:`\eta` for ``SGD``.  Coordinates with no state yet are left
    out; NaN when none has any.  Pass it as ``on_step`` (through a lambda that stores the value)
    to :func:`d2lite.train_classifier` to follow the rate over training.
    """
    if isinstance(optimizer, AdagradNorm):
        return optimizer.param_groups[0]["lr"] / math.sqrt(optimizer.b2)
    if type(optimizer) is torch.optim.SGD:
        return float(optimizer.param_groups[0]["lr"])
    rates = []
    with torch.no_grad():
        for group in optimizer.param_groups:
            lr = group["lr"]
            for p in group["params"]:
                state = optimizer.state.get(p, {})
                if isinstance(optimizer, AdagradPower) and "sum" in state:
                    rates.append((lr / (state["sum"] + group["eps"]) ** group["power"]).flatten())
                elif isinstance(optimizer, torch.optim.Adagrad) and "sum" in state:
                    step = float(state["step"])
                    clr = lr / (1 + (step - 1) * group["lr_decay"])
                    rates.append((clr / (state["sum"].sqrt() + group["eps"])).flatten())
                elif isinstance(optimizer, torch.optim.RMSprop) and "square_avg" in state:
                    if group.get("centered") or group.get("momentum"):
                        raise ValueError("median_effective_rate supports plain RMSprop only "
                                         "(centered=False, momentum=0)")
                    rates.append((lr / (state["square_avg"].sqrt() + group["eps"])).flatten())
                elif isinstance(optimizer, torch.optim.Adam) and "exp_avg_sq" in state:
                    correction = 1 - group["betas"][1] ** float(state["step"])
                    denominator = (state["exp_avg_sq"] / correction).sqrt() + group["eps"]
                    rates.append((lr / denominator).flatten())
                elif state:
                    raise TypeError(f"median_effective_rate does not know "
                                    f"{type(optimizer).__name__}; supported: SGD, Adagrad, RMSprop, "
                                    f"Adam, AdagradPower, AdagradNorm")
    if not rates:
        return math.nan
    return float(torch.cat(rates).median())
