"""Run the cost benchmarks and write RESULTS.md, the stored numbers and the plots.

The numbers go to d2lite/book/results/benchmarks.json (package data: the notebooks read them
with ``d2lite.book.results.load_benchmarks()``, also from a non-editable install); with another
``--out`` they stay beside that report, in ``results.json``.

    python -m benchmarks.run                 # the full run (make bench), a few minutes
    python -m benchmarks.run --quick --out /tmp/bench   # tiny sizes: the smoke test
    python -m benchmarks.run --only 1 4      # some items only (the others are not written)
    python -m benchmarks.run --replot        # rewrite RESULTS.md and plots from the stored numbers
    python -m benchmarks.run --only 6 --merge   # run item 6, keep the other stored items

Torch runs on one thread by default (``--threads``): the machine has two cores shared with other
work, and one thread keeps the torch paths comparable with the single-threaded NumPy reference.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import traceback
from pathlib import Path

import torch

from .config import FULL, QUICK, Config
from .harness import machine_description
from .report import write_report
from d2lite.book.results import BENCHMARKS_PATH

ITEMS = {1: "epoch_time", 2: "step_share", 3: "sparse_embedding", 4: "update_bandwidth",
         5: "explorer_latency", 6: "full_matrix", 7: "kernel_latency"}
HERE = Path(__file__).resolve().parent


def run_item(number: int, config) -> dict:
    """Run one item; a failure becomes a visible error entry, never a silent gap."""
    module = importlib.import_module(f"{__package__}.{ITEMS[number]}")
    start = time.perf_counter()
    try:
        result = module.run(config)
    except Exception as error:  # noqa: BLE001 - reported in RESULTS.md and on stderr
        traceback.print_exc()
        result = {"item": number, "title": getattr(module, "TITLE", ITEMS[number]), "rows": [],
                  "error": f"{type(error).__name__}: {error}"}
    result["seconds_to_run"] = time.perf_counter() - start
    return result


def read_results(path: Path, keys: tuple[str, ...]) -> dict:
    """The stored numbers at ``path``, or SystemExit naming the file, the fault and the remedy."""
    fix = ("rerun `make bench` to measure afresh, or restore the published copy with "
           f"`git checkout -- {path}`")
    try:
        payload = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise SystemExit(f"no stored results at {path}; {fix}") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise SystemExit(f"{path} cannot be read ({error}); {fix}") from None
    missing = [key for key in keys if not isinstance(payload, dict) or key not in payload]
    if missing or not isinstance(payload["results"], list) or not all(
            isinstance(r, dict) and "item" in r for r in payload["results"]):
        raise SystemExit(f"{path} lacks {missing or ['results/*/item']}; {fix}")
    return payload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (the smoke test)")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for RESULTS.md and plots")
    parser.add_argument("--only", type=int, nargs="+", choices=sorted(ITEMS), help="items to run")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--replot", action="store_true",
                        help="measure nothing: rewrite the report and plots from the stored numbers")
    parser.add_argument("--merge", action="store_true",
                        help="keep the stored items that this run does not measure")
    parser.add_argument("--note", default="", help="a line for RESULTS.md, e.g. which branches")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    # the default --out (this folder) stores its numbers inside the package, where the notebooks
    # (and a non-editable install) read them; another --out keeps them beside its report
    stored_at = BENCHMARKS_PATH if args.out.resolve() == HERE else args.out / "results.json"
    if args.replot:
        payload = read_results(stored_at, ("results", "machine", "config"))
        path = write_report(payload["results"], payload["machine"], Config(**payload["config"]), args.out,
                            stored_at)
        print(f"wrote {path}", file=sys.stderr)
        return 0
    torch.set_num_threads(args.threads)
    config = QUICK if args.quick else FULL
    machine = machine_description()
    if args.note:
        machine["note"] = args.note
    results = []
    for number in args.only or sorted(ITEMS):
        print(f"item {number}: {ITEMS[number]} ...", file=sys.stderr, flush=True)
        results.append(run_item(number, config))
        print(f"  done in {results[-1]['seconds_to_run']:.1f} s", file=sys.stderr, flush=True)
    machine["load_average_at_end"] = machine_description()["load_average_1_5_15_min"]
    if args.merge and stored_at.exists():
        stored = read_results(stored_at, ("results",))
        fresh = {result["item"] for result in results}
        results = sorted([r for r in stored["results"] if r["item"] not in fresh] + results,
                         key=lambda result: result["item"])
        machine = {**stored["machine"], "merged": f"items {sorted(fresh)} measured "
                   f"{machine['date_utc']} (load {machine['load_average_1_5_15_min']}, code "
                   f"{machine['code']})"}
    path = write_report(results, machine, config, args.out, stored_at)
    print(f"wrote {path}", file=sys.stderr)
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
