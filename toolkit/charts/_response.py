"""Figures of platform response and volunteer workload (``toolkit.response``, ``toolkit.workload``)."""

from __future__ import annotations

import altair as alt
import polars as pl

from toolkit.charts import _kit as k

__all__ = ["escalation_funnel", "survival", "takedown_within", "workload"]

#: Curves stop where fewer than this many spaces remain at risk: past that point each
#: step is one or two identifiable spaces (same threshold as small-cell suppression).
MIN_AT_RISK = 5


def _path_label(path: str, lang: str) -> str:
    return k.text(f"path.{path}", lang)


def _path_order(paths: list[str]) -> list[str]:
    known = ["platform_only", "platform", "platform_hotline", "hotline", "platform_press", "press"]
    return sorted(paths, key=lambda p: (known.index(p) if p in known else len(known), p))


def escalation_funnel(
    df: pl.DataFrame, *, lang: str = "en", preset: str = "talk"
) -> alt.LayerChart:
    """The escalation funnel: reported → acknowledged → taken down → reappeared.

    Parameters
    ----------
    df
        ``toolkit.response.funnel(book)``: ``stage``, ``n_cases``, ``share`` in funnel
        order.

    Returns
    -------
    altair.LayerChart
        One bar per stage with count and share of reported cases. Counts 1–4 show as
        ``<5`` and their share is hidden.

    Notes
    -----
    The stages are nested, not a partition, so no cell is a difference of published
    totals: primary suppression only.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"stage": ["reported", "taken_down", "reappeared"],
    ...     "n_cases": [100, 60, 3], "share": [1.0, 0.6, 0.03]})
    >>> table(escalation_funnel(df)).get_column("value_label").to_list()
    ['100 (100%)', '60 (60%)', '<5']
    """
    k.require(df, ["stage", "n_cases", "share"], "escalation_funnel")
    d = df.select(pl.col("stage").cast(pl.String), "n_cases", "share").with_row_index("order")
    d = k.suppress(d, ["n_cases"], secondary=False, hide={"n_cases": ["share"]})
    d = d.with_columns(
        stage_label=pl.col("stage").map_elements(
            lambda s: k.text(f"stage.{s}", lang), return_dtype=pl.String
        ),
        value_label=pl.struct("n_cases", "share").map_elements(
            lambda r: (
                k.fmt_int(r["n_cases"], lang)
                + ("" if r["share"] is None else f" ({k.fmt_pct(r['share'], lang)})")
            ),
            return_dtype=pl.String,
        ),
    ).sort("order")
    y = alt.Y("stage_label:N", sort=d.get_column("stage_label").to_list(), title=None)
    bars = (
        alt.Chart()
        .mark_bar(color=k.OKABE_ITO[0])
        .encode(y=y, x=alt.X("n_cases:Q", title=k.text("funnel.x", lang)))
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=8, fontWeight="bold")
        .encode(y=y, x=alt.X("n_cases:Q"), text="value_label:N")
    )
    hidden = (
        alt.Chart()
        .transform_filter("datum.n_cases_suppressed")
        .mark_text(align="left", dx=8, color="#555555")
        .encode(y=y, x=alt.datum(0), text="value_label:N")
    )
    parts = k.sep(lang).join(f"{s} {v}" for s, v in d.select("stage_label", "value_label").rows())
    return k.finish(
        [bars, labels, hidden],
        d.drop("order"),
        figure="escalation_funnel",
        lang=lang,
        preset_name=preset,
        title=k.text("funnel.title", lang),
        subtitle=k.subtitle_with_note(
            k.text("funnel.subtitle", lang), lang, bool(d["n_cases_suppressed"].any())
        ),
        alt_text=k.text("funnel.alt", lang).format(parts=parts),
    )


