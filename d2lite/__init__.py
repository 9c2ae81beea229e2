r"""d2lite: the helpers behind the Adagrad notebooks.

``import d2lite`` gives the book-facing code a learner meets in the notebooks (the 2-D trainers,
the data loaders, the training loops, the from-scratch optimizer) and the one NumPy Adagrad,
:class:`Adagrad`.  Everything else is reached through the module of its subject, so a reader
sees where it lives: ``d2lite.sparse.make_sparse_regression``, ``d2lite.explorers.sparse_explorer``.

=====================  ==============================================================
module                 what it holds
=====================  ==============================================================
*the book's code*
``trace2d``            ``f_2d``, ``adagrad_2d``, ``gd_2d``, ``train_2d``, ``show_trace_2d``
``scratch``            from-scratch ``init_adagrad_states``, ``adagrad``, ``sgd`` (torch)
``data``               ``synthetic_linreg``, ``load_airfoil``, ``make_loader``
``training``           ``train_scratch``, ``train_concise`` (return a ``TrainingHistory``)
``timer``, ``plotting``  ``Timer``; ``set_figsize``, ``Animator``, ``plain_log_axes``
``colours``            one colour per optimizer, the same in every figure and explorer
*the one Adagrad*
``optim``              ``Adagrad``: init/update with explicit state, every variant's setting
``presets``            each framework's defaults (``Adagrad.preset("torch")``)
``variants``           RMSProp, power, AdaGrad-Norm, row-wise (all ``Adagrad``), ``Adam``
``fullmatrix``         full-matrix Adagrad, :math:`(G + \epsilon I)^{-1/2}`: rotation invariant
``torch_variants``     the power and norm variants as torch optimizers
``frameworks``         the real MXNet, TensorFlow, Keras and Optax runs, replayed by the presets
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
``page``               the explorers' HTML and their JavaScript (``d2lite/web``)
``page_grids``         the training explorers' grids, trained when the cell runs
``exercises``          the checks of the exercises' answers
=====================  ==============================================================

Conventions.  One name per concept: the learning rate is ``lr`` in code and :math:`\eta` in the
maths (never ``eta`` or ``rate`` as a parameter); the accumulated squared gradients are ``s``
(``sum_of_squares`` in :class:`AdagradState`) and the step count is ``count``.  Plot helpers are
``plot_*(..., ax=None) -> Axes``; a function that returns a whole figure is ``*_figure``.
Functions return their results and print only when asked (``verbose=True``).

>>> state = Adagrad.preset("book", lr=0.1).init([0.0, 0.0])
>>> state.sum_of_squares, state.count
(array([0., 0.]), 0)
"""
from . import (classifier, colours, data, embeddings, exercises, explorers, figures, frameworks,
               fullmatrix, gershgorin, optim, plotting, preconditioning, presets, quadratic, rates,
               scratch, sparse, timer, torch_variants, trace2d, training, variants, vision, page, page_grids)
from .data import load_airfoil, make_loader, synthetic_linreg
from .optim import Adagrad, AdagradState, adagrad_path
from .plotting import Animator, set_figsize
from .scratch import adagrad, init_adagrad_states, sgd
from .timer import Timer
from .trace2d import adagrad_2d, f_2d, f_2d_grad, gd_2d, show_trace_2d, train_2d
from .training import (TrainingHistory, evaluate_loss, init_linreg_params, linreg, squared_loss,
                       train_concise, train_scratch)

__version__ = "0.1.0"

__all__ = [
    # the 2-D picture
    "f_2d", "f_2d_grad", "adagrad_2d", "gd_2d", "train_2d", "show_trace_2d",
    # data and training
    "synthetic_linreg", "load_airfoil", "make_loader", "linreg", "squared_loss",
    "init_linreg_params", "evaluate_loss", "TrainingHistory", "train_scratch", "train_concise",
    # the from-scratch optimizer
    "init_adagrad_states", "adagrad", "sgd",
    # small tools
    "Timer", "set_figsize", "Animator",
    # the one NumPy Adagrad
    "Adagrad", "AdagradState", "adagrad_path",
]

#: Every module of the package, for the tests that check each public name is documented.
MODULES = (classifier, colours, data, embeddings, exercises, explorers, figures, frameworks,
           fullmatrix, gershgorin, optim, plotting, preconditioning, presets, quadratic, rates,
           scratch, sparse, sparse.data, sparse.rules, sparse.results, sparse.plots, timer,
           torch_variants, trace2d, training, variants, vision, page, page_grids)
