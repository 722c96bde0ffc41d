"""Forms of the back office's acts (labels in French). They hold facts only: every date they
lead to is computed by the core."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from mutuelle.vocabulary import Link
from mutuelle.web.members.enums import Proof, Role
from mutuelle.web.members.services import TERMINATION_KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DependantForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=100)
    last_name = forms.CharField(label="Nom", max_length=100)
    birth_date = forms.DateField(label="Date de naissance", widget=DATE)
    role = forms.ChoiceField(label="Qualité", choices=Role.choices)
    received_on = forms.DateField(label="Demande (avenant) reçue le", widget=DATE)
    event = forms.ChoiceField(
        label="Événement",
        required=False,
        choices=[
            ("", "aucun (autre cas)"),
            ("birth", "naissance"),
            ("adoption", "adoption"),
            ("marriage", "mariage"),
        ],
        help_text="naissance, adoption ou mariage postérieur à l'adhésion",
    )
    event_date = forms.DateField(
        label="Date de l'événement",
        required=False,
        widget=DATE,
        help_text="par défaut, la date de naissance pour une naissance",
    )
    proof = forms.ChoiceField(
        label="Justificatif (enfant de 21 à 27 ans)",
        required=False,
        choices=[("", "aucun"), *Proof.choices],
    )
    disabled = forms.BooleanField(label="Invalidité survenue avant 18 ans", required=False)

    def clean(self) -> dict[str, Any]:
        """Dates that cannot be: a form error beside the field, never a server error."""
        data = super().clean() or {}
        birth, received = data.get("birth_date"), data.get("received_on")
        event_date = data.get("event_date")
        if birth is not None and birth > timezone.localdate():
            self.add_error(
                "birth_date",
                "Cette date de naissance est dans le futur : un enfant à naître s'affilie "
                "après sa naissance, sur l'acte de naissance.",
            )
        elif birth is not None and received is not None and birth > received:
            self.add_error(
                "received_on", "La demande ne peut être reçue avant la naissance de l'ayant droit."
            )
        if received is not None and received > timezone.localdate():
            self.add_error("received_on", "La date de réception est dans le futur.")
        if event_date is not None:
            if event_date > timezone.localdate():
                self.add_error("event_date", "La date de l'événement est dans le futur.")
            elif birth is not None and event_date < birth:
                self.add_error(
                    "event_date", "L'événement ne peut précéder la naissance de l'ayant droit."
                )
        return data


class FormulaForm(forms.Form):
    new = forms.ChoiceField(label="Nouvelle formule")
    requested_on = forms.DateField(label="Demande écrite reçue le", widget=DATE)

    def __init__(self, *args: object, formulas: tuple[str, ...] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["new"].choices = [(f, f) for f in formulas]  # type: ignore[attr-defined]


class TerminationForm(forms.Form):
    kind = forms.ChoiceField(label="Motif", choices=list(TERMINATION_KINDS.items()))
    received_on = forms.DateField(label="Notification reçue le", widget=DATE)
    event_date = forms.DateField(
        label="Date de l'événement",
        required=False,
        widget=DATE,
        help_text="date d'effet de la CSS, du changement de situation, de la sortie d'activité",
    )
    notice_sent_on = forms.DateField(
        label="Avis d'échéance annuel envoyé le",
        required=False,
        widget=DATE,
        help_text="s'il a été adressé après le 15 octobre",
    )


class DeathForm(forms.Form):
    death_date = forms.DateField(label="Date du décès", widget=DATE)
    received_on = forms.DateField(label="Acte de décès reçu le", widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        death, received = data.get("death_date"), data.get("received_on")
        if death is not None and death > timezone.localdate():
            self.add_error("death_date", "La date du décès est dans le futur.")
        elif death is not None and received is not None and received < death:
            self.add_error("received_on", "L'acte de décès ne peut être reçu avant le décès.")
        return data


LINKS = [(link.value, link.label) for link in Link]


def _not_future(value: dt.date | None, what: str) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(f"{what} ne peut pas être dans le futur.")


class ValidationForm(forms.Form):
    """Validate an online request: what the justificatifs and the signed bulletin show."""

    links = forms.MultipleChoiceField(
        label="Lien avec la commune (vérifié sur justificatif)",
        choices=LINKS,
        widget=forms.CheckboxSelectMultiple,
    )
    amo_affiliated = forms.BooleanField(
        label="Assuré-e d'un régime obligatoire français et résidant en France (attestation)",
        required=False,
    )
    mandatory_collective_cover = forms.BooleanField(
        label="Bénéficie d'une complémentaire santé collective obligatoire", required=False
    )
    debt_to_mutual = forms.BooleanField(
        label="Dette envers la Mutuelle (adhésion antérieure)", required=False
    )
    higher_education = forms.BooleanField(
        label="Inscrit-e dans l'enseignement supérieur (gamme étudiante)", required=False
    )
    bulletin_signed_on = forms.DateField(label="Bulletin d'adhésion signé le", widget=DATE)
    bulletin_received_on = forms.DateField(
        label="Bulletin signé reçu le",
        widget=DATE,
        help_text="cachet de la Poste, réception du courriel ou dépôt en agence (Règlement I-4)",
    )
    consents = forms.BooleanField(
        label="Consentements recueillis (Statuts et Règlement acceptés, données personnelles)",
        required=False,
    )
    mandate_signed_on = forms.DateField(
        label="Mandat de prélèvement SEPA signé le",
        required=False,
        widget=DATE,
        help_text="prélèvement seulement : la référence unique (RUM) est donnée à la validation",
    )

    def __init__(self, *args: Any, direct_debit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.direct_debit = direct_debit
        if not direct_debit:
            del self.fields["mandate_signed_on"]

    def clean_bulletin_signed_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["bulletin_signed_on"]
        _not_future(value, "La date de signature du bulletin")
        return value

    def clean_bulletin_received_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["bulletin_received_on"]
        _not_future(value, "La date de réception du bulletin")
        return value

    def clean_mandate_signed_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("mandate_signed_on")
        if self.direct_debit and value is None:
            raise forms.ValidationError(
                "Paiement par prélèvement : indiquez la date de signature du mandat SEPA."
            )
        _not_future(value, "La date de signature du mandat")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        signed, received = data.get("bulletin_signed_on"), data.get("bulletin_received_on")
        if signed and received and received < signed:
            self.add_error(
                "bulletin_received_on", "Le bulletin ne peut être reçu avant d'être signé."
            )
        if not data.get("consents"):
            self.add_error(
                "consents", "Sans les consentements du bulletin, la demande ne peut être validée."
            )
        return data


class PiecesForm(forms.Form):
    note = forms.CharField(
        label="Message au demandeur (facultatif)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="la liste des pièces manquantes lui est montrée telle que vous la voyez",
    )


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus (le demandeur le lira)",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
