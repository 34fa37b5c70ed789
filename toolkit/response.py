"""Platform response: how long reported spaces stay online, by escalation path.

A case's clock starts at its first report (to the platform, the national hotline or the
press) and stops at the platform's takedown. When no takedown was observed, the time is
right-censored at the case's last observed day: the space was still online then, and
that is all we know. Survival curves (Kaplan–Meier) use every case, censored or not.

Content warning: the spaces concerned share non-consensual intimate imagery and may
show child sexual exploitation signals; the data describes them in abstract terms.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from toolkit import taxonomy as tx
from toolkit._analyses import PATH_DTYPE, PATHS, REPORT_EVENTS, table
from toolkit.model import CaseBook

__all__ = ["STAGES", "funnel", "summary", "survival", "time_to_takedown"]

#: Stages of the response funnel, each a subset of the one before.
STAGES: tuple[str, ...] = ("reported", "acknowledged", "taken_down", "reappeared")
#: Confidence band method of the Kaplan–Meier curves (see ``survival``).
CI_METHOD = "log-log"

_REPORT_LEVEL = {event: PATHS.index(path) for event, path in REPORT_EVENTS.items()}


def time_to_takedown(book: CaseBook) -> pl.DataFrame:
    """Time from first report to takedown [délai de retrait] of every reported case.

    Parameters
    ----------
    book
        A CaseBook (eager or lazy). Uses ``events`` and ``cases.observed_until``.

    Returns
    -------
    polars.DataFrame
        One row per case with at least one report, sorted by ``case_id``:
        ``case_id``; ``path`` (Enum ``platform_only`` < ``platform_hotline`` <
        ``platform_press``); ``first_report_day``; ``takedown_day`` (null when no
        takedown was observed); ``days``; ``observed`` (True when the takedown was
        observed, False when ``days`` is censored).

    Notes
    -----
    A report is a ``reported_platform``, ``reported_hotline`` or ``alerted_press``
    event. ``path`` is the highest escalation reached up to the takedown day (a report
    on the takedown day itself counts: days are the finest resolution we have), or
    up to the end of observation when there is no takedown: ``platform_press`` if
    the press was alerted, else ``platform_hotline`` if the hotline was told, else
    ``platform_only``. With ``r`` the first report day, ``T`` the first takedown day and
    ``U`` the last observed day (``cases.observed_until``, or the case's last event
    day when that is null)::

        days = T − r   (observed = True)     if there is a takedown
        days = U − r   (observed = False)    otherwise (right-censored)

    References
    ----------
    J. D. Kalbfleisch and R. L. Prentice, *The Statistical Analysis of Failure Time
    Data*, 2nd ed., Wiley 2002 (right censoring). INHOPE annual reports (time from
    report to removal as the headline notice-and-takedown figure).

    Examples
    --------
    >>> from toolkit.model import CaseBook, example_cases
    >>> import polars as pl
    >>> cases = example_cases(["AB1", "CD2"],
    ...     case_type="deepfakes", observed_until=[40, 30])
    >>> events = pl.DataFrame({"case_id": ["AB1"] * 4 + ["CD2"] * 2,
    ...     "day": [0, 1, 3, 9, 0, 2],
    ...     "event": ["discovered", "reported_platform", "reported_hotline", "takedown",
    ...               "discovered", "reported_platform"]})
    >>> time_to_takedown(CaseBook.from_frames(cases=cases, events=events)).rows()
    [('AB1', 'platform_hotline', 1, 9, 8, True), ('CD2', 'platform_only', 2, None, 28, False)]
    """
    ev = table(book, "events", ["case_id", "day", "event"])
    until = table(book, "cases", ["case_id", "observed_until"])
    code = pl.col("event").cast(tx.enum("events")).to_physical()
    report_level = {tx.EVENTS.index(e): level for e, level in _REPORT_LEVEL.items()}
    ev = ev.select(
        _case_key(ev),
        "case_id",
        "day",
        code.replace_strict(report_level, default=None, return_dtype=pl.Int8).alias("level"),
        (code == tx.EVENTS.index("takedown")).alias("is_takedown"),
    )
    takedown = pl.col("day").filter(pl.col("is_takedown")).min()
    # Group on an integer key per case (cheaper than on the string case_id at 1M cases).
    per_case = (
        ev.group_by("key")
        .agg(
            pl.col("case_id").first(),
            pl.col("day").filter(pl.col("level").is_not_null()).min().alias("first"),
            takedown.alias("takedown_day"),
            pl.col("day").max().alias("last_event_day"),
            # the highest escalation up to the takedown (all reports when there is none:
            # a valid book has no event after `observed_until`)
            pl.col("level")
            .filter(pl.col("day") <= takedown.fill_null(np.iinfo(np.int32).max))
            .max()
            .alias("lvl"),
        )
        .filter(pl.col("first").is_not_null())
        .join(until, on="case_id", how="left")
    )
    end = pl.coalesce("takedown_day", "observed_until", "last_event_day")
    out = per_case.select(
        "case_id",
        pl.col("lvl")
        .fill_null(0)
        .replace_strict(dict(enumerate(PATHS)), return_dtype=PATH_DTYPE)
        .alias("path"),
        pl.col("first").cast(pl.Int32).alias("first_report_day"),
        pl.col("takedown_day").cast(pl.Int32),
        (pl.max_horizontal(end, "first") - pl.col("first")).cast(pl.Int32).alias("days"),
        pl.col("takedown_day").is_not_null().alias("observed"),
    )
    return out.sort("case_id")


def _case_key(frame: pl.DataFrame) -> pl.Expr:
    """An integer per case: run ids when rows are grouped by case (sorted), else ranks."""
    if frame.get_column("case_id").is_sorted():
        return pl.col("case_id").rle_id().alias("key")
    return pl.col("case_id").rank("dense").alias("key")


def _groups(ttd: pl.DataFrame, book: CaseBook, by: str | None) -> tuple[pl.DataFrame, list[str]]:
    if by is None:
        return ttd, []
    if by == "path":
        return ttd, ["path"]
    cases = table(book, "cases")
    if by not in cases.columns or by in ("case_id", "observed_until", "title"):
        raise ValueError(f"`by` must be 'path', None or a grouping column of `cases`, not {by!r}")
    return ttd.join(cases.select("case_id", by), on="case_id", how="left"), [by]


def _km(days: np.ndarray, observed: np.ndarray) -> Any:
    """Kaplan–Meier fit by scipy (None when there is no case)."""
    if len(days) == 0:
        return None
    data = stats.CensoredData(uncensored=days[observed], right=days[~observed])
    return stats.ecdf(data)


def _band(res: Any, confidence: float) -> Any:
    """scipy's log-log confidence band of the survival function."""
    with warnings.catch_warnings():
        # scipy warns that the log-log band is undefined where S = 0 or 1: expected, and
        # shown as null.
        warnings.filterwarnings("ignore", "The confidence interval is undefined", RuntimeWarning)
        return res.sf.confidence_interval(confidence_level=confidence, method=CI_METHOD)


