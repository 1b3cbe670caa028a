"""TLP marking definitions in STIX 2.1: the TLP 1.0 built-ins and the TLP 2.0 published ids.

TLP 2.0 ids and the extension definition id are those OASIS publishes in
cti-stix-common-objects (`extension-definition-specifications/tlp-2.0`).
"""

from __future__ import annotations

from typing import Any

from wayhome.access.markings import Marking
from wayhome.intake.formats.common import marking_from_tlp

TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"
TLP1_IDS: dict[str, Marking] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": Marking.CLEAR,
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": Marking.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": Marking.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": Marking.RED,
}
TLP2_IDS: dict[Marking, str] = {
    Marking.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Marking.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Marking.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Marking.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Marking.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
KNOWN_MARKING_IDS: dict[str, Marking] = {**TLP1_IDS, **{v: k for k, v in TLP2_IDS.items()}}


def tlp2_definition(marking: Marking) -> dict[str, Any]:
    """The published TLP 2.0 marking-definition object for a marking, as a dict."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_IDS[marking],
        "created": TLP2_CREATED,
        "name": f"TLP:{marking.value}",
        "extensions": {
            TLP2_EXTENSION_ID: {
                "extension_type": "property-extension",
                "tlp_2_0": marking.value.lower(),
            }
        },
    }


def marking_of_definition(obj: dict[str, Any]) -> Marking | None:
    """The marking a marking-definition object stands for, by id, TLP 2.0 extension or name."""
    known = KNOWN_MARKING_IDS.get(str(obj.get("id")))
    if known is not None:
        return known
    extension = (obj.get("extensions") or {}).get(TLP2_EXTENSION_ID)
    if isinstance(extension, dict) and extension.get("tlp_2_0"):
        return marking_from_tlp(str(extension["tlp_2_0"]))
    definition = obj.get("definition")
    if obj.get("definition_type") == "tlp" and isinstance(definition, dict):
        return marking_from_tlp(str(definition.get("tlp", "")))
    name = obj.get("name")
    if isinstance(name, str) and name.upper().startswith("TLP:"):
        return marking_from_tlp(name)
    return None
