"""Refuse request bodies over the configured size before any route sees them."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    """Raised inside `receive` when a streamed body passes the limit."""


class BodySizeLimit:
    """ASGI middleware: 413 with problem details when a body exceeds `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        seen = 0
        over = False
        refused = False

        async def counting_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            # Once the body went over the limit, whatever the app answers (it may have caught
            # the exception as a parse error) is replaced by the 413.
            nonlocal refused
            if over:
                if not refused:
                    refused = True
                    await self._refuse(scope, send)
                return
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            if not refused:
                await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        detail = f"the request body is over the limit of {self.max_bytes} bytes"
        await send_problem(send, 413, "Payload too large", detail, scope.get("path", ""))


async def send_problem(
    send: Send,
    status: int,
    title: str,
    detail: str,
    instance: str,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    """Answer with an RFC 9457 problem document from ASGI middleware, before any route."""
    problem = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body = json.dumps({**problem, "instance": instance}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
