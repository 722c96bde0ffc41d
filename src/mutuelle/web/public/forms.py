"""Forms of the public site, in plain French: the household (simulator, CSS, advice) and the
adhesion request. They hold facts; every decision (price, eligibility, dates, CSS verdict) is
the core's, called by :mod:`mutuelle.web.public.services`.

Children are dynamic rows (``child_0_birth``, ``child_1_birth``…; ``children`` holds their
number). Without JavaScript, the « Ajouter un enfant » and « Retirer » buttons post the form
back with one more or one less row, nothing typed is lost.
"""

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
from mutuelle.web.members.enums import PaymentFrequency, PaymentMode

MAX_CHILDREN = 12

SITUATIONS = [
    (
        "residents",
        "Particulier : j'habite à Grenoble, ou j'y travaille (salarié-e, retraité-e, sans emploi…)",
    ),
    ("students", "Étudiant-e dans l'enseignement supérieur, sans personne à couvrir avec moi"),
    ("agents", "Agent-e de la Ville de Grenoble ou du CCAS (en activité ou retraité-e)"),
    (
        "tns",
        "Travailleur-euse non salarié-e à Grenoble : artisan, commerçant-e, profession "
        "libérale, agricole…",
    ),
]
SITUATION_SHORT = {
    "residents": "particulier",
    "students": "étudiant-e",
    "agents": "agent-e de la Ville ou du CCAS",
    "tns": "travailleur-euse non salarié-e",
}

CHILD_SITUATIONS = [
    ("", "moins de 21 ans au 1er janvier (rien à préciser)"),
    ("studies", "21 à 27 ans : poursuit des études"),
    ("job_seeker", "21 à 27 ans : cherche un premier emploi (inscrit-e à France Travail)"),
    ("apprentice", "21 à 27 ans : en apprentissage"),
    ("low_income", "21 à 27 ans : travaille, revenu inférieur au RSA"),
    ("disabled", "invalidité survenue avant 18 ans (tout âge)"),
]

HOUSING = [
    ("tenant", "Locataire, sans aide au logement"),
    ("tenant_with_housing_aid", "Locataire avec une aide au logement (APL, ALF, ALS)"),
    ("owner", "Propriétaire de mon logement"),
    ("housed_free", "Logé-e gratuitement (famille, amis…)"),
]

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


def agent_entry_missing(d: dict[str, Any]) -> bool:
    """An agent over 30 at the start of cover: the surcharge needs the date of entry into the
    public service (Règlement agents, Cotisations 1-1; the core refuses without it)."""
    from mutuelle.dates import age_on

    birth, start = d.get("member_birth"), d.get("start")
    return bool(
        d.get("situation") == "agents"
        and birth
        and start
        and not d.get("agent_entry")
        and age_on(birth, start) > 30
    )


