"""Put the exercises' worked solutions after every attempt, folded in every front end that folds.

    python tools/solutions_last.py [notebooks/06-exercises.ipynb]

Why: a learner should try each exercise before seeing its answer. Front ends differ in what they
can fold, so the notebook is arranged to keep answers out of sight in all of them:

* **Order (every front end, GitHub's renderer included).** Each exercise keeps its question, the
  cell for the attempt and the check, then a one-line pointer to its solution. All worked
  solutions follow, in order, in one "Worked solutions" part after the sixth exercise's check
  (and before the summary, which quotes the answers). A reader scrolling through the exercises
  meets no answer.
* **JupyterLab and Notebook 7** read ``jupyter.source_hidden`` and ``jupyter.outputs_hidden`` on
  every solution cell (both folded), and ``jp-MarkdownHeadingCollapsed`` on the part's heading
  (the whole part folds into its heading).
* **Classic Notebook** folds a code cell's outputs from the nbformat ``collapsed`` field, and the
  collapsible-headings extension reads ``heading_collapsed`` on the heading.
* **Colab** folds the sections whose heading cell ids are listed in the notebook's
  ``metadata.colab.collapsed_sections``; the heading cell carries its id in ``metadata.id``.
* **The static site** (tools/render_html.py) folds hidden sources and hidden outputs in
  ``<details>``.

The script is idempotent: on a notebook already arranged it only re-applies the metadata.
Cells of a solution are the cells from an exercise's ``### Solution N`` heading to the next
``## `` heading; the pointer and heading cells it writes are recognised by their tags.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "06-exercises.ipynb"
PART_TAG, POINTER_TAG, HEADING_TAG = "solutions-part", "solution-pointer", "solution-heading"
PART_ID = "worked-solutions"
PART_SOURCE = (f'## Worked solutions <a id="{PART_ID}"></a>\n\n'
               "Each exercise's worked solution, in order. They come after all six exercises so "
               "that no answer shows while you work, and every cell of them is folded: open one "
               "when you have tried (click the collapsed cell, or the bar to its left). Every cell "
               "has run, so its results and figures are stored, folded too.")


def exercise_number(cell) -> int | None:
    match = re.match(r"## Exercise (\d+)", cell.source) if cell.cell_type == "markdown" else None
    return int(match.group(1)) if match else None


def anchor(kind: str, number: int) -> str:
    return f"{kind}-{number}"


def pointer_cell(number: int):
    cell = nbformat.v4.new_markdown_cell(
        f"**Worked solution:** [Solution {number}](#{anchor('solution', number)}), in the worked "
        "solutions at the end of the notebook. Try first: the check above tells you when you are "
        "done.")
    cell.metadata["tags"] = [POINTER_TAG]
    cell.id = f"exercise-{number}-pointer"
    return cell


def heading_cell(number: int):
    cell = nbformat.v4.new_markdown_cell(
        f'### Solution {number} <a id="{anchor("solution", number)}"></a>\n\n'
        f"Back to [Exercise {number}](#{anchor('exercise', number)}).")
    cell.metadata["tags"] = [HEADING_TAG]
    cell.id = f"solution-{number}-heading"
    return cell


def tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def fold(cell) -> None:
    """Fold ``cell``'s source (and a code cell's outputs) in every front end that can."""
    jupyter = dict(cell.metadata.get("jupyter", {}))
    jupyter["source_hidden"] = True
    if cell.cell_type == "code":
        jupyter["outputs_hidden"] = True
        cell.metadata["collapsed"] = True
    cell.metadata["jupyter"] = jupyter


def arrange(nb) -> None:
    """Rearrange ``nb`` in place: tries first, then the worked solutions part, then the rest."""
    cells = [c for c in nb.cells if not set(tags(c)) & {PART_TAG, POINTER_TAG}]
    head, exercises, tail, solutions = [], {}, [], {}
    current, in_solution = None, False
    for cell in cells:
        number = exercise_number(cell)
        if number is not None:
            current, in_solution = number, False
            exercises[number] = [cell]
            continue
        heading = re.match(r"### Solution (\d+)", cell.source) if cell.cell_type == "markdown" else None
        if heading:
            current, in_solution = int(heading.group(1)), True
            solutions[current] = []
            continue  # its text is replaced by the heading cell this script writes
        hidden = cell.metadata.get("jupyter", {}).get("source_hidden") or "solution" in tags(cell)
        if cell.cell_type == "markdown" and cell.source.startswith("## ") and not hidden:
            current, in_solution = None, False
        if current is None:
            (tail if exercises else head).append(cell)
        elif in_solution or hidden:
            solutions.setdefault(current, []).append(cell)
        else:
            exercises[current].append(cell)
    if sorted(exercises) != sorted(solutions):
        raise ValueError(f"exercises {sorted(exercises)} and solutions {sorted(solutions)} differ")
    arranged = list(head)
    for number in sorted(exercises):
        first, *rest = exercises[number]
        first.source = re.sub(r'^(## Exercise \d+[^\n]*?)(?: <a id="[^"]*"></a>)?$',
                              rf'\1 <a id="{anchor("exercise", number)}"></a>', first.source,
                              count=1, flags=re.M)
        arranged += [first, *rest, pointer_cell(number)]
    part = nbformat.v4.new_markdown_cell(PART_SOURCE)
    part.metadata.update({"tags": [PART_TAG], "id": PART_ID, "jp-MarkdownHeadingCollapsed": True,
                          "heading_collapsed": True})
    part.id = PART_ID
    arranged.append(part)
    for number in sorted(solutions):
        arranged.append(heading_cell(number))
        for cell in solutions[number]:
            fold(cell)
            arranged.append(cell)
    nb.cells = arranged + tail
    nb.metadata.setdefault("colab", {})["collapsed_sections"] = [PART_ID]


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    arrange(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
