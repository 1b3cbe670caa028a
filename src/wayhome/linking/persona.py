"""Evidence that two online personas are one person: selectors, handles, times, style, company.

Each function returns an `EvidenceScore` (kind, score in 0..1, explanation) for
`evidence.combine_evidence`. Shared strong selectors are near-proof; handle similarity is
moderate; posting-time profiles and writing style are weak alone (see bench/RESULTS.md,
"Identity resolution", for measured stylometry accuracy) and only add up with other evidence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rigour.text.distance import jaro_winkler

from wayhome.errors import InvalidInput
from wayhome.linking.evidence import EvidenceScore

STRONG_SELECTOR_KINDS = frozenset({"pgp", "email", "wallet", "phone"})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "9": "g", "$": "s", "@": "a", "!": "i", "|": "l", "+": "t"})  # fmt: skip
_DECORATIONS = re.compile(
    r"^(?:@|u/|/u/|the|real|official|its|iam|mr|xx)+|(?:official|real|tg|xx|_+)+$"
)
_WHITESPACE = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s_.\-~]+")


@dataclass(frozen=True)
class Selector:
    """An identifying value a persona used: kind (pgp, email, wallet, phone, ...) and value."""

    kind: str
    value: str


def normalise_selector(selector: Selector) -> Selector:
    """Write a selector the one way it is compared (case, spaces, phone punctuation, key ids)."""
    kind = selector.kind.strip().lower()
    value = selector.value.strip()
    if not kind or not value:
        raise InvalidInput("selector needs a kind and a value", location="selector")
    if kind == "email":
        value = value.lower()
    elif kind == "phone":
        value = "+" + re.sub(r"\D", "", value).lstrip("0")
    elif kind == "pgp":
        value = re.sub(r"[\s:]", "", value).upper().removeprefix("0X")
        # A long key id is the last 16 hex digits of the fingerprint; compare on that.
        value = value[-16:]
    elif kind == "wallet" and value.lower().startswith("0x"):
        value = value.lower()
    else:
        value = value.lower() if kind not in {"wallet"} else value
    return Selector(kind, value)


def shared_selectors(left: Iterable[Selector], right: Iterable[Selector]) -> EvidenceScore:
    """Strong evidence when both personas used the same PGP key, e-mail, wallet or phone."""
    a = {normalise_selector(s) for s in left}
    b = {normalise_selector(s) for s in right}
    shared = sorted(a & b, key=lambda s: (s.kind, s.value))
    strong = [s for s in shared if s.kind in STRONG_SELECTOR_KINDS]
    if strong:
        listed = ", ".join(f"{s.kind} {s.value}" for s in strong)
        return EvidenceScore("shared_selector", 1.0, f"same strong selector: {listed}")
    if shared:
        listed = ", ".join(f"{s.kind} {s.value}" for s in shared)
        return EvidenceScore("shared_selector", 0.3, f"same weak selector: {listed}")
    return EvidenceScore("shared_selector", 0.0, "no selector in common")


def handle_skeleton(handle: str) -> str:
    """Reduce a handle to letters: lower case, leetspeak undone, decorations and separators gone."""
    text = handle.strip().lower()
    if not text:
        raise InvalidInput("empty handle", location="handle")
    text = _DECORATIONS.sub("", text)
    text = re.sub(r"(?<=[a-z_])\d{2,4}$", "", text)  # trailing years or counters: dimsok1998
    text = text.translate(_LEET)
    text = _SEPARATORS.sub("", text)
    text = re.sub(r"[^a-z0-9]", "", text)
    return text or re.sub(r"\W", "", handle.lower())


def handle_similarity(left: str, right: str) -> EvidenceScore:
    """How alike two handles are once leetspeak, digits, separators and decorations are removed."""
    a, b = handle_skeleton(left), handle_skeleton(right)
    if left.strip().lower() == right.strip().lower():
        return EvidenceScore("handle", 1.0, f"identical handle {left!r}")
    if a == b:
        return EvidenceScore("handle", 0.95, f"{left!r} and {right!r} both read {a!r}")
    similarity = jaro_winkler(a, b) if a and b else 0.0
    contained = min(len(a), len(b)) >= 4 and (a in b or b in a)
    if contained:
        similarity = max(similarity, 0.85)
    why = f"{left!r} reads {a!r}, {right!r} reads {b!r} (Jaro-Winkler {similarity:.2f})"
    return EvidenceScore("handle", round(similarity, 4), why)


HOURS_PER_WEEK = 168


def hour_of_week_profile(hours_of_week: Iterable[int], smoothing: float = 0.5) -> np.ndarray:
    """A probability histogram over the 168 hours of the week, with additive smoothing."""
    counts = np.full(HOURS_PER_WEEK, smoothing, dtype=float)
    for hour in hours_of_week:
        if not 0 <= hour < HOURS_PER_WEEK:
            raise InvalidInput(f"hour of week {hour} is outside 0..167", location="posting_times")
        counts[hour] += 1.0
    result: np.ndarray = counts / counts.sum()
    return result


def jensen_shannon(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen–Shannon divergence in bits (0 same, 1 disjoint)."""
    m = 0.5 * (p + q)

    def kl(x: np.ndarray, y: np.ndarray) -> float:
        mask = x > 0
        return float(np.sum(x[mask] * np.log2(x[mask] / y[mask])))

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def posting_time_similarity(
    left_hours: Sequence[int], right_hours: Sequence[int], *, min_posts: int = 20
) -> EvidenceScore:
    """1 − Jensen–Shannon divergence of the personas' hour-of-week posting profiles."""
    if len(left_hours) < min_posts or len(right_hours) < min_posts:
        return EvidenceScore(
            "posting_time",
            0.6,
            f"too few posts to compare times ({len(left_hours)} and {len(right_hours)},"
            f" need {min_posts})",
        )
    divergence = jensen_shannon(hour_of_week_profile(left_hours), hour_of_week_profile(right_hours))
    similarity = max(0.0, 1.0 - divergence)
    peak_a = int(np.argmax(hour_of_week_profile(left_hours))) % 24
    peak_b = int(np.argmax(hour_of_week_profile(right_hours))) % 24
    return EvidenceScore(
        "posting_time",
        round(similarity, 4),
        f"posting-time profiles {similarity:.2f} alike (Jensen-Shannon {divergence:.2f});"
        f" busiest hours {peak_a:02d}h and {peak_b:02d}h",
    )


