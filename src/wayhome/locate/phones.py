"""Phone numbers → the country and region of their prefix, via phonenumbers' offline geocoder."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from wayhome.errors import InvalidInput
from wayhome.locate.gazetteer import Gazetteer

# Words the geocoder adds to region names that gazetteer places do not carry.
_REGION_WORDS = re.compile(
    r"\b(oblast|krai|kray|region|area|territory|province|republic of|republic|autonomous|okrug|"
    r"district|county|state)\b",
    re.IGNORECASE,
)
# The geocoder names many prefixes by their region, which no settlement is called (the gazetteer
# holds settlements and admin1 codes, not region names): each region is found through its
# capital, whose admin1 code is the region's. Names as phonenumbers 9 writes them in English,
# plus the cities it spells unlike GeoNames. Keyed by (country, description).
REGION_CAPITALS: dict[tuple[str, str], str] = {
    ("RU", "Republic of Marij El"): "Yoshkar-Ola",
    ("RU", "Republic of Karelia"): "Petrozavodsk",
    ("RU", "Chuvashi Republic"): "Cheboksary",
    ("RU", "Republic of Tatarstan"): "Kazan",
    ("RU", "Republic of Adygeya"): "Maykop",
    ("RU", "Republic of Altai"): "Gorno-Altaysk",
    ("RU", "Republic of Bashkortostan"): "Ufa",
    ("RU", "Republic of Buryatia"): "Ulan-Ude",
    ("RU", "Republic of Daghestan"): "Makhachkala",
    ("RU", "Republic of Kalmykia"): "Elista",
    ("RU", "Republic of Khakassia"): "Abakan",
    ("RU", "Republic of Mordovia"): "Saransk",
    ("RU", "Republic of North Ossetia"): "Vladikavkaz",
    ("RU", "Republic of Sakha"): "Yakutsk",
    ("RU", "Republic of Tuva"): "Kyzyl",
    ("RU", "Udmurtian Republic"): "Izhevsk",
    ("RU", "Komi Republic"): "Syktyvkar",
    ("RU", "Chechen Republic"): "Grozny",
    ("RU", "Ingushi Republic"): "Nazran",
    ("RU", "Kabardino-Balkarian Republic"): "Nalchik",
    ("RU", "Karachayevo-Cherkessian Republic"): "Cherkessk",
    ("RU", "Altai Territory"): "Barnaul",
    ("RU", "Amur Region"): "Blagoveshchensk",
    ("RU", "Kamchatka Region"): "Petropavlovsk-Kamchatsky",
    ("RU", "Khabarovsk Territory"): "Khabarovsk",
    ("RU", "Krasnodar Territory"): "Krasnodar",
    ("RU", "Krasnoyarsk Territory"): "Krasnoyarsk",
    ("RU", "Leningrad region"): "Gatchina",
    ("RU", "Primorie territory"): "Vladivostok",
    ("RU", "Sakhalin Region"): "Yuzhno-Sakhalinsk",
    ("RU", "Stavropol territory"): "Stavropol",
    ("RU", "Jewish Autonomous Region"): "Birobidzhan",
    ("RU", "Chukotka Autonomous District"): "Anadyr",
    ("RU", "Yamalo-Nenets Autonomous District"): "Salekhard",
    ("RU", "St Petersburg"): "Saint Petersburg",
    ("RU", "Rostov"): "Rostov-na-Donu",
    ("RU", "Orel"): "Oryol",
    ("RU", "Mineranye Vody"): "Mineralnye Vody",
    ("KZ", "Pavlodar Area"): "Pavlodar",
}


@dataclass(frozen=True)
class PhoneArea:
    """Where a number's prefix belongs: a country, and a region and its main place when known."""

    country: str
    description: str
    region: str | None
    anchor: int | None


def parse_number(
    number: str, *, default_country: str | None, label: str
) -> phonenumbers.PhoneNumber:
    """Parse a number, refusing with a message naming the clue what phonenumbers cannot read.

    A national number ("8 (8362) 45-67-89") needs the country it is dialled in.
    """
    try:
        parsed = phonenumbers.parse(number, default_country)
    except phonenumbers.NumberParseException as error:
        national = error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE
        if national and not number.strip().startswith("+") and default_country is None:
            raise InvalidInput(
                f"{number!r} is written without its country code: give the country it is "
                "dialled in (the clue's default_country, or the clue file's country)",
                location=label,
            ) from error
        raise InvalidInput(f"{number!r} is not a phone number: {error}", location=label) from error
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidInput(f"{number!r} is not a valid phone number", location=label)
    return parsed


def area_name(parsed: phonenumbers.PhoneNumber) -> str:
    """The English name of the area a number's longest geographic prefix is assigned to, as
    phonenumbers' geocoder gives it; "" for mobile and non-geographic numbers."""
    # Imported here: sources reads and writes the cache of the geocoder's names.
    from wayhome.locate.sources import phone_area_names

    names = phone_area_names(int(parsed.country_code or 0))
    digits = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[1:]
    for length in range(len(digits), 0, -1):
        if digits[:length] in names:
            return names[digits[:length]]
    return ""


def _candidates(country: str, description: str) -> list[str]:
    """Names to look the description up by: a known capital, the text, the text less region
    words, and the first of names joined by '/' or ','."""
    names = []
    capital = REGION_CAPITALS.get((country, description))
    if capital is not None:
        names.append(capital)
    for text in (description, re.split(r"[/,]", description)[0]):
        for candidate in (text, _REGION_WORDS.sub(" ", text)):
            cleaned = " ".join(candidate.replace(",", " ").split())
            if cleaned and cleaned not in names:
                names.append(cleaned)
    return names


def phone_area(
    number: str, gazetteer: Gazetteer, *, default_country: str | None, label: str
) -> PhoneArea:
    """Return the country and region a phone number's prefix is assigned to."""
    parsed = parse_number(number, default_country=default_country, label=label)
    country = phonenumbers.region_code_for_number(parsed) or ""
    description = area_name(parsed)
    if not description:
        return PhoneArea(country=country, description=description, region=None, anchor=None)
    in_country = gazetteer.country_mask(country)
    for candidate in _candidates(country, description):
        rows = [match.index for match in gazetteer.find(candidate) if in_country[match.index]]
        if rows:
            anchor = max(rows, key=lambda row: int(gazetteer.populations[row]))
            region = gazetteer.regions[int(gazetteer.region_codes[anchor])]
            return PhoneArea(country=country, description=description, region=region, anchor=anchor)
    return PhoneArea(country=country, description=description, region=None, anchor=None)
