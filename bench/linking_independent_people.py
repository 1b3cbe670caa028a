"""A second, independent labelled generator of cross-script person records (no real persons).

It imports nothing of `wayhome.linking`: its name tables, romanisation schemes, decoys and
error rates are written here from the published descriptions of the schemes, not from the
model's tables, so that a benchmark on it measures the model on data it was not made from.

Shape (as an investigator meets it): a national register in Cyrillic (one row per person,
with patronymic and full birth date, sometimes only a year or a year and month) and a foreign
report file in Latin letters (names romanised under one of 14 schemes, nicknames, typos,
partial or mistyped birth dates, order swapped). `PAIRS` persons appear in both; the rest of
each file is other people, among them the decoys that make identity resolution hard:

* twins: same surname, patronymic, birth date and town, another given name (often the other sex);
* siblings: same surname and patronymic, birth date 1-8 years apart;
* namesakes: same given name and surname, another birth date;
* strangers sharing given name, sex and birth date (another surname).

Schemes (letter tables below): ICAO 9303 (2013), BGN/PCGN 1947, ISO 9:1995 (with its
diacritics), GOST 7.79-2000 system B, ALA-LC (without ligatures), scientific (scholarly)
transliteration, UNGEGN 1987 (GOST 1983), Ukrainian national 2010 (for Ukrainian names),
and the spellings of the French, German, Polish, Czech, Dutch and English-language press.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

# --- names ---------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """The words of a block of names."""
    return text.split()


# Given names: full form, then colloquial forms a report may use instead.
MALE: dict[str, tuple[str, ...]] = {
    "Алексей": ("Лёша", "Алёша"), "Анатолий": ("Толя",), "Андрей": ("Андрюша",),
    "Антон": ("Антоша",), "Аркадий": ("Аркаша",), "Артём": ("Тёма",), "Борис": ("Боря",),
    "Вадим": ("Вадик",), "Валентин": ("Валя",), "Валерий": ("Валера",), "Василий": ("Вася",),
    "Виктор": ("Витя",), "Виталий": ("Виталик",), "Владимир": ("Вова", "Володя"),
    "Владислав": ("Влад",), "Вячеслав": ("Слава",), "Геннадий": ("Гена",), "Георгий": ("Жора",),
    "Глеб": (), "Григорий": ("Гриша",), "Денис": ("Дениска",), "Дмитрий": ("Дима", "Митя"),
    "Евгений": ("Женя",), "Егор": ("Егорка",), "Иван": ("Ваня",), "Игорь": (),
    "Илья": ("Илюша",), "Кирилл": ("Кирюша",), "Константин": ("Костя",), "Леонид": ("Лёня",),
    "Максим": ("Макс",), "Матвей": ("Мотя",), "Михаил": ("Миша",), "Никита": (),
    "Николай": ("Коля",), "Олег": (), "Павел": ("Паша",), "Пётр": ("Петя",),
    "Роман": ("Рома",), "Руслан": (), "Семён": ("Сёма",), "Сергей": ("Серёжа",),
    "Станислав": ("Стас",), "Степан": ("Стёпа",), "Тимофей": ("Тима",), "Фёдор": ("Федя",),
    "Юрий": ("Юра",), "Ярослав": ("Ярик",), "Александр": ("Саша", "Шура"),
}  # fmt: skip
FEMALE: dict[str, tuple[str, ...]] = {
    "Александра": ("Саша",), "Алина": (), "Алла": (), "Анастасия": ("Настя",),
    "Анна": ("Аня",), "Валентина": ("Валя",), "Валерия": ("Лера",), "Вера": (),
    "Виктория": ("Вика",), "Галина": ("Галя",), "Дарья": ("Даша",), "Евгения": ("Женя",),
    "Екатерина": ("Катя",), "Елена": ("Лена",), "Елизавета": ("Лиза",), "Жанна": (),
    "Зоя": (), "Инна": (), "Ирина": ("Ира",), "Кристина": (), "Ксения": ("Ксюша",),
    "Лариса": (), "Любовь": ("Люба",), "Людмила": ("Люда",), "Маргарита": ("Рита",),
    "Марина": (), "Мария": ("Маша",), "Надежда": ("Надя",), "Наталья": ("Наташа",),
    "Нина": (), "Оксана": (), "Ольга": ("Оля",), "Полина": ("Поля",), "Светлана": ("Света",),
    "Софья": ("Соня",), "Тамара": (), "Татьяна": ("Таня",), "Юлия": ("Юля",),
    "Яна": (),
}  # fmt: skip
# Foreign-press forms of some given names, as French and German papers print them.
PRESS_FORMS: dict[str, tuple[str, ...]] = {
    "Евгений": ("Evgueni", "Jewgeni", "Yevgeny", "Eugène"), "Юрий": ("Iouri", "Juri"),
    "Фёдор": ("Fiodor", "Fjodor"), "Пётр": ("Piotr", "Pjotr"), "Михаил": ("Mikhaïl",),
    "Алексей": ("Alexeï", "Alexej"), "Сергей": ("Sergueï", "Sergej"),
    "Николай": ("Nicolaï", "Nikolaj"), "Андрей": ("Andreï", "Andrej"),
    "Геннадий": ("Guennadi", "Gennadij"), "Георгий": ("Guéorgui", "Georgij"),
    "Александр": ("Alexandre", "Alexander"), "Екатерина": ("Ekaterina", "Jekaterina"),
    "Елена": ("Elena", "Jelena"), "Татьяна": ("Tatiana", "Tatjana"),
    "Наталья": ("Natalia", "Natalja"), "Юлия": ("Ioulia", "Julija"),
}  # fmt: skip
# Surnames in their masculine form; feminine forms are made by `feminine`.
SURNAMES_RU = _words(
    "Абрамов Агеев Акимов Алфёров Аникин Ануфриев Бабушкин Баженов Барсуков Белкин Бессонов "
    "Блохин Болдырев Борисов Бочаров Брагин Булгаков Бурцев Бычков Валуев Ванин Веденеев "
    "Вертинский Власов Волков Вороной Гаврилов Галушкин Гладков Головин Гончаров Горелов "
    "Грачёв Гребнев Громов Губанов Давыдов Дегтярёв Дёмин Дорохов Дубинин Евстигнеев Ежов "
    "Елагин Жаров Железнов Жилин Завьялов Зайцев Захарьин Зверев Зотов Зубов Ивашов Игнатьев "
    "Казанцев Калугин Каменский Карасёв Кашин Клюев Князев Кожевников Колосов Комаров "
    "Кондратьев Корнеев Котельников Кочетков Крылов Кудрин Кузьмин Лаптев Лебедев Лихачёв "
    "Лосев Лукьянов Львов Малинин Мамонтов Маслов Матвеев Медведев Мельников Мещеряков "
    "Милютин Мишин Моргунов Мухин Назаров Некрасов Новиков Обухов Овсянников Окунев Орлов "
    "Осокин Павлов Панкратов Пестов Пименов Платонов Полозов Поляков Потапов Прохоров "
    "Пугачёв Разумов Репин Родионов Рожков Рыжов Рябинин Савельев Самарин Свиридов Селиванов "
    "Семёнов Сидоров Симаков Скворцов Смирнов Соболев Сомов Стрельцов Суворов Сычёв Тарасов "
    "Титов Тихомиров Трофимов Тюрин Уваров Ульянов Устинов Фадеев Филатов Фокин Фролов "
    "Харитонов Хомяков Цветков Чернышёв Чистяков Шапошников Шаров Шилов Широков Шубин "
    "Щеглов Щукин Юдин Яковлев Якушев Ястребов Яшин Горбовский Вишневский Раевский"
)
SURNAMES_UA = _words(
    "Бойко Бондаренко Василенко Гаврилюк Гнатюк Гончарук Данилюк Дяченко Ковальчук Козак "
    "Коломієць Кравчук Левченко Литвиненко Мазур Мельничук Остапенко Панченко Романенко "
    "Савчук Семенюк Сидоренко Федоренко Харченко Шаповал Юрченко Яременко Ярошенко"
)
UA_GIVEN = {"Олександр": "m", "Андрій": "m", "Сергій": "m", "Олексій": "m", "Юрій": "m",
            "Віталій": "m", "Тарас": "m", "Богдан": "m", "Олена": "f", "Оксана": "f",
            "Тетяна": "f", "Наталія": "f", "Ірина": "f", "Галина": "f"}  # fmt: skip
TOWNS = _words(
    "Орёл Тверь Псков Курск Брянск Липецк Тамбов Вологда Кострома Ярославль Саратов "
    "Пенза Рязань Тула Калуга Смоленск Новгород Иваново Владимир Чебоксары Ульяновск "
    "Оренбург Пермь Тюмень Омск Томск Барнаул Иркутск Хабаровск Мурманск Архангельск "
    "Житомир Полтава Чернігів Вінниця Луцьк"
)

# --- romanisation schemes ------------------------------------------------------------------

_BASE = dict(zip("абвгдзиклмнопрстуф", "abvgdziklmnoprstuf", strict=True))


def _table(extra: str) -> dict[str, str]:
    """A scheme's letter table: the letters all schemes share, then its own 'letter=latin'."""
    table = dict(_BASE)
    for item in extra.split():
        letter, _, latin = item.partition("=")
        table[letter] = latin
    return table


