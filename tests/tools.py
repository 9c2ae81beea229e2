"""The scripts of tools/, loaded as modules for their tests (tools/ is a folder of scripts, not a
package): the one loader every test of a tool uses."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def load_tool(name: str) -> ModuleType:
    """Execute ``tools/<name>.py`` as a fresh module named ``name`` and return it."""
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))  # the scripts import one another (site_safety, rename_map)
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
