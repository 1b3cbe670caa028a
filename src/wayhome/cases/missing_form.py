"""The missing-child form read field by field: its text values become a `MissingChildIn`, or
a plain-words error for each field that is wrong, so that the page shows each error next to
its field and keeps what was typed.

The messages are English gettext message ids (marked `N_`, extracted by Babel); the page
translates them (cases/pages.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from wayhome import clock
from wayhome.access.markings import Marking, Scope
from wayhome.cases.models import Sex
from wayhome.cases.schemas import MissingChildIn
from wayhome.cases.vocabularies import N_
from wayhome.errors import WayhomeError

E = TypeVar("E")

# The fields a family and an officer must give; the form marks them and sets `required`.
REQUIRED = frozenset(
    {"full_name", "date_of_birth", "last_seen_at", "last_seen_place", "last_seen_country"}
)
RANGES = {"height_cm": (30, 230), "weight_kg": (1, 250)}
# The choices of the form's lists in words (translated on the page).
SEX_LABELS = {
    Sex.FEMALE.value: N_("female"),
    Sex.MALE.value: N_("male"),
    Sex.UNKNOWN.value: N_("unknown"),
}
SCOPE_LABELS = {
    Scope.OWNER.value: N_("our agency only"),
    Scope.NAMED.value: N_("the agencies named"),
    Scope.ALL.value: N_("all member agencies"),
}

FILL_IN = N_("Fill this in.")
NOT_VALID = N_("This value is not valid.")
# The workflow's own checks (cases/workflow.py), as the form says them.
_WORKFLOW = {
    "body.child.date_of_birth": ("date_of_birth", N_("The date of birth cannot be in the future.")),
    "body.last_seen_at": ("last_seen_at", N_("Check the date and time last seen.")),
}


class MissingChildForm(BaseModel):
    """The form's fields as the browser sends them: text, each one optional here, so that a
    missing or malformed value becomes a message beside its field, not a bare 422."""

    full_name: str = ""
    other_name: str = ""
    date_of_birth: str = ""
    sex: str = Sex.UNKNOWN.value
    nationalities: str = ""
    languages: str = ""
    height_cm: str = ""
    weight_kg: str = ""
    eye_colour: str = ""
    hair_colour: str = ""
    distinguishing_marks: str = ""
    description: str = ""
    last_seen_at: str = ""
    last_seen_place: str = ""
    last_seen_country: str = ""
    circumstances: str = ""
    suspected_abduction: str = ""
    online_link: str = ""
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian_phone: str = ""
    guardian_email: str = ""
    marking: str = Marking.AMBER.value
    scope: str = Scope.OWNER.value


@dataclass(frozen=True)
class FieldError:
    """A message id (with `%(name)s` places) and the values to put in them."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Reader:
    form: MissingChildForm
    errors: dict[str, FieldError] = field(default_factory=dict)

    def text(self, name: str) -> str:
        value: str = getattr(self.form, name).strip()
        if not value and name in REQUIRED:
            self.errors[name] = FieldError(FILL_IN)
        return value

    def parsed(self, name: str, parse: Callable[[str], E], message: str) -> E | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return parse(value)
        except ValueError:
            self.errors[name] = FieldError(message)
            return None


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]


def _field(loc: tuple[int | str, ...]) -> str:
    """The form field of a schema error's location."""
    if not loc:
        return ""
    if loc[0] == "child" and len(loc) > 1:
        if loc[1] == "names":
            return "other_name" if len(loc) > 2 and loc[2] == 1 else "full_name"
        return str(loc[1])
    if loc[0] == "guardians":
        return f"guardian_{loc[2]}" if len(loc) > 2 else "guardian_name"
    return str(loc[0])


