"""Cost of crash safety: a 1,000-turn agent loop with the SQLite file vs an in-memory database.

Both sides run the same engine against an instant scripted model that calls a trivial tool
1,000 times. "On" commits every message and event to the WAL database on disk (the default);
"off" uses an in-memory SQLite database, so nothing reaches the disk. Rounds alternate (each
starting with garbage collected and the previous files synced and deleted) and the medians are
compared; the spread of the per-round ratios is printed too. Target: ratio on/off <= 1.10.
BENCH_TURNS, BENCH_ROUNDS and BENCH_RESULT_CHARS (extra characters in each tool result)
change the shape of the run.

Two loops are measured: one whose tool is read-only (the usual agent step: read a file,
search; the reply is committed with the tool result, one commit a turn) and one whose tool
may have side effects (the reply must be on disk before the tool runs: two commits a turn).
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.providers.base import ModelRequest
from aura_core.providers.scripted import ScriptedProvider, Turn
from aura_core.store import open_store
from aura_core.tools.registry import ToolRegistry, tool

TURNS = int(os.environ.get("BENCH_TURNS", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
#: Characters each tool result carries besides "ok N" (real results are often kilobytes).
PADDING = "." * int(os.environ.get("BENCH_RESULT_CHARS", "0"))


@tool(read_only=True)
def look(i: int) -> str:
    """Return at once, changing nothing.

    Args:
        i: Turn number.
    """
    return f"ok {i}{PADDING}"


@tool
def touch(i: int) -> str:
    """Return at once (declared as having side effects).

    Args:
        i: Turn number.
    """
    return f"ok {i}{PADDING}"


async def one_run(db: Path, project: Path, tool_name: str = "look") -> float:
    calls = 0

    def pick(_request: ModelRequest) -> Turn:
        nonlocal calls
        calls += 1
        if calls > TURNS:
            return Turn(text="done")
        return Turn(text="step", tool_calls=[{"name": tool_name, "arguments": {"i": calls}}])

    engine = Engine(store=open_store(db), config=load_config(), tools=ToolRegistry([look, touch]))
    engine.register_provider(ScriptedProvider(pick))
    gc.collect()  # start each run with no garbage left by the previous one (less variance)
    os.sync()  # and with no writeback of the previous run's files still going on
    started = time.perf_counter()
    handle = await engine.start_task("go", model="scripted:x", project=project,
                                     max_steps=TURNS + 5)
    outcome = await handle.wait()
    elapsed = time.perf_counter() - started
    assert outcome.status == "completed", outcome
    await engine.shutdown()
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="aura-bench-") as tmp:
        os.environ["AURA_HOME"] = tmp
        os.environ["AURA_MEMORY_ENABLED"] = "false"
        project = Path(tmp)
        for tool_name, label in (("look", "read-only tool, 1 commit a turn"),
                                 ("touch", "side-effect tool, 2 commits a turn")):
            on, off = [], []
            for i in range(ROUNDS):
                db = Path(tmp) / f"{tool_name}-{i}.db"
                on.append(asyncio.run(one_run(db, project, tool_name)))
                off.append(asyncio.run(one_run(Path(":memory:"), project, tool_name)))
                for leftover in Path(tmp).glob(f"{db.name}*"):
                    leftover.unlink()
            a, b = statistics.median(on), statistics.median(off)
            q1, _, q3 = statistics.quantiles([x / y for x, y in zip(on, off, strict=True)], n=4)
            print(f"{label}:")
            print(f"  {TURNS} turns, persistence on  (WAL file): median {a:.3f} s "
                  f"({TURNS / a:,.0f} turns/s)")
            print(f"  {TURNS} turns, persistence off (in-memory): median {b:.3f} s "
                  f"({TURNS / b:,.0f} turns/s)")
            print(f"  ratio on/off = {a / b:.2f}  (target <= 1.10; "
                  f"middle half of the {ROUNDS} paired rounds: {q1:.2f}-{q3:.2f})")


if __name__ == "__main__":
    sys.exit(main())
