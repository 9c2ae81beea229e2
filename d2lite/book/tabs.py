"""The book's three tabs of the Adagrad chapter, as ``make frameworks`` ran them.

``tests/book/adagrad_{pytorch,mxnet,tensorflow}.ipy`` hold the chapter's cells for each framework
exactly as the book prints them, with only the import line changed to a d2lite facade
(``from d2lite import mxnet as d2l``).  ``make frameworks`` runs each tab, cell by cell, in
that framework's own environment and stores what every cell printed (seconds masked as ``T``),
what it would display, how many figures it drew and its loss curve in
``d2lite/book/results/frameworks.json``.  This module reads those stored runs with no framework installed,
and checks them against what the book prints.

>>> [cell["printed"] for cell in tab_run("mxnet")["cells"]][1]
['epoch 20, x1: -2.382563, x2: -0.158591']
"""
from __future__ import annotations

import html
import re
from typing import Any

from d2lite._checks import check_choice
from d2lite.book.framework_runs import load_results

__all__ = ["TABS", "BOOK_NAME", "BOOK_LINES", "LOSS_RANGES", "BOOK_LOSSES", "CELL_TITLES",
           "tab_run", "tab_loss", "check_tab", "book_prints", "side_by_side_html"]

#: The frameworks whose tab ``make frameworks`` runs, in the book's order of tabs.
TABS = ("torch", "mxnet", "tensorflow")
#: The book's name for each tab (which names its file, ``tests/book/adagrad_{name}.ipy``).
BOOK_NAME = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow"}
#: What each cell of the chapter does, in order (the same six cells in every tab).
CELL_TITLES = ("imports", "2-D run, eta = 0.4", "2-D run, eta = 2", "Adagrad from scratch",
               "train_ch11 (from scratch)", "train_concise_ch11 (the framework's Adagrad)")
#: The lines the book prints for the two 2-D runs, by cell index (deterministic: no data).
BOOK_LINES = {1: ["epoch 20, x1: -2.382563, x2: -0.158591"],
              2: ["epoch 20, x1: -0.002295, x2: -0.000000"]}
#: The losses the book's PyTorch page prints for the two training cells, by cell index.
BOOK_LOSSES = {4: 0.243, 5: 0.242}
#: The range each training cell's final loss must fall in (the data, not the seed, fixes it).
LOSS_RANGES = {4: (0.241, 0.250), 5: (0.240, 0.250)}
_LOSS_LINE = re.compile(r"^loss: (\d+\.\d{3}), T sec/epoch$")


def tab_run(framework: str, results: dict[str, Any] | None = None) -> dict[str, Any]:
    """The stored run of ``framework``'s tab (from :func:`d2lite.book.framework_runs.load_results`).

    >>> run = tab_run("tensorflow")
    >>> run["tab"], len(run["cells"])
    ('tensorflow', 6)
    """
    check_choice("framework", framework, TABS)
    results = load_results() if results is None else results
    stored = results["frameworks"].get(framework, {})
    if "tab" not in stored:
        raise KeyError(f"no stored run of the {BOOK_NAME[framework]} tab: run "
                       f"`make frameworks-store` with d2lite.{framework} importable")
    return stored["tab"]


def tab_loss(cell: dict[str, Any]) -> float:
    """The loss a training cell printed (``loss: L, T sec/epoch``).

    >>> tab_loss({"printed": ["loss: 0.243, T sec/epoch"]})
    0.243
    """
    lines = [m for line in cell["printed"] for m in [_LOSS_LINE.match(line)] if m]
    if len(lines) != 1:
        raise ValueError(f"cell must print one line 'loss: L, T sec/epoch', got {cell['printed']!r}")
    return float(lines[0].group(1))


