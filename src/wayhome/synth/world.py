"""The world model: a fictional case in story order, each fragment as its agency sends it.

Noise levels: 0 clean; 1 adds a namesake household, a look-alike persona and one wrong place
clue; 2 adds transliteration differences, missing fields and exact namesakes; 3 adds a
namesake born the same year, re-encoded seized media and weak hashes. The ground truth is a
separate dictionary (`World.truth`), written to its own file; nothing that loads a world
reads it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from wayhome.access.markings import Marking, Scope
from wayhome.errors import InvalidInput
from wayhome.hashing.records import HashRecord
from wayhome.intake import synthetic
from wayhome.linking.translit import transliterations
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.live import gazetteer as live_gazetteer
from wayhome.locate.scenarios import prepositional
from wayhome.synth import writers
from wayhome.synth.people import (
    MALE_GIVEN,
    SHORT_FORMS,
    Resident,
    female_surname,
    full_name,
    patronymic,
    random_birth,
    random_resident,
    surnames,
)
from wayhome.synth.places import Geography, pick_geography, russian_name
from wayhome.synth.portrait import placeholder_portrait

GENERATOR = "wayhome-synth/1"
MAX_NOISE = 3
MSK = dt.timezone(dt.timedelta(hours=3))

# (code, country, kind, name): every agency name is fictional.
AGENCIES: tuple[tuple[str, str, str, str], ...] = (
    ("hub", "FR", "hub", "Wayhome Hub — Crimes against Children desk"),
    ("ru-ncb", "RU", "national_central_bureau", "NCB Moscow (demo)"),
    ("de-bka", "DE", "police_unit", "Bundes-Kinderschutzstelle (demo)"),
    ("nl-police", "NL", "police_unit", "Team Kinderbescherming Online (demo)"),
    ("uk-cop", "GB", "police_unit", "Child Online Protection Unit (demo)"),
    ("us-tips", "US", "ngo", "Child Tipline Center (demo)"),
)
_HANDLE_WORDS = ("kolokol", "zvonar", "lesnik", "molchun", "tishina", "vorona", "pesok", "dozor")
_SERIES_WORDS = ("Larkspur", "Heron", "Juniper", "Marigold", "Tamarisk", "Osprey", "Wren")
_PROVIDERS = ("Quietmail", "Postbox North", "Mailcove")


@dataclass(frozen=True)
class Fragment:
    """One file an agency sends, where it sits in the story, and how the agency marks it."""

    step: int
    agency: str
    filename: str
    format: str  # case, text, cybertip, misp, stix, vics, register
    kind: str  # case, report, hash_bank, hash_list, register
    title: str
    marking: Marking
    scope: Scope
    data: bytes
    shared_with: tuple[str, ...] = ()
    silent: bool = False
    attach_to_case: bool = False

    def manifest_entry(self) -> dict[str, Any]:
        """The fragment's line in the manifest (its bytes are in their own file)."""
        return {
            "step": self.step,
            "agency": self.agency,
            "file": f"fragments/{self.filename}",
            "format": self.format,
            "kind": self.kind,
            "title": self.title,
            "marking": self.marking.value,
            "scope": self.scope.value,
            "shared_with": list(self.shared_with),
            "silent": self.silent,
            "attach_to_case": self.attach_to_case,
            "sha256": hashlib.sha256(self.data).hexdigest(),
        }


@dataclass(frozen=True)
class World:
    """A generated case: agencies, fragments in story order, the portrait, and the truth."""

    seed: int
    noise: int
    agencies: tuple[tuple[str, str, str, str], ...]
    fragments: tuple[Fragment, ...]
    portrait: bytes
    truth: dict[str, Any] = field(compare=False)

    def manifest(self) -> dict[str, Any]:
        """Story order, agency, format and marking of every fragment (no ground truth)."""
        return {
            "generator": GENERATOR,
            "seed": self.seed,
            "noise": self.noise,
            "agencies": [
                {"code": c, "country": k, "kind": t, "name": n} for c, k, t, n in self.agencies
            ],
            "portrait": "portrait.png",
            "fragments": [fragment.manifest_entry() for fragment in self.fragments],
        }


