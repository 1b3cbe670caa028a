"""Many users at once: `wayhome serve` under N concurrent clients on loopback.

    PYTHONPATH=src:. .venv/bin/python bench/load.py --clients 5 200 --seconds 300 \
        [--think 0 0] [--postgresql URL] [--set max_concurrent_requests=32]

For each database (SQLite in a temporary folder; PostgreSQL when --postgresql names an empty
database), the demo world is loaded, then for each client count a fresh `wayhome serve`
process is started and driven by the clients of tests/loadgen.py: 80 % reads (dashboard, case
list, case page, inbox pages; cases, reports, inbox, search, selector look-up and "me" in the
API), 20 % small report submissions. One JSON line per run; the server's log is checked for
tracebacks. The run fails (exit 1) on any error or time-out.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.loadgen import prepare, run_load, server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, nargs="+", default=[5, 200])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--think", type=float, nargs=2, default=[0.0, 0.0])
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--postgresql", help="URL of an empty PostgreSQL database")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE server setting")
    args = parser.parse_args()
    extra = dict(item.split("=", 1) for item in args.set)
    failed = False
    with tempfile.TemporaryDirectory(prefix="wayhome-load-") as folder:
        targets = [("sqlite", f"sqlite:///{folder}/load.db")]
        if args.postgresql:
            targets.append(("postgresql", args.postgresql))
        for engine, url in targets:
            setup = prepare(url)
            for clients in args.clients:
                log = Path(folder) / f"server-{engine}-{clients}.log"
                with server(url, Path(folder), log, **extra) as base:
                    outcome = run_load(
                        base, setup, clients, args.seconds, tuple(args.think), args.timeout
                    )
                text = log.read_text(errors="replace")
                tracebacks = text.count("Traceback")
                row = {"engine": engine, **outcome.summary(), "server_tracebacks": tracebacks}
                row["think_s"] = args.think
                row["settings"] = extra
                print(json.dumps(row), flush=True)
                for example in outcome.examples[:5]:
                    print("  example:", example, file=sys.stderr)
                if tracebacks:
                    start = text.index("Traceback")
                    print(text[start : start + 3000], file=sys.stderr)
                failed = failed or outcome.error_count > 0 or tracebacks > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
