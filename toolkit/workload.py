"""Volunteer workload: weekly minutes of exposure per observer [charge de veille].

The mental-load side of moderation: how long each (pseudonymous) observer spent on the
documented spaces each week, how much of it on the most distressing ones (the
``urgent`` triage tier: child-exploitation signals), and which weeks went over a
threshold.

Content warning: exposure here means time spent documenting spaces that share
non-consensual intimate imagery or show child sexual exploitation signals.
"""

from __future__ import annotations

import polars as pl

from toolkit._analyses import table
from toolkit.model import CaseBook

__all__ = ["DEFAULT_WEEKLY_THRESHOLD_MINUTES", "exposure"]

#: Default weekly exposure threshold, in minutes (4 hours). ASSUMPTION, not a clinical
#: norm: content-moderator wellbeing guidance advises limiting exposure to distressing
#: material to a few hours a week with breaks; four hours is the figure used by the
#: synthetic generator (``manifest["planted"]["exposure"]
#: ["default_weekly_threshold_minutes"]``) and a test keeps both equal. Set your own
#: with ``threshold_minutes=``.
DEFAULT_WEEKLY_THRESHOLD_MINUTES = 240


def exposure(
    book: CaseBook, threshold_minutes: float = DEFAULT_WEEKLY_THRESHOLD_MINUTES
) -> pl.DataFrame:
    """Weekly exposure minutes per observer, the urgent part, and weeks over a threshold.

    Parameters
    ----------
    book
        A CaseBook (eager or lazy). Uses ``exposure`` and, for the urgent tier,
        ``cases``, ``indicators`` and ``events`` (through ``toolkit.triage.assess``).
    threshold_minutes
        Weekly minutes above which a week counts as over the threshold (default
        ``DEFAULT_WEEKLY_THRESHOLD_MINUTES`` = 240, an assumption explained there).

    Returns
    -------
    polars.DataFrame
        One row per observer and week, every week from 1 to the last week of the
        data for every observer (a week without exposure has 0 minutes, so a heatmap
        shows rest weeks), sorted by ``observer_id`` then ``week``: ``observer_id``,
        ``week``, ``n_cases`` (cases watched that week), ``minutes``,
        ``urgent_minutes`` (minutes on cases of the ``urgent`` tier), ``urgent_share``
        (``urgent_minutes / minutes``, null for a week without exposure),
        ``threshold_minutes``, ``over_threshold`` (``minutes > threshold_minutes``).

    Notes
    -----
    For observer ``o`` and week ``w``: ``minutes = Σ_cases exposure(o, case, w)``,
    ``urgent_minutes`` is the same sum over cases whose triage tier is ``urgent``
    (see ``toolkit.triage``), and ``over_threshold = minutes > threshold``.

    References
    ----------
    S. T. Roberts, *Behind the Screen: Content Moderation in the Shadows of Social
    Media*, Yale University Press 2019. M. Steiger et al., "The psychological
    well-being of content moderators", CHI 2021.

    Examples
    --------
    >>> import polars as pl
    >>> from toolkit.model import CaseBook, example_cases
    >>> cases = example_cases(["AB1", "CD2"],
    ...     case_type=["minor_signals", "deepfakes"], observed_until=10)
    >>> ind = pl.DataFrame({"case_id": ["AB1", "CD2"],
    ...     "code": ["content.age_focus", "content.sexual_deepfake"], "evidence": [None, None]})
    >>> expo = pl.DataFrame({"observer_id": ["obs-01"] * 3, "case_id": ["AB1", "CD2", "CD2"],
    ...     "week": [1, 1, 3], "minutes": [200, 100, 30]})
    >>> book = CaseBook.from_frames(cases=cases, indicators=ind, exposure=expo)
    >>> exposure(book).select("observer_id", "week", "minutes", "urgent_minutes",
    ...                       "over_threshold").rows()
    [('obs-01', 1, 300, 200, True), ('obs-01', 2, 0, 0, False), ('obs-01', 3, 30, 0, False)]
    """
    from toolkit.triage import assess  # analyses may use each other; imported on use

    if not threshold_minutes >= 0:
        raise ValueError(
            f"threshold_minutes must be a number of minutes >= 0, not {threshold_minutes!r}"
        )
    expo = table(book, "exposure", ["observer_id", "case_id", "week", "minutes"])
    schema = {
        "observer_id": pl.String,
        "week": pl.Int32,
        "n_cases": pl.Int64,
        "minutes": pl.Int64,
        "urgent_minutes": pl.Int64,
        "urgent_share": pl.Float64,
        "threshold_minutes": pl.Float64,
        "over_threshold": pl.Boolean,
    }
    if expo.height == 0:
        return pl.DataFrame(schema=schema)
    urgent = assess(book).filter(pl.col("tier") == "urgent").select("case_id")
    expo = expo.with_columns(
        pl.col("case_id").is_in(urgent.get_column("case_id").implode()).alias("urgent")
    )
    weekly = expo.group_by("observer_id", "week").agg(
        pl.col("case_id").n_unique().cast(pl.Int64).alias("n_cases"),
        pl.col("minutes").sum().cast(pl.Int64).alias("minutes"),
        pl.col("minutes").filter(pl.col("urgent")).sum().cast(pl.Int64).alias("urgent_minutes"),
    )
    last_week = int(expo.get_column("week").max())
    grid = expo.select(pl.col("observer_id").unique()).join(
        pl.DataFrame({"week": pl.int_range(1, last_week + 1, eager=True).cast(pl.Int32)}),
        how="cross",
    )
    out = (
        grid.join(weekly, on=["observer_id", "week"], how="left")
        .with_columns(pl.col("n_cases", "minutes", "urgent_minutes").fill_null(0))
        .with_columns(
            pl.when(pl.col("minutes") > 0)
            .then(pl.col("urgent_minutes") / pl.col("minutes"))
            .otherwise(None)
            .alias("urgent_share"),
            pl.lit(float(threshold_minutes)).alias("threshold_minutes"),
            (pl.col("minutes") > threshold_minutes).alias("over_threshold"),
        )
    )
    return out.select(list(schema)).cast(schema).sort("observer_id", "week")