def survival(
    df: pl.DataFrame, *, lang: str = "en", preset: str = "talk", alt_day: int = 7
) -> alt.LayerChart:
    """Kaplan–Meier curves of time online after the first report, by escalation path.

    Parameters
    ----------
    df
        ``toolkit.response.survival(book, by="path")``: ``path``, ``day``,
        ``at_risk``, ``survival``, ``ci_low``, ``ci_high``.
    alt_day
        The day whose survival the alt text quotes (default 7).

    Returns
    -------
    altair.LayerChart
        Step curves (``step-after``) with their 95 % bands; paths differ by colour and
        dash. Each curve starts at 1 on day 0 and stops before the first day with fewer
        than ``MIN_AT_RISK`` spaces at risk.

    Notes
    -----
    S(t) = Π_{t_i ≤ t} (1 − d_i / n_i), the Kaplan–Meier estimator, as computed by
    ``toolkit.response.survival``; this figure only draws it.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"path": ["platform_only"] * 3, "day": [2, 5, 9],
    ...     "at_risk": [20, 12, 4], "survival": [0.9, 0.6, 0.3],
    ...     "ci_low": [0.7, 0.4, 0.1], "ci_high": [0.97, 0.8, 0.5]})
    >>> table(survival(df)).get_column("day").to_list()
    [0, 2, 5]
    """
    k.require(df, ["path", "day", "at_risk", "survival", "ci_low", "ci_high"], "survival")
    d = df.select(
        pl.col("path").cast(pl.String),
        pl.col("day").cast(pl.Int64),
        pl.col("at_risk").cast(pl.Int64),
        "survival",
        "ci_low",
        "ci_high",
    )
    # Cut each curve before its first day with fewer than MIN_AT_RISK at risk.
    d = d.sort("path", "day").filter((pl.col("at_risk") < MIN_AT_RISK).cum_sum().over("path") == 0)
    starts = (
        d.group_by("path")
        .agg(pl.col("at_risk").max())
        .with_columns(day=pl.lit(0, pl.Int64), survival=1.0, ci_low=1.0, ci_high=1.0)
    )
    d = pl.concat([starts.select(d.columns), d.filter(pl.col("day") > 0)])
    d = k.suppress(d, ["at_risk"], secondary=False)
    paths = _path_order(d.get_column("path").unique().to_list())
    order = {p: i for i, p in enumerate(paths)}
    d = d.with_columns(
        path_label=pl.col("path").map_elements(
            lambda p: _path_label(p, lang), return_dtype=pl.String
        )
    ).sort(pl.col("path").replace_strict(order), "day")
    domain = [_path_label(p, lang) for p in paths]
    legend = alt.Legend(
        orient="top-right",
        symbolType="stroke",
        symbolStrokeWidth=4,
        symbolSize=900,
        symbolOpacity=1,
        titleLimit=900,
    )
    colour = alt.Color(
        "path_label:N",
        title=k.text("path.title", lang),
        scale=alt.Scale(domain=domain, range=list(k.OKABE_ITO[: len(domain)])),
        legend=legend,
    )
    dash = alt.StrokeDash(
        "path_label:N",
        scale=alt.Scale(
            domain=domain, range=[[1, 0], [12, 6], [3, 4], [8, 4, 2, 4]][: len(domain)]
        ),
        # Same title and legend as the colour, so Vega-Lite draws ONE legend whose
        # symbols carry both colour and dash (readable in greyscale).
        title=k.text("path.title", lang),
        legend=legend,
    )
    x = alt.X("day:Q", title=k.text("survival.x", lang))
    band = (
        alt.Chart()
        .mark_area(interpolate="step-after", opacity=0.18)
        # The band is coloured through `fill`; the line's colour and dash draw the
        # legend symbols (one legend, readable in greyscale).
        .encode(
            x=x,
            y="ci_low:Q",
            y2="ci_high:Q",
            # Vega-Lite shares one colour scale between fill and colour: a `legend=None`
            # here would remove the line's legend too, so both carry the same legend.
            fill=alt.Fill(
                "path_label:N",
                title=k.text("path.title", lang),
                scale=alt.Scale(domain=domain, range=list(k.OKABE_ITO[: len(domain)])),
                legend=legend,
            ),
        )
    )
    line = (
        alt.Chart()
        .mark_line(interpolate="step-after", strokeWidth=4)
        .encode(
            x=x,
            y=alt.Y(
                "survival:Q",
                title=k.text("survival.y", lang),
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=colour,
            strokeDash=dash,
        )
    )
    parts = []
    for p in paths:
        rows = d.filter((pl.col("path") == p) & (pl.col("day") <= alt_day)).tail(1)
        if rows.height:
            parts.append(
                k.text("survival.alt_part", lang).format(
                    path=_path_label(p, lang),
                    share=k.fmt_pct(rows["survival"][0], lang),
                    day=alt_day,
                )
            )
    return k.finish(
        [band, line],
        d,
        figure="survival",
        dense=True,
        lang=lang,
        preset_name=preset,
        title=k.text("survival.title", lang),
        subtitle=k.text("survival.subtitle", lang),
        alt_text=k.text("survival.alt", lang).format(parts=k.sep(lang).join(parts)),
    )


def takedown_within(df: pl.DataFrame, *, lang: str = "en", preset: str = "talk") -> alt.LayerChart:
    """Share of reported spaces taken down within 3 and 7 days, by escalation path.

    Parameters
    ----------
    df
        ``toolkit.response.summary(book)``: ``path``, ``n``, ``share_within_3d``,
        ``share_within_7d`` (other columns are kept out of the figure).

    Returns
    -------
    altair.LayerChart
        Grouped bars (3 days light, 7 days dark, readable in greyscale) with their
        percentages. Paths with 1–4 cases show ``<5`` and no share.

    Notes
    -----
    These are the notice-and-takedown figures hotlines publish (share removed within
    a given delay of the report); a path whose ``n`` is small says little.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"path": ["platform_only", "platform_press"], "n": [50, 3],
    ...     "share_within_3d": [0.1, 0.33], "share_within_7d": [0.3, 0.66]})
    >>> table(takedown_within(df)).get_column("share").to_list()
    [0.1, 0.3, None, None]
    """
    k.require(df, ["path", "n", "share_within_3d", "share_within_7d"], "takedown_within")
    d = df.select(pl.col("path").cast(pl.String), "n", "share_within_3d", "share_within_7d")
    d = k.suppress(d, ["n"], secondary=False, hide={"n": ["share_within_3d", "share_within_7d"]})
    paths = _path_order(d.get_column("path").to_list())
    order = {p: i for i, p in enumerate(paths)}
    long = (
        d.unpivot(
            ["share_within_3d", "share_within_7d"],
            index=["path", "n", "n_display", "n_suppressed"],
            variable_name="delay",
            value_name="share",
        )
        .with_columns(
            delay=pl.col("delay").replace_strict({"share_within_3d": "d3", "share_within_7d": "d7"})
        )
        .with_columns(
            path_label=pl.col("path").map_elements(
                lambda p: _path_label(p, lang), return_dtype=pl.String
            ),
            delay_label=pl.col("delay").map_elements(
                lambda s: k.text(f"within.{s}", lang), return_dtype=pl.String
            ),
            value_label=pl.struct("share", "n_display").map_elements(
                lambda r: r["n_display"] if r["share"] is None else k.fmt_pct(r["share"], lang),
                return_dtype=pl.String,
            ),
        )
        .sort(pl.col("path").replace_strict(order), "delay")
    )
    delays = [k.text("within.d3", lang), k.text("within.d7", lang)]
    y = alt.Y("path_label:N", sort=[_path_label(p, lang) for p in paths], title=None)
    offset = alt.YOffset("delay_label:N", sort=delays)
    bars = (
        alt.Chart()
        .mark_bar(stroke=k.INK, strokeWidth=0.5)
        .encode(
            y=y,
            yOffset=offset,
            x=alt.X(
                "share:Q",
                title=k.text("within.x", lang),
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "delay_label:N",
                title=k.text("within.legend", lang),
                scale=alt.Scale(domain=delays, range=["#56B4E9", "#0072B2"]),
                legend=alt.Legend(orient="bottom-right"),
            ),
        )
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=8)
        .encode(
            y=y,
            yOffset=offset,
            x=alt.X("share:Q"),
            text="value_label:N",
        )
    )
    hidden = (
        alt.Chart()
        .transform_filter("datum.n_suppressed")
        .mark_text(align="left", dx=8, color="#555555")
        .encode(y=y, yOffset=offset, x=alt.datum(0), text="value_label:N")
    )
    parts = []
    for p in paths:
        row = d.filter(pl.col("path") == p).row(0, named=True)
        parts.append(
            k.text("within.alt_part", lang).format(
                path=_path_label(p, lang),
                n=k.fmt_int(row["n"], lang),
                d3=k.fmt_pct(row["share_within_3d"], lang),
                d7=k.fmt_pct(row["share_within_7d"], lang),
            )
        )
    return k.finish(
        [bars, labels, hidden],
        long,
        figure="takedown_within",
        lang=lang,
        preset_name=preset,
        title=k.text("within.title", lang),
        subtitle=k.subtitle_with_note(
            k.text("within.subtitle", lang), lang, bool(d["n_suppressed"].any())
        ),
        alt_text=k.text("within.alt", lang).format(parts=k.sep(lang).join(parts)),
    )


