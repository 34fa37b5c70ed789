"""Agreement between two partitions (e.g. detected vs planted communities).

scikit-learn is not a dependency, so both indices are computed here from the
contingency table with numpy and scipy (a few lines each, textbook formulas).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse as sp
from scipy.special import comb

__all__ = ["adjusted_rand_index", "normalized_mutual_info"]


def _contingency(a: Sequence, b: Sequence) -> np.ndarray:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(
            f"both partitions must be flat sequences of the same length (got {a.shape} and {b.shape})"
        )
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    table = sp.coo_array(
        (np.ones(len(ai), dtype=np.int64), (ai, bi)), shape=(ai.max() + 1, bi.max() + 1)
    )
    return table.toarray() if len(ai) else np.zeros((0, 0), dtype=np.int64)


def adjusted_rand_index(a: Sequence, b: Sequence) -> float:
    """Adjusted Rand index of two labelings of the same items (1 = identical, ~0 = chance).

    Notes
    -----
    With n_ij the contingency table, a_i and b_j its margins and n the total:
    ARI = (Σ C(n_ij,2) − E) / (½(Σ C(a_i,2) + Σ C(b_j,2)) − E), with
    E = Σ C(a_i,2) · Σ C(b_j,2) / C(n,2).

    References
    ----------
    .. [1] Hubert & Arabie (1985), "Comparing partitions", J. Classification 2.

    Examples
    --------
    >>> adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> round(adjusted_rand_index([0, 0, 1, 2], [0, 0, 1, 1]), 4)
    0.5714
    """
    table = _contingency(a, b)
    n = int(table.sum())
    if n < 2:
        return 1.0
    sum_ij = comb(table, 2).sum()
    sum_a = comb(table.sum(axis=1), 2).sum()
    sum_b = comb(table.sum(axis=0), 2).sum()
    expected = sum_a * sum_b / comb(n, 2)
    top = 0.5 * (sum_a + sum_b) - expected
    if top == 0:  # both partitions trivial (one block each, or all singletons)
        return 1.0
    return float((sum_ij - expected) / top)


def normalized_mutual_info(a: Sequence, b: Sequence) -> float:
    """Normalised mutual information, arithmetic-mean normalisation (0 = independent, 1 = same).

    Notes
    -----
    NMI = I(A;B) / ((H(A) + H(B)) / 2), with I(A;B) = Σ p_ij log(p_ij / (p_i p_j)) and
    H the Shannon entropy of each labeling (natural logarithm).

    References
    ----------
    .. [1] Danon, Díaz-Guilera, Duch & Arenas (2005), "Comparing community structure
       identification", J. Stat. Mech. P09008.

    Examples
    --------
    >>> normalized_mutual_info([0, 0, 1, 1], [5, 5, 7, 7])
    1.0
    >>> normalized_mutual_info([0, 0, 1, 1], [0, 1, 0, 1])
    0.0
    """
    table = _contingency(a, b).astype(np.float64)
    n = table.sum()
    if n == 0:
        return 1.0
    p = table / n
    pa, pb = p.sum(axis=1), p.sum(axis=0)
    nz = p > 0
    mi = float((p[nz] * np.log(p[nz] / np.outer(pa, pb)[nz])).sum())
    ha = float(-(pa[pa > 0] * np.log(pa[pa > 0])).sum())
    hb = float(-(pb[pb > 0] * np.log(pb[pb > 0])).sum())
    if ha + hb == 0:
        return 1.0
    return max(0.0, mi / ((ha + hb) / 2))
