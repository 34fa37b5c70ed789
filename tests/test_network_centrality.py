"""centrality: PageRank and components against networkx and igraph, roles on graphs whose
answer is known by construction, partition-agreement indices on textbook examples."""

from __future__ import annotations

import itertools

import igraph as ig
import networkx as nx
import numpy as np
import polars as pl
import pytest

from toolkit.network import (
    EdgeList,
    adjusted_rand_index,
    centrality,
    components,
    normalized_mutual_info,
    pagerank,
)


def scale_free_digraph(n: int, seed: int) -> nx.DiGraph:
    """A directed scale-free graph with dangling nodes, loops removed, weights 1..3."""
    M = nx.scale_free_graph(n, seed=seed)
    G = nx.DiGraph()
    G.add_nodes_from(f"N{i:05d}" for i in range(n))
    rng = np.random.default_rng(seed)
    for u, v in M.edges():
        if u != v:
            G.add_edge(f"N{u:05d}", f"N{v:05d}", weight=int(rng.integers(1, 4)))
    return G


def to_igraph(G: nx.DiGraph) -> tuple[ig.Graph, list[str]]:
    labels = sorted(G.nodes)
    index = {v: i for i, v in enumerate(labels)}
    g = ig.Graph(n=len(labels), edges=[(index[u], index[v]) for u, v in G.edges()], directed=True)
    g.es["weight"] = [d["weight"] for _, _, d in G.edges(data=True)]
    return g, labels


def same_partition(a, b) -> bool:
    return adjusted_rand_index(a, b) == pytest.approx(1.0)


def test_pagerank_matches_networkx_with_a_tight_tolerance():
    G = scale_free_digraph(400, seed=3)
    assert any(G.out_degree(v) == 0 for v in G)  # dangling nodes are exercised
    ours = pagerank(EdgeList.from_graph(G))
    ref = nx.pagerank(G, tol=1e-14, max_iter=10_000)
    labels = sorted(G.nodes)
    assert np.abs(ours - np.array([ref[v] for v in labels])).max() < 1e-9
    assert ours.sum() == pytest.approx(1.0, abs=1e-12)


def test_agrees_with_igraph_on_a_few_thousand_nodes():
    G = scale_free_digraph(4000, seed=11)
    c = centrality(G, exact_betweenness_max_nodes=0, betweenness_samples=8).sort("node")
    g, labels = to_igraph(G)
    assert c.get_column("node").to_list() == labels
    pr = np.array(g.pagerank(directed=True, weights="weight", damping=0.85))
    assert np.abs(c.get_column("pagerank").to_numpy() - pr).max() < 1e-6
    assert c.get_column("in_degree").to_list() == g.indegree()
    assert c.get_column("out_degree").to_list() == g.outdegree()
    weak = g.connected_components(mode="weak").membership
    strong = g.connected_components(mode="strong").membership
    assert same_partition(c.get_column("weak_component").to_list(), weak)
    assert same_partition(c.get_column("strong_component").to_list(), strong)
    assert c.get_column("betweenness_method").unique().to_list() == ["sampled_k8"]


def test_components_are_numbered_by_size_then_smallest_label():
    G = nx.DiGraph([("BB1", "BB2"), ("AA1", "AA2"), ("CC1", "CC2"), ("CC2", "CC3")])
    G.add_node("ZZ1")
    edges = EdgeList.from_graph(G)
    weak = dict(zip(edges.nodes, components(edges, "weak"), strict=True))
    assert [weak[v] for v in ("CC1", "AA1", "BB1", "ZZ1")] == [0, 1, 2, 3]
    strong = components(edges, "strong")
    assert len(set(strong)) == G.number_of_nodes()  # no cycle: every node on its own


def test_bowtie_roles_on_a_hand_built_bow_tie():
    # core: a 3-cycle; IN1 -> core -> OUT1 -> OUT2; a tendril TEN1 hanging from IN1;
    # an isolated pair elsewhere.
    G = nx.DiGraph(
        [
            ("CO1", "CO2"),
            ("CO2", "CO3"),
            ("CO3", "CO1"),
            ("IN1", "CO1"),
            ("IN2", "IN1"),
            ("CO2", "OUT1"),
            ("OUT1", "OUT2"),
            ("IN1", "TEN1"),
            ("ISO1", "ISO2"),
        ]
    )
    c = centrality(G)
    bowtie = dict(c.select("node", "bowtie").iter_rows())
    assert bowtie == {
        "CO1": "core",
        "CO2": "core",
        "CO3": "core",
        "IN1": "upstream",
        "IN2": "upstream",
        "OUT1": "downstream",
        "OUT2": "downstream",
        "TEN1": "peripheral",
        "ISO1": "peripheral",
        "ISO2": "peripheral",
    }
    assert c.filter(pl.col("bowtie") == "core").get_column(
        "strong_component"
    ).unique().to_list() == [0]


