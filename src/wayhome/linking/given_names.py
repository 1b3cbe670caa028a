"""Given-name groups: a full form with its diminutives and national variants share one key.

Дмитрий, Дима, Митя, Dmitri, Dmytro and Dimitri are the same given name to an investigator.
Two sources, both transliterated at import so any spelling hits them:

* Jörg Michael's first-name dictionary `nam_dict.txt` (2008, GNU FDL 1.2; shipped unchanged
  in the `gender-guesser` package, read from there): its 748 "=" lines say which short or
  national forms stand for which names (Stas = Stanislav, Zhenya = Evgeni and Evgenia,
  Jauhen = Evgenij, Sascha = Aleksandr and Aleksandra), and its gender codes which names are
  borne by both sexes (`UNISEX_NAMES`: "?" or both "?M" and "?F");
* `GIVEN_NAME_GROUPS`, the project's own table: Cyrillic and Greek forms and Russian
  diminutives the dictionary lacks (Вадик, Стас, Слава, Лёша).

A short form belongs to every name it stands for (Sascha: Aleksandr and Aleksandra), never by
a chain (Al stands for Albert and for Alfred; Albert and Alfred stay apart).
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

GIVEN_NAME_GROUPS: dict[str, tuple[str, ...]] = {
    "dmitri": ("Дмитрий", "Дима", "Митя", "Дмитро", "Dimitri", "Dmitri", "Dima", "Mitya",
               "Dimitrij", "Dmytro", "Dimitrios", "Δημήτριος", "Δημήτρης", "Dimitris"),
    "aleksandr": ("Александр", "Саша", "Шура", "Саня", "Олександр", "Alexander", "Alex",
                  "Aleksander", "Alexandre", "Sasha", "Sascha", "Oleksandr", "Αλέξανδρος",
                  "Alexandros"),
    "aleksandra": ("Александра", "Саша", "Олександра", "Alexandra", "Sasha", "Sascha"),
    "mikhail": ("Михаил", "Миша", "Михайло", "Michael", "Michail", "Mikhail", "Misha",
                "Mykhailo", "Michel", "Μιχάλης", "Μιχαήλ"),
    "ivan": ("Иван", "Ваня", "Іван", "Ivan", "Vanya", "Iwan"),
    "sergei": ("Сергей", "Серёжа", "Сергій", "Sergei", "Sergey", "Sergej", "Serhii", "Serhiy",
               "Serge", "Seryozha"),
    "nikolai": ("Николай", "Коля", "Микола", "Nikolai", "Nikolay", "Nicolas", "Nikolaus",
                "Kolya", "Mykola", "Νικόλαος", "Νίκος", "Nikos"),
    "vladimir": ("Владимир", "Володя", "Вова", "Володимир", "Vladimir", "Wladimir", "Volodya",
                 "Vova", "Volodymyr"),
    "aleksei": ("Алексей", "Лёша", "Алёша", "Олексій", "Alexei", "Alexey", "Aleksei",
                "Aleksey", "Alexej", "Lyosha", "Alyosha", "Oleksii", "Oleksiy"),
    "andrei": ("Андрей", "Андрюша", "Андрій", "Andrei", "Andrey", "Andrej", "Andrii", "Andriy",
               "Andreas", "Andre", "Ανδρέας"),
    "evgeni": ("Евгений", "Женя", "Євген", "Evgeni", "Evgeny", "Yevgeny", "Yevgeniy",
               "Jewgeni", "Yevhen", "Zhenya", "Eugene"),
    "ekaterina": ("Екатерина", "Катя", "Катерина", "Ekaterina", "Yekaterina", "Katerina",
                  "Kateryna", "Katya", "Katja", "Catherine", "Αικατερίνη", "Κατερίνα"),
    "elena": ("Елена", "Лена", "Олена", "Elena", "Yelena", "Jelena", "Lena", "Olena", "Helen",
              "Hélène", "Ελένη", "Eleni"),
    "maria": ("Мария", "Маша", "Марія", "Maria", "Mariya", "Mariia", "Masha", "Mascha", "Marie",
              "Μαρία"),
    "anna": ("Анна", "Аня", "Ганна", "Anna", "Anya", "Anja", "Hanna", "Άννα"),
    "olga": ("Ольга", "Оля", "Olga", "Olha", "Olya"),
    "tatiana": ("Татьяна", "Таня", "Тетяна", "Tatiana", "Tatyana", "Tatjana", "Tetiana",
                "Tanya", "Tanja"),
    "natalia": ("Наталья", "Наталия", "Наташа", "Наталія", "Natalia", "Natalya", "Natalija",
                "Natasha", "Nataliia"),
    "pavel": ("Павел", "Паша", "Павло", "Pavel", "Pawel", "Pavlo", "Pasha", "Paul", "Παύλος"),
    "petr": ("Пётр", "Петр", "Петя", "Петро", "Pyotr", "Petr", "Pjotr", "Petro", "Petya",
             "Peter", "Pierre", "Πέτρος"),
    "yuri": ("Юрий", "Юра", "Юрій", "Yuri", "Yury", "Yuriy", "Juri", "Jurij", "Yurii", "Yura"),
    "konstantin": ("Константин", "Костя", "Костянтин", "Konstantin", "Constantin", "Kostya",
                   "Kostiantyn", "Κωνσταντίνος", "Κώστας", "Kostas"),
    "viktor": ("Виктор", "Витя", "Віктор", "Viktor", "Victor", "Vitya"),
    "anastasia": ("Анастасия", "Настя", "Анастасія", "Anastasia", "Anastasiya", "Nastya",
                  "Nastja", "Αναστασία"),
    "georgi": ("Георгий", "Жора", "Гоша", "Георгій", "Georgi", "Georgy", "Heorhii", "George",
               "Γεώργιος", "Γιώργος", "Giorgos", "Yorgos"),
    "ioannis": ("Ιωάννης", "Γιάννης", "Ioannis", "Giannis", "Yannis", "Jannis"),
    "oleg": ("Олег", "Олежка", "Oleg", "Oleh"),
    "artem": ("Артём", "Артем", "Тёма", "Artyom", "Artem", "Artiom", "Tyoma"),
    "maksim": ("Максим", "Макс", "Maksim", "Maxim", "Maksym", "Max"),
    "irina": ("Ирина", "Ира", "Ірина", "Irina", "Iryna", "Ira"),
    "sofia": ("София", "Софья", "Соня", "Софія", "Sofia", "Sofiya", "Sophia", "Sonya",
              "Σοφία"),
    "evgenia": ("Евгения", "Женя", "Євгенія", "Evgenia", "Yevgenia", "Evguenia", "Jewgenija",
                "Zhenya"),
    "stanislav": ("Станислав", "Стас", "Станіслав", "Stanislav", "Stanislaw", "Stas"),
    "stanislava": ("Станислава", "Стася", "Stanislava"),
    "vyacheslav": ("Вячеслав", "Слава", "В'ячеслав", "Vyacheslav", "Viatcheslav",
                   "Wjatscheslaw", "Slava"),
    "vadim": ("Вадим", "Вадик", "Vadim", "Wadim", "Vadik"),
    "valentin": ("Валентин", "Валя", "Valentin", "Valya"),
    "valentina": ("Валентина", "Валя", "Valentina", "Valya"),
    "vladislav": ("Владислав", "Влад", "Vladislav", "Wladislaw", "Vlad"),
    "yaroslav": ("Ярослав", "Ярик", "Yaroslav", "Jaroslaw", "Iaroslav"),
    "gennadi": ("Геннадий", "Гена", "Геннадій", "Gennadi", "Gennady", "Guennadi", "Gena"),
    "anatoli": ("Анатолий", "Толя", "Анатолій", "Anatoli", "Anatoly", "Tolya"),
    "leonid": ("Леонид", "Лёня", "Леонід", "Leonid", "Lyonya"),
    "boris": ("Борис", "Боря", "Boris", "Borya"),
    "grigori": ("Григорий", "Гриша", "Григорій", "Grigori", "Grigory", "Grisha"),
    "ilya": ("Илья", "Илюша", "Ілля", "Ilya", "Ilia", "Ilja", "Illia"),
    "kirill": ("Кирилл", "Кирюша", "Кирило", "Kirill", "Kyrylo"),
    "roman": ("Роман", "Рома", "Roman", "Roma"),
    "fedor": ("Фёдор", "Федор", "Федя", "Федір", "Fyodor", "Fedor", "Fiodor", "Fjodor",
              "Fedya", "Theodor"),
    "semyon": ("Семён", "Семен", "Сёма", "Semyon", "Semen", "Semion"),
    "timofei": ("Тимофей", "Тима", "Timofei", "Timofey", "Tima"),
    "svetlana": ("Светлана", "Света", "Світлана", "Svetlana", "Sveta", "Swetlana"),
    "yulia": ("Юлия", "Юля", "Юлія", "Yulia", "Yuliya", "Julia", "Ioulia", "Julija", "Yulya"),
    "daria": ("Дарья", "Даша", "Дарія", "Daria", "Darya", "Dasha", "Darja"),
    "ksenia": ("Ксения", "Ксюша", "Ксенія", "Ksenia", "Kseniya", "Xenia", "Ksyusha"),
    "polina": ("Полина", "Поля", "Polina", "Polya"),
    "lyudmila": ("Людмила", "Люда", "Людмила", "Lyudmila", "Ludmila", "Liudmila", "Lyuda"),
    "galina": ("Галина", "Галя", "Galina", "Halyna", "Galya"),
    "nadezhda": ("Надежда", "Надя", "Nadezhda", "Nadia", "Nadya", "Nadejda"),
    "svyatoslav": ("Святослав", "Свят", "Sviatoslav", "Svyatoslav"),
    "igor": ("Игорь", "Игорёк", "Ігор", "Igor", "Ihor"),
    "anton": ("Антон", "Антоша", "Anton", "Antosha"),
    "denis": ("Денис", "Дениска", "Denis", "Denys"),
    "oksana": ("Оксана", "Ксана", "Oksana", "Oxana"),
}  # fmt: skip


def _dictionary_lines() -> list[str]:
    """The lines of `nam_dict.txt` as the gender-guesser package ships it."""
    source = files("gender_guesser").joinpath("data/nam_dict.txt")
    return source.read_text(encoding="utf-8").splitlines()


@lru_cache(maxsize=1)
def dictionary_groups() -> dict[str, tuple[str, ...]]:
    """The dictionary's equivalences as groups: each name its "=" lines point to, with every
    short or national form that stands for it (the group is named after that name)."""
    groups: dict[str, set[str]] = {}
    for line in _dictionary_lines():
        if not line.startswith("="):
            continue
        # Columns 4-29 hold "short long"; a "+" joins the words of a double name.
        words = line[3:29].split()
        if len(words) != 2 or "+" in line[3:29]:
            continue
        short, full = words
        groups.setdefault(full.lower(), {full}).add(short)
    return {name: tuple(sorted(members)) for name, members in groups.items()}


@lru_cache(maxsize=1)
def unisex_names() -> frozenset[str]:
    """Names (lower case) the dictionary gives to both sexes: a "?" code, or both "?M" and
    "?F" (Sascha, Zhenya; not Dima, which is female only in a few countries)."""
    codes: dict[str, set[str]] = {}
    for line in _dictionary_lines():
        if not line or line[0] in "#=":
            continue
        codes.setdefault(line[3:29].strip().lower(), set()).add(line[:2].strip())
    return frozenset(name for name, seen in codes.items() if "?" in seen or {"?M", "?F"} <= seen)
