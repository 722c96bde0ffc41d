"""The SEPA character set (EPC217-08, Latin subset) and the length limits of ISO 20022 texts.

Names and remittance texts are transliterated (accents dropped by ``text_unidecode``, which
sepaxml also uses) and any character outside the set is replaced by a space; identifiers (RUM,
end-to-end ids, message ids) are *checked*, never altered: a changed identifier would no
longer match the mandate or the bank's return.
"""

from __future__ import annotations

import re

from text_unidecode import unidecode

from mutuelle.sepa.errors import SepaError, SepaErrorCode

# EPC217-08 « SEPA Requirements for an Extended Character Set », basic Latin set [S]:
# a-z A-Z 0-9 / - ? : ( ) . , ' + and the space.
_ALLOWED = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9/\-?:().,'+]+$")


def sepa_text(value: str, max_length: int) -> str:
    """A free text (name, street, remittance) in the SEPA character set, cut to ``max_length``."""
    if _ALLOWED.search(value) is None and "  " not in value and value.strip(" ") == value:
        # already in the set, single spaces, none at the ends: what the transliteration and
        # the clean-up below would give back unchanged (a 30 000-debit file's remittances;
        # tests/sepa/test_identifiers.py compares both paths)
        return value[:max_length].rstrip()
    text = _ALLOWED.sub(" ", unidecode(value))
    text = re.sub(r" {2,}", " ", text).strip()
    return text[:max_length].rstrip()


def check_identifier(value: str, *, what: str, max_length: int = 35) -> str:
    """An identifier as the EPC implementation guidelines allow it (AT-01, AT-10, AT-41):
    1 to ``max_length`` characters of the set, no space, not starting or ending with ``/``,
    no ``//``."""
    if not value or len(value) > max_length:
        raise SepaError(
            SepaErrorCode.TEXT_INVALID,
            f"{what} « {value} » : 1 à {max_length} caractères attendus ({len(value)} reçus)",
        )
    if not _IDENTIFIER.match(value) or value.startswith("/") or value.endswith("/"):
        raise SepaError(
            SepaErrorCode.TEXT_INVALID,
            f"{what} « {value} » : caractères permis A-Z a-z 0-9 / - ? : ( ) . , ' +, "
            "sans espace ni « / » au début ou à la fin",
        )
    if "//" in value:
        raise SepaError(SepaErrorCode.TEXT_INVALID, f"{what} « {value} » : « // » interdit")
    return value
