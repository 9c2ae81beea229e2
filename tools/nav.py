"""Refresh the navigation of the notebooks: links at the top and bottom of each numbered
notebook, the contents notebook, and the table in README.md.

    python tools/nav.py

It also writes the set-up cell (tag ``setup``, the first code cell, which makes ``d2lite``
importable) of every chapter from ``tools/notebook_tools.py``: edit it there, then run this
script and re-execute the notebooks.

A notebook's title is its first ``# `` heading; its one-line summary is the ``summary`` entry of
its metadata (``metadata.d2lite.summary``), and the time it takes to work through (reading and
running, in minutes) is ``metadata.d2lite.minutes``.  The contents notebook also says who the
collection is for, gives a path for a 30-minute lecture and lists the references.  Navigation cells carry the tag ``nav`` and are
replaced on every run, so links never rot.  Run it after adding or renaming a notebook.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_tools import refresh_setup_cell, title_of as _title_of  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CONTENTS = NOTEBOOKS / "00-contents.ipynb"
README = ROOT / "README.md"
START, END = "<!-- notebooks:start -->", "<!-- notebooks:end -->"


def chapter_notebooks() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb") if p != CONTENTS)


def title_of(nb) -> str:
    title = _title_of(nb)
    if title is None:
        raise ValueError("notebook has no '# ' title heading")
    return title


def summary_of(nb) -> str:
    return nb.metadata.get("d2lite", {}).get("summary", "")


def minutes_of(nb) -> int | None:
    """Minutes to work through the notebook (``metadata.d2lite.minutes``), or None."""
    return nb.metadata.get("d2lite", {}).get("minutes")


def nav_cell(prev: tuple[str, str] | None, nxt: tuple[str, str] | None) -> nbformat.NotebookNode:
    parts = [f"[< {prev[1]}]({prev[0]})" if prev else "",
             f"[Contents]({CONTENTS.name})",
             f"[{nxt[1]} >]({nxt[0]})" if nxt else ""]
    cell = nbformat.v4.new_markdown_cell(" | ".join(p for p in parts if p))
    cell.metadata["tags"] = ["nav"]
    cell.metadata["editable"] = False
    del cell["id"]
    return cell


AUDIENCE = """This is a short course on one optimizer, Adagrad, as notebooks you run and change. It
follows section 12.7 of *Dive into Deep Learning* and runs as experiments what the book describes.

**Who it is for.** Learners who know gradient descent (a step against the gradient, scaled by a
learning rate) and want to see why one learning rate per parameter helps; and instructors who want
material to run in a lecture. **What to know first:** derivatives and gradients; a little linear
algebra (a symmetric matrix, its eigenvalues, an orthogonal matrix); enough Python and NumPy to read
short code. From notebook 04 on, PyTorch basics help (tensors, `backward()`). Every notebook runs
top to bottom on a laptop CPU in seconds, offline.

Open the notebooks in order; each one builds on the one before. The times are for reading,
running and trying things, not for running alone."""

LECTURE = """## A 30-minute lecture

Run the notebooks beforehand, so that every figure is on screen, then show:

1. **Why one rate per weight** (6 min): [01](01-sparse-features.ipynb), sections 1 and 3 (how
   uneven the feature counts are, and the factor a rare feature gets from a global clock against
   its own clock), then the figure of section 6 (the error of every weight against its frequency).
2. **The gradient as a stand-in for curvature** (4 min): [02](02-preconditioning.ipynb),
   section 6, the two figures.
3. **The rule** (10 min): [03](03-the-algorithm.ipynb): the rule, the reference run and the table
   of the first steps, the sweep of learning rates against gradient descent, and the decay of the
   rate with noisy gradients. Move the explorer's rate to 10 and to 0.01.
4. **On a real model** (5 min): [04](04-from-scratch.ipynb), the loss curves against SGD and the
   table of learning rates (SGD diverges at 2; Adagrad does not blow up at 10 but ends worse than
   it started).
