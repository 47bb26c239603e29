"""Chaos run: SIGKILL `aura run` at random moments of a 10-step task, resume, check nothing is lost.

Each round starts a scripted 10-step task (every step appends one line to a log file through
the `bash` tool), kills the process with SIGKILL after a random delay, snapshots the stored
transcript, resumes the task with `aura task resume` and then checks:

- the task completed;
- every message committed before the kill is still there, unchanged, in order;
- `PRAGMA integrity_check` is ok;
- no tool was re-run silently: no step's line appears twice in the log.

Usage: python bench/chaos.py [ROUNDS] (default 50). Exits non-zero on any failure.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

AURA = [sys.executable, "-m", "aura_cli"]
STEPS = 10


@dataclass
class Round:
    """The outcome of one kill-and-resume round."""

    killed_after: float
    committed_before: int
    completed: bool
    prefix_intact: bool
    integrity_ok: bool
    duplicated_steps: list[int]

    @property
    def ok(self) -> bool:
        return (self.completed and self.prefix_intact and self.integrity_ok
                and not self.duplicated_steps)


def _script(path: Path) -> str:
    turns = [{"text": f"Step {i}.", "delay": 0.05, "tool_calls": [
        {"id": f"s{i}", "name": "bash",
         "arguments": {"command": f"echo step{i} >> log.txt; sleep 0.1"}}]} for i in range(STEPS)]
    turns.append({"text": "All ten steps are done."})
    path.write_text(json.dumps(turns))
    return f"scripted:{path}"


def _messages(db: Path, task_id: str) -> list[tuple[str, str, str | None]]:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT role, content, tool_calls FROM task_messages WHERE id >> 32 = "
                           "(SELECT num FROM task_keys WHERE task_id = ?) ORDER BY id", [task_id]).fetchall()
    finally:
        con.close()


def one_round(work: Path, rng: random.Random) -> Round:
    """Run, kill, resume and check one task in a fresh AURA_HOME under ``work``."""
    home, project = work / "home", work / "project"
    project.mkdir(parents=True)
    env = {**os.environ, "AURA_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    model = _script(work / "script.json")
    delay = rng.uniform(0.4, 2.5)
    proc = subprocess.Popen([*AURA, "run", "--json", "-m", model, "-p", str(project), "Ten steps"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    out, _ = proc.communicate()
    db = home / "data" / "aura-workshop.db"
    first = out.splitlines()[0] if out else ""
    # killed before the task existed: nothing was committed; it is started again unkilled
    task_list = [json.loads(first)["task_id"]] if first else []
    if not task_list:
        subprocess.run([*AURA, "run", "-m", model, "-p", str(project), "Ten steps"], env=env,
                       capture_output=True, timeout=300)
        listed = subprocess.run([*AURA, "task", "list", "--json"], env=env, capture_output=True,
                                text=True, timeout=60)
        task_id = json.loads(listed.stdout)[0]["id"]
        before: list[tuple[str, str, str | None]] = []
    else:
        task_id = task_list[0]
        before = _messages(db, task_id) if db.exists() else []
        resumed = subprocess.run([*AURA, "task", "resume", task_id], env=env,
                                 capture_output=True, text=True, timeout=300)
        if resumed.returncode == 2 and "already completed" in resumed.stderr:
            pass  # the kill came after the end
    after = _messages(db, task_id)
    import sqlite3

    con = sqlite3.connect(db)
    status = con.execute("SELECT status FROM tasks WHERE id = ?", [task_id]).fetchone()[0]
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    log = (project / "log.txt").read_text().split() if (project / "log.txt").exists() else []
    dupes = sorted({int(x[4:]) for x in log if log.count(x) > 1})
    return Round(delay, len(before), status == "completed", after[: len(before)] == before,
                 integrity, dupes)


def run_chaos(rounds: int, seed: int = 1234) -> list[Round]:
    """Run ``rounds`` kill-and-resume rounds; returns their outcomes."""
    rng = random.Random(seed)
    results = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="aura-chaos-") as tmp:
            results.append(one_round(Path(tmp), rng))
    return results


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    started = time.perf_counter()
    results = run_chaos(rounds)
    ok = sum(r.ok for r in results)
    for i, r in enumerate(results):
        if not r.ok:
            print(f"round {i}: FAILED {r}")
    print(f"{ok}/{rounds} rounds finished with nothing lost "
          f"(killed after {min(r.killed_after for r in results):.2f}–"
          f"{max(r.killed_after for r in results):.2f} s; "
          f"{sum(r.committed_before for r in results)} messages committed before kills) "
          f"in {time.perf_counter() - started:.0f} s")
    return 0 if ok == rounds else 1


if __name__ == "__main__":
    raise SystemExit(main())
