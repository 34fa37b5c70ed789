"""Recurring indicators: how often each warning sign is seen, which signs go together,
and how that changes over time.

Every function takes a CaseBook (eager or lazy) and returns a tidy polars DataFrame
sorted deterministically. Counts are of *cases* (a sign seen in a case counts once per
case: the data model keeps ``indicators`` unique on ``case_id, code``).

Content warning: the indicator codes describe non-consensual intimate imagery, sexual
deepfakes and child sexual exploitation signals, in abstract terms only.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy import stats

from toolkit import taxonomy as tx
from toolkit._analyses import table, with_wilson
from toolkit.model import CaseBook

__all__ = ["case_types_by_period", "cooccurrence", "prevalence", "signatures", "trend"]

_CODE = tx.enum("indicators")
_K = len(tx.INDICATORS)


def _by_columns(book: CaseBook, by: str | Sequence[str] | None) -> tuple[list[str], list[str]]:
    """Split ``by`` into columns of ``cases`` and of ``planted`` (synthetic data only)."""
    if by is None:
        return [], []
    cols = [by] if isinstance(by, str) else list(by)
    case_cols = list(_schema(book.cases))
    planted_cols = [] if book.planted is None else list(_schema(book.planted))
    from_cases, from_planted = [], []
    for col in cols:
        if col in ("case_id", "code"):
            raise ValueError(f"`by` cannot be {col!r}: group by a property of cases")
        if col in case_cols:
            from_cases.append(col)
        elif col in planted_cols:
            from_planted.append(col)
        else:
            extra = f"; of `planted`: {planted_cols[1:]}" if planted_cols else ""
            raise ValueError(
                f"`by` names {col!r}, which is not a column of `cases` "
                f"(columns of `cases`: {case_cols[1:]}{extra})"
            )
    return from_cases, from_planted


def _schema(frame: pl.DataFrame | pl.LazyFrame) -> pl.Schema:
    return frame.collect_schema() if isinstance(frame, pl.LazyFrame) else frame.schema


def _case_groups(book: CaseBook, from_cases: list[str], from_planted: list[str]) -> pl.DataFrame:
    cases = table(book, "cases", ["case_id", *from_cases])
    if from_planted:
        planted = table(book, "planted", ["case_id", *from_planted])
        cases = cases.join(planted, on="case_id", how="left")
    return cases


def _codes_frame() -> pl.DataFrame:
    return pl.DataFrame({"code": pl.Series(tx.INDICATORS, dtype=_CODE)})


def prevalence(
    book: CaseBook, by: str | Sequence[str] | None = None, *, confidence: float = 0.95
) -> pl.DataFrame:
    """Prevalence [prévalence] of every indicator code among cases, with Wilson intervals.

    Parameters
    ----------
    book
        A CaseBook (eager or lazy).
    by
        ``None`` (all cases), or one or several columns of ``cases`` to group by
        (``"case_type"``, ``"platform_kind"``, ``"period"``, …). On synthetic data a
        column of ``planted`` (``"archetype"``, ``"path"``) is also accepted.
    confidence
        Confidence level of the interval (default 0.95).

    Returns
    -------
    polars.DataFrame
        The ``by`` columns (a null group is kept as its own group), then ``code``
        (Enum, every taxonomy code, also those seen in no case), ``n_cases`` (cases of
        the group with the code), ``n_total`` (cases in the group), ``share``,
        ``ci_low``, ``ci_high`` (null when ``n_total`` is 0). Sorted by the ``by``
        columns (nulls last) then code in taxonomy order.

    Notes
    -----
    ``share = n_cases / n_total``. The interval is Wilson's score interval
    (Wilson 1927), which keeps good coverage for small counts and shares near 0 or 1,
    unlike the normal (Wald) interval::

        centre = (n·p + z²/2) / (n + z²),
        half   = z / (n + z²) · √(n·p·(1−p) + z²/4),     z = Φ⁻¹(1 − α/2)

    with the bound set to 0 when ``n_cases = 0`` and to 1 when ``n_cases = n_total``,
    exactly as ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``, which
    is the reference: the same formula is evaluated over arrays here because
    ``binomtest`` takes one proportion per call (a test checks both agree to 1e-12).

    References
    ----------
    E. B. Wilson, "Probable inference, the law of succession, and statistical
    inference", JASA 22 (1927) 209–212. R. G. Newcombe, "Two-sided confidence intervals
    for the single proportion", Statistics in Medicine 17 (1998) 857–872.

    Examples
    --------
    >>> import toolkit as vt
    >>> from toolkit.model import CaseBook, example_cases
    >>> import polars as pl
    >>> book = CaseBook.from_frames(
    ...     cases=pl.DataFrame({"case_id": ["AB1", "CD2"], "title": ["t", "t"],
    ...         "case_type": ["deepfakes", "leaks_tributes"], "platform_kind": [None, None],
    ...         "discovered_via": [None, None], "members_band": [None, None],
    ...         "period": [None, None], "observer_id": ["obs-01", "obs-01"],
    ...         "observed_until": [10, 10], "source": ["synthetic", "synthetic"]}),
    ...     indicators=pl.DataFrame({"case_id": ["AB1", "AB1", "CD2"],
    ...         "code": ["content.sexual_deepfake", "target.public_figure",
    ...                  "target.public_figure"], "evidence": [None, None, None]}))
    >>> out = prevalence(book)
    >>> out.filter(pl.col("n_cases") > 0).select("code", "n_cases", "n_total", "share").rows()
    [('target.public_figure', 2, 2, 1.0), ('content.sexual_deepfake', 1, 2, 0.5)]
    >>> out.height == len(vt.taxonomy.INDICATORS)
    True
    """
    from_cases, from_planted = _by_columns(book, by)
    by_cols = [*from_cases, *from_planted]
    ind = table(book, "indicators", ["case_id", "code"])
    if not by_cols:
        n_total = table(book, "cases", ["case_id"]).height
        hits = ind.group_by("code").agg(pl.len().cast(pl.Int64).alias("n_cases"))
        out = (
            _codes_frame()
            .join(hits, on="code", how="left")
            .with_columns(
                pl.col("n_cases").fill_null(0), pl.lit(n_total, dtype=pl.Int64).alias("n_total")
            )
        )
    else:
        groups = _case_groups(book, from_cases, from_planted)
        totals = (
            groups.group_by(by_cols)
            .agg(pl.len().cast(pl.Int64).alias("n_total"))
            .sort(by_cols, nulls_last=True)
            .with_row_index("group")
        )
        case_group = groups.join(
            totals.select("group", *by_cols), on=by_cols, how="left", nulls_equal=True
        ).select("case_id", "group")
        # Counts per group = G·X, with G the (groups × incidence rows) membership matrix:
        # one join of ~N case ids instead of one per indicator row.
        x, row_ids, _ = _incidence_rows(book)
        row_group = (
            row_ids.to_frame()
            .join(case_group, on="case_id", how="left", maintain_order="left")
            .get_column("group")
        )
        known = row_group.is_not_null().to_numpy()
        g = sp.csr_array(
            (
                np.ones(int(known.sum()), dtype=np.int64),
                (row_group.drop_nulls().to_numpy(), np.flatnonzero(known)),
            ),
            shape=(totals.height, x.shape[0]),
        )
        hits = (g @ x).toarray() if x.shape[0] else np.zeros((totals.height, _K), np.int64)
        out = totals.join(_codes_frame(), how="cross", maintain_order="left_right").with_columns(
            pl.Series("n_cases", hits.reshape(-1), dtype=pl.Int64)
        )
    out = out.select(*by_cols, "code", "n_cases", "n_total")
    out = out.sort([*by_cols, "code"], nulls_last=True)
    return with_wilson(out, confidence=confidence)


def _incidence(book: CaseBook) -> tuple[sp.csr_array, int]:
    """The case × code incidence matrix (1 where the case shows the code) and N cases.

    Rows are cases that have at least one indicator (cases with none add nothing to
    any count but ``N``); columns follow the taxonomy order.
    """
    x, _, n_total = _incidence_rows(book)
    return x, n_total


def _incidence_rows(book: CaseBook) -> tuple[sp.csr_array, pl.Series, int]:
    """``_incidence`` plus the ``case_id`` of each matrix row."""
    n_total = table(book, "cases", ["case_id"]).height
    ind = table(book, "indicators", ["case_id", "code"])
    if ind.height == 0:
        return sp.csr_array((0, _K), dtype=np.int64), pl.Series("case_id", [], pl.String), n_total
    ids = ind.get_column("case_id")
    cols = ind.get_column("code").to_physical().to_numpy().astype(np.int32, copy=False)
    ones = np.ones(len(cols), dtype=np.int64)
    if ids.is_sorted():
        # The rows of a case are contiguous (tables written by the toolkit are sorted by
        # case_id): the CSR row pointers are the run starts, no string join needed.
        starts = (
            ind.select((pl.col("case_id") != pl.col("case_id").shift()).fill_null(True))
            .to_series()
            .arg_true()
            .to_numpy()
        )
        indptr = np.append(starts, len(cols)).astype(np.int64)
        x = sp.csr_array((ones, cols, indptr), shape=(len(starts), _K))
        row_ids = ids.gather(starts)
    else:
        rows = ind.select(pl.col("case_id").rank("dense") - 1).to_series().to_numpy()
        x = sp.csr_array((ones, (rows, cols)), shape=(int(rows.max()) + 1, _K))
        row_ids = ids.unique().sort()  # dense rank r is the r-th smallest case_id
    return x, row_ids.alias("case_id"), n_total


def _distinct_rows(x: sp.csr_array) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of the incidence matrix (as 0/1 columns) and how many cases
    share each: far fewer rows than cases (about 100,000 distinct code sets at 1M
    cases), so every count after this is one dense product."""
    weights = np.int64(1) << np.arange(_K, dtype=np.int64)
    masks, counts = np.unique(x @ weights, return_counts=True)
    # float64 so the products below run on BLAS; counts stay exact below 2**53.
    bits = ((masks[:, None] >> np.arange(_K)) & 1).astype(np.float64)
    return bits, counts.astype(np.float64)


