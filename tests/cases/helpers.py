"""Builders shared by the case-workflow and notices tests."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from wayhome import clock

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def child_case(**over: Any) -> dict[str, Any]:
    """A missing-child intake body (a fictional child)."""
    body: dict[str, Any] = {
        "child": {
            "names": [
                {"full_name": "Мария Соколова", "language": "ru"},
                {"full_name": "Mariya Sokolova", "given_name": "Mariya", "family_name": "Sokolova"},
            ],
            "date_of_birth": "2017-05-02",
            "sex": "female",
            "nationalities": ["ru"],
            "languages": ["rus", "eng"],
            "height_cm": 128,
            "weight_kg": 26,
            "eye_colour": "blu",
            "hair_colour": "blo",
            "distinguishing_marks": "Small scar above the left eyebrow",
            "description": "Red jacket, blue backpack.",
        },
        "last_seen_at": "2026-06-01T08:30:00Z",
        "last_seen_place": "Noginsk, school gate",
        "last_seen_country": "ru",
        "circumstances": "Did not come home from school.",
        "suspected_abduction": True,
        "online_link": True,
        "guardians": [{"name": "Olga Sokolova", "relation": "mother", "phone": "+7 900 000 0000"}],
        "marking": "AMBER",
        "scope": "owner",
    }
    body.update(over)
    return body


def open_child(client: TestClient, headers: dict[str, str], **over: Any) -> dict[str, Any]:
    """Open a missing-child case through the API."""
    response = client.post("/api/v1/cases/missing-child", json=child_case(**over), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def png(width: int = 120, height: int = 150, exif: bool = False) -> bytes:
    """A generated placeholder picture (never a real person)."""
    picture = Image.new("RGB", (width, height), (180, 160, 140))
    out = io.BytesIO()
    if exif:
        info = Image.Exif()
        info[0x010F] = "CameraMaker"  # Make
        info[0x9003] = "2026:01:01 10:00:00"  # DateTimeOriginal
        picture.save(out, "JPEG", exif=info.tobytes())
    else:
        picture.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def frozen() -> Iterator[datetime]:
    """The controllable clock, frozen at NOW for the test."""
    with clock.frozen(NOW):
        yield NOW
