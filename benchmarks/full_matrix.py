"""Item 6: full-matrix Adagrad against diagonal Adagrad as the number of parameters d grows.

Both are the NumPy versions the notebooks run: ``d2lite.optimizers.optim.Adagrad`` (one accumulator per
coordinate) and ``d2lite.optimizers.fullmatrix.FullMatrixAdagrad`` (a d x d sum of outer products and its
inverse square root, from an eigendecomposition, at every step).  For each d the two updates
are timed in interleaved rounds on the same random gradients; the state each keeps is counted
in bytes exactly (``nbytes``).  NumPy's BLAS/LAPACK runs on one thread (threadpoolctl), like
torch in the other items, so the growth in d is the algorithm's and not the thread pool's.
Times are process CPU time.  There are no goals here: the item shows how the cost grows.
"""
from __future__ import annotations

import numpy as np

from d2lite.optimizers.fullmatrix import FullMatrixAdagrad
from d2lite.optimizers.optim import Adagrad

from .config import Config
from .harness import clock_name, cpu_clock, interleaved, median, paired_ratio, repeat_call, row

__all__ = ["run"]

TITLE = "Full-matrix against diagonal Adagrad as d grows"
CLOCK = cpu_clock
LR = 0.1


def _one_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        import contextlib
        return contextlib.nullcontext(), "BLAS threads: as NumPy chose (threadpoolctl missing)"
    return threadpool_limits(limits=1), "BLAS/LAPACK threads: 1 (threadpoolctl)"


def _cases(d: int, config: Config) -> tuple[dict, dict]:
    rng = np.random.default_rng(d)
    grads = rng.standard_normal((8, d))
    diagonal, full = Adagrad(lr=LR, eps=1e-6, eps_inside=True), FullMatrixAdagrad(lr=LR)
    state = {"diagonal": diagonal.init(np.zeros(d)), "full matrix": full.init(np.zeros(d))}
    params = {"diagonal": np.zeros(d), "full matrix": np.zeros(d)}
    optimizers = {"diagonal": diagonal, "full matrix": full}
    position = {"i": 0}

    def step(name):
        def call():
            g = grads[position["i"] % len(grads)]
            position["i"] += 1
            params[name], state[name] = optimizers[name].update(g, state[name], params[name])
        return call

    # about the same total work per timing at every d: many calls when an update is cheap
    number = {"diagonal": max(1, config.work_per_timing // (200 * d)),
              "full matrix": max(1, config.work_per_timing // (20 * d ** 3 // 10 + 2000))}
    cases = {name: (lambda name=name: repeat_call(step(name), number[name], CLOCK))
             for name in optimizers}
    bytes_of_state = {name: int(optimizers[name].init(np.zeros(d))[0].nbytes) for name in optimizers}
    return cases, bytes_of_state


def run(config: Config) -> dict:
    limit, thread_note = _one_thread()
    per_d = {}
    with limit:
        for d in config.full_matrix_dims:
            cases, bytes_of_state = _cases(d, config)
            seconds = interleaved(cases, config.repeats, config.warmup, clock=CLOCK)
            per_d[str(d)] = {
                "seconds_per_update": seconds,
                "median_update_seconds": {name: median(v) for name, v in seconds.items()},
                "full_over_diagonal": paired_ratio(seconds["full matrix"], seconds["diagonal"]),
                "state_bytes": bytes_of_state,
            }
    dims = np.array(config.full_matrix_dims, dtype=float)
    use = dims >= max(64, dims[len(dims) // 2])  # the exponent of the large sizes
    if use.sum() < 2:  # the quick run's tiny sizes
        use = np.ones_like(use)
    fitted = {}
    for name in ("diagonal", "full matrix"):
        times = np.array([per_d[str(int(d))]["median_update_seconds"][name] for d in dims])
        fitted[name] = float(np.polyfit(np.log(dims[use]), np.log(times[use]), 1)[0])
    largest = per_d[str(max(config.full_matrix_dims))]
    d_max = max(config.full_matrix_dims)
    rows = [
        row(f"full-matrix / diagonal, time per update, d = {d_max:,}", largest["full_over_diagonal"], None,
            f"{largest['median_update_seconds']['full matrix'] * 1e3:.3f} ms against "
            f"{largest['median_update_seconds']['diagonal'] * 1e6:.1f} us"),
        row(f"full-matrix / diagonal, state bytes, d = {d_max:,}",
            largest["state_bytes"]["full matrix"] / largest["state_bytes"]["diagonal"], None,
            f"{largest['state_bytes']['full matrix']:,} B against {largest['state_bytes']['diagonal']:,} B"),
        row("full-matrix update time, fitted exponent of d (large d)", fitted["full matrix"], None,
            "an eigendecomposition per step: 3 expected once d is large", unit=""),
        row("diagonal update time, fitted exponent of d (large d)", fitted["diagonal"], None,
            "1 expected once d is large; fixed NumPy call costs flatten it", unit=""),
    ]
    table = {"title": "Time per update (medians) and state in bytes",
             "header": ["d", "diagonal", "full matrix", "full / diagonal", "diagonal state",
                        "full-matrix state"],
             "rows": [[f"{int(d):,}", f"{e['median_update_seconds']['diagonal'] * 1e6:.1f} us",
                       f"{e['median_update_seconds']['full matrix'] * 1e3:.3f} ms",
                       f"{e['full_over_diagonal']:.0f}", f"{e['state_bytes']['diagonal']:,} B",
                       f"{e['state_bytes']['full matrix']:,} B"] for d, e in per_d.items()]}
    return {"item": 6, "title": TITLE, "rows": rows, "tables": [table],
            "notes": [f"clock: {clock_name(CLOCK)}", thread_note],
            "data": {"dims": list(config.full_matrix_dims), "per_d": per_d,
                     "fitted_exponent": fitted, "fit_from_d": int(dims[use].min())}}
