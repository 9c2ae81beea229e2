"""Smoke run of the cost benchmarks at tiny sizes: every item runs and reports finite numbers.

It checks the harness (every row present, finite, its goal judged consistently, the report and
plots written), not the goals themselves: tiny sizes say nothing about speed.
"""
from __future__ import annotations

import json
import math

import pytest

import d2lite
from benchmarks import run as bench_run
from benchmarks.harness import Goal, interleaved, paired_ratio


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    status = bench_run.main(["--quick", "--out", str(out)])
    return status, out, json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_every_item_runs_without_error(quick_results):
    status, _, payload = quick_results
    items = {result["item"]: result for result in payload["results"]}
    assert sorted(items) == sorted(bench_run.ITEMS)
    assert [r.get("error") for r in items.values() if "error" in r] == []
    assert status == 0


def test_every_row_is_finite_and_judged_against_its_goal(quick_results):
    _, _, payload = quick_results
    for result in payload["results"]:
        assert result["rows"] or result.get("skipped") or result.get("notes"), result["item"]
        for r in result["rows"]:
            assert math.isfinite(r["value"]), (result["item"], r["figure"])
            if r["goal"]:
                op, threshold = r["goal"].split()
                assert r["met"] == Goal(op, float(threshold)).met(r["value"]), r["figure"]


def test_expected_rows_are_present(quick_results):
    _, _, payload = quick_results
    figures = {result["item"]: [r["figure"] for r in result["rows"]] for result in payload["results"]}
    assert any("train_scratch / train_concise" in f for f in figures[1])
    assert any("train_scratch: adagrad / sgd" in f for f in figures[2])
    assert any("dense / sparse" in f for f in figures[3])
    assert any("fused update time / copy-bandwidth bound" in f for f in figures[4])
    assert any("from scratch / fused" in f for f in figures[4])
    assert any("spelled-out" in f for f in figures[1] + figures[2])
    assert any("spelled out" in f for f in figures[4])
    assert any("full-matrix / diagonal, state bytes" in f for f in figures[6])
    item2 = next(r for r in payload["results"] if r["item"] == 2)
    if not item2.get("skipped"):  # the LeNet figures need d2lite.problems.vision
        assert any("Adagrad step / whole iteration" in f for f in figures[2])


def test_report_and_plots_are_written(quick_results):
    _, out, payload = quick_results
    text = (out / "RESULTS.md").read_text(encoding="utf-8")
    assert payload["machine"]["cpu_model"] in text
    for result in payload["results"]:
        for r in result["rows"]:
            assert r["figure"] in text
        if result.get("skipped"):  # item 7 needs a Lab and Chromium: the quick run skips it
            assert result["skipped"] in text
            continue
        assert (out / f"item{result['item']}.png").read_bytes()[:4] == b"\x89PNG"


def test_the_report_draws_the_packages_charts_with_their_alt_text(quick_results):
    """RESULTS.md's charts are d2lite.figures.cost's (the notebooks' own), one implementation, and
    each image carries its text alternative, computed from the item's numbers."""
    import re

    from benchmarks import report
    from d2lite.figures import cost

    _, out, payload = quick_results
    for suffixes in report.PLOTTERS.values():
        for plotter, alt in suffixes.values():
            assert getattr(cost, plotter.__name__) is plotter and getattr(cost, alt.__name__) is alt
    text = (out / "RESULTS.md").read_text(encoding="utf-8")
    images = dict((name, alt) for alt, name in re.findall(r"!\[(.*?)\]\((item\d+(?:_\w+)?\.png)\)", text))
    drawn = {result["item"]: result["data"] for result in payload["results"] if "data" in result}
    for number, suffixes in report.PLOTTERS.items():
        if number not in drawn:
            continue
        for suffix, (_, alt) in suffixes.items():
            assert images[f"item{number}{suffix}.png"] == alt(drawn[number]).replace("[", "\\[").replace("]", "\\]")
    assert images["item6.png"].startswith("Log-log plot of the time of one update against d from 4 to 16")


def test_full_matrix_item_counts_state_bytes_exactly(quick_results):
    """Item 6: d^2 against d float64 numbers of state, whatever the timings say."""
    _, _, payload = quick_results
    per_d = next(r for r in payload["results"] if r["item"] == 6)["data"]["per_d"]
    for d, entry in per_d.items():
        assert entry["state_bytes"] == {"diagonal": 8 * int(d), "full matrix": 8 * int(d) ** 2}


def test_merge_keeps_the_items_not_measured(tmp_path):
    """--merge runs some items and keeps the others of the stored results.json."""
    assert bench_run.main(["--quick", "--only", "6", "--out", str(tmp_path)]) == 0
    stored = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    stored["results"].insert(0, {"item": 1, "title": "kept", "rows": [], "seconds_to_run": 0.0})
    (tmp_path / "results.json").write_text(json.dumps(stored), encoding="utf-8")
    assert bench_run.main(["--quick", "--only", "6", "--merge", "--out", str(tmp_path)]) == 0
    merged = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert [r["item"] for r in merged["results"]] == [1, 6]
    assert merged["results"][0]["title"] == "kept" and "merged" in merged["machine"]


