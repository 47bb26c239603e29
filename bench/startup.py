"""Startup time: ``aura --help`` against simonw's ``llm --help``, side by side.

The peer lives in its own venv (``bench/.venv-llm``, created on first run from PyPI).
Runs the two commands alternately and prints medians and the ratio aura / llm.
Target: ratio <= 0.33.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-llm"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


def ensure_llm() -> Path:
    exe = VENV / "bin" / "llm"
    if not exe.exists():
        print("installing llm into", VENV, file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "llm"], check=True)
    return exe


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    aura = shutil.which("aura") or sys.exit("aura is not on PATH: pip install -e .")
    llm = str(ensure_llm())
    for cmd in ([aura, "--help"], [llm, "--help"]):  # warm the page cache
        timed(cmd)
    a_times, l_times = [], []
    for _ in range(ROUNDS):
        a_times.append(timed([aura, "--help"]))
        l_times.append(timed([llm, "--help"]))
    a, l_ = statistics.median(a_times), statistics.median(l_times)
    print(f"aura --help  median {a * 1000:7.1f} ms  (min {min(a_times) * 1000:.1f})")
    print(f"llm --help   median {l_ * 1000:7.1f} ms  (min {min(l_times) * 1000:.1f})")
    print(f"ratio aura/llm = {a / l_:.2f}  (target <= 0.33)")


if __name__ == "__main__":
    main()