5. **Limits and what came next** (5 min): [06](06-exercises.ipynb), exercise 2's sweep over the
   rotation angle and its answer, the flat line of full-matrix Adagrad in
   [08](08-full-matrix.ipynb) (section 2); then exercise 6's noisy-gradient
   rates, which lead to RMSProp and Adam: the two panels of [09](09-successors.ipynb), section 3."""

REFERENCES = """## References

* John Duchi, Elad Hazan and Yoram Singer, "Adaptive Subgradient Methods for Online Learning and
  Stochastic Optimization", *Journal of Machine Learning Research* 12 (2011), pages 2121-2159.
* H. Brendan McMahan and Matthew Streeter, "Adaptive Bound Optimization for Online Convex
  Optimization", *Conference on Learning Theory (COLT)*, 2010.
* *Dive into Deep Learning*, section 12.7, "Adagrad":
  [d2l.ai/chapter_optimization/adagrad.html](https://d2l.ai/chapter_optimization/adagrad.html).

The optional last section of notebook 03 explains, in the online-learning view of the first two
papers, why the sum of squared gradients is the right clock."""


def contents_cells(entries: list[tuple[str, str, str]], minutes: list[int | None]) -> list:
    """The cells of the contents notebook: audience and list (first cell), lecture, references."""
    lines = ["# Adagrad, interactively: contents", "", AUDIENCE, ""]
    for i, ((name, label, summary), time) in enumerate(zip(entries, minutes)):
        lines.append(f"{i + 1}. [{label}]({name}): {summary}" + (f" (about {time} minutes)" if time else ""))
    known = [time for time in minutes if time]
    if known:
        total = sum(known)
        lines += ["", f"All {len(known)} notebooks: about {total} minutes ({total // 60} h {total % 60:02d} min)."]
    cells = [nbformat.v4.new_markdown_cell("\n".join(lines)), nbformat.v4.new_markdown_cell(LECTURE),
             nbformat.v4.new_markdown_cell(REFERENCES)]
    for cell, cell_id in zip(cells, ("contents", "lecture", "references")):
        cell.id = cell_id
    return cells


def refresh() -> None:
    paths = chapter_notebooks()
    books = [nbformat.read(p, as_version=4) for p in paths]
    entries = [(p.name, f"{p.name[:2]} · {title_of(nb)}", summary_of(nb)) for p, nb in zip(paths, books)]
    for i, (path, nb) in enumerate(zip(paths, books)):
        prev = entries[i - 1][:2] if i > 0 else None
        nxt = entries[i + 1][:2] if i + 1 < len(entries) else None
        body = [c for c in nb.cells if "nav" not in c.metadata.get("tags", [])]
        nb.cells = body
        if refresh_setup_cell(nb):
            print(f"{path.name}: set-up cell rewritten; re-execute it (tools/execute.py)")
        body = nb.cells
        top, bottom = nav_cell(prev, nxt), nav_cell(prev, nxt)
        top.id, bottom.id = "nav-top", "nav-bottom"
        nb.cells = [top, *body, bottom]
        nbformat.write(nb, path)

    minutes = [minutes_of(nb) for nb in books]
    contents = nbformat.v4.new_notebook()
    contents.cells = contents_cells(entries, minutes)
    contents.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                       "name": "python3"}
    nbformat.write(contents, CONTENTS)

    if README.exists():
        text = README.read_text()
        if START in text and END in text:
            rows = ["| notebook | what it shows |", "| --- | --- |"]
            rows += [f"| [{label}](notebooks/{name}) | {summary} |" for name, label, summary in entries]
            head, rest = text.split(START, 1)
            _, tail = rest.split(END, 1)
            README.write_text(head + START + "\n" + "\n".join(rows) + "\n" + END + tail)


if __name__ == "__main__":
    refresh()
    print(f"navigation refreshed for {len(chapter_notebooks())} notebooks")
