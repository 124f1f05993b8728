"""Cold start of `shishi list` beside the bare interpreter, on the example programme.

Run with `make bench-cli` (or `python bench/cli_startup.py`); it creates its own data directory.
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
RUNS = 7


def _median_seconds(cmd: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print the median cold-start times side by side."""
    shishi = str(Path(sys.executable).with_name("shishi"))
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "SHISHI_DATA_DIR": data}
        env.pop("SHISHI_DATABASE_URL", None)
        subprocess.run([shishi, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [shishi, "load", str(ROOT / "examples/changning-2020.yaml")],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        rows = [
            ("python -c pass (baseline)", [sys.executable, "-c", "pass"]),
            ("python -c 'import sqlalchemy' (baseline)", [sys.executable, "-c", "import sqlalchemy"]),
            ("shishi list", [shishi, "list"]),
            ("shishi show 2", [shishi, "show", "2"]),
        ]
        print(f"{'command':45} {'median s':>9}   ({RUNS} cold runs each)")
        for label, cmd in rows:
            print(f"{label:45} {_median_seconds(cmd, env):9.3f}")


if __name__ == "__main__":
    main()
