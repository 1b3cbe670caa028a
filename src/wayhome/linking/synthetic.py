"""Fictional, labelled person records for tests, benchmarks and demos (no real persons).

Each generated person is rendered by several "agencies": in Cyrillic or Greek, or in Latin
under a scheme drawn at random (rigour's and anyascii's own transliterations as well as ours,
so the matcher is not only tested against its own tables), with diminutives, typos, swapped
name order, day/month swaps, age ranges instead of dates and missing fields. Decoys share a
surname (and often a town) with another person but are someone else.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from dataclasses import replace as dt_replace

from anyascii import anyascii
from rigour.text.translit import maybe_ascii

from wayhome.linking.records import PersonRecord
from wayhome.linking.translit import transliterations


def _words(text: str) -> list[str]:
    """Split a block of space-separated names."""
    return text.split()


_SURNAMES_RU = _words(
    "Соколов Смирнов Кузнецов Попов Лебедев Козлов Новиков Морозов Петров Волков Соловьёв "
    "Васильев Зайцев Павлов Семёнов Голубев Виноградов Богданов Воробьёв Фёдоров Михайлов "
    "Беляев Тарасов Белов Комаров Орлов Киселёв Макаров Андреев Ковалёв Ильин Гусев Титов "
    "Кузьмин Кудрявцев Баранов Куликов Алексеев Степанов Яковлев Сорокин Сергеев Романов "
    "Захаров Борисов Королёв Герасимов Пономарёв Григорьев Лазарев Медведев Ершов Никитин "
    "Соболев Рябов Поляков Цветков Данилов Жуков Фролов Журавлёв Николаев Крылов Максимов "
    "Сидоров Осипов Белоусов Федотов Дорофеев Егоров Матвеев Бобров Дмитриев Калинин Анисимов "
    "Петухов Антонов Тимофеев Никифоров Веселов Филиппов Марков Большаков Суханов Миронов "
    "Ширяев Александров Коновалов Шестаков Казаков Ефимов Денисов Громов Фомин Давыдов "
    "Мельников Щербаков Блинов Колесников Карпов Афанасьев Власов Маслов Исаков Тихонов "
    "Аксёнов Гаврилов Родионов Котов Горбунов Кудряшов Быков Зуев Третьяков Савельев Панов "
    "Рыбаков Суворов Абрамов Воронов Мухин Архипов Трофимов Мартынов Емельянов Горшков Чернов "
    "Овчинников Селезнёв Панфилов Копылов Михеев Галкин Назаров Лобанов Лукин Беляков Потапов "
    "Некрасов Хохлов Жданов Наумов Шилов Воронцов Ермаков Дроздов Игнатьев Савин Логинов "
    "Сафонов Капустин Кириллов Моисеев Елисеев Кошелев Костин Горбачёв Орехов Ефремов Исаев "
    "Евдокимов Калашников Кабанов Носков Юдин Кулагин Лапин Прохоров Нестеров Харитонов "
    "Агафонов Муравьёв Ларионов Федосеев Зимин Пахомов Шубин Игнатов Филатов Крюков Рогов "
    "Кулаков Терентьев Молчанов Владимиров Артемьев Гурьев Зиновьев Гришин Кононов Дементьев "
    "Ситников Симонов Мишин Фадеев Комиссаров Мамонтов Носов Гуляев Шаров Устинов Вишняков "
    "Евсеев Лаврентьев Брагин Константинов Корнилов Авдеев Зыков Бирюков Шарапов Никонов "
    "Щукин Дьячков Одинцов Сазонов Якушев Красильников Гордеев Самойлов Князев Беспалов "
    "Уваров Шашков Бобылёв Доронин Белозёров Рожков Самсонов Мясников Лихачёв Буров Сысоев "
    "Фомичёв Русаков Стрелков Гущин Тетерин Колобов Субботин Фокин Блохин Селиверстов Пестов "
    "Кондратьев Силин Меркушев Лыткин"
)
_SURNAMES_UA = _words(
    "Шевченко Коваленко Бондаренко Ткаченко Кравченко Олійник Шевчук Поліщук Бондар Ткачук "
    "Марченко Руденко Мельник Лисенко Мороз Савченко Петренко Клименко Павленко Гончаренко"
)
_SURNAMES_GR = _words(
    "Παπαδόπουλος Παπαδάκης Γεωργίου Νικολάου Οικονόμου Παππάς Βασιλείου Καραγιάννης "
    "Αθανασίου Δημητρίου Ιωάννου Μακρής Αντωνίου Κωνσταντινίδης Χριστοδούλου"
)
_MALE = {
    "ru": _words(
        "Дмитрий Александр Михаил Иван Сергей Николай Владимир Алексей Андрей Евгений Павел "
        "Пётр Юрий Константин Виктор Георгий Олег Артём Максим Роман Игорь Антон Кирилл"
    ),
    "ua": _words("Олександр Дмитро Сергій Микола Андрій Олексій Іван Володимир Юрій Віктор"),
    "gr": _words("Γεώργιος Δημήτριος Ιωάννης Νικόλαος Κωνσταντίνος Παύλος Πέτρος Ανδρέας"),
}
_FEMALE = {
    "ru": _words(
        "Екатерина Елена Мария Анна Ольга Татьяна Наталья Ирина Анастасия Софья Светлана Юлия "
        "Дарья Полина Ксения Вера"
    ),
    "ua": _words("Олена Ганна Ірина Тетяна Наталія Катерина Оксана Марія"),
    "gr": _words("Μαρία Ελένη Αικατερίνη Σοφία Άννα Αναστασία"),
}
_DIMINUTIVE = {
    "Дмитрий": ["Дима", "Dima", "Mitya"], "Александр": ["Саша", "Sasha", "Alex"],
    "Михаил": ["Миша", "Misha"], "Иван": ["Ваня", "Vanya"], "Сергей": ["Серёжа"],
    "Николай": ["Коля", "Kolya"], "Владимир": ["Вова", "Volodya"], "Алексей": ["Лёша", "Alyosha"],
    "Евгений": ["Женя", "Zhenya"], "Павел": ["Паша", "Pasha"], "Екатерина": ["Катя", "Katya"],
    "Елена": ["Лена", "Lena"], "Мария": ["Маша", "Masha"], "Анна": ["Аня", "Anya"],
    "Ольга": ["Оля"], "Татьяна": ["Таня", "Tanya"], "Наталья": ["Наташа", "Natasha"],
    "Анастасия": ["Настя", "Nastya"], "Георгий": ["Жора"], "Максим": ["Макс"],
    "Γεώργιος": ["Γιώργος", "Giorgos"], "Δημήτριος": ["Δημήτρης", "Dimitris"],
    "Ιωάννης": ["Γιάννης", "Yannis"], "Νικόλαος": ["Νίκος", "Nikos"],
    "Κωνσταντίνος": ["Κώστας", "Kostas"], "Олександр": ["Саша"], "Дмитро": ["Дима"],
}  # fmt: skip
_NATIONALITY = {"ru": "RU", "ua": "UA", "gr": "GR"}
_TOWNS = {
    "ru": ["Москва", "Санкт-Петербург", "Казань", "Самара", "Омск", "Тверь"],
    "ua": ["Київ", "Львів", "Одеса", "Харків"],
    "gr": ["Αθήνα", "Θεσσαλονίκη", "Πάτρα"],
}
_LATIN_SCHEMES = (
    "icao9303", "bgn_pcgn", "informal_german", "informal_french", "gost7.79b",
    "ukrainian_national", "elot743", "greek_phonetic",
)  # fmt: skip


@dataclass(frozen=True)
class SyntheticPerson:
    """The truth about one fictional person."""

    person_id: str
    language: str
    sex: str
    given: str
    surname: str
    patronymic: str | None
    born: dt.date
    town: str
    phone: str


def _female_surname(surname: str) -> str:
    """The female form of a Russian surname (Соколов → Соколова)."""
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith("ий"):
        return surname[:-2] + "ая"
    return surname


def _patronymic(father: str, sex: str) -> str:
    """A Russian patronymic from the father's given name."""
    stem = father[:-1] if father.endswith(("й", "ь")) else father
    soft = father.endswith(("й", "ь"))
    if sex == "m":
        return stem + ("евич" if soft else "ович")
    return stem + ("евна" if soft else "овна")


