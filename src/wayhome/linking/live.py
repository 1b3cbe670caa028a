"""The server's in-memory indices for incremental identity resolution, loaded on first use.

`PersonIndex` holds every case/report person and register person as linkage features in a
`MatchIndex` (the person model is trained once per process on the synthetic reference set);
`HandleIndex` maps handle skeletons to personas. Services add what they store at once; both
reload fully every `reload_seconds` so rows written by other processes count. Either may hold
ids of rows that were rolled back: callers re-check every candidate against the database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from wayhome.cases.models import Person, Sex
from wayhome.errors import InvalidInput
from wayhome.intake.models import Persona
from wayhome.linking import comparisons, engine, given_names, names, synthetic
from wayhome.linking import records as records_module
from wayhome.linking.engine import LinkageModel, ScoredPair, model_from_settings, train_model
from wayhome.linking.incremental import MatchIndex
from wayhome.linking.persona import handle_skeleton
from wayhome.linking.records import PersonFeatures, PersonRecord, person_features
from wayhome.linking.synthetic import cross_script_dataset
from wayhome.locate.models import RegisterPersonRecord
from wayhome.settings import get_settings

_SEX = {Sex.MALE: "m", Sex.FEMALE: "f"}
_model_lock = threading.Lock()
_model: LinkageModel | None = None


def _model_digest() -> str:
    """A digest of the code the trained model depends on: any change means training again."""
    digest = hashlib.sha256()
    for module in (comparisons, engine, records_module, names, given_names, synthetic):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


def person_model() -> LinkageModel:
    """The person linkage model, trained once on the synthetic reference set and cached in
    `<data_dir>/cache` (keyed by the linkage code's digest), then kept per process."""
    global _model
    with _model_lock:
        if _model is None:
            cache = get_settings().data_dir / "cache" / f"person-model-{_model_digest()}.json"
            if cache.exists():
                saved = json.loads(cache.read_text(encoding="utf-8"))
                _model = model_from_settings(saved["settings"], saved["frequencies"])
            else:
                records, _truth = cross_script_dataset(300, seed=11)
                _model = train_model(records, max_pairs_for_u=1e5)
                saved = {"settings": _model.settings, "frequencies": _model.name_frequencies}
                try:
                    cache.parent.mkdir(parents=True, exist_ok=True)
                    partial = cache.with_suffix(f".{os.getpid()}.tmp")
                    partial.write_text(json.dumps(saved), encoding="utf-8")
                    partial.replace(cache)
                except OSError:
                    pass  # a read-only data folder only costs training again next time
        return _model


REFERENCE_PREFIX = "reference:"


def reference_population() -> list[PersonRecord]:
    """The synthetic reference records (ids prefixed `reference:`) the model was trained on."""
    records, _truth = cross_script_dataset(300, seed=11)
    return [replace(r, record_id=REFERENCE_PREFIX + r.record_id) for r in records]


def person_record(person: Person) -> PersonRecord | None:
    """A case or report person as the linkage library reads it (None without a usable name)."""
    names = tuple(n.full_name for n in person.names if n.full_name.strip())
    if not names:
        return None
    observed = person.created_at.date().isoformat() if person.created_at else None
    ages = (
        (person.age_min, person.age_max)
        if person.age_min is not None and person.age_max is not None
        else None
    )
    places = tuple(str(p["name"]) for p in person.places or () if p.get("name"))
    return PersonRecord(
        record_id=f"person:{person.id}",
        names=names,
        # As far as it is known: "1988", "1988-07" or "1988-07-14".
        date_of_birth=person.birth_date_text,
        age_range=ages if person.date_of_birth is None else None,
        age_observed_on=observed if ages else None,
        sex=_SEX.get(person.sex),
        nationalities=tuple(person.nationalities or ()),
        places=places,
        identifiers=tuple(person.identifiers or ()),
    )


def register_record(row: RegisterPersonRecord) -> PersonRecord:
    """A register person as the linkage library reads it."""
    return PersonRecord(
        record_id=f"register_person:{row.id}",
        names=(row.full_name,),
        date_of_birth=row.birth_date.isoformat(),
        sex=row.sex,
        places=(row.residence,) if row.residence else (),
        identifiers=tuple(row.identifiers or ()),
    )


# Records that could not be read, newest last: record id → (field, reason). Bounded; each is
# also logged as a warning when it is met, so a person who is never matched is never silent.
QUARANTINE: OrderedDict[str, tuple[str, str]] = OrderedDict()
QUARANTINE_SIZE = 10_000
_LOG = logging.getLogger(__name__)


def features_or_none(record: PersonRecord | None) -> PersonFeatures | None:
    """Features of a record, or None when its data cannot be read: it is then not matched, and
    it is logged and kept in `QUARANTINE` with its id and reason (a birth date in the future,
    no usable name, an unreadable script)."""
    if record is None:
        return None
    try:
        return person_features(record)
    except InvalidInput as err:
        location = err.location or "record"
        if record.record_id not in QUARANTINE:
            _LOG.warning(
                "person record %s not matched: %s: %s", record.record_id, location, err.detail
            )
        QUARANTINE[record.record_id] = (location, err.detail)
        QUARANTINE.move_to_end(record.record_id)
        while len(QUARANTINE) > QUARANTINE_SIZE:
            QUARANTINE.popitem(last=False)
        return None


class PersonIndex:
    """A thread-safe MatchIndex over every stored person and register person."""

    def __init__(self, reload_seconds: float = 300.0) -> None:
        self._lock = threading.Lock()
        self._index: MatchIndex | None = None
        self._ids: set[str] = set()
        self._loaded_at = 0.0
        self._reload_seconds = reload_seconds

    def _ensure(self, session: Session) -> MatchIndex:
        stale = time.monotonic() - self._loaded_at > self._reload_seconds
        if self._index is None or stale:
            index = MatchIndex(model=person_model())
            self._ids = set()
            # A reference population under the held records, so the term-frequency adjustment
            # of a small deployment is not driven by a handful of names; never returned.
            for record in reference_population():
                self._add(index, features_or_none(record))
            for person in session.scalars(select(Person)):
                self._add(index, features_or_none(person_record(person)))
            for row in session.scalars(select(RegisterPersonRecord)):
                self._add(index, features_or_none(register_record(row)))
            self._index = index
            self._loaded_at = time.monotonic()
        return self._index

    def _add(self, index: MatchIndex, features: PersonFeatures | None) -> None:
        if features is not None and features.unique_id not in self._ids:
            index.add(features)
            self._ids.add(features.unique_id)

    def match(
        self, session: Session, features: PersonFeatures, threshold: float
    ) -> list[ScoredPair]:
        """Held records scoring at or above the threshold against one new record, best first."""
        with self._lock:
            found = self._ensure(session).match(features, threshold_probability=threshold)
        return [p for p in found if not p.right_id.startswith(REFERENCE_PREFIX)]

    def add(self, session: Session, features: Iterable[PersonFeatures]) -> None:
        """Make new records matchable now."""
        with self._lock:
            index = self._ensure(session)
            for item in features:
                self._add(index, item)

    def reset(self) -> None:
        """Forget everything; the next use reloads (tests, and after bulk loads)."""
        with self._lock:
            self._index = None


class HandleIndex:
    """Handle skeleton → persona ids, for personas whose handles read alike."""

    def __init__(self, reload_seconds: float = 300.0) -> None:
        self._lock = threading.Lock()
        self._by_skeleton: dict[str, set[uuid.UUID]] | None = None
        self._loaded_at = 0.0
        self._reload_seconds = reload_seconds

    def _ensure(self, session: Session) -> dict[str, set[uuid.UUID]]:
        stale = time.monotonic() - self._loaded_at > self._reload_seconds
        if self._by_skeleton is None or stale:
            table: dict[str, set[uuid.UUID]] = {}
            for pid, handle in session.execute(select(Persona.id, Persona.handle)):
                _file(table, pid, handle)
            self._by_skeleton = table
            self._loaded_at = time.monotonic()
        return self._by_skeleton

    def alike(self, session: Session, handle: str) -> set[uuid.UUID]:
        """Personas whose handle has the same skeleton."""
        with self._lock:
            table = self._ensure(session)
            try:
                return set(table.get(handle_skeleton(handle), ()))
            except InvalidInput:
                return set()

    def add(self, session: Session, personas: Iterable[tuple[uuid.UUID, str]]) -> None:
        """Make new personas findable now."""
        with self._lock:
            table = self._ensure(session)
            for pid, handle in personas:
                _file(table, pid, handle)

    def reset(self) -> None:
        """Forget everything; the next use reloads."""
        with self._lock:
            self._by_skeleton = None


def _file(table: dict[str, set[uuid.UUID]], pid: uuid.UUID, handle: str) -> None:
    try:
        table.setdefault(handle_skeleton(handle), set()).add(pid)
    except InvalidInput:
        return


PERSONS = PersonIndex()
HANDLES = HandleIndex()
