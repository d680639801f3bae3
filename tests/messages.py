"""Assertions on the messages users read."""
from __future__ import annotations


def one_line(message: str, *names: object) -> str:
    """Assert a user-facing message is one line naming every one of ``names``; return it."""
    assert message and "\n" not in message, f"not one line: {message!r}"
    for name in names:
        assert str(name) in message, f"{name} not named in: {message}"
    return message
