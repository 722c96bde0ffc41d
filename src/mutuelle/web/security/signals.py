"""What goes to the log (stderr and the rotating file under the data folder, logger
``mutuelle.security``): failed logins, lockouts, successful staff logins, refused acts of the
back office. Passwords and codes are never logged; the account name tried is."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("mutuelle.security")


def _client(request: Any) -> str:
    from mutuelle.web.security.net import client_ip

    return (client_ip(request) or "-") if request is not None else "-"


def login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    log.warning(
        "connexion refusée : identifiant %r depuis %s",
        credentials.get("username", ""),
        _client(request),
        extra={"client": _client(request)},
    )


def logged_in(sender: Any, request: Any, user: Any, **kw: Any) -> None:
    log.info("connexion : %s depuis %s", user.get_username(), _client(request))


def locked_out(sender: Any, request: Any = None, username: Any = None, **kw: Any) -> None:
    log.warning(
        "compte verrouillé après trop d'échecs : identifiant %r depuis %s "
        "(déverrouillage : un administrateur, « Tentatives d'accès »)",
        username,
        kw.get("ip_address") or _client(request),
    )


def otp_failed(sender: Any, user: Any, **kw: Any) -> None:
    log.warning("code de double authentification faux pour %s", user.get_username())


REFUSED = ("dependant_refused", "formula_refused", "termination_refused")


def event_written(sender: Any, instance: Any, created: bool, **kw: Any) -> None:
    if created and instance.kind in REFUSED:
        actor = instance.actor.get_username() if instance.actor_id else "-"
        log.warning(
            "acte refusé (%s) sur l'adhésion n° %s par %s : %s",
            instance.kind,
            instance.adhesion_id,
            actor,
            instance.summary,
        )


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_login_failed
    from django.core.signals import got_request_exception
    from django.db.models.signals import post_save
    from django_otp.forms import otp_verification_failed

    from mutuelle.web.members.models import Event
    from mutuelle.web.security.incidents import on_exception

    user_login_failed.connect(login_failed, dispatch_uid="mutuelle-login-failed")
    user_logged_in.connect(logged_in, dispatch_uid="mutuelle-logged-in")
    user_locked_out.connect(locked_out, dispatch_uid="mutuelle-locked-out")
    otp_verification_failed.connect(otp_failed, dispatch_uid="mutuelle-otp-failed")
    post_save.connect(event_written, sender=Event, dispatch_uid="mutuelle-refused-acts")
    got_request_exception.connect(on_exception, dispatch_uid="mutuelle-incident")