def _exact(counts: np.ndarray) -> np.ndarray:
    return np.rint(counts).astype(np.int64)


def cooccurrence(book: CaseBook) -> pl.DataFrame:
    """Co-occurrence of every pair of indicator codes, with a test against chance.

    Parameters
    ----------
    book
        A CaseBook (eager or lazy).

    Returns
    -------
    polars.DataFrame
        One row per pair ``code_a < code_b`` in taxonomy order (all
        ``K·(K−1)/2`` pairs, also those never seen): ``code_a``, ``code_b`` (Enum),
        ``n_a``, ``n_b`` (cases with each code), ``n_both`` (cases with both),
        ``jaccard``, ``lift``, ``p_value``, ``q_value``. Sorted by ``code_a``, ``code_b``.

    Notes
    -----
    With ``N`` cases:

    - Jaccard index ``J = n_both / (n_a + n_b − n_both)`` (null when neither code is
      seen);
    - lift ``= n_both · N / (n_a · n_b)``: observed over expected co-occurrence if the
      two codes were independent (1 = as by chance; null when a code is never seen);
    - ``p_value``: one-sided Fisher exact test for positive association, computed as
      the hypergeometric survival ``P(X ≥ n_both)`` with ``X ~ Hypergeom(N, n_a, n_b)``
      (``scipy.stats.hypergeom.sf(n_both − 1, N, n_a, n_b)``, identical to
      ``scipy.stats.fisher_exact(table, alternative="greater")``);
    - ``q_value``: Benjamini–Hochberg adjusted p-values over all testable pairs
      (``scipy.stats.false_discovery_control``): call a pair a pattern only when
      ``q < 0.05``, so at most 5 % of the patterns shown are expected to be noise.

    A pair where one code is never seen cannot be tested: its ``p_value`` and
    ``q_value`` are null and it is left out of the BH family. Counts come from the
    sparse incidence matrix ``X`` (cases × codes): ``XᵀX`` holds ``n_both`` off the
    diagonal and ``n_a`` on it.

    References
    ----------
    R. A. Fisher, "On the interpretation of χ² from contingency tables", JRSS 85 (1922).
    Y. Benjamini and Y. Hochberg, "Controlling the false discovery rate", JRSS B 57
    (1995) 289–300. S. Brin et al., "Dynamic itemset counting and implication rules for
    market basket data", SIGMOD 1997 (lift).

    Examples
    --------
    >>> import polars as pl
    >>> from toolkit.model import CaseBook, example_cases
    >>> book = CaseBook.from_frames(
    ...     cases=pl.DataFrame({"case_id": ["AB1", "CD2", "EF3", "GH4"], "title": ["t"] * 4,
    ...         "case_type": ["deepfakes"] * 3 + ["unclassified"], "platform_kind": [None] * 4,
    ...         "discovered_via": [None] * 4, "members_band": [None] * 4,
    ...         "period": [None] * 4, "observer_id": ["obs-01"] * 4,
    ...         "observed_until": [10] * 4, "source": ["synthetic"] * 4}),
    ...     indicators=pl.DataFrame({"case_id": ["AB1", "AB1", "CD2", "CD2", "EF3"],
    ...         "code": ["target.public_figure", "content.sexual_deepfake"] * 2
    ...                 + ["content.sexual_deepfake"], "evidence": [None] * 5}))
    >>> pair = cooccurrence(book).filter(pl.col("n_both") > 0)
    >>> pair.select("code_a", "code_b", "n_a", "n_b", "n_both", "jaccard", "lift").rows()
    [('target.public_figure', 'content.sexual_deepfake', 2, 3, 2, 0.6666666666666666, 1.3333333333333333)]
    >>> round(pair.item(0, "p_value"), 4)  # 2 of 3 deepfake cases show both: by chance?
    0.5
    """
    x, n_total = _incidence(book)
    bits, counts = _distinct_rows(x)
    gram = _exact(bits.T @ (bits * counts[:, None]))  # = XᵀX
    ia, ib = np.triu_indices(_K, k=1)
    n_a = np.diag(gram)[ia].astype(np.int64)
    n_b = np.diag(gram)[ib].astype(np.int64)
    n_both = gram[ia, ib].astype(np.int64)
    union = n_a + n_b - n_both
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, n_both / union, np.nan)
        lift = np.where((n_a > 0) & (n_b > 0), n_both * float(n_total) / (n_a * n_b), np.nan)
    testable = (n_a > 0) & (n_b > 0)
    p = np.full(len(ia), np.nan)
    q = np.full(len(ia), np.nan)
    if testable.any():
        p[testable] = stats.hypergeom.sf(
            n_both[testable] - 1, n_total, n_a[testable], n_b[testable]
        )
        q[testable] = stats.false_discovery_control(p[testable], method="bh")
    codes = np.array(tx.INDICATORS)
    return pl.DataFrame(
        {
            "code_a": pl.Series(codes[ia], dtype=_CODE),
            "code_b": pl.Series(codes[ib], dtype=_CODE),
            "n_a": n_a,
            "n_b": n_b,
            "n_both": n_both,
            "jaccard": jaccard,
            "lift": lift,
            "p_value": p,
            "q_value": q,
        }
    ).with_columns(pl.col("jaccard", "lift", "p_value", "q_value").fill_nan(None))


