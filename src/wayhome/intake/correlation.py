"""Correlation: who else holds a selector, as far as need-to-know lets the caller know it.

For occurrences the caller may see, he gets the records. For those he may not see he gets a
hit/no-hit answer per holding agency — *that* it holds a match, never what — so he can ask
through channels. A silent record (or a RED one) tells the querier nothing; its holder is
notified of the hit instead, once per value and querying agency. Both directions are audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import and_, func, not_, or_, select

from wayhome.access.markings import Marking
from wayhome.access.records import Records
from wayhome.access.visibility import READING_ROLES
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.errors import InvalidInput
from wayhome.inbox import services as inbox
from wayhome.inbox.models import Notification
from wayhome.intake.models import Report, Selector, SelectorValue
from wayhome.intake.selectors.normalise import canonical_value
from wayhome.intake.selectors.types import SelectorType
from wayhome.intake.warninglists import BUILTIN_WARNINGS, WarningList

OCCURRENCE_LIMIT = 200


@dataclass(frozen=True)
class Occurrence:
    """A visible occurrence of a selector value."""

    selector: Selector
    report: Report
    agency: Agency


@dataclass(frozen=True)
class Hit:
    """An agency holds records with this value that the caller may not see."""

    agency_id: uuid.UUID
    agency_code: str
    agency_name: str
    country: str
    records: int


@dataclass
class Correlation:
    """Everything the caller may learn about one selector value."""

    kind: str
    canonical: str
    total_visible: int
    occurrences: list[Occurrence] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    warning: str | None = None
    over_common: bool = False

    @property
    def visible_agencies(self) -> set[uuid.UUID]:
        """Agencies whose visible records hold the value."""
        return {o.agency.id for o in self.occurrences}


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


def hidden_hits(
    records: Records, value_ids: list[int], exclude_report: uuid.UUID | None = None
) -> tuple[dict[int, list[Hit]], dict[int, set[uuid.UUID]]]:
    """Per value: hit/no-hit for agencies holding it out of the caller's sight, and the silent
    holders (agency ids) who must be told instead."""
    if not value_ids or records.viewer.role not in READING_ROLES:
        return {}, {}
    hidden = not_(records.visibility.clause(Selector))
    conditions = [Selector.value_id.in_(value_ids), hidden]
    if exclude_report is not None:
        conditions.append(Selector.report_id != exclude_report)
    silent = or_(Report.silent.is_(True), Selector.marking == Marking.RED)
    stmt = (
        select(Selector.value_id, Selector.agency_id, silent.label("silent"), func.count())
        .join(Report, Report.id == Selector.report_id)
        .where(and_(*conditions))
        .group_by(Selector.value_id, Selector.agency_id, silent)
    )
    rows = list(records.session.execute(stmt))
    agencies = {
        a.id: a
        for a in records.session.scalars(
            select(Agency).where(Agency.id.in_({row[1] for row in rows}))
        )
    }
    hits: dict[int, list[Hit]] = {}
    silent_holders: dict[int, set[uuid.UUID]] = {}
    for value_id, agency_id, is_silent, count in rows:
        if is_silent:
            silent_holders.setdefault(value_id, set()).add(agency_id)
            continue
        agency = agencies[agency_id]
        hits.setdefault(value_id, []).append(
            Hit(agency.id, agency.code, agency.name, agency.country, int(count))
        )
    return hits, silent_holders


def notify_silent_holders(
    records: Records, values: dict[int, tuple[str, str]], holders: dict[int, set[uuid.UUID]]
) -> int:
    """Tell silent holders that another agency asked about a value they hold (once each)."""
    sent = 0
    querier = records.viewer.agency_id
    for value_id, agencies in holders.items():
        kind, canonical = values[value_id]
        for agency_id in agencies:
            if agency_id == querier:
                continue
            key = f"{value_id}:{querier}"
            already = records.session.scalar(
                select(Notification.id).where(
                    Notification.agency_id == agency_id,
                    Notification.kind == "silent_hit",
                    Notification.detail["key"].as_string() == key,
                )
            )
            if already is not None:
                continue
            asking = records.session.get(Agency, querier)
            inbox.post(
                records.session,
                agency_id,
                "silent_hit",
                f"{asking.name if asking else 'An agency'} holds or looked up a {kind} "
                "you hold in a silent record",
                {"key": key, "kind": kind, "value": canonical, "querier_agency": str(querier)},
            )
            audit.record(
                records.session,
                records.actor,
                "hit_notified",
                "selector_value",
                str(value_id),
                {"holder_agency": str(agency_id)},
            )
            sent += 1
    return sent


def correlate(
    records: Records,
    kind: str,
    canonical: str,
    *,
    overcommon_threshold: int,
    warnings: WarningList = BUILTIN_WARNINGS,
) -> Correlation:
    """What the caller may learn about one selector: visible records, hits, flags."""
    session = records.session
    value = session.scalar(
        select(SelectorValue).where(
            SelectorValue.kind == kind, SelectorValue.canonical == canonical
        )
    )
    result = Correlation(kind, canonical, 0, warning=warnings.warning_for(kind, canonical))
    if value is None:
        audit.record(
            session,
            records.actor,
            "selector_query",
            "selector_value",
            None,
            {"kind": kind, "value": canonical, "held": False},
        )
        return result
    result.over_common = value.occurrences > overcommon_threshold
    page = records.find(
        Selector,
        Selector.value_id == value.id,
        order_by=[Selector.id.desc()],
        limit=OCCURRENCE_LIMIT,
    )
    result.total_visible = page.total
    report_ids = {s.report_id for s in page.items}
    reports = {r.id: r for r in session.scalars(select(Report).where(Report.id.in_(report_ids)))}
    agency_ids = {s.agency_id for s in page.items}
    agencies = {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))}
    result.occurrences = [
        Occurrence(s, reports[s.report_id], agencies[s.agency_id]) for s in page.items
    ]
    hits, silent = hidden_hits(records, [value.id])
    result.hits = sorted(hits.get(value.id, []), key=lambda h: h.agency_code)
    notify_silent_holders(records, {value.id: (kind, canonical)}, silent)
    audit.record(
        session,
        records.actor,
        "selector_query",
        "selector_value",
        str(value.id),
        {
            "kind": kind,
            "value": canonical,
            "visible": result.total_visible,
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
    visible = (
        select(
            Selector.value_id,
            func.count(func.distinct(Selector.report_id)),
            func.count(func.distinct(Selector.agency_id)),
        )
        .where(
            Selector.value_id.in_(value_ids),
            Selector.report_id != report.id,
            records.visibility.clause(Selector),
        )
        .group_by(Selector.value_id)
    )
    counts = {vid: (int(r), int(a)) for vid, r, a in session.execute(visible)}
    hits, silent = hidden_hits(records, value_ids, exclude_report=report.id)
    values = {s.value_id: (s.value.kind, s.value.canonical) for s in selectors}
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
                value.occurrences > overcommon_threshold,
            )
        )
    return links