def _group_keys(frame: pl.DataFrame, keys: list[str]) -> list[tuple]:
    if not keys:
        return [()]
    return frame.select(keys).unique().sort(keys, nulls_last=True).rows()


def _subset(frame: pl.DataFrame, keys: list[str], values: tuple) -> pl.DataFrame:
    for key, value in zip(keys, values, strict=True):
        frame = frame.filter(
            pl.col(key).is_null() if value is None else pl.col(key) == pl.lit(value)
        )
    return frame


def survival(book: CaseBook, by: str | None = "path", *, confidence: float = 0.95) -> pl.DataFrame:
    """Kaplan–Meier survival of reported spaces (still online) by escalation path.

    Parameters
    ----------
    book
        A CaseBook (eager or lazy).
    by
        ``"path"`` (default), ``None`` (all reported cases) or a column of ``cases``
        (e.g. ``"case_type"``).
    confidence
        Level of the pointwise confidence band (default 0.95).

    Returns
    -------
    polars.DataFrame
        The ``by`` column, ``day`` (each day on which at least one takedown was
        observed in the group), ``at_risk`` (cases still online and observed just
        before that day), ``survival`` (the estimated share still online at the end of
        that day), ``ci_low``, ``ci_high``. Sorted by the group then ``day``. Before
        the first row the survival is 1.

    Notes
    -----
    Kaplan–Meier product-limit estimator over ``time_to_takedown`` (``days``,
    ``observed``)::

        S(t) = Π_{tᵢ ≤ t} (1 − dᵢ / nᵢ)

    with ``dᵢ`` takedowns on day ``tᵢ`` and ``nᵢ`` cases at risk (``days ≥ tᵢ``).
    Computed by ``scipy.stats.ecdf`` over ``scipy.stats.CensoredData``; the band is
    scipy's ``sf.confidence_interval(method="log-log")``: Greenwood's variance on the
    log(−log S) scale ("exponential Greenwood"), which stays within [0, 1] and is also
    lifelines' default. Where ``S(t) = 0`` the band is undefined (null).

    References
    ----------
    E. L. Kaplan and P. Meier, "Nonparametric estimation from incomplete
    observations", JASA 53 (1958) 457–481. M. Greenwood, "The natural duration of
    cancer", Reports on Public Health and Medical Subjects 33 (1926). D. R. Cox and
    D. Oakes, *Analysis of Survival Data*, Chapman & Hall 1984 (log-log band).

    Examples
    --------
    >>> from toolkit.model import CaseBook, example_cases
    >>> import polars as pl
    >>> ids = ["AB1", "CD2", "EF3"]
    >>> cases = example_cases(ids, case_type="deepfakes", observed_until=30)
    >>> events = pl.DataFrame({"case_id": [c for c in ids for _ in range(3)],
    ...     "day": [0, 0, 2, 0, 0, 4, 0, 0, 5],
    ...     "event": ["discovered", "reported_platform", "takedown"] * 2
    ...              + ["discovered", "reported_platform", "no_response"]})
    >>> survival(CaseBook.from_frames(cases=cases, events=events)).select(
    ...     "path", "day", "at_risk", pl.col("survival").round(4)).rows()
    [('platform_only', 2, 3, 0.6667), ('platform_only', 4, 2, 0.3333)]
    """
    ttd = time_to_takedown(book)
    frame, keys = _groups(ttd, book, by)
    parts = []
    for values in _group_keys(frame, keys):
        sub = _subset(frame, keys, values)
        days = sub.get_column("days").to_numpy().astype(np.float64)
        observed = sub.get_column("observed").to_numpy().astype(bool)
        res = _km(days, observed)
        if res is None or not observed.any():
            continue
        event_days = np.unique(days[observed])
        surv = res.sf.evaluate(event_days)
        band = _band(res, confidence)
        with np.errstate(invalid="ignore", divide="ignore"):
            low = band.low.evaluate(event_days)
            high = band.high.evaluate(event_days)
        at_risk = len(days) - np.searchsorted(np.sort(days), event_days, side="left")
        part = pl.DataFrame(
            {
                "day": event_days.astype(np.int32),
                "at_risk": at_risk.astype(np.int64),
                "survival": surv,
                "ci_low": low,
                "ci_high": high,
            }
        ).with_columns(pl.col("ci_low", "ci_high").fill_nan(None))
        for key, value in zip(keys, values, strict=True):
            part = part.with_columns(pl.lit(value, dtype=frame.schema[key]).alias(key))
        parts.append(part.select(*keys, "day", "at_risk", "survival", "ci_low", "ci_high"))
    if not parts:
        schema = {key: frame.schema[key] for key in keys}
        schema |= {
            "day": pl.Int32,
            "at_risk": pl.Int64,
            "survival": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
        }
        return pl.DataFrame(schema=schema)
    return pl.concat(parts).sort([*keys, "day"], nulls_last=True)


