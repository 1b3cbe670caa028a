"""Match one new person record against everything held, in memory, without re-running a batch.

An index maps blocking keys (name keys, date of birth, identifiers, the same keys the batch
model blocks on) to stored records; a new record is compared only with the records it shares a
key with, and scored with the trained model's parameters in plain Python.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from wayhome.linking.comparisons import PERSON_COMPARISONS
from wayhome.linking.engine import (
    Contribution,
    LinkageModel,
    ScoredPair,
    probability_from_weight,
)
from wayhome.linking.records import PersonFeatures, PersonRecord, person_features

# A block larger than this is a name or date shared by too many people to be a useful key;
# it is skipped, as a batch job would skip it by blocking on finer keys.
MAX_BLOCK_SIZE = 5_000


def blocking_keys_of(features: PersonFeatures) -> Iterator[str]:
    """The keys a record is filed under, mirroring the batch model's blocking rules."""
    yield "n|" + features.name_primary
    if features.identifier_text:
        yield "i|" + features.identifier_text
    for key in features.blocking_keys:
        yield "k|" + key


@dataclass
class MatchIndex:
    """Stored persons with a blocking index; add records, then match new ones against them."""

    model: LinkageModel
    records: list[PersonFeatures] = field(default_factory=list)
    blocks: dict[str, list[int]] = field(default_factory=dict)
    name_counts: dict[str, int] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    def add(self, features: PersonFeatures) -> None:
        """File one record's features under its blocking keys."""
        position = len(self.records)
        self.records.append(features)
        self.ids.add(features.unique_id)
        for key in blocking_keys_of(features):
            self.blocks.setdefault(key, []).append(position)
        self.name_counts[features.name_primary] = self.name_counts.get(features.name_primary, 0) + 1

    def add_all(self, features: Iterable[PersonFeatures]) -> None:
        """File many records."""
        for item in features:
            self.add(item)

    def candidates(self, features: PersonFeatures) -> set[int]:
        """Positions of stored records sharing at least one usable blocking key."""
        found: set[int] = set()
        for key in blocking_keys_of(features):
            block = self.blocks.get(key)
            if block and len(block) <= MAX_BLOCK_SIZE:
                found.update(block)
        return found

    def score(self, left: PersonFeatures, right: PersonFeatures) -> ScoredPair:
        """Score one pair with the model's parameters, explaining each comparison."""
        total = self.model.prior_weight
        contributions = []
        for spec in PERSON_COMPARISONS:
            levels = self.model.levels.get(spec.name)
            if not levels:
                continue
            index = spec.level_of(left, right)
            level = levels[index]
            weight = level.match_weight
            if level.tf_column == "name_primary" and not level.is_null:
                # Splink adjusts every such level from the u of the exact level (the first).
                exact = next(x for x in levels if x.tf_column == "name_primary" and not x.is_null)
                weight += self._name_frequency_adjustment(left, exact.u, right)
            total += weight
            contributions.append(Contribution(spec.name, level.label, round(weight, 3)))
        return ScoredPair(
            left_id=left.unique_id,
            right_id=right.unique_id,
            match_weight=total,
            match_probability=probability_from_weight(total),
            contributions=tuple(contributions),
        )

    def _name_frequency_adjustment(
        self, left: PersonFeatures, u: float, right: PersonFeatures
    ) -> float:
        """The batch's term-frequency adjustment: log2(u / share of other records with the name).

        As `engine.name_tf_lookup` over the held records plus the left record when it is new: a
        name held c times counts max(c − 2, ½) / N, and of two different names the commoner.
        """
        new = 0 if left.unique_id in self.ids else 1
        total = len(self.records) + new

        def share(name: str, extra: int) -> float:
            return max(self.name_counts.get(name, 0) + extra - 2, 0.5) / total

        frequency = share(left.name_primary, new)
        if right.name_primary != left.name_primary:
            frequency = max(frequency, share(right.name_primary, 0))
        if u <= 0:
            return 0.0
        return math.log2(u / frequency)

    def match(
        self, record: PersonRecord | PersonFeatures, *, threshold_probability: float = 0.5
    ) -> list[ScoredPair]:
        """Score a new record against every candidate held, best first, above the threshold."""
        features = person_features(record) if isinstance(record, PersonRecord) else record
        pairs = [
            self.score(features, self.records[i])
            for i in self.candidates(features)
            if self.records[i].unique_id != features.unique_id
        ]
        kept = [p for p in pairs if p.match_probability >= threshold_probability]
        return sorted(kept, key=lambda p: -p.match_weight)


def build_index(model: LinkageModel, features: Iterable[PersonFeatures]) -> MatchIndex:
    """Build an in-memory match index over stored person features."""
    index = MatchIndex(model=model)
    index.add_all(features)
    return index
