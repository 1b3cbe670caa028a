"""Correlation: who else holds a selector, as far as need-to-know lets the caller know it.

For occurrences the caller may see, he gets the records. For those he may not see he gets a
hit/no-hit answer per holding agency — *that* it holds a match, never what — so he can ask
through channels. A silent record (or a RED one) tells the querier nothing; its holder is
notified of the hit instead, once per value and querying agency. Both directions are audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Uuid, bindparam, func, not_, select
from sqlalchemy.orm import Session, aliased

from wayhome.access import disclosure
from wayhome.access.disclosure import Disclosure, disclosure_clause
from wayhome.access.markings import Marking
from wayhome.access.models import Role
from wayhome.access.records import Records
from wayhome.access.visibility import READING_ROLES, VIEWER_AGENCY, agency_param, visibility_clause
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.errors import InvalidInput
from wayhome.intake.models import BIG_ID, Report, Selector, SelectorHolder, SelectorValue
from wayhome.intake.selectors.normalise import canonical_value
from wayhome.intake.selectors.types import SelectorType
from wayhome.intake.warninglists import BUILTIN_WARNINGS, WarningList

OCCURRENCE_LIMIT = 200
# Bounds that keep a look-up fast however common a value is: visible records are counted up
# to COUNT_CAP (shown as "1000+"), and hit/no-hit is computed over the newest HIT_SCAN hidden
# occurrences. Values that reach these bounds are over-common and flagged as such.
COUNT_CAP = 1000
HIT_SCAN = 2_000


@dataclass(frozen=True)
class Occurrence:
    """A visible occurrence of a selector value, with its report and agency."""

    report_id: uuid.UUID
    report_title: str
    agency_code: str
    agency_name: str
    original: str
    origin: str
    observed_at: datetime | None
    marking: Marking


# An agency holds records with this value that the caller may not see (the engines' one type).
Hit = disclosure.Hit
SILENT_HIT = "silent_hit"  # inbox kind: a silent or RED holder is told of a look-up


@dataclass
class Correlation:
    """Everything the caller may learn about one selector value."""

    kind: str
    canonical: str
    total_visible: int
    occurrences: list[Occurrence] = field(default_factory=list)
    visible_reports: int = 0
    hits: list[Hit] = field(default_factory=list)
    warning: str | None = None
    over_common: bool = False

    @property
    def visible_agencies(self) -> set[str]:
        """Codes of the agencies whose visible records hold the value."""
        return {o.agency_code for o in self.occurrences}


def occurrences_of(session: Session, value_ids: list[int]) -> dict[int, int]:
    """How many records, across all agencies, hold each value."""
    stmt = (
        select(SelectorHolder.value_id, func.sum(SelectorHolder.occurrences))
        .where(SelectorHolder.value_id.in_(value_ids))
        .group_by(SelectorHolder.value_id)
    )
    return {vid: int(total) for vid, total in session.execute(stmt)}


def parse_selector(kind: str, value: str) -> tuple[str, str]:
    """Validate and canonicalise a selector given by type and value (the API's path)."""
    try:
        selector_type = SelectorType(kind)
    except ValueError:
        known = ", ".join(t.value for t in SelectorType)
        raise InvalidInput(f"unknown selector type; one of {known}", location="path.type") from None
    canonical = canonical_value(selector_type, value)
    if canonical is None:
        raise InvalidInput(f"not a valid {selector_type.value}", location="path.value")
    return selector_type.value, canonical


NO_REPORT = uuid.UUID(int=0)


@lru_cache(maxsize=8)
def _statements(role: Role) -> dict[str, Any]:
    """The look-up's statements, built once per role and run with bound parameters."""
    agency = agency_param()
    visible = visibility_clause(Selector, role, agency)
    value_id = bindparam("value_id", type_=BIG_ID)
    held = (
        select(func.coalesce(func.sum(SelectorHolder.occurrences), 0))
        .where(SelectorHolder.value_id == SelectorValue.id)
        .scalar_subquery()
    )
    newest_hidden = (
        select(Selector.agency_id, Selector.marking, Selector.report_id)
        .where(
            Selector.value_id == value_id,
            not_(visible),
            Selector.report_id != bindparam("exclude_report", type_=Uuid()),
        )
        .order_by(Selector.id.desc())
        .limit(HIT_SCAN)
        .subquery()
    )
    hidden = aliased(Selector, newest_hidden)
    told = disclosure_clause(
        hidden, role, agency, silent=Report.silent.is_(True), hidden=True
    ).label("disclosure")
    newest_visible = (
        select(Selector.report_id, Selector.agency_id)
        .where(
            Selector.value_id == value_id,
            Selector.report_id != bindparam("exclude_report", type_=Uuid()),
            visible,
        )
        .order_by(Selector.id.desc())
        .limit(COUNT_CAP)
        .subquery()
    )
    capped = (
        select(Selector.id, Selector.report_id)
        .where(Selector.value_id == value_id, visible)
        .order_by(Selector.id.desc())
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    return {
        "value": select(SelectorValue.id, held).where(
            SelectorValue.canonical == bindparam("canonical"),
            SelectorValue.kind == bindparam("kind"),
        ),
        "rows": select(
            Selector.report_id,
            Report.title,
            Agency.code,
            Agency.name,
            Selector.original,
            Selector.origin,
            Selector.observed_at,
            Selector.marking,
        )
        .join(Report, Report.id == Selector.report_id)
        .join(Agency, Agency.id == Selector.agency_id)
        .where(Selector.value_id == value_id, visible)
        .order_by(Selector.id.desc())
        .limit(OCCURRENCE_LIMIT),
        "count": select(func.count(), func.count(func.distinct(capped.c.report_id))),
        # The holders' names come in the same statement: no second query per look-up.
        # A hit counts the holder's reports, not its occurrences: a value written five times
        # in one report is one record to ask for.
        "hidden": select(
            newest_hidden.c.agency_id,
            Agency.code,
            Agency.name,
            Agency.country,
            told,
            func.count(func.distinct(newest_hidden.c.report_id)),
        )
        .join(Report, Report.id == newest_hidden.c.report_id)
        .join(Agency, Agency.id == newest_hidden.c.agency_id)
        .group_by(newest_hidden.c.agency_id, Agency.code, Agency.name, Agency.country, told),
        "others": select(
            func.count(func.distinct(newest_visible.c.report_id)),
            func.count(func.distinct(newest_visible.c.agency_id)),
        ),
    }


def hidden_hits(
    records: Records, value_ids: list[int], exclude_report: uuid.UUID | None = None
) -> tuple[dict[int, list[Hit]], dict[int, set[uuid.UUID]]]:
    """Per value: hit/no-hit for agencies holding it out of the caller's sight, and the silent
    or RED holders (agency ids) who must be told instead (the disclosure rule, in SQL)."""
    if not value_ids or records.viewer.role not in READING_ROLES:
        return {}, {}
    statement = _statements(records.viewer.role)["hidden"]
    hits: dict[int, list[Hit]] = {}
    silent_holders: dict[int, set[uuid.UUID]] = {}
    for value_id in value_ids:
        params = {
            "value_id": value_id,
            VIEWER_AGENCY: records.viewer.agency_id,
            "exclude_report": exclude_report or NO_REPORT,
        }
        for agency_id, code, name, country, told, count in records.session.execute(
            statement, params
        ):
            if told == Disclosure.TELL_HOLDER:
                silent_holders.setdefault(value_id, set()).add(agency_id)
            elif told == Disclosure.HIT:
                hits.setdefault(value_id, []).append(
                    Hit(agency_id, code, name, country, int(count), Report.__record_kind__)
                )
    return hits, silent_holders


def notify_silent_holders(
    records: Records, values: dict[int, tuple[str, str]], holders: dict[int, set[uuid.UUID]]
) -> int:
    """Tell the holders the rule chose (TELL_HOLDER) that another agency asked about a value
    they hold in a silent or RED record: once per value and querying agency."""
    sent = 0
    querier = records.viewer.agency_id
    asking: Agency | None = None
    for value_id, agencies in holders.items():
        kind, canonical = values[value_id]
        for agency_id in agencies:
            asking = asking or records.session.get(Agency, querier)
            key = f"{value_id}:{querier}"
            sent += disclosure.tell_holder_once(
                records.session,
                records.actor,
                agency_id,
                kind=SILENT_HIT,
                key=key,
                subject=f"{asking.name if asking else 'An agency'} holds or looked up a {kind} "
                "you hold in a silent record",
                detail={
                    "key": key,
                    "kind": kind,
                    "value": canonical,
                    "querier_agency": str(querier),
                },
                record_kind="selector_value",
                record_id=str(value_id),
            )
    return sent


def correlate(
    records: Records,
    kind: str,
    canonical: str,
    *,
    overcommon_threshold: int,
    warnings: WarningList = BUILTIN_WARNINGS,
) -> Correlation:
    """What the caller may learn about one selector: visible records, hits, flags.

    A look-up is one audit entry naming the value, the visible records shown and the
    agencies reported as hits; it is kept to a handful of statements because analysts and
    automated watchers run it constantly.
    """
    session = records.session
    result = Correlation(kind, canonical, 0, warning=warnings.warning_for(kind, canonical))
    detail: dict[str, object] = {"kind": kind, "value": canonical}
    if records.viewer.role not in READING_ROLES:
        return result  # administrators read no intelligence, not even hit/no-hit
    statements = _statements(records.viewer.role)
    found = session.execute(statements["value"], {"canonical": canonical, "kind": kind}).first()
    if found is None:
        audit.record(
            session,
            records.actor,
            "selector_query",
            "selector_value",
            None,
            {**detail, "held": False},
        )
        return result
    value_id, occurrences = int(found[0]), int(found[1])
    result.over_common = occurrences > overcommon_threshold
    params = {"value_id": value_id, VIEWER_AGENCY: records.viewer.agency_id}
    rows = session.execute(statements["rows"], params).all()
    result.occurrences = [Occurrence(*row) for row in rows]
    result.total_visible = len(rows)
    result.visible_reports = len({row.report_id for row in result.occurrences})
    if len(rows) == OCCURRENCE_LIMIT:
        occurrences_seen, reports_seen = session.execute(statements["count"], params).one()
        result.total_visible, result.visible_reports = int(occurrences_seen), int(reports_seen)
    hits, silent = hidden_hits(records, [value_id])
    result.hits = sorted(hits.get(value_id, []), key=lambda h: h.agency_code)
    if silent:
        notify_silent_holders(records, {value_id: (kind, canonical)}, silent)
    audit.record(
        session,
        records.actor,
        "selector_query",
        "selector_value",
        str(value_id),
        {
            **detail,
            "visible": result.total_visible,
            "reports": sorted({str(o.report_id) for o in result.occurrences}),
            "hits": [h.agency_code for h in result.hits],
        },
    )
    return result


@dataclass(frozen=True)
class SelectorLink:
    """For one selector of a report: where else it appears, within need-to-know."""

    selector: Selector
    other_reports: int
    other_agencies: int
    hits: list[Hit]
    warning: str | None
    over_common: bool


def report_correlations(
    records: Records,
    report: Report,
    *,
    overcommon_threshold: int,
    warnings: WarningList = BUILTIN_WARNINGS,
) -> list[SelectorLink]:
    """Each selector of a visible report with the other records that hold its value."""
    session = records.session
    selectors = list(
        session.scalars(
            select(Selector).where(Selector.report_id == report.id).order_by(Selector.id)
        )
    )
    value_ids = list({s.value_id for s in selectors})
    if not value_ids:
        return []
    counts: dict[int, tuple[int, int]] = {}
    others = (
        _statements(records.viewer.role)["others"] if records.viewer.role in READING_ROLES else None
    )
    for value_id in value_ids:
        if others is None:
            counts[value_id] = (0, 0)
            continue
        params = {
            "value_id": value_id,
            VIEWER_AGENCY: records.viewer.agency_id,
            "exclude_report": report.id,
        }
        other_reports, other_agencies = session.execute(others, params).one()
        counts[value_id] = (int(other_reports), int(other_agencies))
    hits, silent = hidden_hits(records, value_ids, exclude_report=report.id)
    values = {s.value_id: (s.value.kind, s.value.canonical) for s in selectors}
    held = occurrences_of(session, value_ids)
    notify_silent_holders(records, values, silent)
    links = []
    for selector in selectors:
        value = selector.value
        other_reports, other_agencies = counts.get(selector.value_id, (0, 0))
        links.append(
            SelectorLink(
                selector,
                other_reports,
                other_agencies,
                hits.get(selector.value_id, []),
                warnings.warning_for(value.kind, value.canonical),
                held.get(selector.value_id, 0) > overcommon_threshold,
            )
        )
    return links
