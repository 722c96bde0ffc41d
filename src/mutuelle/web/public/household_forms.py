"""The household forms of the public site: who to cover and from when (simulator, CSS page,
advice), and the care expected (advice). Children are dynamic rows (``child_0_birth``,
``child_1_birth``…; ``children`` holds their number); without JavaScript, « Ajouter un enfant »
and « Retirer » post the form back with one more or one less row, nothing typed is lost.

The choices are the cores' vocabulary (:mod:`mutuelle.vocabulary`); the conditions checked
here come from the offer (the agents' surcharge age, the student rate without dependants), so
that the form says at once what the core would refuse.
"""

from __future__ import annotations

from typing import Any

from django import forms

from mutuelle import membership
from mutuelle.offers.model import Offer
from mutuelle.pricing.checks import needs_agent_facts
from mutuelle.vocabulary import CHILD_DISABLED, CHILD_UNDER_21, Housing, Proof, Range
from mutuelle.web.public.common import the_offer
from mutuelle.web.public.formfields import (
    DATE_HINT,
    EurosField,
    FrenchDateField,
    birth_field,
    default_start,
)

# The online forms stop at 12 children: each child is a row of fields and the calculation of
# every formula runs for each; past that, the Mutuelle records the family by hand (a choice of
# the site, not a rule of the offer: the règlements set no maximum; issue 9).
MAX_CHILDREN = 12
TOO_MANY_CHILDREN = (
    f"Le formulaire en ligne compte {MAX_CHILDREN} enfants au plus (pour rester lisible et "
    "rapide ; les règlements, eux, ne fixent pas de maximum). Pour un foyer plus nombreux, "
    "indiquez ici les premiers et la Mutuelle complétera avec vous, à une permanence ou par "
    "écrit."
)

SITUATIONS = [(r.value, r.question) for r in Range]
SITUATION_SHORT = {r.value: r.short for r in Range}
CHILD_SITUATIONS = [
    ("", CHILD_UNDER_21),
    *((p.value, p.question) for p in Proof),
    ("disabled", CHILD_DISABLED),
]
HOUSING = [(h.value, h.question) for h in Housing]


def agent_entry_missing(d: dict[str, Any], offer: Offer | None = None) -> bool:
    """An agent past the surcharge age at the start of cover without the date of entry into
    the public service (Règlement agents, Cotisations 1-1: the core refuses without it)."""
    birth, start, rid = d.get("member_birth"), d.get("start"), d.get("situation")
    if not (rid and birth and start) or d.get("agent_entry"):
        return False
    return needs_agent_facts(offer or the_offer(), rid, birth, start)


def student_with_dependants(rid: str | None, dependants: int, offer: Offer | None = None) -> bool:
    """The student rate is for a student alone (Règlement particuliers I-8, the offer's data)."""
    if not rid or not dependants:
        return False
    return membership.rules_for(offer or the_offer(), rid).eligibility.student_without_dependants


STUDENT_ALONE = (
    "Le tarif étudiant est réservé à l'étudiant-e qui adhère seul-e. Pour couvrir aussi un-e "
    "conjoint-e ou des enfants, choisissez « Particulier »."
)

AGENT_ENTRY_NEEDED = (
    "Indiquez votre date d'entrée dans la fonction publique : à partir de 30 ans, elle sert au "
    "calcul d'une éventuelle majoration de la cotisation."
)


# --- household (simulator, CSS, advice) ---------------------------------------------------


class ChildrenMixin:
    """Dynamic child rows. ``with_names``: the adhesion request asks each child's name."""

    with_names = False
    too_many_text = TOO_MANY_CHILDREN
    data: Any
    fields: dict[str, forms.Field]
    prefix: str | None

    def _init_children(self, count: int) -> None:
        for f in self.fields.values():  # Django's « Sélectionnez un choix valide » in words
            default = str(f.error_messages.get("invalid_choice", ""))
            if isinstance(f, forms.ChoiceField) and (
                "lectionnez" in default or "Select" in default
            ):
                f.error_messages = {
                    **f.error_messages,
                    "invalid_choice": "Choisissez une des réponses proposées.",
                }
        self.children_asked = count
        self.children_count = max(0, min(count, MAX_CHILDREN))
        # « Ajouter un enfant » at the limit: the rows are already full (said, not ignored).
        self.children_full_before = count > MAX_CHILDREN
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

    @property
    def children_full(self) -> bool:
        return self.children_count >= MAX_CHILDREN

    def check_children_limit(self) -> None:
        """More children posted than the form holds (a crafted or stale page): say so."""
        if self.children_asked > MAX_CHILDREN:
            self.add_error(None, TOO_MANY_CHILDREN)  # type: ignore[attr-defined]

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
        new["children"] = str(min(count + 1, MAX_CHILDREN + 1))
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
        widget=forms.HiddenInput,
        required=False,
        min_value=0,
        error_messages={
            "min_value": "Le nombre d'enfants ne peut pas être négatif : rechargez la page.",
            "invalid": "Le nombre d'enfants n'est pas lisible : rechargez la page.",
        },
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
        self.check_children_limit()
        dependants = (1 if data.get("spouse_birth") else 0) + self.children_count
        if not self.for_css and student_with_dependants(data.get("situation"), dependants):
            self.add_error("situation", STUDENT_ALONE)
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