_ROOTS = _words(
    "Бел Берез Бор Вар Вас Вер Вол Вор Гал Гор Гуд Дор Жар Зар Зим Кар Кир Клим Кол Кор Крас "
    "Куз Лав Лис Луг Мал Мар Мир Мох Нов Ок Пал Пес Реп Рус Сав Сам Сев Сел Син Сок Стр Сух "
    "Тар Тих Ум Фед Хар Чер Шар Шум Яр"
)
_SUFFIXES = ("анов", "енков", "ушкин", "овский", "ицкий", "ищев", "ников", "унов", "аков")


_SYLLABLES = ("", "ан", "ор", "ев", "ул", "ик", "ен", "от")


def surname_pool() -> list[str]:
    """Real-shaped fictional Russian surnames: common ones plus root, syllable and suffix mixes."""
    mixed = [r + y + s for r in _ROOTS for y in _SYLLABLES for s in _SUFFIXES]
    return [*_SURNAMES_RU, *mixed]


_POOLS = {"ru": surname_pool(), "ua": _SURNAMES_UA, "gr": _SURNAMES_GR}


def make_person(
    rng: random.Random, person_id: str, surname: str | None = None, avoid_given: str | None = None
) -> SyntheticPerson:
    """Draw one fictional person (a decoy gets a given surname and a different given name)."""
    language = rng.choices(["ru", "ua", "gr"], weights=[7, 2, 1])[0]
    sex = rng.choice(["m", "f"])
    base = surname or rng.choice(_POOLS[language])
    if surname:
        language = "gr" if base in _SURNAMES_GR else ("ua" if base in _SURNAMES_UA else "ru")
    names = [g for g in (_MALE if sex == "m" else _FEMALE)[language] if g != avoid_given]
    given = rng.choice(names)
    family = _female_surname(base) if sex == "f" and language == "ru" else base
    patronymic = _patronymic(rng.choice(_MALE["ru"]), sex) if language == "ru" else None
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
    return SyntheticPerson(
        person_id=person_id,
        language=language,
        sex=sex,
        given=given,
        surname=family,
        patronymic=patronymic,
        born=born,
        town=rng.choice(_TOWNS[language]),
        phone=f"+7{rng.randrange(10**9, 10**10)}",
    )


