"""Every marked message has its translation: the messages are extracted with Babel as
babel.cfg says (templates and Python), and each catalogue (ru, de, nl) must translate all of
them, with no fuzzy entry, no stale one (a message no longer marked) and the same placeholders.
To bring the catalogues up to date: scripts/i18n-update.sh, then translate what it added."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from wayhome.web import i18n

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"frontend", "var", "test-artifacts", "tests", "bench", "node_modules", "vendor"}


@functools.cache
def extracted() -> Catalog:
    """The messages marked in the product, extracted as `pybabel extract -F babel.cfg` does."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)

    def wanted(path: str) -> bool:
        return not (set(Path(path).parts) & SKIPPED) and not Path(path).name.startswith((".", "_"))

    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, directory_filter=wanted
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def test_extraction_finds_the_marked_messages() -> None:
    ids = {_key(m) for m in extracted() if m.id}
    # One from a template, one from Python (a deferred N_ mark), one {% trans %} block.
    trans_block = "The case was not opened: correct the field marked below."
    assert {"Dashboard", "Fill this in.", trans_block} <= ids


@pytest.mark.parametrize("lang", [code for code in i18n.LANGUAGES if code != i18n.DEFAULT_LOCALE])
def test_catalogue_is_complete_and_current(lang: str) -> None:
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=lang)
    wanted = {_key(m): m for m in extracted() if m.id}
    have = {_key(m): m for m in catalogue if m.id}
    missing = sorted(set(wanted) - set(have))
    stale = sorted(set(have) - set(wanted))
    untranslated = sorted(
        key
        for key, message in have.items()
        if key in wanted
        and not (message.string if isinstance(message.string, str) else all(message.string))
    )
    fuzzy = sorted(key for key, message in have.items() if message.fuzzy)
    obsolete = sorted(str(key) for key in catalogue.obsolete)
    placeholders = [f"{message.id!r}: {errors}" for message, errors in catalogue.check()]
    problems = {
        "not in the catalogue (run scripts/i18n-update.sh)": missing,
        "untranslated": untranslated,
        "fuzzy": fuzzy,
        "stale (no longer marked)": stale + obsolete,
        "placeholders differ": placeholders,
    }
    assert not any(problems.values()), {k: v for k, v in problems.items() if v}
    assert have.keys() == wanted.keys()


def test_the_shown_enum_values_are_marked() -> None:
    """The pages translate these enums' values (underscores as spaces) with `_()`, so each is
    marked in i18n.SHOWN_MESSAGES: a value added to one of them must be marked there too."""
    from wayhome.access.models import Role
    from wayhome.cases.models import (
        CaseKind,
        CaseStatus,
        NoticeVisibility,
        Outcome,
        PersonRole,
        Priority,
        TaskKind,
        TaskState,
    )
    from wayhome.linking.models import AssertionState

    shown = (
        Role,
        CaseKind,
        CaseStatus,
        NoticeVisibility,
        Outcome,
        PersonRole,
        Priority,
        TaskKind,
        TaskState,
        AssertionState,
    )
    values = {str(member.value).replace("_", " ") for kind in shown for member in kind}
    assert values <= set(i18n.SHOWN_MESSAGES), sorted(values - set(i18n.SHOWN_MESSAGES))
