"""Helpers for the bank and matching tests: random hashes, hash lists, API calls."""

from __future__ import annotations

import json
import random
from typing import Any

from fastapi.testclient import TestClient


def random_hex(digits: int, rng: random.Random) -> str:
    """A random lowercase hex string."""
    return "".join(rng.choice("0123456789abcdef") for _ in range(digits))


def flipped(pdq: str, bits: int, rng: random.Random) -> str:
    """The PDQ with `bits` distinct bits flipped."""
    value = int(pdq, 16)
    for position in rng.sample(range(256), bits):
        value ^= 1 << position
    return f"{value:064x}"


def vics(records: list[Any]) -> bytes:
    """A VICS 2.0 JSON document with the given media records."""
    document = {
        "@odata.context": "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/US/$metadata#Media",
        "value": records,
    }
    return json.dumps(document).encode()


def media(
    md5: str | None = None,
    pdq: str | None = None,
    quality: int = 90,
    series: str | None = None,
    victim: bool | None = None,
    category: int = 1,
) -> dict[str, Any]:
    """One VICS media record."""
    alternatives = [{"HashName": "PDQ", "HashValue": pdq, "Quality": quality}] if pdq else []
    return {
        "MediaID": 1,
        "Category": category,
        "MD5": md5,
        "Series": series,
        "VictimIdentified": victim,
        "AlternativeHashes": alternatives,
    }


def create_bank(
    client: TestClient, headers: dict[str, str], name: str, marking: str = "AMBER", **over: Any
) -> str:
    """Create a bank through the API; its id."""
    response = client.post(
        "/api/v1/banks", headers=headers, json={"name": name, "marking": marking, **over}
    )
    assert response.status_code == 201, response.text
    bank_id: str = response.json()["id"]
    return bank_id


def import_list(
    client: TestClient,
    headers: dict[str, str],
    bank_id: str,
    content: bytes,
    filename: str = "list.json",
    status: int = 201,
) -> dict[str, Any]:
    """Import a hash list into a bank through the API; the answer."""
    response = client.post(
        f"/api/v1/banks/{bank_id}/imports",
        headers=headers,
        files={"file": (filename, content)},
    )
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


def match(
    client: TestClient, headers: dict[str, str], hashes: list[dict[str, Any]], **options: Any
) -> dict[str, Any]:
    """Match hashes through the API; the answer."""
    response = client.post(
        "/api/v1/hashes/match", headers=headers, json={"hashes": hashes, **options}
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer
