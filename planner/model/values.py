"""The base of every plan value: frozen, strict, re-validated on every change."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict


class FrozenValue(BaseModel):
    """Immutable and validated: unknown keys, NaN and infinities are refused."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        allow_inf_nan=False,
        str_strip_whitespace=True,
        validate_default=True,
    )

    def with_changes(self, **changes: Any) -> Self:
        """A new, fully re-validated value with `changes` applied (plans are immutable)."""
        data = self.model_dump()
        data.update(
            {k: v.model_dump() if isinstance(v, BaseModel) else v for k, v in changes.items()}
        )
        return type(self).model_validate(data)
