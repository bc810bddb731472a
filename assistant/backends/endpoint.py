"""A backend's server as errors may name it: credentials in the base URL (`user:password@`, token query
parameters) are never printed, wherever the message quotes them (a transport error may quote the URL)."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

MASK = "***"


def display_url(url: str) -> str:
    """`scheme://host:port/path`, with `?***` when the URL has a query; no user, password or fragment."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "the configured base URL"
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}{'?' + MASK if parts.query else ''}"


def redact_endpoint(message: str, url: str) -> str:
    """`message` with `url` shown as `display_url` and its credentials masked wherever else they appear."""
    message = message.replace(url, display_url(url))
    try:
        parts = urlsplit(url)
        singles = [parts.username, parts.password, *(value for _, value in parse_qsl(parts.query))]
    except ValueError:
        return message
    secrets = {parts.query, parts.fragment, parts.netloc.rpartition("@")[0]}
    # Single parts are masked only when long enough not to hit ordinary text (`x=1`, a user `a`).
    secrets |= {value for value in singles if value and len(value) >= 4}
    secrets = {s for s in secrets if s}
    secrets |= {unquote(secret) for secret in secrets}
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, MASK)
    return message
