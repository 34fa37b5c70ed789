"""Centrality, components, communities and roles of the referral graph."""

from __future__ import annotations

import networkx as nx
import numpy as np
import polars as pl
import scipy.sparse as sp

from toolkit.network import _sparse
from toolkit.network._sparse import EdgeList

__all__ = [
    "HUB_MIN_COMMUNITIES",
    "HUB_MIN_OUT_DEGREE",
    "HUB_MIN_Z",
    "ROLES",
    "centrality",
]

#: A hub refers out into at least this many distinct communities (its own included).
#: Three means "beyond its own community and one neighbour", the smallest number at which
#: a space acts as a directory rather than a bridge between two groups.
HUB_MIN_COMMUNITIES = 3
#: ... and to at least this many distinct spaces: a directory lists many spaces, while an
#: ordinary space with a handful of referrals can touch three communities by chance.
HUB_MIN_OUT_DEGREE = 10
#: ... and its out-degree is an outlier: z-score ≥ 2.5 among documented spaces, the
#: threshold Guimerà & Amaral (2005) use for hubs' within-module degree.
HUB_MIN_Z = 2.5
#: Role codes, most specific first.
ROLES = ("hub", "core", "upstream", "downstream", "peripheral")
#: Above this many nodes betweenness is sampled (Brandes & Pich 2007) instead of exact.
EXACT_BETWEENNESS_MAX_NODES = 1000
BETWEENNESS_SAMPLES = 256


def _undirected_weighted(edges: EdgeList) -> nx.Graph:
    """Undirected view with weights summed over both directions (u→v and v→u)."""
    H = nx.Graph()
    H.add_nodes_from(range(edges.n))
    A = edges.adjacency(weighted=True)
    S = sp.triu(A + A.T, format="coo")
    H.add_weighted_edges_from(zip(S.row.tolist(), S.col.tolist(), S.data.tolist(), strict=True))
    return H


def communities(edges: EdgeList, *, seed: int = 0, resolution: float = 1.0) -> np.ndarray:
    """Seeded Louvain communities on the undirected weighted view, renumbered.

    Numbered by size (largest first), then by smallest node label.
    """
    if edges.n == 0:
        return np.zeros(0, dtype=np.int64)
    H = _undirected_weighted(edges)
    parts = nx.community.louvain_communities(H, weight="weight", resolution=resolution, seed=seed)
    raw = np.empty(edges.n, dtype=np.int64)
    for k, part in enumerate(parts):
        raw[list(part)] = k
    return _sparse.renumber(raw)


def bowtie(edges: EdgeList, strong: np.ndarray) -> np.ndarray:
    """Bow-tie position of each node: core, upstream, downstream or peripheral.

    The core is the largest strongly connected component (component 0 after
    renumbering) when it has at least two nodes; otherwise there is no core and every
    node is peripheral.
    """
    out = np.full(edges.n, "peripheral", dtype=object)
    if edges.n == 0:
        return out
    core = strong == 0
    if core.sum() < 2:
        return out
    A = edges.adjacency(weighted=False)
    downstream = _sparse.reachable(A, core) & ~core
    upstream = _sparse.reachable(A.T.tocsr(), core) & ~core
    out[core] = "core"
    out[upstream] = "upstream"
    out[downstream] = "downstream"
    return out


