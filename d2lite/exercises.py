r"""Checks for the answers to the chapter's six exercises, and self-checks for the three proofs.

Each ``check_...`` takes the learner's answer and returns a :class:`Verdict` whose text says
"Correct", "Not yet" with a hint naming what is wrong, or "Not answered yet" (when the answer is
still ``None``).  The checks test what an answer *does*, on many inputs: random states, several
values of every parameter, several shapes and dtypes, and for the network, what its forward pass
runs and whether a few training steps lower its loss.  A right answer written another way
(columns instead of rows in Gershgorin's theorem, :math:`D^{-1}M` instead of
:math:`D^{-1/2}MD^{-1/2}`) is accepted with a note that says why it is right.

A check never raises, whatever the answer does (raises, returns ``None``, changes its input,
loops): every check is wrapped by :func:`d2lite._checks.guarded_check` and stops after 30 s.

The three ``try_claim_...`` functions are the proofs' numerical self-checks: the learner writes
the statement they proved as a function, and the self-check looks for a counterexample on many
random matrices (and says when a claim is true but empty, e.g. a region holding every point).

The maths the exercises use lives in the modules of its subject: :mod:`d2lite.problems.quadratic`
(rotations), :mod:`d2lite.problems.gershgorin`, :mod:`d2lite.optimizers.variants` and :mod:`d2lite.optimizers.torch_variants`.

>>> check_leaky_accumulator(None)
Not answered yet: define leaky_update(s, g, gamma) and set answer = leaky_update, then run this cell again.
>>> check_leaky_accumulator(lambda s, g, gamma: gamma * s + (1 - gamma) * g ** 2).correct
True
>>> check_leaky_accumulator(lambda s, g, gamma: 0.9 * s + 0.1 * g ** 2).correct
False
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch

from ._checks import guarded_check
from .problems.gershgorin import gershgorin_discs, preconditioned_interval
from .problems.quadratic import quadratic_2d, rotated_problem
from .book.trace2d import adagrad_2d_rule, gd_2d, train_2d

__all__ = ["Verdict", "check_orthogonal_maker", "check_rotated_distances",
           "check_gershgorin_function", "check_preconditioned_interval", "check_lenet",
           "check_leaky_accumulator", "try_claim_lengths", "try_claim_discs",
           "try_claim_condition_bound"]


@dataclass(frozen=True)
class Verdict:
    """The result of a check: ``correct`` is True, False, or None (not answered yet).

    It shows as its ``message`` when it is the last expression of a cell (or when printed), and
    ``bool(verdict)`` is True only for a correct answer.

    >>> bool(Verdict(True, "Correct: yes")), bool(Verdict(None, "Not answered yet"))
    (True, False)
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


class _Failed(Exception):
    """Raised inside a check to return a 'Not yet' verdict with this message."""


def _call(fn: Callable, *args, what: str = "your function") -> Any:
    """``fn(*args)``; an exception becomes a 'Not yet' verdict that names it."""
    try:
        return fn(*args)
    except _Failed:
        raise
    except Exception as error:  # the learner's code: report, never crash the check
        if type(error).__name__ == "TooSlow":  # the time limit of guarded_check: let it through
            raise
        shown = ", ".join(_short(a) for a in args)
        raise _Failed(f"{what}({shown}) raised {type(error).__name__}: {error}") from None


def _call_on_matrix(fn: Callable, M: np.ndarray, what: str, returns: str, mutated: str) -> Any:
    """``fn(M)`` on a copy of ``M``: a 'Not yet' verdict when it changes its input (``mutated``
    says what to do instead) or returns None (``returns`` is the return line it needs)."""
    given = M.copy()
    result = _call(fn, given, what=what)
    if not np.array_equal(given, M):
        raise _Failed(f"{what} changed the matrix it was given{mutated}")
    if result is None:
        raise _Failed(f"{what}(M) returned None: does it end with `{returns}`?")
    return result


def _two_numbers(result: Any, hint: str) -> tuple[float, float]:
    """``result`` as two floats (tensors detached first, so a tensor that requires a gradient
    gives no warning), or a 'Not yet' verdict with ``hint``."""
    try:
        first, second = (float(v.detach()) if isinstance(v, torch.Tensor) else float(v) for v in result)
    except (TypeError, ValueError, RuntimeError):
        raise _Failed(hint) from None
    return first, second


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"<array of shape {value.shape}, {value.dtype}>"
    if isinstance(value, torch.Tensor):
        return f"<tensor of shape {tuple(value.shape)}>"
    return repr(value)


def _as_array(value: Any, what: str) -> np.ndarray:
    if value is None:
        raise _Failed(f"{what} returned None: does your function end with a `return` of the result?")
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value)
        if array.dtype == object or array.dtype.kind not in "biuf":
            raise TypeError
        return array.astype(float) if array.dtype.kind != "f" else array
    except (TypeError, ValueError):
        raise _Failed(f"{what} should be an array of numbers, got {type(value).__name__}: "
                      f"{value!r:.60}") from None


