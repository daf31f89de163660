"""Network analytics on the cluster's collaboration graph: pure functions, no I/O.

Build the graph once with :func:`build_collaboration_graph`, then ask it questions:
:func:`recommend` (who should meet whom, and why), :func:`warm_paths` (through whom),
:func:`detect_communities`, :func:`subsector_isolation` / :func:`subsector_matrix` (E-I index),
:func:`brokers` (betweenness, Burt, Gould-Fernandez, bridges) and :func:`cluster_links`.
Every result is a frozen dataclass; see ``docs/analytics.md`` for the methods.
"""

from graph_service.analytics.brokerage import (
    Betweenness,
    BridgeTie,
    Broker,
    BrokerageReport,
    BrokerageRoles,
    ClusterLink,
    LinkedMember,
    brokerage_roles,
    brokers,
    cluster_links,
    tie_betweenness,
)
from graph_service.analytics.communities import (
    Community,
    CommunityReport,
    detect_communities,
    normalised_mutual_information,
)
from graph_service.analytics.graph import (
    build_collaboration_graph,
    edge_kinds,
    event_weight,
    is_tie,
    member_nodes,
    subset,
    ties_graph,
)
from graph_service.analytics.paths import MAX_HOPS, Hop, Intermediary, WarmPath, warm_paths
from graph_service.analytics.recommendations import (
    Recommendation,
    RecommenderWeights,
    adamic_adar_scores,
    common_neighbours_scores,
    recommend,
    resource_allocation_scores,
    score_pairs,
)
from graph_service.analytics.subsectors import (
    IsolatedMembers,
    Matrix,
    SubsectorIsolation,
    SubsectorReport,
    ei_index,
    subsector_isolation,
    subsector_matrix,
)
from graph_service.errors import UnknownMember

__all__ = [
    "UnknownMember",
    # projection
    "build_collaboration_graph",
    "ties_graph",
    "subset",
    "is_tie",
    "edge_kinds",
    "event_weight",
    "member_nodes",
    # recommendations
    "Recommendation",
    "RecommenderWeights",
    "recommend",
    "common_neighbours_scores",
    "adamic_adar_scores",
    "resource_allocation_scores",
    "score_pairs",
    # paths
    "MAX_HOPS",
    "Hop",
    "Intermediary",
    "WarmPath",
    "warm_paths",
    # communities
    "Community",
    "CommunityReport",
    "detect_communities",
    "normalised_mutual_information",
    # subsectors
    "SubsectorIsolation",
    "IsolatedMembers",
    "SubsectorReport",
    "Matrix",
    "ei_index",
    "subsector_isolation",
    "subsector_matrix",
    # brokerage
    "BrokerageRoles",
    "Broker",
    "Betweenness",
    "BridgeTie",
    "BrokerageReport",
    "LinkedMember",
    "ClusterLink",
    "brokers",
    "tie_betweenness",
    "brokerage_roles",
    "cluster_links",
]
