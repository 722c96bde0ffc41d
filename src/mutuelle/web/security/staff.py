"""Staff authentication: the back office requires the password **and** a TOTP code
(django-otp) from every account, login attempts are rate-limited per client address and
counted by django-axes (lockout after ``AXES_FAILURE_LIMIT`` failures of one account from one
address), staff sessions expire after a period without activity and after a working day.

The dev-only exemption: ``MUTUELLE_OTP_EXEMPT_USERS`` (set only by ``settings.dev``, to the
demonstration account ``demo``) lets that account in with its password alone, so that
``scripts/run`` can be tried without an authenticator app. ``settings.prod`` sets it empty and
the system check ``mutuelle.E002`` stops the production server if it is not; the exemption is
also ignored whenever ``MUTUELLE_PRODUCTION`` is true.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


def otp_exempt(user: Any) -> bool:
    if getattr(settings, "MUTUELLE_PRODUCTION", False):
        return False
    exempt = getattr(settings, "MUTUELLE_OTP_EXEMPT_USERS", ())
    return bool(user is not None and user.is_authenticated and user.get_username() in exempt)


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Password + TOTP code in one submission: the account's single device is chosen for it."""

    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": "Saisissez le code de double authentification (6 chiffres).",
        "invalid_token": "Code de double authentification faux ou expiré : saisissez le code "
        "affiché maintenant par votre application.",
        "device_required": "Aucun appareil de double authentification pour ce compte : un "
        "administrateur doit en enregistrer un (mutuelle create-staff, ou « Appareils TOTP »).",
    }

    def clean(self) -> dict[str, Any]:
        self.cleaned_data = super(OTPAdminAuthenticationForm, self).clean()
        user = self.get_user()
        if not otp_exempt(user):
            self.clean_otp(user)
        return self.cleaned_data

    def _chosen_device(self, user: Any) -> Any:
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True))
            if len(devices) == 1:
                device = devices[0]
        return device


class StaffAdminSite(OTPAdminSite):
    """The back office: Django's admin with two factors for every account."""

    login_form = StaffLoginForm
    login_template = "security/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return admin.AdminSite.has_permission(self, request) and (
            user.is_verified() or otp_exempt(user)  # type: ignore[union-attr]
        )

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.method == "POST":
            from mutuelle.web.public import ratelimit

            verdict = ratelimit.hit(request, "login")
            if not verdict.allowed:
                response = render(
                    request,
                    "security/login_limited.html",
                    {"retry_after": verdict.retry_after},
                    status=429,
                )
                response["Retry-After"] = str(verdict.retry_after)
                return response
        return super().login(request, extra_context)


class StaffSessionMiddleware:
    """A staff session ends after ``MUTUELLE_STAFF_SESSION_IDLE`` seconds without a request and
    ``MUTUELLE_STAFF_SESSION_MAX`` seconds after the login, whichever comes first (visitors
    keep their longer session: they come back to add justificatifs)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            since = request.session.get("staff_since")
            if since is None:
                request.session["staff_since"] = now
            elif now - int(since) > settings.MUTUELLE_STAFF_SESSION_MAX:
                logout(request)
                return HttpResponseRedirect(
                    reverse("admin:login") + "?next=" + request.path + "&expired=1"
                )
            request.session.set_expiry(settings.MUTUELLE_STAFF_SESSION_IDLE)
        response: HttpResponse = self.get_response(request)
        return response