def test_no_core_when_there_is_no_cycle():
    c = centrality(nx.DiGraph([("AA1", "BB1"), ("BB1", "CC1")]))
    assert set(c.get_column("bowtie")) == {"peripheral"}


def test_hub_is_the_directory_into_several_communities():
    # three dense groups of eight; HUB1 refers to four members of each (12 spaces in 3
    # communities); BR1 touches the three groups too, but with only three referrals.
    G = nx.DiGraph()
    groups = [[f"G{g}S{i}" for i in range(8)] for g in range(3)]
    for members in groups:
        G.add_edges_from(itertools.permutations(members, 2))
    G.add_edges_from(("HUB1", v) for members in groups for v in members[:4])
    G.add_edges_from(("BR1", members[0]) for members in groups)
    c = centrality(G, seed=1)
    assert c.filter(pl.col("role") == "hub").get_column("node").to_list() == ["HUB1"]
    out = dict(c.select("node", "out_communities").iter_rows())
    assert out["HUB1"] == 3 and out["BR1"] == 3
    # communities recover the three groups exactly (HUB1 and BR1 join one of them)
    comm = dict(c.select("node", "community").iter_rows())
    truth = {v: g for g, members in enumerate(groups) for v in members}
    assert same_partition([comm[v] for v in truth], list(truth.values()))
    # stricter thresholds: no hub; looser ones: BR1 becomes one
    assert "hub" not in centrality(G, seed=1, hub_min_communities=4).get_column("role")
    assert "hub" not in centrality(G, seed=1, hub_min_out_degree=13).get_column("role")
    # HUB1's out-degree (12) is an outlier among the 7s of group members (z ≈ 3.95)
    assert "hub" not in centrality(G, seed=1, hub_min_z=4.5).get_column("role")
    loose = centrality(G, seed=1, hub_min_out_degree=3, hub_min_z=None)
    assert sorted(loose.filter(pl.col("role") == "hub").get_column("node")) == ["BR1", "HUB1"]


def test_output_is_sorted_typed_and_deterministic():
    G = scale_free_digraph(300, seed=5)
    c1, c2 = centrality(G, seed=7), centrality(G, seed=7)
    assert c1.equals(c2)
    pr = c1.get_column("pagerank").to_list()
    assert pr == sorted(pr, reverse=True)
    assert c1.get_column("betweenness_method").unique().to_list() == ["exact"]
    ref = nx.betweenness_centrality(G)
    got = dict(c1.select("node", "betweenness").iter_rows())
    assert max(abs(got[v] - ref[v]) for v in G) < 1e-12
    assert c1.schema["community"] == pl.Int64 and c1.schema["role"] == pl.String


def test_sampled_betweenness_is_seeded():
    G = scale_free_digraph(300, seed=5)
    a = centrality(G, exact_betweenness_max_nodes=10, betweenness_samples=20, seed=1)
    b = centrality(G, exact_betweenness_max_nodes=10, betweenness_samples=20, seed=1)
    assert a.get_column("betweenness").equals(b.get_column("betweenness"))
    assert a.get_column("betweenness_method")[0] == "sampled_k20"


def test_partition_agreement_on_textbook_examples():
    # [0,0,1,1] vs the refinement [0,0,1,2]: ARI = 4/7 (hand computation from the
    # contingency table), NMI = ln2 / ((ln2 + 1.5 ln2)/2) = 0.8.
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(4 / 7)
    assert normalized_mutual_info([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.8)
    assert adjusted_rand_index(list("aabb"), [7, 7, 3, 3]) == 1.0
    assert normalized_mutual_info([0, 1, 0, 1], [0, 0, 1, 1]) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="same length"):
        adjusted_rand_index([0, 1], [0, 1, 2])


def test_ari_matches_the_pair_counting_formula():
    # Independent formula (Steinley 2004): with a, b, c, d the pairs together in both /
    # only the first / only the second / neither, ARI = 2(ad − bc) / ((a+b)(b+d) + (a+c)(c+d)).
    rng = np.random.default_rng(0)
    for _ in range(20):
        x, y = rng.integers(0, 4, 30), rng.integers(0, 3, 30)
        a = b = c = d = 0
        for i, j in itertools.combinations(range(30), 2):
            s1, s2 = x[i] == x[j], y[i] == y[j]
            a += s1 and s2
            b += s1 and not s2
            c += s2 and not s1
            d += not s1 and not s2
        expected = 2 * (a * d - b * c) / ((a + b) * (b + d) + (a + c) * (c + d))
        assert adjusted_rand_index(x, y) == pytest.approx(expected)