def signatures(
    book: CaseBook, min_support: float = 0.01, max_size: int = 3, *, min_cases: int = 5
) -> pl.DataFrame:
    """Signatures: frequent sets of two or three indicator codes seen together.

    Parameters
    ----------
    book
        A CaseBook (eager or lazy).
    min_support
        Smallest share of all cases a set must be seen in (default 0.01, i.e. 1 %).
    max_size
        Largest set size, 2 or 3 (default 3).
    min_cases
        Smallest number of cases a set must be seen in (default 5): below it a
        signature could point at a single space, and counts of 1–4 are not published.

    Returns
    -------
    polars.DataFrame
        One row per frequent set: ``codes`` (List of codes, taxonomy order), ``size``,
        ``n_cases``, ``support``, ``antecedent`` (List), ``consequent`` (code),
        ``confidence``, ``lift``. Sorted by support descending, then codes in taxonomy
        order.

    Notes
    -----
    For a set ``S`` of codes seen together in ``n(S)`` of ``N`` cases:
    ``support(S) = n(S) / N``. Each set gives ``|S|`` rules ``S∖{c} → c``; the row
    reports the rule with the highest confidence (ties: the consequent first in
    taxonomy order), ``confidence = n(S) / n(S∖{c})`` (the share of cases with the
    antecedent that also show ``c``) and ``lift = confidence / support({c})``
    (> 1: the antecedent makes ``c`` more likely than in general). For pairs the lift
    is the same as in ``cooccurrence``. Sets are found level-wise (Apriori: a triple
    is only counted when all its pairs are frequent); counts come from the distinct
    rows of the sparse incidence matrix, weighted by how many cases share each row.

    References
    ----------
    R. Agrawal and R. Srikant, "Fast algorithms for mining association rules",
    VLDB 1994 (support, confidence, Apriori). S. Brin et al., SIGMOD 1997 (lift).

    Examples
    --------
    >>> import polars as pl
    >>> from toolkit.model import CaseBook, example_cases
    >>> ids = [f"AB{i}" for i in range(10)]
    >>> book = CaseBook.from_frames(
    ...     cases=pl.DataFrame({"case_id": ids, "title": ["t"] * 10,
    ...         "case_type": ["deepfakes"] * 10, "platform_kind": [None] * 10,
    ...         "discovered_via": [None] * 10, "members_band": [None] * 10,
    ...         "period": [None] * 10, "observer_id": ["obs-01"] * 10,
    ...         "observed_until": [10] * 10, "source": ["synthetic"] * 10}),
    ...     indicators=pl.DataFrame({"case_id": ids + ids[:6],
    ...         "code": ["content.sexual_deepfake"] * 10 + ["target.public_figure"] * 6,
    ...         "evidence": [None] * 16}))
    >>> signatures(book, min_support=0.5).select(
    ...     "codes", "n_cases", "support", "consequent", "confidence", "lift").rows()
    [(['target.public_figure', 'content.sexual_deepfake'], 6, 0.6, 'content.sexual_deepfake', 1.0, 1.0)]
    """
    if max_size not in (2, 3):
        raise ValueError(f"max_size must be 2 or 3, not {max_size!r}")
    if not 0 < min_support <= 1:
        raise ValueError(f"min_support is a share of cases in (0, 1], not {min_support!r}")
    x, n_total = _incidence(book)
    threshold = max(min_support * n_total, min_cases)
    bits, counts = _distinct_rows(x)
    weighted = bits * counts[:, None]
    single = _exact(counts @ bits)
    pair = _exact(weighted.T @ bits)

    frequent: dict[tuple[int, ...], int] = {}
    for a, b in combinations(range(_K), 2):
        if pair[a, b] >= threshold and pair[a, b] > 0:
            frequent[(a, b)] = int(pair[a, b])
    if max_size == 3 and frequent:
        pairs = list(frequent)
        # n(a, b, c) for every frequent pair (a, b) and every c, in one product.
        both = bits[:, [a for a, _ in pairs]] * bits[:, [b for _, b in pairs]]
        triple = _exact(both.T @ weighted)
        for row, (a, b) in enumerate(pairs):
            for c in range(b + 1, _K):
                if (a, c) in frequent and (b, c) in frequent and triple[row, c] >= threshold:
                    frequent[(a, b, c)] = int(triple[row, c])
    rows = []
    for items, n in frequent.items():
        best = None
        for c in items:
            rest = tuple(i for i in items if i != c)
            n_rest = int(single[rest[0]]) if len(rest) == 1 else int(pair[rest[0], rest[1]])
            conf = n / n_rest
            if best is None or conf > best[0]:
                best = (conf, rest, c)
        conf, rest, c = best
        lift = conf / (single[c] / n_total)
        rows.append((items, n, rest, c, conf, float(lift)))
    rows.sort(key=lambda r: (-r[1], r[0]))
    names = tx.INDICATORS
    return pl.DataFrame(
        {
            "codes": pl.Series([[names[i] for i in r[0]] for r in rows], dtype=pl.List(_CODE)),
            "size": pl.Series([len(r[0]) for r in rows], dtype=pl.Int8),
            "n_cases": pl.Series([r[1] for r in rows], dtype=pl.Int64),
            "support": pl.Series([r[1] / n_total for r in rows], dtype=pl.Float64),
            "antecedent": pl.Series([[names[i] for i in r[2]] for r in rows], dtype=pl.List(_CODE)),
            "consequent": pl.Series([names[r[3]] for r in rows], dtype=_CODE),
            "confidence": pl.Series([r[4] for r in rows], dtype=pl.Float64),
            "lift": pl.Series([r[5] for r in rows], dtype=pl.Float64),
        }
    )


