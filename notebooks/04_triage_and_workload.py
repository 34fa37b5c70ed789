# %% [markdown]
# > **Content warning.** This chapter sorts documented spaces by urgency, including spaces
# > with signals of child sexual exploitation, and measures the time volunteers spend
# > watching organised sexual-abuse spaces online. Cases are synthetic and described by
# > codes only.

# %% [markdown]
# # 04 · Triage and workload
#
# A volunteer cannot report everything at once, and watching these spaces has a cost.
# This chapter answers two practical questions:
#
# 1. **Triage**: which documented spaces should be reported first, and how? The
#    reporting criteria of volunteer practice are written as four transparent rules over
#    the codes of each case, so every tier can be explained by pointing at the codes.
# 2. **Workload**: how many minutes a week each (pseudonymous) observer spends watching,
#    how much of it on the most serious cases, and how many weeks go over a threshold:
#    the mental-load side of moderation that journals talk about and no dashboard shows.

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
# ## The rules
#
# Each rule looks at indicator codes (and, for C4, at events). They are data, in
# `toolkit/triage.py`, and the table below is generated from them, so it cannot drift
# from what the code does.

# %%
with pl.Config(fmt_str_lengths=100, fmt_table_cell_list_len=4):
    display(vt.triage.rules_table("en").select("rule", "description"))

# %% [markdown]
# A tier follows from the rules, first match wins:
#
# - **urgent**: any signal of child sexual exploitation. The actions are fixed: report to
#   the platform **and** to the national hotline, keep minimal evidence with no image
#   saved, and leave the space immediately.
# - **high**: minors named among the targets (C2), or sexual content (C1) together with
#   pressure to contribute (C3) or an unresponsive platform (C4).
# - **standard**: everything else.

# %%
triage = vt.triage.assess(book)
triage.head(6)

# %% [markdown]
# How many cases fall in each tier. Counts from 1 to 4 are shown as `<5` in everything
# we publish, these notebooks included (`suppress_small_counts`, see `docs/privacy.md`):
# the `_display` column is the one to quote.

# %%
tiers = triage.group_by("tier").len("n_cases").sort("tier").with_columns(pl.col("n_cases").cast(pl.Int64))
vt.privacy.suppress_small_counts(tiers, "n_cases").select("tier", "n_cases_display")

# %% [markdown]
# Which combinations of rules lead to each tier (the `criteria` column lists the rules
# that fired, in order):

# %%
combinations = (
    triage.with_columns(pl.col("criteria").list.join("+").alias("rules_fired"))
    .group_by("tier", "rules_fired")
    .agg(n_cases=pl.len().cast(pl.Int64))
    .sort("tier", "rules_fired")
)
published = vt.privacy.suppress_small_counts(combinations, "n_cases", by=["tier"], across=["rules_fired"])
published.select("tier", "rules_fired", "n_cases_display")

# %% [markdown]
# Synthetic data lets us check the rules against the truth the generator planted: every
# space planted with child-exploitation signals should be `urgent`, and no other.

# %%
check = triage.join(book.planted.select("case_id", "archetype"), on="case_id")
agreement = check.group_by("archetype", "tier").agg(n_cases=pl.len().cast(pl.Int64))
published = vt.privacy.suppress_small_counts(
    agreement.sort("archetype", "tier"), "n_cases", by=["archetype"], across=["tier"]
)
published.select("archetype", "tier", "n_cases_display")

# %% [markdown]
# ## Volunteer workload
#
# `exposure` adds up, for each pseudonymous observer and week, the minutes spent watching
# the spaces they documented, the part spent on `urgent` cases, and whether the week went
# over a threshold. The default threshold, 240 minutes a week, is an assumption stated in
# the function's docstring (with its reasoning), not a clinical limit: set your own with
# `threshold_minutes=`.

# %%
weekly = vt.workload.exposure(book)
weekly.filter(pl.col("minutes") > 0).head(6)

# %% [markdown]
# Per observer: how many weeks they watched, their average week, the share of their time
# spent on urgent cases, and how many weeks went over the threshold.

# %%
(
    weekly.group_by("observer_id")
    .agg(
        weeks_watched=(pl.col("minutes") > 0).sum(),
        mean_minutes=pl.col("minutes").filter(pl.col("minutes") > 0).mean().round(0),
        urgent_share=(pl.col("urgent_minutes").sum() / pl.col("minutes").sum()).round(3),
        weeks_over_threshold=pl.col("over_threshold").sum(),
    )
    .sort("observer_id")
)

# %% [markdown]
# Every observer and week at a glance (the figure of chapter 05, in the A4 preset):

# %%
vt.charts.workload(weekly, lang="en", preset="print")

# %% [markdown]
# ## What to take away
#
# - Every tier comes with the rules that fired: a volunteer (or a platform) can check
#   the reason for each one against the codes of the case.
# - Urgent cases take a fixed path: platform **and** hotline, minimal evidence, no image
#   saved, leave the space.
# - Watching has a cost that weekly exposure makes visible; the workload heatmap of
#   chapter 05 shows it for every observer and week.
