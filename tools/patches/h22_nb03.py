"""Patch for notebook 03 (issue 22): the learner pastes the book's ``adagrad_2d`` under sliders.

    .venv/bin/python tools/patches/h22_nb03.py [notebooks/03-the-algorithm.ipynb]

Inserts a Markdown cell and a code cell at the end of the "## Explore" section (just before the
next "## " heading), after the in-page explorer: the book's 2-D Adagrad step, pasted with its
global ``eta`` turned into the keyword ``lr``, explored with ``d2lite.explore`` in the kernel.
Idempotent (the cells carry ids ``h22-explore-03-text`` and ``h22-explore-03``); re-execute 03
afterwards (``make execute NB=notebooks/03-the-algorithm.ipynb``).
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
HEADING = "## Explore"
TEXT = (
    "**Your own code under the sliders.** The explorer above runs the collection's Adagrad in the "
    "page. `d2lite.explore` runs *your* code instead: Python calls your function in the kernel every "
    "time a slider moves. Below is the book's `adagrad_2d`, pasted as the book prints it, with one "
    "change: the global `eta` became a keyword argument, `lr=0.4` (this collection's name for "
    "$\\eta$). Every keyword argument with a number as its default gets a slider, on a log scale for "
    "`lr` and `eps`; the start point and the number of steps get one too. Adagrad from `d2lite` "
    "runs beside your path at the same rate, so as long as you only paste, the two paths lie on "
    "each other. Now change something: drop the square root, or leave out `eps`, and run the cell "
    "again. If the rule fails (a division by zero, a value that is not a number), one red line "
    "above the plots names the step and the value. The sliders keep working. Without a running "
    "kernel the figure stays as it was last drawn, with a note that it needs one.")
CODE = (
    "import math\n\n\n"
    "def adagrad_2d(x1, x2, s1, s2, lr=0.4, eps=1e-6):\n"
    "    g1, g2 = 0.2 * x1, 4 * x2\n"
    "    s1 += g1 ** 2\n"
    "    s2 += g2 ** 2\n"
    "    x1 -= lr / math.sqrt(s1 + eps) * g1\n"
    "    x2 -= lr / math.sqrt(s2 + eps) * g2\n"
    "    return x1, x2, s1, s2\n\n\n"
    "d2lite.explore(adagrad_2d, lr=(0.01, 10))")


def patch(path: Path) -> bool:
    """Insert the two cells into the notebook at ``path``; False if they are there already."""
    nb = nbformat.read(path, as_version=4)
    if any(c.get("id") == "h22-explore-03" for c in nb.cells):
        return False
    starts = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
              and c.source.startswith(HEADING)]
    if len(starts) != 1:
        raise SystemExit(f"{path}: expected one {HEADING!r} heading, found {len(starts)}")
    end = next((i for i in range(starts[0] + 1, len(nb.cells)) if nb.cells[i].cell_type == "markdown"
                and nb.cells[i].source.startswith("## ")), len(nb.cells))
    text = nbformat.v4.new_markdown_cell(TEXT)
    text.id = "h22-explore-03-text"
    code = nbformat.v4.new_code_cell(CODE)
    code.id = "h22-explore-03"
    code.metadata["tags"] = ["nbval-ignore-output"]  # a widget: its output is not compared
    nb.cells[end:end] = [text, code]
    nbformat.write(nb, path)
    return True


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "notebooks" / "03-the-algorithm.ipynb"
    print(f"{target}: {'patched' if patch(target) else 'already patched'}")