SCHEMES: dict[str, dict[str, str]] = {
    "icao_9303": _table(
        "е=e ё=e ж=zh й=i х=kh ц=ts ч=ch ш=sh щ=shch ъ=ie ы=y ь= э=e ю=iu я=ia і=i ї=i є=ie г=g"
    ),
    "bgn_pcgn": _table(
        "е=e ё=ë ж=zh й=y х=kh ц=ts ч=ch ш=sh щ=shch ъ=ʺ ы=y ь=ʹ э=e ю=yu я=ya і=i ї=yi є=ye"
    ),
    "iso_9": _table("е=e ё=ë ж=ž й=j х=h ц=c ч=č ш=š щ=ŝ ъ=ʺ ы=y ь=ʹ э=è ю=û я=â і=ì ї=ï є=ê"),
    "gost_779b": _table(
        "е=e ё=yo ж=zh й=j х=x ц=cz ч=ch ш=sh щ=shh ъ=`` ы=y` ь=` э=e` ю=yu я=ya і=i ї=yi є=ye"
    ),
    "ala_lc": _table(
        "е=e ё=e ж=zh й=i х=kh ц=ts ч=ch ш=sh щ=shch ъ= ы=y ь= э=e ю=iu я=ia і=i ї=i є=ie"
    ),
    "scholarly": _table(
        "е=e ё=ë ж=ž й=j х=x ц=c ч=č ш=š щ=šč ъ= ы=y ь= э=è ю=ju я=ja і=i ї=ji є=je"
    ),
    "ungegn_1987": _table(
        "е=e ё=ë ж=ž й=j х=h ц=c ч=č ш=š щ=šč ъ= ы=y ь= э=ė ю=ju я=ja і=i ї=ï є=je"
    ),
    "ukrainian_2010": _table(
        "г=h ґ=g е=e є=ie ж=zh и=y і=i ї=i й=i х=kh ц=ts ч=ch ш=sh "
        "щ=shch ь= ю=iu я=ia ё=io ы=y э=e ъ="
    ),
    "french_press": _table(
        "е=e ё=io ж=j й=ï х=kh ц=ts ч=tch ш=ch щ=chtch ъ= ы=y ь= э=e ю=iou я=ia у=ou і=i ї=ï є=ie"
    ),
    "german_press": _table(
        "в=w е=e ё=jo ж=sh з=s й=j х=ch ц=z ч=tsch ш=sch щ=schtsch ъ= "
        "ы=y ь= э=e ю=ju я=ja і=i ї=ji є=je"
    ),
    "polish_press": _table(
        "в=w е=e ё=io ж=ż й=j х=ch ц=c ч=cz ш=sz щ=szcz ъ= ы=y ь= э=e ю=iu я=ia л=ł і=i ї=ji є=je"
    ),
    "czech_press": _table(
        "е=e ё=jo ж=ž й=j х=ch ц=c ч=č ш=š щ=šč ъ= ы=y ь= э=e ю=ju я=ja і=i ї=ji є=je"
    ),
    "dutch_press": _table(
        "е=e ё=jo ж=zj й=j х=ch ц=ts ч=tsj ш=sj щ=sjtsj ъ= ы=y ь= э=e ю=joe я=ja у=oe і=i ї=ji є=je"
    ),
    "english_press": _table(
        "е=e ё=yo ж=zh й=y х=kh ц=ts ч=ch ш=sh щ=shch ъ= ы=y ь= э=e ю=yu я=ya і=i ї=yi є=ye"
    ),
}


