"""Key-shaped test credentials, assembled at run time so no key-like literal is ever tracked."""

from __future__ import annotations

PREFIX = "sk-" + "ant-"


def fake_key(label: str) -> str:
    """A string shaped like an Anthropic key (so redaction and refusal paths run), never a real one."""
    return f"{PREFIX}{label}-0123456789abcdef"
