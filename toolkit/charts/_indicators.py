"""Figures of the indicator and triage analyses (``toolkit.indicators``, ``toolkit.triage``)."""

from __future__ import annotations

import altair as alt
import polars as pl

from toolkit import taxonomy as tx
from toolkit.charts import _kit as k

__all__ = ["case_types_over_time", "cooccurrence", "prevalence", "triage_tiers"]


def _severity_scale(lang: str) -> alt.Scale:
    return alt.Scale(
        domain=[k.text(f"severity.{s}", lang) for s in (1, 2, 3)],
        range=[k.SEVERITY_COLOURS[s] for s in (1, 2, 3)],
    )


def prevalence(df: pl.DataFrame, *, lang: str = "en", preset: str = "talk") -> alt.LayerChart:
    """Indicator prevalence with 95 % intervals, one bar per warning sign.

    Parameters
    ----------
    df
        ``toolkit.indicators.prevalence(book)``: ``code``, ``n_cases``, ``n_total``,
        ``share``, ``ci_low``, ``ci_high`` (one row per code; filter a ``by`` group
        first).
    lang, preset
        ``"fr"`` or ``"en"``; a preset of ``toolkit.charts.PRESETS``.

    Returns
    -------
    altair.LayerChart
        Bars coloured by the taxonomy severity, interval whiskers, value labels.
        Its table: the input with ``label``, ``severity``, ``severity_label`` and the
        suppression columns; ``n_cases`` 1–4 shown as ``<5`` (share and interval
        hidden too, since they would give the count back).

    Notes
    -----
    Codes are not mutually exclusive (a case shows several signs), so no published
    total is a sum of these cells: only primary suppression applies.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"code": ["content.tribute", "target.minor"], "n_cases": [40, 3],
    ...     "n_total": [100, 100], "share": [0.4, 0.03], "ci_low": [0.31, 0.01],
    ...     "ci_high": [0.5, 0.08]})
    >>> chart = prevalence(df, lang="fr")
    >>> table(chart).get_column("n_cases_display").to_list()
    ['40', '<5']
    """
    k.require(df, ["code", "n_cases", "n_total", "share", "ci_low", "ci_high"], "prevalence")
    if df.get_column("code").n_unique() != df.height:
        raise ValueError(
            "prevalence chart: one row per code expected; filter the `by` groups first"
        )
    d = k.suppress(
        df.with_columns(pl.col("code").cast(pl.String)),
        ["n_cases"],
        secondary=False,
        hide={"n_cases": ["share", "ci_low", "ci_high"]},
    )
    d = (
        d.with_columns(
            label=pl.col("code").replace_strict(
                {c: k.code_label("indicators", c, lang) for c in tx.INDICATORS}
            ),
            severity=pl.col("code").replace_strict(tx.SEVERITY, return_dtype=pl.Int8),
        )
        .with_columns(
            severity_label=pl.col("severity").replace_strict(
                {s: k.text(f"severity.{s}", lang) for s in (1, 2, 3)}, return_dtype=pl.String
            ),
            value_label=pl.when(pl.col("n_cases_suppressed"))
            .then(pl.col("n_cases_display"))
            .otherwise(pl.lit("")),
        )
        .sort(pl.col("share").fill_null(-1.0), "code", descending=[True, False])
    )
    order = d.get_column("label").to_list()
    y = alt.Y("label:N", sort=order, title=None)
    x_title = k.text("prevalence.x", lang)
    bars = (
        alt.Chart()
        .mark_bar(stroke=k.INK, strokeWidth=0.5)
        .encode(
            y=y,
            x=alt.X("share:Q", title=x_title, axis=alt.Axis(format=".0%")),
            color=alt.Color(
                "severity_label:N",
                scale=_severity_scale(lang),
                title=k.text("severity.title", lang),
                legend=alt.Legend(orient="bottom-right"),
            ),
        )
    )
    whiskers = (
        alt.Chart().mark_rule(color=k.INK, strokeWidth=2).encode(y=y, x="ci_low:Q", x2="ci_high:Q")
    )
    hidden = (
        alt.Chart()
        .transform_filter("datum.n_cases_suppressed")
        .mark_text(align="left", dx=4, color="#555555")
        .encode(y=y, x=alt.datum(0), text="value_label:N")
    )
    total = d.get_column("n_total").max()
    top = [
        f"{lbl} ({k.fmt_pct(s, lang)})"
        for lbl, s in d.filter(pl.col("share").is_not_null())
        .select("label", "share")
        .head(3)
        .rows()
    ]
    alt_text = k.text("prevalence.alt", lang).format(
        n_total=k.fmt_int(total, lang), top=k.sep(lang).join(top) or k.text("common.none", lang)
    )
    return k.finish(
        [bars, whiskers, hidden],
        d,
        figure="prevalence",
        lang=lang,
        preset_name=preset,
        title=k.text("prevalence.title", lang),
        subtitle=k.subtitle_with_note(
            k.text("prevalence.subtitle", lang), lang, bool(d["n_cases_suppressed"].any())
        ),
        alt_text=alt_text,
    )


