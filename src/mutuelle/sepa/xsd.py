"""The XSDs sepaxml ships, loaded once (libxml2 through lxml: fast enough for 30 000
transactions), and the check that every produced file passes them."""

from __future__ import annotations

import functools
from importlib import resources

from lxml import etree

from mutuelle.sepa.errors import SepaError, SepaErrorCode

SHIPPED = (
    "pain.001.001.03",
    "pain.001.001.09",
    "pain.008.001.02",
    "pain.008.001.08",
)


@functools.cache
def schema(name: str) -> etree.XMLSchema:
    if name not in SHIPPED:
        raise SepaError(SepaErrorCode.SCHEMA_UNSUPPORTED, f"schéma SEPA {name} non pris en charge")
    path = resources.files("sepaxml") / "schemas" / f"{name}.xsd"
    with resources.as_file(path) as real:
        return etree.XMLSchema(etree.parse(str(real)))


def validate(tree: etree._ElementTree, name: str) -> None:
    """Raise :class:`SepaError` (``XSD_INVALID``) with the first errors when ``tree`` does not
    validate against ``name``'s XSD: a file the bank would refuse is never written."""
    xsd = schema(name)
    if xsd.validate(tree):
        return
    log: list[etree._LogEntry] = [e for e in xsd.error_log]  # type: ignore[attr-defined]
    errors = tuple(f"ligne {e.line} : {e.message}" for e in log[:10])
    raise SepaError(
        SepaErrorCode.XSD_INVALID,
        f"le fichier produit n'est pas conforme au schéma {name} (XSD) : rien n'est écrit",
        details=errors,
    )
