"""Check that the exercises notebook holds no worked solution (they live in their own notebook).

    python tools/solutions_last.py [notebooks/09-exercises.ipynb]

The worked solutions used to sit, folded, at the end of the exercises notebook; this script
arranged them there. They now live in the worked-solutions notebook ("Exercises: worked
solutions", ``*-solutions.ipynb``), which GitHub, Colab, VS Code and nbviewer cannot unfold by
accident, and ``make student`` leaves it out of a class's copy. What is left to do here is to
refuse a regression: the script exits 1, naming the cell, when the exercises notebook has a cell
tagged ``solution``, a hidden (folded) cell, a ``### Solution`` heading, or a stored check output
that says "Correct". ``make execute`` and ``make nav`` still run it.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = next(iter(sorted((ROOT / "notebooks").glob("*-exercises.ipynb"))),
                ROOT / "notebooks" / "09-exercises.ipynb")


def problems(nb) -> list[str]:
    """What in ``nb`` is a worked answer (empty when none)."""
    found = []
    for cell in nb.cells:
        cid = cell.get("id", "?")
        if "solution" in cell.metadata.get("tags", []):
            found.append(f"cell {cid} is tagged 'solution'")
        if cell.metadata.get("jupyter", {}).get("source_hidden"):
            found.append(f"cell {cid} is hidden (a folded solution?)")
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("### Solution"):
            found.append(f"cell {cid} is a solution heading")
        if cell.cell_type == "code" and "d2lite.exercises." in cell.source:
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/plain", "") or output.get("text", "")
                if "Correct" in "".join(text) if isinstance(text, list) else "Correct" in text:
                    found.append(f"cell {cid} stores a 'Correct' verdict")
    return found


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else NOTEBOOK
    found = problems(nbformat.read(path, as_version=4))
    for line in found:
        print(f"{path.name}: {line}; worked solutions belong in the solutions notebook", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
