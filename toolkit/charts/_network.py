"""Figures of the referral network and the hydra (``toolkit.network``)."""

from __future__ import annotations

import altair as alt
import networkx as nx
import numpy as np
import polars as pl

from toolkit.charts import _kit as k

__all__ = ["dismantling", "hydra_lineages", "network_layout", "referral_network"]

#: Communities drawn in their own colour; the others share a grey.
MAX_COMMUNITIES = 7
#: Up to this many nodes the layout runs networkx's dense Fruchterman–Reingold.
DENSE_LAYOUT_MAX_NODES = 4000
#: Lineages drawn in the hydra figure (the longest ones).
MAX_LINEAGES = 30
#: Points kept per dismantling curve (the curve is thinned evenly above that).
MAX_CURVE_POINTS = 101


def network_layout(
    G: nx.Graph,
    *,
    seed: int = 0,
    iterations: int = 50,
    groups: dict[str, int] | None = None,
    group_pull: float = 4.0,
) -> pl.DataFrame:
    """Seeded force-directed positions of the nodes of a referral graph.

    Parameters
    ----------
    G
        A graph (``toolkit.network.referral_graph(book)``); direction is ignored.
    seed
        Seed of the initial positions: the same seed draws the same map.
    iterations
        Fruchterman–Reingold iterations.
    groups, group_pull
        Optional community of each node: edges inside a community pull
        ``group_pull`` times harder, so communities appear as visible clusters.

    Returns
    -------
    polars.DataFrame
        ``node``, ``x``, ``y`` (in [-1, 1], rounded to 1e-4 so files are byte-stable),
        sorted by ``node``.

    Notes
    -----
    Fruchterman & Reingold (1991), "Graph drawing by force-directed placement",
    Software: Practice and Experience 21(11). ``networkx.spring_layout`` switches to a
    per-node Python loop above 500 nodes (about 4 s for the default data), so up to
    ``DENSE_LAYOUT_MAX_NODES`` we call the dense, vectorised variant of the same
    networkx algorithm on a node list sorted by name (a stable order whatever the
    graph's insertion order), then rescale as ``spring_layout`` does.

    Examples
    --------
    >>> import networkx as nx
    >>> pos = network_layout(nx.path_graph(["A1B", "C2D", "E3F"]), seed=1)
    >>> pos.columns, pos.height
    (['node', 'x', 'y'], 3)
    """
    nodes = sorted(G.nodes, key=str)
    if not nodes:
        return pl.DataFrame(schema={"node": pl.String, "x": pl.Float64, "y": pl.Float64})
    U = nx.Graph()
    U.add_nodes_from(nodes)
    U.add_edges_from(sorted((u, v) for u, v in G.edges() if u != v))
    if len(nodes) <= DENSE_LAYOUT_MAX_NODES:
        from networkx.drawing.layout import _fruchterman_reingold, rescale_layout

        A = nx.to_numpy_array(U, nodelist=nodes, weight=None)
        if groups:
            g = np.array([groups.get(str(n), -1 - i) for i, n in enumerate(nodes)])
            A = np.where(g[:, None] == g[None, :], A * group_pull, A)
        pos = _fruchterman_reingold(
            A, iterations=iterations, dim=2, seed=np.random.RandomState(seed)
        )
        pos = rescale_layout(pos, scale=1)
    else:
        p = nx.spring_layout(U, seed=seed, iterations=iterations)
        pos = np.array([p[n] for n in nodes])
    return pl.DataFrame(
        {
            "node": [str(n) for n in nodes],
            "x": np.round(pos[:, 0], 4),
            "y": np.round(pos[:, 1], 4),
        }
    )


