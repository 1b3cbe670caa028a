"""API shapes of watches, webhooks and deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class WatchIn(BaseModel):
    """What to watch: kind (selector, persona, person, bank_series, case) and value."""

    kind: str = Field(max_length=16)
    value: str = Field(min_length=1, max_length=400)
    label: str = Field("", max_length=300)
    email: bool = False


class WatchOut(BaseModel):
    """A watch of the caller."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    subject_kind: str
    subject_key: str
    label: str
    email: bool
    created_at: datetime


class EndpointIn(BaseModel):
    """A webhook URL of the caller's agency."""

    url: str = Field(min_length=1, max_length=2000)


class EndpointOut(BaseModel):
    """A webhook (its secret is shown only when created)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    active: bool
    created_at: datetime


class NewEndpointOut(EndpointOut):
    """A created webhook with its signing secret, shown this once."""

    secret: str


class AttemptOut(BaseModel):
    """One try of a delivery."""

    model_config = ConfigDict(from_attributes=True)

    at: datetime
    ok: bool
    status_code: int | None
    error: str | None


class DeliveryOut(BaseModel):
    """One e-mail or webhook delivery and its tries."""

    id: uuid.UUID
    channel: str
    endpoint_id: uuid.UUID | None
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None
    log: list[AttemptOut]
