"""The demo's intelligence fragments: what four agencies each hold about one fictional persona.

Each fragment is in the format that agency would really send (forum scrape as free text,
a provider's CyberTipline-style XML, a MISP event, a STIX 2.1 bundle). They share
identifiers the way real fragments do — the same e-mail written differently, the same PGP
key, the same wallet — and Wayhome's own intake and correlation join them; nothing here
says which fragment matches which. Every name, handle and address is fictional; IP
addresses come from the documentation ranges (RFC 5737).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from wayhome.access.markings import Marking, Scope
from wayhome.intake import synthetic


@dataclass(frozen=True)
class Fragment:
    """One agency's file, and how that agency marks and shares it."""

    agency: str
    filename: str
    data: bytes
    marking: Marking
    scope: Scope
    shared_with: tuple[str, ...] = ()
    silent: bool = False


def fragments(seed: int = 2026) -> list[Fragment]:
    """The four fragments of the demo case, generated from a seed."""
    rng = random.Random(seed)
    pgp = synthetic.pgp_fingerprint(rng)
    wallet = synthetic.btc_segwit(rng)
    onion = synthetic.onion_address(rng)
    handle = "kolokol_77"
    email = "kolokol.77@mailbox.example"
    spaced_pgp = " ".join(pgp[i : i + 4] for i in range(0, 40, 4))
    forum = (
        f"Forum scrape, {onion}, thread 'meetups', user: {handle}\n"
        "2025-09-21 23:14 +03:00 kolokol_77: new place is quiet, village, nobody asks\n"
        "2025-09-23 00:41 +03:00 kolokol_77: message me, key below\n"
        f"PGP fingerprint: {spaced_pgp}\n"
        f"2025-09-27 22:05 +03:00 kolokol_77: donations to {wallet}\n"
    ).encode()
    tipline = f"""<?xml version="1.0" encoding="UTF-8"?>
<report tlp="TLP:AMBER">
  <incidentSummary>
    <incidentType>Online Enticement of Children for Sexual Acts</incidentType>
    <incidentDateTime>2025-09-24T21:30:00Z</incidentDateTime>
    <escalateToHighPriority>true</escalateToHighPriority>
  </incidentSummary>
  <reporter><espName>Quietmail</espName></reporter>
  <personOrUserReported>
    <personOrUserReportedPerson><email>{email.upper()}</email></personOrUserReportedPerson>
    <espIdentifier>QM-7731</espIdentifier>
    <screenName>kolokol77</screenName>
    <ipCaptureEvent><ipAddress>203.0.113.77</ipAddress><eventName>Login</eventName>
      <dateTime>2025-09-24T20:58:00Z</dateTime><possibleProxy>false</possibleProxy></ipCaptureEvent>
    <ipCaptureEvent><ipAddress>198.51.100.23</ipAddress><eventName>Login</eventName>
      <dateTime>2025-09-26T21:12:00Z</dateTime><possibleProxy>true</possibleProxy></ipCaptureEvent>
    <estimatedLocation><city>Kostroma</city><region>Kostroma Oblast</region>
      <countryCode>RU</countryCode></estimatedLocation>
  </personOrUserReported>
  <additionalInfo>Recovery contact signed with PGP key 0x{pgp[-16:]}</additionalInfo>
</report>
""".encode()
    misp = {
        "Event": {
            "info": "Seized server: account linked to PGP key",
            "date": "2025-10-02",
            "Orgc": {"name": "Bundes-Kinderschutzstelle (demo)"},
            "Tag": [{"name": "tlp:amber"}],
            "Attribute": [
                {"type": "email-src", "category": "Network activity", "value": email},
                {"type": "btc", "category": "Financial fraud", "value": wallet},
                {"type": "text", "category": "Other", "value": f"PGP fingerprint {pgp}"},
            ],
            "Object": [
                {
                    "name": "person",
                    "Attribute": [
                        {"object_relation": "first-name", "type": "first-name", "value": "Vadim"},
                        {"object_relation": "last-name", "type": "last-name", "value": "Zorin"},
                    ],
                }
            ],
        }
    }
    stix = {
        "type": "bundle",
        "id": "bundle--5a1e2d3c-0000-4000-8000-000000000001",
        "objects": [
            {
                "type": "email-addr",
                "spec_version": "2.1",
                "id": "email-addr--5a1e2d3c-0000-4000-8000-000000000002",
                "value": email,
            },
            {
                "type": "user-account",
                "spec_version": "2.1",
                "id": "user-account--5a1e2d3c-0000-4000-8000-000000000003",
                "account_login": handle,
                "account_type": "forum",
            },
            {
                "type": "report",
                "spec_version": "2.1",
                "id": "report--5a1e2d3c-0000-4000-8000-000000000004",
                "created": "2025-10-03T10:00:00.000Z",
                "modified": "2025-10-03T10:00:00.000Z",
                "name": "Undercover contact with forum user",
                "published": "2025-10-03T10:00:00.000Z",
                "report_types": ["threat-actor"],
                "object_refs": [
                    "email-addr--5a1e2d3c-0000-4000-8000-000000000002",
                    "user-account--5a1e2d3c-0000-4000-8000-000000000003",
                ],
            },
        ],
    }
    return [
        Fragment("nl-police", "forum-scrape.txt", forum, Marking.AMBER, Scope.ALL),
        Fragment("us-tips", "tipline-report.xml", tipline, Marking.AMBER, Scope.ALL),
        Fragment(
            "de-bka",
            "seized-server.misp.json",
            json.dumps(misp).encode(),
            Marking.AMBER,
            Scope.NAMED,
            ("ru-ncb", "hub"),
        ),
        Fragment(
            "uk-cop",
            "undercover.stix.json",
            json.dumps(stix).encode(),
            Marking.AMBER_STRICT,
            Scope.OWNER,
        ),
    ]
