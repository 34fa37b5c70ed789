"""Private helpers shared by the analysis modules (indicators, triage, response, workload).

Users should not import this module: its names may change without notice.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.special import ndtri

from toolkit.model import CaseBook

#: Escalation paths, lowest to highest (a case takes the highest it reached).
PATHS: tuple[str, ...] = ("platform_only", "platform_hotline", "platform_press")
PATH_DTYPE = pl.Enum(list(PATHS))
#: Events that count as a report, and the path each one reaches.
REPORT_EVENTS: dict[str, str] = {
    "reported_platform": "platform_only",
    "reported_hotline": "platform_hotline",
    "alerted_press": "platform_press",
}


def table(book: CaseBook, name: str, columns: list[str] | None = None) -> pl.DataFrame:
    """One table of ``book`` as a DataFrame, collecting only ``columns`` of a lazy book.

    Enum columns are kept as Enums: callers cast to String where they compare codes.
    """
    frame = getattr(book, name)
    if frame is None:
        raise ValueError(
            f"this CaseBook has no `{name}` table (it is optional: only synthetic datasets have it)"
        )
    if columns is not None:
        frame = frame.select(columns)
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    return frame


def wilson_interval(
    k: np.ndarray, n: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided Wilson score interval for many proportions at once.

    This is scipy's own formula (``scipy.stats.binomtest(k, n).proportion_ci(
    method="wilson")``, Newcombe 1998 eq. 3), written over arrays because scipy's
    ``binomtest`` takes one proportion per call, which is far too slow for a
    prevalence table of thousands of groups. ``tests/test_indicators.py`` checks
    that both agree to 1e-12 on many values, so scipy stays the reference.
    Where ``n == 0`` both bounds are NaN (no interval without observations).
    """
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z = ndtri(0.5 + 0.5 * confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        q = 1 - p
        denom = 2 * (n + z**2)
        center = (2 * n * p + z**2) / denom
        delta = z / denom * np.sqrt(4 * n * p * q + z**2)
        lo = np.where(k == 0, 0.0, center - delta)
        hi = np.where(k == n, 1.0, center + delta)
    empty = n == 0
    lo = np.where(empty, np.nan, lo)
    hi = np.where(empty, np.nan, hi)
    return lo, hi


def with_wilson(
    frame: pl.DataFrame, k: str = "n_cases", n: str = "n_total", confidence: float = 0.95
) -> pl.DataFrame:
    """``frame`` with ``share``, ``ci_low`` and ``ci_high`` from counts ``k`` of ``n``."""
    kk = frame.get_column(k).to_numpy()
    nn = frame.get_column(n).to_numpy()
    lo, hi = wilson_interval(kk, nn, confidence)
    return frame.with_columns(
        pl.when(pl.col(n) > 0)
        .then(pl.col(k).cast(pl.Float64) / pl.col(n).cast(pl.Float64))
        .otherwise(None)
        .alias("share"),
        pl.Series("ci_low", lo).fill_nan(None),
        pl.Series("ci_high", hi).fill_nan(None),
    )


def case_masks(frame: pl.DataFrame, column: str, order: tuple[str, ...]) -> pl.DataFrame:
    """One row per case of ``frame``: ``case_id`` and ``mask``, the bitwise OR of
    ``2**position`` of each of its codes in ``order`` (a set of ≤ 63 codes as one Int64).

    When the rows of a case are contiguous (tables written by the toolkit are sorted by
    ``case_id``), the OR is taken over runs with numpy, avoiding a group-by on a string
    key; otherwise a polars group-by. Either way the result is sorted by ``case_id``
    only in the first case: callers join it, they do not rely on its order.
    """
    if len(order) > 63:
        raise ValueError("case_masks packs at most 63 codes into one integer")
    position = pl.col(column).cast(pl.Enum(list(order))).to_physical().cast(pl.Int64)
    bits = pl.lit(2, dtype=pl.Int64).pow(position).alias("mask")
    if frame.height == 0:
        return pl.DataFrame(schema={"case_id": pl.String, "mask": pl.Int64})
    ids = frame.get_column("case_id")
    if ids.is_sorted():
        starts = (
            frame.select((pl.col("case_id") != pl.col("case_id").shift()).fill_null(True))
            .to_series()
            .arg_true()
            .to_numpy()
        )
        values = frame.select(bits).to_series().to_numpy()
        masks = np.bitwise_or.reduceat(values, starts)
        return pl.DataFrame({"case_id": ids.gather(starts), "mask": masks})
    return frame.group_by("case_id").agg(bits.bitwise_or())
