"""The coded values a missing-child description may hold: ISO 3166-1 countries and ISO 639-2
languages (pycountry, Debian's iso-codes data), eye and hair colours (the project's own
three-letter codes, the shape of the INTERPOL notices' `eyes_colors_id` and `hairs_id`)."""

from __future__ import annotations

import functools

import pycountry


def N_(message: str) -> str:
    """Mark a name for the catalogues; the pages translate it where they show it."""
    return message


# English names, marked for the catalogues; the pages show them translated.
EYE_COLOURS = {
    "AMB": N_("amber"),
    "BLA": N_("black"),
    "BLU": N_("blue"),
    "BRO": N_("brown"),
    "GRE": N_("green"),
    "GRY": N_("grey"),
    "HAZ": N_("hazel"),
    "OTH": N_("other"),
}
HAIR_COLOURS = {
    "AUB": N_("auburn"),
    "BAL": N_("bald"),
    "BLA": N_("black"),
    "BLO": N_("blond"),
    "BRO": N_("brown"),
    "GRY": N_("grey"),
    "RED": N_("red"),
    "WHI": N_("white"),
    "OTH": N_("other"),
}


@functools.cache
def countries() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes of the countries and territories (249)."""
    return frozenset(country.alpha_2 for country in pycountry.countries)


@functools.cache
def languages() -> frozenset[str]:
    """The ISO 639-2 codes: terminology (DEU) and bibliographic (GER) alike."""
    codes: set[str] = set()
    for language in pycountry.languages:
        codes.update(
            code
            for code in (
                getattr(language, "alpha_3", None),
                getattr(language, "bibliographic", None),
            )
            if code
        )
    return frozenset(code.upper() for code in codes)


def is_country(code: str) -> bool:
    """Whether a code (any case) is an ISO 3166-1 alpha-2 country code."""
    return code.upper() in countries()


def is_language(code: str) -> bool:
    """Whether a code (any case) is an ISO 639-2 language code."""
    return code.upper() in languages()
