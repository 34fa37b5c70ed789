"""The fast path: a referral edge list as integer arrays and scipy.sparse matrices.

networkx stores a graph as dicts of dicts, which costs about 4 s per million edges to
build in pure Python. Heavy metrics (PageRank, components) are therefore computed here
from integer arrays (built from the polars ``referrals`` table or from a networkx graph)
with ``scipy.sparse``; the networkx graph stays the user-facing object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.sparse import csgraph

if TYPE_CHECKING:
    from toolkit.model import CaseBook

#: Damping factor of PageRank (Brin & Page 1998; networkx and igraph default).
PAGERANK_ALPHA = 0.85
#: Absolute L1 tolerance between two PageRank iterates. networkx stops when the L1
#: change is below ``N * tol`` (1e-6 by default), so its error grows with N; an absolute
#: bound keeps the scores accurate at any size.
PAGERANK_TOL = 1e-10


@dataclass(frozen=True)
class EdgeList:
    """A directed graph as arrays: ``nodes[i]`` is the label of node ``i``.

    ``src``/``dst`` are int64 indices into ``nodes``, one entry per distinct ordered
    pair (no duplicates), ``weight`` the number of referrals merged into that pair.
    ``nodes`` is sorted (labels are case codes), so node order is deterministic.
    """

    nodes: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray

    @property
    def n(self) -> int:
        return len(self.nodes)

    def adjacency(self, weighted: bool = True) -> sp.csr_array:
        """The N×N adjacency matrix (row = source), weights summed."""
        data = self.weight.astype(np.float64) if weighted else np.ones(len(self.src))
        return sp.csr_array((data, (self.src, self.dst)), shape=(self.n, self.n))

    @classmethod
    def from_referrals(
        cls, referrals: pl.DataFrame, extra_nodes: pl.Series | None = None
    ) -> EdgeList:
        """From a referrals frame (``source_id``, ``target_id``), plus isolated nodes.

        Self-referrals are kept (a space pointing to itself is a loop, as in networkx).
        """
        ends = [referrals.get_column("source_id"), referrals.get_column("target_id")]
        if extra_nodes is not None:
            ends.append(extra_nodes.cast(pl.String))
        nodes = pl.concat([e.cast(pl.String) for e in ends]).unique().sort()
        index = nodes.to_frame("label").with_row_index("i")
        # Label -> index with joins (polars, multithreaded); pairs sorted afterwards because
        # polars 2 joins and group-bys do not keep row order.
        pairs = (
            referrals.lazy()
            .select(
                pl.col("source_id").cast(pl.String).alias("s"),
                pl.col("target_id").cast(pl.String).alias("t"),
            )
            .group_by("s", "t")
            .agg(pl.len().alias("w"))
            .join(index.lazy().rename({"label": "s", "i": "si"}), on="s")
            .join(index.lazy().rename({"label": "t", "i": "ti"}), on="t")
            .select("si", "ti", "w")
            .sort("si", "ti")
            .collect()
        )
        return cls(
            nodes=nodes.to_numpy().astype(str),
            src=pairs.get_column("si").to_numpy().astype(np.int64),
            dst=pairs.get_column("ti").to_numpy().astype(np.int64),
            weight=pairs.get_column("w").to_numpy().astype(np.int64),
        )

    @classmethod
    def from_book(cls, book: CaseBook) -> EdgeList:
        """From a CaseBook: every case and every referral target is a node (the same
        nodes and pairs as ``referral_graph(book)``, without building it)."""
        book = book.collect()
        return cls.from_referrals(book.referrals, extra_nodes=book.cases.get_column("case_id"))

    @classmethod
    def of(cls, graph: EdgeList | nx.DiGraph | CaseBook) -> EdgeList:
        """An EdgeList from an EdgeList (itself), a networkx graph or a CaseBook."""
        if isinstance(graph, EdgeList):
            return graph
        if isinstance(graph, nx.Graph):
            return cls.from_graph(graph)
        if hasattr(graph, "referrals") and hasattr(graph, "cases"):
            return cls.from_book(graph)
        raise TypeError(
            f"expected a CaseBook, a networkx graph or an EdgeList, got {type(graph).__name__}"
        )

    @classmethod
    def from_graph(cls, G: nx.DiGraph, weight: str | None = "weight") -> EdgeList:
        """From a networkx graph (node labels sorted as strings; weights default to 1)."""
        order = sorted(G.nodes, key=str)
        index = {node: i for i, node in enumerate(order)}
        m = G.number_of_edges()
        src = np.fromiter((index[u] for u, _ in G.edges()), dtype=np.int64, count=m)
        dst = np.fromiter((index[v] for _, v in G.edges()), dtype=np.int64, count=m)
        if weight is None:
            w = np.ones(m, dtype=np.int64)
        else:
            w = np.fromiter(
                (d.get(weight, 1) for _, _, d in G.edges(data=True)), dtype=np.float64, count=m
            )
        labels = np.empty(len(order), dtype=object)
        labels[:] = order
        if not G.is_directed():
            src, dst, w = np.concatenate([src, dst]), np.concatenate([dst, src]), np.tile(w, 2)
        return cls(nodes=labels, src=src, dst=dst, weight=w)


def pagerank(
    edges: EdgeList | nx.DiGraph | CaseBook,
    *,
    alpha: float = PAGERANK_ALPHA,
    tol: float = PAGERANK_TOL,
    max_iter: int = 10_000,
    weighted: bool = True,
) -> np.ndarray:
    """PageRank by sparse power iteration, accurate at any size.

    Parameters
    ----------
    edges
        An ``EdgeList`` (fast path), a networkx graph or a CaseBook.
    alpha
        Damping factor (probability of following a referral rather than jumping).
    tol
        Stop when the L1 change between two iterates is below this (absolute).
    max_iter
        Give up (RuntimeError) after this many iterations.
    weighted
        Weigh referrals by ``weight`` (the number merged into a pair).

    Returns
    -------
    numpy.ndarray
        The score of ``EdgeList.of(edges).nodes[i]`` at position i; sums to 1.

    Notes
    -----
    x ← α Pᵀx + (α Σ_{dangling} x + 1 − α)/N, with P the adjacency normalised by
    out-weight: the model of ``networkx.pagerank`` with default arguments (uniform
    teleportation, dangling nodes' rank spread uniformly). networkx stops when the L1
    change is below N·1e-6, so its error grows with N; here the bound is absolute.

    References
    ----------
    .. [1] Brin & Page (1998), "The anatomy of a large-scale hypertextual Web search
       engine", Computer Networks 30.

    Examples
    --------
    >>> import networkx as nx
    >>> x = pagerank(nx.DiGraph([("AA1", "BB1"), ("BB1", "AA1")]))
    >>> [round(float(v), 6) for v in x]
    [0.5, 0.5]
    """
    edges = EdgeList.of(edges)
    n = edges.n
    if n == 0:
        return np.zeros(0)
    A = edges.adjacency(weighted=weighted)
    out_w = np.asarray(A.sum(axis=1)).ravel()
    dangling = out_w == 0
    inv = np.zeros(n)
    inv[~dangling] = 1.0 / out_w[~dangling]
    # Column-stochastic transpose: x_new = alpha * P^T x + (alpha * dangling mass + 1 - alpha)/n
    PT = (sp.diags_array(inv) @ A).T.tocsr()
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        x_new = alpha * (PT @ x) + (alpha * x[dangling].sum() + (1.0 - alpha)) / n
        x_new /= x_new.sum()
        if np.abs(x_new - x).sum() < tol:
            return x_new
        x = x_new
    raise RuntimeError(
        f"PageRank did not converge to an L1 change below {tol} in {max_iter} iterations"
    )


def components(edges: EdgeList | nx.DiGraph | CaseBook, connection: str = "weak") -> np.ndarray:
    """Weakly or strongly connected component of every node.

    Parameters
    ----------
    edges
        An ``EdgeList`` (fast path), a networkx graph or a CaseBook.
    connection
        ``"weak"`` (linked at all, direction ignored) or ``"strong"`` (each node reaches
        the other).

    Returns
    -------
    numpy.ndarray
        Component number of ``EdgeList.of(edges).nodes[i]`` at position i, numbered by
        size (0 = largest), ties by smallest node label.

    Notes
    -----
    ``scipy.sparse.csgraph.connected_components`` (Pearce's algorithm for strong
    components), O(N + E).

    References
    ----------
    .. [1] Tarjan (1972), "Depth-first search and linear graph algorithms", SIAM J.
       Computing 1(2).

    Examples
    --------
    >>> import networkx as nx
    >>> components(nx.DiGraph([("AA1", "BB1"), ("CC1", "DD1"), ("DD1", "EE1")])).tolist()
    [1, 1, 0, 0, 0]
    """
    if connection not in ("weak", "strong"):
        raise ValueError(f"connection must be 'weak' or 'strong' (got {connection!r})")
    edges = EdgeList.of(edges)
    n = edges.n
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    A = edges.adjacency(weighted=False)
    _, raw = csgraph.connected_components(A, directed=True, connection=connection)
    return renumber(raw)


def renumber(raw: np.ndarray) -> np.ndarray:
    """Relabel groups 0.. by size descending, then by their smallest node index.

    Nodes are indexed in sorted-label order, so "smallest index" is "smallest label".
    """
    raw = np.asarray(raw)
    uniq, first, counts = np.unique(raw, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))  # size desc, then first (= smallest) member
    new_of = np.empty(len(uniq), dtype=np.int64)
    new_of[order] = np.arange(len(uniq))
    return new_of[np.searchsorted(uniq, raw)]


def reachable(M: sp.csr_array, start: np.ndarray) -> np.ndarray:
    """Boolean mask of nodes reachable from any node in ``start`` (a virtual source)."""
    n = M.shape[0]
    if not start.any():
        return np.zeros(n, dtype=bool)
    idx = np.flatnonzero(start)
    extra = sp.csr_array((np.ones(len(idx)), (np.full(len(idx), n), idx)), shape=(n + 1, n + 1))
    big = sp.block_array([[M, None], [None, sp.csr_array((1, 1))]], format="csr") + extra
    order = csgraph.breadth_first_order(big, n, directed=True, return_predecessors=False)
    mask = np.zeros(n + 1, dtype=bool)
    mask[order] = True
    return mask[:n]
