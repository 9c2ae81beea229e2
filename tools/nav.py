"""Refresh the navigation of the notebooks: links at the top and bottom of each numbered
notebook, the contents page (``notebooks/00-contents.md``), and the table in README.md.

    python tools/nav.py

It also writes the set-up cell (tag ``setup``, the first code cell, which makes ``d2lite``
importable) of every chapter from ``tools/notebook_tools.py``: edit it there, then run this
script and re-execute the notebooks.

A notebook's title is its first ``# `` heading; its one-line summary is the ``summary`` entry of
its metadata (``metadata.d2lite.summary``), and the time it takes to work through (reading and
running, in minutes) is ``metadata.d2lite.minutes``; ``metadata.d2lite.optional`` marks the
appendix, and a file name containing ``solutions`` the exercises' worked solutions.  The contents
page also says who the collection is for, gives a 50-minute lecture plan through the core
(found by file-name slug, so renumbering keeps its links), the self-study path with its minutes,
and the references.  Navigation cells carry the tag ``nav`` and are
replaced on every run, so links never rot.  Run it after adding or renaming a notebook.

The contents page is a Markdown file, not a notebook: it has no code, and JupyterLab starts a
kernel for every notebook it opens (there is no per-file way to stop that: "Open With > Notebook
(no kernel)" is a choice made when opening, and ``notebook_starts_kernel`` is one switch for every
notebook).  A Markdown file opens in JupyterLab's Markdown Preview (``make lab`` makes that the
default viewer; a link clicked in a notebook opens it there anyway) with no kernel and nothing to
save, GitHub renders it, and ``tools/render_html.py`` renders it through the notebooks' template
(:func:`contents_notebook` makes the in-memory notebook it renders).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_tools import refresh_setup_cell, title_of as _title_of  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CONTENTS = NOTEBOOKS / "00-contents.md"
README = ROOT / "README.md"
START, END = "<!-- notebooks:start -->", "<!-- notebooks:end -->"


def chapter_notebooks() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb") if not p.name.startswith("00-"))


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
short code. From "Adagrad from scratch" on, PyTorch basics help (tensors, `backward()`). Every
notebook runs top to bottom on a laptop CPU in seconds, offline.

Open the notebooks in order; each one builds on the one before. The exercises come last: open
their worked solutions only after trying them. The appendix is optional. The times are for
reading, running and trying things, not for running alone.

This page is a Markdown file, not a notebook: it has no code and opens without a kernel. In
JupyterLab, a link opens its notebook in a new tab."""

#: Notebooks found by the end of their file name (``NN-<slug>.ipynb``), so the plans below keep
#: their links when the notebooks are renumbered.
LECTURE_PLAN = [
    # (slug, minutes, what to show, what to drag, the question to stop for)
    ("sparse-features", 10,
     "section 1 (how uneven the feature counts are), section 3 (the rate a rare feature gets from "
     "a global clock against its own clock) and the figure of section 6 (every weight's error "
     "against its feature's frequency)",
     "in the explorer of section 11, move the Zipf exponent from 1.1 down to 0, where every feature "
     "is equally frequent (section 9's control), and compare the three rules' curves on the way",
     "Why should a feature seen once in a thousand examples take a larger step than a common one?"),
    ("preconditioning", 9,
     "section 2 (the condition number sets gradient descent's speed) and the explorer of section 3",
     "at angle 0, raise the condition number from 1 to 100 and watch gradient descent zigzag while "
     "the diagonally preconditioned path does not; then turn the angle to 45 degrees and compare "
     "the preconditioned path again",
     "Rescaling each coordinate fixes a bowl aligned with the axes. What can it not fix?"),
    ("the-algorithm", 12,
     "the rule, the reference run and the table of its first steps by hand, then \"The same runs "
     "with gradient descent\" and \"How fast does the rate decay?\"",
     "in the explorer (\"Explore\"), set the rate to 10 and then to 0.01, and move epsilon",
     "Adagrad's first step has size eta in every coordinate, whatever the gradient. Why?"),
    ("from-scratch", 7,
     "the state and the update (two lines of code), the book's run on the airfoil data, and the "
     "comparison against minibatch SGD at the same rate",
     "in the learning-rate explorer at the end, drag the rate from 0.1 up to 10",
     "In the table of learning rates SGD diverges at 2 while Adagrad does not blow up even at 10. "
     "What in Adagrad's rule stops it?"),
    ("concise", 5,
     "section 2 (the framework's optimizer on the same minibatches) and section 4 (the table of five "
     "frameworks and the figure of the tiny gradient)",
     None,
     "Which framework's first step on a gradient of 1e-4 is largest, and what sets it?"),
    ("successors", 5,
     "section 3: the linear regression at one shared rate, then at each optimizer's tuned rate",
     None,
     "Adagrad stalls at the shared rate and not at its own. What does that say about comparing "
     "optimizers at one rate?"),
]