def _first_day_at_or_below(days: np.ndarray, values: np.ndarray, level: float) -> float | None:
    """The first day whose value is ≤ level (None when the curve never gets there)."""
    hit = np.flatnonzero(values <= level)
    return float(days[hit[0]]) if hit.size else None


def summary(book: CaseBook, *, confidence: float = 0.95) -> pl.DataFrame:
    """Headline platform-response figures per escalation path.

    Parameters
    ----------
    book
        A CaseBook (eager or lazy).
    confidence
        Level of the median's confidence interval (default 0.95).

    Returns
    -------
    polars.DataFrame
        One row per path (``platform_only``, ``platform_hotline``, ``platform_press``,
        paths with no case included with ``n = 0``): ``path``, ``n`` (reported
        cases), ``n_taken_down`` (takedown observed), ``median_days``,
        ``median_ci_low``, ``median_ci_high``, ``share_within_3d``,
        ``share_within_7d``, ``never_acted_share``, ``no_takedown_share``.

    Notes
    -----
    - ``median_days``: the Kaplan–Meier median, the first day ``t`` with
      ``S(t) ≤ 0.5`` (an exact 0.5 counts, as in Kaplan–Meier's product computed
      exactly by scipy) (null when more than half of the spaces were still online at the
      end of observation, e.g. on a path where the platform never acted).
    - ``median_ci_low`` / ``median_ci_high``: the days where the lower and the upper
      confidence band of ``S`` (see ``survival``) first reach 0.5, i.e. the days
      ``t`` whose band contains 0.5. Inverting a
      pointwise band this way is the approach of Brookmeyer and Crowley (1982) with a
      log-log band, as lifelines does; a null upper bound means "not reached".
    - ``share_within_3d`` / ``share_within_7d`` = ``1 − S(3)`` / ``1 − S(7)``: the KM
      estimate of the share taken down within 3 and 7 days of the first report (the
      figures hotlines publish). KM uses censored cases, unlike the raw share.
    - ``never_acted_share``: the estimated share of the path's reported spaces never
      taken down, as the Kaplan–Meier plateau ``S(t_max)`` at the path's last
      observed day (the non-parametric estimate of the "never" fraction, Maller and
      Zhou 1996). Unlike the raw share it does not count as "never acted on" a space
      whose takedown simply fell after the observer stopped watching; it assumes the
      observation windows are long compared with the delays. 1 on a path with no
      takedown at all.
    - ``no_takedown_share`` = (n − n_taken_down) / n: the raw share with no takedown
      seen by the end of observation (an upper bound of the never-acted share).

    References
    ----------
    R. Brookmeyer and J. Crowley, "A confidence interval for the median survival
    time", Biometrics 38 (1982) 29–41. Kaplan and Meier, JASA 53 (1958). R. A. Maller
    and S. Zhou, *Survival Analysis with Long-Term Survivors*, Wiley 1996. INHOPE annual
    report (share of reports removed within 3 days).

    Examples
    --------
    >>> from toolkit.model import CaseBook, example_cases
    >>> import polars as pl
    >>> ids = ["AB1", "CD2", "EF3"]
    >>> cases = example_cases(ids, case_type="deepfakes", observed_until=30)
    >>> events = pl.DataFrame({"case_id": [c for c in ids for _ in range(3)],
    ...     "day": [0, 0, 2, 0, 0, 4, 0, 0, 5],
    ...     "event": ["discovered", "reported_platform", "takedown"] * 2
    ...              + ["discovered", "reported_platform", "no_response"]})
    >>> out = summary(CaseBook.from_frames(cases=cases, events=events))
    >>> out.select("path", "n", "median_days", pl.col("share_within_3d", "never_acted_share")
    ...            .round(4)).rows()  # doctest: +NORMALIZE_WHITESPACE
    [('platform_only', 3, 4.0, 0.3333, 0.3333), ('platform_hotline', 0, None, None, None),
     ('platform_press', 0, None, None, None)]
    """
    ttd = time_to_takedown(book)
    rows = []
    for path in PATHS:
        sub = ttd.filter(pl.col("path") == path)
        days = sub.get_column("days").to_numpy().astype(np.float64)
        observed = sub.get_column("observed").to_numpy().astype(bool)
        n, n_down = len(days), int(observed.sum())
        row = {
            "path": path,
            "n": n,
            "n_taken_down": n_down,
            "median_days": None,
            "median_ci_low": None,
            "median_ci_high": None,
            "share_within_3d": None,
            "share_within_7d": None,
            "never_acted_share": None,
            "no_takedown_share": (n - n_down) / n if n else None,
        }
        res = _km(days, observed)
        if res is not None:
            grid = res.sf.quantiles
            band = _band(res, confidence)
            with np.errstate(invalid="ignore", divide="ignore"):
                low, high = band.low.evaluate(grid), band.high.evaluate(grid)
            surv = res.sf.evaluate(grid)
            # A band that is undefined where S = 0 has reached 0.5 there too.
            low = np.where(np.isnan(low) & (surv == 0), 0.0, low)
            high = np.where(np.isnan(high) & (surv == 0), 0.0, high)
            row["median_days"] = _first_day_at_or_below(grid, surv, 0.5)
            # The days where 0.5 enters the band (lower curve) and leaves it (upper curve).
            row["median_ci_low"] = _first_day_at_or_below(grid, low, 0.5)
            row["median_ci_high"] = _first_day_at_or_below(grid, high, 0.5)
            s3, s7 = res.sf.evaluate(np.array([3.0, 7.0]))
            row["share_within_3d"] = float(1 - s3)
            row["share_within_7d"] = float(1 - s7)
            row["never_acted_share"] = float(surv[-1])
        rows.append(row)
    return pl.DataFrame(
        rows,
        schema={
            "path": PATH_DTYPE,
            "n": pl.Int64,
            "n_taken_down": pl.Int64,
            "median_days": pl.Float64,
            "median_ci_low": pl.Float64,
            "median_ci_high": pl.Float64,
            "share_within_3d": pl.Float64,
            "share_within_7d": pl.Float64,
            "never_acted_share": pl.Float64,
            "no_takedown_share": pl.Float64,
        },
        orient="row",
    )


