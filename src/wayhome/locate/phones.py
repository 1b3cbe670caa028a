"""Phone numbers → the country and region of their prefix, via phonenumbers' offline geocoder."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import geocoder

from wayhome.errors import InvalidInput
from wayhome.locate.gazetteer import Gazetteer

# Words the geocoder adds to region names that gazetteer places do not carry.
_REGION_WORDS = re.compile(
    r"\b(oblast|krai|kray|region|province|republic of|republic|autonomous|okrug|county|state)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PhoneArea:
    """Where a number's prefix belongs: a country, and a region and its main place when known."""

    country: str
    description: str
    region: str | None
    anchor: int | None


def phone_area(
    number: str, gazetteer: Gazetteer, *, default_country: str | None, label: str
) -> PhoneArea:
    """Return the country and region a phone number's prefix is assigned to."""
    try:
        parsed = phonenumbers.parse(number, default_country)
    except phonenumbers.NumberParseException as error:
        raise InvalidInput(f"{number!r} is not a phone number: {error}", location=label) from error
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidInput(f"{number!r} is not a valid phone number", location=label)
    country = phonenumbers.region_code_for_number(parsed) or ""
    description = geocoder.description_for_number(parsed, "en") or ""
    country_name = geocoder.country_name_for_number(parsed, "en") or ""
    if not description or description == country_name:
        return PhoneArea(country=country, description=description, region=None, anchor=None)
    in_country = gazetteer.country_mask(country)
    for candidate in (description, _REGION_WORDS.sub(" ", description).strip()):
        rows = [
            match.index
            for match in gazetteer.find(" ".join(candidate.replace(",", " ").split()))
            if in_country[match.index]
        ]
        if rows:
            anchor = max(rows, key=lambda row: int(gazetteer.populations[row]))
            region = gazetteer.regions[int(gazetteer.region_codes[anchor])]
            return PhoneArea(country=country, description=description, region=region, anchor=anchor)
    return PhoneArea(country=country, description=description, region=None, anchor=None)
