"""Synthetic CaseBooks with planted truth.

Content warning: the generated data describes organised sexual-abuse spaces
(non-consensual intimate images, sexual deepfakes, child-exploitation signals) in
abstract codes only. Nothing is collected from any platform; every case, title and
identifier is invented.

``generate`` draws a CaseBook whose every table follows the data model, and writes
the truth an analysis should recover to ``book.planted`` (one row per case) and
``book.manifest["planted"]`` (base rates, delay distributions, hubs, communities,
respawn process, exposure, trend). See ``docs/synthetic-data.md``.
"""

from __future__ import annotations

from toolkit.model import CaseBook
from toolkit.model.schemas import ARCHETYPES
from toolkit.synthetic._generate import (
    DOCUMENTED_PREFIX,
    GENERATOR_VERSION,
    UNDOCUMENTED_PREFIX,
    generate_book,
    title_table,
)
from toolkit.synthetic._params import (
    DERIVED_CODES,
    EXPECTED_CASE_TYPE,
    PATHS,
    GeneratorParams,
)
from toolkit.synthetic._planted import km_median_days

__all__ = [
    "ARCHETYPES",
    "DERIVED_CODES",
    "DOCUMENTED_PREFIX",
    "EXPECTED_CASE_TYPE",
    "GENERATOR_VERSION",
    "PATHS",
    "UNDOCUMENTED_PREFIX",
    "GeneratorParams",
    "generate",
    "km_median_days",
    "title_table",
]


def generate(
    cases: int = 600,
    seed: int = 0,
    *,
    progress: bool = False,
    params: GeneratorParams | None = None,
) -> CaseBook:
    """Draw a synthetic CaseBook with planted truth.

    Parameters
    ----------
    cases
        Number of documented cases (at least 1). Reappearances are documented cases
        too: the count includes them.
    seed
        Random seed (a whole number ≥ 0). The same seed and generator version give
        identical tables.
    progress
        Show a progress bar (one step per generation stage) on standard error.
    params
        All generator parameters; ``GeneratorParams()`` (the documented defaults)
        when omitted.

    Returns
    -------
    CaseBook
        Tables ``cases``, ``indicators``, ``actions``, ``events``, ``referrals``,
        ``exposure`` and ``planted`` (case_id, archetype, community, is_hub, path,
        parent_id, depth, never_acted), sorted deterministically (by case id, then
        day and code order). ``book.manifest`` holds ``source``, ``seed``,
        ``generator_version``, ``params`` and ``planted``.

    Raises
    ------
    ValueError
        When ``cases`` or ``seed`` is not a whole number in range.

    Notes
    -----
    Each case is drawn from an archetype (shares per period, with a planted trend),
    then:

    - indicators from a one-factor Gaussian copula: code *j* is present iff
      ``Φ⁻¹(p_aj) > −(ρ·z + √(1−ρ²)·ε_j)`` with one latent ``z`` per case, so
      ``P(code j) = p_aj`` exactly while codes co-occur; ``case_type`` is always
      ``toolkit.taxonomy.derive_case_type(codes)``;
    - an escalation path and a lognormal delay from first report to takedown, with a
      share never acted on; the Kaplan–Meier median when never-acted cases count as
      never taken down solves ``(1 − q)·F(t) = 0.5``;
    - with probability ``respawn_probability`` an observed takedown respawns as a new
      documented case (same archetype), linked by a ``reappearance`` referral;
    - referrals mostly inside one of K planted communities; directory hubs refer
      to many spaces across communities; some targets are undocumented spaces;
    - weekly exposure minutes per observer and case.

    References
    ----------
    .. [1] Nelsen, R. B. (2006). *An Introduction to Copulas* (2nd ed.). Springer
       (the Gaussian copula).
    .. [2] Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from
       incomplete observations. *JASA*, 53(282), 457–481.

    Examples
    --------
    >>> from toolkit.synthetic import generate
    >>> book = generate(cases=20, seed=1)
    >>> book.cases.height, book.manifest["seed"], book.manifest["source"]
    (20, 1, 'synthetic')
    >>> sorted(book.manifest["planted"]["paths"])
    ['platform_hotline', 'platform_only', 'platform_press']
    >>> book.cases.equals(generate(cases=20, seed=1).cases)
    True
    """
    return generate_book(cases, seed, progress, params)
