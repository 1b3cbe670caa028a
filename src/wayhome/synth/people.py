"""Fictional Russian people for a register extract: names, patronymics, birth dates, namesakes."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from wayhome.linking.synthetic import surname_pool


def _words(text: str) -> list[str]:
    """Split a block of space-separated names."""
    return text.split()


MALE_GIVEN = _words(
    "Дмитрий Александр Михаил Иван Сергей Николай Владимир Алексей Андрей Евгений Павел Пётр "
    "Юрий Константин Виктор Георгий Олег Артём Максим Роман Игорь Антон Кирилл Денис Егор "
    "Никита Илья Василий Степан Тимофей Фёдор Глеб Матвей Ярослав Вадим Станислав"
)
FEMALE_GIVEN = _words(
    "Екатерина Елена Мария Анна Ольга Татьяна Наталья Ирина Анастасия Софья Светлана Юлия "
    "Дарья Полина Ксения Вера Людмила Галина Надежда Валентина Марина Алёна Виктория"
)
# A few short forms people are registered or known under ("people with similar names").
SHORT_FORMS = {
    "Александр": "Алексан", "Дмитрий": "Димитрий", "Кирилл": "Кирил", "Артём": "Артем",
    "Фёдор": "Федор", "Пётр": "Петр", "Юрий": "Юрий", "Денис": "Дионисий",
}  # fmt: skip


@dataclass(frozen=True)
class Resident:
    """One person of a register extract (the truth about him, in Russian spelling)."""

    person_id: str
    surname: str
    given: str
    patronymic: str | None
    born: dt.date
    sex: str
    residence_row: int


def female_surname(surname: str) -> str:
    """The female form of a Russian surname (Лапин → Лапина, Горский → Горская)."""
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    return surname


def patronymic(father: str, sex: str) -> str:
    """A Russian patronymic from the father's given name."""
    soft = father.endswith(("й", "ь"))
    stem = (father[:-1] if soft else father).replace("ё", "е")
    if sex == "M":
        return stem + ("евич" if soft else "ович")
    return stem + ("евна" if soft else "овна")


def full_name(person: Resident) -> str:
    """Surname, given name and patronymic, the order Russian registers use."""
    return " ".join(part for part in (person.surname, person.given, person.patronymic) if part)


def random_birth(rng: random.Random, start_year: int, end_year: int) -> dt.date:
    """A birth date between 1 January of one year and 31 December of another."""
    first = dt.date(start_year, 1, 1)
    return first + dt.timedelta(days=rng.randrange((dt.date(end_year, 12, 31) - first).days))


def random_resident(rng: random.Random, person_id: str, row: int, surnames: list[str]) -> Resident:
    """One ordinary fictional resident living at a gazetteer row."""
    sex = "M" if rng.random() < 0.48 else "F"
    base = rng.choice(surnames)
    given = rng.choice(MALE_GIVEN if sex == "M" else FEMALE_GIVEN)
    return Resident(
        person_id=person_id,
        surname=base if sex == "M" else female_surname(base),
        given=given,
        patronymic=patronymic(rng.choice(MALE_GIVEN), sex),
        born=random_birth(rng, 1940, 2008),
        sex=sex,
        residence_row=row,
    )


def surnames() -> list[str]:
    """Male-form Russian surnames to draw from (common ones and made-up mixes)."""
    return [name for name in surname_pool() if name.endswith(("ов", "ев", "ёв", "ин", "ский"))]
