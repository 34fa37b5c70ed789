"""Referral networks and the hydra: graph, hubs, reappearance, dismantling what-ifs.

Content warning: the spaces modelled here circulate non-consensual intimate images,
sexual deepfakes and child-exploitation material; this module handles only anonymized
case codes and counts.

>>> import toolkit as vt
>>> book = vt.generate(cases=60, seed=1)                     # synthetic data
>>> G = vt.network.referral_graph(book)
>>> vt.network.centrality(G, seed=1).columns[:4]
['node', 'documented', 'in_degree', 'out_degree']
>>> vt.network.hydra_summary(book).columns[:3]
['n_taken_down', 'n_respawned', 'respawn_rate']
>>> vt.network.compare_strategies(G, seed=1).columns
['strategy', 'adaptive', 'robustness', 'fraction_to_halve']

Heavy metrics are computed from integer edge arrays with ``scipy.sparse``
(``_sparse.py``); the networkx graph is the object users hold, inspect and export.
"""

from toolkit.network._agreement import adjusted_rand_index, normalized_mutual_info
from toolkit.network._centrality import (
    HUB_MIN_COMMUNITIES,
    HUB_MIN_OUT_DEGREE,
    HUB_MIN_Z,
    ROLES,
    centrality,
)
from toolkit.network._dismantle import STRATEGIES, compare_strategies, dismantle
from toolkit.network._export import write_gexf, write_graphml
from toolkit.network._graph import referral_graph
from toolkit.network._hydra import (
    band_transitions,
    counterfactual_early_removal,
    hydra_summary,
    lineages,
)
from toolkit.network._sparse import EdgeList, components, pagerank

__all__ = [
    "HUB_MIN_COMMUNITIES",
    "HUB_MIN_OUT_DEGREE",
    "HUB_MIN_Z",
    "ROLES",
    "STRATEGIES",
    "EdgeList",
    "adjusted_rand_index",
    "band_transitions",
    "centrality",
    "compare_strategies",
    "components",
    "counterfactual_early_removal",
    "dismantle",
    "hydra_summary",
    "lineages",
    "normalized_mutual_info",
    "pagerank",
    "referral_graph",
    "write_gexf",
    "write_graphml",
]
