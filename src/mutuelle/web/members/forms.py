"""Forms of the back office's acts (labels in French). They hold facts only: every date they
lead to is computed by the core."""

from __future__ import annotations

from django import forms

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
