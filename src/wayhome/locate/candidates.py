"""Rank a register's people as candidate suspects: where they live, age, sex, identity links."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from wayhome.errors import InvalidInput
from wayhome.locate.fusion import LocateResult
from wayhome.locate.names import fold_name
from wayhome.locate.register import RegisterPerson

_PHONE_LIKE = re.compile(r"[+\d][\d\s().-]*")
# A witness or a profile gets sex wrong now and then; a mismatch lowers, never excludes.
SEX_MISMATCH = 0.05
# Age estimates from witnesses or profiles are sometimes far off: a 5% chance of a wild miss.
AGE_ERROR = 0.05
AGE_FLOOR = 0.05
# A shared identifier (phone, e-mail, handle) between a register person and the persona.
IDENTITY_LINK_FACTOR = 50.0
# Residence in no gazetteer place still leaves this share of an average place's probability.
UNPLACED_SHARE = 0.01


@dataclass(frozen=True)
class SuspectProfile:
    """What the case says about the offender: age (estimate and spread), sex, known identifiers."""

    age: float | None = None
    age_spread: float = 5.0
    sex: str | None = None
    identifiers: tuple[str, ...] = ()
    on: date = field(default_factory=date.today)


@dataclass(frozen=True)
class RankedCandidate:
    """A register person with his score (log scale), place probability and the reasons."""

    rank: int
    person: RegisterPerson
    score: float
    place_probability: float
    reasons: tuple[str, ...]


def _place_probability(person: RegisterPerson, result: LocateResult) -> tuple[float, str]:
    """Return the posterior probability of the person's residence, and how it was found."""
    gazetteer = result.gazetteer
    if gazetteer is None:
        raise InvalidInput("the locating result carries no gazetteer", location="posterior")
    if person.geonameid is not None:
        rows = [int(row) for row in (gazetteer.geonameids == person.geonameid).nonzero()[0]]
    else:
        rows = [match.index for match in gazetteer.find(person.residence)]
    if not rows:
        return UNPLACED_SHARE / len(gazetteer), f"residence {person.residence!r} not in gazetteer"
    best = max(rows, key=lambda row: float(result.posterior[row]))
    probability = float(result.posterior[best])
    place = gazetteer.place(best)
    return probability, f"lives in {place.name} ({place.region}): p={probability:.4f}"


def _normalise_identifier(value: str) -> str:
    """Return an identifier in a form that compares across spellings."""
    digits = "".join(character for character in value if character.isdigit())
    if len(digits) >= 7 and _PHONE_LIKE.fullmatch(value.strip()):
        # Phone numbers compare on their last ten digits: +7 914…, 8 914… and 914… are one number.
        return digits[-10:]
    return fold_name(value) or value.strip().lower()


def rank_candidates(
    persons: Sequence[RegisterPerson], posterior: LocateResult, profile: SuspectProfile
) -> list[RankedCandidate]:
    """Rank people by place probability × age fit × sex fit × identity-link boost, with reasons."""
    if posterior.is_empty:
        raise InvalidInput(posterior.empty_reason or "empty posterior", location="posterior")
    wanted_identifiers = {_normalise_identifier(value) for value in profile.identifiers}
    scored: list[tuple[float, float, RegisterPerson, tuple[str, ...]]] = []
    for person in persons:
        probability, place_reason = _place_probability(person, posterior)
        score = math.log(max(probability, 1e-300))
        reasons = [place_reason]
        if profile.age is not None:
            age = person.age_on(profile.on)
            z = (age - profile.age) / max(profile.age_spread, 0.5)
            score += math.log((1.0 - AGE_ERROR) * math.exp(-0.5 * z * z) + AGE_ERROR * AGE_FLOOR)
            reasons.append(f"age {age} vs profile {profile.age:g}±{profile.age_spread:g}")
        if profile.sex in ("M", "F") and person.sex in ("M", "F"):
            if person.sex == profile.sex:
                reasons.append(f"sex {person.sex} fits")
            else:
                score += math.log(SEX_MISMATCH)
                reasons.append(f"sex {person.sex} does not fit profile {profile.sex}")
        shared = sorted(
            identifier
            for identifier in person.identifiers
            if _normalise_identifier(identifier) in wanted_identifiers
        )
        if shared:
            score += math.log(IDENTITY_LINK_FACTOR)
            reasons.append(f"shares identifier(s) {', '.join(shared)} with the persona")
        scored.append((score, probability, person, tuple(reasons)))
    scored.sort(key=lambda item: (-item[0], item[2].row))
    return [
        RankedCandidate(
            rank=position + 1,
            person=person,
            score=round(score, 4),
            place_probability=probability,
            reasons=reasons,
        )
        for position, (score, probability, person, reasons) in enumerate(scored)
    ]
