"""What a person waits for at the terminal: stage commands and `nightly` beside `shishi show 2.8`.

Everything runs as real `shishi` processes on a fresh data directory holding the example programme,
on the embedded default (no PREFECT_API_URL): the first orchestrating command starts the data
directory's local Prefect server (and after it, the runner), the others reuse them; they are stopped
at the end. The first start is measured twice, each on a fresh data directory: once with no Prefect
database template (the first ever for a user and a Prefect version, which makes it), then with it.
Run: `.venv/bin/python bench/cli_latency.py [runs]` (median of `runs` runs each, default 5).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHISHI = str(Path(sys.executable).with_name("shishi"))
# projects of item 2 at 开工 in the example: each applied advance moves a different one to 完工
AT_CONSTRUCTION = ["2.8", "2.9", "2.10", "2.11", "2.12", "2.13"]
ACCEPTANCE = ["--evidence", "竣工验收=长民验〔2020〕3号@2020-10-09", "--at", "2020-10-10"]


def _seconds(args: list[str], env: dict[str, str], codes: tuple[int, ...]) -> float:
    start = time.perf_counter()
    done = subprocess.run([SHISHI, *args], env=env, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    if done.returncode not in codes:
        raise SystemExit(f"shishi {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return elapsed


def _median(commands: list[list[str]], env: dict[str, str], codes: tuple[int, ...]) -> float:
    return statistics.median(_seconds(args, env, codes) for args in commands)


def main() -> None:
    """Print each command's median time, its ratio to `shishi show 2.8`, and the issue's goal."""
    runs = min(int(sys.argv[1]) if len(sys.argv) > 1 else 5, len(AT_CONSTRUCTION))
    with tempfile.TemporaryDirectory(prefix="shishi-latency-") as root:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env = {k: v for k, v in env.items() if k not in ("SHISHI_DATABASE_URL", "SHISHI_LOCAL_PREFECT")}
        env["SHISHI_CACHE_DIR"] = str(Path(root) / "cache")  # no Prefect database template yet
        very_first = _first_start(env, Path(root) / "very-first")  # this one makes the template
        env["SHISHI_DATA_DIR"] = str(Path(root) / "data")
        _fresh(env)
        try:
            first = _seconds(["nightly", "--as-of", "2020-09-30"], env, (0,))
            show = _median([["show", "2.8"]] * runs, env, (0,))
            rows = [
                (
                    "shishi advance 99.9 --by x (unknown)",
                    [["advance", "99.9", "--by", "x"]] * runs,
                    (2,),
                    1.3,
                ),
                ("shishi advance 2.8 --by x (refused)", [["advance", "2.8", "--by", "x"]] * runs, (1,), 1.3),
                (
                    "shishi advance N --evidence … (applied)",
                    [["advance", ref, "--by", "x", *ACCEPTANCE] for ref in AT_CONSTRUCTION[:runs]],
                    (0,),
                    3.0,
                ),
                (
                    "shishi nightly --as-of 2020-09-30",
                    [["nightly", "--as-of", "2020-09-30"]] * runs,
                    (0,),
                    5.0,
                ),
            ]
            print(
                f"{runs} runs each, median; fresh data directory, example programme, SQLite, local Prefect server"
            )
            print(f"{'command':44}{'median s':>10}{'× show':>9}{'goal':>8}  met")
            print(f"{'shishi show 2.8 (baseline)':44}{show:10.2f}{1:9.2f}")
            for label, commands, codes, goal in rows:
                seconds = _median(commands, env, codes)
                ratio = seconds / show
                print(
                    f"{label:44}{seconds:10.2f}{ratio:9.2f}{f'≤ {goal}×':>8}  {'yes' if ratio <= goal else 'no'}"
                )
            met = "yes" if first <= 15 else "no"
            print(
                f"{'first orchestrating command (starts server)':44}{first:10.2f}{'':9}{'≤ 15 s':>8}  {met}"
            )
            print(
                f"{'  the same, first ever for user and Prefect':44}{very_first:10.2f}   (makes the template)"
            )
        finally:
            subprocess.run([SHISHI, "prefect", "stop"], env=env, capture_output=True, timeout=120)


def _fresh(env: dict[str, str]) -> None:
    """A fresh data directory holding the example programme."""
    for args in (["init"], ["load", str(ROOT / "examples/changning-2020.yaml")]):
        subprocess.run([SHISHI, *args], env=env, check=True, capture_output=True)


def _first_start(env: dict[str, str], data: Path) -> float:
    """Seconds of the first orchestrating command on a fresh data directory, its server stopped after."""
    env = {**env, "SHISHI_DATA_DIR": str(data)}
    _fresh(env)
    try:
        return _seconds(["nightly", "--as-of", "2020-09-30"], env, (0,))
    finally:
        subprocess.run([SHISHI, "prefect", "stop"], env=env, capture_output=True, timeout=120)


if __name__ == "__main__":
    main()
