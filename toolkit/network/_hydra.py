"""The hydra: spaces that reappear after a takedown, and what early removal would change."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import polars as pl
from scipy import stats

from toolkit.model import CaseBook
from toolkit.network import _sparse
from toolkit.network._graph import case_timeline

__all__ = [
    "SCENARIOS",
    "band_transitions",
    "counterfactual_early_removal",
    "hydra_summary",
    "lineages",
]

_LINEAGE_SCHEMA = {
    "lineage_id": pl.Int64,
    "case_id": pl.String,
    "parent_id": pl.String,
    "generation": pl.Int64,
    "days_after_takedown": pl.Int64,
    "documented": pl.Boolean,
}


def _reappearance_links(book: CaseBook) -> pl.DataFrame:
    """parent_id, case_id, day: one parent per successor (earliest referral wins)."""
    return (
        book.referrals.lazy()
        .filter(pl.col("kind") == "reappearance")
        .select(
            pl.col("source_id").alias("parent_id"),
            pl.col("target_id").alias("case_id"),
            pl.col("day").cast(pl.Int64),
        )
        # A successor claimed by several parents keeps the earliest link (unknown day
        # last, then smallest parent code) so that lineages stay trees.
        .sort(["case_id", "day", "parent_id"], nulls_last=True)
        .group_by("case_id", maintain_order=True)
        .first()
        .sort("case_id")
        .collect()
    )


def lineages(book: CaseBook) -> pl.DataFrame:
    """Chains of reappearances: which space came back as which, generation by generation.

    Parameters
    ----------
    book
        A CaseBook.

    Returns
    -------
    polars.DataFrame
        One row per member of a lineage (a root and every successor), sorted by
        ``lineage_id``, ``generation``, ``case_id``:

        - ``lineage_id`` (int, from 1, in order of the root's case code);
        - ``case_id`` (str), ``parent_id`` (str, null for the root);
        - ``generation`` (int, 0 for the root);
        - ``days_after_takedown`` (int): day of the reappearance referral minus the
          parent's first takedown day, both in the parent's day frame (null when a day
          is unknown or the parent has no takedown event);
        - ``documented`` (bool): the successor is a case of the book.

    Notes
    -----
    A link parent → successor is a referral of kind ``reappearance``. A successor named
    by several parents keeps the earliest link. A root is a parent that is nobody's
    successor; should links form a cycle, its smallest case code is taken as the root.
    ``reappeared`` events without a referral name no successor and so add no row (they
    count in ``hydra_summary``).

    Examples
    --------
    >>> import polars as pl
    >>> from toolkit.model import CaseBook
    >>> refs = pl.DataFrame({"source_id": ["AA1", "BB2"], "target_id": ["BB2", "CC3"],
    ...     "kind": ["reappearance"] * 2, "day": [30, 12]})
    >>> lineages(CaseBook.from_frames(referrals=refs)).select(
    ...     "case_id", "parent_id", "generation").rows()
    [('AA1', None, 0), ('BB2', 'AA1', 1), ('CC3', 'BB2', 2)]
    """
    book = book.collect()
    links = _reappearance_links(book)
    if links.is_empty():
        return pl.DataFrame(schema=_LINEAGE_SCHEMA)
    children: dict[str, list[str]] = defaultdict(list)
    parent_of: dict[str, str] = {}
    for parent, child in links.select("parent_id", "case_id").iter_rows():
        children[parent].append(child)
        parent_of[child] = parent
    for kids in children.values():
        kids.sort()
    members = sorted(set(parent_of) | set(children))
    roots = [m for m in members if m not in parent_of]
    rows: list[tuple[int, str, str | None, int]] = []
    seen: set[str] = set()

    def walk(root: str, lineage: int) -> None:
        stack = [(root, None, 0)]
        while stack:
            node, parent, gen = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            rows.append((lineage, node, parent, gen))
            stack.extend((kid, node, gen + 1) for kid in reversed(children.get(node, [])))

    n_lineages = 0
    for root in roots:
        n_lineages += 1
        walk(root, n_lineages)
    for m in members:  # cycles with no root: break them at their smallest code
        if m not in seen:
            n_lineages += 1
            walk(m, n_lineages)
    out = pl.DataFrame(
        rows, schema=["lineage_id", "case_id", "parent_id", "generation"], orient="row"
    ).cast({"lineage_id": pl.Int64, "generation": pl.Int64, "parent_id": pl.String})
    takedown = case_timeline(book).select(
        pl.col("case_id").alias("parent_id"), pl.col("takedown_day").cast(pl.Int64)
    )
    documented = book.cases.select("case_id", pl.lit(True).alias("documented"))
    return (
        out.join(
            links.select("case_id", "parent_id", "day"), on=["case_id", "parent_id"], how="left"
        )
        .join(takedown, on="parent_id", how="left")
        .join(documented, on="case_id", how="left")
        .with_columns(
            (pl.col("day") - pl.col("takedown_day")).alias("days_after_takedown"),
            pl.col("documented").fill_null(False),
        )
        .select(list(_LINEAGE_SCHEMA))
        .cast(_LINEAGE_SCHEMA)
        .sort("lineage_id", "generation", "case_id")
    )


def _respawns(book: CaseBook) -> pl.DataFrame:
    """Per taken-down case: respawned (bool) and days_to_respawn (first successor)."""
    timeline = case_timeline(book).filter(pl.col("takedown_day").is_not_null())
    via_referral = (
        book.referrals.lazy()
        .filter(pl.col("kind") == "reappearance")
        .group_by(pl.col("source_id").alias("case_id"))
        .agg(pl.col("day").min().alias("ref_day"), pl.len().alias("n_ref"))
        .collect()
    )
    return (
        timeline.join(via_referral, on="case_id", how="left")
        .with_columns(
            (pl.col("n_ref").is_not_null() | pl.col("reappeared_day").is_not_null()).alias(
                "respawned"
            ),
            (
                pl.min_horizontal("ref_day", "reappeared_day").cast(pl.Int64)
                - pl.col("takedown_day")
            ).alias("days_to_respawn"),
        )
        .select("case_id", "respawned", "days_to_respawn")
        .sort("case_id")
    )


def hydra_summary(book: CaseBook, *, confidence: float = 0.95) -> pl.DataFrame:
    """How often taken-down spaces come back, how fast, and how long the chains grow.

    Parameters
    ----------
    book
        A CaseBook.
    confidence
        Level of the respawn-rate interval.

    Returns
    -------
    polars.DataFrame
        One row: ``n_taken_down``, ``n_respawned`` (int), ``respawn_rate``,
        ``respawn_rate_low``, ``respawn_rate_high`` (float, Wilson interval; null when
        nothing was taken down), ``median_days_to_respawn`` (float),
        ``max_depth`` (int, largest generation in ``lineages``), ``n_lineages`` (int).

    Notes
    -----
    respawn rate = (taken-down cases with at least one successor) / (taken-down cases),
    where a case has a successor when it has a ``reappearance`` referral or a
    ``reappeared`` event. Its interval is the Wilson score interval [1]_
    (``scipy.stats.binomtest(...).proportion_ci(method="wilson")``). Time to respawn
    = day of the first successor (referral or event, parent's frame) − the parent's
    first takedown day; the median is over respawned cases with known days.

    Member carry-over is reported only as band transitions (``band_transitions``),
    never per person.

    References
    ----------
    .. [1] Wilson (1927), "Probable inference, the law of succession, and statistical
       inference", JASA 22(158).

    Examples
    --------
    >>> from toolkit.network._toy import toy_book
    >>> book = toy_book([("AA1", "BB2", "reappearance", 16)],
    ...     [("AA1", 0, "discovered"), ("AA1", 1, "reported_platform"), ("AA1", 9, "takedown")])
    >>> s = hydra_summary(book)
    >>> s.select("n_taken_down", "n_respawned", "median_days_to_respawn", "max_depth").row(0)
    (1, 1, 7.0, 1)
    """
    book = book.collect()
    resp = _respawns(book)
    n = resp.height
    k = int(resp.get_column("respawned").sum())
    low = high = rate = None
    if n:
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
        rate, low, high = k / n, float(ci.low), float(ci.high)
    delays = resp.filter(pl.col("respawned")).get_column("days_to_respawn").drop_nulls()
    lin = lineages(book)
    return pl.DataFrame(
        {
            "n_taken_down": [n],
            "n_respawned": [k],
            "respawn_rate": [rate],
            "respawn_rate_low": [low],
            "respawn_rate_high": [high],
            "median_days_to_respawn": [float(delays.median()) if delays.len() else None],
            "max_depth": [int(lin.get_column("generation").max()) if lin.height else 0],
            "n_lineages": [lin.get_column("lineage_id").n_unique() if lin.height else 0],
        },
        schema={
            "n_taken_down": pl.Int64,
            "n_respawned": pl.Int64,
            "respawn_rate": pl.Float64,
            "respawn_rate_low": pl.Float64,
            "respawn_rate_high": pl.Float64,
            "median_days_to_respawn": pl.Float64,
            "max_depth": pl.Int64,
            "n_lineages": pl.Int64,
        },
    )


def band_transitions(book: CaseBook) -> pl.DataFrame:
    """Member carry-over in aggregate: parent's members band → successor's members band.

    Parameters
    ----------
    book
        A CaseBook.

    Returns
    -------
    polars.DataFrame
        ``parent_band``, ``child_band`` (str, ``unknown`` when missing), ``n`` (int,
        number of parent → documented successor links), sorted by the two bands. Counts
        of 1 to 4 must be suppressed before publication
        (``toolkit.privacy.suppress_small_counts``).

    Notes
    -----
    Never per person: only the coarse size band of each space is compared.

    Examples
    --------
    >>> import polars as pl
    >>> from toolkit.model import CaseBook
    >>> band_transitions(CaseBook.from_frames()).columns
    ['parent_band', 'child_band', 'n']
    """
    book = book.collect()
    lin = lineages(book).filter(pl.col("parent_id").is_not_null() & pl.col("documented"))
    bands = book.cases.select("case_id", pl.col("members_band").cast(pl.String))
    return (
        lin.select("case_id", "parent_id")
        .join(
            bands.rename({"case_id": "parent_id", "members_band": "parent_band"}),
            on="parent_id",
            how="left",
        )
        .join(bands.rename({"members_band": "child_band"}), on="case_id", how="left")
        .with_columns(pl.col("parent_band", "child_band").fill_null("unknown"))
        .group_by("parent_band", "child_band")
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .sort("parent_band", "child_band")
    )


#: Scenarios of ``counterfactual_early_removal``: successors still appear (shifted
#: earlier), or early removal also prevents every reappearance dated after the report.
SCENARIOS = ("respawns_continue", "respawns_prevented")
_METRICS = ("spaces", "documented_spaces", "referrals", "successor_spaces")


def counterfactual_early_removal(book: CaseBook) -> pl.DataFrame:
    """What if every space had been removed on the day of its first report?

    Parameters
    ----------
    book
        A CaseBook.

    Returns
    -------
    polars.DataFrame
        Two scenarios × four metrics, sorted in the order below: ``scenario``
        (``respawns_continue``, ``respawns_prevented``), ``metric`` (``spaces``,
        ``documented_spaces``, ``referrals``, ``successor_spaces``), ``observed``,
        ``counterfactual``, ``lost`` (int) and ``share_lost`` (float).

    Notes
    -----
    1. Every referral a space made after its first report day (in its own day frame)
       is dropped: the space would have been gone. Referrals with an unknown day, and
       those of spaces never reported, are kept (we cannot tell).
    2. Reappearances: in ``respawns_continue`` a removed space still comes back (only
       earlier), so ``reappearance`` links are kept; in ``respawns_prevented`` they are
       dropped like any other late referral. The data cannot say which is true: the two
       scenarios bound what early removal would have prevented.
    3. A documented space that is not a successor exists in any case (it was found on
       its own; we cannot tell whether a referral created it). An undocumented space
       exists only if a kept referral from an existing space points to it; a successor
       only if its kept reappearance link comes from an existing parent. Whatever is
       lost takes its own referrals and successors with it.
    4. ``referrals`` counts referral rows kept whose source exists; ``successor_spaces``
       counts the successors (targets of reappearance referrals) that still exist.

    This is a what-if on the recorded structure, not a causal estimate.

    Examples
    --------
    >>> import polars as pl
    >>> from toolkit.network._toy import toy_book
    >>> book = toy_book([("AA1", "XX1", "invitation", 1), ("AA1", "YY1", "invitation", 5)],
    ...     [("AA1", 0, "discovered"), ("AA1", 2, "reported_platform")])
    >>> cf = counterfactual_early_removal(book)
    >>> cf.filter(pl.col("metric") == "spaces").select("observed", "counterfactual").rows()
    [(3, 2), (3, 2)]
    """
    book = book.collect()
    timeline = case_timeline(book).select("case_id", "first_report_day")
    refs = book.referrals.join(
        timeline.rename({"case_id": "source_id"}), on="source_id", how="left"
    ).with_columns(
        (
            pl.col("day").is_null()
            | pl.col("first_report_day").is_null()
            | (pl.col("day") <= pl.col("first_report_day"))
        ).alias("in_time"),
        (pl.col("kind") == "reappearance").alias("is_reappearance"),
    )
    documented = book.cases.get_column("case_id")
    everyone = pl.concat([documented, refs.get_column("target_id")]).unique()
    successors = set(refs.filter(pl.col("is_reappearance")).get_column("target_id").to_list())
    documented_set = set(documented.to_list())
    rows = []
    for scenario in SCENARIOS:
        kept = refs.filter(
            (pl.col("in_time") | (pl.col("is_reappearance") & (scenario == "respawns_continue")))
            # a successor is entered only through its reappearance link
            & (pl.col("is_reappearance") | ~pl.col("target_id").is_in(list(successors)))
        )
        graph = _sparse.EdgeList.from_referrals(kept, extra_nodes=everyone)
        origin = np.isin(graph.nodes, sorted(documented_set - successors))
        exists = origin | _sparse.reachable(graph.adjacency(weighted=False), origin)
        alive = set(graph.nodes[exists].tolist())
        n_refs = refs.filter(
            pl.col("in_time") | (pl.col("is_reappearance") & (scenario == "respawns_continue"))
        ).filter(pl.col("source_id").is_in(list(alive)))
        rows += [
            (scenario, "spaces", graph.n, len(alive)),
            (scenario, "documented_spaces", len(documented_set), len(alive & documented_set)),
            (scenario, "referrals", refs.height, n_refs.height),
            (scenario, "successor_spaces", len(successors), len(alive & successors)),
        ]
    return (
        pl.DataFrame(
            rows,
            schema={
                "scenario": pl.String,
                "metric": pl.String,
                "observed": pl.Int64,
                "counterfactual": pl.Int64,
            },
            orient="row",
        )
        .with_columns((pl.col("observed") - pl.col("counterfactual")).alias("lost"))
        .with_columns(
            pl.when(pl.col("observed") > 0)
            .then(pl.col("lost") / pl.col("observed"))
            .otherwise(0.0)
            .alias("share_lost")
        )
    )