def cooccurrence(
    df: pl.DataFrame, *, lang: str = "en", preset: str = "talk", alpha: float = 0.05
) -> alt.LayerChart:
    """Co-occurrence heatmap of warning signs: lift, with significant pairs marked.

    Parameters
    ----------
    df
        ``toolkit.indicators.cooccurrence(book)``: ``code_a``, ``code_b``, ``n_a``,
        ``n_b``, ``n_both``, ``jaccard``, ``lift``, ``p_value``, ``q_value`` (each
        unordered pair once).
    alpha
        Pairs with ``q_value < alpha`` (Benjamini–Hochberg) get a dot (default 0.05).

    Returns
    -------
    altair.LayerChart
        A symmetric matrix; rows name each sign in full, columns by its number. Cells
        whose ``n_both`` is 1–4 are grey and carry no lift (it would give the count
        back). Its table has both orientations of every pair.

    Notes
    -----
    lift = P(a ∧ b) / (P(a) P(b)); 1 means the two signs meet as often as chance
    predicts. The colour scale is logarithmic around 1, so 0.5 and 2 are as far from
    "no association".

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"code_a": ["content.tribute"], "code_b": ["target.public_figure"],
    ...     "n_a": [40], "n_b": [50], "n_both": [30], "jaccard": [0.5], "lift": [1.5],
    ...     "p_value": [0.001], "q_value": [0.002]})
    >>> table(cooccurrence(df)).height
    2
    """
    cols = ["code_a", "code_b", "n_a", "n_b", "n_both", "jaccard", "lift", "p_value", "q_value"]
    k.require(df, cols, "cooccurrence")
    base = df.select(cols).with_columns(pl.col("code_a", "code_b").cast(pl.String))
    both = pl.concat(
        [
            base,
            base.rename(
                {"code_a": "code_b", "code_b": "code_a", "n_a": "n_b", "n_b": "n_a"}
            ).select(cols),
        ]
    ).unique(["code_a", "code_b"], keep="first", maintain_order=True)
    d = k.suppress(
        both,
        ["n_both"],
        secondary=False,
        hide={"n_both": ["jaccard", "lift", "p_value", "q_value"]},
    )
    codes = [c for c in tx.INDICATORS if c in set(d["code_a"]) | set(d["code_b"])]
    number = {c: i + 1 for i, c in enumerate(codes)}
    labels = {c: f"{number[c]} · {k.code_label('indicators', c, lang)}" for c in codes}
    d = d.with_columns(
        row=pl.col("code_a").replace_strict(labels),
        col=pl.col("code_b").replace_strict({c: str(number[c]) for c in codes}),
        significant=(pl.col("q_value") < alpha).fill_null(False),
        # Lift 0 (never together) has no place on a log scale: floor it for the colour.
        lift_colour=pl.col("lift").clip(lower_bound=0.125, upper_bound=8.0),
    ).sort(
        pl.col("code_a").replace_strict(number),
        pl.col("code_b").replace_strict(number),
    )
    y = alt.Y("row:N", sort=[labels[c] for c in codes], title=None)
    x = alt.X(
        "col:N",
        sort=[str(number[c]) for c in codes],
        title=None,
        axis=alt.Axis(orient="top", labelAngle=0),
    )
    cells = (
        alt.Chart()
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "lift_colour:Q",
                title=k.text("cooccurrence.lift", lang),
                scale=alt.Scale(
                    type="log",
                    domain=[0.125, 8],
                    domainMid=1,
                    range=["#0072B2", "#F7F7F7", "#D55E00"],
                ),
                legend=alt.Legend(format=".2~f", values=[0.125, 0.25, 0.5, 1, 2, 4, 8]),
            ),
        )
    )
    # Suppressed cells have no lift (null values are dropped by a colour scale), so
    # they get their own grey layer.
    grey = (
        alt.Chart()
        .transform_filter("datum.n_both_suppressed")
        .mark_rect(stroke="white", strokeWidth=1, color=k.SUPPRESSED_GREY)
        .encode(x=x, y=y)
    )
    dots = (
        alt.Chart()
        .transform_filter("datum.significant")
        .mark_circle(color=k.INK, opacity=1)
        .encode(x=x, y=y, size=alt.value(int(k.preset(preset).label * 5)))
    )
    sig = d.filter(pl.col("significant") & (pl.col("code_a") < pl.col("code_b")))
    top = sig.sort("lift", "code_a", "code_b", descending=[True, False, False]).head(3)
    top_txt = k.sep(lang).join(
        f"{k.code_label('indicators', a, lang)} + {k.code_label('indicators', b, lang)} "
        f"(lift {k.fmt_num(lift, lang, 1)})"
        for a, b, lift in top.select("code_a", "code_b", "lift").rows()
    )
    alt_text = k.text("cooccurrence.alt", lang).format(
        n_codes=len(codes),
        n_sig=k.fmt_int(sig.height, lang),
        top=top_txt or k.text("common.none", lang),
    )
    return k.finish(
        [cells, grey, dots],
        d,
        figure="cooccurrence",
        dense=True,
        lang=lang,
        preset_name=preset,
        title=k.text("cooccurrence.title", lang),
        subtitle=k.subtitle_with_note(
            k.text("cooccurrence.subtitle", lang), lang, bool(d["n_both_suppressed"].any())
        ),
        alt_text=alt_text,
        axis_extent=0.5,
        config={"axis": {"labelFontSize": int(k.preset(preset).label * 0.8)}},
    )