def workload(df: pl.DataFrame, *, lang: str = "en", preset: str = "talk") -> alt.LayerChart:
    """Volunteer workload heatmap: minutes of exposure per pseudonymous observer and week.

    Parameters
    ----------
    df
        ``toolkit.workload.exposure(book)``: ``observer_id``, ``week``, ``minutes``,
        ``urgent_minutes``, ``over_threshold``.

    Returns
    -------
    altair.LayerChart
        A heatmap (one light-to-dark hue, readable in greyscale) with a dot on each
        week over the threshold. Observer ids are the pseudonyms of the data
        (``obs-03``); nothing else about a volunteer is shown.

    Notes
    -----
    Minutes are measures, not counts of people or spaces, so they are shown as they
    are; the number of observer-weeks over the threshold in the alt text goes through
    small-cell suppression.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"observer_id": ["obs-01", "obs-01", "obs-02"], "week": [1, 2, 1],
    ...     "minutes": [300, 90, 45], "urgent_minutes": [60, 0, 0],
    ...     "over_threshold": [True, False, False]})
    >>> "<5" in alt_text(workload(df))
    True
    """
    cols = ["observer_id", "week", "minutes", "urgent_minutes", "over_threshold"]
    k.require(df, cols, "workload")
    d = df.select(cols).sort("observer_id", "week")
    observers = d.get_column("observer_id").unique().sort().to_list()
    weeks = d.get_column("week")
    first, last = int(weeks.min() or 1), int(weeks.max() or 1)
    p = k.preset(preset)
    # One label every `every` weeks, so that labels (up to 3 digits) never touch.
    every = max(1, -(-(last - first + 1) * p.label * 3 // int(p.width * 0.7)))
    x = alt.X(
        "week:O",
        title=k.text("workload.x", lang),
        axis=alt.Axis(labelAngle=0, values=list(range(first, last + 1, every))),
        scale=alt.Scale(domain=list(range(first, last + 1))),
    )
    y = alt.Y("observer_id:N", title=k.text("workload.y", lang), sort=observers)
    cells = (
        alt.Chart()
        .mark_rect()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "minutes:Q",
                title=k.text("workload.minutes", lang),
                scale=alt.Scale(range=["#FFF4E0", "#E69F00", "#D55E00", "#3D1A00"]),
            ),
        )
    )
    over = (
        alt.Chart()
        .transform_filter("datum.over_threshold")
        .mark_circle(color="white", stroke=k.INK, strokeWidth=1.5, opacity=1)
        .encode(x=x, y=y, size=alt.value(int(k.preset(preset).label * 4)))
    )
    n_over = pl.DataFrame({"n": [int(d.get_column("over_threshold").sum())]})
    n_over = k.suppress(n_over, ["n"], secondary=False)
    alt_text = k.text("workload.alt", lang).format(
        n_observers=k.fmt_int(len(observers), lang),
        n_weeks=k.fmt_int(weeks.n_unique(), lang),
        n_over=n_over["n_display"][0],
        max=k.fmt_int(d.get_column("minutes").max() or 0, lang),
    )
    return k.finish(
        [cells, over],
        d,
        figure="workload",
        dense=True,
        lang=lang,
        preset_name=preset,
        title=k.text("workload.title", lang),
        subtitle=k.text("workload.subtitle", lang),
        alt_text=alt_text,
    )


table = k.table
alt_text = k.alt_text
