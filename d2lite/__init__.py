"""d2lite: the helpers behind the Adagrad notebooks.

Small modules with one job each; every public name is re-exported here.

=====================  ==============================================================
module                 what it holds
=====================  ==============================================================
``quadratic``          2-D convex quadratics, rotations
``trace2d``            2-D trainers (Adagrad, gradient descent), ``train_2d``, path plots
``plotting``           figure size, PNG rendering, the live ``Animator``
``timer``              ``Timer``
``data``               ``synthetic_linreg``, ``load_airfoil``
``scratch``            from-scratch ``adagrad`` and ``sgd`` on torch tensors
``training``           ``train_scratch``, ``train_concise``
``widgets``            slider ``Explorer`` and slider factories
``optim``              a NumPy reference Adagrad with each framework's conventions
``sparse``             Zipf-distributed sparse features and per-feature learning rates
``sparse_plots``       their figures and slider explorer
``preconditioning``    condition numbers and diagonal preconditioning
``explorers``          the chapter's slider explorers
``exercises``          checks for the exercises, Gershgorin discs
``vision``             a small image data set and a LeNet-style network
=====================  ==============================================================
"""
from . import (data, exercises, explorers, optim, plotting, preconditioning, quadratic, scratch,
               sparse, sparse_plots, timer, trace2d, training, vision, widgets)
from .data import *  # noqa: F401,F403
from .exercises import *  # noqa: F401,F403
from .explorers import *  # noqa: F401,F403
from .optim import *  # noqa: F401,F403
from .plotting import *  # noqa: F401,F403
from .preconditioning import *  # noqa: F401,F403
from .quadratic import *  # noqa: F401,F403
from .scratch import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .sparse_plots import *  # noqa: F401,F403
from .timer import *  # noqa: F401,F403
from .trace2d import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .vision import *  # noqa: F401,F403
from .widgets import *  # noqa: F401,F403

__version__ = "0.1.0"

__all__ = [name for module in (data, exercises, explorers, optim, plotting, preconditioning,
                               quadratic, scratch, sparse, sparse_plots, timer, trace2d, training,
                               vision, widgets)
           for name in module.__all__]
