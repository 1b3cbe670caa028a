"""Links in words for reviewers: a name's script and Latin reading, and each piece of a link's
evidence as a short sentence.

Pure functions over the evidence a link stores (kind, detail, contribution in bits): the
reviewer reads "Dates of birth: same date of birth — for (+6.2 bits)" rather than
`person_match:birth same date of birth 6.2`.
"""

from __future__ import annotations

from dataclasses import dataclass

from wayhome.errors import InvalidInput
from wayhome.linking.translit import script_of, transliterations

# The scheme a Latin reading is spelt in, per script: ICAO 9303 is the passport's spelling
# (what a border record or a foreign agency's register holds); ELOT 743 is Greece's.
READING_SCHEMES = {"cyrillic": "icao9303", "greek": "elot743"}

# What each kind of evidence is about, as a reviewer says it.
SUBJECTS = {
    "person_match:name": "Names",
    "person_match:patronymic": "Patronymics",
    "person_match:birth": "Dates of birth",
    "person_match:sex": "Sex",
    "person_match:nationalities": "Nationalities",
    "person_match:places": "Places",
    "person_match:identifiers": "Identifiers",
    "person_match:selectors": "Selectors",
    "shared_selector": "Selectors",
    "handle": "Handles",
    "posting_time": "Posting times",
    "stylometry": "Writing style",
    "co_occurrence": "Reports and threads",
    "named_holder": "Subscriber record",
    "analyst": "Analyst's reason",
}

# Bits at which evidence counts as weak or strong (a factor of about 2.8 and 1,000 in odds).
WEAK_BITS = 1.5
STRONG_BITS = 10.0


@dataclass(frozen=True)
class NameReading:
    """A name as written, the script it is written in, and its Latin reading (None when it
    is already in Latin letters)."""

    text: str
    script: str
    latin: str | None


def _latin_word(word: str) -> str:
    """One word in Latin letters, capitalised as written; left as it is when it has none."""
    script = script_of(word)
    if script in ("latin", "none"):
        return word
    try:
        spellings = transliterations(word)
    except InvalidInput:
        return word
    spelt = spellings.get(READING_SCHEMES.get(script, ""), next(iter(spellings.values())))
    return spelt.capitalize() if word[:1].isupper() else spelt


def read_name(text: str) -> NameReading:
    """A name with its script and, when not in Latin letters, its Latin reading."""
    script = script_of(text)
    if script in ("latin", "none"):
        return NameReading(text, script, None)
    latin = " ".join(
        "-".join(_latin_word(part) for part in word.split("-")) for word in text.split()
    )
    return NameReading(text, script, latin if latin != text else None)


def weighing(bits: float) -> str:
    """How much a contribution counts, in words."""
    if abs(bits) < 0.05:
        return "neutral"
    side = "for" if bits > 0 else "against"
    if abs(bits) >= STRONG_BITS:
        return f"strongly {side}"
    if abs(bits) < WEAK_BITS:
        return f"slightly {side}"
    return side


def evidence_sentence(kind: str, detail: str, contribution: float) -> str:
    """One piece of evidence as a sentence: what was compared, what was found, how much it
    counts for or against the link."""
    subject = SUBJECTS.get(kind) or kind.split(":", 1)[-1].replace("_", " ").capitalize()
    found = detail.strip() or "no detail"
    return f"{subject}: {found} — {weighing(contribution)} ({contribution:+.1f} bits)."
