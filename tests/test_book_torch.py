"""The book's PyTorch tab of section 12.7 runs as printed through ``from d2lite import torch as d2l``.

The chapter's cells (tests/book/adagrad_pytorch.ipy, the book's code with only the import line
changed) run one by one in a fresh Jupyter kernel with the network shut off; each cell must print
the book's line and display its figure.  The unit tests below check the facade's parts: the
book's names against the collection's one implementation, the errors in the book's terms, and
that a non-editable install ships the data ``get_data_ch11`` reads.
"""
from __future__ import annotations

import base64
import functools
import io
import re
import shutil
import subprocess
import sys
import sysconfig
from contextlib import redirect_stdout
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
import torch

import d2lite
from d2lite.book import _book
from d2lite import torch as d2l
from d2lite.book.trace2d import adagrad_2d_rule
from tests.reference_rules import book_rule

ROOT = Path(__file__).resolve().parents[1]
BOOK_CELLS = (Path(__file__).with_name("book") / "adagrad_pytorch.ipy").read_text()
CELLS = [cell.strip("\n") for cell in BOOK_CELLS.split("# %% cell\n")[1:]]

# Run first, in the same kernel: any attempt to open a connection fails (the kernel's own ZeroMQ
# sockets are not Python sockets, so they keep working).
NO_NETWORK = """\
import socket
def _no_network(*args, **kwargs):
    raise OSError("the network is off in this test")
socket.socket.connect = socket.socket.connect_ex = _no_network
socket.create_connection = _no_network
try:
    socket.create_connection(("example.com", 80))
except OSError:
    pass
else:
    raise AssertionError("the network guard does not hold")
"""
LOSS_LINE = re.compile(r"^loss: (\d+\.\d{3}), (\d+\.\d{3}) sec/epoch$")


def _texts(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _images(cell) -> list[bytes]:
    return [base64.b64decode(o["data"]["image/png"]) for o in cell.outputs
            if o.output_type in ("display_data", "execute_result") and "image/png" in o["data"]]


@pytest.fixture(scope="module")
def book_run(tmp_path_factory):
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(NO_NETWORK)] + [nbformat.v4.new_code_cell(c) for c in CELLS]
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path_factory.mktemp("book"))}}).execute()
    return nb.cells[1:]


def test_the_fixture_holds_the_chapters_six_pytorch_cells():
    assert len(CELLS) == 6
    assert CELLS[0].splitlines() == ["%matplotlib inline", "from d2lite import torch as d2l",
                                     "import math", "import torch"]
    assert "d2l.train_ch11(adagrad, init_adagrad_states(feature_dim)," in CELLS[4]


@pytest.mark.slow
def test_the_chapters_pytorch_tab_runs_as_printed_and_shows_its_figures(book_run):
    imports, first, second, scratch_code, scratch, concise = book_run
    assert _texts(first) == "epoch 20, x1: -2.382563, x2: -0.158591\n"
    assert _texts(second) == "epoch 20, x1: -0.002295, x2: -0.000000\n"
    assert imports.outputs == [] and scratch_code.outputs == []
    for cell, low in ((scratch, 0.241), (concise, 0.240)):
        match = LOSS_LINE.match(_texts(cell).strip())
        assert match, _texts(cell)
        assert low <= float(match.group(1)) <= 0.250
        assert float(match.group(2)) > 0
    shown = [img for cell in book_run for img in _images(cell)]
    assert len(shown) == 4 and all(img.startswith(b"\x89PNG") for img in shown)
    for cell in (first, second, scratch, concise):
        assert len(_images(cell)) == 1, cell.source
    for cell in book_run:
        plain = [o["data"].get("text/plain", "") for o in cell.outputs if "data" in o]
        assert not any(p.startswith("<Axes") for p in plain), cell.source


@pytest.mark.parametrize("eta", [0.4, 2.0])
def test_book_train_2d_is_the_collections_run_loop(eta, capsys):
    book = d2l.train_2d(functools.partial(book_rule, lr=eta))  # the chapter's adagrad_2d, eta given
    printed = capsys.readouterr().out
    ours = d2lite.train_2d(adagrad_2d_rule(eta), verbose=False)
    assert np.array_equal(np.asarray(book), np.asarray(ours))
    x1, x2 = ours[-1]
    assert printed == f"epoch 20, x1: {x1:f}, x2: {x2:f}\n"


def test_book_show_trace_2d_outside_a_notebook_draws_one_pyplot_figure_and_returns_nothing():
    import matplotlib.pyplot as plt
    plt.close("all")
    old = mpl.rcParams["figure.figsize"]
    try:
        def f_2d(x1, x2):  # the book's objective: no minimum attached, so no star is drawn
            return 0.1 * x1 ** 2 + 2 * x2 ** 2
        assert _book.show_trace_2d(f_2d, d2lite.train_2d(adagrad_2d_rule(0.4), verbose=False)) is None
        assert len(plt.get_fignums()) == 1
        fig = plt.figure(plt.get_fignums()[0])
        assert tuple(fig.get_size_inches()) == (3.5, 2.5)  # the book's set_figsize()
        assert len(fig.axes[0].get_lines()) == 1
    finally:
        mpl.rcParams["figure.figsize"] = old


