"""Production mode (``INSPECTIE_ENVIRONMENT=production``): what ``serve`` refuses to start with, and the API
documentation behind a login.

Settings refuse a short or development identifier key by themselves (``config.Settings``), for every command.
``serve`` also refuses, with a message naming the fix:

* a user who still has the demo password (``seed.DEMO_PASSWORD``: the README publishes it), whatever their name;
* plain HTTP: production is served over TLS (``INSPECTIE_TLS_CERTFILE`` + ``INSPECTIE_TLS_KEYFILE``, passed to
  uvicorn) or behind a proxy that terminates TLS and is trusted by address (``INSPECTIE_TRUSTED_PROXIES``, passed
  to uvicorn as ``forwarded_allow_ips`` with proxy headers on, so the client address the login limiter counts
  is the real one). Trusting every address (``*``) would let any client set its own address, so it is refused.

In development all of this stays as it was: demo users, plain HTTP on loopback, public ``/docs``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.auth.deps import require_roles
from sync_server.auth.models import User
from sync_server.auth.schemas import Role
from sync_server.auth.service import verify_password
from sync_server.config import Settings
from sync_server.seed import DEMO_PASSWORD

DOCS_PATHS = ("/openapi.json", "/docs", "/redoc")


def users_with_demo_password(*, session: Session) -> list[str]:
    """Usernames of the enabled users whose password is still the published demo password."""
    users = list(session.execute(select(User.username, User.password_hash).where(User.disabled_at.is_(None))))
    with ThreadPoolExecutor(max_workers=4) as pool:  # argon2 releases the GIL: a few hundred users take seconds
        found = pool.map(lambda row: verify_password(row[1], DEMO_PASSWORD), users)
        return sorted(username for (username, _hash), demo in zip(users, found, strict=True) if demo)


def transport_problems(settings: Settings) -> list[str]:
    """Why ``serve`` would answer over plain HTTP in production (empty when TLS or a trusted proxy is set)."""
    problems: list[str] = []
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    if "*" in proxies:
        problems.append("INSPECTIE_TRUSTED_PROXIES=* trusts every client to state its own address; name the "
                        "proxy's address(es), e.g. 127.0.0.1")
    tls = settings.tls_certfile is not None and settings.tls_keyfile is not None
    files = (("INSPECTIE_TLS_CERTFILE", settings.tls_certfile), ("INSPECTIE_TLS_KEYFILE", settings.tls_keyfile))
    for name, path in files:
        if path is not None and not path.is_file():
            problems.append(f"{name}: no such file: {path}")
    if not tls and not proxies:
        problems.append("plain HTTP: set INSPECTIE_TLS_CERTFILE and INSPECTIE_TLS_KEYFILE (serve over TLS), or "
                        "INSPECTIE_TRUSTED_PROXIES to the address of the proxy that terminates TLS in front of "
                        "the server")
    return problems


def startup_problems(*, settings: Settings, session: Session) -> list[str]:
    """Everything that stops ``serve`` in production; nothing in development."""
    if settings.environment != "production":
        return []
    problems = transport_problems(settings)
    demo = users_with_demo_password(session=session)
    if demo:
        problems.append(f"users with the demo password: {', '.join(demo)} (give them a new password, or disable "
                        "them; seed-demo is for development only)")
    return problems


def docs_urls(settings: Settings) -> dict[str, Any]:
    """FastAPI's own docs routes: public in development, none in production (``install_docs`` adds them back
    behind a beheerder's login)."""
    if settings.environment == "production":
        return {"openapi_url": None, "docs_url": None, "redoc_url": None}
    return {}


def install_docs(app: FastAPI, settings: Settings) -> None:
    """In production: ``/openapi.json``, ``/docs`` and ``/redoc`` for a logged-in beheerder (bearer token), 401/403
    for anyone else. The Swagger page carries the schema itself, so it works when fetched with the token."""
    if settings.environment != "production":
        return
    beheerder = [Depends(require_roles(Role.BEHEERDER))]

    @app.get("/openapi.json", include_in_schema=False, dependencies=beheerder)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False, dependencies=beheerder)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title} - docs",
                                   swagger_ui_parameters={"spec": app.openapi()})

    @app.get("/redoc", include_in_schema=False, dependencies=beheerder)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title=f"{app.title} - ReDoc")


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """TLS and proxy options for ``uvicorn.run``: TLS when a certificate is given; proxy headers believed only from
    ``trusted_proxies`` (in development uvicorn's default, 127.0.0.1; in production no proxy unless named)."""
    options: dict[str, Any] = {}
    if settings.tls_certfile is not None and settings.tls_keyfile is not None:
        options.update(ssl_certfile=str(settings.tls_certfile), ssl_keyfile=str(settings.tls_keyfile))
    if settings.trusted_proxies:
        options.update(proxy_headers=True, forwarded_allow_ips=settings.trusted_proxies)
    elif settings.environment == "production":
        options["proxy_headers"] = False
    return options