def check_tab(run: dict[str, Any]) -> list[str]:
    """What in a tab's run differs from the book; an empty list when nothing does.

    Checks the printed lines of the 2-D cells and that each drew one figure, the final loss of the two training cells
    against :data:`LOSS_RANGES`, that each training cell drew a loss curve ending at the
    printed loss, that no cell would display a bare return value (an ``<Axes ...>`` repr), that
    the wrong learning-rate key was refused with a message naming the right one, and that the
    facade's docstring examples passed in that environment.

    >>> check_tab(tab_run("mxnet"))
    []
    >>> broken = tab_run("mxnet") | {"cells": []}
    >>> check_tab(broken)[0]
    'mxnet: 0 cells ran, the chapter has 6'
    """
    name, problems = run.get("tab", "?"), []
    cells = run.get("cells", [])
    if len(cells) != len(CELL_TITLES):
        return [f"{name}: {len(cells)} cells ran, the chapter has {len(CELL_TITLES)}"]
    for index, expected in BOOK_LINES.items():
        if cells[index]["printed"] != expected:
            problems.append(f"{name}: cell {index} printed {cells[index]['printed']!r}, "
                            f"the book prints {expected!r}")
    for index in BOOK_LINES:
        if cells[index]["figures"] != 1:
            problems.append(f"{name}: cell {index} drew {cells[index]['figures']} figures, not 1")
    for index, (low, high) in LOSS_RANGES.items():
        try:
            loss = tab_loss(cells[index])
        except ValueError as error:
            problems.append(f"{name}: cell {index}: {error}")
            continue
        if not low <= loss <= high:
            problems.append(f"{name}: cell {index} ends at loss {loss}, outside [{low}, {high}]")
        curves = cells[index]["curves"]
        if len(curves) != 1 or round(curves[0]["loss"][-1], 3) != loss:
            problems.append(f"{name}: cell {index} drew {len(curves)} loss curve(s); expected one "
                            f"ending at the printed {loss}")
    problems += [f"{name}: cell {i} would display {cell['shown'][:60]!r}"
                 for i, cell in enumerate(cells) if cell["shown"] is not None]
    wrong = run.get("wrong_key", {})
    if not wrong.get("error") or repr(wrong.get("right")) not in wrong["error"]:
        problems.append(f"{name}: given {{{wrong.get('wrong')!r}: 0.1}}, train_concise_ch11 "
                        f"said {wrong.get('error')!r}, not naming {wrong.get('right')!r}")
    doctests = run.get("doctests", {})
    if not doctests.get("attempted") or doctests.get("failed"):
        problems.append(f"{name}: facade docstring examples {doctests}")
    return problems


def book_prints(index: int) -> list[str]:
    """What the book's page prints for cell ``index`` (its PyTorch page for the losses).

    >>> book_prints(4), book_prints(0)
    (['loss: 0.243, T sec/epoch'], [])
    """
    if index in BOOK_LOSSES:
        return [f"loss: {BOOK_LOSSES[index]:.3f}, T sec/epoch"]
    return list(BOOK_LINES.get(index, []))


def side_by_side_html(results: dict[str, Any] | None = None) -> str:
    """An HTML table of the chapter's cells: what the book prints, then each tab's code and output.

    One row per cell; a tab's column holds the cell's code as the stored run ran it, then what it
    printed and how many figures it drew.

    >>> page = side_by_side_html()
    >>> page.count("<tr>"), "from d2lite import mxnet as d2l" in page
    (7, True)
    """
    runs = {name: tab_run(name, results) for name in TABS}
    head = "".join(f"<th scope='col'>{BOOK_NAME[name]} ({runs[name]['version']})</th>"
                   for name in TABS)
    rows = [f"<tr><th scope='col'>cell</th><th scope='col'>the book prints</th>{head}</tr>"]
    for index, title in enumerate(CELL_TITLES):
        cells = []
        for name in TABS:
            cell = runs[name]["cells"][index]
            out = "\n".join(cell["printed"])
            figures = f"({cell['figures']} figure)" if cell["figures"] else ""
            curves = "(loss curve drawn)" if cell["curves"] else ""
            cells.append(f"<td><pre>{html.escape(cell['source'].rstrip())}</pre>"
                         f"<pre><b>{html.escape(out)}</b> {figures}{curves}</pre></td>")
        book = html.escape("\n".join(book_prints(index)))
        rows.append(f"<tr><th scope='row'>{index}. {html.escape(title)}</th>"
                    f"<td><pre>{book}</pre></td>{''.join(cells)}</tr>")
    return ("<table style='font-size:small;text-align:left;vertical-align:top'>"
            + "".join(rows) + "</table>")
