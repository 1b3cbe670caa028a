"""Full-text search over the report texts a caller may see, in Russian and English."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Float, Uuid, func, select, text

from wayhome.access.records import Records
from wayhome.db.dialect import search_query_sql, search_terms_param
from wayhome.errors import InvalidInput
from wayhome.intake.models import Report
from wayhome.intake.selectors.extract import extract_selectors
from wayhome.intake.selectors.types import Selector
from wayhome.intake.stemming import stems

MAX_TERMS = 16


@dataclass
class SearchResult:
    """Ranked visible reports, their total, and the selector the query is, if it is one."""

    reports: list[Report]
    total: int
    selector: Selector | None


def recognise_selector(query: str) -> Selector | None:
    """The selector a query consists of (e.g. an e-mail typed into the search box), if any."""
    found = extract_selectors(query.strip())
    if len(found) != 1:
        return None
    only = found[0]
    covered = (only.end or 0) - (only.start or 0)
    return only if covered >= len(query.strip()) - 2 else None


def search_reports(records: Records, query: str, limit: int, offset: int) -> SearchResult:
    """Reports whose text holds every word of the query (in any word form), best first."""
    query = query.strip()
    if not query:
        raise InvalidInput("type at least one word", location="query.q")
    selector = recognise_selector(query)
    terms = list(dict.fromkeys(stems(query)))[:MAX_TERMS]
    if not terms:
        return SearchResult([], 0, selector)
    dialect = records.session.get_bind().dialect.name
    matches = (
        text(search_query_sql(dialect))
        .bindparams(terms=search_terms_param(dialect, terms))
        .columns(report_id=Uuid(), rank=Float())
        .subquery("matches")
    )
    visible = records.visibility.clause(Report)
    base = select(Report).join(matches, matches.c.report_id == Report.id).where(visible)
    total = records.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = list(
        records.session.scalars(
            base.order_by(matches.c.rank, Report.received_at.desc()).limit(limit).offset(offset)
        )
    )
    if rows:
        records.audit_listing(Report, rows, {"query": query})
    return SearchResult(rows, int(total), selector)
