"""Compare fresh framework results with the stored ones; exit 1 on any mismatch.

    python frameworks/compare.py [FRESH] [STORED] [--verbose]

FRESH defaults to build/frameworks/results.json (written by ``make frameworks``), STORED to
d2lite/book/results/frameworks.json (the stored results ship inside the package).  Numbers must agree to a relative 1e-6 in float32 runs and 1e-12 in
float64 runs (d2lite.book.framework_runs.TOLERANCE); every other field (versions, settings) exactly.
One line per framework and piece gives the largest gap; ``--verbose`` prints every number.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from d2lite.book.framework_runs import compare_results  # noqa: E402


#: Recorded for the reader, allowed to differ between machines (timings are never compared).
INFORMATIONAL = {"python", "tab_seconds"}


def report(fresh: dict, stored: dict, frameworks: list[str] | None = None,
           verbose: bool = False) -> tuple[list[str], int]:
    """Lines to print and the number of mismatches, for the frameworks named (default: all)."""
    names = sorted(set(fresh["frameworks"]) | set(stored["frameworks"]))
    lines, mismatches = [], 0
    for name in names if frameworks is None else frameworks:
        if name not in fresh["frameworks"] or name not in stored["frameworks"]:
            where = "fresh" if name not in fresh["frameworks"] else "stored"
            lines.append(f"MISMATCH {name}: absent from the {where} results")
            mismatches += 1
            continue
        new, old = fresh["frameworks"][name], stored["frameworks"][name]
        for piece in sorted((set(new) | set(old)) - INFORMATIONAL):
            rows = compare_results({piece: new.get(piece, "<missing>")},
                                   {piece: old.get(piece, "<missing>")})
            bad = [row for row in rows if not row["ok"]]
            numeric = [row for row in rows if isinstance(row["fresh"], (int, float))]
            if numeric:
                worst = max(row["gap"] for row in numeric)
                rtols = sorted({f"{row['rtol']:.0e}" for row in numeric})
                lines.append(f"{name}.{piece}: {len(numeric)} numbers, largest relative gap "
                             f"{worst:.1e} (tolerance {', '.join(rtols)})"
                             + (" MISMATCH" if bad else ""))
            elif bad:
                lines.append(f"{name}.{piece}: MISMATCH")
            for row in rows if verbose else bad:
                lines.append(f"  {'ok' if row['ok'] else 'MISMATCH'} {name}.{row['path']}: fresh "
                             f"{row['fresh']!r}, stored {row['stored']!r}, gap {row['gap']:.1e}")
            mismatches += len(bad)
    return lines, mismatches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fresh", nargs="?", default=ROOT / "build/frameworks/results.json")
    parser.add_argument("stored", nargs="?", default=ROOT / "d2lite/book/results/frameworks.json")
    parser.add_argument("--verbose", action="store_true", help="print every number")
    args = parser.parse_args(argv)
    loaded = []
    for label, path in (("fresh", args.fresh), ("stored", args.stored)):
        try:
            loaded.append(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            print(f"frameworks: cannot read the {label} results {path}: {error}")
            return 1
    lines, mismatches = report(*loaded, verbose=args.verbose)
    print("\n".join(lines))
    print(f"frameworks: {mismatches} mismatch(es) between {args.fresh} and {args.stored}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