def romanise(text: str, scheme: str) -> str:
    """Spell a Cyrillic word in Latin letters by one scheme, with its word-level habits."""
    table = SCHEMES[scheme]
    word = text.lower()
    if scheme in {"bgn_pcgn", "english_press"}:  # е as ye at the start and after a vowel
        out = []
        for i, ch in enumerate(word):
            soft = i == 0 or word[i - 1] in "аеёиоуыэюяьъ"
            out.append("ye" if ch == "е" and soft else table.get(ch, ch))
        latin = "".join(out)
    else:
        latin = "".join(table.get(ch, ch) for ch in word)
    if scheme == "english_press":
        latin = latin.replace("iy", "y").replace("yy", "y")
    if scheme == "french_press":
        latin = latin.replace("ge", "gue").replace("gi", "gui")
        if latin.endswith(("ov", "ev")):
            latin = latin[:-1] + "ff"  # Romanoff
    if scheme == "german_press" and latin.endswith(("ij",)):
        latin = latin[:-2] + "i"
    return latin[:1].upper() + latin[1:]


# --- people --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The truth about one fictional person."""

    key: str
    sex: str
    given: str
    patronymic: str | None
    surname: str
    born: dt.date
    town: str
    kind: str  # "person", "twin", "sibling", "namesake", "same_given_dob"