def _period_start(period: pl.Expr) -> pl.Expr:
    """``2024-Q2`` → ``2024-04-01`` (an ISO date string, read as UTC by Vega)."""
    year = period.str.slice(0, 4)
    quarter = period.str.slice(6, 1).cast(pl.Int32)
    month = ((quarter - 1) * 3 + 1).cast(pl.String).str.zfill(2)
    return pl.concat_str([year, pl.lit("-"), month, pl.lit("-01")])


def case_types_over_time(
    df: pl.DataFrame, *, lang: str = "en", preset: str = "talk"
) -> alt.LayerChart:
    """Documented cases per quarter and case type, one line per type.

    Parameters
    ----------
    df
        ``period`` (``2024-Q1``), ``case_type``, ``n_cases``: cases of each type
        discovered in each period (``toolkit.indicators.case_types_by_period(book)``).

    Returns
    -------
    altair.LayerChart
        Lines with point shapes (readable in greyscale); quarters dated at their
        first day with month names in the chart's language. Counts 1–4, and the
        other cells of the same quarter that secondary suppression hides, leave a
        gap in their line.

    Notes
    -----
    Within a quarter the types partition the cases, so secondary suppression runs
    within each period (``by=["period"]``).

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"period": ["2024-Q1", "2024-Q2"], "case_type": ["deepfakes"] * 2,
    ...     "n_cases": [12, 20]})
    >>> table(case_types_over_time(df, lang="fr")).get_column("period_start").to_list()
    ['2024-01-01', '2024-04-01']
    """
    k.require(df, ["period", "case_type", "n_cases"], "case_types_over_time")
    d = df.select(
        pl.col("period").cast(pl.String),
        pl.col("case_type").cast(pl.String),
        pl.col("n_cases").cast(pl.Int64),
    ).filter(pl.col("period").is_not_null())
    d = k.suppress(d, ["n_cases"], by=["period"], secondary=True)
    order = {c: i for i, c in enumerate(tx.CASE_TYPES)}
    d = d.with_columns(
        period_start=_period_start(pl.col("period")),
        type_label=pl.col("case_type").replace_strict(
            {c: k.code_label("case_types", c, lang) for c in tx.CASE_TYPES}
        ),
    ).sort("period", pl.col("case_type").replace_strict(order))
    present = [c for c in tx.CASE_TYPES if c in set(d["case_type"])]
    domain = [k.code_label("case_types", c, lang) for c in present]
    colour = alt.Color(
        "type_label:N",
        title=k.text("case_types.legend", lang),
        scale=alt.Scale(domain=domain, range=list(k.OKABE_ITO[: len(domain)])),
        legend=alt.Legend(orient="right"),
    )
    x = alt.X(
        "period_start:T",
        title=k.text("case_types.x", lang),
        timeUnit="utcyearmonth",
        axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount={"interval": "month", "step": 3}),
        scale=alt.Scale(type="utc"),
    )
    y = alt.Y("n_cases:Q", title=k.text("case_types.y", lang), axis=alt.Axis(tickCount=6))
    lines = (
        alt.Chart()
        .mark_line(strokeWidth=4, invalid="break-paths-show-path-domains")
        .encode(x=x, y=y, color=colour)
    )
    points = (
        alt.Chart()
        .mark_point(filled=True, size=k.preset(preset).label * 9, opacity=1)
        .encode(x=x, y=y, color=colour, shape=alt.Shape("type_label:N", legend=None))
    )
    totals = (
        d.filter(~pl.col("n_cases_suppressed"))
        .group_by("case_type")
        .agg(pl.col("n_cases").sum())
        .sort("n_cases", "case_type", descending=[True, False])
    )
    periods = d.get_column("period").unique().sort().to_list()
    alt_text = k.text("case_types.alt", lang).format(
        first=periods[0] if periods else "–",
        last=periods[-1] if periods else "–",
        top=k.sep(lang).join(
            f"{k.code_label('case_types', c, lang)} ({k.fmt_int(n, lang)})"
            for c, n in totals.head(3).rows()
        )
        or k.text("common.none", lang),
    )
    return k.finish(
        [lines, points],
        d,
        figure="case_types_over_time",
        lang=lang,
        preset_name=preset,
        title=k.text("case_types.title", lang),
        subtitle=k.subtitle_with_note(
            k.text("case_types.subtitle", lang), lang, bool(d["n_cases_suppressed"].any())
        ),
        alt_text=alt_text,
        axis_extent=3.2,
    )


