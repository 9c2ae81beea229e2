"""Run test stages one after another, each to its end, and print a verdict for each.

    python tools/stages.py unit notebooks reproduce e2e

Every stage is the make target of the same name. A failing stage does not stop the ones after
it (a broken notebook must not hide a broken browser test); the exit status is non-zero if any
stage failed, and the last line counts the stages in pytest's closing style.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time


def run(stages: list[str]) -> int:
    results = []
    for stage in stages:
        print(f"\n===== stage {stage}: make {stage} =====", flush=True)
        start = time.monotonic()
        code = subprocess.call(["make", "--no-print-directory", stage], env=os.environ)
        results.append((stage, code, time.monotonic() - start))
    print("\n===== verdict per stage =====")
    for stage, code, seconds in results:
        print(f"{stage:<10} {'passed' if code == 0 else f'FAILED (exit {code})':<18} {seconds:6.0f} s")
    failed = sum(code != 0 for _, code, _ in results)
    print(f"stages: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(run(sys.argv[1:]))
