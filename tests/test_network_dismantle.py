"""Dismantling: curves against a brute-force networkx recomputation, bounds of R,
collective influence against its definition, adaptive attacks against a greedy replay."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.network import STRATEGIES, compare_strategies, dismantle
from toolkit.network._dismantle import _undirected_csr, collective_influence
from toolkit.network._sparse import EdgeList


def random_digraph(n: int, p: float, seed: int) -> nx.DiGraph:
    M = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    return nx.relabel_nodes(M, {i: f"N{i:04d}" for i in M})


def hub_network(seed: int = 0) -> nx.DiGraph:
    """Planted hubs: 6 directories each linked with ~40 spaces (both ways, the directory
    advertised by its spaces), spaces sparsely linked among themselves."""
    rng = np.random.default_rng(seed)
    G = nx.DiGraph()
    spaces = [f"SP{i:04d}" for i in range(300)]
    G.add_nodes_from(spaces)
    for h in range(6):
        hub = f"HUB{h}"
        for s in rng.choice(spaces, 40, replace=False):
            G.add_edge(hub, s)
            if rng.random() < 0.5:
                G.add_edge(s, hub)
    for _ in range(120):
        a, b = rng.choice(spaces, 2, replace=False)
        G.add_edge(a, b)
    return G


def brute_force_curve(G: nx.DiGraph, order: list[str]) -> list[float]:
    H = G.to_undirected()
    n = H.number_of_nodes()
    out = [max(len(c) for c in nx.connected_components(H)) / n]
    for v in order:
        H.remove_node(v)
        out.append(max((len(c) for c in nx.connected_components(H)), default=0) / n)
    return out


@pytest.mark.parametrize("strategy", ["in_degree", "degree", "pagerank", "collective_influence"])
def test_curve_equals_brute_force_removal(strategy):
    G = random_digraph(70, 0.03, seed=4)
    d = dismantle(G, strategy)
    order = d.get_column("node").to_list()[1:]
    assert sorted(order) == sorted(G.nodes)
    assert d.get_column("largest_component").to_list() == pytest.approx(brute_force_curve(G, order))


@pytest.mark.parametrize("adaptive", [False, True])
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_curves_are_non_increasing_and_r_is_bounded(strategy, adaptive):
    G = random_digraph(120, 0.02, seed=9)
    n = G.number_of_nodes()
    d = dismantle(G, strategy, adaptive=adaptive, seed=3, runs=4)
    s = d.get_column("largest_component").to_numpy()
    assert d.height == n + 1 and s[0] <= 1.0 and s[-1] == 0.0
    assert (np.diff(s) <= 1e-12).all()
    r = d.get_column("robustness")[0]
    # Exact bounds of Schneider et al.'s R: (N−1)/N² ≤ R ≤ (N−1)/(2N), i.e. ~[1/N, 1/2].
    assert (n - 1) / n**2 - 1e-12 <= r <= (n - 1) / (2 * n) + 1e-12
    assert r == pytest.approx(s[1:].sum() / n)
    assert d.get_column("fraction_removed").to_list() == pytest.approx(list(np.arange(n + 1) / n))


def test_bounds_are_reached_by_a_star_and_a_complete_graph():
    star = nx.DiGraph([("HUB1", f"SP{i:02d}") for i in range(1, 20)])
    n = 20
    r_star = dismantle(star, "degree").get_column("robustness")[0]
    assert r_star == pytest.approx((n - 1) / n**2)
    complete = nx.complete_graph(12, create_using=nx.DiGraph)
    r_full = dismantle(complete, "random", seed=1, runs=3).get_column("robustness")[0]
    assert r_full == pytest.approx(11 / 24)


def test_ties_are_broken_by_node_id():
    ring = nx.DiGraph([("CC1", "AA1"), ("AA1", "BB1"), ("BB1", "CC1")])
    assert dismantle(ring, "in_degree").get_column("node").to_list()[1:] == ["AA1", "BB1", "CC1"]


def test_collective_influence_matches_its_definition():
    G = random_digraph(60, 0.05, seed=2)
    edges = EdgeList.from_graph(G, weight=None)
    A = _undirected_csr(edges)
    H = nx.from_scipy_sparse_array(A)
    k = dict(H.degree())
    for radius in (1, 2, 3):
        ci = collective_influence(A, radius)
        for i in H:
            dist = nx.single_source_shortest_path_length(H, i, cutoff=radius)
            sphere = [j for j, dd in dist.items() if dd == radius]
            expected = max(k[i] - 1, 0) * sum(max(k[j] - 1, 0) for j in sphere)
            assert ci[i] == expected
    with pytest.raises(ValueError, match="radius"):
        collective_influence(A, 0)


def test_adaptive_in_degree_replays_a_greedy_recomputation():
    G = random_digraph(60, 0.05, seed=8)
    got = dismantle(G, "in_degree", adaptive=True).get_column("node").to_list()[1:]
    H = G.copy()
    expected = []
    while any(True for _ in H.edges()):
        top = min(H.nodes, key=lambda v: (-H.in_degree(v), v))
        expected.append(top)
        H.remove_node(top)
    expected += sorted(H.nodes)  # no edge left: the rest in label order
    assert got == expected


def test_adaptive_degree_beats_random_on_a_planted_hub_network():
    G = hub_network()
    random_r = dismantle(G, "random", seed=0, runs=10).get_column("robustness")[0]
    for strategy in ("degree", "in_degree", "collective_influence"):
        d = dismantle(G, strategy, adaptive=True)
        assert d.get_column("robustness")[0] < 0.6 * random_r, strategy
    # the six planted hubs are the first removed by adaptive degree
    first = dismantle(G, "degree", adaptive=True).get_column("node").to_list()[1:7]
    assert sorted(first) == [f"HUB{h}" for h in range(6)]


def test_random_is_seeded_and_averaged():
    G = random_digraph(80, 0.03, seed=1)
    a = dismantle(G, "random", seed=5, runs=3)
    assert a.equals(dismantle(G, "random", seed=5, runs=3))
    assert not a.equals(dismantle(G, "random", seed=6, runs=3))
    assert a.get_column("node").null_count() == a.height
    assert not a.get_column("adaptive").any()


def test_compare_strategies_table():
    G = hub_network(seed=2)
    cmp = compare_strategies(G, seed=1, runs=3, strategies=("random", "degree", "pagerank"))
    assert cmp.columns == ["strategy", "adaptive", "robustness", "fraction_to_halve"]
    assert cmp.filter(pl.col("strategy") == "random").height == 1
    assert cmp.height == 5
    assert cmp.get_column("robustness").is_sorted()
    d = dismantle(G, "degree", adaptive=True)
    row = cmp.filter((pl.col("strategy") == "degree") & pl.col("adaptive")).row(0, named=True)
    s = d.get_column("largest_component").to_numpy()
    assert row["fraction_to_halve"] == pytest.approx(np.flatnonzero(s <= 0.5)[0] / (len(s) - 1))
    assert row["robustness"] == d.get_column("robustness")[0]


def test_bad_arguments_are_explained():
    G = nx.DiGraph([("AA1", "BB1")])
    with pytest.raises(ValueError, match="unknown strategy 'degre'.*in_degree"):
        dismantle(G, "degre")
    with pytest.raises(ValueError, match="runs"):
        dismantle(G, "random", runs=0)
    assert dismantle(nx.DiGraph(), "degree").is_empty()


def test_every_pair_of_strategies_runs_on_a_small_graph():
    G = random_digraph(30, 0.08, seed=3)
    for strategy, adaptive in itertools.product(STRATEGIES, (False, True)):
        assert dismantle(G, strategy, adaptive=adaptive).height == 31


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 25),
    p=st.floats(0.0, 0.4),
    graph_seed=st.integers(0, 10_000),
    order_seed=st.integers(0, 10_000),
)
def test_union_find_curve_equals_brute_force_for_any_order(n, p, graph_seed, order_seed):
    from toolkit.network._dismantle import largest_component_curve

    G = random_digraph(n, p, graph_seed)
    labels = sorted(G.nodes)
    order = np.random.default_rng(order_seed).permutation(n)
    A = _undirected_csr(EdgeList.from_graph(G, weight=None))
    curve = largest_component_curve(A, order)
    assert curve.tolist() == pytest.approx(brute_force_curve(G, [labels[i] for i in order]))