def feminine(surname: str) -> str:
    """The feminine form of a Russian surname (Смирнов → Смирнова, Горбовский → Горбовская)."""
    if surname.endswith(("ов", "ев", "ёв", "ин")):
        return surname + "а"
    if surname.endswith("ский"):
        return surname[:-2] + "ая"
    if surname.endswith("ой"):
        return surname[:-2] + "ая"
    return surname


def patronymic(father: str, sex: str) -> str:
    """A patronymic from the father's given name (Иван → Иванович / Ивановна)."""
    father = father.replace("ё", "е")
    if father.endswith("ий"):
        stem, soft = father[:-2] + "и", True
    elif father.endswith(("й", "ь")):
        stem, soft = father[:-1], True
    elif father.endswith("а"):
        stem, soft = father[:-1], False
        return stem + ("ич" if sex == "m" else "ична")
    else:
        stem, soft = father, False
    if sex == "m":
        return stem + ("евич" if soft else "ович")
    return stem + ("евна" if soft else "овна")


def _given(rng: random.Random, sex: str, ukrainian: bool, avoid: str | None = None) -> str:
    """A given name of the sex, other than `avoid`."""
    if ukrainian:
        pool = [g for g, s in UA_GIVEN.items() if s == sex and g != avoid]
    else:
        pool = [g for g in (MALE if sex == "m" else FEMALE) if g != avoid]
    return rng.choice(pool)


def _born(rng: random.Random) -> dt.date:
    """A birth date between 1955 and 2012."""
    return dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 57))


