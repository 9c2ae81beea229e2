"""Shared test set-up: close the pyplot figures a test made (plot helpers called without ``ax``
draw on new pyplot figures, as the book's do), so they do not pile up across tests."""
import sys

import pytest


@pytest.fixture(autouse=True)
def _close_pyplot_figures():
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
