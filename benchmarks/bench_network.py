"""Referral network at 1,000,000 edges: veille's fast path against igraph, same run.

What is timed, on both sides, from the same polars ``referrals`` frame (source_id,
target_id as case codes) of 1,000,000 rows:

- veille: ``EdgeList.from_referrals`` (label -> index with polars joins, repeated
  referrals merged into weights) + ``pagerank`` (scipy.sparse power iteration to an L1
  change below 1e-10) + ``components(..., "weak")`` (scipy.sparse.csgraph);
- igraph: the same label -> index mapping (polars; igraph has no faster path from
  strings), ``igraph.Graph(n)`` + ``add_edges`` with the raw 1M edges (repeats as parallel edges,
  which PageRank treats like weights) + ``pagerank`` (PRPACK) + weak components.

Target: veille ≤ 3× igraph, with PageRank agreeing to 1e-6 (max absolute difference)
and identical weak components. For information (no target): building the user-facing
``networkx.DiGraph`` from the merged pairs, and the error of networkx's own PageRank
with its default tolerance (N-scaled) against igraph.
"""

from __future__ import annotations

import sys
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_gib, result, timer

from toolkit.network import EdgeList, components, pagerank

N_EDGES = 1_000_000
N_NODES = 200_000
SEED = 20241
REPEATS = 3


def referrals_frame(n_edges: int = N_EDGES, n_nodes: int = N_NODES, seed: int = SEED):
    """Synthetic referrals: heavy-tailed out- and in-activity (a few directories and
    popular spaces), codes like ``R0001234K`` (the case-code form, never real ids)."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_nodes + 1) ** 0.8
    weights /= weights.sum()
    src = rng.choice(n_nodes, n_edges, p=weights)
    dst = rng.permutation(n_nodes)[rng.choice(n_nodes, n_edges, p=weights)]
    codes = pl.Series("code", [f"R{i:07d}K" for i in range(n_nodes)])
    return pl.DataFrame(
        {"source_id": codes.gather(src), "target_id": codes.gather(dst)}
    ).with_columns(pl.lit("invitation").alias("kind"))


def veille_path(refs: pl.DataFrame):
    edges = EdgeList.from_referrals(refs)
    pr = pagerank(edges)
    weak = components(edges, "weak")
    return edges, pr, weak


def igraph_path(refs: pl.DataFrame):
    nodes = pl.concat([refs.get_column("source_id"), refs.get_column("target_id")]).unique().sort()
    index = nodes.to_frame("label").with_row_index("i")
    pairs = (
        refs.lazy()
        .select("source_id", "target_id")
        .join(index.lazy().rename({"label": "source_id", "i": "s"}), on="source_id")
        .join(index.lazy().rename({"label": "target_id", "i": "t"}), on="target_id")
        .select("s", "t")
        .collect()
    )
    # add_edges with a numpy array is igraph's fastest way in (Graph(edges=...) is slower).
    g = ig.Graph(n=len(nodes), directed=True)
    g.add_edges(pairs.to_numpy())
    pr = np.asarray(g.pagerank(directed=True, damping=0.85))
    weak = np.asarray(g.connected_components(mode="weak").membership)
    return nodes, pr, weak


def best_of(fn, *args):
    times, out = [], None
    for _ in range(REPEATS):
        with timer() as t:
            out = fn(*args)
        times.append(t())
    return min(times), out


def main() -> int:
    refs = referrals_frame()
    print(f"{refs.height:,} referrals between up to {N_NODES:,} spaces")
    t_ig, (ig_nodes, ig_pr, ig_weak) = best_of(igraph_path, refs)
    t_v, (edges, pr, weak) = best_of(veille_path, refs)
    assert edges.nodes.tolist() == ig_nodes.to_list()
    pr_err = float(np.abs(pr - ig_pr).max())
    same_weak = bool(
        len(np.unique(weak)) == len(np.unique(ig_weak))
        and len(np.unique(np.stack([weak, ig_weak]), axis=1).T) == len(np.unique(weak))
    )
    ratio = t_v / t_ig
    note = f"{edges.n:,} nodes, {len(edges.src):,} distinct pairs; best of {REPEATS}"
    result(
        "network", "igraph: build + pagerank + weak components", t_ig, "s", "baseline", True, note
    )
    result(
        "network",
        "veille: build + pagerank + weak components",
        t_v,
        "s",
        "≤ 3× igraph",
        ratio <= 3,
        note,
    )
    result("network", "veille / igraph time ratio", ratio, "×", "≤ 3", ratio <= 3)
    result(
        "network",
        "PageRank max |veille − igraph|",
        pr_err * 1e9,
        "1e-9",
        "≤ 1000 (1e-6)",
        pr_err <= 1e-6,
        f"{pr_err:.1e}",
    )
    result(
        "network", "weak components identical to igraph", float(same_weak), "bool", "1", same_weak
    )

    t_pr, _ = best_of(pagerank, edges)
    g = ig.Graph(n=edges.n, directed=True)
    g.add_edges(np.stack([edges.src, edges.dst], axis=1))
    t_igpr, _ = best_of(
        lambda: g.pagerank(directed=True, damping=0.85, weights=edges.weight.tolist())
    )
    result("network", "veille pagerank alone (info)", t_pr, "s", "none", True, "scipy.sparse")
    result("network", "igraph pagerank alone (info)", t_igpr, "s", "none", True, "PRPACK")
    with timer() as t:
        G = nx.DiGraph()
        G.add_nodes_from(edges.nodes.tolist())
        G.add_weighted_edges_from(
            zip(
                edges.nodes[edges.src].tolist(),
                edges.nodes[edges.dst].tolist(),
                edges.weight.tolist(),
                strict=True,
            )
        )
    result(
        "network",
        "networkx DiGraph construction (info)",
        t(),
        "s",
        "none",
        True,
        "user-facing object",
    )
    with timer() as t:
        nx_pr = nx.pagerank(G)
    nx_err = float(np.abs(np.array([nx_pr[v] for v in edges.nodes.tolist()]) - ig_pr).max())
    result(
        "network",
        "networkx pagerank, default tol (info)",
        t(),
        "s",
        "none",
        True,
        f"max error vs igraph {nx_err:.1e}",
    )
    result("network", "peak memory", peak_rss_gib(), "GiB", "none", True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
