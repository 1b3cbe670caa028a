"""CLI start-up: wall and CPU time of `wayhome --help` and `wayhome locate --clues FILE`.

Each command runs as a fresh process (the way an analyst runs it), several times; the clue
file is docs/locate-clues-example.json. "cold" runs point WAYHOME_CACHE_DIR at an empty folder,
so the gazetteer is built from the embedded GeoNames extract and cached; "warm" runs read the
cache. CPU (user + system) is the figure to compare on a shared machine: wall time also counts
waiting for a core. `--case REF` also times `wayhome locate REF --user NAME` on the database the
environment names (it writes the audit entries and the ranking signal a real run writes).
Run: .venv/bin/python bench/cli_startup.py [--runs N] [--case REF --user NAME]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WAYHOME = [sys.executable, "-m", "wayhome.cli.main"]
EXAMPLE = ROOT / "docs" / "locate-clues-example.json"


def timed(arguments: list[str], environment: dict[str, str]) -> tuple[float, float]:
    """Run one command; return its wall seconds and CPU seconds (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([*WAYHOME, *arguments], env=environment, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{arguments} failed: {done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def report(name: str, samples: list[tuple[float, float]]) -> None:
    """Print the median and the worst of wall and CPU time."""
    walls = [wall for wall, _ in samples]
    cpus = [cpu for _, cpu in samples]
    print(
        f"{name:42} wall median {statistics.median(walls):5.2f} s (max {max(walls):5.2f}), "
        f"CPU median {statistics.median(cpus):5.2f} s (max {max(cpus):5.2f}), n={len(samples)}"
    )


def main() -> None:
    """Time the commands."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--help-only-src",
        type=Path,
        help="Also time `wayhome --help` of another checkout's src/ (e.g. a git worktree of "
        "the commit before the lazy CLI), for a before/after on the same machine.",
    )
    parser.add_argument(
        "--case",
        help="Also time `wayhome locate CASE --user USER` (warm caches) on the database that "
        "WAYHOME_DATA_DIR / WAYHOME_DATABASE_URL name, e.g. after `wayhome demo --no-serve`.",
    )
    parser.add_argument("--user", default="ru.investigator", help="The user for --case.")
    options = parser.parse_args()
    environment = dict(os.environ)
    if options.help_only_src is not None:
        other = {**environment, "PYTHONPATH": str(options.help_only_src.resolve())}
        report(
            f"wayhome --help ({options.help_only_src})",
            [timed(["--help"], other) for _ in range(options.runs)],
        )
    warm_dir = tempfile.mkdtemp(prefix="wayhome-cache-")
    environment["WAYHOME_CACHE_DIR"] = warm_dir
    timed(["locate", "--clues", str(EXAMPLE)], environment)  # fills the warm cache
    report("wayhome --help", [timed(["--help"], environment) for _ in range(options.runs)])
    report(
        "wayhome locate --clues example.json (warm)",
        [timed(["locate", "--clues", str(EXAMPLE)], environment) for _ in range(options.runs)],
    )
    if options.case is not None:
        arguments = ["locate", options.case, "--user", options.user]
        report(
            "wayhome locate CASE --user (warm)",
            [timed(arguments, environment) for _ in range(options.runs)],
        )
    cold = []
    for _ in range(max(1, options.runs // 2)):
        environment["WAYHOME_CACHE_DIR"] = tempfile.mkdtemp(prefix="wayhome-cold-")
        cold.append(timed(["locate", "--clues", str(EXAMPLE)], environment))
    report("wayhome locate --clues example.json (cold)", cold)


if __name__ == "__main__":
    main()
