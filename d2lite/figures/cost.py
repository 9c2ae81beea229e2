r"""The figures of the cost benchmarks: one ``plot_*(data, ax=None) -> Axes`` per chart, and its
text alternative ``*_alt(data) -> str``.

``make bench`` (``python -m benchmarks.run``) measures what Adagrad costs and stores the numbers
in the package, ``d2lite/book/results/benchmarks.json``; :func:`d2lite.book.results.load_benchmarks`
reads them, and :func:`item_data` picks one item's ``"data"`` entry, which is what every plotter
here takes.  The notebooks on cost (08), full-matrix Adagrad (06) and the engineering appendix
(11) draw these figures, and ``benchmarks/report.py`` draws the same ones into
``benchmarks/RESULTS.md``: one implementation of each chart.

Colours come from :mod:`d2lite.style`: an Adagrad update is drawn in Adagrad's colour (told apart
by marker and dash), and everything that is not an optimizer (the parts of a step, a copy, a
goal, a percentile) in the non-optimizer colours (:data:`d2lite.style.OTHER_COLOURS`).  Legends
sit outside the axes, on the right.  A value that is not finite is not drawn, and the axes say so.
Called without ``ax`` a plotter draws on a new pyplot figure; with ``ax`` it draws there.

>>> from d2lite.book.results import load_benchmarks
>>> from d2lite.style import new_figure
>>> data = item_data(load_benchmarks(), 6)
>>> ax = plot_full_matrix(data, ax=new_figure()[1])
>>> ax.get_xlabel(), [line.get_label() for line in ax.get_lines()][:2]
('parameters d', ['Adagrad (measured)', 'proportional to d'])
>>> full_matrix_alt(data).startswith("Log-log plot of the time of one update")
True
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

from d2lite.style import colour_of, note_nonfinite, other_colour, pyplot_axes, style_of

__all__ = ["PART_STYLES", "PART_OF", "UPDATE_MARKERS", "item_data",
           "plot_epoch", "epoch_alt", "plot_step_share", "step_share_alt",
           "plot_sparse", "sparse_alt", "plot_update", "update_alt", "plot_anatomy", "anatomy_alt",
           "plot_explorers", "explorers_alt", "plot_full_matrix", "full_matrix_alt",
           "plot_kernel_latency", "kernel_latency_alt"]

#: Where every legend goes: outside the axes, to their right, never over the data.
LEGEND_OUTSIDE = dict(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))

#: The three parts of a training step, drawn the same way in both bar charts (items 1 and 2): a
#: non-optimizer colour and a hatching each, stacked in this order.
PART_STYLES: dict[str, dict[str, str]] = {
    "data": {"color": other_colour(0), "hatch": "//"},
    "forward + backward": {"color": other_colour(2), "hatch": ""},
    "update": {"color": other_colour(1), "hatch": ".."},
}

#: The benchmarks' names of the parts (item 1's and item 2's) -> the part they are.
PART_OF: dict[str, str] = {
    "data loading": "data", "data": "data",
    "forward + backward + loop": "forward + backward", "forward + backward": "forward + backward",
    "optimizer update": "update", "step": "update",
}

#: Item 4: the marker and dash of each Adagrad update in turn (all in Adagrad's colour); the
#: copy is the one dashed ``--`` line.
UPDATE_MARKERS: tuple[tuple[str, str | tuple], ...] = (
    ("o", "-"), ("s", (0, (5, 1, 1, 1))), ("D", "-."), ("^", ":"), ("v", (0, (1, 1))),
    ("x", (0, (3, 1, 1, 1, 1, 1))), ("P", (0, (8, 2))), ("*", (0, (2, 2))))

#: The keys each item's ``"data"`` entry must have, for the plotters here.
_NEEDS = {1: ("breakdown_seconds_per_epoch",), 2: (), 3: ("vocab_sizes", "per_vocab"),
          4: ("sizes", "per_size"), "anatomy": ("scratch_anatomy_ms", "anatomy_size"), 5: (),
          6: ("dims", "per_d"), 7: ("t_s", "ms")}


def item_data(stored: Mapping[str, Any], item: int) -> dict:
    """The ``"data"`` entry of item ``item`` of the stored benchmarks ``stored`` (what
    :func:`d2lite.book.results.load_benchmarks` returns).

    >>> item_data({"results": [{"item": 6, "data": {"dims": [8]}}]}, 6)
    {'dims': [8]}
    >>> item_data({"results": [{"item": 6, "data": {}}]}, 3)
    Traceback (most recent call last):
    ...
    ValueError: item must be one of the stored items [6], got 3
    """
    if not isinstance(stored, Mapping) or not isinstance(stored.get("results"), list):
        raise TypeError("stored must be the stored benchmarks (d2lite.book.results.load_benchmarks()), "
                        f"a dict with a 'results' list; got {type(stored).__name__}")
    found = {result.get("item"): result for result in stored["results"] if isinstance(result, Mapping)}
    if item not in found:
        raise ValueError(f"item must be one of the stored items {sorted(found)}, got {item!r}")
    if "data" not in found[item]:
        raise ValueError(f"item {item} has no 'data' entry (it failed or was skipped: "
                         f"{found[item].get('error') or found[item].get('skipped')})")
    return found[item]["data"]


def _check(data: object, item: int | str) -> Mapping[str, Any]:
    """``data`` itself, or a clear error naming the keys the item's plotter needs."""
    needs = _NEEDS[item]
    if not isinstance(data, Mapping):
        raise TypeError(f"data must be item {item}'s 'data' entry of the stored benchmarks "
                        f"(a dict, see item_data), got {type(data).__name__}")
    missing = [key for key in needs if key not in data]
    if missing:
        raise ValueError(f"data must be item {item}'s 'data' entry of the stored benchmarks, with "
                         f"{list(needs)}; it lacks {missing} (has {sorted(data)[:8]})")
    return data


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return pyplot_axes(figsize=figsize) if ax is None else ax