AGENT_ENTRY_NEEDED = (
    "Indiquez votre date d'entrée dans la fonction publique : à partir de 30 ans, elle sert au "
    "calcul d'une éventuelle majoration de la cotisation."
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


# --- household (simulator, CSS, advice) ---------------------------------------------------


class ChildrenMixin:
    """Dynamic child rows. ``with_names``: the adhesion request asks each child's name."""

    with_names = False
    data: Any
    fields: dict[str, forms.Field]
    prefix: str | None

    def _init_children(self, count: int) -> None:
        self.children_count = max(0, min(count, MAX_CHILDREN))
        for i in range(self.children_count):
            n = i + 1
            if self.with_names:
                self.fields[f"child_{i}_first_name"] = forms.CharField(
                    label=f"Prénom de l'enfant n° {n}",
                    max_length=100,
                    error_messages={"required": f"Indiquez le prénom de l'enfant n° {n}."},
                )
                self.fields[f"child_{i}_last_name"] = forms.CharField(
                    label=f"Nom de l'enfant n° {n}",
                    max_length=100,
                    error_messages={"required": f"Indiquez le nom de l'enfant n° {n}."},
                )
            self.fields[f"child_{i}_birth"] = birth_field(f"Date de naissance de l'enfant n° {n}")
            self.fields[f"child_{i}_birth"].error_messages["required"] = (
                f"Indiquez la date de naissance de l'enfant n° {n}, ou retirez cette ligne."
            )
            self.fields[f"child_{i}_situation"] = forms.ChoiceField(
                label=f"Situation de l'enfant n° {n}",
                choices=CHILD_SITUATIONS,
                required=False,
                help_text="À préciser seulement à partir de 21 ans au 1er janvier.",
            )

    def child_rows(self) -> list[dict[str, Any]]:
        rows = []
        for i in range(self.children_count):
            row: dict[str, Any] = {"index": i, "number": i + 1}
            for name in ("first_name", "last_name", "birth", "situation"):
                key = f"child_{i}_{name}"
                if key in self.fields:
                    row[name] = self[key]  # type: ignore[index]
            rows.append(row)
        return rows

    def children_data(self, cleaned: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for i in range(self.children_count):
            situation = cleaned.get(f"child_{i}_situation") or ""
            out.append(
                {
                    "field": f"child_{i}_birth",
                    "number": i + 1,
                    "first_name": cleaned.get(f"child_{i}_first_name", ""),
                    "last_name": cleaned.get(f"child_{i}_last_name", ""),
                    "birth_date": cleaned.get(f"child_{i}_birth"),
                    "proof": situation if situation and situation != "disabled" else None,
                    "disabled": situation == "disabled",
                }
            )
        return out


def children_count_from(data: Any) -> int:
    try:
        return int((data or {}).get("children", 0))
    except (TypeError, ValueError):
        return 0


def rows_action(data: Any) -> Any:
    """Apply « Ajouter un enfant » / « Retirer l'enfant n » to posted data; returns the new data
    (a mutable copy) or None when the post was not such an action."""
    if data is None:
        return None
    action = data.get("action", "")
    if not (action == "add_child" or action.startswith("remove_child_")):
        return None
    new = data.copy()
    count = children_count_from(data)
    if action == "add_child":
        new["children"] = str(min(count + 1, MAX_CHILDREN))
        return new
    try:
        gone = int(action.rsplit("_", 1)[1])
    except ValueError:
        return new
    if not 0 <= gone < count:
        return new
    suffixes = ("first_name", "last_name", "birth", "situation")
    for i in range(gone, count - 1):
        for s in suffixes:
            new[f"child_{i}_{s}"] = data.get(f"child_{i + 1}_{s}", "")
    for s in suffixes:
        new.pop(f"child_{count - 1}_{s}", None)
    new["children"] = str(count - 1)
    return new


class HouseholdForm(ChildrenMixin, forms.Form):
    """Who to cover and from when: the simulator's and the CSS page's questions."""

    situation = forms.ChoiceField(
        label="Votre situation",
        choices=SITUATIONS,
        widget=forms.RadioSelect,
        initial="residents",
        error_messages={"required": "Choisissez votre situation."},
    )
    start = FrenchDateField(
        label="À partir de quand voulez-vous être couvert-e ?",
        help_text="Par exemple le 1er du mois prochain. " + DATE_HINT,
        future_years=2,
        error_messages={
            "required": "Indiquez la date à partir de laquelle vous voulez être couvert-e.",
            "invalid": "Cette date n'est pas lisible : écrivez-la comme 01/01/2026.",
        },
    )
    member_birth = birth_field("Votre date de naissance")
    spouse_birth = birth_field(
        "Date de naissance de votre conjoint-e",
        required=False,
        help_text="Seulement si vous voulez le ou la couvrir (mariage, PACS ou concubinage). "
        + DATE_HINT,
    )
    # Agents: the late-entry surcharge (Règlement agents, Cotisations 1-1).
    agent_entry = FrenchDateField(
        label="Date d'entrée dans la fonction publique",
        required=False,
        past_only=True,
        help_text="Agent-es de plus de 30 ans seulement : elle sert au calcul d'une éventuelle "
        "majoration. " + DATE_HINT,
    )
    agent_last_cover_end = FrenchDateField(
        label="Fin de votre dernière mutuelle « labellisée » (garantie de référence)",
        required=False,
        past_only=False,
        help_text="Laissez vide si vous n'en avez jamais eu. " + DATE_HINT,
    )
    # CSS screening (optional in the simulator).
    resources = EurosField(
        label="Ressources de votre foyer sur les 12 derniers mois, en euros",
        required=False,
        help_text="Salaires nets, pensions, allocations chômage, indemnités… de toutes les "
        "personnes du foyer. Facultatif : sans ce montant, nous vous montrons les plafonds.",
    )
    housing = forms.ChoiceField(
        label="Votre logement",
        choices=HOUSING,
        widget=forms.RadioSelect,
        required=False,
        initial="tenant",
    )
    housing_aid = EurosField(
        label="Montant mensuel de l'aide au logement, en euros",
        required=False,
        max_euros=10_000,
        help_text="Si vous la connaissez.",
    )
    rsa = forms.BooleanField(
        label="Quelqu'un de mon foyer touche le RSA", required=False, initial=False
    )
    children = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_CHILDREN
    )

    def __init__(self, *args: Any, for_css: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else self.initial
        self._init_children(children_count_from(source))
        self.for_css = for_css
        if for_css:  # the CSS page asks neither the start of cover nor the range
            self.fields["start"].required = False
            self.fields["situation"].required = False
        if not self.is_bound:
            self.fields["start"].initial = default_start()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not self.for_css
            and data.get("situation") == "students"
            and (data.get("spouse_birth") or self.children_count)
        ):
            self.add_error(
                "situation",
                "Le tarif étudiant est réservé à l'étudiant-e qui adhère seul-e. Pour couvrir "
                "aussi un-e conjoint-e ou des enfants, choisissez « Particulier ».",
            )
        if not self.for_css and agent_entry_missing(data):
            self.add_error("agent_entry", AGENT_ENTRY_NEEDED)
        if data.get("housing_aid") and data.get("housing") != "tenant_with_housing_aid":
            self.add_error(
                "housing_aid",
                "Une aide au logement ne se déclare qu'avec « Locataire avec une aide au "
                "logement ».",
            )
        return data

    def members(self) -> list[dict[str, Any]]:
        """The household in the core's vocabulary (role, birth date, proof…)."""
        d = self.cleaned_data
        out: list[dict[str, Any]] = [
            {"role": "adherent", "birth_date": d["member_birth"], "field": "member_birth"}
        ]
        if d.get("spouse_birth"):
            out.append({"role": "spouse", "birth_date": d["spouse_birth"], "field": "spouse_birth"})
        for c in self.children_data(d):
            out.append({"role": "child", **c})
        return out


# --- adhesion request --------------------------------------------------------------------

LINKS = [
    ("resident", "J'habite à Grenoble"),
    ("works", "Je travaille à Grenoble"),
    ("studies", "J'étudie à Grenoble"),
    ("agent", "Je suis agent-e de la Ville de Grenoble ou du CCAS"),
    ("tns", "J'exerce à Grenoble une activité non salariée (artisan, commerçant-e, libéral-e…)"),
]

YES_NO = [("no", "Non"), ("yes", "Oui")]


def _check_iban(value: str) -> str:
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
        error_messages={"required": "Choisissez une formule."},
    )
    start = HouseholdForm.base_fields["start"]
    current_cover = forms.ChoiceField(
        label="Avez-vous aujourd'hui une autre complémentaire santé (mutuelle) ?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        initial="no",
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
    spouse_last_name = forms.CharField(label="Nom du ou de la conjoint-e", required=False)
    spouse_first_name = forms.CharField(label="Prénom du ou de la conjoint-e", required=False)
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
        "intentionnelle peut entraîner la nullité de l'adhésion (Règlement I-3-3).",
        error_messages={"required": "Cochez cette case pour certifier vos informations."},
    )
    documents_read = forms.BooleanField(
        label="Je sais que le règlement mutualiste et le tableau des garanties de la formule "
        "font foi : la Mutuelle me les remet avec la confirmation de l'adhésion, et j'aurai alors "
        "14 jours pour y renoncer (vente à distance, Règlement I-6-1).",
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
        widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_CHILDREN
    )

    def __init__(self, *args: Any, formulas: dict[str, tuple[str, ...]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else self.initial
        self._init_children(children_count_from(source))
        names: list[str] = []
        for fs in formulas.values():
            names.extend(f for f in fs if f not in names)
        self.fields["formula"].choices = [("", "— choisir —"), *((f, f) for f in names)]
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

    def clean_iban(self) -> str:
        return _check_iban(self.cleaned_data.get("iban", ""))

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
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
        if rid == "students" and (any(spouse) or self.children_count):
            self.add_error(
                "situation",
                "Le tarif étudiant est réservé à l'étudiant-e qui adhère seul-e. Pour couvrir "
                "aussi un-e conjoint-e ou des enfants, choisissez « Particulier ».",
            )
        if agent_entry_missing(d):
            self.add_error("agent_entry", AGENT_ENTRY_NEEDED)
        mode = d.get("payment_mode")
        if mode == PaymentMode.CHEQUE and d.get("payment_frequency") == PaymentFrequency.MONTHLY:
            self.add_error(
                "payment_frequency",
                "Le paiement par chèque se fait une fois par an : le paiement mensuel n'est pas "
                "possible par chèque (Règlement III-2-2).",
            )
        if mode == PaymentMode.PAYROLL and rid != "agents":
            self.add_error(
                "payment_mode",
                "Le précompte sur le salaire est réservé aux agent-es de la Ville et du CCAS.",
            )
        if rid == "tns" and mode and mode != PaymentMode.DIRECT_DEBIT:
            self.add_error(
                "payment_mode",
                "Pour l'offre TNS Santé, les cotisations se paient par prélèvement SEPA "
                "(Conditions générales TNS art. 4.2 : RIB et mandat SEPA).",
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

    kind = forms.ChoiceField(label="Pièce", error_messages={"required": "Choisissez la pièce."})
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


# --- needs-based advice -------------------------------------------------------------------


class NeedsForm(forms.Form):
    """How many of each care, per person, in the year (typical prices, ``mutuelle.advice``)."""

    def __init__(
        self,
        *args: Any,
        persons: list[tuple[str, int]],
        needs: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.groups: list[dict[str, Any]] = []
        for pi, (label, age) in enumerate(persons):
            names = []
            for need in needs:
                if not need.applies_to(age):
                    continue
                name = f"q_{pi}_{need.id}"
                self.fields[name] = forms.IntegerField(
                    label=need.label,
                    required=False,
                    min_value=0,
                    max_value=need.max_per_year,
                    initial=0,
                    error_messages={
                        "invalid": "Indiquez un nombre entier (0 si aucun).",
                        "min_value": "Le nombre ne peut pas être négatif.",
                        "max_value": f"{need.max_per_year} au plus par an pour ce soin.",
                    },
                    widget=forms.NumberInput(
                        attrs={"min": 0, "max": need.max_per_year, "inputmode": "numeric"}
                    ),
                )
                self.fields[name].hide_optional = True  # type: ignore[attr-defined]
                names.append(name)
            self.groups.append({"index": pi, "label": label, "age": age, "names": names})

    def grouped(self) -> list[dict[str, Any]]:
        return [{**g, "fields": [self[n] for n in g["names"]]} for g in self.groups]

    def quantities(self) -> list[dict[str, int]]:
        out: list[dict[str, int]] = []
        for g in self.groups:
            q: dict[str, int] = {}
            for n in g["names"]:
                v = self.cleaned_data.get(n) or 0
                if v:
                    q[n.split("_", 2)[2]] = v
            out.append(q)
        return out