def centrality(
    G: nx.DiGraph,
    *,
    exact_betweenness_max_nodes: int = EXACT_BETWEENNESS_MAX_NODES,
    betweenness_samples: int = BETWEENNESS_SAMPLES,
    hub_min_communities: int = HUB_MIN_COMMUNITIES,
    hub_min_out_degree: int = HUB_MIN_OUT_DEGREE,
    hub_min_z: float | None = HUB_MIN_Z,
    seed: int = 0,
) -> pl.DataFrame:
    """Who matters in the referral network, and in what role.

    Parameters
    ----------
    G
        A referral graph (``referral_graph(book)``); the edge attribute ``weight``
        (number of referrals, default 1) weighs PageRank and communities.
    exact_betweenness_max_nodes
        Betweenness is exact up to this many nodes, sampled above it.
    betweenness_samples
        Number of pivot nodes ``k`` when betweenness is sampled.
    hub_min_communities, hub_min_out_degree, hub_min_z
        A node is a ``hub`` when its out-neighbours span at least ``hub_min_communities``
        communities (default 3), number at least ``hub_min_out_degree`` (default 10),
        and its out-degree has a z-score of at least ``hub_min_z`` (default 2.5; None to
        drop this rule) among documented spaces.
    seed
        Seed of the betweenness sample and of Louvain.

    Returns
    -------
    polars.DataFrame
        One row per node, sorted by ``pagerank`` descending then ``node``:

        - ``node`` (str), ``documented`` (bool);
        - ``in_degree``, ``out_degree`` (int): distinct spaces referring to / referred to;
        - ``pagerank`` (float, sums to 1);
        - ``betweenness`` (float, normalised) and ``betweenness_method`` (``exact`` or
          ``sampled_k<k>``);
        - ``weak_component``, ``strong_component`` (int, 0 = largest; ties by smallest
          node);
        - ``community`` (int, 0 = largest; ties by smallest node);
        - ``out_communities`` (int): distinct communities among the out-neighbours;
        - ``bowtie`` (``core``, ``upstream``, ``downstream``, ``peripheral``);
        - ``role``: ``hub`` if the node is a hub (see Notes), otherwise its ``bowtie``
          position.

    Notes
    -----
    - PageRank [1]_: x = α Pᵀx + (α·Σ_{dangling} x + 1 − α)/N with α = 0.85, P the
      out-weight-normalised adjacency; the rank of dangling nodes is spread uniformly,
      as in networkx. Computed by sparse power iteration until the L1 change is below
      1e-10 (absolute; networkx's default criterion is N·1e-6, too loose on large graphs).
    - Betweenness [2]_: b(v) = Σ_{s≠v≠t} σ_st(v)/σ_st over directed shortest paths
      counted in hops (weights ignored), normalised by
      (N−1)(N−2); above ``exact_betweenness_max_nodes`` estimated from ``k`` seeded
      pivots [3]_ (``networkx.betweenness_centrality(k=..., seed=...)``).
    - Components: weak (direction ignored) and strong (mutual reachability), by
      ``scipy.sparse.csgraph.connected_components``.
    - Communities: Louvain modularity maximisation [4]_ on the undirected view (weights
      of u→v and v→u summed), seeded.
    - Bow-tie [5]_: the core is the largest strongly connected component; ``upstream``
      nodes can reach the core without being reachable from it (they send members
      into it), ``downstream`` nodes are reachable from the core (they receive its
      members); all others (tendrils, tubes, disconnected) are ``peripheral``. This
      follows the upstream / core / downstream reading of flow-based studies of
      Telegram networks [6]_, where upstream communities point to the rest, core ones
      are tightly interlinked and downstream ones are heavily referenced.
    - Hub: a node that refers to at least ``hub_min_out_degree`` spaces spanning at
      least ``hub_min_communities`` communities, with an out-degree z-score
      (k − mean)/sd ≥ ``hub_min_z`` among documented spaces: a directory that spreads
      members across groups (roles from degree z-scores and the spread of links over
      communities, after [7]_). The z rule adapts the bar to the network's density; it
      assumes hubs are rare (if a large share of spaces are directories, their spread
      inflates sd: lower ``hub_min_z`` or set it to None).
      PageRank rewards spaces that are referred *to* (destinations); directories that
      refer *out* are found by ``out_degree`` and the ``hub`` role instead.

    References
    ----------
    .. [1] Brin & Page (1998), "The anatomy of a large-scale hypertextual Web search
       engine", Computer Networks 30.
    .. [2] Brandes (2001), "A faster algorithm for betweenness centrality", J. Math.
       Sociology 25(2).
    .. [3] Brandes & Pich (2007), "Centrality estimation in large networks", Int. J.
       Bifurcation and Chaos 17(7).
    .. [4] Blondel, Guillaume, Lambiotte & Lefebvre (2008), "Fast unfolding of
       communities in large networks", J. Stat. Mech. P10008.
    .. [5] Broder et al. (2000), "Graph structure in the Web", Computer Networks 33.
    .. [6] Bovet & Grindrod (2022), "Organization and evolution of the UK far-right
       network on Telegram", Applied Network Science 7:76.
    .. [7] Guimerà & Amaral (2005), "Functional cartography of complex metabolic
       networks", Nature 433.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("HUB1", "AA1"), ("AA1", "BB1"), ("BB1", "AA1"), ("BB1", "CC1")])
    >>> c = centrality(G)
    >>> c.select("node", "in_degree", "out_degree", "bowtie").sort("node").rows()
    [('AA1', 2, 1, 'core'), ('BB1', 1, 2, 'core'), ('CC1', 1, 0, 'downstream'), ('HUB1', 0, 1, 'upstream')]
    >>> round(c.get_column("pagerank").sum(), 9)
    1.0
    """
    edges = EdgeList.from_graph(G)
    n = edges.n
    # Degrees count distinct neighbours (one edge per ordered pair), not referrals.
    out_deg = np.bincount(edges.src, minlength=n)
    in_deg = np.bincount(edges.dst, minlength=n)
    pr = _sparse.pagerank(edges)
    weak = _sparse.components(edges, "weak")
    strong = _sparse.components(edges, "strong")
    comm = communities(edges, seed=seed)
    # Distinct communities among out-neighbours.
    if len(edges.src):
        pairs = np.unique(np.stack([edges.src, comm[edges.dst]], axis=1), axis=0)
        out_comm = np.bincount(pairs[:, 0], minlength=n)
    else:
        out_comm = np.zeros(n, dtype=np.int64)
    position = bowtie(edges, strong)
    bar = float(hub_min_out_degree)
    documented_mask = np.array([bool(G.nodes[v].get("documented", True)) for v in edges.nodes])
    if hub_min_z is not None and documented_mask.sum() > 1:
        k = out_deg[documented_mask]
        bar = max(bar, float(k.mean() + hub_min_z * k.std()))
    is_hub = (out_comm >= hub_min_communities) & (out_deg >= bar)
    role = np.where(is_hub, "hub", position)

    if n <= exact_betweenness_max_nodes:
        bc = nx.betweenness_centrality(G, normalized=True)
        method = "exact"
    else:
        k = min(betweenness_samples, n)
        bc = nx.betweenness_centrality(G, k=k, normalized=True, seed=seed)
        method = f"sampled_k{k}"
    labels = edges.nodes.tolist()
    documented = documented_mask.tolist()
    return pl.DataFrame(
        {
            "node": [str(v) for v in labels],
            "documented": documented,
            "in_degree": in_deg.astype(np.int64),
            "out_degree": out_deg.astype(np.int64),
            "pagerank": pr,
            "betweenness": np.array([bc[v] for v in labels], dtype=np.float64),
            "betweenness_method": [method] * n,
            "weak_component": weak,
            "strong_component": strong,
            "community": comm,
            "out_communities": out_comm.astype(np.int64),
            "bowtie": position.astype(str).tolist(),
            "role": role.astype(str).tolist(),
        },
        schema_overrides={"betweenness_method": pl.String, "bowtie": pl.String, "role": pl.String},
    ).sort(["pagerank", "node"], descending=[True, False])