def new_person(rng: random.Random, key: str) -> Person:
    """A person drawn from the tables."""
    ukrainian = rng.random() < 0.15
    sex = rng.choice("mf")
    base = rng.choice(SURNAMES_UA if ukrainian else SURNAMES_RU)
    father = rng.choice(list(MALE))
    return Person(
        key=key,
        sex=sex,
        given=_given(rng, sex, ukrainian),
        patronymic=None if ukrainian and rng.random() < 0.5 else patronymic(father, sex),
        surname=base if sex == "m" or ukrainian else feminine(base),
        born=_born(rng),
        town=rng.choice(TOWNS),
        kind="person",
    )


def _masculine(person: Person) -> str:
    """The person's surname in its masculine form."""
    name = person.surname
    if person.sex == "f" and name.endswith("ая"):
        return name[:-2] + "ий"
    if person.sex == "f" and name.endswith(("ова", "ева", "ёва", "ина")):
        return name[:-1]
    return name


def relative(rng: random.Random, of: Person, key: str, kind: str) -> Person:
    """A decoy made from another person: a twin, a sibling, a namesake, or a stranger who
    shares given name, sex and birth date."""
    ukrainian = of.given in UA_GIVEN
    if kind in {"twin", "sibling"}:
        sex = of.sex if rng.random() < 0.5 else ("f" if of.sex == "m" else "m")
        base = _masculine(of)
        father = of.patronymic
        pat = father if sex == of.sex else None
        if father and father.endswith(("ович", "евич", "овна", "евна")):
            pat = father[:-2] + ("ич" if sex == "m" else "на")
        born = of.born
        if kind == "sibling":
            gap = rng.choice([-1, 1]) * rng.randint(1, 8)
            born = dt.date(of.born.year + gap, rng.randint(1, 12), rng.randint(1, 28))
        return Person(
            key=key,
            sex=sex,
            given=_given(rng, sex, ukrainian, avoid=of.given),
            patronymic=pat,
            surname=base if sex == "m" or ukrainian else feminine(base),
            born=born,
            town=of.town,
            kind=kind,
        )
    if kind == "namesake":
        return Person(key, of.sex, of.given, None, of.surname, _born(rng), rng.choice(TOWNS), kind)
    stranger = new_person(rng, key)
    while _masculine(stranger) == _masculine(of):
        stranger = new_person(rng, key)
    surname = _masculine(stranger)
    return Person(
        key=key,
        sex=of.sex,
        given=of.given,
        patronymic=stranger.patronymic if of.patronymic else None,
        surname=surname if of.sex == "m" else feminine(surname),
        born=of.born,
        town=rng.choice(TOWNS),
        kind="same_given_dob",
    )


# --- rendering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row as a file holds it."""

    row_id: str
    name: str
    birth: str | None
    sex: str | None
    place: str | None


def register_row(person: Person, row_id: str, rng: random.Random) -> Row:
    """The national register's row: Cyrillic, full name with patronymic, mostly full dates."""
    parts = [person.surname, person.given] + ([person.patronymic] if person.patronymic else [])
    roll = rng.random()
    birth = (
        person.born.isoformat()
        if roll < 0.9
        else (
            f"{person.born.year}-{person.born.month:02d}" if roll < 0.95 else str(person.born.year)
        )
    )
    return Row(row_id, " ".join(parts), birth, person.sex, person.town)


def _typo(word: str, rng: random.Random) -> str:
    """A keyboard slip in a Latin word: a letter dropped, doubled or two swapped."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.choice(("drop", "double", "swap"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _report_birth(born: dt.date, rng: random.Random) -> str | None:
    """A report's birth date: full (in one of three layouts), partial, mistyped or missing."""
    roll = rng.random()
    if roll < 0.08:
        return None
    if roll < 0.16:
        return str(born.year)
    if roll < 0.22:
        return f"{born.year}-{born.month:02d}"
    if roll < 0.25:  # one digit of the year mistyped
        year = str(born.year)
        i = rng.choice((2, 3))
        digit = str((int(year[i]) + rng.choice((1, 9))) % 10)
        typed = year[:i] + digit + year[i + 1 :]
        if int(typed) > 2015:
            typed = year
        return f"{typed}-{born.month:02d}-{born.day:02d}"
    if roll < 0.28 and born.day <= 12 and born.day != born.month:  # month and day swapped
        return f"{born.year}-{born.day:02d}-{born.month:02d}"
    layout = rng.random()
    if layout < 0.5:
        return born.isoformat()
    if layout < 0.8:
        return born.strftime("%d.%m.%Y")
    return born.strftime("%d/%m/%Y")


