"""Interactive who-knows-whom maps: page data built with pyvis, rendered offline with vis-network.

Every map is a :class:`~graph_service.web.maps.model.MapPage`: a pyvis
:class:`~pyvis.network.Network` (the vis-network nodes, edges and options) plus what the page
script needs around it (per-node details for tooltips and the side panel, colourings, legend,
filters, drill-down links). :func:`~graph_service.web.maps.render.render_map` turns it into HTML
with the project's own Jinja2 template (``viz/templates/map.html.j2``), never pyvis's, which
loads vis-network and Bootstrap from CDNs.

* :mod:`.analyses`: what a map needs from the analyses (ties, betweenness with the policy of
  ``/analytics/bridges``, communities), memoised on the view, as one :class:`MapAnalyses`.
* :mod:`.model`: the page model and the node/edge builders.
* :mod:`.layout`: seeded layouts computed on the server (the browser only draws them,
  ``physics: false``): :func:`~.layout.community_layout` lays out each Leiden community with a
  spring layout and places the communities by a spring layout of the graph of communities,
  pushed apart so they do not overlap.
* :mod:`.overlays`: "extra nodes and edges with a style" (proposed introductions as dashed
  edges, a proposed team...) and the parsing of their query parameters.
* :mod:`.render`: the page as HTML.

The page builders are :mod:`graph_service.web.ecosystem`, :mod:`graph_service.web.member`,
:mod:`graph_service.web.subsectors` and :mod:`graph_service.web.paths`.
"""
