"""Rows that are never rewritten: the event history, the money journal, produced documents.

:class:`AppendOnlyModel` refuses, in Python, to save an existing row or to delete one;
:func:`forbid_changes` (for migrations) makes the database refuse UPDATE and DELETE too, so
that nothing behind the ORM's back can rewrite them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.db import models


class AppendOnly(Exception):
    pass


class AppendOnlyModel(models.Model):
    refusal: ClassVar[str] = "ces données sont en ajout seul"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly(f"{self.refusal} : modification refusée")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly(f"{self.refusal} : suppression refusée")


def forbid_changes(schema_editor: Any, tables: Sequence[str], what: str) -> None:
    """Triggers refusing UPDATE and DELETE on ``tables`` (PostgreSQL and SQLite)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        function = f"{tables[0]}_append_only"
        schema_editor.execute(
            f"CREATE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{what} en ajout seul : %% interdit', TG_OP; "
            "END $$ LANGUAGE plpgsql"
        )
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
    elif vendor == "sqlite":
        _sqlite_triggers(schema_editor, tables, what, "")


def _sqlite_triggers(schema_editor: Any, tables: Sequence[str], what: str, guard: str) -> None:
    for table in tables:
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER {guard}{table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{what} en ajout seul : {op} interdit'); END"
            )


def forbid_changes_again(schema_editor: Any, tables: Sequence[str], what: str) -> None:
    """After a migration that altered a field of ``tables`` on SQLite — Django rebuilds the
    table there (a copy under a new name), and the copy has none of the old one's triggers —
    make SQLite refuse UPDATE and DELETE again (PostgreSQL alters in place: nothing to do)."""
    if schema_editor.connection.vendor == "sqlite":
        _sqlite_triggers(schema_editor, tables, what, "IF NOT EXISTS ")


def allow_changes(schema_editor: Any, tables: Sequence[str]) -> None:
    """The inverse of :func:`forbid_changes`."""
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif vendor == "sqlite":
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
    if vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {tables[0]}_append_only()")


def recorded_by() -> Any:
    """The staff member who wrote the row (None for the system: a batch, the demonstration)."""
    from django.conf import settings

    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )


class ReadOnlyAdmin:
    """For the admin of append-only rows: they are read, never added, changed or deleted there."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
