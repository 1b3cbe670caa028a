"""API shapes of identity resolution: assertions, decisions, splits, graph and paths."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from wayhome.access.markings import Marking, Scope
from wayhome.linking.decisions import MAX_BULK_DECISIONS
from wayhome.linking.reading import LinkState
from wayhome.web.pagefacts import Listing


class EvidenceOut(BaseModel):
    """One piece of evidence and its contribution in bits."""

    kind: str
    detail: str
    contribution: float
    agency: str | None = None


class AssertionOut(BaseModel):
    """A link between two entities: who made it, its score, evidence and state."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    left_ref: str
    right_ref: str
    link_kind: str
    score: float
    strong: bool
    state: str
    made_by: str
    evidence: list[EvidenceOut]
    case_id: uuid.UUID | None
    decided_at: datetime | None
    reason: str
    marking: Marking
    created_at: datetime


class AssertionList(Listing):
    """A page of assertions."""

    items: list[AssertionOut]


class AssertionIn(BaseModel):
    """An analyst's assertion that two entities are one individual (goes to review)."""

    left: str = Field(max_length=200, examples=["person:0b6c…"])
    right: str = Field(max_length=200)
    score: float = Field(default=0.9, gt=0.0, le=1.0)
    reason: str = Field(max_length=2000)
    marking: Marking
    scope: Scope = Scope.OWNER
    shared_with: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class DecisionIn(BaseModel):
    """A reviewer's verdict on a link; a rejection says why."""

    decision: Literal["accept", "reject"]
    reason: str = Field(default="", max_length=2000, validate_default=True)

    @field_validator("reason")
    @classmethod
    def _reject_says_why(cls, reason: str, info: ValidationInfo) -> str:
        if info.data.get("decision") == "reject" and not reason.strip():
            raise ValueError("say why the link is rejected")
        return reason


class DecisionsIn(BaseModel):
    """One verdict on several links at once, all or none; a rejection says why."""

    decision: Literal["accept", "reject"]
    ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_BULK_DECISIONS)
    reason: str = Field(default="", max_length=2000)


class NameOut(BaseModel):
    """A name as written, its script, and its Latin reading (null when already Latin)."""

    model_config = ConfigDict(from_attributes=True)

    text: str
    script: str
    latin: str | None


class LinkEndOut(BaseModel):
    """One record a link joins: reference, kind, label, names and holding agency."""

    model_config = ConfigDict(from_attributes=True)

    ref: str
    kind: str
    label: str
    names: list[NameOut]
    agency: str | None


class DecidedOut(BaseModel):
    """Who decided a link (his own agency's reviewers by name), which agency, when, why."""

    model_config = ConfigDict(from_attributes=True)

    by: str | None
    agency: str | None
    at: datetime | None
    reason: str


class EvidenceLineOut(BaseModel):
    """One piece of evidence as a sentence, with its contribution in bits."""

    model_config = ConfigDict(from_attributes=True)

    kind: str
    sentence: str
    contribution: float
    agency: str | None


class LinkOut(BaseModel):
    """A link as a reviewer reads it: both records by name, score, state, decision, evidence."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    state: LinkState
    link_kind: str
    score: float
    strong: bool
    made_by: str
    created_at: datetime
    marking: Marking
    case_id: uuid.UUID | None
    left: LinkEndOut
    right: LinkEndOut
    decided: DecidedOut | None
    evidence: list[EvidenceLineOut]


class DecidedLinks(BaseModel):
    """The links one bulk decision changed, as they now stand."""

    decision: str
    items: list[LinkOut]


class LinkList(Listing):
    """A page of links and how many the caller may see in all."""

    items: list[LinkOut]


class SplitIn(BaseModel):
    """Split a cluster by cutting links (each is rejected; no record is edited)."""

    also: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    reason: str = Field(max_length=2000)


class ClusterOut(BaseModel):
    """The components a cluster falls into."""

    components: list[list[str]]


class GraphOut(BaseModel):
    """An entity's neighbourhood: nodes (hidden ones as markers) and edges with evidence."""

    root: str
    depth: int
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]


class PathOut(BaseModel):
    """The chain of evidence between two entities, step by step."""

    from_ref: str
    to_ref: str
    found: bool
    confidence: float | None
    steps: list[dict[str, Any]]