def triage_tiers(df: pl.DataFrame, *, lang: str = "en", preset: str = "talk") -> alt.LayerChart:
    """Cases per triage tier (urgent, high, standard).

    Parameters
    ----------
    df
        ``toolkit.triage.assess(book)``: one row per case with ``case_id`` and ``tier``.

    Returns
    -------
    altair.LayerChart
        One bar per tier in the severity colours, with count and share. Its table:
        ``tier``, ``n_cases``, ``share`` and the suppression columns (no case ids).

    Notes
    -----
    The tiers partition the cases and the total is published, so secondary
    suppression applies: one hidden tier always comes with a second.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"case_id": [f"C{i:03d}" for i in range(12)],
    ...     "tier": ["urgent"] * 6 + ["standard"] * 6})
    >>> table(triage_tiers(df)).select("tier", "n_cases").rows()
    [('urgent', 6), ('high', 0), ('standard', 6)]
    """
    k.require(df, ["case_id", "tier"], "triage_tiers")
    tiers = list(k.TIER_SEVERITY)
    counts = (
        pl.DataFrame({"tier": tiers})
        .join(
            df.group_by(pl.col("tier").cast(pl.String)).agg(n_cases=pl.len()),
            on="tier",
            how="left",
        )
        .with_columns(pl.col("n_cases").fill_null(0).cast(pl.Int64))
    )
    total = df.height
    counts = counts.with_columns(share=pl.col("n_cases") / max(total, 1))
    d = k.suppress(counts, ["n_cases"], secondary=True, hide={"n_cases": ["share"]})
    d = d.with_columns(
        tier_label=pl.col("tier").replace_strict({t: k.text(f"tier.{t}", lang) for t in tiers}),
        severity_label=pl.col("tier").replace_strict(
            {t: k.text(f"severity.{s}", lang) for t, s in k.TIER_SEVERITY.items()}
        ),
        value_label=pl.col("n_cases").map_elements(
            lambda n: k.fmt_int(n, lang), return_dtype=pl.String, skip_nulls=False
        ),
    ).sort(pl.col("tier").replace_strict({t: i for i, t in enumerate(tiers)}))
    y = alt.Y("tier_label:N", sort=[k.text(f"tier.{t}", lang) for t in tiers], title=None)
    bars = (
        alt.Chart()
        .mark_bar(stroke=k.INK, strokeWidth=0.5)
        .encode(
            y=y,
            x=alt.X("n_cases:Q", title=k.text("triage.x", lang)),
            color=alt.Color("severity_label:N", scale=_severity_scale(lang), legend=None),
        )
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=8, fontWeight="bold")
        .encode(y=y, x=alt.X("n_cases:Q"), text="value_label:N")
    )
    labels_hidden = (
        alt.Chart()
        .transform_filter("datum.n_cases_suppressed")
        .mark_text(align="left", dx=8, color="#555555")
        .encode(y=y, x=alt.datum(0), text="value_label:N")
    )
    parts = k.sep(lang).join(
        f"{k.text(f'tier.{t}', lang)} {disp}"
        + (f" ({k.fmt_pct(s, lang)})" if s is not None else "")
        for t, disp, s in d.select("tier", "value_label", "share").rows()
    )
    alt_text = k.text("triage.alt", lang).format(total=k.fmt_int(total, lang), parts=parts)
    return k.finish(
        [bars, labels, labels_hidden],
        d,
        figure="triage_tiers",
        lang=lang,
        preset_name=preset,
        title=k.text("triage.title", lang),
        subtitle=k.subtitle_with_note(
            k.text("triage.subtitle", lang), lang, bool(d["n_cases_suppressed"].any())
        ),
        alt_text=alt_text,
    )


table = k.table
