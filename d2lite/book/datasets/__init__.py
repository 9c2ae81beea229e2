"""Data shipped inside the package, read with NumPy alone (no torch, no download).

``airfoil_self_noise.dat`` is the NASA airfoil self-noise data that the book's section 12.7 trains
on: 1,503 rows of six tab-separated numbers (five features, then the scaled sound pressure in dB).
Its source and licence (CC BY 4.0, attribution required) are in ``README.md`` beside it.

>>> table = read_table(AIRFOIL_PATH, columns=6)
>>> table.shape
(1503, 6)
>>> features, labels = airfoil_arrays(n=1500)
>>> features.shape, labels.shape, features.dtype.name
((1500, 5), (1500, 1), 'float32')
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

__all__ = ["AIRFOIL_PATH", "AIRFOIL_SOURCE", "read_table", "airfoil_arrays"]

#: The shipped copy of the book's data file (SHA-1 76e5be1548fd8222e5074cf0faae75edff8cf93f).
AIRFOIL_PATH = Path(__file__).with_name("airfoil_self_noise.dat")

AIRFOIL_SOURCE = ("T. F. Brooks, D. S. Pope and M. A. Marcolini, Airfoil Self-Noise and Prediction, "
                  "NASA RP-1218 (1989), via the UCI Machine Learning Repository, 'Airfoil Self-Noise', "
                  "doi:10.24432/C5VW2C, CC BY 4.0")


def read_table(path: str | os.PathLike, columns: int) -> np.ndarray:
    """Read a headerless file of ``columns`` tab-separated numbers per line into float64.

    Blank lines are skipped.  A missing file raises :class:`FileNotFoundError` naming the path; a
    line with the wrong number of fields, a value that is not a number, or bytes that are not
    UTF-8 raise :class:`ValueError` naming the path and the line.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no data file at {str(path)!r}; d2lite never downloads data")
    rows = []
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                raise ValueError(f"{path}, line {number}: not UTF-8 text") from None
            if not line:
                continue
            fields = line.split("\t")
            if len(fields) != columns:
                raise ValueError(f"{path}, line {number}: expected {columns} tab-separated values, "
                                 f"found {len(fields)}: {line[:80]!r}")
            try:
                rows.append([float(v) for v in fields])
            except ValueError:
                raise ValueError(f"{path}, line {number}: every value must be a number, "
                                 f"got {line[:80]!r}") from None
    if not rows:
        raise ValueError(f"{path}: the file holds no rows")
    table = np.asarray(rows)
    bad = ~np.isfinite(table)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(f"{path}: row {row + 1} (not counting blank lines), column {col + 1} is "
                         f"{table[row, col]!r}; every value must be finite")
    return table


def airfoil_arrays(n: int = 1500, path: str | os.PathLike | None = None,
                   dtype: str = "float32") -> tuple[np.ndarray, np.ndarray]:
    """The airfoil data as the book prepares it: ``(features (n, 5), labels (n, 1))``.

    Every column is standardised with the mean and population standard deviation of *all* rows
    (the book does this in float32; so does ``dtype="float32"``), then the first ``n`` rows are
    kept.  ``path`` defaults to the shipped copy, :data:`AIRFOIL_PATH`.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive whole number of rows, got {n!r}")
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    table = read_table(AIRFOIL_PATH if path is None else path, columns=6).astype(dtype)
    if n > len(table):
        raise ValueError(f"n must be at most {len(table)} (the rows in the file), got {n}")
    std = table.std(axis=0)
    if np.any(std == 0):
        raise ValueError(f"{path or AIRFOIL_PATH}: column(s) {np.flatnonzero(std == 0).tolist()} "
                         f"are constant and cannot be standardised")
    table = (table - table.mean(axis=0)) / std
    return table[:n, :-1], table[:n, -1:]