def trend(
    book: CaseBook, code: str | Sequence[str] | None = None, *, confidence: float = 0.95
) -> pl.DataFrame:
    """Prevalence of indicator codes per period [tendance par période], with intervals.

    Parameters
    ----------
    book
        A CaseBook (eager or lazy).
    code
        One code, a list of codes, or ``None`` for every code.
    confidence
        Confidence level of the Wilson interval (default 0.95).

    Returns
    -------
    polars.DataFrame
        ``period``, ``code``, ``n_cases``, ``n_total`` (cases of the period),
        ``share``, ``ci_low``, ``ci_high``; periods in chronological order
        (``2024-Q4`` before ``2025-Q1``), then codes in taxonomy order. Cases with no
        period cannot be placed in time and are left out.

    Notes
    -----
    Per period ``t``: ``share_t = n_cases_t / n_total_t`` with the Wilson score
    interval, as in ``prevalence(book, by="period")``. Two periods differ beyond
    chance only when their intervals barely overlap; compare with care when
    ``n_total`` is small.

    References
    ----------
    E. B. Wilson, JASA 22 (1927) 209–212.

    Examples
    --------
    >>> import polars as pl
    >>> from toolkit.model import CaseBook, example_cases
    >>> book = CaseBook.from_frames(
    ...     cases=pl.DataFrame({"case_id": ["AB1", "CD2", "EF3"], "title": ["t"] * 3,
    ...         "case_type": ["deepfakes", "unclassified", "deepfakes"],
    ...         "platform_kind": [None] * 3, "discovered_via": [None] * 3,
    ...         "members_band": [None] * 3, "period": ["2025-Q1", "2024-Q4", "2024-Q4"],
    ...         "observer_id": ["obs-01"] * 3, "observed_until": [10] * 3,
    ...         "source": ["synthetic"] * 3}),
    ...     indicators=pl.DataFrame({"case_id": ["AB1", "EF3"],
    ...         "code": ["content.sexual_deepfake"] * 2, "evidence": [None] * 2}))
    >>> trend(book, "content.sexual_deepfake").select("period", "n_cases", "n_total").rows()
    [('2024-Q4', 1, 2), ('2025-Q1', 1, 1)]
    """
    codes = None if code is None else ([code] if isinstance(code, str) else list(code))
    if codes is not None:
        unknown = [c for c in codes if c not in tx.INDICATORS]
        if unknown:
            raise ValueError(
                f"{unknown} not indicator code(s) of the taxonomy (see docs/taxonomy.md)"
            )
    out = prevalence(book, by="period", confidence=confidence).filter(
        pl.col("period").is_not_null()
    )
    if codes is not None:
        out = out.filter(pl.col("code").cast(pl.String).is_in(codes))
    return out.sort("period", "code")


