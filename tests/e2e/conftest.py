"""End-to-end tests: Debian's Chromium (/usr/bin/chromium, installed by .ci/run with apt) driven
by Playwright against a live server (pytest-django ``live_server``). No browser is downloaded.

The machine has no network: Chromium is launched with the flags that stop it from trying
connections (it would hang on them). Missing Chromium is a failure in CI (.ci/run sets
MUTUELLE_REQUIRE_BROWSER=1 after installing it); on a developer's machine without it, the browser
tests are skipped with that reason, shown by pytest's summary (set MUTUELLE_CHROMIUM to use
another binary)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mutuelle.commands.screenshots import CHROMIUM_ARGS  # the flags this machine needs

# Playwright's sync API runs an event loop in this thread; the live server's database access
# from the test body is synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("MUTUELLE_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        message = f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium (.ci/run le fait)"
        if os.environ.get("MUTUELLE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="fr-FR", base_url=live_server.url)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"erreurs JavaScript : {errors}"


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):  # type: ignore[no-untyped-def]
    settings.MUTUELLE_RATE_LIMIT_SCALE = 100


_FLAG = "e2e_history_flush_allowed"


@pytest.fixture(scope="session")
def _sqlite_flushable_trigger(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """SQLite only (PostgreSQL empties tables with TRUNCATE, which row triggers ignore): the
    live server needs a transactional database emptied with DELETE after each test, which the
    append-only trigger of the event history refuses. Before any test, the trigger is made
    conditional on a flag table that only the flush of a browser test sets; it still refuses
    every other DELETE (tests/web/test_database_rules.py keeps checking it)."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            with connection.cursor() as c:
                c.execute(f"CREATE TABLE IF NOT EXISTS {_FLAG} (ok INTEGER)")
                # The append-only tables: the event history and the access log (security
                # 0002, whose own exception is the purge's flag).
                for table in ("members_event", "security_accesslog"):
                    c.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
                    c.execute(
                        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                        f"WHEN NOT EXISTS (SELECT 1 FROM {_FLAG}) "
                        "AND NOT EXISTS (SELECT 1 FROM security_purgeflag) "
                        f"BEGIN SELECT RAISE(ABORT, '{table} en ajout seul : DELETE interdit'); "
                        "END"
                    )
    return connection.vendor


@pytest.fixture(autouse=True)
def _flushable_history(_sqlite_flushable_trigger, live_server):  # type: ignore[no-untyped-def]
    from django.db import connection

    if _sqlite_flushable_trigger == "sqlite":
        with connection.cursor() as c:
            c.execute(f"DELETE FROM {_FLAG}")
    yield
    if _sqlite_flushable_trigger == "sqlite":
        with connection.cursor() as c:
            c.execute(f"INSERT INTO {_FLAG} (ok) VALUES (1)")
