"""Debian's Chromium as every browser test and latency benchmark launches it.

``playwright install`` cannot download a browser on these machines, so Playwright is given the
system's ``chromium`` (``apt-get install chromium``) and these flags: no sandbox (the tests run as
root), no GPU, and none of the browser's own network traffic (updates, sync, first-run pages).
"""
from __future__ import annotations

import shutil

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_executable() -> str | None:
    """The system's Chromium, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")
