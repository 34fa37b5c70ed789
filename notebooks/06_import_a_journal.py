# %% [markdown]
# > **Content warning.** This chapter imports a monitoring journal describing organised
# > sexual-abuse spaces online (non-consensual intimate images, sexual deepfakes,
# > child-exploitation signals). The journal used here is synthetic and written in
# > neutral words; no identifier appears anywhere, including in the example of a refused
# > journal, which is shown masked.

# %% [markdown]
# # 06 · Import a journal
#
# Volunteer moderators keep a *journal de veille*: one entry per space they documented,
# written by hand in French or English, following a loose template (`Cas n°D220K – …`,
# then sections such as `Contexte :`, `Indicateurs :`, `Actions :`, `Membres :`,
# `Chronologie :`, `Renvois :`). The contract is in `docs/journal-import.md`.
#
# The import turns such a journal into the same tables as the synthetic data, so every
# analysis of chapters 01 to 04 runs on it unchanged. This chapter:
#
# 1. imports the synthetic example journal shipped in `data/synthetic/journals/`;
# 2. reads the import report: what was found, what could not be mapped, and why;
# 3. runs the same analyses on it;
# 4. shows what happens when a journal holds an identifier.

# %%
from pathlib import Path

import polars as pl

import toolkit as vt

JOURNALS = Path("..") / "data" / "synthetic" / "journals"
sorted(path.name for path in JOURNALS.glob("*.md"))

# %% [markdown]
# ## Importing
#
# `vt.read_journal` scans the whole file for identifiers first, then finds the cases,
# maps every item to taxonomy codes through the French and English lexicon, and
# validates the result like any dataset. From a terminal, the same import is
# `veille import-journal FILE --out DIR`, which writes the dataset to a directory.

# %%
journal, report = vt.read_journal(JOURNALS / "journal_en.md")
journal

# %% [markdown]
# ## The import report
#
# For each case: where it starts in the file, its language, the case type derived from
# its codes, and the codes found. Then the items that mapped to no code (to rewrite, or
# to propose as a new lexicon term), labels the import did not know, referrals to codes
# that are not in the journal, and the lines skipped because they are not data (an
# introduction, notes sections).

# %%
print(report)

# %% [markdown]
# Every code keeps the item and the term that matched it, in `evidence`, so a researcher
# can check why a code was given:

# %%
with pl.Config(fmt_str_lengths=60):
    display(journal.indicators.sort("case_id", "code").head(6))

# %% [markdown]
# ## The same analyses
#
# A journal is small, so most counts are small too. Counts from 1 to 4 could point at a
# single space: before anything is published they are replaced by `<5` (with enough
# other cells hidden that they cannot be worked back from a total).

# %% [markdown]
# Prevalence of each warning sign in the journal (chapter 01). In a journal of a dozen
# cases most counts are small, so most cells are hidden, with the shares and intervals
# computed from them:

# %%
prevalence = vt.indicators.prevalence(journal)
published = vt.privacy.suppress_small_counts(
    prevalence, "n_cases", derived={"n_cases": ["share", "ci_low", "ci_high"]}
)
published.sort("code").select("code", "n_cases_display", "n_total", "share", "ci_low", "ci_high")

# %% [markdown]
# Triage (chapter 04) and time to takedown (chapter 03) are given per case: each row is
# a case of the journal, not a count.

# %%
vt.triage.assess(journal).select("case_id", "tier", "criteria").sort("case_id")

# %%
vt.response.time_to_takedown(journal).sort("case_id")

# %% [markdown]
# ## When a journal holds an identifier
#
# The file below (a test fixture, kept in the one folder the privacy audit skips) is a
# journal entry whose author left an e-mail address in it. The import refuses the whole
# file before reading any case, writes nothing, and says where the problem is, with the
# value masked to its first two characters. Remove or rewrite the line, then import
# again.

# %%
refused = Path("..") / "tests" / "fixtures" / "identifiers" / "journal_email.md"
try:
    vt.read_journal(refused)
except vt.privacy.PrivacyError as error:
    print(error)

# %% [markdown]
# ## What to take away
#
# - A journal becomes a dataset like any other: every chapter's cells run on it as they
#   are (replace `book` by the imported journal).
# - The import report is the place to look first: unmapped items and unknown labels say
#   where the journal and the taxonomy disagree.
# - Identifiers never get in: the import refuses them, and `veille audit` checks every
#   published file (these notebooks included) on the way out.
