"""referral_graph and export: nodes, attributes, merged referrals, GEXF/GraphML round trips."""

from __future__ import annotations

import networkx as nx
import polars as pl
import pytest

from toolkit.network import referral_graph, write_gexf, write_graphml
from toolkit.network._toy import toy_book


def test_tiny_book_nodes_and_attributes(tiny_book):
    G = referral_graph(tiny_book)
    # C310P has no referral at all and must still be a node; X900U/D221K are undocumented.
    assert sorted(G.nodes) == ["A105G", "B220K", "C310P", "D221K", "X900U"]
    assert {n for n, d in G.nodes(data=True) if not d["documented"]} == {"D221K", "X900U"}
    a = G.nodes["A105G"]
    assert a["taken_down"] is True and a["takedown_day"] == 19 and a["first_report_day"] == 1
    assert a["case_type"] == "deepfakes" and a["members_band"] == "200-999"
    assert G.nodes["B220K"]["taken_down"] is False and "takedown_day" not in G.nodes["B220K"]
    # unknown values are left out, never stored as None
    assert all(v is not None for _, d in G.nodes(data=True) for v in d.values())
    assert G.nodes["X900U"] == {"documented": False}
    assert G.edges["A105G", "D221K"] == {
        "weight": 1,
        "day": 23,
        "kind": "reappearance",
        "kinds": ["reappearance"],
    }
    assert "day" not in G.edges["B220K", "A105G"]  # the referral has no known day


def test_tier_attribute_comes_from_triage(tiny_book):
    from toolkit.triage import assess

    tiers = dict(assess(tiny_book).select("case_id", pl.col("tier").cast(pl.String)).iter_rows())
    G = referral_graph(tiny_book)
    assert {n: G.nodes[n]["tier"] for n in tiers} == tiers


def test_repeated_referrals_merge_into_one_weighted_edge():
    book = toy_book(
        [
            ("AA1", "BB2", "mirror", 9),
            ("AA1", "BB2", "invitation", 4),
            ("AA1", "BB2", "private_channel", None),
            ("AA1", "BB2", "invitation", 4),
            ("BB2", "AA1", "mirror", None),
        ]
    )
    G = referral_graph(book)
    assert G.number_of_edges() == 2
    e = G.edges["AA1", "BB2"]
    assert e["weight"] == 4 and e["day"] == 4 and e["kind"] == "invitation"
    assert e["kinds"] == ["invitation", "private_channel", "mirror"]  # taxonomy order
    back = G.edges["BB2", "AA1"]
    assert back["kind"] == "mirror" and "day" not in back


def test_lazy_book_gives_the_same_graph(tiny_book):
    G1, G2 = referral_graph(tiny_book), referral_graph(tiny_book.lazy())
    assert nx.utils.graphs_equal(G1, G2)


def test_gexf_round_trip_keeps_nodes_edges_attributes_and_spells(tiny_book, tmp_path):
    G = referral_graph(tiny_book)
    path = write_gexf(G, tmp_path / "out" / "referrals.gexf")
    back = nx.read_gexf(path)
    assert sorted(back.nodes) == sorted(G.nodes)
    assert sorted(back.edges) == sorted(G.edges)
    assert back.graph["mode"] == "dynamic"
    assert 'timeformat="double"' in path.read_text(encoding="utf-8")
    e = back.edges["A105G", "D221K"]
    assert e["kinds"] == "reappearance" and int(e["start"]) == 23 and int(e["weight"]) == 1
    assert "start" not in back.edges["B220K", "A105G"]  # no day, no spell
    assert back.nodes["A105G"]["case_type"] == "deepfakes"
    assert back.nodes["A105G"]["documented"] is True
    assert back.nodes["X900U"]["documented"] is False
    assert not list(tmp_path.joinpath("out").glob(".*"))  # no temporary file left behind


def test_graphml_round_trip_with_list_attributes(tmp_path):
    book = toy_book([("AA1", "BB2", "mirror", 9), ("AA1", "BB2", "invitation", 4)])
    G = referral_graph(book)
    back = nx.read_graphml(write_graphml(G, tmp_path / "r.graphml"))
    assert nx.is_directed(back) and sorted(back.edges) == [("AA1", "BB2")]
    e = back.edges["AA1", "BB2"]
    assert e == {"weight": 2, "day": 4, "kind": "invitation", "kinds": "invitation;mirror"}
    assert back.nodes["BB2"] == {"documented": False}


def test_failed_export_leaves_no_file(tmp_path):
    G = nx.DiGraph()
    G.add_edge("AA1", "BB2", weird=object())  # not serialisable
    with pytest.raises(Exception):  # noqa: B017 - networkx raises its own error types
        write_graphml(G, tmp_path / "r.graphml")
    assert list(tmp_path.iterdir()) == []


def test_fast_edge_list_has_the_graphs_nodes_pairs_and_weights(tiny_book):
    from toolkit.network import EdgeList, components, pagerank

    book = toy_book(
        [("AA1", "BB2", "mirror", 9), ("AA1", "BB2", "invitation", 4), ("BB2", "ZZ9", "mirror", 1)],
        cases=["CC3"],
    )
    G = referral_graph(book)
    fast = EdgeList.from_book(book)
    slow = EdgeList.from_graph(G)
    assert fast.nodes.tolist() == slow.nodes.tolist() == ["AA1", "BB2", "CC3", "ZZ9"]

    def triples(e):
        return sorted(
            zip(e.src.tolist(), e.dst.tolist(), e.weight.astype(int).tolist(), strict=True)
        )

    assert triples(fast) == triples(slow) == [(0, 1, 2), (1, 3, 1)]
    assert pagerank(book).tolist() == pytest.approx(pagerank(G).tolist(), abs=1e-12)
    assert components(book).tolist() == components(G).tolist() == [0, 0, 1, 0]
    with pytest.raises(TypeError, match="CaseBook, a networkx graph or an EdgeList"):
        EdgeList.of([("AA1", "BB2")])
    with pytest.raises(ValueError, match="'weak' or 'strong'"):
        components(G, "both")
