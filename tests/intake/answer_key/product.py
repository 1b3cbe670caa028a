"""Driving the product for the answer key: each file through the HTTP API as a member agency.

Reports go in through `POST /api/v1/imports`, hash lists through `POST /api/v1/banks` and
`/banks/{id}/imports`; what the product holds is read back through
`/reports/{id}/correlations` and `/banks/{id}/export`; recurring selectors are looked up
through `/selectors/{type}/{value}` and, for hashes, `/hashes/match`. The client is any
`TestClient` on a Wayhome app (the test's rolled-back one, or the benchmark's on a fresh
database); `headers` carry each agency's bearer token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.intake.answer_key.scoring import (
    HERE,
    FileScore,
    Held,
    LinkScore,
    load_key,
    score_file,
)

MARKING = "AMBER"  # owner-only: other agencies learn of a match as a hit, never its content
HASH_TYPES = ("md5", "sha1", "sha256")
# The product's type name for each of the key's types (the key's "account" is a handle).
PRODUCT_TYPE = {"account": "handle"}


@dataclass
class Imported:
    """What one import stored: reports or a bank, or why it was refused."""

    agency: str
    reports: list[str] = field(default_factory=list)
    bank: str | None = None
    refused: str | None = None


class Product:
    """The product as the member agencies of the key see it."""

    def __init__(
        self, client: TestClient, headers: Mapping[str, Mapping[str, str]], codes: Mapping[str, str]
    ) -> None:
        self.client = client
        self.headers = headers
        self.codes = codes  # key agency -> product agency code
        self.agency_of = {code: agency for agency, code in codes.items()}

    def import_file(self, agency: str, name: str, format_name: str) -> Imported:
        """Import one file of the set as `agency`."""
        data = (HERE / name).read_bytes()
        headers = dict(self.headers[agency])
        if format_name == "vics":
            made = self.client.post(
                "/api/v1/banks",
                json={"name": f"answer key {name}", "marking": MARKING, "scope": "owner"},
                headers=headers,
            )
            if made.status_code != 201:
                return Imported(agency, refused=f"{made.status_code} {made.text[:300]}")
            bank = made.json()["id"]
            answer = self.client.post(
                f"/api/v1/banks/{bank}/imports", files={"file": (name, data)}, headers=headers
            )
            if answer.status_code != 201:
                return Imported(agency, refused=f"{answer.status_code} {answer.text[:300]}")
            return Imported(agency, bank=bank)
        answer = self.client.post(
            "/api/v1/imports",
            files={"file": (name, data)},
            data={"marking": MARKING, "scope": "owner"},
            headers=headers,
        )
        if answer.status_code not in (200, 201):
            return Imported(agency, refused=f"{answer.status_code} {answer.text[:300]}")
        return Imported(agency, reports=[str(r) for r in answer.json()["reports"]])

    def held(self, imported: Imported) -> list[Held] | None:
        """The selectors the product holds for an import, read back as its importer."""
        if imported.refused is not None:
            return None
        headers = self.headers[imported.agency]
        if imported.bank is not None:
            answer = self.client.get(f"/api/v1/banks/{imported.bank}/export", headers=headers)
            answer.raise_for_status()
            return list(_vics_hashes(answer.json()))
        rows = []
        for report in imported.reports:
            answer = self.client.get(f"/api/v1/reports/{report}/correlations", headers=headers)
            answer.raise_for_status()
            rows += [Held(s["type"], s["value"], s["original"]) for s in answer.json()]
        return rows

    def seen(self, agency: str, kind: str, value: str) -> set[str]:
        """The agencies (key names) that `agency`'s look-up of a value names, itself included."""
        headers = self.headers[agency]
        codes: set[str] = set()
        product_type = PRODUCT_TYPE.get(kind, kind)
        path = quote(value, safe="")  # every reserved character escaped, decoded once
        answer = self.client.get(f"/api/v1/selectors/{product_type}/{path}", headers=headers)
        if answer.status_code == 200:
            body = answer.json()
            codes |= {o["agency_code"] for o in body["occurrences"]}
            codes |= {h["agency_code"] for h in body["hits"]}
        if kind in HASH_TYPES:
            match = self.client.post(
                "/api/v1/hashes/match", json={"hashes": [{kind: value}]}, headers=headers
            )
            if match.status_code == 200:
                for result in match.json()["results"]:
                    codes |= {m["agency_code"] for m in result["matches"]}
                    codes |= {h["agency_code"] for h in result["hits"]}
        return {self.agency_of[c] for c in codes if c in self.agency_of}


def _vics_hashes(document: Mapping[str, Any]) -> list[Held]:
    """The exact hashes of a VICS 2.0 document (the bank's export), read by the key's rules."""
    rows = []
    for media in document.get("value", []):
        for name, kind in (("MD5", "md5"), ("SHA1", "sha1")):
            if media.get(name):
                rows.append(Held(kind, media[name], media[name]))
        for other in media.get("AlternativeHashes") or []:
            kind = str(other.get("HashName", "")).lower().replace("-", "")
            if kind in HASH_TYPES:
                rows.append(Held(kind, other["HashValue"], other["HashValue"]))
    return rows


def score_set(product: Product) -> tuple[list[FileScore], list[LinkScore]]:
    """Import each file as its own agency, read back what is held, and look up every
    recurring selector as each agency that holds it."""
    key = load_key()
    scores = []
    for name, entry in key["files"].items():
        imported = product.import_file(entry["agency"], name, entry["format"])
        scores.append(score_file(name, entry, product.held(imported), imported.refused))
    links = []
    for link in key["cross_file"]:
        holders = sorted({key["files"][f]["agency"] for f in link["files"]})
        seen = {a: product.seen(a, link["type"], link["value"]) for a in holders}
        links.append(LinkScore(link["type"], link["value"], holders, seen))
    return scores, links


def import_as(product: Product, agency: str, name: str) -> tuple[str | None, FileScore]:
    """Import one file as any agency: refused or not, and what it then holds."""
    entry = load_key()["files"][name]
    imported = product.import_file(agency, name, entry["format"])
    return imported.refused, score_file(name, entry, product.held(imported), imported.refused)


def files() -> list[str]:
    """The set's file names, in the key's order."""
    return list(load_key()["files"])


def agencies() -> dict[str, dict[str, str]]:
    """The key's agencies: country, kind and name."""
    found: dict[str, dict[str, str]] = load_key()["agencies"]
    return found