def _latin(word: str, rng: random.Random) -> str:
    """Spell a word in Latin by a scheme drawn at random, including other libraries' spellings."""
    return _latin_scheme(word, rng)[0]


def _latin_scheme(word: str, rng: random.Random) -> tuple[str, str]:
    """`_latin`, also naming the scheme drawn."""
    options = transliterations(word)
    schemes = [s for s in _LATIN_SCHEMES if s in options]
    index = rng.randrange(len(schemes) + 2)  # same draw as rng.choice over the spellings
    if index == len(schemes):
        return (maybe_ascii(word) or word).capitalize(), "rigour"
    if index == len(schemes) + 1:
        return (anyascii(word) or word).capitalize(), "anyascii"
    return (options[schemes[index]] or word).capitalize(), schemes[index]


def _typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: drop, double, swap or replace a letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "double", "swap", "replace"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice(word) + word[i + 1 :]  # a letter of the same alphabet


def render(
    person: SyntheticPerson, record_id: str, rng: random.Random, source: str
) -> PersonRecord:
    """One agency's record of the person, with realistic variation."""
    return render_with_noise(person, record_id, rng, source)[0]


def render_with_noise(
    person: SyntheticPerson, record_id: str, rng: random.Random, source: str
) -> tuple[PersonRecord, tuple[str, ...]]:
    """`render`, also naming the variations applied (for error analysis; same random draws)."""
    noise: list[str] = []
    given = person.given
    if given in _DIMINUTIVE and rng.random() < 0.25:
        given = rng.choice(_DIMINUTIVE[given])
        noise.append("diminutive")
    surname = person.surname
    patronymic = person.patronymic if rng.random() < 0.4 else None
    if patronymic:
        noise.append("patronymic")
    latin = rng.random() < 0.6
    if latin:
        if not given.isascii():
            given, scheme = _latin_scheme(given, rng)
        surname, scheme = _latin_scheme(surname, rng)
        patronymic = _latin(patronymic, rng) if patronymic else None
        noise.append(f"latin:{scheme}")
    else:
        noise.append(f"script:{person.language}")
    if rng.random() < 0.15:
        surname = _typo(surname, rng)
        noise.append("surname typo")
    elif rng.random() < 0.08:
        given = _typo(given, rng)
        noise.append("given-name typo")
    parts = [given, patronymic, surname] if patronymic else [given, surname]
    if rng.random() < 0.3:
        name = f"{surname}, {' '.join(p for p in parts if p != surname)}"
        noise.append("surname first")
    else:
        name = " ".join(parts)
    dob: str | None = person.born.isoformat()
    age_range = None
    observed = None
    roll = rng.random()
    if roll < 0.1 and person.born.day <= 12 and person.born.day != person.born.month:
        dob = f"{person.born.year}-{person.born.day:02d}-{person.born.month:02d}"
        noise.append("day/month swapped")
    elif roll < 0.2:
        dob = str(person.born.year)
        noise.append("year only")
    elif roll < 0.25:
        dob = None
        age = 2024 - person.born.year
        age_range = (max(0, age - rng.randrange(1, 4)), age + rng.randrange(1, 4))
        observed = "2024-06-01"
        noise.append("age range")
    elif roll < 0.28:
        dob = None
        noise.append("no date")
    elif rng.random() < 0.5:
        dob = person.born.strftime("%d.%m.%Y")
    record = PersonRecord(
        record_id=record_id,
        names=(name,),
        date_of_birth=dob,
        age_range=age_range,
        age_observed_on=observed,
        sex=person.sex if rng.random() < 0.7 else None,
        nationalities=(_NATIONALITY[person.language],) if rng.random() < 0.6 else (),
        places=((_latin(person.town, rng) if latin else person.town),)
        if rng.random() < 0.5
        else (),
        selectors=(person.phone,) if rng.random() < 0.15 else (),
        source=source,
    )
    return record, tuple(noise)