def _finite(values: Sequence[float]) -> np.ndarray:
    """``values`` as floats, with anything that is not a finite number (None, NaN, inf) as NaN."""
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _note_gaps(ax: Axes, gaps: list[str]) -> None:
    if gaps:
        note_nonfinite(ax, "not drawn (not a finite number): " + ", ".join(gaps))


def _skipped(ax: Axes, message: str) -> Axes:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_axis_off()
    return ax


def _stacked_bars(rows: Mapping[str, Mapping[str, float]], ax: Axes, xlabel: str, ylabel: str) -> Axes:
    """One horizontal bar per row (part name -> milliseconds), its parts in :data:`PART_STYLES`
    order, with a legend outside the axes."""
    names = list(rows)
    for name in names:
        unknown = set(rows[name]) - set(PART_OF)
        if unknown:
            raise ValueError(f"data: the parts of {name!r} must be among {sorted(PART_OF)}, "
                             f"got {sorted(unknown)}")
    left = np.zeros(len(names))
    gaps = []
    for part, look in PART_STYLES.items():
        widths = _finite([sum(ms for key, ms in rows[name].items() if PART_OF[key] == part)
                          for name in names])
        gaps += [f"{name}: {part}" for name, w in zip(names, widths) if not np.isfinite(w)]
        widths = np.where(np.isfinite(widths), widths, 0.0)
        ax.barh(names, widths, left=left, color=look["color"], hatch=look["hatch"],
                edgecolor="white", linewidth=0.6, label=part)
        left += widths
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.legend(**LEGEND_OUTSIDE)
    _note_gaps(ax, gaps)
    return ax


def _parts_ms(rows: Mapping[str, Mapping[str, float]], scale: float) -> dict[str, dict[str, float]]:
    """Each row's milliseconds per part (:data:`PART_OF`), for the text alternatives."""
    return {name: {part: scale * sum(v for k, v in parts.items() if PART_OF.get(k) == part)
                   for part in PART_STYLES} for name, parts in rows.items()}


def _parts_sentence(rows: dict[str, dict[str, float]], digits: int) -> str:
    longest = {max(parts, key=parts.get) for parts in rows.values()}
    said = "; ".join(f"{name}: " + ", ".join(f"{part} {ms:.{digits}f}" for part, ms in parts.items())
                     for name, parts in rows.items())
    return said + (f". The {longest.pop()} part is the longest in every bar." if len(longest) == 1
                   else ".")


