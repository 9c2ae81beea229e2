"""How long each explorer of a notebook takes to redraw in the kernel (no browser involved).

    .venv/bin/python -m tests.e2e.draw_times notebooks/03-the-algorithm.ipynb [more.ipynb ...]

Runs the notebook in a fresh kernel, then times ``Explorer.png()`` at the default setting and at
every ``extreme_settings()`` entry of every explorer the kernel holds.  When the browser test says a
notebook's sliders are slow, this tells whether the time goes into the redraw itself (compare
with the floor fixture, ``tests/e2e/fixtures/floor.ipynb``) or into the round trip.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

PROBE = r'''
import gc, time, warnings
from d2lite.widgets import Explorer
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    explorers = [o for o in gc.get_objects() if isinstance(o, Explorer)]
for explorer in explorers:
    times = []
    for setting in [{}, *explorer.extreme_settings()]:
        start = time.perf_counter()
        explorer.png(**setting)
        times.append((1000 * (time.perf_counter() - start), setting))
    default_ms = times[0][0]
    worst_ms, worst = max(times[1:], key=lambda t: t[0])
    print(f"  sliders {', '.join(explorer.sliders)}: default {default_ms:.0f} ms, "
          f"worst end {worst_ms:.0f} ms at {worst}")
'''


def draw_times(path: Path) -> str:
    """The probe's report for the notebook at ``path``."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return "".join(out.get("text", "") for out in nb.cells[-1].outputs if out.get("name") == "stdout")


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    for name in paths:
        print(name)
        print(draw_times(Path(name)) or "  (no explorers)\n", end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