def cross_script_dataset(
    people: int, *, seed: int = 1, records_per_person: tuple[int, int] = (1, 3), decoys: float = 0.3
) -> tuple[list[PersonRecord], dict[str, str]]:
    """Records of fictional persons as several agencies hold them, and the true person of each."""
    records, truth, _ = cross_script_dataset_with_noise(
        people, seed=seed, records_per_person=records_per_person, decoys=decoys
    )
    return records, truth


def cross_script_dataset_with_noise(
    people: int, *, seed: int = 1, records_per_person: tuple[int, int] = (1, 3), decoys: float = 0.3
) -> tuple[list[PersonRecord], dict[str, str], dict[str, tuple[str, ...]]]:
    """`cross_script_dataset`, with the variations of each record ("decoy" for decoy persons)."""
    rng = random.Random(seed)
    persons: list[SyntheticPerson] = []
    decoy_ids: set[str] = set()
    for i in range(people):
        if persons and rng.random() < decoys:
            decoy_ids.add(f"P{i}")
            # A decoy: same surname as someone already drawn, different person.
            other = rng.choice(persons)
            base = other.surname.removesuffix("а") if other.sex == "f" else other.surname
            persons.append(make_person(rng, f"P{i}", surname=base, avoid_given=other.given))
        else:
            persons.append(make_person(rng, f"P{i}"))
    records: list[PersonRecord] = []
    truth: dict[str, str] = {}
    noise: dict[str, tuple[str, ...]] = {}
    sources = ["RU-MVD", "UA-NPU", "GR-HP", "DE-BKA", "FR-PN", "EU-EUROPOL"]
    for person in persons:
        for k in range(rng.randint(*records_per_person)):
            record_id = f"{person.person_id}-{k}"
            record, variations = render_with_noise(person, record_id, rng, rng.choice(sources))
            records.append(record)
            truth[record_id] = person.person_id
            noise[record_id] = (
                (*variations, "decoy") if person.person_id in decoy_ids else variations
            )
    rng.shuffle(records)
    return records, truth, noise


