"""The API's only parser: JSON, refusing what would crash the decoder or the database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _without_lone_surrogates(value: Any) -> Any:
    # JSON's "\ud800" escape makes a string no database can store; like any Unicode decoder,
    # the half character becomes U+FFFD.
    if isinstance(value, str):
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {
            _without_lone_surrogates(key): _without_lone_surrogates(item)
            for key, item in value.items()
        }
    return value


class StrictJSONParser(JSONParser):
    """JSON, where nesting deeper than Python's recursion limit is a 400, not a 500."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return _without_lone_surrogates(super().parse(stream, media_type, parser_context))
        except RecursionError:
            # The decoder gives up on deep nesting with RecursionError, which is no ValueError.
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
