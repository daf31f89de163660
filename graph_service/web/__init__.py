"""The HTML pages: the maps (/viz/...), the ecosystem report (/report), the member page
(/members-app) and the login page, served by the thin routes of :mod:`graph_service.api.routes.viz`
and :mod:`graph_service.api.routes.session`, or written as standalone files by the CLI.

* :mod:`~graph_service.web.pages`: the plumbing every page shares (the ``viz/`` directory and its
  assets, the Jinja environment, the Content-Security-Policy and security headers, JSON safe to
  embed, the navigation).
* :mod:`~graph_service.web.colours`: the palettes and the subsectors' display names.
* :mod:`~graph_service.web.maps`: the map model, layouts, overlays and rendering (pure).
* one module per page: :mod:`~graph_service.web.ecosystem`, :mod:`~graph_service.web.member`,
  :mod:`~graph_service.web.subsectors`, :mod:`~graph_service.web.paths`,
  :mod:`~graph_service.web.report`, :mod:`~graph_service.web.login`,
  :mod:`~graph_service.web.explore`.

The figures come from the services (:mod:`graph_service.services.analyses`,
:mod:`graph_service.services.report`...); nothing here queries the database.
"""
