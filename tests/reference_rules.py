"""The chapter's 2-D Adagrad step, typed as a reader types it: the one independent reference the
tests of the book's ``train_2d`` and of ``d2lite.explore`` run (no d2lite code inside)."""
from __future__ import annotations

import math


def book_rule(x1, x2, s1, s2, lr=0.4, eps=1e-6):
    """The book's adagrad_2d, its rate and epsilon as keyword arguments."""
    g1, g2 = 0.2 * x1, 4 * x2
    s1 += g1 ** 2
    s2 += g2 ** 2
    x1 -= lr / math.sqrt(s1 + eps) * g1
    x2 -= lr / math.sqrt(s2 + eps) * g2
    return x1, x2, s1, s2
