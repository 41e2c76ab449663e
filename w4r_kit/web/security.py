"""CSRF tokens (session + hidden form field, so a plain HTML form works) and the
response headers every page gets."""
from __future__ import annotations

import hmac
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_FIELD = "csrf"


def csrf_token(session: dict) -> str:
    """The token of this visitor's session, made on first use."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def csrf_ok(session: dict, sent: object) -> bool:
    token = session.get(CSRF_FIELD)
    return bool(token) and isinstance(sent, str) and hmac.compare_digest(token.encode(), sent.encode())


# No script at all, styles from our own file only; no framing; forms post only here.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"content-security-policy", CSP.encode()),
            (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY"))


class SecurityHeaders:
    """Adds the headers of every response; staff pages and downloads are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _HEADERS if k not in names]
                # Pages carry a session's form token, staff pages personal data, downloads
                # a group's own sheets: none of it belongs in a shared cache.
                if not path.startswith("/static/") and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)
