# %% [markdown]
# > **Content warning.** This chapter measures how platforms respond to reports of
# > organised sexual-abuse spaces online (non-consensual intimate images, sexual
# > deepfakes, child-exploitation signals). It works on anonymized, synthetic timelines
# > only: days and event codes, no content.

# %% [markdown]
# # 03 · Platform response
#
# Volunteers report a space to the platform, and when nothing happens they escalate: to
# the national hotline, or to the press. Journals say the same thing again and again:
# "reported, no response", "taken down after the article". This chapter puts numbers
# on it:
#
# 1. **Time to takedown**: days from the first report to the takedown, for every
#    reported space, by escalation path.
# 2. **Survival**: the share of reported spaces still online after *t* days (Kaplan–Meier),
#    which uses the spaces still online when observation stopped instead of dropping them.
# 3. **The figures hotlines publish**: the share taken down within 3 and within 7 days,
#    and the share never acted on.
# 4. **The funnel**: reported → acknowledged → taken down → reappeared.
#
# Definitions and references: `docs/analyses.md` and each function's docstring.

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
# ## Time to takedown
#
# A space's **path** is the highest escalation it reached: `platform_only`,
# `platform_hotline` or `platform_press`. `days` is the time from the first report to
# the takedown when one was seen (`observed` is true). When no takedown was seen before
# the observer stopped watching, `days` runs to the last observed day and `observed` is
# false: the space was still online *at least* that long. Such a time is **censored**;
# throwing it away, or counting it as a takedown, would bias every figure below.

# %%
ttt = vt.response.time_to_takedown(book)
ttt.sort("case_id").head(6)

# %% [markdown]
# How many reported spaces per path had their takedown observed, and how many were
# censored (counts from 1 to 4 would show as `<5`):

# %%
observed = ttt.group_by("path", "observed").len("n_cases").sort("path", "observed")
published = vt.privacy.suppress_small_counts(observed, "n_cases", by=["path"], across=["observed"])
published.select("path", "observed", "n_cases_display")

# %% [markdown]
# ## Survival by escalation path
#
# The Kaplan–Meier estimate $S(t) = \prod_{t_i \le t} (1 - d_i / n_i)$, where $n_i$ spaces
# are still online and watched just before day $t_i$ and $d_i$ are taken down that day,
# is the share of reported spaces still online $t$ days after the first report, with a
# 95 % confidence band (`ci_low`, `ci_high`). The first days of each path:

# %%
survival = vt.response.survival(book, by="path")
survival.filter(pl.col("day") <= 7).sort("path", "day")

# %% [markdown]
# The whole curves, with their bands. A curve stops when fewer than five spaces of its
# path are still followed:

# %%
vt.charts.survival(survival, lang="en", preset="print")

# %% [markdown]
# ## Headline figures per path
#
# `median_days` is the day when half the reported spaces of the path had been taken down
# (with its confidence interval); `share_within_3d` and `share_within_7d` are
# $1 - S(3)$ and $1 - S(7)$; `never_acted_share` is the level where the survival curve
# flattens out, the estimated share of the path's reported spaces that are never taken
# down; `no_takedown_share` is the raw share with no takedown by the end of observation
# (a little higher, since some takedowns come after observation ends).

# %%
vt.response.summary(book)

# %% [markdown]
# ## The funnel
#
# Each stage is a subset of the one before: of the spaces reported, how many the platform
# acknowledged (a response or a takedown), how many were taken down, and how many came
# back after the takedown (chapter 02 follows those successors).

# %%
vt.response.funnel(book)

# %% [markdown]
# ## What to take away
#
# - Report a median or a 7-day share with its censoring handled (Kaplan–Meier), never as
#   a plain average of the spaces that happened to be taken down.
# - Compare paths with care: spaces are escalated *because* the platform did not act, so
#   a path is not a randomised treatment. These are descriptions, not causal effects.
# - The survival curves and the 3/7-day shares, as figures, are in chapter 05.
