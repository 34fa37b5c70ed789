# %% [markdown]
# > **Content warning.** This chapter counts warning signs of organised sexual-abuse
# > spaces online: non-consensual intimate images, "tributes", sexual deepfakes, covert
# > photos and signals of child sexual exploitation. It names them by neutral codes and
# > labels only, and every case is synthetic.

# %% [markdown]
# # 01 · Recurring indicators
#
# Moderators who keep a journal notice that the same warning signs come back from one
# space to the next: a category per targeted person, requests for photos of a given
# person, pressure on members to contribute. This chapter measures that:
#
# 1. **Prevalence**: in what share of the documented spaces each sign is seen.
# 2. **Co-occurrence**: which signs are seen *together* more often than chance would
#    give, with a test so that a talk never shows a pattern that is noise.
# 3. **Signatures**: the small sets of signs that characterise kinds of spaces.
# 4. **Trends**: how the share of a sign moves from one period to the next.
#
# Every function used here is documented, with its formula and reference, in
# `docs/analyses.md` and in its docstring (`help(vt.indicators.prevalence)`).

# %%
from pathlib import Path

import altair as alt
import polars as pl

import toolkit as vt

book = vt.load(Path("..") / "data" / "synthetic" / "default")
# Figures as SVG drawn by vl-convert with the bundled font: offline and identical everywhere.
vt.charts.register_font()
_ = alt.renderers.enable("svg")

# %% [markdown]
# ## Prevalence
#
# The prevalence of a sign is the number of cases where it was seen divided by the
# number of cases documented: $\hat p = n_{cases} / n_{total}$. The interval is the Wilson
# 95 % score interval, which stays sensible for rare signs (it never goes below 0 or
# above 1, unlike the textbook $\hat p \pm 1.96\,\mathrm{se}$).

# %% [markdown]
# Counts from 1 to 4 are shown as `<5` in everything published, these notebooks included,
# and the shares and intervals computed from them are hidden with them
# (`suppress_small_counts`, see `docs/privacy.md`).

# %%
INTERVAL = {"n_cases": ["share", "ci_low", "ci_high"]}
prevalence = vt.indicators.prevalence(book)
published = vt.privacy.suppress_small_counts(prevalence, "n_cases", derived=INTERVAL)
published.sort(["share", "code"], descending=[True, False], nulls_last=True).select(
    "code", "n_cases_display", "n_total", "share", "ci_low", "ci_high"
)

# %% [markdown]
# The same numbers as a figure, in the A4 `print` preset of the chart kit (chapter 05
# has every figure, in French and English and for every medium):

# %%
vt.charts.prevalence(prevalence, lang="en", preset="print")

# %% [markdown]
# The same, for each case type. A sign that defines a case type (a sexual deepfake for
# the `deepfakes` type) is of course seen in all of them; the interesting rows are the
# signs that are *not* part of the definition.

# %%
by_type = vt.indicators.prevalence(book, by="case_type")
one_sign = by_type.filter(pl.col("code") == "org.per_target_channels").sort("case_type")
vt.privacy.suppress_small_counts(one_sign, "n_cases", derived=INTERVAL).select(
    "case_type", "n_cases_display", "n_total", "share", "ci_low", "ci_high"
)

# %% [markdown]
# ## Co-occurrence
#
# For two signs A and B, the **lift** compares how often they are seen together with how
# often they would be if they were independent:
# $\mathrm{lift} = P(A \cap B) / (P(A)\,P(B))$. A lift of 2 means "twice as often as
# chance". The **Jaccard** index $|A \cap B| / |A \cup B|$ says how much the two sets of
# cases overlap. Each pair is tested (Fisher's exact test) and the p-values are corrected
# for the number of pairs tested (Benjamini–Hochberg q-values): only pairs with
# $q < 0.05$ should be quoted.

# %%
cooccurrence = vt.indicators.cooccurrence(book)
significant = cooccurrence.filter(pl.col("q_value") < 0.05)
significant.sort(["lift", "code_a", "code_b"], descending=[True, False, False]).head(10)

# %% [markdown]
# How many pairs were tested, and how many survive the correction:

# %%
pl.DataFrame({"pairs_tested": [cooccurrence.height], "significant_q_lt_0_05": [significant.height]})

# %% [markdown]
# ## Signatures
#
# A signature is a set of two or three signs seen together in at least a minimum share
# of cases (its *support*). Each set is also read as a rule "the `antecedent` signs, then
# the `consequent` sign": *confidence* is the share of the cases with the antecedent
# signs that also show the consequent; *lift* compares that with how common the
# consequent is on its own.

# %%
signatures = vt.indicators.signatures(book, min_support=0.05)
signatures.sort(["lift", "support"], descending=True).head(10)

# %% [markdown]
# ## Trends
#
# The share of cases showing a sign, period by period, with its Wilson interval. Periods
# with few cases have wide intervals: read the band, not only the line.

# %%
trend = vt.indicators.trend(book, code="content.sexual_deepfake").sort("period")
vt.privacy.suppress_small_counts(trend, "n_cases", derived=INTERVAL).select(
    "period", "n_cases_display", "n_total", "share", "ci_low", "ci_high"
)

# %% [markdown]
# ## What to take away
#
# - Quote a prevalence with its interval, and a co-occurrence only when its q-value is
#   below 0.05.
# - The numbers above describe the synthetic world the generator planted; run the same
#   cells on an imported journal (chapter 06) to describe yours.
# - The figures of this chapter, ready for a talk, are in chapter 05.
