"""Locating for a case: its clues, the fusion, the map layer and the candidates, for routes and CLI.

Clues come from the case's intelligence the caller may see (`evidence.case_clues`) and from the
request; the request's `disabled` switches clues off by id.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

from wayhome import signals
from wayhome.access.records import Records
from wayhome.access.visibility import READING_ROLES
from wayhome.cases.models import Case
from wayhome.errors import Forbidden, InvalidInput
from wayhome.locate import schemas
from wayhome.locate.evidence import (
    CaseClue,
    case_clues,
    case_country,
    check_places,
    located,
    stated_clue,
)
from wayhome.locate.fusion import LocateConfig, LocateResult, locate, result_as_json
from wayhome.locate.grid import GridLayer, bbox_of, grid_layer
from wayhome.locate.live import IMPORTED_GAZETTEER, gazetteer, import_gazetteer, use_gazetteer
from wayhome.locate.suspects import (
    RegisterImportResult,
    candidates_for,
    get_register_person,
    import_register,
    list_register_persons,
)
from wayhome.signals import Signal, SignalKind, Subject, SubjectKind

__all__ = [
    "IMPORTED_GAZETTEER",
    "CaseLocating",
    "RegisterImportResult",
    "as_output",
    "gazetteer",
    "get_register_person",
    "import_gazetteer",
    "import_register",
    "list_register_persons",
    "locate_case",
    "use_gazetteer",
]

# The map's heat layer stays small enough to send and draw: cells grow when the area is wide.
MAX_MAP_CELLS = 40_000


@dataclass
class CaseLocating:
    """A locating run for a case: its clues, the library's result, candidates and hits."""

    case: Case
    clues: list[CaseClue]
    result: LocateResult
    candidates: list[schemas.CandidateOut] | None = None
    register_hits: list[schemas.RegisterHitOut] | None = None


def require_reader(records: Records) -> None:
    """Refuse roles that read no intelligence (administrators) before anything is looked up."""
    if records.viewer.role not in READING_ROLES:
        raise Forbidden(f"the {records.viewer.role} role reads no intelligence")


def locate_case(
    records: Records,
    case_id: uuid.UUID,
    request: schemas.LocateIn,
    only: set[str] | None = None,
) -> CaseLocating:
    """Locate the offender of a case from its visible intelligence and the stated clues.

    Clues named in `request.disabled`, and with `only` given every clue not in it, are left out.
    """
    require_reader(records)
    case = records.get(Case, case_id)
    places = gazetteer()
    clues = case_clues(records, case)
    # A national phone number stated for the case is read as dialled in the case agency's country.
    home_country = case_country(records, case)
    for position, stated in enumerate(request.clues):
        location = f"body.clues[{position}] ({stated.id})"
        try:
            made = stated_clue(stated, default_country=home_country)
            check_places(made, places, location)
        except InvalidInput as error:
            raise InvalidInput(error.detail, location=location) from error
        clues.append(
            CaseClue(stated.id, stated.label or stated.id, stated.kind, "stated", None, made)
        )
    seen: set[str] = set()
    for clue in clues:
        if clue.id in seen:
            raise InvalidInput(f"clue id {clue.id!r} is used twice", location="body.clues")
        seen.add(clue.id)
    unknown = [clue_id for clue_id in request.disabled if clue_id not in seen]
    if unknown:
        raise InvalidInput(f"no clue with id {unknown[0]!r}", location="body.disabled")
    off = set(request.disabled)
    for clue in clues:
        if clue.id in off or (only is not None and clue.id not in only):
            clue.enabled = False
    used = [located(clue.clue) for clue in clues if clue.enabled and clue.clue is not None]
    result = locate(used, places, LocateConfig(top=request.top))
    if not request.clues and not request.disabled and only is None:
        _emit_ranking(records, case, result)
    run = CaseLocating(case, clues, result)
    if request.suspect is not None and not result.is_empty:
        run.candidates, run.register_hits = candidates_for(records, result, request.suspect)
    return run


def _emit_ranking(records: Records, case: Case, result: LocateResult) -> None:
    """Tell watches and the timeline the case's ranking from its own evidence (watches alert
    when it changed); what-if runs with stated or disabled clues are not the case's ranking
    and say nothing, and neither does a reader of another agency's case: his ranking, made
    from what he may see, is returned to him, never recorded on the case."""
    if records.viewer.agency_id != case.agency_id:
        return
    top = [[r.place.geonameid, r.place.name] for r in result.ranked[:5]]
    signals.emit(
        records.session,
        Signal(
            SignalKind.LOCATION_CHANGED,
            agency_id=records.viewer.agency_id,
            record_kind=Case.__record_kind__,
            record_id=str(case.id),
            summary=f"the ranked places of case {case.title} changed",
            subjects=(Subject(SubjectKind.CASE, str(case.id)),),
            case_id=case.id,
            detail={"top": top},
        ),
    )


def heat_layer(result: LocateResult, cell_km: float) -> GridLayer:
    """The posterior on a grid around its likely area, with cells at least `cell_km` wide."""
    assert result.gazetteer is not None
    box = bbox_of(result.gazetteer, result.posterior)
    middle = math.radians((box.south + box.north) / 2.0)
    height_km = (box.north - box.south) * 111.32
    width_km = (box.east - box.west) * 111.32 * max(math.cos(middle), 0.05)
    smallest = math.sqrt(height_km * width_km / MAX_MAP_CELLS) * 1.1
    return grid_layer(result.gazetteer, result.posterior, box, cell_km=max(cell_km, smallest))


def as_output(run: CaseLocating, request: schemas.LocateIn) -> schemas.LocateOut:
    """Shape a run for the API: places, coverage, clues with sources and contributions."""
    plain = result_as_json(run.result)
    likelihoods = {likelihood.label: likelihood for likelihood in run.result.clues}
    top = run.result.ranked[0].contributions if run.result.ranked else {}
    clues = []
    for clue in run.clues:
        likelihood = likelihoods.get(clue.id)
        clues.append(
            schemas.ClueOut(
                id=clue.id,
                label=clue.label,
                kind=clue.kind,
                source=clue.source,
                agency=clue.agency,
                enabled=clue.enabled and clue.clue is not None,
                hard=likelihood.hard if likelihood else bool(clue.clue and clue.clue.hard),
                error_rate=likelihood.error_rate if likelihood else None,
                contribution=top.get(clue.id),
                notes=[*clue.notes, *(likelihood.notes if likelihood else ())],
            )
        )
    grid = None
    if request.grid and not run.result.is_empty and run.result.gazetteer is not None:
        layer = heat_layer(run.result, request.cell_km)
        grid = schemas.GridOut.model_validate(layer.to_json())
    return schemas.LocateOut(
        case_id=run.case.id,
        empty_reason=run.result.empty_reason,
        places=[schemas.PlaceOut.model_validate(p) for p in plain["ranked"]],  # type: ignore[attr-defined]
        coverage=[schemas.CoverageOut.model_validate(c) for c in plain["coverage"]],  # type: ignore[attr-defined]
        clues=clues,
        notes=list(run.result.notes),
        grid=grid,
        candidates=run.candidates,
        register_hits=run.register_hits,
    )
