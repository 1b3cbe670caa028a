"""The pages in the reader's language and time zone: Babel gettext catalogues, the language
negotiated from the account's setting or the browser's Accept-Language, times labelled with
the user's zone.

The catalogues are the `.po` files under `web/locale/<ll>/LC_MESSAGES/`; they are compiled in
memory when first used (no `.mo` build step, so a checkout always serves what it holds).
`tests/web/test_i18n_catalogues.py` extracts the marked messages (babel.cfg) and fails when a
catalogue lacks one or keeps a fuzzy or stale entry.
"""

from __future__ import annotations

import functools
import io
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request
from sqlalchemy import inspect

from wayhome.access.accounts import INTERFACE_LANGUAGES, time_zone_names
from wayhome.cases.vocabularies import N_  # the one mark for extraction

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LOCALE = "en"
# The languages of the interface, each named in itself (the account page's choice).
LANGUAGES = dict(
    zip(INTERFACE_LANGUAGES, ("English", "Русский", "Deutsch", "Nederlands"), strict=True)
)
DOMAIN = "messages"


# Words said below the web layer (wayhome/errors.py's titles, the sign-in's refusals), marked
# here for the catalogues; the pages translate them where they show them (`i18n.gettext`).
SHOWN_MESSAGES = (
    N_("Bad request"),
    N_("Invalid input"),
    N_("Not found"),
    N_("Forbidden"),
    N_("Authentication required"),
    N_("Conflict"),
    N_("Payload too large"),
    N_("Too many requests"),
    N_("Service busy"),
    N_("Malformed request"),
    N_("Method not allowed"),
    N_("Error"),
    N_("too many failed sign-ins; wait a few minutes and try again"),
    N_("unknown username or wrong password"),
    N_("this account needs the code from its authenticator app"),
    N_("wrong or already used authenticator code"),
    # a case's priority and status (cases/models.py), as the lists show them
    N_("critical"),
    N_("high"),
    N_("normal"),
    N_("low"),
    N_("reported"),
    N_("alert issued"),
    N_("active search"),
    N_("located"),
    N_("reunited"),
    N_("closed"),
    # the roles (access/models.py), as the navigation names the signed-in user's
    N_("investigator"),
    N_("analyst"),
    N_("supervisor"),
    N_("admin"),
    # a link's review state (linking/models.py), as the review queue shows it
    N_("proposed"),
    N_("accepted"),
    N_("rejected"),
    # what a watch follows (watches/pages.py:WATCH_KINDS) and a delivery's state (watches/models.py)
    N_("selector"),
    N_("persona"),
    N_("person"),
    N_("bank series"),
    N_("case"),
    N_("pending"),
    N_("sent"),
    N_("failed"),
    # where an entity page says a record appears (leads/entities.py)
    N_("report"),
    # a yellow notice's visibility (cases/models.py), as the case page shows it
    N_("restricted"),
    N_("public"),
    N_("withdrawn"),
    # how a case ended (cases/models.py:Outcome), as the case page shows it
    N_("found safe in care"),
    N_("returned voluntarily"),
    N_("found deceased"),
    N_("false report"),
    N_("transferred"),
    N_("other"),
    # a person's part in a case (cases/models.py:PersonRole), as the case page shows it
    N_("missing child"),
    N_("suspect"),
    N_("guardian"),
    N_("witness"),
    N_("victim"),
    N_("register"),
    # a case's kind and a task's kind and state (cases/models.py), as the case page shows them
    N_("exploitation"),
    N_("task"),
    N_("operation"),
    N_("support"),
    N_("open"),
    N_("in progress"),
    N_("done"),
    N_("cancelled"),
)


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of a language (fuzzy entries left out); English is the source."""
    path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == DEFAULT_LOCALE or not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def accepted_languages(header: str) -> list[str]:
    """The primary language tags of an Accept-Language header, most wanted first (q=0 out)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = tag.strip().split("-")[0].split("_")[0].lower()
        if language and language != "*" and quality > 0:
            ranked.append((-quality, position, language))
    return [language for _, _, language in sorted(ranked)]


def negotiate(chosen: str | None, accept_language: str) -> str:
    """The interface language: the account's choice, else the browser's first one we have."""
    if chosen in LANGUAGES:
        return chosen
    for language in accepted_languages(accept_language):
        if language in LANGUAGES:
            return language
    return DEFAULT_LOCALE


