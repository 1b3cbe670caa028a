"""JSON reading with errors that name the line and column."""

from __future__ import annotations

import json
from typing import Any

from wayhome.errors import InvalidInput
from wayhome.intake.formats.common import decode_text


def load_json(data: bytes) -> Any:
    """The decoded JSON document, or `InvalidInput` naming the line and column of the fault."""
    text = decode_text(data)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"JSON is not well-formed: {error.msg}",
            location=f"line {error.lineno}, column {error.colno}",
        ) from None
    except RecursionError:
        raise InvalidInput("JSON is nested too deeply", location="document") from None