def _relative(
    rng: random.Random, of: SyntheticPerson, person_id: str, kind: str
) -> SyntheticPerson:
    """A decoy of another person: a twin (same family, patronymic and birth date), a sibling
    (born some years apart), a namesake (same name, another birth date), or a stranger who
    shares given name, sex and birth date."""
    if kind == "stranger":
        other = make_person(rng, person_id)
        while other.language != of.language or other.surname.rstrip("а") == of.surname.rstrip("а"):
            other = make_person(rng, person_id)
        return dt_replace(other, sex=of.sex, given=of.given, born=of.born,
                          surname=_female_surname(other.surname) if of.sex == "f"
                          and of.language == "ru" else other.surname)  # fmt: skip
    if kind == "namesake":
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
        return dt_replace(of, person_id=person_id, born=born, patronymic=None)
    sibling = make_person(rng, person_id, surname=of.surname.removesuffix("а") if of.sex == "f"
                          else of.surname, avoid_given=of.given)  # fmt: skip
    born = of.born
    if kind == "sibling":
        born = dt.date(of.born.year + rng.choice([-1, 1]) * rng.randint(1, 6), 6, 15)
        born = born.replace(month=rng.randint(1, 12), day=rng.randint(1, 28))
    father = None
    if of.patronymic:
        stem = of.patronymic[:-4]
        father = stem + ("ович" if sibling.sex == "m" else "овна")
        if of.patronymic.endswith(("евич", "евна")):
            father = stem + ("евич" if sibling.sex == "m" else "евна")
    return dt_replace(sibling, born=born, town=of.town, patronymic=father)


def identity_decoy_dataset(
    *, seed: int = 1, shared: int = 600, rows: int = 1000
) -> tuple[list[PersonRecord], dict[str, str], dict[str, SyntheticPerson]]:
    """A register in Cyrillic (full names with patronymic, full dates) and a file of reports
    (`render`'s variations), `shared` persons in both, the rest other people; among them twins,
    siblings, namesakes and strangers sharing given name, sex and birth date with a person of
    the other file. Returns the records (sources "register" and "report"), each record's
    person and the persons."""
    rng = random.Random(seed)
    both = [make_person(rng, f"P{i}") for i in range(shared)]
    register_only = [make_person(rng, f"R{i}") for i in range(rows - shared)]
    report_only = [make_person(rng, f"F{i}") for i in range(rows - shared)]
    kinds = ["twin"] * 20 + ["sibling"] * 60 + ["namesake"] * 40 + ["stranger"] * 80
    for slot, kind in enumerate(kinds):
        target = register_only if slot % 2 == 0 else report_only
        if slot // 2 < len(target):
            target[slot // 2] = _relative(rng, rng.choice(both), f"D{slot}", kind)
    records: list[PersonRecord] = []
    truth: dict[str, str] = {}
    people: dict[str, SyntheticPerson] = {}
    for person in [*both, *register_only]:
        parts = [person.surname, person.given, person.patronymic or ""]
        record_id = f"reg-{person.person_id}"
        records.append(
            PersonRecord(
                record_id=record_id,
                names=(" ".join(p for p in parts if p),),
                date_of_birth=person.born.isoformat(),
                sex=person.sex,
                places=(person.town,),
                source="register",
            )
        )
        truth[record_id] = person.person_id
        people[person.person_id] = person
    for person in [*both, *report_only]:
        record_id = f"rep-{person.person_id}"
        records.append(dt_replace(render(person, record_id, rng, "report"), source="report"))
        truth[record_id] = person.person_id
        people[person.person_id] = person
    rng.shuffle(records)
    return records, truth, people