def referral_network(
    G: nx.DiGraph,
    centrality: pl.DataFrame,
    *,
    layout: pl.DataFrame | None = None,
    seed: int = 0,
    lang: str = "en",
    preset: str = "talk",
) -> alt.LayerChart:
    """Map of the referral network: hubs and communities visible, no labels at all.

    Parameters
    ----------
    G
        ``toolkit.network.referral_graph(book)`` (for its edges).
    centrality
        ``toolkit.network.centrality(G)``: ``node``, ``pagerank``, ``community``,
        ``role`` (``hub`` marks a hub).
    layout
        Positions from ``network_layout(G, seed=...)``; computed here when not given
        (pass it to draw several languages or presets from one layout).
    seed
        Layout seed when ``layout`` is not given.

    Returns
    -------
    altair.LayerChart
        Edges as thin lines, spaces as dots sized by PageRank, coloured by community
        (the ``MAX_COMMUNITIES`` largest; the rest grey), hubs ringed in black. Its
        table holds positions, community, role and PageRank, and no node name: the
        published map cannot point at a space.

    Notes
    -----
    A picture of structure, not a measurement: distances in a force-directed layout
    have no unit. Communities and roles are those of ``toolkit.network.centrality``.

    Examples
    --------
    >>> import networkx as nx, polars as pl
    >>> G = nx.DiGraph([("HUB1", f"S{i}X") for i in range(6)])
    >>> cen = pl.DataFrame({"node": ["HUB1"] + [f"S{i}X" for i in range(6)],
    ...     "pagerank": [0.4] + [0.1] * 6, "community": [0] * 7, "weak_component": [0] * 7,
    ...     "role": ["hub"] + ["downstream"] * 6})
    >>> "node" in table(referral_network(G, cen, seed=1)).columns
    False
    """
    k.require(
        centrality, ["node", "pagerank", "community", "role", "weak_component"], "referral_network"
    )
    # Only the largest connected group is drawn: small detached groups would push it
    # into the middle of the page. The alt text gives both sizes.
    giant = centrality.filter(pl.col("weak_component") == 0)
    if layout is None:
        layout = network_layout(
            G.subgraph(giant.get_column("node").to_list()),
            seed=seed,
            groups=dict(giant.select(pl.col("node").cast(pl.String), "community").iter_rows()),
        )
    pos = layout
    nodes = (
        giant.select(pl.col("node").cast(pl.String), "pagerank", "community", "role")
        .join(pos, on="node", how="inner")
        .sort("node")
    )
    sizes = nodes.group_by("community").len().sort(["len", "community"], descending=[True, False])
    shown = sizes.get_column("community").head(MAX_COMMUNITIES).to_list()
    other = k.text("network.other", lang)
    name = {c: f"{k.text('network.community', lang)} {i + 1}" for i, c in enumerate(shown)}
    nodes = nodes.with_columns(
        community_label=pl.col("community").map_elements(
            lambda c: name.get(c, other), return_dtype=pl.String
        ),
        hub=pl.col("role") == "hub",
        element=pl.lit("node"),
    )
    xy = dict(
        zip(
            pos["node"].to_list(),
            zip(pos["x"].to_list(), pos["y"].to_list(), strict=True),
            strict=True,
        )
    )
    edges = sorted(
        {(str(u), str(v)) for u, v in G.edges() if u != v and str(u) in xy and str(v) in xy}
    )
    edge_frame = pl.DataFrame(
        {
            "element": ["edge"] * len(edges),
            "x": [xy[u][0] for u, _ in edges],
            "y": [xy[u][1] for u, _ in edges],
            "x2": [xy[v][0] for _, v in edges],
            "y2": [xy[v][1] for _, v in edges],
        },
        schema={
            "element": pl.String,
            "x": pl.Float64,
            "y": pl.Float64,
            "x2": pl.Float64,
            "y2": pl.Float64,
        },
    )
    # Hubs are drawn last so their ring stays on top; no column names a node.
    node_frame = nodes.sort("hub", "pagerank", "x", "y").select(
        "element", "x", "y", "community", "community_label", "role", "hub", "pagerank"
    )
    d = pl.concat([edge_frame, node_frame], how="diagonal_relaxed")
    domain = [name[c] for c in shown] + ([other] if len(sizes) > len(shown) else [])
    scale = alt.Scale(domain=domain, range=[*k.OKABE_ITO[: len(shown)], "#AAAAAA"])
    axis_off = alt.Axis(title=None, labels=False, ticks=False, domain=False, grid=False)
    x = alt.X("x:Q", axis=axis_off, scale=alt.Scale(domain=[-1.05, 1.05], nice=False))
    y = alt.Y("y:Q", axis=axis_off, scale=alt.Scale(domain=[-1.05, 1.05], nice=False))
    lines = (
        alt.Chart()
        .transform_filter("datum.element === 'edge'")
        .mark_rule(color="#9A9A9A", strokeWidth=0.8, opacity=0.45)
        .encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    )
    p = k.preset(preset)
    dots = (
        alt.Chart()
        .transform_filter("datum.element === 'node'")
        .mark_circle(opacity=0.95)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "community_label:N",
                scale=scale,
                title=k.text("network.community", lang),
                legend=alt.Legend(orient="right"),
            ),
            size=alt.Size(
                "pagerank:Q", scale=alt.Scale(range=[p.label * 2, p.label * 40]), legend=None
            ),
        )
    )
    rings = (
        alt.Chart()
        .transform_filter("datum.element === 'node' && datum.hub")
        .mark_point(shape="circle", color="black", strokeWidth=3, filled=False, opacity=1)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "pagerank:Q", scale=alt.Scale(range=[p.label * 6, p.label * 60]), legend=None
            ),
        )
    )
    counts = pl.DataFrame(
        {
            "n_nodes": [centrality.height],
            "n_drawn": [nodes.height],
            "n_edges": [len(edges)],
            "n_communities": [sizes.height],
            "n_hubs": [int(nodes.get_column("hub").sum())],
        }
    )
    # Counts of spaces are suppressed; the number of communities counts groups, not spaces.
    counts = k.suppress(counts, ["n_nodes", "n_drawn", "n_edges", "n_hubs"], secondary=False)
    counts = counts.with_columns(
        n_communities_display=pl.col("n_communities").cast(pl.String),
        n_communities_suppressed=pl.lit(False),
    )
    alt_text = k.text("network.alt", lang).format(
        **{
            c: counts[f"{c}_display"][0]
            if counts[f"{c}_suppressed"][0]
            else k.fmt_int(counts[c][0], lang)
            for c in ["n_nodes", "n_drawn", "n_edges", "n_communities", "n_hubs"]
        }
    )
    return k.finish(
        [lines, dots, rings],
        d,
        figure="referral_network",
        dense=True,
        lang=lang,
        preset_name=preset,
        title=k.text("network.title", lang),
        subtitle=k.text("network.subtitle", lang),
        alt_text=alt_text,
        axis_extent=0.3,
    )


