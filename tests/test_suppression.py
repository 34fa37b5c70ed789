"""Small-cell suppression: small counts are hidden, zero is shown, and no hidden value can
be worked back from the published row and column totals, neither by one subtraction nor
by solving all the totals together (checked with numpy's rank, an engine independent of
the graph method the function uses).

Published totals, as documented: the grand total and the row and column totals as their
own margins tables show them after suppression.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.privacy import suppress_small_counts


def grid(values: list[list[int]]) -> pl.DataFrame:
    """A long table: one row per (case_type, period) cell."""
    rows = [
        {"case_type": f"type_{r}", "period": f"2024-Q{c + 1}", "n": v}
        for r, line in enumerate(values)
        for c, v in enumerate(line)
    ]
    return pl.DataFrame(rows)


def published_lines(df: pl.DataFrame, keys: list[list[str]], k: int):
    """(member row indices, total) of every published total: the grand total, and each
    line total that its margins table, itself suppressed, shows (a one-cell line's total
    is that cell: never a separate figure)."""
    indexed = df.with_row_index("i")
    grand = int(df["n"].sum())
    out = [(indexed["i"].to_list(), grand)] if not 1 <= grand <= k - 1 else []
    for key in keys:
        lines = [
            (members["i"].to_list(), int(members["n"].sum()))
            for _, members in indexed.group_by(key, maintain_order=True)
        ]
        margins = pl.DataFrame({"n": [t for _, t in lines]}, schema={"n": pl.Int64})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            shown = ~suppress_small_counts(margins, "n", k=k)["n_suppressed"]
        out += [line for line, ok in zip(lines, shown, strict=True) if ok and len(line[0]) > 1]
    return out


def subtraction_attack(original: pl.DataFrame, result: pl.DataFrame, keys, k: int) -> list[int]:
    """Rows whose hidden value one subtraction (line total minus shown cells) gives back."""
    hidden = result["n_suppressed"].to_list()
    shown = result["n"].to_list()
    recovered = []
    for members, total in published_lines(original, keys, k):
        unknown = [i for i in members if hidden[i]]
        if len(unknown) == 1:
            value = total - sum(shown[i] for i in members if not hidden[i])
            assert value == original["n"][unknown[0]]  # the attack works when it applies
            recovered.append(unknown[0])
    return recovered


def determined_by_totals(original: pl.DataFrame, result: pl.DataFrame, keys, k: int) -> list[int]:
    """Hidden rows whose value is fixed by the system of all published totals."""
    hidden = [i for i, h in enumerate(result["n_suppressed"].to_list()) if h]
    if not hidden:
        return []
    col = {i: j for j, i in enumerate(hidden)}
    lines = published_lines(original, keys, k)
    a = np.zeros((max(len(lines), 1), len(hidden)))
    for r, (members, _total) in enumerate(lines):
        for i in members:
            if i in col:
                a[r, col[i]] = 1.0
    rank = np.linalg.matrix_rank(a)
    found = []
    for i in hidden:
        e = np.zeros((1, len(hidden)))
        e[0, col[i]] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            found.append(i)
    return found


def test_one_way_table_hides_a_second_cell():
    t = pl.DataFrame({"case_type": ["deepfakes", "leaks", "tributes"], "n": [3, 12, 40]})
    r = suppress_small_counts(t, "n")
    assert r["n_display"].to_list() == ["<5", "<5", "40"]
    assert r["n_suppressed"].to_list() == [True, True, False]
    assert r["n"].to_list() == [None, None, 40]
    keys = [["all"]]
    t2, r2 = t.with_columns(all=pl.lit(1)), r.with_columns(all=pl.lit(1))
    assert subtraction_attack(t2, r2, keys, 5) == []
    assert determined_by_totals(t2, r2, keys, 5) == []


def test_two_way_table_worked_example():
    t = grid([[3, 10, 20], [8, 0, 30], [12, 15, 2]])
    r = suppress_small_counts(t, "n", by=["case_type"])
    # The two small cells and the two cells that close a rectangle with them.
    assert r["n_display"].to_list() == ["<5", "10", "<5", "8", "0", "30", "<5", "15", "<5"]
    keys = [["case_type"], ["period"]]
    assert subtraction_attack(t, r, keys, 5) == []
    assert determined_by_totals(t, r, keys, 5) == []
    # Without secondary suppression both attacks succeed: the tests can fail.
    p = suppress_small_counts(t, "n", by=["case_type"], secondary=False)
    assert p["n_display"].to_list() == ["<5", "10", "20", "8", "0", "30", "12", "15", "<5"]
    assert sorted(set(subtraction_attack(t, p, keys, 5))) == [0, 8]
    assert sorted(determined_by_totals(t, p, keys, 5)) == [0, 8]


def test_zero_is_shown_and_never_hidden():
    t = grid([[0, 3, 1], [0, 7, 9], [0, 40, 11]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = suppress_small_counts(t, "n", by=["case_type"])
    zeros = t["n"] == 0
    assert not r.filter(zeros)["n_suppressed"].any()
    assert set(r.filter(zeros)["n_display"].to_list()) == {"0"}


def test_threshold_is_configurable_with_its_marker():
    t = pl.DataFrame({"g": list("abcdef"), "n": [0, 1, 7, 8, 10, 11]})
    cms = suppress_small_counts(t, "n", k=11, secondary=False)
    assert cms["n_display"].to_list() == ["0", "<11", "<11", "<11", "<11", "11"]
    nhs = suppress_small_counts(t, "n", k=8, marker="*", secondary=False)
    assert nhs["n_display"].to_list() == ["0", "*", "*", "8", "10", "11"]
    none = suppress_small_counts(t, "n", k=1)
    assert not none["n_suppressed"].any()


def test_derived_columns_are_nulled_with_their_count():
    t = pl.DataFrame(
        {"g": ["a", "b", "c"], "n": [2, 30, 60], "share": [0.02, 0.33, 0.65], "lo": [0.0, 0.2, 0.5]}
    )
    r = suppress_small_counts(t, "n", derived={"n": ["share", "lo"]})
    assert r["share"].to_list() == [None, None, 0.65]
    assert r["lo"].to_list() == [None, None, 0.5]


def test_several_count_columns_rows_order_and_other_columns_kept():
    t = pl.DataFrame(
        {"g": ["c", "a", "b"], "cases": [50, 2, 20], "referrals": [9, 6, None], "note": ["x"] * 3}
    )
    r = suppress_small_counts(t, ["cases", "referrals"])
    assert r["g"].to_list() == ["c", "a", "b"] and r["note"].to_list() == ["x"] * 3
    assert r["cases_display"].to_list() == ["50", "<5", "<5"]
    assert r["referrals_display"].to_list() == ["9", "6", None]  # null stays null
    assert r["referrals_suppressed"].to_list() == [False, False, False]
    assert r.columns[:4] == ["g", "cases", "referrals", "note"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count_cols": "nope"}, "no column 'nope'"),
        ({"count_cols": "share"}, "must hold integers"),
        ({"count_cols": "n", "by": ["missing"]}, "no column 'missing'"),
        ({"count_cols": "n", "k": 0}, "k must be at least 1"),
        ({"count_cols": "n", "derived": {"m": ["share"]}}, "no column 'm'"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(kwargs, message):
    t = pl.DataFrame({"g": ["a", "b"], "n": [1, 9], "share": [0.1, 0.9]})
    with pytest.raises(ValueError, match=message):
        suppress_small_counts(t, **kwargs)


def test_negative_counts_and_duplicate_cells_are_refused():
    with pytest.raises(ValueError, match="negative"):
        suppress_small_counts(pl.DataFrame({"g": ["a"], "n": [-1]}), "n")
    dup = pl.DataFrame({"g": ["a", "a"], "p": ["x", "x"], "n": [1, 2]})
    with pytest.raises(ValueError, match="one row per cell"):
        suppress_small_counts(dup, "n", by=["g"])


def test_a_cell_alone_in_its_lines_is_warned_about():
    # The 3 is type_1's total (23) minus Q2's total (20, Q2's only non-zero cell): every
    # line holding it has no other non-zero cell that hiding would not give away too.
    t = grid([[0, 0, 20], [0, 20, 3]])
    with pytest.warns(UserWarning, match="could be worked back"):
        r = suppress_small_counts(t, "n", by=["case_type"])
    assert r["n_display"][5] == "<5"
    assert 5 in determined_by_totals(t, r, [["case_type"], ["period"]], 5)  # the warning is true


small_heavy = st.one_of(st.integers(0, 0), st.integers(1, 4), st.integers(5, 60))


@given(
    st.integers(1, 5).flatmap(
        lambda ncols: st.lists(
            st.lists(small_heavy, min_size=ncols, max_size=ncols), min_size=1, max_size=5
        )
    ),
    st.sampled_from([3, 5, 11]),
)
def test_random_tables_no_hidden_value_recoverable(values, k):
    t = grid(values)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = suppress_small_counts(t, "n", by=["case_type"], k=k)
    n = t["n"].to_list()
    hidden = r["n_suppressed"].to_list()
    # Primary: exactly the small counts are hidden among those not hidden as complements.
    assert all(hidden[i] for i, v in enumerate(n) if 1 <= v <= k - 1)
    assert not any(hidden[i] for i, v in enumerate(n) if v == 0)
    assert [d for d, h in zip(r["n_display"], hidden, strict=True) if h] == [f"<{k}"] * sum(hidden)
    assert [d for d, h, v in zip(r["n_display"], hidden, n, strict=True) if not h] == [
        str(v) for v, h in zip(n, hidden, strict=True) if not h
    ]
    keys = [["case_type"], ["period"]]
    if not caught:
        assert subtraction_attack(t, r, keys, k) == []
        assert determined_by_totals(t, r, keys, k) == []


def test_label_columns_are_left_out_with_across():
    t = grid([[3, 10, 20], [8, 0, 30], [12, 15, 2]])
    plain = suppress_small_counts(t, "n", by=["case_type"])
    labelled = t.with_columns(label=pl.col("case_type").str.replace("type_", "Type "))
    r = suppress_small_counts(labelled, "n", by=["case_type"], across=["period"])
    assert r["n_display"].to_list() == plain["n_display"].to_list()
    assert r["label"].to_list() == labelled["label"].to_list()


@given(st.lists(small_heavy, min_size=1, max_size=12))
def test_random_one_way_tables(values):
    t = pl.DataFrame({"case_type": [f"type_{i}" for i in range(len(values))], "n": values})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = suppress_small_counts(t, "n")
    hidden = r["n_suppressed"].to_list()
    assert all(hidden[i] for i, v in enumerate(values) if 1 <= v <= 4)
    assert not any(hidden[i] for i, v in enumerate(values) if v == 0)
    if caught:  # only when the small count is the table's only non-zero count
        assert sum(1 for v in values if v > 0) == 1
    else:
        # The grand total is the one published line: one hidden cell alone would be exact.
        assert sum(hidden) != 1
