"""Charts for talks, campaigns and printed reports, in French and English.

Content warning: these figures describe organised sexual abuse online
(non-consensual intimate images, sexual deepfakes, child-exploitation signals) in
abstract, neutral terms and aggregate numbers only.

One function per figure. Each takes the frame an analysis returns (never a CaseBook:
charts draw, they do not compute) and returns an ``altair`` chart that carries

- the veille theme (registered with ``alt.theme.register`` as ``"veille"`` and
  enabled on import): DejaVu Sans (bundled in ``fonts/``), the Okabe–Ito palette,
  severity colours, title, subtitle, source line and content-warning footer;
- the number and time locale of its language inside the spec (``config.locale``):
  ``1 234,5`` and ``janvier`` in French;
- small-cell suppression of every count (``toolkit.privacy.suppress_small_counts``,
  shown as ``<5``);
- its alt text (``alt_text(chart)``, also the SVG's ``aria-label``) and the exact table
  it plots (``table(chart)``, written as CSV beside each figure by ``veille reports``).

Figures: ``prevalence``, ``cooccurrence``, ``case_types_over_time``,
``triage_tiers``, ``escalation_funnel``, ``survival``, ``takedown_within``,
``referral_network``, ``hydra_lineages``, ``dismantling``, ``workload``.

Examples
--------
>>> import polars as pl
>>> from toolkit import charts
>>> funnel = pl.DataFrame({"stage": ["reported", "taken_down"], "n_cases": [1234, 617],
...     "share": [1.0, 0.5]})
>>> chart = charts.escalation_funnel(funnel, lang="fr", preset="social")
>>> charts.alt_text(chart)
'Entonnoir : Signalés 1\\xa0234 (100\\u202f%) ; Fermés 617 (50\\u202f%).'
>>> chart.to_dict()["config"]["locale"]["number"]["decimal"]
','
"""

from __future__ import annotations

from toolkit.charts._indicators import (
    case_types_over_time,
    cooccurrence,
    prevalence,
    triage_tiers,
)
from toolkit.charts._kit import (
    FONT,
    LOCALES,
    OKABE_ITO,
    PRESET_GROUPS,
    PRESETS,
    SEVERITY_COLOURS,
    THEME,
    Preset,
    alt_text,
    register_font,
    table,
)
from toolkit.charts._network import (
    dismantling,
    hydra_lineages,
    network_layout,
    referral_network,
)
from toolkit.charts._response import escalation_funnel, survival, takedown_within, workload

__all__ = [
    "FIGURES",
    "FONT",
    "LOCALES",
    "OKABE_ITO",
    "PRESETS",
    "PRESET_GROUPS",
    "SEVERITY_COLOURS",
    "THEME",
    "Preset",
    "alt_text",
    "case_types_over_time",
    "cooccurrence",
    "dismantling",
    "escalation_funnel",
    "hydra_lineages",
    "network_layout",
    "prevalence",
    "referral_network",
    "register_font",
    "survival",
    "table",
    "takedown_within",
    "triage_tiers",
    "workload",
]

#: The minimum figure set, in the order reports and the gallery show them.
FIGURES: tuple[str, ...] = (
    "prevalence",
    "cooccurrence",
    "case_types_over_time",
    "triage_tiers",
    "escalation_funnel",
    "survival",
    "takedown_within",
    "referral_network",
    "hydra_lineages",
    "dismantling",
    "workload",
)