def case_types_by_period(book: CaseBook) -> pl.DataFrame:
    """Cases discovered per period and case type (the input of ``charts.case_types_over_time``).

    Parameters
    ----------
    book
        A CaseBook.

    Returns
    -------
    polars.DataFrame
        ``period`` (str), ``case_type`` (str), ``n_cases`` (int), sorted by period then
        case type; cases with no period are left out. Counts are raw: the chart
        suppresses small cells.

    Examples
    --------
    >>> import polars as pl
    >>> from toolkit.model import CaseBook, example_cases
    >>> cases = example_cases(["AB1", "CD2", "EF3"],
    ...     case_type=["deepfakes", "deepfakes", "unclassified"],
    ...     period=["2024-Q1", "2024-Q1", None], observed_until=1)
    >>> case_types_by_period(CaseBook.from_frames(cases=cases)).rows()
    [('2024-Q1', 'deepfakes', 2)]
    """
    cases = book.cases.lazy() if isinstance(book.cases, pl.DataFrame) else book.cases
    return (
        cases.filter(pl.col("period").is_not_null())
        .group_by(pl.col("period").cast(pl.String), pl.col("case_type").cast(pl.String))
        .agg(n_cases=pl.len().cast(pl.Int64))
        .sort("period", "case_type")
        .collect()
    )
