"""The one reader of environment variables for settings (environs).

A value that does not parse stops start-up with an error naming the variable, e.g.
`Environment variable "OUTBOX_RETRY_FOR_HOURS" invalid: Not a valid number.`, never a bare
ValueError. Besides environs' own `str`, `int` and `float`, settings read:

- `env.switch(name, default)`: on/off (`1`, `true`, `yes`, `on` / `0`, `false`, `no`, `off`);
- `env.names(name, default)`: a comma-separated list, blanks dropped.

For both, a variable set to an empty value counts as unset (a compose file's `DEBUG=` line).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from environs import Env


def _blank_is_unset(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or ma.missing
    return value


class _Switch(ma.fields.Boolean):
    def deserialize(
        self,
        value: Any,
        attr: str | None = None,
        data: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        return super().deserialize(_blank_is_unset(value), attr, data, **kwargs)


class _Names(ma.fields.Field[list[str]]):
    def deserialize(
        self,
        value: Any,
        attr: str | None = None,
        data: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        return super().deserialize(_blank_is_unset(value), attr, data, **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> list[str]:
        return [item.strip() for item in str(value).split(",") if item.strip()]


env = Env(eager=True, expand_vars=False)
env.add_parser_from_field("switch", _Switch)
env.add_parser_from_field("names", _Names)
