"""tools/lab_server_config.py, make lab's server settings: the kernel websocket turns Nagle's
algorithm off before it opens, once however often the file is loaded, and still opens."""
from __future__ import annotations

import asyncio
import runpy
from pathlib import Path

import pytest
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

CONFIG = Path(__file__).resolve().parents[1] / "tools" / "lab_server_config.py"


@pytest.fixture
def original_open():
    kept = KernelWebsocketHandler.open
    calls = []

    async def fake_open(self, kernel_id):
        calls.append(("open", kernel_id))
        return "opened"

    KernelWebsocketHandler.open = fake_open
    yield calls
    KernelWebsocketHandler.open = kept


class Handler:
    """What the patched ``open`` touches of a handler: ``set_nodelay``."""

    def __init__(self, calls):
        self.calls = calls

    def set_nodelay(self, value):
        self.calls.append(("set_nodelay", value))


def test_open_sets_nodelay_first_then_opens(original_open):
    runpy.run_path(str(CONFIG))
    result = asyncio.run(KernelWebsocketHandler.open(Handler(original_open), "k1"))
    assert result == "opened"
    assert original_open == [("set_nodelay", True), ("open", "k1")]


def test_loading_twice_patches_once(original_open):
    runpy.run_path(str(CONFIG))
    runpy.run_path(str(CONFIG))
    asyncio.run(KernelWebsocketHandler.open(Handler(original_open), "k2"))
    assert original_open.count(("set_nodelay", True)) == 1


def test_make_lab_passes_the_config():
    makefile = (CONFIG.parents[1] / "Makefile").read_text()
    lab = makefile[makefile.index("\nlab:"):makefile.index("\nrefresh:")]
    assert "--config=$(CURDIR)/tools/lab_server_config.py" in lab