def style_profile(texts: Iterable[str], n: int = 3) -> dict[str, float]:
    """Relative frequencies of character n-grams over all texts of one persona."""
    counts: Counter[str] = Counter()
    for text in texts:
        padded = " " + _WHITESPACE.sub(" ", text.lower()) + " "
        counts.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    total = sum(counts.values())
    if not total:
        raise InvalidInput("no text to profile", location="texts")
    return {gram: count / total for gram, count in counts.items()}


def style_similarity(left: Mapping[str, float], right: Mapping[str, float]) -> float:
    """Cosine similarity of two character n-gram profiles."""
    shared = set(left) & set(right)
    dot = sum(left[g] * right[g] for g in shared)
    norm = math.sqrt(sum(v * v for v in left.values())) * math.sqrt(
        sum(v * v for v in right.values())
    )
    return dot / norm if norm else 0.0


def rank_by_style(
    query: Mapping[str, float], candidates: Mapping[str, Mapping[str, float]]
) -> list[tuple[str, float]]:
    """Candidate personas ordered by style similarity to the query profile, best first."""
    scored = [(name, style_similarity(query, profile)) for name, profile in candidates.items()]
    return sorted(scored, key=lambda item: (-item[1], item[0]))


def stylometry(left_texts: Sequence[str], right_texts: Sequence[str]) -> EvidenceScore:
    """Writing-style similarity (character trigram cosine); weak evidence on its own."""
    similarity = style_similarity(style_profile(left_texts), style_profile(right_texts))
    return EvidenceScore(
        "stylometry",
        round(similarity, 4),
        f"writing style {similarity:.2f} alike over {len(left_texts)} and {len(right_texts)}"
        " texts (character trigrams; weak alone)",
    )


def co_occurrence(
    left_contexts: Iterable[str], right_contexts: Iterable[str], *, enough: int = 3
) -> EvidenceScore:
    """Both personas appear in the same reports or threads; `enough` shared ones give 1.0."""
    a, b = set(left_contexts), set(right_contexts)
    shared = sorted(a & b)
    if not shared:
        return EvidenceScore("co_occurrence", 0.0, "never in the same report or thread")
    score = min(1.0, len(shared) / enough)
    listed = ", ".join(shared[:5]) + (" ..." if len(shared) > 5 else "")
    return EvidenceScore(
        "co_occurrence", round(score, 4), f"together in {len(shared)} report(s)/thread(s): {listed}"
    )
