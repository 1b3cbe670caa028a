"""Imports every table module so that the metadata Alembic compares against is complete."""

from wayhome.access import models as access_models
from wayhome.agencies import models as agency_models
from wayhome.audit import models as audit_models
from wayhome.cases import models as case_models
from wayhome.db.base import Base
from wayhome.hashing import models as hashing_models
from wayhome.inbox import models as inbox_models
from wayhome.intake import models as intake_models
from wayhome.linking import models as linking_models
from wayhome.locate import models as locate_models
from wayhome.watches import models as watch_models

__all__ = [
    "Base",
    "access_models",
    "agency_models",
    "audit_models",
    "case_models",
    "hashing_models",
    "inbox_models",
    "intake_models",
    "linking_models",
    "locate_models",
    "watch_models",
]
