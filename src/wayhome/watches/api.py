"""JSON routes: the caller's watches, and his agency's webhooks and delivery log."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from wayhome.watches import schemas, services
from wayhome.web.deps import CurrentUser, RecordsDep, SessionDep, SettingsDep, access
from wayhome.web.errors import problems

router = APIRouter(tags=["watches"])


@router.get("/watches", response_model=list[schemas.WatchOut], openapi_extra=access("member"))
def list_watches(session: SessionDep, user: CurrentUser) -> list[schemas.WatchOut]:
    """The caller's watches."""
    return [schemas.WatchOut.model_validate(w) for w in services.list_watches(session, user)]


@router.post(
    "/watches",
    responses=problems(400, 404, 409, 413),
    status_code=201,
    response_model=schemas.WatchOut,
    openapi_extra=access("member"),
)
def add_watch(records: RecordsDep, user: CurrentUser, data: schemas.WatchIn) -> schemas.WatchOut:
    """Watch a selector, persona, person, bank series or case."""
    watch = services.add_watch(
        records, user, data.kind, data.value, label=data.label, email=data.email
    )
    return schemas.WatchOut.model_validate(watch)


@router.delete(
    "/watches/{watch_id}", responses=problems(404), status_code=204, openapi_extra=access("member")
)
def remove_watch(session: SessionDep, user: CurrentUser, watch_id: uuid.UUID) -> Response:
    """Stop watching."""
    services.remove_watch(session, user, watch_id)
    return Response(status_code=204)


@router.get(
    "/webhooks", response_model=list[schemas.EndpointOut], openapi_extra=access("supervisor")
)
def list_endpoints(session: SessionDep, user: CurrentUser) -> list[schemas.EndpointOut]:
    """The agency's webhooks (supervisors)."""
    return [schemas.EndpointOut.model_validate(e) for e in services.list_endpoints(session, user)]


@router.post(
    "/webhooks",
    responses=problems(400, 413),
    status_code=201,
    response_model=schemas.NewEndpointOut,
    openapi_extra=access("supervisor"),
)
def add_endpoint(
    session: SessionDep, settings: SettingsDep, user: CurrentUser, data: schemas.EndpointIn
) -> schemas.NewEndpointOut:
    """Register a webhook; the signing secret is in this answer and never again."""
    made = services.add_endpoint(session, settings, user, data.url)
    out = schemas.EndpointOut.model_validate(made.endpoint)
    return schemas.NewEndpointOut(**out.model_dump(), secret=made.secret)


@router.post(
    "/webhooks/{endpoint_id}/disable",
    responses=problems(404),
    response_model=schemas.EndpointOut,
    openapi_extra=access("supervisor"),
)
def disable_endpoint(
    session: SessionDep, user: CurrentUser, endpoint_id: uuid.UUID
) -> schemas.EndpointOut:
    """Stop sending to a webhook."""
    return schemas.EndpointOut.model_validate(services.disable_endpoint(session, user, endpoint_id))


@router.get(
    "/deliveries", response_model=list[schemas.DeliveryOut], openapi_extra=access("supervisor")
)
def deliveries(session: SessionDep, user: CurrentUser) -> list[schemas.DeliveryOut]:
    """The agency's newest e-mail and webhook deliveries with every try (supervisors)."""
    return [
        schemas.DeliveryOut(
            id=d.id,
            channel=d.channel,
            endpoint_id=d.endpoint_id,
            status=d.status,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            last_error=d.last_error,
            delivered_at=d.delivered_at,
            log=[schemas.AttemptOut.model_validate(a) for a in log],
        )
        for d, log in services.delivery_log(session, user)
    ]