def report_row(person: Person, row_id: str, rng: random.Random) -> Row:
    """A foreign report's row: Latin letters under one scheme, the variations of the press."""
    scheme = rng.choice(list(SCHEMES))
    given = person.given
    short = (MALE | FEMALE).get(given, ())
    roll = rng.random()
    if short and roll < 0.2:
        given_latin = romanise(rng.choice(short), scheme)
    elif given in PRESS_FORMS and roll < 0.4:
        given_latin = rng.choice(PRESS_FORMS[given])
    else:
        given_latin = romanise(given, scheme)
    surname = romanise(person.surname, scheme)
    if person.sex == "f" and rng.random() < 0.1:  # the masculine form, as some papers print
        surname = romanise(_masculine(person), scheme)
    if rng.random() < 0.1:
        surname = _typo(surname, rng)
    elif rng.random() < 0.05:
        given_latin = _typo(given_latin, rng)
    pat = romanise(person.patronymic, scheme) if person.patronymic and rng.random() < 0.2 else None
    order = rng.random()
    if order < 0.3:
        name = f"{surname.upper()} {given_latin}" + (f" {pat}" if pat else "")
    elif order < 0.45:
        name = f"{surname}, {given_latin}" + (f" {pat}" if pat else "")
    else:
        name = " ".join(p for p in (given_latin, pat, surname) if p)
    place = romanise(person.town, scheme) if rng.random() < 0.5 else None
    sex = person.sex if rng.random() < 0.7 else None
    return Row(row_id, name, _report_birth(person.born, rng), sex, place)


# Persons in both files, and the decoys among the rest of each file.
PAIRS = 900
ROWS = 1500
DECOYS = {"twin": 30, "sibling": 120, "namesake": 60, "same_given_dob": 120}


def generate(
    seed: int, *, pairs: int = PAIRS, rows: int = ROWS
) -> tuple[list[Row], list[Row], dict[str, str], dict[str, Person]]:
    """The register rows, the report rows, each row's person key, and the persons.

    Decoys: a decoy of a person in the report stands in the register and a decoy of a
    register person in the report, so that each is a near miss across the files."""
    rng = random.Random(seed)
    scale = rows / ROWS
    shared = [new_person(rng, f"P{i}") for i in range(pairs)]
    register_only = [new_person(rng, f"R{i}") for i in range(rows - pairs)]
    report_only = [new_person(rng, f"F{i}") for i in range(rows - pairs)]
    slot = 0
    for kind, count in DECOYS.items():
        for _ in range(round(count * scale)):
            # Half the decoys go into the register (made from a report person), half the other way.
            if slot % 2 == 0 and slot // 2 < len(register_only):
                register_only[slot // 2] = relative(rng, rng.choice(shared), f"D{slot}", kind)
            elif slot // 2 < len(report_only):
                report_only[slot // 2] = relative(rng, rng.choice(shared), f"D{slot}", kind)
            slot += 1
    register = [*shared, *register_only]
    report = [*shared, *report_only]
    rng.shuffle(register)
    rng.shuffle(report)
    truth: dict[str, str] = {}
    people: dict[str, Person] = {}
    register_rows, report_rows = [], []
    for i, person in enumerate(register):
        row = register_row(person, f"reg-{i}", rng)
        register_rows.append(row)
        truth[row.row_id] = person.key
        people[person.key] = person
    for i, person in enumerate(report):
        row = report_row(person, f"rep-{i}", rng)
        report_rows.append(row)
        truth[row.row_id] = person.key
        people[person.key] = person
    return register_rows, report_rows, truth, people


if __name__ == "__main__":
    register, report, _truth, _people = generate(1, pairs=10, rows=20)
    for row in register + report:
        print(row)