def hydra_lineages(
    df: pl.DataFrame, *, lang: str = "en", preset: str = "talk", max_lineages: int = MAX_LINEAGES
) -> alt.LayerChart:
    """Hydra lineages: each taken-down space and the successors that reappeared after it.

    Parameters
    ----------
    df
        ``toolkit.network.lineages(book)``: ``lineage_id``, ``case_id``,
        ``parent_id``, ``generation``, ``days_after_takedown``.
    max_lineages
        The longest lineages drawn (most generations, then most successors).

    Returns
    -------
    altair.LayerChart
        One row per lineage; each successor a dot at its delay after its parent's
        takedown, coloured (and shaped) by generation. Its table names no case: rows
        are numbered 1..n.

    Notes
    -----
    Delay = successor's first day − parent's takedown day, as ``lineages`` defines it;
    successors whose delay is unknown are counted in the alt text but not drawn.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"lineage_id": [1, 1, 1], "case_id": ["A1B", "C2D", "E3F"],
    ...     "parent_id": [None, "A1B", "C2D"], "generation": [0, 1, 2],
    ...     "days_after_takedown": [None, 4, 9]})
    >>> table(hydra_lineages(df)).select("lineage", "generation", "days_after_takedown").rows()
    [(1, 1, 4), (1, 2, 9)]
    """
    k.require(
        df,
        ["lineage_id", "case_id", "parent_id", "generation", "days_after_takedown"],
        "hydra_lineages",
    )
    stats = (
        df.group_by("lineage_id")
        .agg(depth=pl.col("generation").max(), size=pl.len())
        .sort(["depth", "size", "lineage_id"], descending=[True, True, False])
    )
    keep = stats.head(max_lineages).with_row_index("lineage", offset=1)
    succ = df.filter(pl.col("generation") > 0)
    d = (
        succ.join(keep.select("lineage_id", "lineage"), on="lineage_id", how="inner")
        .filter(pl.col("days_after_takedown").is_not_null())
        .select(
            pl.col("lineage").cast(pl.Int64),
            pl.col("generation").cast(pl.Int64),
            pl.col("days_after_takedown").cast(pl.Int64),
        )
        .sort("lineage", "generation", "days_after_takedown")
    )
    gens = sorted(d.get_column("generation").unique().to_list())
    gen_label = pl.col("generation").cast(pl.String)
    d = d.with_columns(generation_label=gen_label)
    domain = [str(g) for g in gens]
    y = alt.Y(
        "lineage:O",
        title=k.text("hydra.y", lang),
        axis=alt.Axis(labels=False, ticks=False),
        sort=list(range(1, keep.height + 1)),
    )
    x = alt.X("days_after_takedown:Q", title=k.text("hydra.x", lang), axis=alt.Axis(tickCount=10))
    lanes = (
        alt.Chart()
        .transform_aggregate(last="max(days_after_takedown)", groupby=["lineage"])
        .transform_calculate(start="0")
        .mark_rule(color="#BBBBBB", strokeWidth=2)
        .encode(y=y, x=alt.X("start:Q"), x2="last:Q")
    )
    p = k.preset(preset)
    dots = (
        alt.Chart()
        .mark_point(filled=True, opacity=1, size=p.label * 10, stroke=k.INK, strokeWidth=0.6)
        .encode(
            y=y,
            x=x,
            color=alt.Color(
                "generation_label:N",
                title=k.text("hydra.generation", lang),
                scale=alt.Scale(
                    domain=domain, range=[k.OKABE_ITO[i % 7] for i in range(len(domain))]
                ),
                sort=domain,
                legend=alt.Legend(orient="right"),
            ),
            # Same field and title as the colour: Vega-Lite merges the two legends.
            shape=alt.Shape(
                "generation_label:N",
                sort=domain,
                title=k.text("hydra.generation", lang),
                scale=alt.Scale(domain=domain),
            ),
        )
    )
    n_succ = succ.height
    delays = succ.get_column("days_after_takedown").drop_nulls()
    counts = pl.DataFrame({"n_lineages": [stats.height], "n_successors": [n_succ]})
    counts = k.suppress(counts, ["n_lineages", "n_successors"], secondary=False)
    alt_text = k.text("hydra.alt", lang).format(
        n_lineages=counts["n_lineages_display"][0]
        if counts["n_lineages_suppressed"][0]
        else k.fmt_int(stats.height, lang),
        n_successors=counts["n_successors_display"][0]
        if counts["n_successors_suppressed"][0]
        else k.fmt_int(n_succ, lang),
        max_gen=k.fmt_int(int(df.get_column("generation").max() or 0), lang),
        median=k.fmt_num(float(delays.median()), lang, 0) if delays.len() else "–",
    )
    return k.finish(
        [lanes, dots],
        d,
        figure="hydra_lineages",
        dense=True,
        lang=lang,
        preset_name=preset,
        title=k.text("hydra.title", lang),
        subtitle=k.text("hydra.subtitle", lang).format(shown=keep.height),
        alt_text=alt_text,
    )


