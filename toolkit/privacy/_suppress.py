"""Small-cell suppression for every published aggregate (charts, report CSVs, gallery)."""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence

import networkx as nx
import polars as pl
from networkx.utils import UnionFind

__all__ = ["suppress_small_counts"]

# Lines whose total is not published (a small total and the complement the margins table
# hides with it, or a line of a single cell, whose total is that cell) give no equation of
# their own, but their sum is the grand total minus the published ones: they are merged
# into one node per direction, which keeps that equation (the graph stays bipartite).
_HIDDEN_ROWS = ("rows of hidden total", None)
_HIDDEN_COLS = ("columns of hidden total", None)


def suppress_small_counts(
    df: pl.DataFrame,
    count_cols: str | Sequence[str],
    *,
    k: int = 5,
    by: Sequence[str] | None = None,
    across: Sequence[str] | None = None,
    marker: str | None = None,
    secondary: bool = True,
    derived: dict[str, Sequence[str]] | None = None,
) -> pl.DataFrame:
    """Hide counts from 1 to k−1, and enough other cells that they cannot be worked back.

    Parameters
    ----------
    df : pl.DataFrame
        A tidy (long) table: key columns and one or more integer count columns, one row
        per cell.
    count_cols : str or list of str
        The count columns. Each is protected on its own.
    k : int, default 5
        Threshold: counts ``1 <= n <= k-1`` are suppressed (primary suppression). Zero is
        shown. ``k=11`` follows the CMS rule (1–10 hidden), ``k=8`` the NHS rule (1–7).
    by : list of str, optional
        Key columns whose groups are the *rows* of the table (each has a row total). None:
        the table is one-way; the whole table is one line with one total.
    across : list of str, optional
        Key columns whose groups are the *columns* of the table (each has a column total).
        Default: every other column that is not a count, a ``derived`` column or a float.
        Only used with ``by``. Pass it explicitly when the frame holds label columns.
    marker : str, optional
        What ``<col>_display`` shows for a hidden cell; default ``f"<{k}"`` (``"<5"``).
    secondary : bool, default True
        Also hide complementary cells (see Notes). False: primary suppression only (for a
        table whose totals are never published anywhere).
    derived : dict of {count column: list of columns}, optional
        Columns computed from a count (shares, rates, interval bounds), set to null
        wherever that count is hidden.

    Returns
    -------
    pl.DataFrame
        ``df`` in its row order, with for each count column ``c``: ``c`` set to null where
        hidden, ``c_display`` (String: the count, or ``marker``; null where ``c`` was
        null) and ``c_suppressed`` (Boolean), and the ``derived`` columns nulled alike.

    Raises
    ------
    ValueError
        A column is missing, a count column is not integer or holds a negative count, or
        the key columns do not identify one row per cell.

    Notes
    -----
    *Primary suppression*: a count ``n`` with ``1 <= n <= k-1`` is hidden. A zero is shown:
    it points at no one, and hiding it would hide that nothing was seen.

    *Secondary (complementary) suppression* protects the hidden cells from the totals.
    The reader is assumed to know the grand total and the row and column totals (of the
    ``by`` and ``across`` groups) as published through this same function: a total from 1
    to ``k-1`` is hidden there, with a complement, and a line of one cell has that cell
    for total, so it is not a separate figure. The lines of hidden total still add up to
    the grand total minus the shown ones: they count as one line per direction.

    Seen as a bipartite graph whose nodes are the lines and whose edges are the hidden
    cells, the totals fix a hidden cell's value exactly when its edge lies on no cycle,
    i.e. is a *bridge* (adding +1, −1, +1, … around a cycle, which is even, changes no
    total; an edge on no cycle has no such freedom). While a bridge remains, one more
    cell is hidden: the smallest non-zero shown cell that closes a cycle through the
    bridge; else the smallest one in the bridge's two lines whose other line already
    holds a hidden cell; else the smallest one in those two lines (ties: the earlier
    row). So every line holding one hidden cell gets a second, and no subtraction from a
    total, nor any combination of totals, gives a hidden value back. Zeros are never
    hidden; a cell that cannot be protected (its lines hold no other non-zero cell)
    triggers a warning naming its row.

    Every hidden cell shows the same ``marker``, primary or complementary: a distinct mark
    for complements (which are at least ``k``) would let a reader bound the small
    cell (a primary 1 beside a complement 5 in a line of total 6 would be exact). The
    cost: a complement shows ``<5`` although it is larger; say so in the figure's note.

    Limits: each count column is protected on its own (give a wide table in long form);
    bounds narrower than ``[1, k-1]`` derived from non-negativity are not modelled, nor
    tables linked other than by their margins (tau-ARGUS finds optimal patterns).

    References
    ----------
    .. [1] Centers for Medicare & Medicaid Services, "Cell size suppression policy":
       no cell of 1 to 10 is published, nor one from which such a cell can be derived.
    .. [2] NHS Digital, "Disclosure control": counts of 1 to 7 shown as ``*``, with
       secondary suppression of further cells so they cannot be derived from totals.
    .. [3] Hundepool A. et al. (2012), *Statistical Disclosure Control*, Wiley, ch. 4–5:
       threshold rule, primary and secondary suppression, linear recovery from margins.

    Examples
    --------
    >>> t = pl.DataFrame({"case_type": ["deepfakes", "leaks", "tributes"], "n": [3, 12, 40]})
    >>> suppress_small_counts(t, "n").select("case_type", "n_display", "n_suppressed")
    shape: (3, 3)
    ┌───────────┬───────────┬──────────────┐
    │ case_type ┆ n_display ┆ n_suppressed │
    │ ---       ┆ ---       ┆ ---          │
    │ str       ┆ str       ┆ bool         │
    ╞═══════════╪═══════════╪══════════════╡
    │ deepfakes ┆ <5        ┆ true         │
    │ leaks     ┆ <5        ┆ true         │
    │ tributes  ┆ 40        ┆ false        │
    └───────────┴───────────┴──────────────┘
    """
    counts = [count_cols] if isinstance(count_cols, str) else list(count_cols)
    by_cols = list(by) if by is not None else []
    derived = {c: list(v) for c, v in (derived or {}).items()}
    shown = marker if marker is not None else f"<{k}"
    if k < 1:
        raise ValueError(f"k must be at least 1 (got {k}); k=5 hides counts from 1 to 4")
    derived_cols = [c for cols in derived.values() for c in cols]
    missing = [c for c in [*counts, *by_cols, *derived, *derived_cols] if c not in df.columns]
    if across is not None:
        missing += [c for c in across if c not in df.columns]
    if missing:
        raise ValueError(
            f"suppress_small_counts: no column {', '.join(map(repr, missing))} in the table "
            f"(columns: {', '.join(df.columns)})"
        )
    for c in derived:
        if c not in counts:
            raise ValueError(f"derived: {c!r} is not one of the count columns {counts}")
    for c in counts:
        dtype = df.schema[c]
        if not dtype.is_integer():
            raise ValueError(f"count column {c!r} must hold integers, not {dtype}")
        if (df.get_column(c) < 0).any():
            raise ValueError(f"count column {c!r} holds a negative count; counts are >= 0")
    if by is None:
        across_cols: list[str] = []
    elif across is not None:
        across_cols = list(across)
    else:
        skip = {*counts, *by_cols, *derived_cols}
        across_cols = [c for c in df.columns if c not in skip and not df.schema[c].is_float()]
    keys = [*by_cols, *across_cols]
    if keys and df.select(keys).is_duplicated().any():
        raise ValueError(
            f"the key columns {keys} do not identify one row per cell; aggregate first, or "
            "pass `across=` with the columns that name a cell within a `by` group"
        )

    row_ids = _group_ids(df, by_cols) if by is not None else [0] * df.height
    col_ids = _group_ids(df, across_cols) if across_cols else None

    out = df
    for c in counts:
        values = df.get_column(c).to_list()
        hidden = [v is not None and 1 <= v <= k - 1 for v in values]
        if secondary and any(hidden):
            hidden = _complement(values, hidden, row_ids, col_ids, k, c)
        flag = pl.Series(f"{c}_suppressed", hidden, dtype=pl.Boolean)
        display = pl.Series(
            f"{c}_display",
            [
                None if v is None else (shown if h else str(v))
                for v, h in zip(values, hidden, strict=True)
            ],
            dtype=pl.String,
        )
        out = out.with_columns(display, flag).with_columns(
            pl.when(pl.col(f"{c}_suppressed")).then(None).otherwise(pl.col(c)).alias(c),
            *(
                pl.when(pl.col(f"{c}_suppressed")).then(None).otherwise(pl.col(d)).alias(d)
                for d in derived.get(c, [])
            ),
        )
    return out


