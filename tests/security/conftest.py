"""Fixtures of the security tests: the back office's fixtures, and one account per role."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from tests.web.conftest import admin_client, login, martin, totp_code  # noqa: F401

PASSWORD = "mot-de-passe-du-personnel-2026"


def close_download(response) -> None:
    """Close a file response as the test client closes its own responses: without the
    request_finished handler that would end the test's database connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def role_user(db, django_user_model):
    """``role_user("auditeur")``: a staff account created as the README says
    (``mutuelle create-staff``), with its role and TOTP device."""
    import io

    def make(role: str, username: str | None = None):
        name = username or f"agent.{role}"
        stdin = io.StringIO(PASSWORD + "\n")
        import sys

        old, sys.stdin = sys.stdin, stdin
        try:
            call_command(
                "create_staff", name, role=[role], password_stdin=True, stdout=io.StringIO()
            )
        finally:
            sys.stdin = old
        return django_user_model.objects.get(username=name)

    return make


@pytest.fixture
def as_role(client, role_user):
    """A client logged in (password + TOTP) under the given role."""

    def make(role: str):
        user = role_user(role)
        login(client, user)
        return client, user

    return make
