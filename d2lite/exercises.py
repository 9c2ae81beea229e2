r"""Checks for the answers to the chapter's six exercises, and nothing else.

Each ``check_...`` takes the learner's answer and returns a :class:`Verdict` whose text says
"Correct", "Not yet" with a hint naming what is wrong, or "Not answered yet" (when the answer is
still ``None``).  A check never raises, whatever the answer does, and stops after 30 s.  The maths the exercises use lives in
the modules of its subject: :mod:`d2lite.quadratic` (rotations), :mod:`d2lite.gershgorin`,
:mod:`d2lite.variants` (gentler decays) and :mod:`d2lite.torch_variants`.

>>> check_leaky_accumulator(None)
Not answered yet: define leaky_update(s, g, gamma) and set answer = leaky_update, then run this cell again.
>>> check_leaky_accumulator(lambda s, g, gamma: gamma * s + (1 - gamma) * g ** 2).correct
True
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch

from ._checks import guarded_check
from .gershgorin import gershgorin_discs, preconditioned_interval
from .quadratic import quadratic_2d, rotated_problem
from .trace2d import adagrad_2d_rule, gd_2d, train_2d

__all__ = ["Verdict", "check_orthogonal_maker", "check_rotated_distances",
           "check_gershgorin_function", "check_preconditioned_interval", "check_lenet",
           "check_leaky_accumulator"]


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

    __repr__ = __str__


def _right(text: str) -> Verdict:
    return Verdict(True, f"Correct: {text}")


def _wrong(text: str) -> Verdict:
    return Verdict(False, f"Not yet: {text}")


def _unanswered(what: str) -> Verdict:
    return Verdict(None, f"Not answered yet: {what}, then run this cell again.")


def _call(fn: Callable, *args) -> tuple[Any, str | None]:  # (result, None) or (None, the error)
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


def _distance_after(trainer, angle: float, steps: int, eigenvalues, start) -> float:
    q, start_rotated = rotated_problem(angle, eigenvalues, start)
    x1, x2 = train_2d(trainer, steps=steps, f_grad=q.grad, start=start_rotated, verbose=False)[-1]
    return float(math.hypot(x1, x2))


def check_rotated_distances(distance_0: float | None, distance_45: float | None,
                            lr: float = 0.4, steps: int = 20) -> Verdict:
    """Exercise 2: check the distances to the optimum after ``steps`` Adagrad steps (rate ``lr``)
    on the chapter's problem (``distance_0``) and on the problem turned by 45 degrees
    (``distance_45``, objective and start point turned together, see :func:`rotated_problem`)."""
    if distance_0 is None or distance_45 is None:
        return _unanswered("compute distance_0 and distance_45")
    for name, value in (("distance_0", distance_0), ("distance_45", distance_45)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
            return _wrong(f"{name} should be a number (the length of the last point), got "
                          f"{type(value).__name__}.")
    true_0 = _distance_after(adagrad_2d_rule(lr), 0, steps, (0.2, 4.0), (-5.0, -2.0))
    true_45 = _distance_after(adagrad_2d_rule(lr), 45, steps, (0.2, 4.0), (-5.0, -2.0))
    gd_value = _distance_after(gd_2d(lr), 0, steps, (0.2, 4.0), (-5.0, -2.0))
    fixed_start = train_2d(adagrad_2d_rule(lr), steps=steps, f_grad=quadratic_2d(angle=45).grad,
                           verbose=False)[-1]

    def close(a, b):
        return abs(a - b) <= 1e-3 * max(1.0, abs(b))

    if close(distance_0, true_45) and close(distance_45, true_0):
        return _wrong("the two distances are swapped.")
    if close(distance_0, gd_value) or close(distance_45, gd_value):
        return _wrong("that is gradient descent's distance; use adagrad_2d_rule.")
    if not close(distance_0, true_0):
        return _wrong(f"distance_0 should be the length of the last point of train_2d("
                      f"adagrad_2d_rule({lr}), steps={steps}, f_grad=q.grad, verbose=False) with q = "
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
        return _unanswered("build your network and store it in net")
    if not isinstance(net, torch.nn.Module):
        return _wrong(f"net should be a torch.nn.Module (for example an nn.Sequential), got "
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
        return _unanswered("define leaky_update(s, g, gamma) and set answer = leaky_update")
    if not callable(update):
        return _wrong(f"answer should be a function leaky_update(s, g, gamma), got {type(update).__name__}.")
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

for _name in __all__[1:]:  # every check never raises (an error becomes the verdict); 30 s at most
    globals()[_name] = guarded_check(_wrong, 30.0)(globals()[_name])