def _group_ids(df: pl.DataFrame, cols: list[str]) -> list[int]:
    """A group number per row (stable: in order of first appearance)."""
    if not cols:
        return [0] * df.height
    seen: dict[tuple, int] = {}
    return [seen.setdefault(key, len(seen)) for key in df.select(cols).iter_rows()]


def _hidden_margins(values: list[int | None], ids: list[int], k: int) -> set[int]:
    """Lines whose totals the margins table, itself suppressed, does not show."""
    totals: dict[int, int] = {}
    for v, g in zip(values, ids, strict=True):
        totals[g] = totals.get(g, 0) + (v or 0)
    size = Counter(ids)
    lines = sorted(totals)
    margins = pl.DataFrame({"n": [totals[g] for g in lines]}, schema={"n": pl.Int64})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the caller warns about cells, not margins
        shown = suppress_small_counts(margins, "n", k=k)["n_suppressed"].to_list()
    return {g for g, h in zip(lines, shown, strict=True) if h or size[g] == 1}


def _complement(
    values: list[int | None],
    hidden: list[bool],
    row_ids: list[int],
    col_ids: list[int] | None,
    k: int,
    name: str,
) -> list[bool]:
    """Hide further cells until no hidden cell is a bridge of the line graph."""
    hidden = list(hidden)
    n = len(values)

    if col_ids is None:
        # One-way: the only line is the whole table; the other end of every cell is the
        # grand total too, so two hidden cells always form a cycle.
        cell_ends = [(("row", row_ids[i]), _HIDDEN_COLS) for i in range(n)]
    else:
        hidden_rows = _hidden_margins(values, row_ids, k)
        hidden_cols = _hidden_margins(values, col_ids, k)
        cell_ends = [
            (
                _HIDDEN_ROWS if row_ids[i] in hidden_rows else ("row", row_ids[i]),
                _HIDDEN_COLS if col_ids[i] in hidden_cols else ("col", col_ids[i]),
            )
            for i in range(n)
        ]
    # The graph of hidden cells grows by one edge per complement; a union-find keeps its
    # components, and each line's cells are indexed, so that the common case (a line
    # holding one hidden cell: a leaf) costs the size of that line, not of the table.
    graph = nx.MultiGraph()
    components = UnionFind()
    members: dict[tuple, list[int]] = {}
    for i in range(n):
        for node in cell_ends[i]:
            members.setdefault(node, []).append(i)

    def hide(j: int) -> None:
        hidden[j] = True
        a, b = cell_ends[j]
        graph.add_edge(a, b, key=j)
        components.union(a, b)

    for i in range(n):
        if hidden[i]:
            hidden[i] = False
            hide(i)

    def shown_in(node: tuple) -> list[int]:
        return [j for j in members[node] if not hidden[j] and (values[j] or 0) > 0]

    def in_graph(node: tuple) -> bool:
        return graph.has_node(node)  # edges are never removed: a node in it has one

    def smallest(pool: list[int]) -> int:
        return min(pool, key=lambda j: (values[j], j))

    def other_end(j: int, node: tuple) -> tuple:
        a, b = cell_ends[j]
        return b if a == node else a

    def smaller_side(i: int) -> set[tuple] | None:
        """The smaller side of hidden cell ``i``'s edge, or None if it is not a bridge.

        Two searches, from both ends, without the edge, advance in turn: when they meet,
        the edge is on a cycle; when one runs out, its nodes are a side. The cost is the
        size of the smaller side (one node for a leaf), not of the whole graph.
        """
        a, b = cell_ends[i]
        seen = ({a}, {b})
        todo = ([a], [b])
        while todo[0] and todo[1]:
            for side in (0, 1):
                node = todo[side].pop()
                for nbr, keys in graph.adj[node].items():
                    if keys.keys() == {i}:
                        continue  # the edge itself
                    if nbr in seen[1 - side]:
                        return None
                    if nbr not in seen[side]:
                        seen[side].add(nbr)
                        todo[side].append(nbr)
                if not todo[side]:
                    return seen[side]
        return seen[0] if not todo[0] else seen[1]

    def fix(i: int) -> int | None:
        """The cell to hide for bridge ``i``; None if none can; -1 if not a bridge."""
        side = smaller_side(i)
        if side is None:
            return -1
        a, b = cell_ends[i]
        root = components[a]
        # Closing: one end on the small side, the other across the bridge.
        closing = [
            j
            for node in side
            for j in shown_in(node)
            if other_end(j, node) not in side and components[other_end(j, node)] == root
        ]
        if closing:
            return smallest(closing)
        extending = sorted(set(shown_in(a)) | set(shown_in(b)))
        # Prefer a cell whose other line already holds a hidden cell: it joins two groups
        # of hidden cells, so one more cell is often enough to close a cycle.
        joining = [j for j in extending if all(in_graph(e) for e in cell_ends[j])]
        pool = joining or extending
        return smallest(pool) if pool else None

    warned: set[int] = set()
    while True:
        by_pair = {frozenset((a, b)): key for a, b, key in graph.edges(keys=True)}
        bridges = sorted(by_pair[frozenset(e)] for e in nx.bridges(graph))
        bridges = [i for i in bridges if i not in warned]
        if not bridges:
            return hidden
        for i in bridges:
            j = fix(i)
            if j == -1:
                continue  # an earlier complement of this round closed a cycle through it
            if j is None:
                warned.add(i)
                warnings.warn(
                    f"suppress_small_counts: a hidden {name!r} cell (row {i + 1} of the "
                    "table) could be worked back from the row and column totals, and no "
                    "other non-zero cell of its lines can be hidden to prevent it. Publish "
                    "those totals only through suppress_small_counts, or merge small "
                    "categories.",
                    stacklevel=3,
                )
                continue
            hide(j)
