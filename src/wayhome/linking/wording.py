"""Links in words for reviewers: a name's script and Latin reading, and each piece of a link's
evidence as a short sentence.

Pure functions over the evidence a link stores (kind, detail, contribution in bits): the
reviewer reads "Dates of birth: same date of birth — for (+6.2 bits)" rather than
`person_match:birth same date of birth 6.2`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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


def evidence_subject(kind: str) -> str:
    """What a piece of evidence compared ("person_match:birth" → "Dates of birth")."""
    return SUBJECTS.get(kind) or kind.split(":", 1)[-1].replace("_", " ").capitalize()


def evidence_sentence(kind: str, detail: str, contribution: float) -> str:
    """One piece of evidence as a sentence: what was compared, what was found, how much it
    counts for or against the link."""
    compared = evidence_subject(kind)
    found = detail.strip() or "no detail"
    return f"{compared}: {found} — {weighing(contribution)} ({contribution:+.1f} bits)."


# -- a chain of evidence in words ---------------------------------------------------------------
# Bits at which one piece of evidence reads as moderate or strong.
MODERATE_BITS = 3.0
_PIECE = re.compile(
    r"^(?P<kind>[a-z_]+(?::[a-z_]+)?): (?P<detail>.*) \((?P<bits>[+-]?\d+(?:\.\d+)?) bits\)$"
)
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_SELECTOR_WORDS = {
    "pgp": "PGP key",
    "pgp_fingerprint": "PGP key fingerprint",
    "pgp_key_id": "PGP key ID",
    "email": "e-mail address",
    "phone": "phone number",
    "wallet": "wallet",
    "btc_address": "Bitcoin address",
    "eth_address": "Ethereum address",
    "handle": "handle",
    "onion": "onion address",
}


def strength(bits: float) -> str:
    """How strongly a piece of evidence speaks, in one word: strong, moderate, weak, or against."""
    if bits < 0:
        return "against"
    if bits >= STRONG_BITS:
        return "very strong"
    if bits >= MODERATE_BITS:
        return "strong"
    if bits >= WEAK_BITS:
        return "moderate"
    return "weak"


def selector_words(kind: str) -> str:
    """A selector kind as a reader says it ("pgp_fingerprint" → "PGP key fingerprint")."""
    return _SELECTOR_WORDS.get(kind, kind.replace("_", " "))


def _piece_words(kind: str, detail: str) -> str:
    """What one piece of a link's evidence found, without the machine's names."""
    detail = _UUID.sub("", detail).replace("  ", " ").strip()
    if kind == "person_match:name":
        if "transliteration" in detail or "script" in detail:
            return "names match across scripts"
        return f"names: {detail}"
    if kind == "shared_selector":
        found = detail.removeprefix("same strong selector:").strip()
        words = [
            f"{selector_words(part.split(' ', 1)[0])} {part.split(' ', 1)[1]}"
            if " " in part
            else part
            for part in (p.strip() for p in found.split(","))
        ]
        return "share the " + ", ".join(words)
    if kind == "handle" and detail.startswith("identical handle"):
        return "use the same handle " + detail.removeprefix("identical handle").strip()
    if kind == "named_holder":
        return "a report names this account and this person as its holder"
    if kind.startswith("person_match:") and detail.startswith("same "):
        return detail
    compared = evidence_subject(kind).lower()
    return f"{compared}: {detail}" if detail else compared


def evidence_words(piece: str) -> str:
    """One stored piece of a link's evidence ("person_match:name: same name after
    transliteration (+9.7 bits)") in words ("names match across scripts (strong)")."""
    found = _PIECE.match(piece.strip())
    if found is None:
        return piece
    bits = float(found["bits"])
    return f"{_piece_words(found['kind'], found['detail'])} ({strength(bits)})"


def selector_label(label: str) -> str:
    """A selector node's label ("pgp_fingerprint B957…") as a reader says it."""
    kind, _, value = label.partition(" ")
    return f"{selector_words(kind)} {value}" if value else label


def node_words(node: dict[str, Any]) -> str:
    """A graph node's label as a reader says it: a selector by its kind in words."""
    label = str(node.get("label", ""))
    return selector_label(label) if node.get("kind") == "selector" else label


def _quoted(node: dict[str, Any]) -> str:
    return f"“{node.get('label', '')}”"


def _by(edge: dict[str, Any]) -> str:
    return f" by {edge['agency']}" if edge.get("agency") else ""


def step_words(step: dict[str, Any]) -> str:
    """One step of an evidence path (`{"from", "to", "edge"}` as the link graph gives it) as a
    sentence: "filed in report “Tip …” by uk-cop", "uses the handle dozor_85", "names match
    across scripts (strong)"; a hidden step says only who holds it."""
    edge, ends = step["edge"], (step["from"], step["to"])
    kind = edge.get("kind")
    if edge.get("hidden"):
        holder = edge.get("agency") or "another agency"
        return f"a link you may not see, held by {holder} (ask them through channels)"
    by_kind = {n.get("kind"): n for n in ends}
    if kind == "filed_to":
        return f"filed in report {_quoted(by_kind.get('report', ends[0]))}{_by(edge)}"
    if kind == "in_case":
        return f"a person of the case, recorded{_by(edge)}"
    if kind == "in_report":
        return f"named in report {_quoted(by_kind.get('report', ends[0]))}{_by(edge)}"
    if kind == "own_handle":
        label = str(by_kind.get("selector", ends[1]).get("label", ""))
        return f"uses the handle {label.removeprefix('handle ')}"
    if kind == "posted_by":
        label = selector_label(str(by_kind.get("selector", ends[1]).get("label", "")))
        if any("only account" in e for e in edge.get("evidence", [])):
            return f"the only account named with the {label} in a report{_by(edge)}"
        return f"posted the {label} in a report{_by(edge)}"
    if kind == "same_report":
        return f"appear together in one report{_by(edge)}"
    if kind == "same_key":
        return "the PGP key ID is part of the key's fingerprint"
    if kind == "co_occurrence":
        return f"appear together in reports{_by(edge)}"
    if kind == "assertion":
        pieces = [evidence_words(p) for p in edge.get("evidence", [])]
        state = edge.get("state")
        said = {"accepted": "accepted link", "proposed": "proposed link, awaiting review"}
        head = said.get(str(state), f"{state} link" if state else "link")
        return f"{head}: " + "; ".join(pieces) if pieces else head
    return "; ".join(edge.get("evidence", [])) or str(kind)
