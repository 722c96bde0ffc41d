"""Suite-wide checks. With ``MUTUELLE_REQUIRE_POSTGRES=1`` (set by .ci/run) the database tests
must run on PostgreSQL: a missing or non-PostgreSQL ``DATABASE_URL`` stops the run as a failure
(an unreachable server fails every database test at setup), it never turns into skips."""

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("MUTUELLE_REQUIRE_POSTGRES") == "1":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise pytest.UsageError(
                "MUTUELLE_REQUIRE_POSTGRES=1 mais DATABASE_URL ne désigne pas un serveur "
                f"PostgreSQL ({url or 'absent'})"
            )
