"""The ``graph-service`` command line: everything the cluster manager does from a terminal.

It calls the same services as the HTTP API, always with the manager's view (the projection
itself, private members included), and prints tables, or JSON with ``--json``. The commands
live by area:

- :mod:`graph_service.cli.db`: the managed Neo4j (``db install|start|stop|status``) and the
  API server (``serve``);
- :mod:`graph_service.cli.data`: ``import``, ``export``, ``seed``, ``backup`` and ``restore``;
- :mod:`graph_service.cli.analyses`: ``recommend``, ``paths`` and ``analytics
  communities|subsectors|matrix|bridges``;
- :mod:`graph_service.cli.actions`: ``introductions propose|respond|update|due|kpis|plan``,
  ``team`` and ``tables``;
- :mod:`graph_service.cli.pages`: ``viz ecosystem|member|subsectors|path`` and ``report``
  (standalone HTML files);
- :mod:`graph_service.cli.admin`: ``keys create|list|revoke`` and ``audit``;
- :mod:`graph_service.cli.common`: what they share (opening the database and the projection,
  errors as messages and exit codes, ``--json``, the progress bar, the JSON writer, the
  subsector choice).

This module assembles :data:`app`, the entry point (``graph-service = "graph_service.cli:app"``;
``python -m graph_service.cli`` runs it too), in the order ``--help`` lists the commands.
"""

from __future__ import annotations

import typer

from graph_service.cli import actions, admin, analyses, data, db, pages
from graph_service.cli.common import open_database

__all__ = ["app", "open_database"]

app = typer.Typer(
    help="The graph-service command line: the managed Neo4j and the API server, data in and out, "
         "the network analyses, introductions and teams, the network pages and the report, keys and audit.",
    no_args_is_help=True,
    add_completion=False,
)

app.add_typer(db.db_app, name="db")
app.command("import")(data.import_cmd)
app.command("export")(data.export_cmd)
app.command("seed")(data.seed_cmd)
app.add_typer(analyses.analytics_app, name="analytics")
app.command("recommend")(analyses.recommend_cmd)
app.command("paths")(analyses.paths_cmd)
app.add_typer(actions.intro_app, name="introductions")
app.command("team")(actions.team_cmd)
app.command("tables")(actions.tables_cmd)
app.add_typer(pages.viz_app, name="viz")
app.command("report")(pages.report_cmd)
app.command("backup")(data.backup_cmd)
app.command("restore")(data.restore_cmd)
app.command("serve")(db.serve)
app.add_typer(admin.keys_app, name="keys")
app.command("audit")(admin.audit_cmd)
