"""A CI-sized chaos run: SIGKILL at random moments, resume, nothing lost or re-run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "chaos.py"


@pytest.mark.slow
def test_kill_and_resume_rounds() -> None:
    spec = importlib.util.spec_from_file_location("aura_chaos", BENCH)
    assert spec and spec.loader
    chaos = importlib.util.module_from_spec(spec)
    sys.modules["aura_chaos"] = chaos
    spec.loader.exec_module(chaos)
    results = chaos.run_chaos(6, seed=7)
    failures = [r for r in results if not r.ok]
    assert not failures, failures
    assert any(r.committed_before > 1 for r in results)  # kills really hit mid-task