def _strategy_label(strategy: str, adaptive: bool, lang: str) -> str:
    base = k.text(f"strategy.{strategy}", lang)
    if strategy == "random":
        return base
    return f"{base}, {k.text('dismantling.adaptive' if adaptive else 'dismantling.static', lang)}"


def dismantling(df: pl.DataFrame, *, lang: str = "en", preset: str = "talk") -> alt.LayerChart:
    """Dismantling robustness curves: largest component as spaces are removed, by strategy.

    Parameters
    ----------
    df
        Rows of ``toolkit.network.dismantle(G, strategy=..., adaptive=...)`` for several
        strategies, concatenated: ``strategy``, ``adaptive``, ``fraction_removed``,
        ``largest_component``, ``robustness``.

    Returns
    -------
    altair.LayerChart
        One curve per strategy and mode (colour per strategy, dashed when static),
        the legend giving R. Curves are thinned evenly to ``MAX_CURVE_POINTS`` points.

    Notes
    -----
    S(q) = largest weakly connected component after removing a fraction q of the
    spaces, over the original size; robustness R = (1/N) Σ_q S(q) (Schneider et al.,
    PNAS 108, 2011). Smaller R means the strategy breaks the network faster.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"strategy": ["random"] * 3, "adaptive": [False] * 3,
    ...     "fraction_removed": [0.0, 0.5, 1.0], "largest_component": [1.0, 0.4, 0.0],
    ...     "robustness": [0.2] * 3})
    >>> table(dismantling(df)).get_column("strategy_label").unique().to_list()
    ['Random (R = 0.20)']
    """
    cols = ["strategy", "adaptive", "fraction_removed", "largest_component", "robustness"]
    k.require(df, cols, "dismantling")
    d = df.select(cols).with_columns(pl.col("strategy").cast(pl.String))
    d = d.sort("strategy", "adaptive", "fraction_removed")
    idx = pl.int_range(pl.len()).over("strategy", "adaptive")
    n = pl.len().over("strategy", "adaptive")
    step = (n / MAX_CURVE_POINTS).ceil().cast(pl.Int64).clip(lower_bound=1)
    d = d.filter((idx % step == 0) | (idx == n - 1))
    combos = (
        d.group_by("strategy", "adaptive")
        .agg(pl.col("robustness").first())
        .sort("robustness", "strategy", "adaptive")
    )
    names = {
        (s, a): f"{_strategy_label(s, a, lang)} (R = {k.fmt_num(r, lang, 2)})"
        for s, a, r in combos.rows()
    }
    d = d.with_columns(
        strategy_label=pl.struct("strategy", "adaptive").map_elements(
            lambda r: names[(r["strategy"], r["adaptive"])], return_dtype=pl.String
        ),
    )
    strategies = list(dict.fromkeys(s for s, _, _ in combos.rows()))
    colour_of = {
        s: k.OKABE_ITO[i % 8] for i, s in enumerate(sorted(strategies, key=_strategy_rank))
    }
    domain = [names[(s, a)] for s, a, _ in combos.rows()]
    colour = alt.Color(
        "strategy_label:N",
        title=k.text("dismantling.legend", lang),
        scale=alt.Scale(domain=domain, range=[colour_of[s] for s, _, _ in combos.rows()]),
        sort=domain,
        legend=alt.Legend(orient="top-right", symbolStrokeWidth=4),
    )
    # In greyscale the colours blur, so each strategy also has its own dash pattern and
    # adaptive attacks are drawn thicker than static ones.
    dash = alt.StrokeDash(
        "strategy_label:N",
        scale=alt.Scale(
            domain=domain, range=[_DASHES[_strategy_rank(s)[0]] for s, _, _ in combos.rows()]
        ),
        legend=None,
    )
    width = alt.StrokeWidth(
        "strategy_label:N",
        scale=alt.Scale(domain=domain, range=[4.5 if a else 2.5 for _, a, _ in combos.rows()]),
        legend=None,
    )
    lines = (
        alt.Chart()
        .mark_line()
        .encode(
            strokeWidth=width,
            x=alt.X(
                "fraction_removed:Q",
                title=k.text("dismantling.x", lang),
                axis=alt.Axis(format=".0%"),
            ),
            y=alt.Y(
                "largest_component:Q",
                title=k.text("dismantling.y", lang),
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=colour,
            strokeDash=dash,
            detail="strategy_label:N",
        )
    )
    parts = [
        k.text("dismantling.alt_part", lang).format(
            strategy=_strategy_label(s, a, lang), r=k.fmt_num(r, lang, 2)
        )
        for s, a, r in combos.rows()
    ]
    best = combos.row(0) if combos.height else None
    alt_text = k.text("dismantling.alt", lang).format(
        parts=k.sep(lang).join(parts),
        best=_strategy_label(best[0], best[1], lang) if best else "–",
    )
    return k.finish(
        [lines],
        d.select(
            "strategy",
            "adaptive",
            "strategy_label",
            "fraction_removed",
            "largest_component",
            "robustness",
        ),
        figure="dismantling",
        dense=True,
        lang=lang,
        preset_name=preset,
        title=k.text("dismantling.title", lang),
        subtitle=k.text("dismantling.subtitle", lang),
        alt_text=alt_text,
    )


_DASHES: tuple[list[int], ...] = (
    [1, 0],  # random
    [16, 4, 4, 4],  # degree
    [12, 6],  # in-degree
    [3, 4],  # PageRank
    [12, 4, 3, 4],  # betweenness
    [6, 3],  # collective influence
    [1, 0],  # anything else
)


def _strategy_rank(strategy: str) -> tuple[int, str]:
    known = ["random", "degree", "in_degree", "pagerank", "betweenness", "collective_influence"]
    return (known.index(strategy) if strategy in known else len(known), strategy)


table = k.table
