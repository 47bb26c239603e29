"""Helpers shared by tests (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import sys

#: How tests run the CLI as a subprocess.
AURA = [sys.executable, "-m", "aura_cli"]
