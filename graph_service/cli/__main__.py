"""``python -m graph_service.cli``: the same command line as ``graph-service``."""

from graph_service.cli import app

app()
