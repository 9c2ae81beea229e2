"""Execute notebooks in place, each in a fresh kernel, and store their outputs.

    python tools/execute.py notebooks/03-the-algorithm.ipynb [more.ipynb ...]

Cells run top to bottom with the notebook's folder as the working directory; widget state is
stored so that ``d2lite.explore``'s ipywidgets sliders (the one kernel widget; the chapters'
explorers are page HTML and need none) keep their last state; volatile metadata (timings) is dropped so a re-run
gives the same file, and consecutive pieces of one stream are joined into one output (where a
kernel flushes its stdout depends on timing, so the pieces would differ between machines).  A cell tagged ``live-timing`` measures the reader's own machine: it runs,
but its output is not stored (a stored timing would change on every run).  Prints each
notebook's run time.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled")
LIVE_TIMING = "live-timing"


def execute(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            # a folded solution keeps ``collapsed``: classic Notebook folds its outputs by it
            if key == "collapsed" and cell.metadata.get("jupyter", {}).get("outputs_hidden"):
                continue
            cell.metadata.pop(key, None)
        if LIVE_TIMING in cell.metadata.get("tags", []):
            cell.outputs = []
    nb.metadata.setdefault("kernelspec", {"display_name": "Python 3 (ipykernel)",
                                          "language": "python", "name": "python3"})
    nbformat.write(nb, path)
    return seconds


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    for name in paths:
        seconds = execute(Path(name))
        print(f"{name}: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
