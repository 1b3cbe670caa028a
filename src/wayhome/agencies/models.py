"""The Agency table."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from wayhome.db.base import Base, IdMixin, TimestampMixin, enum_type


class AgencyKind(StrEnum):
    """What sort of member an agency is."""

    NATIONAL_CENTRAL_BUREAU = "national_central_bureau"
    POLICE_UNIT = "police_unit"
    NGO = "ngo"
    SERVICE_PROVIDER = "service_provider"
    HUB = "hub"


class Agency(IdMixin, TimestampMixin, Base):
    """A member agency; every user and every intelligence record belongs to one."""

    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[AgencyKind] = mapped_column(enum_type(AgencyKind, 32))
    active: Mapped[bool] = mapped_column(default=True)
