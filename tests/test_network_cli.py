"""`veille network`: tables printed, files written and readable, errors for people."""

from __future__ import annotations

import networkx as nx
import polars as pl
from typer.testing import CliRunner

import toolkit as vt
from toolkit import network as net
from toolkit.cli import app
from toolkit.model import write

runner = CliRunner()


def test_network_command_writes_exports_and_tables(tmp_path):
    book = vt.generate(cases=150, seed=3)
    ds = write(book, tmp_path / "ds")
    out = tmp_path / "net"
    result = runner.invoke(app, ["network", str(ds), "--out", str(out), "--dismantle"])
    assert result.exit_code == 0, result.output
    assert "respawn rate" in result.output and "Roles" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "centrality.csv",
        "early_removal.csv",
        "hydra_summary.csv",
        "lineages.csv",
        "referrals.gexf",
        "referrals.graphml",
        "strategies.csv",
    ]
    G = net.referral_graph(vt.load(ds))
    assert nx.read_gexf(out / "referrals.gexf").number_of_edges() == G.number_of_edges()
    central = pl.read_csv(out / "centrality.csv")
    assert central.height == G.number_of_nodes()
    assert pl.read_csv(out / "hydra_summary.csv").equals(net.hydra_summary(book), null_equal=True)


def test_network_command_without_out_writes_nothing(tiny_book, tmp_path):
    ds = write(tiny_book, tmp_path / "ds")
    result = runner.invoke(app, ["network", str(ds)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]


def test_network_command_explains_a_missing_dataset(tmp_path):
    result = runner.invoke(app, ["network", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "not a dataset directory" in result.output
