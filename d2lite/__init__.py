r"""d2lite: the helpers behind the Adagrad notebooks.

``import d2lite`` gives the book-facing code a learner meets in the notebooks (the 2-D trainers,
the data loaders, the training loops, the from-scratch optimizer) and the one NumPy Adagrad,
:class:`Adagrad`.  Everything else is reached through the module of its subject, so a reader
sees where it lives: ``d2lite.sparse.make_sparse_regression``, ``d2lite.explorers.sparse_explorer``.

=====================  ==============================================================
module                 what it holds
=====================  ==============================================================
*the book's code*
``trace2d``            ``f_2d``, ``adagrad_2d_rule``, ``gd_2d``, ``train_2d``, ``show_trace_2d``
``scratch``            from-scratch ``init_adagrad_states``, ``adagrad``, ``sgd`` (torch)
``data``               ``synthetic_linreg``, ``load_airfoil``, ``make_loader``
``datasets``           the shipped airfoil file and its NumPy reader (no torch)
``training``           ``train_scratch``, ``train_concise`` (return a ``TrainingHistory``)
``timer``, ``plotting``  ``Timer``; ``set_figsize``, ``Animator``, ``plain_log_axes``
``colours``            one colour per optimizer, the same in every figure and explorer
``torch``              the book's PyTorch tab as printed: ``from d2lite import torch as d2l``
``mxnet``, ``tensorflow``  the MXNet and TensorFlow tabs as printed (each needs its framework)
``_book``              the book's names that need no framework, shared by the facades
*the one Adagrad*
``optim``              ``Adagrad``: init/update with explicit state, every variant's setting
``presets``            each framework's defaults (``Adagrad.preset("torch")``)
``variants``           RMSProp, power, AdaGrad-Norm, row-wise (all ``Adagrad``), ``Adam``
``fullmatrix``         full-matrix Adagrad, :math:`(G + \epsilon I)^{-1/2}`: rotation invariant
``torch_variants``     the power and norm variants as torch optimizers
``frameworks``         the real MXNet, TensorFlow, Keras and Optax runs, replayed by the presets
``book_tabs``          the book's three tabs as ``make frameworks`` ran them, checked
*maths by subject*
``quadratic``          2-D quadratics, rotations and the rotation sweep
``preconditioning``    condition numbers, diagonal preconditioning, random SPD matrices
``gershgorin``         Gershgorin's discs and the preconditioned interval
``rates``              the effective learning rate along a 2-D run
``sparse``             Zipf sparse features, three learning-rate clocks, their figures
``embeddings``         embedding tables at scale: row-wise against element-wise Adagrad
``vision``, ``classifier``  image data sets; LeNet and its training loop
*figures, sliders, exercises*
``figures``            the explorers' whole figures (``*_figure``)
``explorers``          all five slider explorers (they run in the page)
``kernel_explorer``    ``explore(rule)``: the learner's own rule under sliders (ipywidgets)
``rule_runs``          a learner's rule run step by step, its faults in one line
``rule_figure``        ``explore``'s figure, redrawn by blitting while a slider moves
``page``               the explorers' HTML and their JavaScript (``d2lite/web``)
``page_grids``         the training explorers' grids, trained when the cell runs
``exercises``          the checks of the exercises' answers
=====================  ==============================================================

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
    "load_airfoil": "data", "make_loader": "data", "synthetic_linreg": "data",
    "Adagrad": "optim", "AdagradState": "optim", "adagrad_path": "optim",
    "Animator": "plotting", "set_figsize": "plotting",
    "adagrad": "scratch", "init_adagrad_states": "scratch", "sgd": "scratch",
    "Timer": "timer", "explore": "kernel_explorer",
    "adagrad_2d_rule": "trace2d", "f_2d": "trace2d", "f_2d_grad": "trace2d", "gd_2d": "trace2d",
    "show_trace_2d": "trace2d", "train_2d": "trace2d",
    "TrainingHistory": "training", "evaluate_loss": "training", "init_linreg_params": "training",
    "linreg": "training", "squared_loss": "training", "train_concise": "training",
    "train_scratch": "training",
}

#: The package's modules by name (``d2lite.MODULES`` imports them all, for the tests).
_MODULE_NAMES = ("_book", "alttext", "classifier", "colours", "data", "datasets", "embeddings",
                 "exercises", "explorers", "figures", "frameworks", "fullmatrix", "gershgorin",
                 "kernel_explorer", "optim", "rule_figure", "rule_runs",
                 "plotting", "preconditioning", "presets", "quadratic", "rates", "scratch",
                 "sparse", "sparse.data", "sparse.rules", "sparse.results", "sparse.plots",
                 "timer", "torch_variants", "trace2d", "training", "variants", "vision", "page",
                 "page_grids", "torch", "book_tabs")
#: The facades of the book's other two tabs.  Each imports its own framework, which the main
#: environment does not have (``make frameworks`` builds one environment each and runs their
#: examples there), so ``MODULES`` leaves them out.
_OTHER_FACADES = ("mxnet", "tensorflow")

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
    # the one NumPy Adagrad
    "Adagrad", "AdagradState", "adagrad_path",
    # the learner's own rule under sliders (ipywidgets, in the kernel)
    "explore",
]


def __getattr__(name: str) -> Any:
    """Import a submodule or a top-level name on first use."""
    if name in _HOME:
        value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    elif name == "MODULES":
        value = tuple(importlib.import_module(f".{m}", __name__) for m in _MODULE_NAMES)
    elif name.split(".")[0] in {m.split(".")[0] for m in _MODULE_NAMES}:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'd2lite' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | {m.split(".")[0] for m in _MODULE_NAMES})