def _message(name: str, error: Any) -> FieldError:
    """A schema error in plain words."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in {"missing", "string_too_short", "too_short"}:
        return FieldError(FILL_IN)
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return FieldError(N_("Shorten this to %(limit)s characters at most."), {"limit": limit})
    if name in RANGES and kind in {"greater_than_equal", "less_than_equal"}:
        low, high = RANGES[name]
        return FieldError(
            N_("Enter a number from %(low)s to %(high)s."), {"low": low, "high": high}
        )
    if kind == "country_code":
        return FieldError(
            N_(
                "“%(code)s” is not a country code: "
                "use two letters of ISO 3166, such as NL, DE or RU."
            ),
            {"code": ctx.get("code", "")},
        )
    if kind == "language_code":
        return FieldError(
            N_(
                "“%(code)s” is not a language code: "
                "use three letters of ISO 639-2, such as RUS, DEU or ENG."
            ),
            {"code": ctx.get("code", "")},
        )
    if kind == "vocabulary_code":
        return FieldError(N_("Choose one of the listed colours."))
    return FieldError(NOT_VALID)


def workflow_error(error: WayhomeError) -> tuple[str, FieldError] | None:
    """A refusal by the workflow (a date, the portrait) as a field's error, or None when it
    concerns no field of the form."""
    if error.location in _WORKFLOW:
        name, message = _WORKFLOW[error.location]
        return name, FieldError(message)
    if error.location == "body.portrait":
        # The picture's checks name sizes and formats: shown as they are said.
        return "portrait", FieldError("%(detail)s", {"detail": error.detail})
    return None


def read(
    form: MissingChildForm, time_zone: tzinfo
) -> tuple[MissingChildIn | None, dict[str, FieldError]]:
    """The intake the form describes (its "last seen" time read in the user's zone), or the
    error of each wrong field, keyed by the field's name."""
    reader = _Reader(form)
    full_name = reader.text("full_name")
    born = reader.parsed(
        "date_of_birth", date.fromisoformat, N_("Enter a date: day, month and year.")
    )
    now = clock.now()
    if born and born > now.date():
        reader.errors["date_of_birth"] = FieldError(
            N_("The date of birth cannot be in the future.")
        )
    seen = reader.parsed(
        "last_seen_at", datetime.fromisoformat, N_("Enter a date and a time of day.")
    )
    if seen is not None and seen.tzinfo is None:
        seen = seen.replace(tzinfo=time_zone)  # typed in the user's own zone
    if seen is not None and seen > now + timedelta(minutes=5):
        reader.errors["last_seen_at"] = FieldError(
            N_("The time last seen cannot be in the future.")
        )
    elif seen is not None and born and seen.date() < born:
        reader.errors["last_seen_at"] = FieldError(
            N_("The child cannot have been seen before the date of birth.")
        )
    whole = N_("Enter a whole number.")
    height = reader.parsed("height_cm", int, whole)
    weight = reader.parsed("weight_kg", int, whole)
    choose = N_("Choose one of the listed values.")
    sex = reader.parsed("sex", Sex, choose) or Sex.UNKNOWN
    marking = reader.parsed("marking", Marking, choose) or Marking.AMBER
    scope = reader.parsed("scope", Scope, choose) or Scope.OWNER
    place = reader.text("last_seen_place")
    country = reader.text("last_seen_country")
    names = [n for n in (full_name, form.other_name.strip()) if n]
    guardian = form.guardian_name.strip()
    data: dict[str, Any] = {
        "child": {
            "names": [{"full_name": n} for n in names],
            "date_of_birth": born or date(1900, 1, 1),
            "sex": sex,
            "nationalities": _codes(form.nationalities),
            "languages": _codes(form.languages),
            "height_cm": height,
            "weight_kg": weight,
            "eye_colour": form.eye_colour.strip() or None,
            "hair_colour": form.hair_colour.strip() or None,
            "distinguishing_marks": form.distinguishing_marks,
            "description": form.description,
        },
        "last_seen_at": seen or datetime(1900, 1, 1, tzinfo=UTC),
        "last_seen_place": place or "-",
        "last_seen_country": country or "NL",
        "circumstances": form.circumstances,
        "suspected_abduction": form.suspected_abduction == "true",
        "online_link": form.online_link == "true",
        "guardians": (
            [
                {
                    "name": guardian,
                    "relation": form.guardian_relation,
                    "phone": form.guardian_phone,
                    "email": form.guardian_email,
                }
            ]
            if guardian
            else []
        ),
        "marking": marking,
        "scope": scope,
    }
    try:
        intake = MissingChildIn.model_validate(data)
    except ValidationError as invalid:
        for error in invalid.errors():
            name = _field(tuple(error["loc"]))
            reader.errors.setdefault(name, _message(name, error))
        return None, reader.errors
    if reader.errors:
        return None, reader.errors
    return intake, {}
