# %% [markdown]
# > **Content warning.** This chapter maps how organised sexual-abuse spaces online
# > (non-consensual intimate images, sexual deepfakes, child-exploitation signals) send
# > members to one another and reappear after a takedown. Spaces are shown as anonymized
# > case codes only; every case is synthetic.

# %% [markdown]
# # 02 · Referral networks and the hydra
#
# A space rarely stands alone. It invites its members into private channels, keeps a
# backup server ready, mirrors its content elsewhere, and when the platform takes it
# down, a successor often opens within days: moderators call it *the hydra*. This
# chapter turns the `referrals` table into a network and asks:
#
# 1. which spaces are **hubs** that feed many others, and which groups (communities)
#    the network falls into;
# 2. how often a taken-down space **comes back**, how fast, and how deep the chains go;
# 3. which **interventions** would break the network fastest (what-ifs, not advice on
#    real spaces).
#
# Definitions and references are in `docs/analyses.md` and each function's docstring.

# %%
import tempfile
from pathlib import Path

import networkx as nx
import polars as pl

import toolkit as vt

book = vt.load(Path("..") / "data" / "synthetic" / "default")

# %% [markdown]
# ## The referral graph
#
# Every documented case is a node, and so is every space that was only seen as the target
# of a referral (`documented` is false for those). An edge goes from the space that
# refers to the space referred to; its `kind` says how (invitation, private channel,
# backup, mirror, reappearance…).

# %%
G = vt.network.referral_graph(book)
print(G)

# %% [markdown]
# How many spaces of each kind (counts from 1 to 4 would show as `<5`):

# %%
spaces = pl.DataFrame({"documented": [d for _, d in G.nodes(data="documented")]})
spaces = spaces.group_by("documented").len("n_spaces").sort("documented")
vt.privacy.suppress_small_counts(spaces, "n_spaces").select("documented", "n_spaces_display")

# %% [markdown]
# ## Hubs, communities and roles
#
# `centrality` gives, for each space: in- and out-degree (how many spaces refer to it,
# and how many it refers to), PageRank (how much referral "traffic" ends up there),
# betweenness (how often it lies on the shortest referral path between two others),
# its community (Louvain, seeded), and a role. A **hub** refers out into several
# communities; **upstream**, **core** and **downstream** follow the flow of referrals
# (the bow-tie structure of flow-based studies of messaging networks).

# %%
centrality = vt.network.centrality(G, seed=1)
roles = centrality.group_by("role").len("n_spaces").sort("role")
vt.privacy.suppress_small_counts(roles, "n_spaces").select("role", "n_spaces_display")

# %% [markdown]
# The ten spaces with the highest PageRank:

# %%
centrality.sort(["pagerank", "node"], descending=[True, False]).select(
    "node", "documented", "in_degree", "out_degree", "pagerank", "community", "role"
).head(10)

# %% [markdown]
# The data is synthetic, so the method can be checked: how far do the communities found
# agree with the ones the generator planted? Two standard agreement scores: the adjusted
# Rand index (1 for a perfect match, about 0 for a random assignment) and the normalised
# mutual information (1 for a perfect match, 0 for none). Undocumented spaces have no
# planted community and are left out.

# %%
found = centrality.join(
    book.planted.select("case_id", pl.col("community").alias("planted")),
    left_on="node",
    right_on="case_id",
).sort("node")
{
    "adjusted_rand_index": round(vt.network.adjusted_rand_index(found["community"], found["planted"]), 3),
    "normalized_mutual_info": round(vt.network.normalized_mutual_info(found["community"], found["planted"]), 3),
}

# %% [markdown]
# ## The hydra: spaces that come back
#
# A lineage is a chain of spaces that each reappeared after the previous one was taken
# down. The **respawn rate** is the share of taken-down spaces with at least one
# documented successor (with its 95 % interval); the **time to respawn** is the
# successor's first day minus its parent's takedown day.

# %%
vt.network.hydra_summary(book)

# %% [markdown]
# `lineages` lists every chain, one row per space: its generation (0 for the first space
# of the chain) and how many days after its parent's takedown it appeared. Here is the
# deepest chain of the dataset:

# %%
lineages = vt.network.lineages(book)
deepest = lineages.sort(["generation", "lineage_id"], descending=[True, False])["lineage_id"][0]
lineages.filter(pl.col("lineage_id") == deepest).sort("generation")

# %% [markdown]
# ## What if every space had been removed on the day it was first reported?
#
# A counterfactual: replay the network with every space removed on the day of its first
# report instead of its observed takedown day: referrals made after that day would not
# have existed. Whether the successors would still have opened is unknown, so the result
# gives two bounds: `respawns_continue` (they open anyway) and `respawns_prevented`
# (removing a space early also prevents its successors). The truth lies between.

# %%
vt.network.counterfactual_early_removal(book)

# %% [markdown]
# ## Dismantling what-ifs
#
# Remove spaces one at a time, following a strategy, and watch the largest connected part
# of the network shrink. The **robustness** $R = \frac{1}{N}\sum_{q} S(q)$ (Schneider et
# al., 2011) sums the size of the largest part over all removals: the lower it is, the
# faster the strategy breaks the network. A strategy is *adaptive* when it recomputes its
# scores after every removal; random removal is averaged over seeded runs.

# %%
vt.network.compare_strategies(G, seed=1).sort(["robustness", "strategy", "adaptive"])

# %% [markdown]
# ## Export for Gephi
#
# `write_gexf` writes the graph with its attributes (and day spells where days are
# known) for Gephi; `write_graphml` for other tools. Here we write it to a temporary
# folder and read it back to check nothing was lost; pass your own path to keep it.

# %%
with tempfile.TemporaryDirectory() as folder:
    path = vt.network.write_gexf(G, Path(folder) / "referral_network.gexf")
    back = nx.read_gexf(path)
(back.number_of_nodes(), back.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())

# %% [markdown]
# ## What to take away
#
# - A few hub spaces connect communities that would otherwise stay apart.
# - Taking a space down is not the end of it: a share of them come back within days.
# - Targeting the spaces that bridge the network breaks it far faster than removing
#   spaces at random. The figures of this chapter are in chapter 05.