def test_book_show_trace_2d_displays_one_figure_with_alt_and_returns_nothing(monkeypatch):
    import IPython
    import IPython.display
    import matplotlib.pyplot as plt
    from d2lite.alttext import FigureWithAlt
    plt.close("all")
    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())  # as in a notebook
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    old = mpl.rcParams["figure.figsize"]
    try:
        def f_2d(x1, x2):  # the book's objective: no minimum attached, so no star is drawn
            return 0.1 * x1 ** 2 + 2 * x2 ** 2
        assert _book.show_trace_2d(f_2d, d2lite.train_2d(adagrad_2d_rule(0.4), verbose=False)) is None
        assert plt.get_fignums() == []  # displayed at once, with its alt; none left for the inline backend
        assert len(shown) == 1 and isinstance(shown[0], FigureWithAlt)
        assert shown[0].alt.startswith("Contour lines of f over x1 and x2. The path: 21 points from (-5, -2)")
        assert mpl.rcParams["figure.figsize"] == [3.5, 2.5] or tuple(mpl.rcParams["figure.figsize"]) == (3.5, 2.5)
    finally:
        mpl.rcParams["figure.figsize"] = old


def test_the_torch_tab_given_the_other_tabs_key_says_it_expects_lr():
    data_iter, feature_dim = d2l.get_data_ch11()
    states = d2lite.init_adagrad_states(feature_dim)
    with pytest.raises(ValueError, match=r"'lr', not 'learning_rate'"):
        d2l.train_ch11(d2lite.adagrad, states, {"learning_rate": 0.1}, data_iter, feature_dim)
    with pytest.raises(ValueError, match=r"'lr', not 'learning_rate'"):
        d2l.train_concise_ch11(torch.optim.Adagrad, {"learning_rate": 0.1}, data_iter)
    with pytest.raises(ValueError, match=r"learning rate as 'lr'"):
        d2l.train_ch11(d2lite.adagrad, states, {"eps": 1e-6}, data_iter, feature_dim)
    with pytest.raises(TypeError, match="hyperparams must be a dict"):
        d2l.train_ch11(d2lite.adagrad, states, 0.1, data_iter, feature_dim)


def test_get_data_ch11_is_the_shipped_airfoil_data_standardised_as_the_book():
    data_iter, feature_dim = d2l.get_data_ch11(batch_size=7, n=100)
    X, y = data_iter.dataset.tensors
    features, labels = d2lite.book.datasets.airfoil_arrays(100)
    assert feature_dim == 5 and tuple(y.shape) == (100,) and data_iter.batch_size == 7
    assert np.array_equal(X.numpy(), features) and np.array_equal(y.numpy(), labels[:, 0])
    # standardised over all 1,503 rows: the full column has mean 0 and population std 1
    full, _ = d2lite.book.datasets.airfoil_arrays(1503, dtype="float64")
    assert np.abs(full.mean(axis=0)).max() < 1e-12 and np.abs(full.std(axis=0) - 1).max() < 1e-12


def test_train_ch11_returns_the_books_times_and_losses_and_repeats_under_a_seed():
    runs = []
    for _ in range(2):
        torch.manual_seed(3)
        data_iter, feature_dim = d2l.get_data_ch11()
        out = io.StringIO()
        with redirect_stdout(out):
            times, losses = d2l.train_ch11(d2lite.adagrad, d2lite.init_adagrad_states(feature_dim),
                                           {"lr": 0.1}, data_iter, feature_dim)
        runs.append(losses)
    assert len(times) == len(losses) == 2 * 1500 // 200 and np.all(np.diff(times) >= 0)
    assert runs[0] == runs[1]
    match = LOSS_LINE.match(out.getvalue().strip())
    assert match and match.group(1) == f"{losses[-1]:.3f}"


def test_evaluate_loss_takes_the_books_loss_argument():
    data_iter, _ = d2l.get_data_ch11(n=200)
    net = torch.nn.Linear(5, 1)
    half = d2l.evaluate_loss(net, data_iter, d2l.squared_loss)
    mse = d2l.evaluate_loss(net, data_iter, torch.nn.MSELoss(reduction="none"))
    assert half == pytest.approx(d2lite.evaluate_loss(net, data_iter)) and mse == pytest.approx(2 * half)


def test_accumulator_and_animator_keep_the_books_interface():
    metric = d2l.Accumulator(2)
    metric.add(torch.tensor(1.5), 3)
    assert (metric[0], metric[1]) == (1.5, 3.0)
    metric.reset()
    assert metric.data == [0.0, 0.0]
    with pytest.raises(ValueError, match="2 value"):
        metric.add(1.0)
    with pytest.raises(ValueError, match="nrows and ncols"):
        d2l.Animator(nrows=2)
    assert d2l.Animator().figsize == (3.5, 2.5)
    import matplotlib.pyplot
    assert d2l.plt is matplotlib.pyplot and d2l.Timer is d2lite.Timer


def test_the_facades_framework_free_part_and_the_torch_tab_import_what_they_need_only():
    code = ("import sys; import d2lite.book._book; print('torch' in sys.modules); "
            "from d2lite import torch as d2l; print('torchvision' in sys.modules, "
            "'pandas' in sys.modules, 'requests' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False", "False"]


@pytest.mark.slow
def test_a_non_editable_install_runs_get_data_ch11(tmp_path):
    """``pip install --no-deps .`` into a new venv (no index, no build isolation: nothing is
    fetched); its dependencies come from this environment's site-packages, which holds d2lite
    only as an editable link, so the d2lite imported must be the installed copy."""
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv*", ".git", "__pycache__", "notebooks", "tests", "benchmarks", "frameworks",
        "*.egg-info", "build", "my-notebooks", ".jupyter*", "node_modules", ".hypothesis"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--no-build-isolation", "."], cwd=source, check=True)
    shutil.rmtree(source)  # nothing may be read from the source tree
    code = ("import d2lite; from d2lite import torch as d2l; it, d = d2l.get_data_ch11(); "
            "print(d2lite.__file__); print(d, len(it.dataset))")
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True,
                         cwd=tmp_path)
    where, sizes = out.stdout.strip().splitlines()
    assert Path(where).is_relative_to(purelib) and sizes == "5 1500"