def plot_epoch(data: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Item 1: where an epoch of linear regression goes, one stacked bar per training loop
    (data, forward and backward, update; :data:`PART_STYLES`), in milliseconds.

    >>> ax = plot_epoch({"breakdown_seconds_per_epoch": {"loop": {"data loading": 0.002,
    ...     "forward + backward + loop": 0.01, "optimizer update": 0.001}}})
    >>> [float(round(bar.get_width(), 3)) for bar in ax.patches], ax.get_xlabel()
    ([2.0, 10.0, 1.0], 'milliseconds per epoch (medians)')
    """
    seconds = _check(data, 1)["breakdown_seconds_per_epoch"]
    ax = _axes(ax, (7.5, 2.4))
    _stacked_bars({loop: {part: 1e3 * s for part, s in parts.items()} for loop, parts in seconds.items()},
                  ax, "milliseconds per epoch (medians)", "training loop")
    ax.set_title("Where an epoch goes: forward and backward dominate")
    return ax


def epoch_alt(data: Mapping[str, Any]) -> str:
    """The text alternative of :func:`plot_epoch`: each loop's milliseconds per part."""
    rows = _parts_ms(_check(data, 1)["breakdown_seconds_per_epoch"], 1e3)
    return "Stacked horizontal bars, milliseconds per epoch of the linear model: " + \
        _parts_sentence(rows, 1)


def plot_step_share(data: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Item 2: where an iteration of the small LeNet goes, one stacked bar per optimizer (SGD
    and Adagrad, PyTorch's defaults and fused), in milliseconds; or why the item was skipped.

    >>> ax = plot_step_share({"skip_reason": "no digits data"})
    >>> ax.texts[0].get_text()
    'skipped: no digits data'
    """
    parts = _check(data, 2).get("lenet_breakdown_ms")
    ax = _axes(ax, (7.5, 2.8))
    if not parts:
        return _skipped(ax, "skipped: " + str(data.get("skip_reason", "no data")))
    _stacked_bars(parts, ax, "milliseconds per iteration (medians)", "optimizer")
    ax.set_title("LeNet on digits: where an iteration goes")
    return ax


def step_share_alt(data: Mapping[str, Any]) -> str:
    """The text alternative of :func:`plot_step_share`: each optimizer's milliseconds per part,
    and whose step is the longest."""
    parts = _check(data, 2).get("lenet_breakdown_ms")
    if not parts:
        return f"No chart: the item was skipped ({data.get('skip_reason', 'no data')})."
    rows = _parts_ms(parts, 1.0)
    slowest = max(rows, key=lambda name: rows[name]["update"])
    return ("Stacked horizontal bars, milliseconds per LeNet iteration: " + _parts_sentence(rows, 2)
            + f" {slowest} has the longest step.")


def plot_sparse(data: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Item 3: milliseconds per training step against the rows V of a sparse and a dense
    embedding under ``torch.optim.Adagrad`` (both in Adagrad's colour, told apart by marker and
    dash), on log-log axes, with a dotted line proportional to V through the first dense point.
    """
    data = _check(data, 3)
    ax = _axes(ax, (7.5, 3.4))
    vocab = _finite(data["vocab_sizes"])
    gaps, dense = [], None
    for kind, marker, dash in (("dense", "o", "-"), ("sparse", "s", "--")):
        ms = 1e3 * _finite([data["per_vocab"][str(int(v))]["median_iteration"][kind] for v in vocab])
        ok = np.isfinite(ms) & (ms > 0)
        gaps += [f"{kind}, V = {int(v):,}" for v in vocab[~ok]]
        ax.plot(vocab[ok], ms[ok], marker=marker, linestyle=dash, color=colour_of("Adagrad"),
                label=f"{kind} embedding")
        dense = (ms, ok) if kind == "dense" else dense
    ms, ok = dense
    if ok.any():
        first = int(np.argmax(ok))
        ax.plot(vocab, ms[first] * vocab / vocab[first], ":", color=other_colour(0),
                label="proportional to V")
    ax.set(xscale="log", yscale="log", xlabel="rows in the embedding V (log scale)",
           ylabel="ms per training step (log scale)", title="Sparse stays flat, dense grows with V")
    ax.legend(**LEGEND_OUTSIDE)
    _note_gaps(ax, gaps)
    return ax


def sparse_alt(data: Mapping[str, Any]) -> str:
    """The text alternative of :func:`plot_sparse`: both lines' first and last times."""
    data = _check(data, 3)
    vocab = [int(v) for v in data["vocab_sizes"]]
    ms = {kind: [1e3 * data["per_vocab"][str(v)]["median_iteration"][kind] for v in (vocab[0], vocab[-1])]
          for kind in ("dense", "sparse")}
    return (f"Log-log plot of milliseconds per training step against the rows V of the embedding, "
            f"{vocab[0]:,} to {vocab[-1]:,}, both with torch.optim.Adagrad: the dense embedding's "
            f"time goes from {ms['dense'][0]:.3g} to {ms['dense'][1]:.3g} ms, along the dotted line "
            f"proportional to V; the sparse one's from {ms['sparse'][0]:.3g} to {ms['sparse'][1]:.3g} ms.")


def plot_update(data: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Item 4: the memory speed each Adagrad update reaches (GB/s, counting 20 bytes per
    parameter) against the parameter count, on log-log axes, with the copy bandwidth of the same
    run dashed.  Every update is Adagrad: one colour, a marker and dash each (:data:`UPDATE_MARKERS`).
    """
    data = _check(data, 4)
    ax = _axes(ax, (9, 3.6))
    sizes = _finite(data["sizes"])
    per = [data["per_size"][str(int(n))] for n in sizes]
    names = list(per[0]["achieved_GBps"])
    if len(names) > len(UPDATE_MARKERS):
        raise ValueError(f"data: at most {len(UPDATE_MARKERS)} updates can be told apart, got {len(names)}")
    gaps = []
    for name, (marker, dash) in zip(names, UPDATE_MARKERS):
        speed = _finite([entry["achieved_GBps"].get(name) for entry in per])
        ok = np.isfinite(speed) & (speed > 0)
        gaps += [f"{name}, n = {int(n):,}" for n in sizes[~ok]]
        ax.plot(sizes[ok], speed[ok], marker=marker, linestyle=dash, fillstyle="none",
                color=colour_of("Adagrad"), label=name)
    copy = _finite([entry["copy_bandwidth_GBps"] for entry in per])
    ok = np.isfinite(copy) & (copy > 0)
    gaps += [f"copy, n = {int(n):,}" for n in sizes[~ok]]
    ax.plot(sizes[ok], copy[ok], "--", color=other_colour(0), label="copy bandwidth (same run)")
    ax.set(xscale="log", yscale="log", xlabel="parameters n",
           ylabel=f"GB/s ({data.get('bytes_per_parameter', 20)} bytes per parameter)",
           title="Only the fused update runs near memory speed")
    ax.legend(**LEGEND_OUTSIDE)
    _note_gaps(ax, gaps)
    return ax


def update_alt(data: Mapping[str, Any]) -> str:
    """The text alternative of :func:`plot_update`: each update's speed at the largest size,
    against the copy's."""
    data = _check(data, 4)
    sizes = [int(n) for n in data["sizes"]]
    largest = data["per_size"][str(sizes[-1])]
    speeds = ", ".join(f"{name} {gbps:.3g}" for name, gbps in largest["achieved_GBps"].items())
    return (f"Log-log plot of the memory speed each Adagrad update reaches, in GB/s, against "
            f"{sizes[0]:,} to {sizes[-1]:,} parameters, with the copy bandwidth dashed. At "
            f"{sizes[-1]:,} parameters: {speeds}; the copy {largest['copy_bandwidth_GBps']:.3g}.")


def plot_anatomy(data: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Item 4: milliseconds of each operation of the from-scratch update on one large array,
    beside the whole fused step (Adagrad's colour, hatched) and a plain copy (not an optimizer:
    a non-optimizer colour, dotted hatching), as horizontal bars in the order measured.

    >>> ax = plot_anatomy({"scratch_anatomy_ms": {"s.addcmul_(g, g)": 2.0, "fused step": 1.0,
    ...                    "copy": 0.5}, "anatomy_size": 1000})
    >>> [tick.get_text() for tick in ax.get_yticklabels()], [str(bar.get_hatch()) for bar in ax.patches]
    (['copy', 'fused step', 's.addcmul_(g, g)'], ['..', '//', 'None'])
    """
    data = _check(data, "anatomy")
    ax = _axes(ax, (7.5, 3.2))
    anatomy = data["scratch_anatomy_ms"]
    names = list(anatomy)[::-1]
    ms = _finite([anatomy[n] for n in names])
    ok = np.isfinite(ms)
    for name, width in zip(names, np.where(ok, ms, 0.0)):
        copy, fused = name == "copy", name.startswith("fused")
        ax.barh(name, width, color=other_colour(0) if copy else colour_of("Adagrad"),
                hatch=".." if copy else "//" if fused else None, edgecolor="white", linewidth=0.6)
    ax.set(xlabel=f"milliseconds on n = {int(data['anatomy_size']):,} floats (medians)",
           ylabel="operation", title="Each operation is a full pass over memory")
    ax.tick_params(axis="y", labelsize="small")
    _note_gaps(ax, [name for name, good in zip(names, ok) if not good])
    return ax


def anatomy_alt(data: Mapping[str, Any]) -> str:
    """The text alternative of :func:`plot_anatomy`: every bar's milliseconds and the longest."""
    data = _check(data, "anatomy")
    anatomy = data["scratch_anatomy_ms"]
    return (f"Horizontal bars, milliseconds per operation on {int(data['anatomy_size']):,} floats: "
            + ", ".join(f"{name} {ms:.1f}" for name, ms in anatomy.items())
            + f". The longest bar is {max(anatomy, key=anatomy.get)}.")


#: Item 5: the three statistics of an explorer's events: (key, legend label, colour, hatch).
_EVENT_STATS = (("p50_ms", "median", other_colour(0), ""),
                ("p95_ms", "95th percentile", other_colour(5), "//"),
                ("max_ms", "maximum", other_colour(2), ".."))


def _measured_explorers(data: Mapping[str, Any]) -> dict[str, Mapping[str, float]]:
    return {name: entry for name, entry in _check(data, 5).get("explorers", {}).items()
            if "p95_ms" in entry}


def plot_explorers(data: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Item 5: each explorer's work per input event in the page (median, 95th percentile and
    maximum, three bars each, non-optimizer colours and hatchings), against a dotted line at one
    16 ms frame, the goal for the 95th percentile.  Called without ``ax`` the figure is as tall
    as the explorers need.
    """
    explorers = _measured_explorers(data)
    ax = _axes(ax, (9, 0.5 * max(len(explorers), 1) + 1.6))
    if not explorers:
        return _skipped(ax, "no explorer measured")
    names = list(explorers)
    y = np.arange(len(names))
    gaps = []
    for k, (key, label, colour, hatch) in enumerate(_EVENT_STATS):
        ms = _finite([explorers[n].get(key) for n in names])
        gaps += [f"{n} {label}" for n, v in zip(names, ms) if not np.isfinite(v)]
        ax.barh(y + 0.25 * (1 - k), np.where(np.isfinite(ms), ms, 0.0), height=0.25, color=colour,
                hatch=hatch, edgecolor="white", linewidth=0.5, label=label)
    goal = float(data.get("goal_ms", 16.0))
    ax.axvline(goal, color=other_colour(3), linestyle=":", label=f"one frame ({goal:g} ms): the goal for the p95")
    ax.set_yticks(y, names, fontsize="small")
    ax.set(xlabel="milliseconds per input event (the page's own clock)", ylabel="explorer",
           title="The page's work for one slider move")
    ax.legend(**LEGEND_OUTSIDE)
    _note_gaps(ax, gaps)
    return ax


def explorers_alt(data: Mapping[str, Any]) -> str:
    """The text alternative of :func:`plot_explorers`: each explorer's three numbers, and how
    many 95th percentiles lie above the frame."""
    explorers = _measured_explorers(data)
    if not explorers:
        return "No chart: no explorer was measured."
    goal = float(data.get("goal_ms", 16.0))
    above = sum(entry["p95_ms"] > goal for entry in explorers.values())
    return (f"Horizontal bars for {len(explorers)} explorers, milliseconds of the page's work per "
            f"slider input event (median, 95th percentile, maximum) against a dotted line at one "
            f"{goal:g} ms frame: " + "; ".join(f"{name} {e['p50_ms']:g}, {e['p95_ms']:g}, {e['max_ms']:g}"
                                               for name, e in explorers.items())
            + f". {above} of {len(explorers)} 95th percentiles lie above the frame.")


def plot_full_matrix(data: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Item 6: time per update of diagonal and full-matrix Adagrad against the dimension d, on
    log-log axes (each in its own colour and dash, :func:`d2lite.style.style_of`), each with a
    thin dotted line through its last point growing like d (diagonal) or d³ (full matrix).
    """
    data = _check(data, 6)
    ax = _axes(ax, (7.5, 3.6))
    dims = _finite(data["dims"])
    gaps = []
    for key, name, power in (("diagonal", "Adagrad", 1), ("full matrix", "full-matrix Adagrad", 3)):
        ms = 1e3 * _finite([data["per_d"][str(int(d))]["median_update_seconds"][key] for d in dims])
        ok = np.isfinite(ms) & (ms > 0)
        gaps += [f"{key}, d = {int(d)}" for d in dims[~ok]]
        ax.plot(dims[ok], ms[ok], marker="o", label=f"{name} (measured)", **style_of(name))
        if ok.any():
            last = int(np.flatnonzero(ok)[-1])
            ax.plot(dims, ms[last] * (dims / dims[last]) ** power, ":", linewidth=1,
                    color=colour_of(name), label="proportional to d" + ("³" if power == 3 else ""))
    ax.set(xscale="log", yscale="log", xlabel="parameters d", ylabel="ms per update (medians)",
           title="Full-matrix Adagrad: an eigendecomposition per step")
    ax.legend(**LEGEND_OUTSIDE)
    _note_gaps(ax, gaps)
    return ax


def full_matrix_alt(data: Mapping[str, Any]) -> str:
    """The text alternative of :func:`plot_full_matrix`: both updates' times at the smallest
    and largest d, and the fitted exponents when stored."""
    data = _check(data, 6)
    dims = [int(d) for d in data["dims"]]
    ms = {key: [1e3 * data["per_d"][str(d)]["median_update_seconds"][key] for d in (dims[0], dims[-1])]
          for key in ("diagonal", "full matrix")}
    fitted = data.get("fitted_exponent")
    slopes = (f" Fitted from d = {data.get('fit_from_d')}: the full-matrix time grows like "
              f"d^{fitted['full matrix']:.1f}, the diagonal one like d^{fitted['diagonal']:.1f}."
              if fitted else "")
    return (f"Log-log plot of the time of one update against d from {dims[0]:,} to {dims[-1]:,}: "
            f"full-matrix Adagrad from {ms['full matrix'][0]:.3g} to {ms['full matrix'][1]:.3g} ms, "
            f"diagonal Adagrad from {ms['diagonal'][0]:.3g} to {ms['diagonal'][1]:.3g} ms, with "
            f"dotted lines proportional to d³ and d." + slopes)


def plot_kernel_latency(data: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Item 7: each input event's time to its redrawn figure (``d2lite.explore``, the rule run in
    the kernel) against its time in a drag of the slider, with the 100 ms goal for the 95th
    percentile dotted (a growing backlog would make the points climb).

    >>> ax = plot_kernel_latency({"t_s": [0.0, 0.1, 0.2], "ms": [40.0, float("nan"), 35.0]})
    >>> len(ax.get_lines()[0].get_xdata()), ax.texts[0].get_text()
    (2, 'not drawn (not a finite number): 1 event(s)')
    """
    data = _check(data, 7)
    ax = _axes(ax, (7.5, 3.2))
    t, ms = _finite(data["t_s"]), _finite(data["ms"])
    if len(t) != len(ms):
        raise ValueError(f"data: 't_s' and 'ms' must have one entry per event, got {len(t)} and {len(ms)}")
    ok = np.isfinite(t) & np.isfinite(ms)
    ax.plot(t[ok], ms[ok], "o", markersize=3, color=other_colour(0), label="one input event")
    goal = float(data.get("goal_ms", 100.0))
    ax.axhline(goal, color=other_colour(5), linestyle=":", label=f"{goal:g} ms: the goal for the p95")
    ax.set(xlabel="time since the drag began (s)", ylabel="input event to figure (ms)",
           title="d2lite.explore: a 5-second drag of the lr slider", ylim=(0, None))
    ax.legend(**LEGEND_OUTSIDE)
    _note_gaps(ax, [f"{int((~ok).sum())} event(s)"] if not ok.all() else [])
    return ax


def kernel_latency_alt(data: Mapping[str, Any]) -> str:
    """The text alternative of :func:`plot_kernel_latency`: the number of events, their median
    and their largest time, against the goal."""
    data = _check(data, 7)
    ms = _finite(data["ms"])
    ms = ms[np.isfinite(ms)]
    goal = float(data.get("goal_ms", 100.0))
    if not len(ms):
        return "No input event was timed."
    return (f"Scatter of {len(ms)} input events of a slider drag, milliseconds from the event to its "
            f"redrawn figure against the time in the drag: median {np.median(ms):.3g} ms, largest "
            f"{ms.max():.3g} ms, against a dotted goal line at {goal:g} ms.")
