"""Write the results: the raw numbers (``d2lite/book/results/benchmarks.json``, shipped with the
package for the notebooks, or ``results.json`` in another ``--out``), one PNG per item and ``RESULTS.md``."""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes

from d2lite.style import new_figure

__all__ = ["write_report", "PLOTTERS", "plot_epoch", "plot_step_share", "plot_sparse",
           "plot_update", "plot_anatomy", "plot_explorers", "plot_full_matrix",
           "plot_kernel_latency"]


_OUTSIDE = dict(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))


def _axes(ax: Axes | None) -> Axes:
    return new_figure(figsize=(7.5, 3.2))[1] if ax is None else ax


def _stacked_bars(rows: dict[str, dict[str, float]], ax: Axes) -> Axes:
    """One horizontal bar per row, stacked from its parts (every row has the same parts)."""
    names = list(rows)
    left = np.zeros(len(names))
    for part in rows[names[0]]:
        widths = np.array([rows[name][part] for name in names])
        ax.barh(names, widths, left=left, label=part)
        left += widths
    return ax


def plot_epoch(data: dict, ax: Axes | None = None) -> Axes:
    """Item 1: where an epoch of linear regression goes, one stacked bar per training loop.

    ``data`` is the item's ``"data"`` entry of the stored results; draws on ``ax`` (a new figure
    when None) and returns it.
    """
    ax = _axes(ax)
    seconds = data["breakdown_seconds_per_epoch"]
    milliseconds = {loop: {part: t * 1e3 for part, t in parts.items()}
                    for loop, parts in seconds.items()}
    _stacked_bars(milliseconds, ax)
    ax.set(xlabel="milliseconds per epoch (medians)",
           title="Where an epoch goes: forward and backward dominate")
    ax.legend(**_OUTSIDE)
    return ax


def plot_step_share(data: dict, ax: Axes | None = None) -> Axes:
    """Item 2: where a LeNet iteration goes, one stacked bar per optimizer (or why it was skipped).

    ``data`` is the item's ``"data"`` entry of the stored results; draws on ``ax`` (a new figure
    when None) and returns it.
    """
    ax = _axes(ax)
    parts = data.get("lenet_breakdown_ms")
    if not parts:
        ax.text(0.5, 0.5, "skipped: " + data.get("skip_reason", "no data"), ha="center", va="center",
                transform=ax.transAxes, wrap=True)
        ax.set_axis_off()
        return ax
    _stacked_bars(parts, ax)
    ax.set(xlabel="milliseconds per iteration (medians)",
           title="LeNet on digits: where an iteration goes")
    ax.legend(**_OUTSIDE)
    return ax


def plot_sparse(data: dict, ax: Axes | None = None) -> Axes:
    """Item 3: milliseconds per training step against the rows V of a sparse and a dense embedding.

    ``data`` is the item's ``"data"`` entry of the stored results; draws on ``ax`` (a new figure
    when None) and returns it.
    """
    ax = _axes(ax)
    vocab = np.array(data["vocab_sizes"], dtype=float)
    per = data["per_vocab"]
    for kind, style in (("dense", "o-"), ("sparse", "s-")):
        ms = [per[str(int(v))]["median_iteration"][kind] * 1e3 for v in vocab]
        ax.loglog(vocab, ms, style, label=f"{kind} embedding")
    dense0 = per[str(int(vocab[0]))]["median_iteration"]["dense"] * 1e3
    ax.loglog(vocab, dense0 * vocab / vocab[0], "k:", label="linear in V")
    ax.set(xlabel="rows in the embedding V", ylabel="ms per training step",
           title="Sparse stays flat, dense grows with V")
    ax.legend(fontsize="small")
    return ax


def plot_update(data: dict, ax: Axes | None = None) -> Axes:
    """Item 4: achieved GB/s of each update against the parameter count, with the copy bandwidth.

    ``data`` is the item's ``"data"`` entry of the stored results; draws on ``ax`` (a new figure
    when None) and returns it.
    """
    ax = _axes(ax)
    sizes = np.array(data["sizes"], dtype=float)
    per = data["per_size"]
    names = list(per[str(int(sizes[0]))]["achieved_GBps"])
    for name in names:
        ax.loglog(sizes, [per[str(int(n))]["achieved_GBps"][name] for n in sizes], "o-", label=name)
    ax.loglog(sizes, [per[str(int(n))]["copy_bandwidth_GBps"] for n in sizes], "k--",
                label="copy bandwidth (same run)")
    ax.set(xlabel="parameters n", ylabel="GB/s (20 bytes per parameter)",
           title="Only the fused update runs near memory speed")
    ax.legend(**_OUTSIDE)
    return ax