def _uuid(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from the world's generator (so the same seed gives the same id)."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _hex(rng: random.Random, digits: int) -> str:
    """Random lower-case hex digits."""
    return f"{rng.getrandbits(digits * 4):0{digits}x}"


def _flip_bits(rng: random.Random, pdq: str, count: int) -> str:
    """A PDQ with `count` of its 256 bits flipped (a re-encoded copy of the same picture)."""
    value = int(pdq, 16)
    for bit in rng.sample(range(256), count):
        value ^= 1 << bit
    return f"{value:064x}"


def _latin(rng: random.Random, word: str, noise: int) -> str:
    """A Cyrillic word in Latin as another agency's software writes it (capitalised)."""
    spellings = transliterations(word)
    scheme = "icao9303" if noise < 2 else rng.choice(sorted(spellings))
    return spellings[scheme].capitalize()


class _Builder:
    """Draws one world; each method writes one part of the story."""

    def __init__(self, seed: int, noise: int, register_size: int, places: Gazetteer) -> None:
        self.seed, self.noise, self.size, self.g = seed, noise, register_size, places
        self.rng = random.Random(seed)
        self.geo: Geography = pick_geography(places, np.random.default_rng(seed))
        self.vanished = dt.datetime(2025, 9, 1, 13, 40, tzinfo=MSK) + dt.timedelta(
            days=self.rng.randrange(0, 60)
        )
        self.truth: dict[str, Any] = {"seed": seed, "noise": noise, "wrong_clues": []}
        self.fragments: list[Fragment] = []

    # -- the people ---------------------------------------------------------------------------
    def cast(self) -> None:
        """The child, the offender and his online identifiers."""
        rng = self.rng
        self.family = rng.choice(surnames())
        self.child_given = rng.choice(MALE_GIVEN)
        self.father = rng.choice([name for name in MALE_GIVEN if name != self.child_given])
        day = self.vanished.date()
        self.child_born = day.replace(year=day.year - 8, day=min(day.day, 28)) + dt.timedelta(
            days=rng.randint(1, 364)
        )
        pool = [name for name in surnames() if name != self.family]
        # 26 on the day the child vanished, as in the real case.
        day = self.vanished.date()
        born = day.replace(year=day.year - 27, day=min(day.day, 28)) + dt.timedelta(
            days=rng.randint(1, 364)
        )
        self.offender = Resident(
            person_id="",
            surname=rng.choice(pool),
            given=rng.choice([name for name in MALE_GIVEN if name != self.child_given]),
            patronymic=patronymic(rng.choice(MALE_GIVEN), "M"),
            born=born,
            sex="M",
            residence_row=self.geo.offender_home,
        )
        self.handle = f"{rng.choice(_HANDLE_WORDS)}_{rng.randint(10, 99)}"
        self.onion = synthetic.onion_address(rng)
        self.pgp = synthetic.pgp_fingerprint(rng)
        self.wallet = synthetic.btc_segwit(rng)
        latin_given = _latin(rng, self.offender.given, 0)
        latin_surname = _latin(rng, self.offender.surname, 0)
        self.email = (
            f"{latin_given[0].lower()}.{latin_surname.lower()}{born.year % 100}@mailbox.example"
        )
        self.clearnet = (
            "vk",
            f"{latin_given.lower()}.{latin_surname.lower()}.{rng.randint(1, 999)}",
        )
        self.decoy_handles = [
            f"{rng.choice(_HANDLE_WORDS)}_{rng.randint(100, 999)}" for _ in range(2)
        ]
        if self.noise >= 1:  # a look-alike persona on the same board
            self.decoy_handles.append(self.handle.replace("_", "") + str(rng.randint(1, 9)))

    # -- the fragments, in story order -----------------------------------------------------
    def add(self, **values: Any) -> None:
        """Append the next fragment of the story."""
        self.fragments.append(Fragment(step=len(self.fragments) + 1, **values))

    def case(self) -> None:
        """The Russian agency opens the missing-child case."""
        g, rng = self.g, self.rng
        town = self.geo.child_home
        town_ru, town_en = russian_name(g, town), g.names[town]
        child_ru = f"{self.child_given} {patronymic(self.father, 'M')} {self.family}"
        child_en = f"{_latin(rng, self.child_given, 0)} {_latin(rng, self.family, 0)}"
        guardian = f"{self.father} {patronymic(rng.choice(MALE_GIVEN), 'M')} {self.family}"
        document = {
            "case": {
                "title": f"Boy, 7, did not come home from school ({town_en})",
                "summary": f"Left school in {town_en} ({town_ru}) at 13:40 on "
                f"{self.vanished:%d %B %Y} and did not arrive home, 1.2 km away. Suspected "
                "abduction. Portrait: portrait.png (a generated placeholder).",
                "kind": "missing_child",
                "priority": "critical",
                "marking": "AMBER",
                "scope": "all",
            },
            "persons": [
                {
                    "role": "missing_child",
                    "names": [
                        {"full_name": child_ru, "given_name": self.child_given,
                         "family_name": self.family, "language": "ru"},
                        {"full_name": child_en, "language": "en"},
                    ],
                    "date_of_birth": self.child_born.isoformat(),
                    "sex": "male",
                    "nationalities": ["RU"],
                    "description": "125 cm, slim, fair hair; dark blue jacket, red backpack.",
                    "marking": "AMBER",
                    "scope": "all",
                },
                {
                    "role": "guardian",
                    "names": [{"full_name": guardian, "language": "ru"}],
                    "sex": "male",
                    "nationalities": ["RU"],
                    "description": "Father; contact through the case officer.",
                    "marking": "AMBER+STRICT",
                    "scope": "owner",
                },
            ],
            "events": [
                {
                    "at": self.vanished.isoformat(),
                    "kind": "last_seen",
                    "summary": f"Last seen leaving the school gate in {town_en}, walking east.",
                    "marking": "AMBER",
                    "scope": "all",
                }
            ],
        }  # fmt: skip
        self.truth["child"] = {
            "name": child_ru,
            "guardian": guardian,
            "home_geonameid": int(g.geonameids[town]),
            "home": town_en,
            "vanished": self.vanished.isoformat(),
        }
        self.add(
            agency="ru-ncb", filename="case.json", format="case", kind="case",
            title="NCB Moscow opens the missing-child case",
            marking=Marking.AMBER, scope=Scope.ALL, data=writers.case_json(document),
        )  # fmt: skip

    def tip(self) -> None:
        """The hub passes on a tip: the abduction may be linked to a dark-web persona."""
        # At higher noise the tip spells the handle as it was heard, not as it is written.
        known = f"user: {self.handle}" if self.noise < 2 else self.handle.replace("_", " ").upper()
        text = (
            f"Tip received by the hub, {self.vanished + dt.timedelta(days=9):%Y-%m-%d}\n"
            "A partner agency reports that the abduction of the boy may be linked to a "
            f"prominent dark-web persona, forum {known}, active on a hidden forum "
            f"({self.onion}). Source reliability: B (usually reliable); not confirmed.\n"
        )
        self.add(
            agency="hub", filename="hub-tip.txt", format="text", kind="report",
            title="Hub passes on a tip about a dark-web persona",
            marking=Marking.AMBER, scope=Scope.ALL, data=text.encode(), attach_to_case=True,
        )  # fmt: skip

    def forum(self) -> None:
        """A forum scrape of the persona's posts (with his PGP key) and of other users."""
        g, rng = self.g, self.rng
        town = russian_name(g, self.geo.nearby_town)
        start = self.vanished - dt.timedelta(days=40)
        lines = [
            f"Forum scrape, {self.onion}, board 'meetups', collected "
            f"{self.vanished + dt.timedelta(days=12):%Y-%m-%d}",
        ]
        spaced = " ".join(self.pgp[i : i + 4] for i in range(0, 40, 4))
        own = [
            "новое место тихое, деревня, никто ничего не спрашивает",
            f"по субботам езжу в {prepositional(town)} на рынок, там и связь лучше",
            f"пишите, ключ: PGP fingerprint: {spaced}",
            f"донаты сюда {self.wallet}",
            "дом свой, подвал сухой, дверь железная",
            "с работы возвращаюсь поздно, отвечаю ночью",
        ]
        others = [
            "кто-нибудь был в Твери на прошлой неделе?",
            "ключ сменил, старый не использовать",
            "тема закрыта модератором",
            "ищу кого-нибудь из Нижнего",
        ]
        if self.noise >= 1:
            far = russian_name(g, self.geo.far_city)
            own.append(f"я вообще живу в {prepositional(far)}, сюда только приезжаю")
            self.truth["wrong_clues"].append(f"forum: the persona claims to live in {far}")
        posts: list[tuple[dt.datetime, str, str]] = []
        for number, text in enumerate(own):
            day = start + dt.timedelta(days=number * 5 + rng.randint(0, 3))
            at = day.replace(hour=rng.choice([21, 22, 23]), minute=rng.randint(0, 59))
            posts.append((at, self.handle, text))
        for number, text in enumerate(others):
            day = start + dt.timedelta(days=rng.randint(0, 35))
            at = day.replace(hour=rng.randint(8, 23), minute=rng.randint(0, 59))
            posts.append((at, self.decoy_handles[number % len(self.decoy_handles)], text))
        decoy_key = synthetic.pgp_fingerprint(rng)
        posts.append((start + dt.timedelta(days=3), self.decoy_handles[0], f"мой ключ {decoy_key}"))
        for at, user, text in sorted(posts):
            lines.append(f"{at.astimezone(MSK):%Y-%m-%d %H:%M %z} | user: {user} | {text}")
        self.truth["personas"] = {
            "offender": self.handle,
            "decoys": list(self.decoy_handles),
            "decoy_pgp": decoy_key,
        }
        self.add(
            agency="nl-police", filename="forum-scrape.txt", format="text", kind="report",
            title="Dutch police share a forum scrape of the persona's posts",
            marking=Marking.AMBER, scope=Scope.ALL,
            data=("\n".join(lines) + "\n").encode(), attach_to_case=True,
        )  # fmt: skip

    def tipline(self) -> None:
        """A provider's report: the e-mail account's IP logins and a rough location."""
        g, rng = self.g, self.rng
        logins = []
        for number in range(rng.randint(3, 6)):
            at = self.vanished - dt.timedelta(days=30 - number * 6, hours=rng.randint(0, 2))
            at = at.replace(hour=rng.choice([20, 21, 22]), minute=rng.randint(0, 59))
            logins.append((synthetic.ipv4_address(rng), at, number == 2 and self.noise >= 1))
        email = self.email.upper() if self.noise >= 1 else self.email
        city = None if self.noise >= 2 else g.names[self.geo.nearby_town]
        data = writers.tipline_xml(
            provider=rng.choice(_PROVIDERS),
            incident_at=self.vanished + dt.timedelta(days=5),
            email=email,
            screen_name=self.clearnet[1] if self.noise < 3 else self.handle,
            esp_identifier=f"QM-{rng.randint(1000, 9999)}",
            logins=logins,
            city=city,
            country="RU",
            info=f"Account recovery message signed with PGP key 0x{self.pgp[-16:]}",
        )
        self.truth["email"] = self.email
        self.add(
            agency="us-tips", filename="provider-report.xml", format="cybertip", kind="report",
            title="Tipline forwards a provider's account data with IP logins",
            marking=Marking.AMBER, scope=Scope.ALL, data=data, attach_to_case=True,
        )  # fmt: skip

    def misp(self) -> None:
        """A seized server's MISP export: the PGP key, the e-mail, the clearnet account, a name."""
        rng = self.rng
        given = _latin(rng, self.offender.given, self.noise)
        family = _latin(rng, self.offender.surname, self.noise)
        if self.noise >= 2 and self.offender.given in SHORT_FORMS:
            given = _latin(rng, SHORT_FORMS[self.offender.given], 0)
        person = {"first-name": given, "last-name": family}
        if self.noise < 2:
            person["date-of-birth"] = self.offender.born.isoformat()
        attributes = [
            ("text", "Other", f"PGP fingerprint {self.pgp}"),
            ("btc", "Financial fraud", self.wallet),
        ]
        if self.noise < 3:
            attributes.insert(0, ("email-src", "Network activity", self.email))
        data = writers.misp_event(
            uuid_value=_uuid(rng),
            info="Seized key server: account linked to PGP key",
            org="Bundes-Kinderschutzstelle (demo)",
            day=self.vanished + dt.timedelta(days=16),
            attributes=attributes,
            account=self.clearnet,
            person=person,
        )
        self.truth["offender_latin"] = f"{given} {family}"
        self.add(
            agency="de-bka", filename="seized-server.misp.json", format="misp", kind="report",
            title="German police share a seized server's export (PGP key, account, name)",
            marking=Marking.AMBER, scope=Scope.NAMED, shared_with=("ru-ncb", "hub"), data=data,
            attach_to_case=True,
        )  # fmt: skip

    def stix(self) -> None:
        """An undercover officer's STIX bundle: persona, clearnet account, person."""
        rng = self.rng
        name = f"{_latin(rng, self.offender.given, 2)} {_latin(rng, self.offender.surname, 2)}"
        data = writers.stix_bundle(
            ids=[_uuid(rng) for _ in range(7)],
            created=self.vanished + dt.timedelta(days=18),
            marking=Marking.AMBER_STRICT,
            author="Child Online Protection Unit (demo)",
            title="Undercover contact with the forum persona",
            handle=self.handle,
            platform="forum",
            clearnet=self.clearnet,
            email=self.email,
            person_name=name,
            note=f"Persona confirmed the PGP key {self.pgp} in a private chat.",
        )
        self.add(
            agency="uk-cop", filename="undercover.stix.json", format="stix", kind="report",
            title="UK unit files its undercover contact (kept to itself)",
            marking=Marking.AMBER_STRICT, scope=Scope.OWNER, data=data, attach_to_case=True,
        )  # fmt: skip

    def hashes(self) -> None:
        """The hub's known-series bank, and the hash list of media seized from the server."""
        rng = self.rng
        series = [f"{word} {rng.randint(2, 40)}" for word in rng.sample(_SERIES_WORDS, 4)]
        known: list[HashRecord] = []
        for name in series:
            for _ in range(rng.randint(20, 40)):
                known.append(
                    HashRecord(
                        md5=_hex(rng, 32), sha1=_hex(rng, 40), pdq=_hex(rng, 64),
                        pdq_quality=rng.randint(70, 100), category=1, series=name,
                        victim_identified=False, is_distributed=True,
                    )
                )  # fmt: skip
        target = series[0]
        in_series = [record for record in known if record.series == target]
        seized: list[HashRecord] = []
        for number, record in enumerate(rng.sample(in_series, 12)):
            if self.noise == 0 or number % 3 == 0:
                seized.append(HashRecord(md5=record.md5, pdq=record.pdq, pdq_quality=90))
            else:
                flips = rng.randint(3, 12 if self.noise < 3 else 24)
                quality = rng.randint(40, 60) if self.noise >= 3 else rng.randint(60, 95)
                seized.append(
                    HashRecord(
                        md5=_hex(rng, 32), pdq=_flip_bits(rng, record.pdq or "", flips),
                        pdq_quality=quality,
                    )
                )  # fmt: skip
        for _ in range(rng.randint(20, 40)):
            seized.append(
                HashRecord(md5=_hex(rng, 32), pdq=_hex(rng, 64), pdq_quality=rng.randint(50, 100))
            )
        rng.shuffle(seized)
        self.truth["series"] = target
        self.truth["seized_from_series"] = 12
        self.add(
            agency="hub", filename="known-series.vics.json", format="vics", kind="hash_bank",
            title="Hub's bank of known series (reference hashes)",
            marking=Marking.AMBER, scope=Scope.ALL, data=writers.vics_list(known),
        )  # fmt: skip
        self.add(
            agency="de-bka", filename="seized-media.vics.json", format="vics", kind="hash_list",
            title="German police match the seized media's hashes", marking=Marking.AMBER,
            scope=Scope.NAMED, shared_with=("ru-ncb", "hub"), data=writers.vics_list(seized),
            attach_to_case=True,
        )  # fmt: skip

    def register(self) -> None:
        """A residents' register extract of several regions, the offender once among them."""
        g, rng = self.g, self.rng
        rows = np.random.default_rng(self.seed + 1).choice(
            self.geo.register_pool, size=self.size - 1, p=self.geo.register_weights
        )
        pool = surnames()
        people = [random_resident(rng, "", int(row), pool) for row in rows.tolist()]
        decoys = self._namesakes()
        people[: len(decoys)] = decoys
        position = rng.randrange(len(people) + 1)
        people.insert(position, self.offender)
        rng.shuffle(people)
        records: list[dict[str, str]] = []
        offender_id = ""
        decoy_ids: list[str] = []
        for number, person in enumerate(people, start=1):
            person_id = f"RU-{self.seed % 1000:03d}-{number:06d}"
            if person is self.offender:
                offender_id = person_id
            elif person in decoys:
                decoy_ids.append(person_id)
            records.append(self._register_row(person, person_id))
        g_home = self.geo.offender_home
        self.truth["offender"] = {
            "register_person_id": offender_id,
            "full_name": full_name(self.offender),
            "birth_date": self.offender.born.isoformat(),
            "home_geonameid": int(g.geonameids[g_home]),
            "home": g.names[g_home],
            "home_local": russian_name(g, g_home),
            "nearby_town": g.names[self.geo.nearby_town],
            "handle": self.handle,
            "email": self.email,
            "pgp": self.pgp,
            "wallet": self.wallet,
            "clearnet": list(self.clearnet),
        }
        self.truth["register"] = {"size": len(people), "decoy_person_ids": decoy_ids}
        self.truth["regions"] = list(self.geo.regions)
        self.add(
            agency="ru-ncb", filename="register-extract.csv", format="register", kind="register",
            title="NCB Moscow loads a residents' register extract of four regions",
            marking=Marking.AMBER_STRICT, scope=Scope.OWNER, data=writers.register_csv(records),
        )  # fmt: skip

    def _namesakes(self) -> list[Resident]:
        """People with the offender's name or nearly, elsewhere or much older (the decoys)."""
        rng, o = self.rng, self.offender
        others = [row for row in self.geo.register_pool.tolist() if row != o.residence_row]
        made = [
            Resident("", o.surname, o.given, patronymic(rng.choice(MALE_GIVEN), "M"),
                     random_birth(rng, 1950, 1970), "M", rng.choice(others)),
            Resident("", o.surname, rng.choice(MALE_GIVEN), o.patronymic,
                     random_birth(rng, o.born.year - 2, o.born.year + 2), "M", rng.choice(others)),
        ]  # fmt: skip
        if self.noise >= 1:  # his household: mother and sister in the same village
            made.append(
                Resident(
                    "",
                    female_surname(o.surname),
                    "Галина",
                    "Петровна",
                    random_birth(rng, 1965, 1972),
                    "F",
                    o.residence_row,
                )
            )
            made.append(Resident("", female_surname(o.surname), "Ольга", o.patronymic and
                                 o.patronymic[:-4] + "овна", random_birth(rng, 1996, 2004), "F",
                                 o.residence_row))  # fmt: skip
        if self.noise >= 2:
            made.append(Resident("", o.surname, o.given, o.patronymic,
                                 random_birth(rng, o.born.year - 8, o.born.year - 4), "M",
                                 rng.choice(others)))  # fmt: skip
        if self.noise >= 3:  # same name, born the same year (never the same day)
            twin = random_birth(rng, o.born.year, o.born.year)
            if twin == o.born:
                twin += dt.timedelta(days=1 if twin.month < 12 else -1)
            made.append(Resident("", o.surname, o.given, o.patronymic, twin, "M",
                                 rng.choice(others)))  # fmt: skip
        return made

    def _register_row(self, person: Resident, person_id: str) -> dict[str, str]:
        """One CSV row; at higher noise some fields are missing, as in real extracts."""
        g, rng = self.g, self.rng
        row = person.residence_row
        sex = {"M": "М", "F": "Ж"}[person.sex]
        missing_sex = self.noise >= 2 and person is not self.offender and rng.random() < 0.03
        return {
            "person_id": person_id,
            "full_name": full_name(person),
            "birth_date": person.born.isoformat(),
            "sex": "" if missing_sex else sex,
            "residence": russian_name(g, row),
            "geonameid": str(int(g.geonameids[row])),
        }

    def build(self) -> World:
        """Draw everything, in story order."""
        self.cast()
        self.case()
        self.tip()
        self.forum()
        self.tipline()
        self.misp()
        self.stix()
        self.hashes()
        self.register()
        self.truth["contributing_agencies"] = sorted({f.agency for f in self.fragments})
        self.truth["story"] = [f.filename for f in self.fragments]
        return World(
            seed=self.seed,
            noise=self.noise,
            agencies=AGENCIES,
            fragments=tuple(self.fragments),
            portrait=placeholder_portrait(self.rng),
            truth=self.truth,
        )


def generate(
    seed: int, noise: int = 1, *, register_size: int = 5_000, places: Gazetteer | None = None
) -> World:
    """Draw the world of a seed at a noise level (0 clean … 3 hard); same seed, same world."""
    if not 0 <= noise <= MAX_NOISE:
        raise InvalidInput(f"noise must be 0 to {MAX_NOISE}", location="noise")
    if register_size < 100:
        raise InvalidInput("the register needs at least 100 people", location="register_size")
    return _Builder(seed, noise, register_size, places or live_gazetteer()).build()


def write(world: World, outdir: Path) -> Path:
    """Write fragments, portrait and manifest into outdir, and the truth beside them."""
    folder = outdir / "fragments"
    folder.mkdir(parents=True, exist_ok=True)
    for fragment in world.fragments:
        (folder / fragment.filename).write_bytes(fragment.data)
    (outdir / "portrait.png").write_bytes(world.portrait)
    manifest = json.dumps(world.manifest(), ensure_ascii=False, indent=1)
    (outdir / "manifest.json").write_text(manifest + "\n", encoding="utf-8")
    truth = json.dumps(world.truth, ensure_ascii=False, indent=1)
    (outdir / "truth.json").write_text(truth + "\n", encoding="utf-8")
    return outdir / "manifest.json"
