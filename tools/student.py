"""Build a solution-free copy of the collection for a class: ``make student``.

    python tools/student.py [--notebooks notebooks] [--out build/student]

Into ``build/student/`` (made afresh each time) it copies the whole collection, the ``d2lite``
package, ``benchmarks/`` results and the project files the notebooks import or read, with the
notebooks changed so that no answer is left:

* the worked-solutions notebook (every notebook whose metadata says ``d2lite.solutions: true``,
  or whose file name ends in ``-solutions.ipynb``) is left out;
* every cell tagged ``check-yourself-answer`` (the folded answer after each "Check yourself"
  question) is removed, in every notebook; and a ``<details><summary>Answer</summary> ...
  </details>`` block left in any other markdown cell is cut out too, so an untagged answer cannot
  slip through;
* every cell tagged ``solution-pointer`` or ``solution`` is removed, and every remaining link to
  the solutions notebook (markdown ``[text](10-solutions.ipynb...)``) is replaced by its text;
* the contents page (``00-contents.md``, Markdown) is copied with its links to the solutions
  replaced by their text, like the notebooks';
* stored outputs are kept (the exercises' checks were stored unanswered, so none says "Correct").

It prints what it removed and exits non-zero if the result still holds an answer (it checks its
own output with :func:`leftovers`).
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
ANSWER_TAG = "check-yourself-answer"
REMOVED_TAGS = {ANSWER_TAG, "solution-pointer", "solution"}
ANSWER_BLOCK = re.compile(r"<details>\s*<summary>\s*Answer\s*</summary>.*?</details>\s*",
                          re.S | re.I)
COPIED = ("d2lite", "benchmarks", "pyproject.toml", "constraints.txt", "README.md", "Makefile",
          "tools", ".jupyter-lab-settings")  # make lab's settings: the contents page opens as a preview


def is_solutions(path: Path, nb) -> bool:
    """Whether ``nb`` (at ``path``) is a worked-solutions notebook."""
    return bool(nb.metadata.get("d2lite", {}).get("solutions")) or path.stem.endswith("-solutions")


def link_pattern(names: list[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(n) for n in names) or r"(?!)"
    return re.compile(r"\[([^\]]*)\]\((?:\./)?(?:" + alternatives + r")(?:#[^)]*)?\)")


def strip_notebook(nb, solution_names: list[str]) -> list[str]:
    """Remove answers from ``nb`` in place; return a line per thing removed."""
    removed, kept = [], []
    links = link_pattern(solution_names)
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if tags & REMOVED_TAGS:
            removed.append(f"cell {cell.get('id', '?')} ({', '.join(sorted(tags & REMOVED_TAGS))})")
            continue
        if cell.cell_type == "markdown":
            text, blocks = ANSWER_BLOCK.subn("", cell.source)
            if blocks:
                removed.append(f"{blocks} answer block(s) in cell {cell.get('id', '?')}")
            text, count = links.subn(r"\1", text)
            if count:
                removed.append(f"{count} link(s) to the solutions in cell {cell.get('id', '?')}")
            cell.source = text
        kept.append(cell)
    nb.cells = kept
    return removed


def strip_markdown(text: str, solution_names: list[str]) -> tuple[str, list[str]]:
    """A Markdown page (the contents page) without answer blocks and links to the solutions;
    and a line per thing removed.

    >>> strip_markdown("See [the solutions](10-solutions.ipynb).", ["10-solutions.ipynb"])
    ('See the solutions.', ['1 link(s) to the solutions'])
    """
    removed = []
    text, blocks = ANSWER_BLOCK.subn("", text)
    if blocks:
        removed.append(f"{blocks} answer block(s)")
    text, count = link_pattern(solution_names).subn(r"\1", text)
    if count:
        removed.append(f"{count} link(s) to the solutions")
    return text, removed


def markdown_pages(folder: Path) -> list[Path]:
    """The numbered Markdown pages of ``folder`` (the contents page, ``00-contents.md``)."""
    return sorted(folder.glob("[0-9][0-9]-*.md"))


def leftovers(folder: Path) -> list[str]:
    """What in ``folder``'s notebooks and Markdown pages still gives an answer away (empty when
    clean)."""
    problems = []
    for path in markdown_pages(folder):
        text = path.read_text(encoding="utf-8")
        if ANSWER_BLOCK.search(text):
            problems.append(f"{path.name} holds an Answer block")
        if re.search(r"\]\((?:\./)?[0-9]+-solutions\.ipynb", text):
            problems.append(f"{path.name} links to the solutions")
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if is_solutions(path, nb):
            problems.append(f"{path.name} is a solutions notebook")
        for cell in nb.cells:
            tags = set(cell.metadata.get("tags", []))
            if tags & REMOVED_TAGS:
                problems.append(f"{path.name}: cell {cell.get('id')} tagged {sorted(tags & REMOVED_TAGS)}")
            if cell.cell_type == "markdown" and ANSWER_BLOCK.search(cell.source):
                problems.append(f"{path.name}: cell {cell.get('id')} holds an Answer block")
            if re.search(r"\]\((?:\./)?[0-9]+-solutions\.ipynb", cell.source):
                problems.append(f"{path.name}: cell {cell.get('id')} links to the solutions")
            for output in cell.get("outputs", []):
                text = output.get("text", "") or output.get("data", {}).get("text/plain", "")
                if isinstance(text, list):
                    text = "".join(text)
                if "d2lite.exercises.check_" in cell.source and str(text).startswith("Correct"):
                    problems.append(f"{path.name}: cell {cell.get('id')} stores a 'Correct' verdict")
    return problems


def build(notebooks: Path, out: Path) -> list[str]:
    """Write the student copy of ``notebooks`` (and the project files) into ``out``."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            shutil.copy2(source, out / name)
    (out / "notebooks").mkdir()
    paths = sorted(notebooks.glob("*.ipynb"))
    books = {p: nbformat.read(p, as_version=4) for p in paths}
    solution_names = [p.name for p, nb in books.items() if is_solutions(p, nb)]
    log = [f"left out {name} (worked solutions)" for name in solution_names]
    for path, nb in books.items():
        if path.name in solution_names:
            continue
        log += [f"{path.name}: removed {line}" for line in strip_notebook(nb, solution_names)]
        nbformat.write(nb, out / "notebooks" / path.name)
    for path in markdown_pages(notebooks):
        text, removed = strip_markdown(path.read_text(encoding="utf-8"), solution_names)
        log += [f"{path.name}: removed {line}" for line in removed]
        (out / "notebooks" / path.name).write_text(text, encoding="utf-8")
    return log


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "student")
    args = parser.parse_args(argv)
    for line in build(args.notebooks, args.out):
        print(line)
    problems = leftovers(args.out / "notebooks")
    for problem in problems:
        print("still there:", problem, file=sys.stderr)
    print(f"student copy in {args.out}: {len(list((args.out / 'notebooks').glob('*.ipynb')))} notebooks"
          + ("" if not problems else f", {len(problems)} answer(s) left"))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
