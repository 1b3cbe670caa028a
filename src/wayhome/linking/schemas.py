"""API shapes of identity resolution: assertions, decisions, splits, graph and paths."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from wayhome.access.markings import Marking, Scope


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


class AssertionList(BaseModel):
    """A page of assertions."""

    items: list[AssertionOut]
    total: int
    limit: int
    offset: int


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
    """A reviewer's verdict on a link."""

    decision: Literal["accept", "reject"]
    reason: str = Field(default="", max_length=2000)


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
