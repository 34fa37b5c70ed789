"""Writing the referral graph for Gephi (GEXF) and other tools (GraphML)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

__all__ = ["write_gexf", "write_graphml"]

#: Separator of list-valued attributes (e.g. ``kinds``) once written as text.
LIST_SEPARATOR = ";"


def _plain(value: Any) -> Any:
    """A value GEXF/GraphML can hold: lists and tuples become ``a;b``."""
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return LIST_SEPARATOR.join(str(v) for v in items)
    return value


def _exportable(G: nx.DiGraph, *, spells: bool) -> nx.DiGraph:
    """A copy with None dropped, lists joined, and (GEXF) edge spells from ``day``."""
    H = nx.DiGraph()
    for key, value in G.graph.items():
        if value is not None and not str(key).startswith("_"):
            H.graph[key] = _plain(value)
    for node, data in G.nodes(data=True):
        H.add_node(str(node), **{k: _plain(v) for k, v in data.items() if v is not None})
    dynamic = False
    for u, v, data in G.edges(data=True):
        attrs = {k: _plain(x) for k, x in data.items() if x is not None}
        if spells and isinstance(data.get("day"), int):
            # float -> timeformat "double": networkx writes ints as "long", which is not a
            # GEXF 1.2 time format (integer, double, date, dateTime) and Gephi may reject it.
            attrs["start"] = float(data["day"])
            dynamic = True
        H.add_edge(str(u), str(v), **attrs)
    if dynamic:
        H.graph["mode"] = "dynamic"
    return H


def _atomic(path: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Write to a temporary file beside ``path``, then rename: no half-written file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_gexf(G: nx.DiGraph, path: str | os.PathLike[str]) -> Path:
    """Write the graph as GEXF 1.2 for Gephi, with day spells on edges where known.

    Parameters
    ----------
    G
        A referral graph (``referral_graph(book)``).
    path
        File to write (replaced atomically).

    Returns
    -------
    pathlib.Path
        The path written.

    Notes
    -----
    Edges with a known ``day`` get a spell starting that day, which makes the file
    dynamic (Gephi's timeline). Days are relative to each source case's first event,
    not a calendar: read the timeline as "days into the source's life". Missing values
    are left out; list-valued attributes (``kinds``) are joined with ``;``.

    References
    ----------
    .. [1] GEXF Working Group (2009-2022), "GEXF 1.2 draft primer", gexf.net.

    Examples
    --------
    >>> import networkx as nx, tempfile, os
    >>> G = nx.DiGraph()
    >>> G.add_edge("AA1", "BB2", kind="mirror", kinds=["invitation", "mirror"], day=3, weight=2)
    >>> path = write_gexf(G, os.path.join(tempfile.mkdtemp(), "referrals.gexf"))
    >>> nx.read_gexf(path).edges["AA1", "BB2"]["kinds"]
    'invitation;mirror'
    """
    H = _exportable(G, spells=True)
    return _atomic(path, lambda p: nx.write_gexf(H, p, version="1.2draft"))


def write_graphml(G: nx.DiGraph, path: str | os.PathLike[str]) -> Path:
    """Write the graph as GraphML (attributes typed; lists joined with ``;``).

    Parameters
    ----------
    G
        A referral graph.
    path
        File to write (replaced atomically).

    Returns
    -------
    pathlib.Path
        The path written.

    Notes
    -----
    Missing values are left out (GraphML has no null); list-valued attributes are joined
    with ``;``. Days stay plain attributes (GraphML has no time model).

    References
    ----------
    .. [1] Brandes, Eiglsperger, Lerner & Pich (2013), "Graph markup language
       (GraphML)", in Handbook of Graph Drawing and Visualization, CRC Press.

    Examples
    --------
    >>> import networkx as nx, tempfile, os
    >>> G = nx.DiGraph([("AA1", "BB2")])
    >>> path = write_graphml(G, os.path.join(tempfile.mkdtemp(), "referrals.graphml"))
    >>> sorted(nx.read_graphml(path).edges)
    [('AA1', 'BB2')]
    """
    H = _exportable(G, spells=False)
    return _atomic(path, lambda p: nx.write_graphml(H, p))
