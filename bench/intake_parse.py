"""Structured parse throughput for each intake format on generated, realistic-shaped files.

Run: PYTHONPATH=src .venv/bin/python bench/intake_parse.py [--records 5000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable

from wayhome.intake import synthetic
from wayhome.intake.export.misp_export import export_misp
from wayhome.intake.export.stix_export import export_stix
from wayhome.intake.formats.csvfile import parse_csv
from wayhome.intake.formats.cybertip import parse_cybertip
from wayhome.intake.formats.freetext import parse_text
from wayhome.intake.formats.misp import parse_misp
from wayhome.intake.formats.stix import parse_stix
from wayhome.intake.parsed import ParsedReport

_MAKERS: list[tuple[str, Callable[[random.Random], str]]] = [
    ("email", lambda r: f"{synthetic.handle_name(r)}@example-mail.org"),
    ("ipv4", synthetic.ipv4_address),
    ("ipv6", synthetic.ipv6_address),
    ("phone", lambda r: synthetic.phone_number(r, "GB")),
    ("btc", synthetic.btc_p2pkh),
    ("eth", synthetic.eth_address),
    ("xmr", synthetic.xmr_address),
    ("onion", synthetic.onion_address),
    ("handle", lambda r: "telegram:" + synthetic.handle_name(r)),
    ("sha256", lambda r: synthetic.random_bytes(r, 32).hex()),
    ("url", lambda r: f"https://forum.example.net/t/{r.randint(1, 10**6)}"),
]


def _rows(records: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [(kind, make(rng)) for kind, make in (rng.choice(_MAKERS) for _ in range(records))]


def build_csv(records: int, seed: int) -> bytes:
    """A selector CSV with `records` rows."""
    lines = ["type,value,observed_at,note"]
    lines += [f"{k},{v},2024-03-02T14:00:00Z,row" for k, v in _rows(records, seed)]
    return ("\n".join(lines) + "\n").encode()


def _report(records: int, seed: int) -> ParsedReport:
    [report] = parse_csv(build_csv(records, seed))
    return report


def build_stix(records: int, seed: int) -> bytes:
    """A STIX bundle with about `records` observables in one report."""
    return json.dumps(export_stix([(_report(records, seed), "Police Bench")])).encode()


def build_misp(records: int, seed: int) -> bytes:
    """A MISP event with about `records` attributes and objects."""
    return json.dumps(export_misp(_report(records, seed), agency="Police Bench")).encode()


def build_cybertip(records: int, seed: int) -> bytes:
    """A CyberTipline XML report with `records` IP capture events."""
    rng = random.Random(seed)
    events = "".join(
        f"<ipCaptureEvent><ipAddress>{synthetic.ipv4_address(rng)}</ipAddress>"
        f"<eventName>Login</eventName><dateTime>2024-03-02T14:{i % 60:02d}:00Z</dateTime>"
        f"<possibleProxy>false</possibleProxy></ipCaptureEvent>\n"
        for i in range(records)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<report><incidentSummary>'
        "<incidentType>Bench</incidentType></incidentSummary><personOrUserReported>"
        f"<screenName>bench_user</screenName>{events}</personOrUserReported></report>"
    ).encode()


def main() -> None:
    """Build one file per format and print MB/s and records/s of parsing it."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cases: list[tuple[str, bytes, Callable[[bytes], list[ParsedReport]]]] = [
        ("csv", build_csv(args.records, args.seed), parse_csv),
        ("stix", build_stix(args.records, args.seed), parse_stix),
        ("misp", build_misp(args.records, args.seed), parse_misp),
        ("cybertip", build_cybertip(args.records, args.seed), parse_cybertip),
        ("text", build_csv(args.records, args.seed), parse_text),
    ]
    for name, data, parse in cases:
        best = float("inf")
        items = 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            items = sum(len(r.items) for r in parse(data))
            best = min(best, time.perf_counter() - started)
        print(
            f"{name:9s} {len(data) / 1e6:6.2f} MB {items:7d} selectors  {best:6.3f} s  "
            f"{len(data) / 1e6 / best:6.2f} MB/s  {items / best:9.0f} selectors/s"
        )


if __name__ == "__main__":
    main()
