"""A realistic, deterministic seed cluster for the Luxembourg Creative Industries Cluster.

``seed.generator.generate_cluster(members=300, seed=42)`` returns an interchange
:class:`graph_service.interchange.Document` and the :class:`seed.generator.SeedFacts` it
promises; ``seed/cluster.json`` is that document for the defaults. See ``seed/README.md``.
"""
