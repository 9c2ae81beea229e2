r"""Sparse features with Zipf frequencies, and three learning-rate clocks for online SGD.

The setting of the chapter's first notebook: a linear model over ``num_features`` sparse
features; each example switches on a handful of them, drawn with Zipf probabilities
:math:`p_i \propto 1/i^a`, so a few features occur in most examples and most features occur
rarely.  An active feature has the value 1, or its own fixed value :math:`s_i` when the features
are given different scales.  The label is :math:`y = \mathbf{x}^\top \mathbf{w}^* +
\text{noise}` with a known :math:`\mathbf{w}^*`, so every learnt weight can be compared with the
truth.

Online SGD on the half squared error takes one example per step.  Only the active coordinates
have a non-zero gradient, :math:`g_i = (\mathbf{x}^\top\mathbf{w} - y)\, x_i`, and each step is

.. math::
    w_i \leftarrow w_i - \eta_0\, r_i\, g_i \qquad (i \text{ active}),

where the *rate rule* gives the factor :math:`r_i` from its own explicit state:

==================  ======================================  ===================================
rule                factor :math:`r_i` at step :math:`t`    state
==================  ======================================  ===================================
``GLOBAL_CLOCK``    :math:`1/\sqrt{t + c}`                  none (the step counter ``t``)
``COUNT_CLOCK``     :math:`1/\sqrt{s_i + c}`                :math:`s_i` = times feature i was seen
``ADAGRAD``         :math:`1/\sqrt{s_i + \epsilon}`         :math:`s_i = \sum g_i^2` so far
==================  ======================================  ===================================

The trainer is vectorised over *runs*: one call trains several copies of the model on the same
stream of examples, one per (base rate, offset) pair, which makes a grid search cheap.

>>> data = make_sparse_regression(num_features=50, num_examples=200, seed=0)
>>> run = train_sparse_sgd(data, COUNT_CLOCK, lrs=[0.1, 0.5], offsets=1.0)
>>> run.weights.shape, run.diverged.tolist()
((2, 50), [False, False])
>>> bool((run.state[1] == data.counts()).all())  # the count clock's state is the count
True

Three small modules, all re-exported here so that ``d2lite.problems.sparse.<name>`` reaches
any of them: :mod:`~d2lite.problems.sparse.data` (the Zipf stream),
:mod:`~d2lite.problems.sparse.rules` (the three clocks and the online SGD that runs them) and
:mod:`~d2lite.problems.sparse.results` (measuring the learnt weights).  Their figures are
:mod:`d2lite.figures.sparse`; the slider explorer is :func:`d2lite.explorers.sparse_explorer`.
"""
from d2lite.problems.sparse import data, results, rules
from d2lite.problems.sparse.data import *  # noqa: F401,F403
from d2lite.problems.sparse.results import *  # noqa: F401,F403
from d2lite.problems.sparse.rules import *  # noqa: F401,F403

__all__ = [*data.__all__, *rules.__all__, *results.__all__]
