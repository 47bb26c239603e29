"""``python -m aura_cli`` runs the CLI."""

from aura_cli.main import run

run()