def _find(entries: list[tuple[str, str, str]], slug: str) -> tuple[str, str] | None:
    """(file name, title) of the notebook whose file name ends in ``-<slug>.ipynb``, or None."""
    for name, label, _ in entries:
        if name.endswith(f"-{slug}.ipynb"):
            return name, label.split(" · ", 1)[-1]
    return None


def lecture_cell_source(entries: list[tuple[str, str, str]]) -> str:
    """The 50-minute lecture plan through the core notebooks, linked by file name."""
    lines = ["## A 50-minute lecture", "",
             "Before the lecture, run the notebooks below once (Run All), so that every figure is on "
             "screen and every explorer answers at once. Then, in this order:", ""]
    total = 0
    for number, (slug, minutes, show, drag, question) in enumerate(LECTURE_PLAN, start=1):
        found = _find(entries, slug)
        if found is None:
            continue
        name, title = found
        total += minutes
        lines.append(f"{number}. **[{title}]({name})** ({minutes} min). Show {show}.")
        if drag:
            lines.append(f"   *Drag:* {drag}.")
        lines.append(f"   *Stop for a question:* {question}")
    lines += ["", f"That is {total} minutes of material, with {50 - total} minutes to spare for the "
              "questions. For the full-matrix notebook, the costs and the exercises, point the "
              "class to the self-study path below; the exercises make a good assignment."]
    return "\n".join(lines)


def self_study_source(entries, minutes, optional, solutions) -> str:
    """The self-study path: every notebook in order, with its minutes, and what each one is for."""
    lines = ["## Self-study path", "",
             "Work through every notebook in order, running each cell and moving every slider:"]
    core = 0
    for (name, label, _), time, is_optional, is_solution in zip(entries, minutes, optional, solutions):
        title = label.split(" · ", 1)[-1]
        note = ""
        if is_solution:
            note = ": open it only after trying the exercises"
        elif is_optional:
            note = " (optional)"
        else:
            core += time or 0
        lines.append(f"* [{title}]({name}){note}, about {time} minutes")
    lines += ["", f"Without the optional appendix and the solutions: about {core} minutes "
              f"({core // 60} h {core % 60:02d} min)."]
    return "\n".join(lines)


REFERENCES = """## References

* John Duchi, Elad Hazan and Yoram Singer, "Adaptive Subgradient Methods for Online Learning and
  Stochastic Optimization", *Journal of Machine Learning Research* 12 (2011), pages 2121-2159.
* H. Brendan McMahan and Matthew Streeter, "Adaptive Bound Optimization for Online Convex
  Optimization", *Conference on Learning Theory (COLT)*, 2010.
* *Dive into Deep Learning*, section 12.7, "Adagrad":
  [d2l.ai/chapter_optimization/adagrad.html](https://d2l.ai/chapter_optimization/adagrad.html).

The optional last section of "The Adagrad algorithm, step by step" explains, in the online-learning
view of the first two papers, why the sum of squared gradients is the right clock."""


def is_optional(nb) -> bool:
    """Whether the notebook is marked optional (``metadata.d2lite.optional``, the appendix)."""
    return bool(nb.metadata.get("d2lite", {}).get("optional", False))


def is_solutions(path: Path) -> bool:
    """Whether the notebook holds the exercises' worked solutions (its file name says so)."""
    return "solutions" in path.stem


#: What the contents page says, once, on the line of the worked solutions.
AFTER_TRYING = "Open it after trying the exercises."
_ADVICE = re.compile(r"\s*[;,.]?\s*\(?open (?:it|them) (?:only )?after trying[^;.()]*\)?[.]?\s*$", re.I)


def without_advice(summary: str) -> str:
    """``summary`` without a closing "open it after trying ..." clause, which the contents page
    adds in full after it (so the advice reads once).

    >>> without_advice("Worked solutions, with the experiments; open it after trying")
    'Worked solutions, with the experiments'
    >>> without_advice("Worked solutions to the six exercises")
    'Worked solutions to the six exercises'
    """
    return _ADVICE.sub("", summary)


