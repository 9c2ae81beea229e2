"""Refresh the navigation of the notebooks: links at the top and bottom of each numbered
notebook, the contents notebook, and the table in README.md.

    python tools/nav.py

It also writes the set-up cell (tag ``setup``, the first code cell, which makes ``d2lite``
importable) of every chapter from ``tools/notebook_tools.py``: edit it there, then run this
script and re-execute the notebooks.

A notebook's title is its first ``# `` heading; its one-line summary is the ``summary`` entry of
its metadata (``metadata.d2lite.summary``).  Navigation cells carry the tag ``nav`` and are
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


def nav_cell(prev: tuple[str, str] | None, nxt: tuple[str, str] | None) -> nbformat.NotebookNode:
    parts = [f"[< {prev[1]}]({prev[0]})" if prev else "",
             f"[Contents]({CONTENTS.name})",
             f"[{nxt[1]} >]({nxt[0]})" if nxt else ""]
    cell = nbformat.v4.new_markdown_cell(" | ".join(p for p in parts if p))
    cell.metadata["tags"] = ["nav"]
    cell.metadata["editable"] = False
    del cell["id"]
    return cell


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

    lines = ["# Adagrad, interactively: contents", "",
             "Open the notebooks in order; each one builds on the one before.", ""]
    lines += [f"{i + 1}. [{label}]({name}): {summary}" for i, (name, label, summary) in enumerate(entries)]
    contents = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_markdown_cell("\n".join(lines))
    cell.id = "contents"
    contents.cells = [cell]
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
