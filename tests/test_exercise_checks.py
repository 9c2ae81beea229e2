"""Adversarial tests of the exercise checks: one table per exercise.

Each table holds answers a learner could plausibly write. Every WRONG answer must be rejected
(``correct is False``, a "Not yet" message) with a hint that names the mistake (the words
listed); every RIGHT answer, written in different ways, must be accepted. The checks must also
never raise, whatever the answer does.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from d2lite import exercises as ex
from d2lite.problems.classifier import lenet
from d2lite.problems.gershgorin import gershgorin_discs, in_discs, preconditioned_interval
from d2lite.problems.quadratic import rotated_problem
from d2lite.book.trace2d import adagrad_2d_rule, gd_2d, train_2d


def rejected(verdict, *words):
    text = str(verdict)
    missing = [w for w in words if w.lower() not in text.lower()]
    assert verdict.correct is False and text.startswith("Not yet") and not missing, \
        f"{text!r} lacks {missing}"


def accepted(verdict, *words):
    text = str(verdict)
    assert verdict.correct is True and text.startswith("Correct"), text
    assert all(w.lower() in text.lower() for w in words), text


# ---------------------------------------------------------------- exercise 1


def qr_signed(n, seed):
    Q, R = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return Q * np.sign(np.diag(R))


def qr_plain(n, seed):
    return np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))[0]


def svd_based(n, seed):
    U, _, Vt = np.linalg.svd(np.random.default_rng(seed + 100).standard_normal((n, n)))
    return (U @ Vt).astype(np.float32)   # float32 is fine too


def householder_product(n, seed):
    rng = np.random.default_rng(seed)
    Q = np.eye(n)
    for _ in range(n):
        v = rng.standard_normal(n)
        v /= np.linalg.norm(v)
        Q = Q @ (np.eye(n) - 2 * np.outer(v, v))
    return torch.tensor(Q)  # a tensor is fine too


def signed_permutation(n, seed):
    rng = np.random.default_rng(seed)
    return rng.permutation(np.eye(n)) * rng.choice([-1.0, 1.0], size=n)


def givens_first_plane(n, seed):
    angle = np.random.default_rng(seed).uniform(0, 2 * np.pi)
    U = np.eye(n)
    if n >= 2:
        U[:2, :2] = [[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]
    return U


def normalised_only(n, seed):
    A = np.random.default_rng(seed).standard_normal((n, n))
    return A / np.linalg.norm(A, axis=0)


def unseeded(n, seed):
    return np.linalg.qr(np.random.standard_normal((n, n)))[0]


def ignores_seed(n, seed):
    return qr_signed(n, 0)


def loops_forever(n, seed):
    while True:
        pass


ORTHOGONAL_WRONG = [
    (lambda n, seed: None, ["returned None"]),
    (lambda n, seed: np.random.default_rng(seed).standard_normal((n, n)), ["orthonormal"]),
    (lambda n, seed: np.eye(n), ["identity", "relabels"]),
    (lambda n, seed: np.diag(np.random.default_rng(seed).choice([-1.0, 1.0], n)), ["diagonal"]),
    (signed_permutation, ["permutation"]),
    (givens_first_plane, ["leaves coordinate"]),
    (normalised_only, ["not orthogonal to each other"]),
    (lambda n, seed: 2 * qr_signed(n, seed), ["length 1"]),
    (lambda n, seed: np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))[1], ["upper-triangular"]),
    (unseeded, ["different matrix the second time"]),
    (ignores_seed, ["same matrix for every seed"]),
    (lambda n, seed: qr_signed(n + 1, seed), ["shape"]),
    (lambda n: qr_signed(n, 0), ["raised TypeError"]),
    (qr_signed(3, 0), ["function"]),
]
ORTHOGONAL_RIGHT = [qr_signed, qr_plain, svd_based, householder_product]


@pytest.mark.parametrize("answer, words", ORTHOGONAL_WRONG)
def test_orthogonal_maker_rejects(answer, words):
    rejected(ex.check_orthogonal_maker(answer), *words)


@pytest.mark.parametrize("answer", ORTHOGONAL_RIGHT)
def test_orthogonal_maker_accepts(answer):
    accepted(ex.check_orthogonal_maker(answer))


def test_a_check_stops_an_answer_that_loops():
    from d2lite._checks import guarded_check
    quick = guarded_check(ex._wrong, 1.0)(ex.check_orthogonal_maker.__wrapped__)
    rejected(quick(loops_forever), "took over 1 s")


# ---------------------------------------------------------------- exercise 2


def distance(angle, steps=20, trainer=None, fixed_start=False):
    q, start = rotated_problem(angle)
    path = train_2d(trainer or adagrad_2d_rule(0.4), steps=steps, f_grad=q.grad,
                    start=(-5.0, -2.0) if fixed_start else start, verbose=False)
    return float(np.hypot(*path[-1]))


def own_adagrad(angle, steps=20, lr=0.4, eps=1e-6):
    q, x = rotated_problem(angle)
    x, s = np.array(x), np.zeros(2)
    for _ in range(steps):
        g = np.array(q.grad(*x))
        s += g ** 2
        x -= lr / np.sqrt(s + eps) * g
    return np.linalg.norm(x)


TRUE_0, TRUE_45 = distance(0), distance(45)
q45, start45 = rotated_problem(45)
last45 = train_2d(adagrad_2d_rule(0.4), f_grad=q45.grad, start=start45, verbose=False)[-1]

ROTATED_WRONG = [
    ((TRUE_45, TRUE_0), ["swapped"]),
    ((TRUE_0, TRUE_45 ** 2), ["squared"]),
    ((TRUE_0, float(q45(*last45))), ["objective"]),
    ((TRUE_0, distance(45, trainer=gd_2d(0.4))), ["gradient descent"]),
    ((TRUE_0, distance(45, fixed_start=True)), ["start point must turn"]),
    ((TRUE_0, distance(45, steps=10)), ["after 10 steps"]),
    ((TRUE_0, distance(math.pi / 4)), ["degrees"]),
    ((TRUE_0, abs(last45[0]) + abs(last45[1])), ["|x1| + |x2|"]),
    ((TRUE_0, tuple(last45)), ["a point"]),
    ((TRUE_0, float("nan")), ["finite"]),
    ((TRUE_0, 3.0), ["distance_45 is off"]),
]
ROTATED_RIGHT = [(TRUE_0, TRUE_45), (own_adagrad(0), own_adagrad(45)),
                 (np.float32(TRUE_0), torch.tensor(TRUE_45))]


@pytest.mark.parametrize("answer, words", ROTATED_WRONG)
def test_rotated_distances_rejects(answer, words):
    rejected(ex.check_rotated_distances(*answer), *words)


@pytest.mark.parametrize("answer", ROTATED_RIGHT)
def test_rotated_distances_accepts(answer):
    accepted(ex.check_rotated_distances(*answer))


# ---------------------------------------------------------------- exercise 3


def rows_loop(M):
    M = np.asarray(M, dtype=float)
    n = len(M)
    return [M[j, j] for j in range(n)], [sum(abs(M[j, k]) for k in range(n) if k != j) for j in range(n)]


def columns(M):
    M = np.asarray(M, dtype=float)
    return np.diag(M), np.abs(M).sum(axis=0) - np.abs(np.diag(M))


def mutating(M):
    centres = np.diag(M).copy()
    np.fill_diagonal(M, 0)
    return centres, np.abs(M).sum(axis=1)


DISCS_WRONG = [
    (lambda M: None, ["returned None"]),
    (lambda M: (np.diag(M), np.abs(M).sum(axis=1)), ["include the diagonal"]),
    (lambda M: (np.diag(M), (M - np.diag(np.diag(M))).sum(axis=1)), ["absolute values"]),
    (lambda M: (np.diag(M), np.abs(M - np.diag(np.diag(M))).max(axis=1)), ["not their largest"]),
    (lambda M: (np.abs(M).sum(axis=1) - np.abs(np.diag(M)), np.diag(M)), ["swapped"]),
    (lambda M: (np.sort(np.linalg.eigvals(M).real), gershgorin_discs(M)[1]), ["eigenvalues"]),
    (lambda M: (np.diag(M), np.abs(np.triu(M, 1)).sum(axis=1)), ["left of it too"]),
    (lambda M: (np.diag(M), np.sqrt(((M - np.diag(np.diag(M))) ** 2).sum(axis=1))), ["length"]),
    (mutating, ["changed the matrix"]),
    (lambda M: (np.diag(M), float(np.abs(M).sum())), ["one disc per row"]),
    (lambda M: np.diag(M), ["pair"]),
]
DISCS_RIGHT = [(gershgorin_discs, "row"), (rows_loop, "row"), (columns, "M.T"),
               (lambda M: tuple(torch.as_tensor(a) for a in gershgorin_discs(M)), "row")]


@pytest.mark.parametrize("answer, words", DISCS_WRONG)
def test_gershgorin_function_rejects(answer, words):
    rejected(ex.check_gershgorin_function(answer), *words)


@pytest.mark.parametrize("answer, note", DISCS_RIGHT)
def test_gershgorin_function_accepts(answer, note):
    accepted(ex.check_gershgorin_function(answer), note)


# ---------------------------------------------------------------- exercise 4


def tilde(M):
    d = np.sqrt(np.diag(M))
    return M / np.outer(d, d)


def interval_loop(M):
    M = np.asarray(M, dtype=float)
    n = len(M)
    R = max(sum(abs(M[j, k]) / math.sqrt(M[j, j] * M[k, k]) for k in range(n) if k != j)
            for j in range(n))
    return 1 - R, 1 + R


def row_scaled(M):
    A = M / np.diag(M)[:, None]  # D^-1 M
    R = (np.abs(A).sum(axis=1) - 1).max()
    return 1 - R, 1 + R


def column_scaled(M):
    A = M / np.diag(M)[None, :]  # M D^-1
    R = (np.abs(A).sum(axis=0) - 1).max()
    return max(1 - R, 0.0), 1 + R


INTERVAL_WRONG = [
    (lambda M: None, ["returned None"]),
    (lambda M: (lambda c, r: ((c - r).min(), (c + r).max()))(*gershgorin_discs(M)), ["for M itself"]),
    (lambda M: tuple(np.linalg.eigvalsh(tilde(M))[[0, -1]]), ["eigenvalues themselves"]),
    (lambda M: (lambda r: (1 - r.sum(), 1 + r.sum()))(gershgorin_discs(tilde(M))[1]), ["not the sum"]),
    (lambda M: (lambda r: (1 - r.min(), 1 + r.min()))(gershgorin_discs(tilde(M))[1]), ["LARGEST"]),
    (lambda M: (lambda r: (-r.max(), 2 + r.max()))(gershgorin_discs(tilde(M))[1]), ["diagonal entry"]),
    (lambda M: (lambda r: (1 - r.max(), 1 + r.max()))(gershgorin_discs(M / np.outer(np.diag(M), np.diag(M)))[1]),
     ["sqrt"]),
    (lambda M: (lambda r: (1 + r.max(), 1 - r.max()))(gershgorin_discs(tilde(M))[1]), ["swapped"]),
    (lambda M: (lambda s: (1 - np.abs(s).max(), 1 + np.abs(s).max()))((tilde(M) - np.eye(len(M))).sum(axis=1)),
     ["absolute values"]),
    (lambda M: (0.0, 1.0), ["does not even contain"]),
    (lambda M: 1.5, ["two numbers"]),
]
INTERVAL_RIGHT = [(preconditioned_interval, "largest radius"), (interval_loop, "largest radius"),
                  (lambda M: (max(preconditioned_interval(M)[0], 0.0), preconditioned_interval(M)[1]),
                   "largest radius"),
                  (row_scaled, "similar"), (column_scaled, "similar")]


@pytest.mark.parametrize("answer, words", INTERVAL_WRONG)
def test_preconditioned_interval_rejects(answer, words):
    rejected(ex.check_preconditioned_interval(answer), *words)


@pytest.mark.parametrize("answer, note", INTERVAL_RIGHT)
def test_preconditioned_interval_accepts(answer, note):
    accepted(ex.check_preconditioned_interval(answer), note)


def test_the_row_scaled_interval_is_valid_and_differs_from_the_symmetric_one():
    """Why D^-1 M is accepted: similar to M_tilde, so its Gershgorin interval holds M_tilde's
    eigenvalues; on badly scaled matrices it is a different (looser) interval."""
    looser = 0
    for M in ex._interval_matrices():
        eigenvalues = np.linalg.eigvalsh(tilde(M))
        low, high = row_scaled(M)
        assert low <= eigenvalues[0] + 1e-9 and eigenvalues[-1] <= high + 1e-9
        looser += high > preconditioned_interval(M)[1] + 1e-6
    assert looser >= 3


# ---------------------------------------------------------------- exercise 5


def seq(*layers):
    torch.manual_seed(0)
    return nn.Sequential(*layers)


class FunctionalLeNet(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.c1, self.c2 = nn.Conv2d(1, 8, 3, padding=1), nn.Conv2d(8, 16, 3, padding=1)
        self.f1, self.f2 = nn.Linear(64, 64), nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.f2(F.relu(self.f1(x.flatten(1))))


class UnusedConvolutions(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 6, 3, padding=1), nn.Conv2d(6, 16, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.mlp = nn.Sequential(nn.Flatten(), nn.Linear(64, 120), nn.ReLU(), nn.Linear(120, 10))

    def forward(self, x):
        return self.mlp(x)


class ReturnsNothing(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = lenet(seed=0)

    def forward(self, x):
        self.net(x)


def frozen():
    net = lenet(seed=0)
    for p in net.parameters():
        p.requires_grad_(False)
    return net


def zeroed():
    net = lenet(seed=0)
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
    return net


def conv(i, o):
    return nn.Conv2d(i, o, 3, padding=1)


def head(n_in=64):
    return [nn.Flatten(), nn.Linear(n_in, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)]


LENET_WRONG = [
    (seq(nn.Flatten(), nn.Linear(64, 120), nn.Linear(120, 10)), ["ran 0"]),
    (UnusedConvolutions(), ["never runs them"]),
    (seq(conv(1, 6), nn.AvgPool2d(2), conv(6, 16), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(64, 84),
         nn.Linear(84, 10)), ["no activation"]),
    (seq(conv(1, 6), nn.ReLU(), conv(6, 16), nn.ReLU(), nn.Flatten(), nn.Linear(1024, 10)), ["pool"]),
    (seq(conv(1, 6), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(96, 10)), ["two convolutions"]),
    (seq(conv(1, 6), nn.ReLU(), nn.MaxPool2d(2), conv(6, 16), nn.ReLU(), nn.MaxPool2d(2), *head(256)),
     ["in_features", "raised"]),
    (seq(conv(1, 6), nn.ReLU(), nn.MaxPool2d(2), conv(6, 16), nn.ReLU(), nn.MaxPool2d(2),
         nn.Flatten(), nn.Linear(64, 9)), ["shape (4, 10)"]),
    (seq(conv(1, 6), nn.ReLU(), nn.MaxPool2d(2), conv(6, 16), nn.ReLU(), nn.MaxPool2d(2), *head(),
         nn.Softmax(dim=1)), ["softmax"]),
    (zeroed(), ["does not depend on its input"]),
    (ReturnsNothing(), ["returned None"]),
    (frozen(), ["no trainable parameters"]),
    (nn.Sequential, ["class"]),
    ("LeNet", ["torch.nn.Module"]),
]


def classic_sigmoid():
    torch.manual_seed(1)
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2),
                         conv(6, 16), nn.Sigmoid(), nn.AvgPool2d(2), nn.Flatten(),
                         nn.Linear(64, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(),
                         nn.Linear(84, 10))


class InPlaceLeNet(FunctionalLeNet):
    """Right, though its forward scales its input in place: the check must not be fooled."""

    def forward(self, x):
        x.mul_(1.0)
        return super().forward(x)


LENET_RIGHT = [lenet(seed=0), FunctionalLeNet(), classic_sigmoid(), InPlaceLeNet()]


@pytest.mark.parametrize("net, words", LENET_WRONG)
def test_lenet_rejects(net, words):
    rejected(ex.check_lenet(net), *words)


def test_lenet_rejects_a_linear_network_with_pooling_and_identity_activations():
    net = seq(conv(1, 6), nn.AvgPool2d(2), conv(6, 16), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(64, 10))
    net.register_forward_hook(lambda m, i, o: torch.relu(torch.zeros(1)) * 0 + o)  # a relu call, no effect
    rejected(ex.check_lenet(net), "linear")


@pytest.mark.parametrize("net", LENET_RIGHT)
def test_lenet_accepts_and_leaves_the_learners_network_alone(net):
    before = [p.detach().clone() for p in net.parameters()]
    accepted(ex.check_lenet(net), "convolutions")
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters()))


# ---------------------------------------------------------------- exercise 6


def in_place(s, g, gamma):
    s *= gamma
    s += (1 - gamma) * g ** 2
    return s


def squares_g_in_place(s, g, gamma):
    g **= 2
    return gamma * s + (1 - gamma) * g


LEAKY_WRONG = [
    (lambda s, g, gamma: 0.9 * s + 0.1 * g ** 2, ["gamma = 0.9", "gamma argument"]),
    (lambda s, g, gamma: s + g ** 2, ["Adagrad's running sum"]),
    (lambda s, g, gamma: (1 - gamma) * s + gamma * g ** 2, ["swapped"]),
    (lambda s, g, gamma: gamma * s + (1 - gamma) * g, ["square the gradient"]),
    (lambda s, g, gamma: gamma * s + (1 - gamma) * np.abs(g), ["|g|"]),
    (lambda s, g, gamma: gamma * s + g ** 2, ["(1 - gamma)"]),
    (lambda s, g, gamma: np.sqrt(gamma * s + (1 - gamma) * g ** 2), ["square root"]),
    (lambda s, g, gamma: gamma * s + (1 - gamma) * np.sum(g ** 2), ["total"]),
    (lambda s, g, gamma: None, ["returned None"]),
    (lambda s, g, gamma: print(gamma * s + (1 - gamma) * g ** 2), ["returned None"]),
    (squares_g_in_place, ["changed g"]),
    (lambda s, g, gamma: s.copy() * gamma + (1 - gamma) * g ** 2, ["AttributeError"]),
    (lambda s, g, gamma: "s", ["array of numbers"]),
]
LEAKY_RIGHT = [
    (lambda s, g, gamma: gamma * s + (1 - gamma) * g ** 2, None),
    (lambda s, g, gamma: s + (1 - gamma) * (g * g - s), None),
    (lambda s, g, gamma: np.add(np.multiply(gamma, s), np.multiply(1 - gamma, np.square(g))), None),
    (in_place, "in place"),
]


@pytest.mark.parametrize("answer, words", LEAKY_WRONG)
def test_leaky_accumulator_rejects(answer, words):
    rejected(ex.check_leaky_accumulator(answer), *words)


@pytest.mark.parametrize("answer, note", LEAKY_RIGHT)
def test_leaky_accumulator_accepts(answer, note):
    accepted(ex.check_leaky_accumulator(answer), *([note] if note else []))


# ---------------------------------------------------------------- every check, whatever the answer

ODD = [None, 42, "text", lambda *a: (_ for _ in ()).throw(ZeroDivisionError("oops")),
       lambda *a: np.full((3, 3), np.nan), lambda *a: (), lambda *a: object()]


@pytest.mark.parametrize("check", [ex.check_orthogonal_maker, ex.check_gershgorin_function,
                                   ex.check_preconditioned_interval, ex.check_leaky_accumulator,
                                   ex.check_lenet, ex.try_claim_lengths, ex.try_claim_discs,
                                   ex.try_claim_condition_bound])
@pytest.mark.parametrize("answer", ODD)
def test_no_check_raises_on_an_odd_answer(check, answer):
    verdict = check(answer)
    assert isinstance(verdict, ex.Verdict)
    assert verdict.correct is (None if answer is None else False)


def test_rotated_distances_never_raise_on_odd_values():
    for pair in ((None, 1.0), ("a", "b"), ([1, 2], 3), (True, False), (math.inf, 1.0)):
        verdict = ex.check_rotated_distances(*pair)
        assert verdict.correct in (None, False)


# ---------------------------------------------------------------- the proofs' self-checks


def test_self_checks_find_counterexamples_to_wrong_claims():
    assert ex.try_claim_lengths(lambda U, c, d: (np.linalg.norm(c - d), np.linalg.norm(U @ c))).correct is False
    assert "counterexample" in str(ex.try_claim_discs(
        lambda M, z: bool(np.abs(z - np.diag(M)[0]) <= gershgorin_discs(M)[1][0] + 1e-9)))  # disc 0 only
    assert "counterexample" in str(ex.try_claim_condition_bound(
        lambda M: (lambda lo, hi: hi / lo)(*preconditioned_interval(M))))  # high / low even when low <= 0
    assert "counterexample" in str(ex.try_claim_condition_bound(lambda M: 1.0))


def test_self_checks_say_when_a_true_claim_is_empty():
    assert "does not use" in str(ex.try_claim_lengths(lambda U, c, d: (np.linalg.norm(c - d),) * 2))
    assert "says nothing" in str(ex.try_claim_discs(lambda M, z: True))
    assert "infinite on every one" in str(ex.try_claim_condition_bound(lambda M: math.inf))


def test_self_checks_pass_right_claims():
    assert ex.try_claim_lengths(lambda U, c, d: (np.linalg.norm(c - d), np.linalg.norm(U @ (c - d)))).correct
    verdict = ex.try_claim_discs(lambda M, z: bool(in_discs(z, *gershgorin_discs(M.T))[0]))  # columns
    assert verdict.correct and "excluded" in str(verdict)
    bound = ex.try_claim_condition_bound(
        lambda M: (lambda lo, hi: hi / lo if lo > 0 else math.inf)(*preconditioned_interval(M)))
    assert bound.correct and "median" in str(bound)