def contents_cells(entries: list[tuple[str, str, str]], minutes: list[int | None],
                   optional: list[bool] | None = None, solutions: list[bool] | None = None) -> list:
    """The sections of the contents page, as Markdown cells: audience and list (first), the
    50-minute lecture, the self-study path, references (:func:`contents_markdown` joins them)."""
    optional = optional or [False] * len(entries)
    solutions = solutions or [False] * len(entries)
    lines = ["# Adagrad, interactively: contents", "", AUDIENCE, ""]
    for i, ((name, label, summary), time, opt, sol) in enumerate(zip(entries, minutes, optional, solutions)):
        mark = f" *{AFTER_TRYING}*" if sol else " *Optional.*" if opt else ""
        if sol:
            summary = without_advice(summary)
        lines.append(f"{i + 1}. [{label}]({name}): {summary}.{mark}".replace("..", ".")
                     + (f" (about {time} minutes)" if time else ""))
    known = [time for time, opt, sol in zip(minutes, optional, solutions) if time and not opt and not sol]
    if known:
        total = sum(known)
        lines += ["", f"These {len(known)} notebooks: about {total} minutes "
                  f"({total // 60} h {total % 60:02d} min), without the worked solutions and the "
                  "optional appendix."]
    cells = [nbformat.v4.new_markdown_cell("\n".join(lines)),
             nbformat.v4.new_markdown_cell(lecture_cell_source(entries)),
             nbformat.v4.new_markdown_cell(self_study_source(entries, minutes, optional, solutions)),
             nbformat.v4.new_markdown_cell(REFERENCES)]
    for cell, cell_id in zip(cells, ("contents", "lecture", "self-study", "references")):
        cell.id = cell_id
    return cells


#: The ids of the contents page's sections (each ``## `` heading starts one), as the cells of
#: the notebook that :func:`contents_notebook` makes of it carry them.
SECTION_IDS = {"A 50-minute lecture": "lecture", "Self-study path": "self-study",
               "References": "references"}
GENERATED = "<!-- Written by tools/nav.py from the notebooks' metadata: edit it there, then run it. -->"


def contents_markdown(cells: list) -> str:
    """The text of the contents page: the cells of :func:`contents_cells`, one after another."""
    return "\n\n".join(cell.source.rstrip() for cell in cells) + "\n\n" + GENERATED + "\n"


def contents_notebook(text: str | None = None) -> nbformat.NotebookNode:
    """The contents page (``text``; by default the stored ``00-contents.md``) as an in-memory
    notebook of Markdown cells, one per section (the part before the first ``## `` heading, id
    ``contents``, then one cell per ``## `` heading, ids from :data:`SECTION_IDS`), for the static
    site and the tests.  The notebook is never written: the page stays a Markdown file.

    >>> nb = contents_notebook("# Title\\n\\nText\\n\\n## References\\n\\n* a book\\n")
    >>> [(cell.id, cell.source.splitlines()[0]) for cell in nb.cells]
    [('contents', '# Title'), ('references', '## References')]
    """
    if text is None:
        text = CONTENTS.read_text(encoding="utf-8")
    text = text.replace(GENERATED, "")
    parts = [part.strip() for part in re.split(r"(?m)^(?=## )", text) if part.strip()]
    nb = nbformat.v4.new_notebook()
    for i, part in enumerate(parts):
        cell = nbformat.v4.new_markdown_cell(part)
        heading = part.splitlines()[0][3:].strip() if part.startswith("## ") else None
        if heading is None:
            cell.id = "contents" if i == 0 else f"part-{i}"
        else:
            cell.id = SECTION_IDS.get(heading) or re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
        nb.cells.append(cell)
    return nb


def entries_of(paths: list[Path], books: list) -> list[tuple[str, str, str]]:
    """(file name, ``NN · Title``, summary) of each notebook."""
    return [(p.name, f"{p.name[:2]} · {title_of(nb)}", summary_of(nb)) for p, nb in zip(paths, books)]


def contents_text(paths: list[Path] | None = None, books: list | None = None) -> str:
    """The contents page of the notebooks ``paths`` (read as ``books``; by default the chapters)."""
    paths = chapter_notebooks() if paths is None else paths
    books = [nbformat.read(p, as_version=4) for p in paths] if books is None else books
    cells = contents_cells(entries_of(paths, books), [minutes_of(nb) for nb in books],
                           [is_optional(nb) for nb in books], [is_solutions(p) for p in paths])
    return contents_markdown(cells)


def refresh() -> None:
    paths = chapter_notebooks()
    books = [nbformat.read(p, as_version=4) for p in paths]
    entries = entries_of(paths, books)
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

    CONTENTS.write_text(contents_text(paths, books), encoding="utf-8")

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
