"""Secrets at rest: a model field whose value is encrypted in the database (Fernet:
AES-128-CBC with an HMAC-SHA256, from ``cryptography``).

Keys: ``MUTUELLE_FIELD_KEYS`` (settings, from the environment variable of the same name): one or
more Fernet keys separated by commas, the **first** encrypts, all decrypt (MultiFernet). To
rotate: put a new key first, keep the old ones after it, restart, run
``mutuelle rotate-keys`` (re-encrypts every encrypted column with the first key), then drop the
old keys. ``mutuelle rotate-keys --new-key`` prints a fresh key.

Use it for any secret column (the payments app's mandate IBAN, the claims' professional IBAN)::

    from mutuelle.web.security.fields import EncryptedTextField
    iban = EncryptedTextField("IBAN", blank=True)

The column is ``text`` holding the token (``fernet:`` + base64); the Python value is the clear
string. Lookups other than ``isnull`` / empty cannot work on ciphertext (each encryption is
salted): search by another column. A value that the configured keys cannot decrypt raises
:class:`UndecryptableValue` naming the column (never a silent empty value).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


class UndecryptableValue(Exception):
    pass


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "MUTUELLE_FIELD_KEYS est vide : clé de chiffrement des IBAN absente "
            "(mutuelle rotate-keys --new-key en donne une)"
        )
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(f"MUTUELLE_FIELD_KEYS : clé Fernet invalide ({exc})") from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.MUTUELLE_FIELD_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(token: str, where: str = "") -> str:
    if not token.startswith(PREFIX):  # written before encryption (migrated by the data step)
        return token
    try:
        return fernet().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise UndecryptableValue(
            f"{where or 'valeur chiffrée'} : aucune clé de MUTUELLE_FIELD_KEYS ne la déchiffre"
        ) from None


def rotate(token: str) -> str:
    """The same value encrypted with the first key (unchanged when already so)."""
    if not token:
        return token
    if not token.startswith(PREFIX):
        return encrypt(token)
    return PREFIX + fernet().rotate(token[len(PREFIX) :].encode()).decode()


def new_key() -> str:
    return Fernet.generate_key().decode()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored encrypted; empty stays empty (so ``blank=True`` works as usual)."""

    description = "Texte chiffré (Fernet)"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value, f"{self.model._meta.label}.{self.name}")

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value, self.name)
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) stored with :class:`EncryptedTextField`."""
    from django.apps import apps

    return [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedTextField)
    ]
