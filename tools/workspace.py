"""Working copies of the notebooks, so that a learner's edits never get in the way of an update.

    python tools/workspace.py sync             # make the copies that are missing (make lab runs it)
    python tools/workspace.py refresh NAME     # replace one copy by the latest stored version
    ... --into DIR                             # another folder of copies (default my-notebooks)

The stored notebooks in ``notebooks/`` are tracked by git and stay as they were published.
``make lab`` opens JupyterLab on ``my-notebooks/`` (ignored by git), where each notebook is
copied on first use. A learner can run, edit and save freely there: ``git status`` stays
clean and ``git pull`` never conflicts with their work.

When ``git pull`` brings a newer version of a notebook, its copy is *not* overwritten: ``sync``
says which copies are behind, and ``refresh NAME`` puts the new version in place after moving
the learner's copy aside to ``my-notebooks/backup/`` (nothing is ever deleted).  Which stored
version each copy was made from is kept in ``my-notebooks/.origin.json``.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORED = ROOT / "notebooks"
COPIES = ROOT / "my-notebooks"
ORIGIN = ".origin.json"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _origins(copies: Path) -> dict[str, str]:
    path = copies / ORIGIN
    return json.loads(path.read_text()) if path.exists() else {}


def _save_origins(copies: Path, origins: dict[str, str]) -> None:
    (copies / ORIGIN).write_text(json.dumps(origins, indent=1, sort_keys=True) + "\n")


def _stored_notebooks(stored: Path) -> list[Path]:
    return sorted(stored.glob("*.ipynb"))


def sync(stored: Path = STORED, copies: Path = COPIES) -> dict[str, list[str]]:
    """Copy every stored notebook that has no working copy yet; never touch an existing copy.

    Returns the names ``copied`` now and the names whose stored version is ``behind``, i.e.
    changed since the copy was made (``refresh`` brings those up to date).
    """
    copies.mkdir(parents=True, exist_ok=True)
    origins = _origins(copies)
    report: dict[str, list[str]] = {"copied": [], "behind": []}
    for source in _stored_notebooks(stored):
        target = copies / source.name
        if not target.exists():
            shutil.copy2(source, target)
            origins[source.name] = _digest(source)
            report["copied"].append(source.name)
        elif origins.get(source.name) != _digest(source):
            report["behind"].append(source.name)
    _save_origins(copies, origins)
    return report


def _match(name: str, stored: Path) -> Path:
    hits = [p for p in _stored_notebooks(stored) if p.name == name or p.stem == name
            or p.name.startswith(name)]
    if len(hits) != 1:
        known = ", ".join(p.stem for p in _stored_notebooks(stored))
        raise SystemExit(f"NB must name one notebook (a prefix such as 03 is enough); "
                         f"{name!r} matches {len(hits)}. Notebooks: {known}")
    return hits[0]


def refresh(name: str, stored: Path = STORED, copies: Path = COPIES) -> Path | None:
    """Replace the working copy of ``name`` by the stored version; the old copy moves to backup/.

    Returns where the learner's old copy was kept (None when there was no copy, or it was
    identical to the stored version).
    """
    source = _match(name, stored)
    copies.mkdir(parents=True, exist_ok=True)
    target, kept = copies / source.name, None
    if target.exists() and _digest(target) != _digest(source):
        backup = copies / "backup"
        backup.mkdir(exist_ok=True)
        kept = backup / f"{source.stem}.{time.strftime('%Y%m%d-%H%M%S')}{source.suffix}"
        n = 1
        while kept.exists():
            kept = backup / f"{source.stem}.{time.strftime('%Y%m%d-%H%M%S')}-{n}{source.suffix}"
            n += 1
        shutil.move(target, kept)
    shutil.copy2(source, target)
    origins = _origins(copies)
    origins[source.name] = _digest(source)
    _save_origins(copies, origins)
    return kept


def main(argv: list[str]) -> int:
    copies = COPIES
    if "--into" in argv:
        at = argv.index("--into")
        if at + 1 >= len(argv):
            raise SystemExit("--into needs a folder, e.g. --into my-notebooks")
        copies = (Path.cwd() / argv[at + 1]).resolve()
        argv = argv[:at] + argv[at + 2:]
    shown = copies.relative_to(ROOT) if copies.is_relative_to(ROOT) else copies
    command = argv[0] if argv else "sync"
    if command == "sync" and len(argv) <= 1:
        report = sync(STORED, copies)
        if report["copied"]:
            print(f"made working copies in {shown}/: {', '.join(report['copied'])}")
        for name in report["behind"]:
            print(f"notebooks/{name} has a newer version than your copy in {shown}/; "
                  f"`make refresh NB={name[:2]}` takes it (your copy is kept in {shown}/backup/)")
        return 0
    if command == "refresh" and len(argv) == 2:
        kept = refresh(argv[1], STORED, copies)
        print(f"{shown}/{_match(argv[1], STORED).name} is now the stored version"
              + (f"; your previous copy is {kept}" if kept else ""))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