@functools.cache
def time_zones() -> list[str]:
    """The IANA zone names a user may choose (accounts.py checks a choice against them), sorted."""
    return sorted(time_zone_names())


def zone(name: str | None) -> tzinfo:
    """The zone of a stored name; none, or one this system does not know, is UTC."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def zone_label(moment: datetime) -> str:
    """The zone of an aware time as readers know it: "MSK", "CET", "UTC", else "+03:00"."""
    name = moment.tzname() or ""
    if name.isalpha():
        return name
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def local_time(
    moment: datetime | None, time_zone: tzinfo, locale: str, seconds: bool = False
) -> str:
    """A stored time (naive ones are UTC) in the reader's zone, labelled with it."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    here = aware.astimezone(time_zone)
    pattern = "yyyy-MM-dd HH:mm:ss" if seconds else "yyyy-MM-dd HH:mm"
    return f"{format_datetime(here, pattern, locale=locale)} {zone_label(here)}"


def _preferences(request: Request) -> tuple[str | None, str | None]:
    """The signed-in user's stored language and zone, read without touching the database
    (an error page may be drawn after the request's session was rolled back)."""
    # The navigation's snapshot (web/pages.py nav_user) outlives a rollback; the caller's
    # User row is expired by it.
    shown = getattr(request.state, "nav_user", None)
    if shown is not None:
        return shown.locale, shown.time_zone
    caller = getattr(request.state, "caller", None)
    if caller is None:
        return None, None
    loaded = inspect(caller.user).dict
    return loaded.get("locale"), loaded.get("time_zone")


def _language(request: Request) -> tuple[str, str | None]:
    """The request's interface language (negotiated) and the user's stored zone name."""
    chosen, zone_name = _preferences(request)
    return negotiate(chosen, request.headers.get("accept-language", "")), zone_name


@dataclass(frozen=True)
class Reader:
    """Who the page being drawn is for: the language, its catalogue and the time zone."""

    lang: str
    catalogue: NullTranslations
    time_zone: tzinfo


# Set by `page_context` just before a template is drawn (Starlette runs the context processor
# and the rendering in one call), so that `_`, `gettext` and `localtime` follow the reader in
# every template, macros imported without context included.
_READER: ContextVar[Reader | None] = ContextVar("wayhome_reader", default=None)
_SOURCE = Reader(DEFAULT_LOCALE, NullTranslations(), UTC)  # outside a request: English, UTC


def _reader() -> Reader:
    return _READER.get() or _SOURCE


def page_context(request: Request) -> dict[str, Any]:
    """What every template gets: the language (`lang`), its catalogue and the time zone."""
    lang, zone_name = _language(request)
    time_zone = zone(zone_name)
    catalogue = translations(lang)
    _READER.set(Reader(lang, catalogue, time_zone))
    now = datetime.now(UTC)
    label = zone_label(now.astimezone(time_zone))
    # How a form names the zone its times are typed in: "Europe/Moscow, MSK", else "UTC".
    caption = f"{zone_name}, {label}" if zone_name not in (None, "", "UTC") else "UTC"
    return {
        "now_utc": now,
        "lang": lang,
        "i18n": catalogue,
        "time_zone_label": label,
        "time_zone_caption": caption,
    }


def request_translations(request: Request) -> NullTranslations:
    """The catalogue for a request, for messages put together in Python."""
    return translations(_language(request)[0])


def _gettext(message: str) -> str:
    return _reader().catalogue.gettext(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return _reader().catalogue.ngettext(singular, plural, count)


def _localtime(moment: datetime | None, seconds: bool = False) -> str:
    reader = _reader()
    return local_time(moment, reader.time_zone, reader.lang, seconds)


def _translated(text: str) -> str:
    """A message said in Python in English (a `Reason`-like str with `message` and `params`,
    or a plain marked one) in the reader's language; its word values are translated too."""
    catalogue = _reader().catalogue
    message = getattr(text, "message", None)
    if message is None:
        return catalogue.gettext(text)
    params = {
        name: catalogue.gettext(value) if isinstance(value, str) else value
        for name, value in getattr(text, "params", {}).items()
    }
    return catalogue.gettext(message) % params


def install(environment: Any) -> None:
    """Give a Jinja environment `{% trans %}`, `_`/`gettext` from the reader's catalogue and
    the `localtime` filter (times in the reader's zone, labelled)."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    environment.filters["localtime"] = _localtime
    environment.filters["translated"] = _translated
    environment.globals["languages"] = LANGUAGES