def test_interleaved_rotates_order_and_paired_ratio_pairs_rounds():
    order = []
    seconds = interleaved({"a": lambda: order.append("a") or 2.0,
                           "b": lambda: order.append("b") or 1.0}, repeats=3, warmup=1)
    assert order == ["a", "b", "b", "a", "a", "b", "b", "a"]
    assert seconds == {"a": [2.0] * 3, "b": [1.0] * 3}
    assert paired_ratio([2.0, 9.0, 4.0], [1.0, 3.0, 1.0]) == 3.0  # median of 2, 3, 4


def test_spelled_out_variant_is_the_same_update_as_the_teaching_code():
    """The context rows compare spellings only: both must compute the closed-form update."""
    import torch

    import d2lite
    from benchmarks.variants import spelled_out_adagrad

    generator = torch.Generator().manual_seed(0)
    start, grad, state = (torch.randn(7, generator=generator) for _ in range(3))
    state = state.abs()
    lr, eps = 0.3, 1e-6
    expected_state = state + grad ** 2
    expected = start - lr * grad / torch.sqrt(expected_state + eps)
    for update in (d2lite.adagrad, spelled_out_adagrad):
        param, accumulator = start.clone().requires_grad_(True), state.clone()
        param.grad = grad.clone()
        update([param], [accumulator], {"lr": lr, "eps": eps})
        torch.testing.assert_close(accumulator, expected_state)
        torch.testing.assert_close(param.detach(), expected)
        assert not param.grad.any(), update  # both reset the gradient


def test_explorer_latency_measures_each_explorer_in_the_page(monkeypatch):
    """Item 5 in Chromium, on the cheapest real explorer: every sweep position is one event
    timed by the page, and the row is the 95th percentile against the 16 ms goal."""
    import dataclasses
    import shutil

    from benchmarks import explorer_latency
    from benchmarks.config import QUICK

    if shutil.which("chromium") is None:
        pytest.skip("item 5 needs Chromium")
    monkeypatch.setattr(explorer_latency, "find_explorer_factories",
                        lambda: {"rotation_explorer": d2lite.explorers.rotation_explorer})
    result = explorer_latency.run(dataclasses.replace(QUICK, explorer_extremes=True))
    entry = result["data"]["explorers"]["rotation_explorer"]
    assert entry["events"] >= 50  # one slider swept there and back, then drags and steps
    assert 0 < entry["p50_ms"] <= entry["p95_ms"] <= entry["max_ms"]
    *per_slider, only = result["rows"]  # the angle slider at 1x and 4x CPU, then the whole sweep
    assert only["value"] == entry["p95_ms"] and only["goal"] == "<= 16"
    assert [(r["goal"], "CPU 1x" in r["figure"], "CPU 4x" in r["figure"]) for r in per_slider] == \
        [("<= 8", True, False), ("<= 16", False, True)]
    assert [s["throttle"] for s in result["data"]["per_slider"]] == [1, 4]
    assert all(s["events"] >= 51 and s["p95_ms"] > 0 for s in result["data"]["per_slider"])


def test_percentile_is_the_nearest_rank():
    from benchmarks.explorer_latency import percentile
    assert percentile([5.0], 95) == 5.0
    assert percentile(range(1, 21), 95) == 19 and percentile(range(1, 21), 100) == 20


def test_the_default_out_stores_its_numbers_in_the_package(tmp_path, monkeypatch):
    """`make bench` (the default --out) writes the numbers where the notebooks load them from, the
    package's d2lite/book/results/benchmarks.json; the replot reads them back from there."""
    from d2lite.book import results as stored
    target = tmp_path / "benchmarks.json"
    target.write_bytes(stored.BENCHMARKS_PATH.read_bytes())
    monkeypatch.setattr(bench_run, "BENCHMARKS_PATH", target)
    report_dir = tmp_path / "report"
    monkeypatch.setattr(bench_run, "HERE", report_dir.resolve())
    assert bench_run.main(["--replot", "--out", str(report_dir)]) == 0
    assert not (report_dir / "results.json").exists()
    assert stored.load_benchmarks(target) == stored.load_benchmarks()
    assert "`../benchmarks.json`" in (report_dir / "RESULTS.md").read_text(encoding="utf-8")


def test_loading_stored_benchmarks_names_the_fault(tmp_path):
    from d2lite.book.results import load_benchmarks
    with pytest.raises(FileNotFoundError, match="make bench"):
        load_benchmarks(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text('{"results": [{"title": "no item"}]}', encoding="utf-8")
    with pytest.raises(ValueError, match="machine"):
        load_benchmarks(tmp_path / "bad.json")
