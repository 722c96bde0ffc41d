"""The migrations describe the models: a model changed without its migration (several branches
touch the same apps) would leave a database that the code does not match."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # --check exits 1 when a migration is missing
        pytest.fail(f"migrations manquantes :\n{out.getvalue()}\n(code {exc.code})")
