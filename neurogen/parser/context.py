"""Attach the object, field and line to errors raised while one statement is parsed."""
from __future__ import annotations

from ..errors import ModelError
from .lines import Line


class ErrorContext:
    """``with ErrorContext('LeakyNeuron', 'equations', line): ...`` re-raises a
    :class:`ModelError` without context as the same error naming the object, the field,
    the line and the equation."""

    def __init__(self, obj: str, field: str, line: Line | None):
        self.obj, self.field, self.line = obj, field, line

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, ModelError) and exc.obj is None:
            raise type(exc)(exc.reason, obj=self.obj, field=self.field,
                            line=self.line.number if self.line else None,
                            equation=self.line.text if self.line else exc.equation,
                            column=exc.column, token=exc.token) from None
        return False
