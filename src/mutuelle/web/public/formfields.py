"""Form fields of the public site, as a person writes on paper: dates (04/05/1953), amounts in
euros (« 9 500 »), an IBAN checked with schwifty. They read facts; they decide nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from mutuelle.dates import first_of_next_month
from mutuelle.money import parse_euros

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d", "%d/%m/%y"]
DATE_HINT = "Format : JJ/MM/AAAA, par exemple 04/05/1953"


class FrenchDateField(forms.DateField):
    """A date typed as on paper (04/05/1953), checked against plausible bounds."""

    def __init__(
        self,
        *,
        past_only: bool = False,
        future_years: int = 2,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Indiquez la date.",
                "invalid": "Cette date n'est pas lisible : écrivez-la comme 04/05/1953.",
            },
        )
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%d/%m/%Y", attrs={"inputmode": "numeric", "placeholder": "JJ/MM/AAAA"}
            ),
        )
        super().__init__(**kwargs)
        self.past_only = past_only
        self.future_years = future_years

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str):
            value = re.sub(r"\s+", " ", value.strip())
            impossible = impossible_date(value)
            if impossible:
                raise ValidationError(impossible, code="invalid")
        return super().to_python(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        today = timezone.localdate()
        if value.year < 1900:
            raise ValidationError("Cette date est trop ancienne : vérifiez l'année.")
        if self.past_only and value > today:
            raise ValidationError("Cette date est dans le futur : vérifiez-la.")
        if value > today.replace(year=today.year + self.future_years):
            raise ValidationError(
                f"Cette date est à plus de {self.future_years} ans d'ici : vérifiez l'année."
            )


MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip


def impossible_date(text: str) -> str:
    """« 31/02/1990 » is readable but does not exist: say which part is wrong ("" otherwise)."""
    m = re.fullmatch(r"(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})", text)
    if not m:
        return ""
    day, month, year = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        return (
            f"Le mois {month} n'existe pas : écrivez le jour, puis le mois (de 1 à 12), puis "
            "l'année, comme 04/05/1953."
        )
    try:
        dt.date(year, month, day)
    except ValueError:
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        return (
            f"Le {text} n'existe pas : en {MONTHS[month - 1]} {year}, il y a {last} jours. "
            "Vérifiez le jour."
        )
    return ""


def birth_field(label: str, required: bool = True, help_text: str = DATE_HINT) -> FrenchDateField:
    what = label[0].lower() + label[1:]
    if not what.startswith("votre"):
        what = "la " + what
    return FrenchDateField(
        label=label,
        required=required,
        past_only=True,
        help_text=help_text,
        error_messages={
            "required": f"Indiquez {what}.",
            "invalid": "Cette date n'est pas lisible : écrivez-la comme 04/05/1953.",
        },
    )


class EurosField(forms.CharField):
    """An amount in euros as a person writes it (« 9 500 », « 9500,50 »), read exactly into
    integer cents."""

    def __init__(self, *, max_euros: int = 10_000_000, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.max_cents = max_euros * 100

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        text = text.replace("€", "").replace("euros", "").replace("EUR", "").strip()
        try:
            cents = parse_euros(text)
        except ValueError:
            raise ValidationError(
                "Écrivez un montant en euros, par exemple 9 500 ou 9500,50."
            ) from None
        if cents < 0:
            raise ValidationError("Le montant ne peut pas être négatif.")
        if cents > self.max_cents:
            raise ValidationError("Ce montant paraît trop élevé : vérifiez-le.")
        return cents


def default_start() -> dt.date:
    return first_of_next_month(timezone.localdate())


YES_NO = [("no", "Non"), ("yes", "Oui")]


def check_iban(value: str) -> str:
    compact = re.sub(r"\s+", "", value or "").upper()
    try:
        iban = IBAN(compact)
    except SchwiftyException as exc:
        text = str(exc).lower()
        if "checksum" in text:
            raise ValidationError(
                "Cet IBAN comporte une erreur (la clé de contrôle ne correspond pas) : "
                "recopiez-le depuis votre relevé d'identité bancaire."
            ) from None
        if "length" in text:
            raise ValidationError(
                "Cet IBAN n'a pas le bon nombre de caractères (27 pour un IBAN français, "
                "commençant par FR76)."
            ) from None
        raise ValidationError(
            "Cet IBAN n'est pas valide : il commence par deux lettres (FR pour la France) suivies "
            "de chiffres, comme sur votre relevé d'identité bancaire."
        ) from None
    if not iban.in_sepa_zone:
        raise ValidationError(
            "Ce compte n'est pas dans la zone SEPA : le prélèvement et les remboursements ne "
            "sont pas possibles."
        )
    return iban.compact
