r"""d2lite: the helpers behind the Adagrad notebooks.

``import d2lite`` gives the book-facing code a learner meets in the notebooks (the 2-D trainers,
the data loaders, the training loops, the from-scratch optimizer), the one NumPy Adagrad,
:class:`Adagrad`, and the one run loop, :func:`run`.  Everything else is reached through the
module of its subject, so a reader sees where it lives:
``d2lite.problems.sparse.make_sparse_regression``, ``d2lite.explorers.sparse_explorer``.

The folders are the layers, each importing only the ones below it (an import-linter contract in
``pyproject.toml``, checked by ``make unit``):

=====================  ==============================================================
sub-package            what it holds
=====================  ==============================================================
``explorers``          the five slider explorers (``page``: their HTML, JavaScript in
                       ``explorers/web``, training grids) and their figures (``figures``)
``figures``            the plots of the maths: ``plots`` (rates, Gershgorin, loss
                       curves), ``sparse`` (the sparse-feature figures), ``cost`` (the
                       stored benchmarks' charts)
``problems``           ``quadratic``, ``preconditioning``, ``gershgorin``, ``rates``,
                       ``sparse``, ``embeddings``, ``vision``, ``classifier``
``book``               the book's code: ``trace2d``, ``plotting`` (``show_trace_2d``,
                       ``Animator``), ``scratch``, ``data``, ``datasets``, ``training``,
                       ``timer``; the facades ``torch``, ``mxnet``, ``tensorflow`` (with
                       ``_book``); ``framework_runs`` and ``tabs`` (the frameworks' stored
                       runs, shipped in ``book/results``)
``optimizers``         ``optim`` (the one ``Adagrad``), ``presets``, ``variants`` (RMSProp,
                       power, AdaGrad-Norm, row-wise, ``Adam``), ``fullmatrix``,
                       ``torch_variants``, and ``run``: the one run loop, the one
                       minibatch walker and the one NumPy linear-model loop
the bottom             ``style``: the one colour table and resolver; ``_checks``:
                       argument checks; ``_lazy``: sub-packages import modules on first use
=====================  ==============================================================

Above the layers sit the exercises' checks (``exercises``); below the book sits ``alttext`` (figures
with a text alternative).  The book's facades keep
their short names, ``from d2lite import torch as d2l``.

Conventions.  One name per concept: the learning rate is ``lr`` in code and :math:`\eta` in the
maths (never ``eta`` or ``rate`` as a parameter); the accumulated squared gradients are ``s``
(``sum_of_squares`` in :class:`AdagradState`) and the step count is ``count``.  Plot helpers are
``plot_*(..., ax=None) -> Axes``; a function that returns a whole figure is ``*_figure``.
Functions return their results and print only when asked (``verbose=True``).

>>> import d2lite
>>> state = d2lite.Adagrad.preset("book", lr=0.1).init([0.0, 0.0])
>>> state.sum_of_squares, state.count
(array([0., 0.]), 0)
"""
import importlib
from typing import Any

#: Where each top-level name lives.  Nothing is imported until it is first used (PEP 562), so
#: ``import d2lite`` imports neither torch nor matplotlib's pyplot: NumPy-only work and the MXNet
#: and TensorFlow facades (``from d2lite import mxnet as d2l``) run without torch installed.
_HOME = {
    "load_airfoil": "book.data", "make_loader": "book.data", "synthetic_linreg": "book.data",
    "Adagrad": "optimizers.optim", "AdagradState": "optimizers.optim",
    "run": "optimizers.run",
    "Animator": "book.plotting", "set_figsize": "book.plotting", "show_trace_2d": "book.plotting",
    "adagrad": "book.scratch", "init_adagrad_states": "book.scratch", "sgd": "book.scratch",
    "Timer": "book.timer", "explore": "explorers.kernel_explorer",
    "adagrad_2d_rule": "book.trace2d", "f_2d": "book.trace2d", "f_2d_grad": "book.trace2d",
    "gd_2d": "book.trace2d", "train_2d": "book.trace2d",
    "TrainingHistory": "book.training", "evaluate_loss": "book.training",
    "init_linreg_params": "book.training", "linreg": "book.training",
    "squared_loss": "book.training", "train_concise": "book.training",
    "train_scratch": "book.training",
}

#: The book's facades by their short name: ``from d2lite import torch as d2l``.
_FACADES = {"torch": "book.torch", "mxnet": "book.mxnet", "tensorflow": "book.tensorflow"}

#: The package's sub-packages and modules (``d2lite.MODULES`` imports them all, for the tests).
_MODULE_NAMES = (
    "style", "_lazy", "alttext", "exercises",
    "book", "book._book", "book.trace2d", "book.plotting", "book.scratch", "book.data",
    "book.datasets", "book.training", "book.timer", "book.torch", "book.framework_runs",
    "book.tabs", "book.results",
    "optimizers", "optimizers.optim", "optimizers.presets", "optimizers.variants",
    "optimizers.fullmatrix", "optimizers.torch_variants", "optimizers.run",
    "problems", "problems.quadratic", "problems.preconditioning", "problems.gershgorin",
    "problems.rates", "problems.sparse", "problems.sparse.data", "problems.sparse.rules",
    "problems.sparse.results", "problems.embeddings", "problems.vision", "problems.classifier",
    "problems.rotation_sweep",
    "figures", "figures.plots", "figures.sparse", "figures.cost",
    "explorers", "explorers.figures", "explorers.page", "explorers.kernel_explorer",
    "explorers.rule_figure", "explorers.rule_runs",
)
#: The facades of the book's other two tabs.  Each imports its own framework, which the main
#: environment does not have (``make frameworks`` builds one environment each and runs their
#: examples there), so ``MODULES`` leaves them out.
_OTHER_FACADES = ("book.mxnet", "book.tensorflow")

__version__ = "0.1.0"

__all__ = [
    # the 2-D picture
    "f_2d", "f_2d_grad", "adagrad_2d_rule", "gd_2d", "train_2d", "show_trace_2d",
    # data and training
    "synthetic_linreg", "load_airfoil", "make_loader", "linreg", "squared_loss",
    "init_linreg_params", "evaluate_loss", "TrainingHistory", "train_scratch", "train_concise",
    # the from-scratch optimizer
    "init_adagrad_states", "adagrad", "sgd",
    # small tools
    "Timer", "set_figsize", "Animator",
    # the one NumPy Adagrad and the one run loop
    "Adagrad", "AdagradState", "run",
    # the learner's own rule under sliders (ipywidgets, in the kernel)
    "explore",
]


def __getattr__(name: str) -> Any:
    """Import a sub-package, a facade or a top-level name on first use."""
    if name in _HOME:
        value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    elif name in _FACADES:
        value = importlib.import_module(f".{_FACADES[name]}", __name__)
    elif name == "MODULES":
        value = tuple(importlib.import_module(f".{m}", __name__) for m in _MODULE_NAMES)
    elif name in {m.split(".")[0] for m in _MODULE_NAMES}:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'd2lite' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_FACADES)
                  | {m.split(".")[0] for m in _MODULE_NAMES})
