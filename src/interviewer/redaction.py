"""What must never be written anywhere: API keys and the passwords in database URLs."""

from __future__ import annotations

import re

KEY_SHAPED = re.compile(r"sk-ant-[A-Za-z0-9_\-]{6,}|\bsk-[A-Za-z0-9]{20,}")
"""An Anthropic or OpenAI-style API key."""
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.\-]*://[^/\s:@]+:)[^@\s/]+@", re.IGNORECASE)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """A text with every key-shaped string, URL password and given secret replaced by ``***``."""
    text = KEY_SHAPED.sub("***", text)
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + "***@", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def mask_key(text: str, key: str | None) -> str:
    """A message with the API key in use shown as ``[redacted]``."""
    return text.replace(key, "[redacted]") if key else text