def plot_explorers(data: dict, ax: Axes | None = None) -> Axes:
    """Item 5: each explorer's work per input event in the page (median, 95th percentile,
    maximum), against the 16 ms of one frame.

    ``data`` is the item's ``"data"`` entry of the stored results; draws on ``ax`` (a new figure
    when None) and returns it.
    """
    ax = _axes(ax)
    per = data.get("explorers", {})
    names = [name for name, entry in per.items() if "p95_ms" in entry]
    if not names:
        ax.text(0.5, 0.5, "no explorer measured", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    y = np.arange(len(names))
    ax.barh(y + 0.25, [per[n]["p50_ms"] for n in names], height=0.25, label="median")
    ax.barh(y, [per[n]["p95_ms"] for n in names], height=0.25, label="95th percentile")
    ax.barh(y - 0.25, [per[n]["max_ms"] for n in names], height=0.25, color="0.75", label="maximum")
    ax.set_yticks(y, names, fontsize="small")
    ax.axvline(data.get("goal_ms", 16.0), color="crimson", ls=":", label="one frame (16 ms): the goal for the p95")
    ax.set(xlabel="milliseconds per input event (the page's own clock)",
           title="The page's work for one slider move")
    ax.legend(**_OUTSIDE)
    return ax


def plot_anatomy(data: dict, ax: Axes | None = None) -> Axes:
    """Item 4: milliseconds of each operation of the from-scratch update on one array.

    ``data`` is the item's ``"data"`` entry of the stored results; draws on ``ax`` (a new figure
    when None) and returns it.
    """
    ax = _axes(ax)
    anatomy = data["scratch_anatomy_ms"]
    names = list(anatomy)[::-1]
    colors = ["tab:gray" if n == "copy" else "tab:green" if n.startswith("fused") else "tab:blue"
              for n in names]
    ax.barh(names, [anatomy[n] for n in names], color=colors)
    ax.set(xlabel=f"milliseconds on n = {data['anatomy_size']:,} floats (medians)",
           title="Each operation is a full pass over memory")
    ax.tick_params(axis="y", labelsize="small")
    return ax


def plot_full_matrix(data: dict, ax: Axes | None = None) -> Axes:
    """Item 6: time per update of diagonal and full-matrix Adagrad against d, log-log, with d and d^3.

    ``data`` is the item's ``"data"`` entry of the stored results; draws on ``ax`` (a new figure
    when None) and returns it.
    """
    from d2lite.style import colour_of

    ax = _axes(ax)
    dims = np.array(data["dims"], dtype=float)
    per = data["per_d"]
    for name, label in (("diagonal", "Adagrad"), ("full matrix", "full-matrix Adagrad")):
        ms = np.array([per[str(int(d))]["median_update_seconds"][name] * 1e3 for d in dims])
        ax.loglog(dims, ms, "o-", color=colour_of(label), label=f"{label} (measured)")
        power = 3 if name == "full matrix" else 1
        ax.loglog(dims, ms[-1] * (dims / dims[-1]) ** power, ":", color=colour_of(label),
                  label=f"proportional to $d^{power}$")
    ax.set(xlabel="parameters d", ylabel="ms per update (medians)",
           title="Full-matrix Adagrad: an eigendecomposition per step")
    ax.legend(fontsize="small")
    return ax


#: item number -> {file-name suffix: plot function}; each draws on the ``ax`` it is given
def plot_kernel_latency(data: dict, ax: Axes | None = None) -> Axes:
    """Item 7: each input event's time to its redrawn figure against its time in the drag,
    with the 100 ms goal for the p95 (a growing backlog would make the points climb)."""
    ax = _axes(ax)
    t, ms = np.asarray(data["t_s"], dtype=float), np.asarray(data["ms"], dtype=float)
    ax.plot(t, ms, "o", markersize=3, label="one input event")
    ax.axhline(data.get("goal_ms", 100.0), color="crimson", ls=":", label="100 ms: the goal for the p95")
    ax.set(xlabel="time since the drag began (s)", ylabel="input event to figure (ms)",
           title="d2lite.explore: a 5-second drag of the lr slider", ylim=(0, None))
    ax.legend(**_OUTSIDE)
    return ax


PLOTTERS = {1: {"": plot_epoch}, 2: {"": plot_step_share}, 3: {"": plot_sparse},
            4: {"": plot_update, "_anatomy": plot_anatomy}, 5: {"": plot_explorers},
            6: {"": plot_full_matrix}, 7: {"": plot_kernel_latency}}


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _met(flag) -> str:
    return {True: "yes", False: "**no**", None: "(context)"}[flag]


def write_report(results: list[dict], machine: dict, config, out: Path,
                 stored: Path | None = None) -> Path:
    """Write the raw numbers to ``stored`` (default ``out/results.json``), item{N}.png and RESULTS.md
    into ``out``; return the RESULTS.md path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stored = out / "results.json" if stored is None else Path(stored)
    payload = {"machine": machine, "config": asdict(config), "results": results}
    stored.write_text(json.dumps(payload, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    stored_link = Path(os.path.relpath(stored, out)).as_posix()
    plots: dict[int, list[str]] = {}
    for result in results:
        number = result["item"]
        if "data" not in result:
            continue
        for suffix, plotter in PLOTTERS.get(number, {}).items():
            fig, ax = new_figure(figsize=(7.5, 3.2))
            plotter(result["data"], ax)
            name = f"item{number}{suffix}.png"
            fig.savefig(out / name, dpi=100, metadata={"Software": None})
            plots.setdefault(number, []).append(name)

    lines = ["# Cost benchmarks (issue 7)", "",
             f"Generated by `make bench` (`python -m benchmarks.run`, {config.name} sizes) on "
             f"{machine['date_utc']}. Do not edit by hand: re-run it. The raw numbers are in "
             f"`{stored_link}`; `notebooks/08-cost.ipynb` and `notebooks/06-full-matrix.ipynb` plot "
             "them. The goals set for the collection are judged here, in the table below, and "
             "nowhere else: the notebooks explain what the measurements mean for a learner.", "",
             "Every figure is a ratio of two measurements taken in the same run, interleaved round "
             f"by round ({config.repeats} timed rounds after {config.warmup} warm-up round(s)), and is "
             "the median "
             "over rounds of the paired ratio.", "",
             "## Machine", "",
             f"- CPU: {machine['cpu_model']}, {machine['logical_cores']} logical cores; "
             f"torch threads: {machine['torch_threads']}",
             f"- load average (1, 5, 15 min) at the start: {machine['load_average_1_5_15_min']}, "
             f"at the end: {machine.get('load_average_at_end', 'n/a')} (the machine is shared)",
             f"- code: commit {machine.get('code', 'unknown')}"
             + (f" ({machine['note']})" if machine.get("note") else ""),
             *([f"- merged run: {machine['merged']}"] if machine.get("merged") else []),
             f"- Python {machine['python']}, torch {machine['torch']}, NumPy {machine['numpy']}, "
             f"matplotlib {machine['matplotlib']}; {machine['platform']}", "",
             "## Summary", "",
             "| item | figure | measured | goal | met | book | detail |",
             "|---|---|---|---|---|---|---|"]
    for result in results:
        if "error" in result:
            lines.append(f"| {result['item']} | {result['title']} | ERROR | | **no** | | "
                         f"{result['error']} |")
        elif result.get("skipped"):
            lines.append(f"| {result['item']} | {result['title']} | skipped | | | | "
                         f"{result['skipped']} |")
        for r in result.get("rows", []):
            lines.append(f"| {result['item']} | {r['figure']} | {_fmt(r['value'])}{r['unit']} | "
                         f"{r['goal']} | {_met(r['met'])} | {r['book']} | {r['detail']} |")
    for result in results:
        lines += ["", f"## {result['item']}. {result['title']}", ""]
        for note in result.get("notes", []):
            lines += [f"- {note}"]
        if result.get("notes"):
            lines.append("")
        for name in plots.get(result["item"], []):
            lines += [f"![item {result['item']}]({name})", ""]
        for table in result.get("tables", []):
            lines += [f"{table['title']}:", "", "| " + " | ".join(table["header"]) + " |",
                      "|" + "---|" * len(table["header"])]
            lines += ["| " + " | ".join(map(str, cells)) + " |" for cells in table["rows"]]
            lines.append("")
        lines.append(f"(ran in {result['seconds_to_run']:.1f} s)")
    lines.append("")
    path = out / "RESULTS.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
