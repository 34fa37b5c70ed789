# %% [markdown]
# > **Content warning.** This chapter draws the figures of an awareness campaign about
# > organised sexual-abuse spaces online: non-consensual intimate images, sexual
# > deepfakes, covert photos and signals of child sexual exploitation. The figures show
# > aggregate numbers from synthetic data only; every count from 1 to 4 is shown as `<5`.

# %% [markdown]
# # 05 · Campaign visuals
#
# The figures of a talk, a social-media campaign or a printed report, drawn from the
# analyses of chapters 01 to 04. Each figure is one function of `toolkit.charts` that
# takes an analysis result and returns an altair chart; `veille reports` calls the same
# functions, so what you see here is what `reports/` holds.
#
# Every figure carries the veille theme (the bundled DejaVu Sans font, the colour-blind
# safe Okabe–Ito palette, consistent severity colours), a title, a subtitle, the source
# line and a short content-warning footer, the number format of its language, and an
# alt text generated from its data for screen readers and social-media posts.
#
# ## The one-line switch
#
# Change the language (`"en"` or `"fr"`) and the preset (`"talk"` 1920×1080,
# `"social"` 1080×1080, `"social-portrait"` 1080×1350, `"print"` A4) in the next cell,
# then run the notebook again.

# %%
LANG, PRESET = "en", "talk"

# %%
from pathlib import Path

import altair as alt

import toolkit as vt

book = vt.load(Path("..") / "data" / "synthetic" / "default")
# Figures are drawn here as SVG by vl-convert with the bundled font: they show offline,
# load nothing from the network, and are identical on every machine.
vt.charts.register_font()
_ = alt.renderers.enable("svg")

# %% [markdown]
# ## The analyses, run once
#
# `compute_analyses` gathers every analysis the figures need, each computed once,
# exactly as `veille reports` does (prevalence, co-occurrence, case types by period, triage,
# funnel, survival, the response summary, weekly exposure, the referral network with
# its seeded layout, lineages and the dismantling curves). The charts never recompute
# anything: each draws the result it is given.

# %%
analyses = vt.reports.compute_analyses(book)

# %% [markdown]
# ## Recurring indicators
#
# The share of cases showing each warning sign, with its 95 % interval, coloured by
# the sign's severity in the taxonomy. Under each figure, its alt text: what it shows and
# its key numbers, in the figure's language.

# %%
chart = vt.charts.prevalence(analyses.prevalence, lang=LANG, preset=PRESET)
display(chart)
print(vt.charts.alt_text(chart))

# %% [markdown]
# Which signs are seen together more often than chance (lift); only pairs whose
# Benjamini–Hochberg q-value is below 0.05 are marked.

# %%
chart = vt.charts.cooccurrence(analyses.cooccurrence, lang=LANG, preset=PRESET)
display(chart)
print(vt.charts.alt_text(chart))

# %%
chart = vt.charts.case_types_over_time(analyses.case_types, lang=LANG, preset=PRESET)
display(chart)
print(vt.charts.alt_text(chart))

# %% [markdown]
# ## Triage and platform response

# %%
chart = vt.charts.triage_tiers(analyses.triage, lang=LANG, preset=PRESET)
display(chart)
print(vt.charts.alt_text(chart))

# %%
chart = vt.charts.escalation_funnel(analyses.funnel, lang=LANG, preset=PRESET)
display(chart)
print(vt.charts.alt_text(chart))

# %% [markdown]
# Share of reported spaces still online after each day, by escalation path (Kaplan–Meier
# step curves with their 95 % bands), then the shares taken down within 3 and 7 days.

# %%
chart = vt.charts.survival(analyses.survival, lang=LANG, preset=PRESET)
display(chart)
print(vt.charts.alt_text(chart))

# %%
chart = vt.charts.takedown_within(analyses.response_summary, lang=LANG, preset=PRESET)
display(chart)
print(vt.charts.alt_text(chart))

# %% [markdown]
# ## Networks and the hydra
#
# The map places spaces with a seeded layout (the same picture every time), shows hubs
# and communities, and carries no label: a case code on a slide would say nothing to an
# audience and could help someone find a space.

# %%
chart = vt.charts.referral_network(
    analyses.graph, analyses.centrality, layout=analyses.layout, lang=LANG, preset=PRESET
)
display(chart)
print(vt.charts.alt_text(chart))

# %%
chart = vt.charts.hydra_lineages(analyses.lineages, lang=LANG, preset=PRESET)
display(chart)
print(vt.charts.alt_text(chart))

# %%
chart = vt.charts.dismantling(analyses.dismantling, lang=LANG, preset=PRESET)
display(chart)
print(vt.charts.alt_text(chart))

# %% [markdown]
# ## Volunteer workload
#
# Weekly exposure minutes per pseudonymous observer and week.

# %%
chart = vt.charts.workload(analyses.exposure, lang=LANG, preset=PRESET)
display(chart)
print(vt.charts.alt_text(chart))

# %% [markdown]
# ## The same figure in French, for a social-media post
#
# The switch at the top changes every figure; a single figure can also be drawn in
# another language and preset by passing them. Labels come from the taxonomy and the
# charts' labels file, numbers follow the French format (`1 234,5`, `12 %`), and the alt
# text is in French too:

# %%
chart = vt.charts.takedown_within(analyses.response_summary, lang="fr", preset="social")
display(chart)
print(vt.charts.alt_text(chart))

# %% [markdown]
# ## The table behind a figure
#
# Every figure plots one table, after small-cell suppression; `table(chart)` returns it,
# and `veille reports` writes it as CSV beside the figure, so a journalist can check a
# number without running any code. For the figure just drawn:

# %%
vt.charts.table(chart).head(6)

# %% [markdown]
# ## Regenerating `reports/`
#
# The committed `reports/` folder holds every figure in both languages and every preset,
# each with its data (`.csv`), its alt text (`.alt.txt`) and its Vega-Lite specification
# (`.vl.json`), and an offline gallery, `reports/index.html`, which opens with no network.
# From the repository root:
#
# ```sh
# make reports
# ```
#
# sets up the locked environment and rebuilds it all from `data/synthetic/default`. For
# other data, languages, presets or formats, call the command behind it:
#
# ```sh
# veille reports --data data/synthetic/default --lang fr,en --preset talk,social,print --format svg,png,csv --out reports
# ```
#
# To save a single figure from here, `chart.save("figure.svg")` (or `.png`) uses the same
# renderer and font.