def funnel(book: CaseBook) -> pl.DataFrame:
    """The response funnel: reported → acknowledged → taken down → reappeared.

    Parameters
    ----------
    book
        A CaseBook (eager or lazy). Uses ``events``.

    Returns
    -------
    polars.DataFrame
        One row per stage in order (``stage`` Enum: ``reported``, ``acknowledged``,
        ``taken_down``, ``reappeared``): ``n_cases`` and ``share`` (of the reported
        cases; null when no case was reported).

    Notes
    -----
    Each stage is a subset of the one before, so the funnel never widens:

    - reported: at least one report event (platform, hotline or press);
    - acknowledged: reported, and a ``platform_response`` or a ``takedown`` event
      (a takedown is the strongest acknowledgement);
    - taken_down: reported and a ``takedown`` event;
    - reappeared: taken down and a ``reappeared`` event.

    ``share = n_cases / n_reported``.

    References
    ----------
    INHOPE annual reports and the EU DSA transparency database (notice → action
    statistics).

    Examples
    --------
    >>> from toolkit.model import CaseBook, example_cases
    >>> import polars as pl
    >>> events = pl.DataFrame({"case_id": ["AB1"] * 4 + ["CD2"] * 2,
    ...     "day": [0, 1, 5, 9, 0, 1],
    ...     "event": ["discovered", "reported_platform", "takedown", "reappeared",
    ...               "discovered", "reported_platform"]})
    >>> cases = example_cases(["AB1", "CD2"],
    ...     case_type="deepfakes", observed_until=[40, 30])
    >>> funnel(CaseBook.from_frames(cases=cases, events=events)).rows()
    [('reported', 2, 1.0), ('acknowledged', 1, 0.5), ('taken_down', 1, 0.5), ('reappeared', 1, 0.5)]
    """
    ev = table(book, "events", ["case_id", "event"]).with_columns(pl.col("event").cast(pl.String))
    flags = ev.group_by("case_id").agg(
        pl.col("event").is_in(list(REPORT_EVENTS)).any().alias("reported"),
        pl.col("event").is_in(["platform_response", "takedown"]).any().alias("ack"),
        (pl.col("event") == "takedown").any().alias("down"),
        (pl.col("event") == "reappeared").any().alias("again"),
    )
    counts = flags.select(
        pl.col("reported").sum(),
        (pl.col("reported") & pl.col("ack")).sum().alias("acknowledged"),
        (pl.col("reported") & pl.col("down")).sum().alias("taken_down"),
        (pl.col("reported") & pl.col("down") & pl.col("again")).sum().alias("reappeared"),
    ).row(0, named=True)
    n_reported = counts["reported"] or 0
    return pl.DataFrame(
        {
            "stage": pl.Series(STAGES, dtype=pl.Enum(list(STAGES))),
            "n_cases": pl.Series([counts[s] or 0 for s in STAGES], dtype=pl.Int64),
            "share": pl.Series(
                [(counts[s] or 0) / n_reported if n_reported else None for s in STAGES],
                dtype=pl.Float64,
            ),
        }
    )