def _checked(check: Callable) -> Callable:
    """Turn a check that raises :class:`_Failed` into one that returns the 'Not yet' verdict."""
    import functools

    @functools.wraps(check)
    def run(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except _Failed as failure:
            return _wrong(str(failure))
    return run


def _is_function(answer: Any, name: str) -> None:
    if not callable(answer):
        raise _Failed(f"answer should be a function {name}, got {type(answer).__name__}"
                      + (" (set answer = the function's name, without calling it)"
                         if isinstance(answer, (np.ndarray, tuple, list, float, int)) else "") + ".")


# ---------------------------------------------------------------- exercise 1


def _is_signed_permutation(U: np.ndarray, tol: float = 1e-6) -> bool:
    big = np.abs(U) > tol
    return bool((big.sum(axis=0) == 1).all() and (big.sum(axis=1) == 1).all()
                and np.allclose(np.abs(U[big]), 1.0, atol=1e-6))


@_checked
def check_orthogonal_maker(random_orthogonal: Callable[[int, int], np.ndarray] | None) -> Verdict:
    r"""Exercise 1: check ``random_orthogonal(n, seed) -> (n, n) array`` makes orthogonal matrices
    that *mix* coordinates.

    Tried for :math:`n = 1, 2, 3, 5, 8` and five seeds: :math:`U^\top U = I` (to 1e-8, or 1e-5
    for float32), a fixed result for a fixed seed, different results for different seeds, and
    no signed permutation (those only relabel and flip the axes, so they cannot show that
    lengths survive a real rotation) nor a matrix that leaves some coordinate alone.

    >>> check_orthogonal_maker(lambda n, seed: np.eye(n)).correct
    False
    """
    if random_orthogonal is None:
        return _unanswered("define random_orthogonal(n, seed) and set answer = random_orthogonal")
    _is_function(random_orthogonal, "random_orthogonal(n, seed)")
    matrices = {}
    for n in (2, 3, 5, 8, 1):
        for seed in (0, 1, 2, 3, 4):
            U = _as_array(_call(random_orthogonal, n, seed, what="random_orthogonal"),
                          f"random_orthogonal({n}, {seed})")
            if U.shape != (n, n):
                raise _Failed(f"random_orthogonal({n}, {seed}) should have shape ({n}, {n}), got "
                              f"{U.shape}.")
            if not np.isfinite(U).all():
                raise _Failed(f"random_orthogonal({n}, {seed}) holds inf or NaN.")
            tol = 1e-5 if U.dtype == np.float32 else 1e-8
            U = U.astype(float)
            gram = U.T @ U
            gap = float(np.abs(gram - np.eye(n)).max())
            if not gap < tol:
                off = float(np.abs(gram - np.diag(np.diag(gram))).max())
                if off < tol and n > 1:
                    raise _Failed(f"for n = {n} the columns are orthogonal to each other but do not "
                                  f"have length 1 (U.T @ U has {np.diag(gram).round(3)} on its "
                                  "diagonal): divide each column by its length.")
                if np.allclose(np.linalg.norm(U, axis=0), 1.0, atol=1e-6):
                    raise _Failed(f"for n = {n} the columns have length 1 but are not orthogonal to "
                                  "each other (normalising is not enough): orthogonalise them, "
                                  "for example with the Q of np.linalg.qr.")
                if n > 1 and np.abs(np.tril(U, -1)).max() < 1e-12:
                    raise _Failed("that is an upper-triangular matrix (the R of a QR "
                                  "decomposition?): the orthogonal factor is Q.")
                raise _Failed(f"for n = {n}, U.T @ U differs from the identity by {gap:.3g}: the "
                              "columns must be orthonormal (hint: the Q of a QR decomposition of "
                              "a random Gaussian matrix).")
            matrices[n, seed] = U
    for (n, seed), U in matrices.items():
        if n < 2:
            continue
        if _is_signed_permutation(U):
            found = [V for (m, _), V in matrices.items() if m >= 2 and _is_signed_permutation(V)]
            kind = ("the identity" if all(np.allclose(V, np.eye(len(V))) for V in found) else
                    "diagonal (only sign flips)" if all(np.allclose(V, np.diag(np.diag(V)))
                                                        for V in found) else
                    "a (signed) permutation")
            raise _Failed(f"random_orthogonal({n}, {seed}) is {kind}: it only relabels or flips "
                          "the axes, so it never tests a real change of direction. A random "
                          "orthogonal matrix mixes every coordinate: orthogonalise a random "
                          "Gaussian matrix.")
        untouched = np.flatnonzero((np.abs(U) > 1e-9).sum(axis=0) == 1)
        if untouched.size:
            raise _Failed(f"random_orthogonal({n}, {seed}) leaves coordinate {int(untouched[0])} "
                          "alone (its column has one non-zero entry): a rotation in a few planes "
                          "is orthogonal but not a general one; orthogonalise a whole random "
                          "Gaussian n x n matrix.")
    again = _as_array(_call(random_orthogonal, 5, 0, what="random_orthogonal"), "random_orthogonal(5, 0)")
    if again.shape != (5, 5) or not np.allclose(again, matrices[5, 0]):
        raise _Failed("random_orthogonal(5, 0) gave a different matrix the second time: draw from "
                      "a generator made from the seed, np.random.default_rng(seed), so a seed "
                      "always gives the same matrix.")
    if all(np.allclose(matrices[5, 0], matrices[5, s]) for s in (1, 2, 3, 4)):
        raise _Failed("random_orthogonal(5, seed) is the same matrix for every seed: the seed "
                      "should change it.")
    return _right("orthogonal for every size and seed tried, reproducible for a fixed seed, "
                  "different for different seeds, and mixing every coordinate.")


# ---------------------------------------------------------------- exercise 2


def _distance_after(trainer, angle: float, steps: int, eigenvalues=(0.2, 4.0),
                    start=(-5.0, -2.0)) -> float:
    q, start_rotated = rotated_problem(angle, eigenvalues, start)
    x1, x2 = train_2d(trainer, steps=steps, f_grad=q.grad, start=start_rotated, verbose=False)[-1]
    return float(math.hypot(x1, x2))


def _number(name: str, value: Any) -> float:
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        hint = (" (a point? the distance is its length, np.hypot(x1, x2))"
                if isinstance(value, (tuple, list, np.ndarray)) else "")
        raise _Failed(f"{name} should be a number (the length of the last point), got "
                      f"{type(value).__name__}{hint}.")
    if not math.isfinite(float(value)):
        raise _Failed(f"{name} is {float(value)}, not a finite distance.")
    return float(value)


@_checked
def check_rotated_distances(distance_0: float | None, distance_45: float | None,
                            lr: float = 0.4, steps: int = 20) -> Verdict:
    """Exercise 2: check the distances to the optimum after ``steps`` Adagrad steps (rate ``lr``)
    on the chapter's problem (``distance_0``) and on the problem turned by 45 degrees
    (``distance_45``, objective and start point turned together, see :func:`rotated_problem`).

    Each wrong value a learner is likely to reach (swapped, squared, gradient descent's, the
    objective value, the wrong number of steps, radians, an unturned start) has its own hint.

    >>> check_rotated_distances(2.388, 4.393).correct
    True
    """
    if distance_0 is None or distance_45 is None:
        return _unanswered("compute distance_0 and distance_45")
    d0, d45 = _number("distance_0", distance_0), _number("distance_45", distance_45)
    adagrad = adagrad_2d_rule(lr)
    true_0, true_45 = _distance_after(adagrad, 0, steps), _distance_after(adagrad, 45, steps)

    def close(a, b):
        return abs(a - b) <= 1e-3 * max(1.0, abs(b))

    def last_point(angle, steps_=steps, trainer=adagrad, fixed_start=False):
        q, start = rotated_problem(angle)
        if fixed_start:
            start = (-5.0, -2.0)
        return q, train_2d(trainer, steps=steps_, f_grad=q.grad, start=start, verbose=False)[-1]

    if close(d0, true_45) and close(d45, true_0):
        raise _Failed("the two distances are swapped: distance_0 is the unturned problem.")
    for name, value, angle, truth in (("distance_0", d0, 0, true_0), ("distance_45", d45, 45, true_45)):
        if close(value, truth):
            continue
        q, point = last_point(angle)
        if close(value, truth ** 2):
            raise _Failed(f"{name} is the squared distance x1**2 + x2**2: take its square root.")
        if close(value, float(q(*point))):
            raise _Failed(f"{name} is the objective's value f(x) at the last point, not the "
                          "distance to the optimum (0, 0), sqrt(x1**2 + x2**2).")
        if close(value, _distance_after(gd_2d(lr), angle, steps)):
            raise _Failed(f"{name} is gradient descent's distance; use d2lite.adagrad_2d_rule.")
        if close(value, abs(point[0]) + abs(point[1])):
            raise _Failed(f"{name} adds |x1| + |x2|; the distance is sqrt(x1**2 + x2**2).")
        for other in (10, 19, 21, 30, 50, 100):
            if close(value, _distance_after(adagrad, angle, other)):
                raise _Failed(f"{name} is the distance after {other} steps; the exercise asks for "
                              f"{steps} (train_2d returns the start and then one point per step: "
                              "take the last, [-1]).")
        if angle == 45:
            if close(value, math.hypot(*last_point(45, fixed_start=True)[1])):
                raise _Failed("the start point must turn with the objective: use "
                              "q, start = rotated_problem(45) and pass start=start to train_2d.")
            if close(value, _distance_after(adagrad, math.pi / 4, steps)):
                raise _Failed("rotated_problem takes the angle in degrees: rotated_problem(45), "
                              "not rotated_problem(np.pi / 4).")
        raise _Failed(f"{name} is off: run train_2d(d2lite.adagrad_2d_rule({lr}), steps={steps}, "
                      "f_grad=q.grad, start=start, verbose=False) with q, start = "
                      f"d2lite.rotated_problem({angle}), and take the length of the last point.")
    return _right(f"{true_0:.3f} without rotation, {true_45:.3f} after turning the problem by 45 "
                  f"degrees: Adagrad is not invariant under rotations.")


# ---------------------------------------------------------------- exercise 3


def _disc_matrices() -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    matrices = [np.array([[4.0, -1.0, 0.5], [2.0, -3.0, 1.0], [0.0, -2.5, 1.0]]),
                np.array([[2.0]]), np.diag([1.0, -2.0, 3.0]),
                np.array([[1, -2], [3, 4]]),  # integers: an int array in, floats out
                np.array([[0.0, 5.0, -1.0, 0.0], [0.5, 0.0, 0.0, 2.0],
                          [-3.0, 1.0, 2.0, 0.0], [0.0, 0.0, -4.0, 1.0]])]
    for n in (2, 3, 5, 7):
        matrices.append(rng.normal(size=(n, n)) * rng.uniform(0.1, 3, size=(n, 1)))
    return matrices


@_checked
def check_gershgorin_function(discs: Callable[[np.ndarray], tuple] | None) -> Verdict:
    """Exercise 3: check the learner's ``discs(M) -> (centres, radii)`` against the definition.

    Centres are the diagonal entries; radius ``j`` is the sum of ``|M[j, k]|`` over ``k != j``
    (rows).  Column sums are accepted too, with a note: they are the discs of ``M.T``, which has
    the same eigenvalues.  Tried on non-symmetric matrices of sizes 1 to 7, with negative and
    integer entries; an answer must not change its input.

    >>> check_gershgorin_function(gershgorin_discs).correct
    True
    """
    if discs is None:
        return _unanswered("define discs(M) returning (centres, radii) and set answer = discs")
    _is_function(discs, "discs(M)")
    kinds = set()
    for M in _disc_matrices():
        result = _call_on_matrix(discs, M, "discs", "return centres, radii",
                                 " (np.fill_diagonal on M?): work on a copy, np.array(M, dtype=float), "
                                 "so the caller's M stays as it was.")
        try:
            centres, radii = result
        except (TypeError, ValueError):
            raise _Failed("discs(M) should return a pair (centres, radii) of arrays.") from None
        centres = _as_array(centres, "the centres").astype(float).ravel()
        radii = _as_array(radii, "the radii").astype(float).ravel()
        n = len(M)
        true_centres, rows = gershgorin_discs(M)
        columns = np.abs(M).sum(axis=0) - np.abs(np.diag(M))
        if centres.shape != (n,) or radii.shape != (n,):
            raise _Failed(f"for an {n}x{n} matrix expect {n} centres and {n} radii, got "
                          f"{centres.size} and {radii.size} (one disc per row; a total over "
                          "the whole matrix is not a radius).")
        if not np.allclose(centres, true_centres):
            if np.allclose(radii, true_centres) and (np.allclose(centres, rows) or np.allclose(centres, columns)):
                raise _Failed("centres and radii are swapped: return (centres, radii) in that order.")
            if np.allclose(np.sort(centres), np.sort(np.linalg.eigvals(M).real)):
                raise _Failed("the centres are the eigenvalues; the discs are centred at the "
                              "diagonal entries M[j, j] (the theorem then locates the eigenvalues).")
            raise _Failed("the centres should be the diagonal entries M[j, j].")
        if np.allclose(rows, columns) and np.allclose(radii, rows):
            continue  # this matrix cannot tell rows from columns
        if np.allclose(radii, rows):
            kinds.add("rows")
            continue
        if np.allclose(radii, columns):
            kinds.add("columns")
            continue
        if np.allclose(radii, np.abs(M).sum(axis=1)) or np.allclose(radii, np.abs(M).sum(axis=0)):
            raise _Failed("the radii include the diagonal entry: sum |M[j, k]| over k != j only.")
        off = M - np.diag(np.diag(M))
        if np.allclose(radii, off.sum(axis=1)) or np.allclose(radii, np.abs(off.sum(axis=1))) \
                or np.allclose(radii, off.sum(axis=0)):
            raise _Failed("take absolute values entry by entry: the radius is sum |M[j, k]|, not "
                          "the (absolute value of the) sum of the entries.")
        if np.allclose(radii, np.abs(off).max(axis=1)):
            raise _Failed("the radius is the sum of the |M[j, k]| over k != j, not their largest.")
        if np.allclose(radii, np.sqrt((off ** 2).sum(axis=1))):
            raise _Failed("the radius is the sum of the |M[j, k]| (k != j), not the length "
                          "sqrt(sum M[j, k]**2) of the off-diagonal row.")
        if np.allclose(radii, np.abs(np.triu(off)).sum(axis=1)):
            raise _Failed("the radius sums the whole row except the diagonal, left of it too, "
                          "not only the entries to its right.")
        raise _Failed("the radius of disc j is the sum of |M[j, k]| over k != j.")
    if kinds == {"rows", "columns"}:
        raise _Failed("some radii are row sums and others column sums: pick one (the rows).")
    if kinds == {"columns"}:
        return _right("centres on the diagonal and radii the off-diagonal absolute COLUMN sums. "
                      "Also right: these are the discs of M.T, which has the same eigenvalues as "
                      "M (same characteristic polynomial), so the theorem holds for them too. "
                      "The exercise states it with rows.")
    return _right("centres on the diagonal, radii the off-diagonal absolute row sums.")


# ---------------------------------------------------------------- exercise 4


def _interval_matrices() -> list[np.ndarray]:
    rng = np.random.default_rng(11)
    tests = []
    for n, coupling in ((3, 0.1), (4, 0.2), (6, 0.6), (5, 0.95), (2, 0.5)):
        S = rng.normal(size=(n, n))
        S = (S + S.T) / 2
        np.fill_diagonal(S, 0)
        A = np.eye(n) + coupling * S / max(1.0, np.abs(S).sum(axis=1).max())
        scale = np.diag(10 ** rng.uniform(-2, 2, size=n))
        tests.append(scale @ A @ scale)
    tests.append(np.full((3, 3), 0.9) + 0.1 * np.eye(3))  # R = 1.8: the interval crosses 0
    return tests


def _row_scaled_interval(M: np.ndarray) -> tuple[float, float]:
    """Gershgorin's interval for D^-1 M (similar to D^-1/2 M D^-1/2: the same eigenvalues)."""
    d = np.diag(M)
    radii = (np.abs(M).sum(axis=1) - np.abs(d)) / d
    return 1.0 - float(radii.max()), 1.0 + float(radii.max())


@_checked
def check_preconditioned_interval(interval: Callable[[np.ndarray], tuple[float, float]] | None
                                  ) -> Verdict:
    r"""Exercise 4: check ``interval(M) -> (low, high)``, a Gershgorin interval that holds the
    eigenvalues of the diagonally preconditioned :math:`\tilde M = D^{-1/2} M D^{-1/2}`,
    :math:`D = \operatorname{diag}(M)`.

    Accepted: :math:`[1 - R, 1 + R]` with :math:`R` the largest radius of :math:`\tilde M`;
    the same from the discs of :math:`D^{-1} M` (rows) or :math:`M D^{-1}` (columns), which are
    similar to :math:`\tilde M` and so have its eigenvalues (a valid interval, usually looser:
    the note says so); the intersection of these; and any of them with ``low`` clipped at 0
    (the matrices are positive definite).

    >>> check_preconditioned_interval(preconditioned_interval).correct
    True
    """
    if interval is None:
        return _unanswered("define interval(M) returning (low, high) and set answer = interval")
    _is_function(interval, "interval(M)")
    routes = set()
    for M in _interval_matrices():
        result = _call_on_matrix(interval, M, "interval", "return low, high", ": work on a copy.")
        low, high = _two_numbers(result, "interval(M) should return two numbers (low, high).")
        d = np.sqrt(np.diag(M))
        M_tilde = M / np.outer(d, d)
        eigenvalues = np.linalg.eigvalsh(M_tilde)
        sym = preconditioned_interval(M)
        rows = _row_scaled_interval(M)
        both = (max(sym[0], rows[0]), min(sym[1], rows[1]))

        def same(a, b):
            return bool(np.isclose(a, b, rtol=1e-6, atol=1e-9))

        def matches(candidate):
            lo, hi = candidate
            return same(high, hi) and (same(low, lo) or same(low, max(lo, 0.0)))

        if low > high and any(same(low, hi) and same(high, lo) for lo, hi in (sym, rows)):
            raise _Failed("low and high are swapped: return (low, high).")
        if matches(sym):
            routes.add("symmetric")
            continue
        if matches(rows):
            routes.add("rows")
            continue
        if matches(both):
            routes.add("both")
            continue
        centres, radii = gershgorin_discs(M)
        if same(low, (centres - radii).min()) and same(high, (centres + radii).max()):
            raise _Failed("that is the interval for M itself; precondition first: "
                          "M_tilde[j, k] = M[j, k] / sqrt(M[j, j] * M[k, k]).")
        if same(low, eigenvalues[0]) and same(high, eigenvalues[-1]):
            raise _Failed("those are the extreme eigenvalues themselves (eigvalsh): the exercise "
                          "asks what Gershgorin's theorem guarantees from the entries alone.")
        _, tilde_radii = gershgorin_discs(M_tilde)
        R = float(tilde_radii.max())
        if same(high, 1 + tilde_radii.sum()) and same(max(low, 0), max(1 - tilde_radii.sum(), 0)):
            raise _Failed("R is the largest radius, not the sum of all the radii: each eigenvalue "
                          "lies in one disc, and the widest disc sets the interval.")
        if same(high, 1 + tilde_radii.min()):
            raise _Failed("with the smallest radius the interval can miss eigenvalues: the union "
                          "of the discs reaches 1 - R and 1 + R with R the LARGEST radius.")
        if same(high, 2 + R) or same(low, -R):
            raise _Failed("the radius leaves out the diagonal entry (which is 1 after "
                          "preconditioning): sum over k != j.")
        no_sqrt = M / np.outer(np.diag(M), np.diag(M))
        _, radii_no_sqrt = gershgorin_discs(no_sqrt)
        if same(high, float((np.diag(no_sqrt) + radii_no_sqrt).max())) or \
                same(high, 1 + float(radii_no_sqrt.max())):
            raise _Failed("divide by sqrt(M[j, j] * M[k, k]), not by M[j, j] * M[k, k]: the "
                          "preconditioner is diag(M)^(-1/2) on both sides.")
        signed = (M_tilde - np.eye(len(M))).sum(axis=1)
        if same(high, 1 + float(np.abs(signed).max())) or same(high, 1 + float(signed.max())):
            raise _Failed("take absolute values entry by entry in the radii: the couplings can "
                          "be negative.")
        holds = eigenvalues[0] >= low - 1e-9 and eigenvalues[-1] <= high + 1e-9
        hint = ("it holds the eigenvalues but is not Gershgorin's interval" if holds else
                "it does not even contain every eigenvalue")
        raise _Failed(f"got ({low:.4g}, {high:.4g}); {hint}. Every disc of M_tilde is centred "
                      "at 1; the interval is [1 - R, 1 + R] with R the largest radius.")
    if routes <= {"symmetric"}:
        return _right("[1 - R, 1 + R] with R the largest radius of the preconditioned matrix.")
    return _right("Gershgorin's theorem by another route: D^-1 M (rows) and M D^-1 (columns) are "
                  "similar to D^-1/2 M D^-1/2, so they have its eigenvalues, and their discs, also "
                  "centred at 1, give a valid interval [1 - R', 1 + R'] with "
                  "R' = max_j sum_k |M[j, k]| / M[j, j] (k != j). It is usually looser than the "
                  "symmetric scaling's on badly scaled matrices; both are right.")


# ---------------------------------------------------------------- exercise 5

_ACTIVATIONS = ("relu", "sigmoid", "tanh", "gelu", "elu", "silu", "softplus", "hardtanh",
                "selu", "celu", "mish", "hardswish", "hardsigmoid", "prelu", "softsign", "rrelu",
                "logsigmoid", "leaky_relu", "relu6", "threshold")


class _Recorder(torch.overrides.TorchFunctionMode):
    """Records the names of the torch functions a forward pass calls (conv2d, max_pool2d, ...)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.names.append(getattr(func, "__name__", str(func)))
        return func(*args, **(kwargs or {}))


def _digits_batch(n: int = 256) -> tuple[torch.Tensor, torch.Tensor]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    rng = np.random.default_rng(0)
    idx = rng.choice(len(digits.target), size=n, replace=False)
    X = torch.from_numpy((digits.images[idx] / 16.0).astype(np.float32)[:, None])
    return X, torch.from_numpy(digits.target[idx].astype(np.int64))


@_checked
def check_lenet(net: torch.nn.Module | None, image_size: int = 8, num_classes: int = 10) -> Verdict:
    """Exercise 5: check a learner's LeNet-style network by what it does.

    On a copy of ``net`` (the learner's own is never changed): the output of a batch has shape
    ``(batch, num_classes)`` and is finite; the forward pass *runs* at least two convolutions and
    two poolings (recorded as it runs, whether as modules or as ``torch.nn.functional`` calls),
    and every ``Conv2d`` it defines; it applies an activation function and is not affine in its
    input; its output is raw scores, not probabilities; and 30 Adam steps (rate 0.01) on a
    batch of 256 digits lower its cross-entropy by more than 0.03.

    >>> from d2lite.problems.classifier import lenet
    >>> check_lenet(lenet(seed=0)).correct
    True
    """
    if net is None:
        return _unanswered("build your network and store it in net")
    if isinstance(net, type) and issubclass(net, torch.nn.Module):
        raise _Failed(f"net is the class {net.__name__}, not a network: create one, net = "
                      f"{net.__name__}().")
    if not isinstance(net, torch.nn.Module):
        raise _Failed(f"net should be a torch.nn.Module (for example an nn.Sequential), got "
                      f"{type(net).__name__}.")
    try:
        net = copy.deepcopy(net)
    except Exception as error:
        raise _Failed(f"the network could not be copied ({type(error).__name__}: {error}).") from None
    X, y = _digits_batch()
    convolutions = [m for m in net.modules() if isinstance(m, torch.nn.modules.conv._ConvNd)]
    ran: set[int] = set()
    hooks = [m.register_forward_hook(lambda module, inputs, output: ran.add(id(module)))
             for m in convolutions]
    net.eval()
    recorder = _Recorder()
    try:
        with torch.random.fork_rng(), torch.no_grad():
            torch.manual_seed(0)
            with recorder:
                try:
                    out = _call(net, X[:4].clone(), what="net")
                except _Failed as failure:
                    hint = (" Check the in_features of the first nn.Linear: it must equal "
                            "channels x height x width after the last pooling (16 x 2 x 2 = 64 "
                            "here)." if "shapes cannot be multiplied" in str(failure) else "")
                    raise _Failed(f"{failure}.{hint}") from None
    finally:
        for hook in hooks:
            hook.remove()
    if out is None:
        raise _Failed("net(X) returned None: does forward end with `return`?")
    if not isinstance(out, torch.Tensor):
        raise _Failed(f"net(X) should return a tensor of scores, got {type(out).__name__}.")
    if tuple(out.shape) != (4, num_classes):
        raise _Failed(f"net(X) for a batch of 4 images should have shape (4, {num_classes}) "
                      f"(one score per class), got {tuple(out.shape)}.")
    if not torch.isfinite(out).all():
        raise _Failed("net(X) holds inf or NaN scores.")
    names = [n.lower() for n in recorder.names]
    conv_calls = sum("conv" in n for n in names)
    pool_calls = sum("pool" in n for n in names)
    if conv_calls == 0 and convolutions:
        raise _Failed(f"the network defines {len(convolutions)} convolution(s) but its forward "
                      "pass never runs them: call them in forward (an nn.Sequential runs its "
                      "layers in order).")
    if conv_calls < 2:
        raise _Failed(f"LeNet runs two convolutions; the forward pass ran {conv_calls}.")
    unused = [m for m in convolutions if id(m) not in ran]
    if unused:
        raise _Failed(f"{len(unused)} of the network's convolutions are defined but never run by "
                      "its forward pass.")
    if pool_calls < 2:
        raise _Failed(f"LeNet pools after each convolution (nn.MaxPool2d or nn.AvgPool2d); the "
                      f"forward pass pooled {pool_calls} time(s).")
    if not any(any(a in n for a in _ACTIVATIONS) for n in names):
        raise _Failed("the forward pass applies no activation function: without one, stacked "
                      "layers collapse into a single linear map. Add nn.ReLU() (or "
                      "nn.Sigmoid(), as in the original LeNet) after each convolution and "
                      "hidden dense layer.")
    if torch.allclose(out.sum(dim=1), torch.ones(4), atol=1e-4) and (out >= 0).all():
        raise _Failed("the output rows are probabilities (a softmax at the end?): return raw "
                      "scores; nn.CrossEntropyLoss applies log-softmax itself.")
    with torch.no_grad():
        a, b = X[4:12], X[12:20]
        zero = torch.zeros_like(a)
        f_ab, f_a, f_b, f_0 = (net(v.clone()) for v in (a + b, a, b, zero))  # clones: a forward may work in place
        gap = (f_ab - f_a - f_b + f_0).abs().max()
        scale = torch.maximum((f_a - f_0).abs().max(), (f_b - f_0).abs().max())
    if not float(scale) > 1e-7:
        raise _Failed("the network's output does not depend on its input (the same scores for "
                      "every image): is the input connected to the output?")
    if float(gap / scale) < 1e-4:
        raise _Failed("the network is linear (affine) in its input: net(a + b) = net(a) + net(b) "
                      "- net(0). Its activations must be non-linear (ReLU, sigmoid), not "
                      "identities.")
    parameters = [p for p in net.parameters() if p.requires_grad]
    if not parameters:
        raise _Failed("the network has no trainable parameters.")
    net.train()
    loss_fn = torch.nn.CrossEntropyLoss()
    with torch.random.fork_rng():
        torch.manual_seed(0)
        optimizer = torch.optim.Adam(parameters, lr=0.01)
        with torch.no_grad():
            before = float(loss_fn(net(X.clone()), y))
        for _ in range(30):
            optimizer.zero_grad()
            loss = loss_fn(net(X.clone()), y)
            loss.backward()
            optimizer.step()
        net.eval()
        with torch.no_grad():
            after = float(loss_fn(net(X.clone()), y))
    if not math.isfinite(after) or not before - after > 0.03:
        raise _Failed(f"30 Adam steps on 256 digits took the loss from {before:.3f} to "
                      f"{after:.3f}: the network does not learn. Are its layers connected to its "
                      "output, and its parameters trainable?")
    count = sum(p.numel() for p in net.parameters())
    return _right(f"{conv_calls} convolutions and {pool_calls} poolings run, non-linear, output "
                  f"of shape (batch, {num_classes}), {count:,} parameters; a few training steps "
                  f"lower its loss.")


# ---------------------------------------------------------------- exercise 6


@_checked
def check_leaky_accumulator(update: Callable[[np.ndarray, np.ndarray, float], np.ndarray] | None
                            ) -> Verdict:
    r"""Exercise 6: check ``update(s, g, gamma) -> new s`` for RMSProp's leaky average
    :math:`s \leftarrow \gamma s + (1 - \gamma) g^2`, coordinate by coordinate.

    Tried with :math:`\gamma \in \{0, 0.5, 0.9, 0.99, 1\}`, random states and gradients (seeded),
    plain floats (the explorer passes them), float64 and float32 arrays of shapes (3,) and (2, 4).
    It must not change ``g``; changing ``s`` in place is accepted (with a note) when the new
    state is returned.

    >>> check_leaky_accumulator(lambda s, g, gamma: s + g ** 2).message[:40]
    "Not yet: that is Adagrad's running sum; "
    """
    if update is None:
        return _unanswered("define leaky_update(s, g, gamma) and set answer = leaky_update")
    _is_function(update, "leaky_update(s, g, gamma)")
    rng = np.random.default_rng(5)
    cases = []
    for gamma in (0.9, 0.5, 0.99, 0.0, 1.0):
        for shape, dtype in (((), float), ((3,), np.float64), ((2, 4), np.float64), ((3,), np.float32)):
            s = rng.uniform(0.1, 3.0, size=shape).astype(dtype)
            g = rng.normal(scale=2.0, size=shape).astype(dtype)
            if shape == ():
                s, g = float(s), float(g)
            cases.append((s, g, gamma))
    in_place = False
    for s, g, gamma in cases:
        s_in, g_in = np.copy(s) if isinstance(s, np.ndarray) else s, np.copy(g) if isinstance(g, np.ndarray) else g
        result = _call(update, s_in, g_in, gamma, what="leaky_update")
        where = (f"for gamma = {gamma} and {'plain floats' if np.ndim(s) == 0 else f'arrays of shape {np.shape(s)} ({np.asarray(s).dtype})'}")
        if result is None:
            raise _Failed("leaky_update returned None: does it end with `return` of the new state?")
        if isinstance(g_in, np.ndarray) and not np.array_equal(g_in, g):
            raise _Failed("leaky_update changed g in place (g **= 2?): the caller still needs "
                          "its gradient; compute g ** 2 into a new array.")
        if isinstance(s_in, np.ndarray) and not np.array_equal(s_in, s):
            in_place = True
        value = _as_array(result, f"leaky_update {where}").astype(float)
        s64, g64 = np.asarray(s, dtype=float), np.asarray(g, dtype=float)
        if value.shape != s64.shape:
            hint = (" (a sum over the coordinates? every coordinate keeps its own average)"
                    if value.size == 1 else "")
            raise _Failed(f"{where} the new state should have the shape of s, {s64.shape}, got "
                          f"{value.shape}{hint}.")
        tol = dict(rtol=1e-5, atol=1e-6) if np.asarray(s).dtype == np.float32 else dict(rtol=1e-9, atol=1e-12)
        truth = gamma * s64 + (1 - gamma) * g64 ** 2
        if np.allclose(value, truth, **tol):
            continue
        if np.allclose(value, s64 + g64 ** 2, **tol):
            raise _Failed("that is Adagrad's running sum; weight the old state by gamma and the "
                          "new squared gradient by (1 - gamma).")
        if np.allclose(value, (1 - gamma) * s64 + gamma * g64 ** 2, **tol):
            raise _Failed("the weights are swapped: the old state keeps gamma (close to 1), the "
                          "new squared gradient gets (1 - gamma).")
        if np.allclose(value, gamma * s64 + (1 - gamma) * g64, **tol):
            raise _Failed("square the gradient: the state averages g**2, not g.")
        if np.allclose(value, gamma * s64 + (1 - gamma) * np.abs(g64), **tol):
            raise _Failed("the state averages g**2, not |g|.")
        if np.allclose(value, gamma * s64 + g64 ** 2, **tol):
            raise _Failed("the new squared gradient is weighted by (1 - gamma): without it the "
                          "state grows without bound, like Adagrad's.")
        if np.allclose(value, np.sqrt(np.abs(truth)), **tol):
            raise _Failed("return the average itself, not its square root: the square root is "
                          "taken in the step, eta / sqrt(s + eps).")
        if np.allclose(value, gamma * s64 + (1 - gamma) * (g64 ** 2).sum(), **tol):
            raise _Failed("square each coordinate of g separately: g ** 2, not its total.")
        for fixed in (0.9, 0.99, 0.5, 0.999):
            if gamma != fixed and np.allclose(value, fixed * s64 + (1 - fixed) * g64 ** 2, **tol):
                raise _Failed(f"{where} the result uses gamma = {fixed}: use the gamma argument, "
                              "not a fixed number.")
        raise _Failed(f"{where} expected gamma * s + (1 - gamma) * g**2, coordinate by "
                      "coordinate.")
    note = (" Note: it also overwrote s in place; that is fine here because it returns the new "
            "state, but the caller's old state is gone.") if in_place else ""
    return _right("s <- gamma s + (1 - gamma) g^2 for every gamma, shape and dtype tried: old "
                  "squared gradients fade by gamma each step." + note)


# ---------------------------------------------------------------- the proofs' self-checks


def _claim_result(value: Any, what: str) -> Any:
    if value is None:
        raise _Failed(f"your claim returned None for {what}: does it end with `return`?")
    return value


@_checked
def try_claim_lengths(claim: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple] | None,
                      trials: int = 300) -> Verdict:
    r"""Exercise 1's self-check: ``claim(U, c, delta) -> (left, right)``, the two sides of the
    identity you proved, tried on ``trials`` random orthogonal :math:`U` of sizes 1 to 30.

    It reports the first case where the two sides differ (beyond 1e-9, relative), and whether the
    identity also holds for non-orthogonal matrices: if it does, your claim does not use
    :math:`U^\top U = I`.

    >>> try_claim_lengths(lambda U, c, d: (np.linalg.norm(c - d), np.linalg.norm(U @ c - U @ d))).correct
    True
    """
    if claim is None:
        return _unanswered("write my_claim(U, c, delta) returning the two sides you proved equal")
    _is_function(claim, "my_claim(U, c, delta)")
    rng = np.random.default_rng(21)

    def sides(U, c, delta):
        result = _claim_result(_call(claim, U.copy(), c.copy(), delta.copy(), what="my_claim"),
                               f"a {len(c)}-dimensional case")
        return _two_numbers(result, "my_claim should return two numbers, the left and the right side.")

    for trial in range(trials):
        n = int(rng.integers(1, 31))
        Q, R = np.linalg.qr(rng.standard_normal((n, n)))
        U = Q * np.sign(np.diag(R))
        c, delta = rng.standard_normal((2, n)) * 10 ** rng.uniform(-3, 3)
        left, right = sides(U, c, delta)
        if not np.isclose(left, right, rtol=1e-9, atol=1e-12):
            raise _Failed(f"counterexample: for n = {n} (trial {trial}) your two sides are "
                          f"{left:.6g} and {right:.6g}. Either the claim or its code is wrong.")
    general = []
    for _ in range(20):
        A = rng.standard_normal((3, 3))
        c, delta = rng.standard_normal((2, 3))
        left, right = sides(A, c, delta)
        general.append(np.isclose(left, right, rtol=1e-9, atol=1e-12))
    if all(general):
        return Verdict(True, f"No counterexample in {trials} random orthogonal matrices, but "
                       "the two sides agree for random NON-orthogonal matrices too: your claim "
                       "does not use U.T @ U = I, so it is not the statement of the exercise "
                       "(is U in it at all?).")
    return Verdict(True, f"No counterexample in {trials} random orthogonal matrices of sizes 1 to "
                   "30; for non-orthogonal matrices the two sides differ, as they should. A test "
                   "is not a proof: check your proof against the rubric.")


@_checked
def try_claim_discs(claim: Callable[[np.ndarray, complex], bool] | None,
                    trials: int = 500) -> Verdict:
    r"""Exercise 3's self-check: ``claim(M, z) -> bool``, True when your theorem says the complex
    number ``z`` may be an eigenvalue of ``M`` (it lies in the region you proved holds them all).

    Tried on ``trials`` random real matrices (Gaussian, Cauchy, integer; symmetric and not):
    every true eigenvalue must be claimed possible; and the region must exclude something
    (random far points), or the claim is true but says nothing.

    >>> from d2lite.problems.gershgorin import in_discs
    >>> try_claim_discs(lambda M, z: bool(in_discs(z, *gershgorin_discs(M))[0])).correct
    True
    """
    if claim is None:
        return _unanswered("write my_claim(M, z) returning True when z lies in your region")
    _is_function(claim, "my_claim(M, z)")
    rng = np.random.default_rng(33)
    excluded = 0
    for trial in range(trials):
        n = int(rng.integers(1, 9))
        kind = trial % 3
        M = (rng.standard_normal((n, n)) if kind == 0 else rng.standard_cauchy((n, n)) if kind == 1
             else rng.integers(-5, 6, (n, n)).astype(float))
        if trial % 2:
            M = (M + M.T) / 2
        for lam in np.linalg.eigvals(M):
            said = _claim_result(_call(claim, M.copy(), complex(lam), what="my_claim"),
                                 f"an {n}x{n} matrix")
            if not isinstance(said, (bool, np.bool_)):
                raise _Failed(f"my_claim should return True or False, got {type(said).__name__}.")
            if not said:
                raise _Failed(f"counterexample: the eigenvalue {complex(lam):.4g} of\n"
                              f"{np.round(M, 3)}\nis outside your region. Is every eigenvalue "
                              "in SOME disc (not in a particular one, nor in each)?")
        scale = 1 + float(np.abs(M).sum())
        far = complex(*(rng.normal(size=2) * 10 * scale))
        if not _call(claim, M.copy(), far, what="my_claim"):
            excluded += 1
    if excluded == 0:
        return Verdict(True, f"every eigenvalue of {trials} random matrices is in your region, "
                       "but so was every far-away point tried: the claim is true but says "
                       "nothing. Bound the region by the discs.")
    return Verdict(True, f"No counterexample: all eigenvalues of {trials} random matrices lie in "
                   f"your region, and it excluded {excluded} far points. A test is not a proof: "
                   "check your proof against the rubric.")


@_checked
def try_claim_condition_bound(claim: Callable[[np.ndarray], float] | None,
                              trials: int = 400) -> Verdict:
    r"""Exercise 4's self-check: ``claim(M) -> bound``, your upper bound on the condition number
    of :math:`\tilde M = D^{-1/2} M D^{-1/2}` from Gershgorin's theorem (``math.inf`` where it
    says nothing).

    Tried on ``trials`` random positive definite matrices (:func:`random_spd`, kind "scaled",
    sizes 2 to 10): the bound must hold on each; the self-check reports how often it is finite
    and how tight it is (median bound / truth).

    >>> def bound(M):
    ...     low, high = preconditioned_interval(M)
    ...     return high / low if low > 0 else math.inf
    >>> try_claim_condition_bound(bound).correct
    True
    """
    from .problems.preconditioning import condition_number, diagonal_preconditioner, random_spd

    if claim is None:
        return _unanswered("write my_bound(M) returning your bound on kappa(M_tilde)")
    _is_function(claim, "my_bound(M)")
    rng = np.random.default_rng(44)
    ratios, infinite = [], 0
    for trial in range(trials):
        M = random_spd(int(rng.integers(2, 11)), rng, max_condition=1e8, kind="scaled")
        truth = condition_number(diagonal_preconditioner(M))
        value = _claim_result(_call(claim, M.copy(), what="my_bound"), "a random matrix")
        try:
            bound = float(value)
        except (TypeError, ValueError):
            raise _Failed(f"my_bound should return one number, got {type(value).__name__}.") from None
        if math.isnan(bound):
            raise _Failed("my_bound returned NaN: return math.inf where the theorem gives no bound.")
        if bound < truth * (1 - 1e-9):
            raise _Failed(f"counterexample: for this {len(M)}x{len(M)} matrix kappa(M_tilde) = "
                          f"{truth:.4g} but your bound is {bound:.4g}. (A negative or tiny lower "
                          "end of the interval makes high / low meaningless: the bound only "
                          "exists when low > 0.)")
        if math.isinf(bound):
            infinite += 1
        else:
            ratios.append(bound / truth)
    if not ratios:
        return Verdict(True, f"your bound held on all {trials} matrices, but it was infinite on "
                       "every one: true but empty. Where R < 1 Gershgorin gives a finite bound.")
    return Verdict(True, f"No counterexample in {trials} random positive definite matrices. "
                   f"Finite on {len(ratios)}, infinite on {infinite}; where finite, bound / "
                   f"truth has median {np.median(ratios):.2f}. A test is not a proof: check your "
                   "proof against the rubric.")


for _name in __all__[1:]:  # every check never raises (an error becomes the verdict); 30 s at most
    globals()[_name] = guarded_check(_wrong, 30.0)(globals()[_name])
