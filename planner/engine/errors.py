"""Errors the engine raises for inputs it cannot value."""

from __future__ import annotations


class EngineInputError(ValueError):
    """A plan the engine cannot value; the message names what is wrong, for the user."""
