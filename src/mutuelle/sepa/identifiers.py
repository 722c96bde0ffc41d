"""Bank identifiers: IBAN (French RIB key included), BIC, creditor identifier (ICS), mandate
reference (RUM). Checked with the maintained libraries (schwifty, python-stdnum), refused with
a French message naming what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import at_02
from stdnum.exceptions import ValidationError as StdnumError

from mutuelle.masking import mask_iban
from mutuelle.sepa.errors import SepaError, SepaErrorCode
from mutuelle.sepa.text import check_identifier


@dataclass(frozen=True, slots=True)
class BankAccount:
    """A checked account: the IBAN in its compact form and the BIC of its bank."""

    iban: str
    bic: str
    bank_name: str | None = None

    @property
    def bank_code(self) -> str:
        """The bank identifier inside the IBAN (French « code banque »): two IBANs with the same
        code are held by the same bank (an IBAN change inside it is not a change of bank)."""
        return IBAN(self.iban).bank_code

    @property
    def masked(self) -> str:
        """For screens and logs: the first and last groups only (:mod:`mutuelle.masking`)."""
        return mask_iban(self.iban)


def check_iban(value: str, bic: str | None = None) -> BankAccount:
    """Check an IBAN — mod 97 and, for French accounts, the RIB key (``validate_bban=True``:
    without it a wrong RIB key with a valid mod 97 passes, operations.md §1) — and the BIC.

    Without ``bic``, the BIC comes from the bank registry schwifty ships (30006 →
    AGRIFRPPXXX); an IBAN whose bank the registry does not know needs the BIC given."""
    try:
        iban = IBAN(value, validate_bban=True)
    except SchwiftyException as exc:
        raise SepaError(
            SepaErrorCode.IBAN_INVALID,
            f"IBAN « {value.strip()} » invalide : {_iban_reason(exc)}",
        ) from exc
    if iban.country_code not in SEPA_COUNTRIES:
        raise SepaError(
            SepaErrorCode.IBAN_INVALID,
            f"IBAN « {iban.compact} » : le pays {iban.country_code} n'est pas dans la zone SEPA",
        )
    bank_name = None
    try:
        bank_name = iban.bank_name
    except SchwiftyException:  # pragma: no cover - registry without a name for this bank
        bank_name = None
    if bic:
        checked = check_bic(bic)
        return BankAccount(iban=iban.compact, bic=checked, bank_name=bank_name)
    found = iban.bic
    if found is None:
        raise SepaError(
            SepaErrorCode.BIC_UNKNOWN,
            f"IBAN {iban.compact[:4]}… : la banque {iban.bank_code} n'est pas dans le registre "
            "des banques ; indiquez le BIC",
        )
    return BankAccount(iban=iban.compact, bic=str(found), bank_name=bank_name)


def check_bic(value: str) -> str:
    """A BIC of 8 or 11 characters (ISO 9362), returned in capitals without spaces."""
    try:
        return str(BIC(value.strip().upper().replace(" ", "")))
    except SchwiftyException as exc:
        raise SepaError(
            SepaErrorCode.BIC_INVALID,
            f"BIC « {value} » invalide (8 ou 11 caractères : banque, pays, lieu, agence)",
        ) from exc


def check_creditor_id(value: str) -> str:
    """The SEPA creditor identifier (ICS, « identifiant créancier SEPA ») checked with
    ``stdnum.eu.at_02`` (country, check digits mod 97, business code, national id)."""
    try:
        return str(at_02.validate(value))
    except StdnumError as exc:
        raise SepaError(
            SepaErrorCode.ICS_INVALID,
            f"identifiant créancier SEPA (ICS) « {value} » invalide : "
            "attendu FRkkZZZnnnnnn (clé de contrôle vérifiée)",
        ) from exc


# The RUM of this project: prefix, the adhesion number, a sequence number of the mandate for
# that adhesion. The EPC rulebook (AT-01) only asks for ≤ 35 characters of the SEPA set,
# unique per creditor; the format is ours (interpretation I-120).
RUM_PREFIX = "MC"
_RUM = re.compile(r"^MC-[A-Z0-9-]{1,24}-\d{2}$")


def make_rum(adhesion_number: str, sequence: int) -> str:
    """``MC-<adhesion>-<nn>``: the ``sequence``-th mandate (1, 2…) signed for an adhesion."""
    if not 1 <= sequence <= 99:
        raise SepaError(SepaErrorCode.RUM_INVALID, f"numéro de mandat {sequence} hors de 1–99")
    number = re.sub(r"[^A-Z0-9-]", "", adhesion_number.upper())
    return check_rum(f"{RUM_PREFIX}-{number}-{sequence:02d}")


def check_rum(value: str) -> str:
    """A unique mandate reference (RUM): ≤ 35 characters of the SEPA set (EPC AT-01)."""
    return check_identifier(value, what="référence unique de mandat (RUM)")


def is_project_rum(value: str) -> bool:
    """Whether ``value`` follows this project's format (older mandates may not)."""
    return bool(_RUM.match(value))


def _iban_reason(exc: SchwiftyException) -> str:
    name = type(exc).__name__
    return {
        "InvalidLength": "longueur incorrecte",
        "InvalidChecksumDigits": "clé de contrôle (les 2 chiffres après le pays) incorrecte",
        "InvalidBBANChecksum": "clé RIB incorrecte",
        "InvalidCountryCode": "code pays inconnu",
        "InvalidStructure": "structure incorrecte pour ce pays",
        "InvalidBankCode": "code banque inconnu",
        "InvalidBranchCode": "code guichet inconnu",
        "InvalidAccountCode": "numéro de compte incorrect",
    }.get(name, "format incorrect")


# The countries of the SEPA schemes (EPC409-09 « EPC list of SEPA scheme countries », v. 2024
# [S]): EEA, Switzerland, the United Kingdom, Monaco, San Marino, Andorra, the Vatican, Albania,
# Montenegro, North Macedonia, Moldova, and the French overseas territories using FR IBANs.
SEPA_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IS",
        "IE",
        "IT",
        "LV",
        "LI",
        "LT",
        "LU",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "CH",
        "GB",
        "MC",
        "SM",
        "AD",
        "VA",
        "AL",
        "ME",
        "MK",
        "MD",
        "GI",
    ]
)
