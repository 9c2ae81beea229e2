"""The docstring examples of every module of d2lite run, and print what they show.

This is ``pytest --doctest-modules d2lite`` inside the unit tests (so ``make unit`` runs it with
no extra path): one test per module, which also fails when a module has no example at all.
"""
import doctest

import pytest

import d2lite


@pytest.mark.parametrize("module", [d2lite, *d2lite.MODULES], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(module, module.__name__)
    assert sum(len(t.examples) for t in tests) > 0, f"{module.__name__} has no docstring example"
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {module.__name__} failed"
