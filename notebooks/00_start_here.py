# %% [markdown]
# > **Content warning.** This notebook is about organised sexual-abuse spaces online: the
# > non-consensual sharing of intimate images ("leaks"), "tributes", sexual deepfakes,
# > covert and repurposed photos, and signals of child sexual exploitation. It describes
# > them in neutral, clinical words, shows no media and no identifier, and every case in
# > it is synthetic.

# %% [markdown]
# # 00 · Start here
#
# veille turns a *journal de veille* (the monitoring journal volunteer moderators keep of
# the spaces they document) into evidence: which warning signs recur, how spaces refer
# members to one another and come back after a takedown, how long platforms take to act,
# which reports come first, and what the watching costs the volunteers.
#
# This first chapter says what the data is and what it is not, loads the default
# dataset and walks through its tables. The next chapters each answer one question:
#
# | chapter | question |
# |---|---|
# | `01_recurring_indicators` | which warning signs recur, and which recur *together*? |
# | `02_referral_networks_and_the_hydra` | how do spaces send members to each other, and what comes back after a takedown? |
# | `03_platform_response` | how long until a reported space is taken down, by escalation path? |
# | `04_triage_and_workload` | which spaces to report first, and what does the watching cost? |
# | `05_campaign_visuals` | the figures for a talk, a campaign or a printed report (FR/EN) |
# | `06_import_a_journal` | the same analyses on a moderator's own journal |

# %% [markdown]
# ## What the data is
#
# - **Synthetic.** The default dataset was drawn by the toolkit's generator
#   (`vt.generate`) from a fixed seed, so everyone who runs this notebook sees the same
#   numbers. The generator *plants* known structure (base rates of each warning sign,
#   hub spaces, communities, reappearances, platform delays) and writes it to the
#   `planted` table and the manifest: the analyses are tested by checking that they find
#   what was planted.
# - **Anonymized by construction.** A case is known by a code its author chose (such as
#   `A105G`), never by a platform identifier; observers are pseudonymous (`obs-03`);
#   days are counted from each case's first event, so no calendar date is stored; the
#   size of a space is a band (`200-999`), never a count of people.
# - **Coded.** Every warning sign, action and event is a code of the taxonomy
#   (`toolkit/taxonomy/taxonomy.toml`, described in `docs/taxonomy.md`), with French and
#   English labels and a neutral definition.
#
# ## What the data is not
#
# - **Not collected.** Nothing here comes from a live platform; veille never collects,
#   and holds no media.
# - **Not about anyone.** No user name or handle, no server, channel or message
#   identifier, no link or invite, no e-mail address or phone number, no long verbatim
#   quote. The journal import refuses a file holding one, and `veille audit` checks
#   every file we publish, the outputs of this notebook included.
# - **Not a measure of the world.** The generator's rates are plausible, not estimated:
#   the numbers in these chapters show how the methods work, not how common anything
#   is online.
#
# ## The rules that follow from it
#
# Counts small enough to point at a person or a space (1 to 4) are shown as `<5` in
# anything published (charts, report tables). A moderator's own journal goes through
# the same gate on the way in: chapter 06 shows what happens when it holds an
# identifier.

# %% [markdown]
# ## Loading the default dataset
#
# `vt.load` reads a dataset directory (one Parquet file per table and a
# `manifest.json`) and checks every rule of the data model: column types, codes,
# unique keys, references between tables, and consistency (no takedown before the first
# report, for instance). An error names the table, the column, the rows and the rule.

# %%
from pathlib import Path

import polars as pl

import toolkit as vt
from toolkit import taxonomy as tx

DATA = Path("..") / "data" / "synthetic" / "default"

# %%
book = vt.load(DATA)

# %% [markdown]
# A `CaseBook` holds one polars table per kind of record. Its summary counts the rows of
# each.

# %%
book

# %% [markdown]
# The manifest records where the data comes from: the source, the generator's version and
# seed, so the dataset can be regenerated exactly (`make data`).

# %%
{key: book.manifest[key] for key in ("source", "seed", "generator_version") if key in book.manifest}

# %% [markdown]
# ## A tour of the tables
#
# ### `cases`: one row per documented space
#
# The case type is derived from the warning signs of the case with the taxonomy's
# precedence, never typed by hand. `observed_until` is the last day the space was
# watched: after it, what happened is unknown (chapter 03 treats it as censoring).

# %%
book.cases.sort("case_id").select(
    "case_id", "case_type", "platform_kind", "discovered_via", "members_band", "period",
    "observer_id", "observed_until",
).head(5)

# %% [markdown]
# Each case also has a short neutral `title` describing the mechanism, never a name:

# %%
book.cases.sort("case_id").select("case_id", "title").head(3)

# %% [markdown]
# How many cases of each type the dataset holds. Like every count published from these
# notebooks, it goes through `suppress_small_counts` first, and the `_display` column is
# the one to quote (a count from 1 to 4 would show as `<5`):

# %%
case_types = book.cases.group_by("case_type").len("n_cases").sort("case_type")
vt.privacy.suppress_small_counts(case_types, "n_cases").select("case_type", "n_cases_display")

# %% [markdown]
# ### `indicators`: the warning signs seen in each case
#
# One row per case and code. For an imported journal, `evidence` keeps the item and the
# term that matched, so every code can be explained; synthetic cases have none.

# %%
book.indicators.sort("case_id", "code").head(8)

# %% [markdown]
# Each code has a label in French and English, a neutral definition and a severity
# (1 to 3) in the taxonomy:

# %%
pl.DataFrame(
    {
        "code": list(tx.INDICATORS),
        "label_en": [tx.label(c, "en") for c in tx.INDICATORS],
        "label_fr": [tx.label(c, "fr") for c in tx.INDICATORS],
        "severity": [tx.SEVERITY[c] for c in tx.INDICATORS],
    }
)

# %% [markdown]
# ### `events`: the timeline of each case
#
# Day 0 is the day the space was discovered. Reports to the platform, to the national
# hotline or to the press, platform responses, takedowns and reappearances follow.

# %%
book.events.sort("case_id", "day", "event").head(8)

# %% [markdown]
# ### `actions`: what the observer did
#
# Documenting, keeping minimal evidence (never images), reporting, alerting the press,
# leaving the space.

# %%
book.actions.sort("case_id", "code").head(6)

# %% [markdown]
# ### `referrals`: how spaces send members to each other
#
# An invitation, a backup server, a mirror, or a space that reappears after a takedown.
# Some targets were never documented themselves: they appear only as a code here.
# Chapter 02 builds the network from this table.

# %%
book.referrals.sort("source_id", "target_id", "kind").head(6)

# %% [markdown]
# ### `exposure`: the time observers spend watching
#
# Minutes per pseudonymous observer, case and week. Chapter 04 turns it into weekly
# exposure, the mental-load side of moderation.

# %%
book.exposure.sort("observer_id", "week", "case_id").head(6)

# %% [markdown]
# ### `planted`: the truth the generator planted
#
# Only synthetic datasets have this table. It is what the tests compare the analyses
# to; an imported journal has no such answer key.

# %%
book.planted.sort("case_id").head(5)

# %% [markdown]
# ## Where next
#
# Open `01_recurring_indicators` to see which warning signs recur together. To work on
# your own journal instead, go to `06_import_a_journal`. From a terminal,
# `veille summary ../data/synthetic/default` prints the counts above.
