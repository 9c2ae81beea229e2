"""pytest plugin: print how long each notebook took under nbval (loaded with ``-p tests.nbtimes``)."""
from __future__ import annotations

from collections import defaultdict

_seconds: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        _seconds[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    terminalreporter.section("notebook run times (nbval, fresh kernel)")
    for path, seconds in sorted(_seconds.items()):
        terminalreporter.write_line(f"{path}: {seconds:.1f} s")
    terminalreporter.write_line(f"all notebooks: {sum(_seconds.values()):.1f} s")
