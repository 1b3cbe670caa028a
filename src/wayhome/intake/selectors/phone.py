"""Canonical form of telephone numbers: E.164 via Google's libphonenumber rules.

Rules (also in `docs-intake-normalisation.md`):
- Parsed with `phonenumbers` in the submitting agency's default region (ISO 3166 alpha-2),
  so national writing (`06 12 34 56 78` in FR) and international writing (`+33 6 12...`,
  `0033 6 12...`) give the same value. `00` + country code is read as international writing
  whatever the region when the region's own reading is not valid (Russia's international
  prefix is `810`, but `0044 7723 481906` is written there too).
- Without a default region only international writing is accepted (`+` or `00`).
- The number must be *valid* for its region (length and prefix rules), not just possible.
- Canonical form is E.164: `+` country code and national number, no separators; `tel:`
  prefixes and extensions are dropped.
"""

from __future__ import annotations

import phonenumbers


def normalise_phone(value: str, region: str | None = None) -> str | None:
    """Canonical E.164 number, or None when the text is not a valid number."""
    text = value.strip()
    if text[:4].lower() == "tel:":
        text = text[4:]
    if region is None and text.startswith("00"):
        text = "+" + text[2:]
    if region is None and not text.startswith("+"):
        return None
    number = _valid(text, region)
    if number is None and region is not None and text.startswith("00"):
        number = _valid("+" + text[2:], None)
    if number is None:
        return None
    number.extension = None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _valid(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None
