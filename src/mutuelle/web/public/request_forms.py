"""The adhesion request form (the bulletin d'adhésion's content, Règlement particuliers I-3-2,
seed l. 2263-2271; its conditions, I-2 and convention art. 1; the payment, III-2-2) and the
upload of a justificatif. The payment rules are the membership core's
(:func:`mutuelle.membership.payment_refusals`), shown beside their field by their code.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from mutuelle import membership
from mutuelle.offers.model import Offer
from mutuelle.vocabulary import Link
from mutuelle.web.members.enums import PaymentFrequency, PaymentMode
from mutuelle.web.public.common import plain_refusal, the_offer
from mutuelle.web.public.formfields import (
    DATE_HINT,
    YES_NO,
    FrenchDateField,
    birth_field,
    check_iban,
    default_start,
)
from mutuelle.web.public.household_forms import (
    AGENT_ENTRY_NEEDED,
    STUDENT_ALONE,
    ChildrenMixin,
    HouseholdForm,
    agent_entry_missing,
    children_count_from,
    student_with_dependants,
)
from mutuelle.web.public.refusals import field_for

LINKS = [(link.value, link.question) for link in Link]


class AdhesionRequestForm(ChildrenMixin, forms.Form):
    """The bulletin d'adhésion's content (Règlement particuliers I-3-2, seed l. 2263-2271), its
    conditions (I-2, convention art. 1) and the payment (III-2-2)."""

    with_names = True

    situation = HouseholdForm.base_fields["situation"]
    links = forms.MultipleChoiceField(
        label="Votre lien avec Grenoble",
        choices=LINKS,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez tout ce qui s'applique.",
        error_messages={"required": "Cochez au moins un lien avec Grenoble."},
    )
    formula = forms.ChoiceField(
        label="Formule choisie",
        error_messages={
            "required": "Choisissez une formule.",
            "invalid_choice": "Choisissez une des formules de la liste.",
        },
    )
    start = HouseholdForm.base_fields["start"]
    current_cover = forms.ChoiceField(
        label="Avez-vous aujourd'hui une autre complémentaire santé (mutuelle) ?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        initial="no",
        help_text="Un contrat d'entreprise ou la Complémentaire santé solidaire comptent aussi.",
    )
    current_cover_end = FrenchDateField(
        label="Si oui : dernier jour couvert par ce contrat",
        required=False,
        help_text="Votre adhésion commencera le lendemain, sans interruption. " + DATE_HINT,
    )
    last_name = forms.CharField(
        label="Nom", max_length=100, error_messages={"required": "Indiquez votre nom."}
    )
    first_name = forms.CharField(
        label="Prénom", max_length=100, error_messages={"required": "Indiquez votre prénom."}
    )
    member_birth = birth_field("Date de naissance")
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,  # the column's length (members.Person.email)
        required=False,
        error_messages={"invalid": "Cette adresse électronique n'est pas valide (nom@exemple.fr)."},
        help_text="Pour vous répondre. Une adresse électronique ou un téléphone au moins.",
    )
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    address = forms.CharField(
        label="Adresse", max_length=200, error_messages={"required": "Indiquez votre adresse."}
    )
    postcode = forms.CharField(
        label="Code postal",
        max_length=10,
        error_messages={"required": "Indiquez votre code postal."},
    )
    city = forms.CharField(
        label="Commune", max_length=100, error_messages={"required": "Indiquez votre commune."}
    )
    amo = forms.BooleanField(
        label="Je suis assuré-e par l'Assurance Maladie (un régime obligatoire français) et je "
        "réside en France",
        required=False,
        initial=True,
    )
    mandatory_cover = forms.ChoiceField(
        label="Avez-vous une mutuelle obligatoire par votre employeur (contrat collectif "
        "obligatoire) ?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        initial="no",
    )
    debt = forms.ChoiceField(
        label="Devez-vous encore des cotisations à la Mutuelle Entrenous pour une ancienne "
        "adhésion ?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        initial="no",
    )
    higher_education = forms.BooleanField(
        label="Je suis inscrit-e dans un établissement d'enseignement supérieur",
        required=False,
    )
    spouse_last_name = forms.CharField(
        label="Nom du ou de la conjoint-e", max_length=100, required=False
    )
    spouse_first_name = forms.CharField(
        label="Prénom du ou de la conjoint-e", max_length=100, required=False
    )
    spouse_birth = birth_field(
        "Date de naissance du ou de la conjoint-e",
        required=False,
        help_text="Laissez ces trois cases vides si vous ne couvrez pas de conjoint-e. "
        + DATE_HINT,
    )
    agent_entry = HouseholdForm.base_fields["agent_entry"]
    agent_last_cover_end = HouseholdForm.base_fields["agent_last_cover_end"]
    payment_mode = forms.ChoiceField(
        label="Comment voulez-vous payer vos cotisations ?",
        choices=PaymentMode.choices,
        widget=forms.RadioSelect,
        initial=PaymentMode.DIRECT_DEBIT,
    )
    payment_frequency = forms.ChoiceField(
        label="À quel rythme ?",
        choices=PaymentFrequency.choices,
        widget=forms.RadioSelect,
        initial=PaymentFrequency.MONTHLY,
    )
    iban = forms.CharField(
        label="IBAN de votre compte",
        max_length=50,
        help_text="Pour vos remboursements de soins et, si vous choisissez le prélèvement, vos "
        "cotisations. Il figure sur votre relevé d'identité bancaire (RIB) : FR76 suivi de 23 "
        "chiffres ou lettres.",
        error_messages={"required": "Indiquez l'IBAN du compte (il figure sur votre RIB)."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    account_holder = forms.CharField(
        label="Titulaire du compte",
        max_length=140,
        error_messages={"required": "Indiquez le nom du ou de la titulaire du compte."},
    )
    certify = forms.BooleanField(
        label="Je certifie que ces informations sont exactes ; je sais qu'une fausse déclaration "
        "intentionnelle peut entraîner la nullité de l'adhésion (Règlement mutualiste, "
        "art. I-3-3).",
        error_messages={"required": "Cochez cette case pour certifier vos informations."},
    )
    documents_read = forms.BooleanField(
        label="Je sais que le règlement mutualiste et le tableau des garanties de la formule "
        "font foi : la Mutuelle me les remet avec la confirmation de l'adhésion, et j'aurai alors "
        "14 jours pour y renoncer (vente à distance, Règlement mutualiste, art. I-6-1).",
        error_messages={"required": "Cochez cette case pour confirmer que vous l'avez lue."},
    )
    data_consent = forms.BooleanField(
        label="J'accepte que la Mutuelle Entrenous utilise ces informations pour étudier ma "
        "demande et gérer mon adhésion (la Ville de Grenoble n'y a pas accès).",
        error_messages={
            "required": "Cochez cette case : sans elle, la demande ne peut être étudiée."
        },
    )
    children = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=0,
        error_messages={
            "min_value": "Le nombre d'enfants ne peut pas être négatif : rechargez la page.",
            "invalid": "Le nombre d'enfants n'est pas lisible : rechargez la page.",
        },
    )
    # Issue 12: a double click or a resent form files one request (submit_request's key).
    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self,
        *args: Any,
        formulas: dict[str, tuple[str, ...]],
        offer: Offer | None = None,
        choices: list[tuple[str, list[tuple[str, str]]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offer = offer or the_offer()
        source = self.data if self.is_bound else self.initial
        self._init_children(children_count_from(source))
        names: list[str] = []
        for fs in formulas.values():
            names.extend(f for f in fs if f not in names)
        # Grouped by range, the TNS codes described (``formulas.formula_choices``).
        grouped: list[Any] = choices or [("", [(f, f) for f in names])]
        self.fields["formula"].choices = [("", "— choisir —"), *grouped]
        self.formulas_by_range = formulas
        self.fields["member_birth"].widget.attrs["autocomplete"] = "bday"
        for name, auto in (
            ("last_name", "family-name"),
            ("first_name", "given-name"),
            ("email", "email"),
            ("phone", "tel"),
            ("address", "street-address"),
            ("postcode", "postal-code"),
            ("city", "address-level2"),
            ("account_holder", "name"),
        ):
            self.fields[name].widget.attrs["autocomplete"] = auto
        self.fields["phone"].widget.input_type = "tel"
        if not self.is_bound:
            self.fields["start"].initial = default_start()
            self.fields["request_key"].initial = uuid.uuid4().hex

    def clean_iban(self) -> str:
        return check_iban(self.cleaned_data.get("iban", ""))

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        self.check_children_limit()
        rid = d.get("situation")
        formula = d.get("formula")
        if rid and formula and formula not in self.formulas_by_range.get(rid, ()):
            self.add_error(
                "formula",
                f"La formule {formula} n'existe pas pour la situation choisie : choisissez "
                f"parmi {', '.join(self.formulas_by_range.get(rid, ()))}.",
            )
        if not d.get("email") and not d.get("phone"):
            self.add_error("email", "Indiquez une adresse électronique ou un téléphone.")
        if d.get("current_cover") == "yes" and not d.get("current_cover_end"):
            self.add_error(
                "current_cover_end",
                "Indiquez le dernier jour couvert par votre mutuelle actuelle (votre adhésion "
                "commencera le lendemain).",
            )
        spouse = [d.get("spouse_last_name"), d.get("spouse_first_name"), d.get("spouse_birth")]
        if any(spouse) and not all(spouse):
            self.add_error(
                "spouse_birth" if not d.get("spouse_birth") else "spouse_first_name",
                "Pour couvrir un-e conjoint-e, indiquez son nom, son prénom et sa date de "
                "naissance ; sinon laissez les trois cases vides.",
            )
        if student_with_dependants(rid, int(any(spouse)) + self.children_count, self.offer):
            self.add_error("situation", STUDENT_ALONE)
        if agent_entry_missing(d, self.offer):
            self.add_error("agent_entry", AGENT_ENTRY_NEEDED)
        if rid:  # Règlement III-2-2 (and the agents' and TNS texts): the membership core decides
            for refusal in membership.payment_refusals(
                self.offer, rid, d.get("payment_mode"), d.get("payment_frequency")
            ):
                self.add_error(
                    field_for(refusal, "payment_mode"),
                    f"{plain_refusal(refusal)[:-1]} ({refusal.public_source()}).",
                )
        return d

    def members(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        out: list[dict[str, Any]] = [
            {
                "role": "adherent",
                "birth_date": d["member_birth"],
                "first_name": d["first_name"],
                "last_name": d["last_name"],
                "field": "member_birth",
            }
        ]
        if d.get("spouse_birth"):
            out.append(
                {
                    "role": "spouse",
                    "birth_date": d["spouse_birth"],
                    "first_name": d["spouse_first_name"],
                    "last_name": d["spouse_last_name"],
                    "field": "spouse_birth",
                }
            )
        for c in self.children_data(d):
            out.append({"role": "child", **c})
        return out


class UploadForm(forms.Form):
    """One justificatif (the kind is chosen among those the request needs)."""

    kind = forms.ChoiceField(
        label="Pièce",
        error_messages={
            "required": "Choisissez la pièce.",
            "invalid_choice": "Choisissez une des pièces de la liste.",
        },
    )
    file = forms.FileField(
        label="Fichier (PDF, JPEG ou PNG, 5 Mo au plus)",
        error_messages={
            "required": "Choisissez le fichier à envoyer.",
            "empty": "Ce fichier est vide.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "— choisir —"), *kinds]
