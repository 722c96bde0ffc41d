"""The values of the règlements the settlement engine applies, read from ``rules.yaml``.

No number of the texts is written in the engine: the durations, ages and counts below are each
the value of one rule of ``guarantees/rules.yaml`` (with its sources in every règlement). A rule
the engine applies that the data lacks, or whose value is missing or in another unit, stops the
compilation of the plan with a :class:`~mutuelle.benefits.plan.PlanError` naming the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from mutuelle.refusal import Code

if TYPE_CHECKING:
    from mutuelle.offers.guarantees import Rule


class RuleFlag(StrEnum):
    """The rules of ``rules.yaml`` that change how the engine settles a line that lists them."""

    FJH = "fjh"  # forfait journalier: excluded in a medico-social establishment
    CHAMBRE = "chambre"  # private room: excluded in geriatrics and medico-social
    ACCOMPAGNANT = "accompagnant"  # companion: the person hospitalised under 16 or over 70
    DENTAL_MAITRISE = "dental_maitrise"  # within the HLF
    TM_FLOOR = "tm_floor"  # the ticket modérateur is always paid
    HEARING_CAP = "hearing_cap"  # 1 700 € per class II hearing aid, AMO included
    OPTICAL_FRAME_CAP = "optical_frame_cap"  # 100 € per class B frame, AMO included
    OPTICAL_EQUIPMENT_CAPS = "optical_equipment_caps"  # cases a) to f)


@dataclass(frozen=True, slots=True)
class Parameters:
    """The durations, ages and counts of the règlements the engine applies (``rules.yaml``)."""

    cure_distance_km: int  # cure_distance: more than 50 km from home
    cure_window_months: int  # cure_24: one cure per 24 months
    hearing_period_months: int  # hearing_period: one device per ear per 4 years
    optical_child_age: int  # optical_child_age: the « enfant » rules under 16
    optical_period_child_months: int  # optical_period_child
    optical_period_adult_months: int  # optical_period_adult
    optical_lenses_per_equipment: int  # optical_lenses_per_equipment: two lenses, one frame
    renewal_vision_months: int  # optical_renewal_vision
    renewal_child_face_months: int  # optical_renewal_child_face
    renewal_child_face_age: int  # optical_renewal_child_face_age: up to 6
    replacement_from_months: int  # replacement_from: from the 13th month
    replacement_until_months: int  # replacement_until: to the 23rd month
    replacement_adult_age: int  # replacement_adult_age: « adulte »
    accompanied_child_age: int  # accompagnant_child_age: under 16
    accompanied_adult_age: int  # accompagnant_adult_age: over 70
    prime_months: int  # prime: enrolled within 3 months


_PARAMETERS: dict[str, tuple[str, str]] = {
    "cure_distance_km": ("cure_distance", "count"),
    "cure_window_months": ("cure_24", "months"),
    "hearing_period_months": ("hearing_period", "months"),
    "optical_child_age": ("optical_child_age", "years"),
    "optical_period_child_months": ("optical_period_child", "months"),
    "optical_period_adult_months": ("optical_period_adult", "months"),
    "optical_lenses_per_equipment": ("optical_lenses_per_equipment", "count"),
    "renewal_vision_months": ("optical_renewal_vision", "months"),
    "renewal_child_face_months": ("optical_renewal_child_face", "months"),
    "renewal_child_face_age": ("optical_renewal_child_face_age", "years"),
    "replacement_from_months": ("replacement_from", "months"),
    "replacement_until_months": ("replacement_until", "months"),
    "replacement_adult_age": ("replacement_adult_age", "years"),
    "accompanied_child_age": ("accompagnant_child_age", "years"),
    "accompanied_adult_age": ("accompagnant_adult_age", "years"),
    "prime_months": ("prime", "months"),
}
# The rules the engine cites in its explanations and refusals: compiling a plan whose rule book
# lacks one of them fails (a rule renamed in the data would otherwise lose its source silently).
ENGINE_RULES = frozenset(
    {
        "cover_period",
        "formula_change",
        "not_in_table",
        "lens_categories",
        "exclusions_pf",
        "exclusions_pathway",
        "dptam",
        "incl_amo",
        "amo_100",
        "not_reimbursed",
        "implant_limit",
        "sport",
        "optical_elements",
        "optical_mixed",
        "optical_second_equipment",
        "optical_renewal_child_lenses",
        "optical_renewal_medical",
        "replacement",
        "bien_etre",
        "vision_op",
        "ortho",
        *(rule for rule, _ in _PARAMETERS.values()),
        *RuleFlag,
    }
)
# The reference values the engine reads (contrat responsable, 100 % Santé price limits).
ENGINE_REFERENCE = frozenset(
    {
        "hearing_aid_class2_max",
        "optical_frame_class_b_max",
        *(f"optical_equipment_max_{case}" for case in "abcdef"),
        "hearing_aid_adult_age",
        "hearing_aid_class1_plv_adult",
        "hearing_aid_class1_plv_under_20",
        "optical_frame_class_a_plv",
    }
)


def parameters_of(rules: dict[str, Rule], where: str) -> Parameters:
    values: dict[str, int] = {}
    for name, (rule_id, unit) in _PARAMETERS.items():
        rule = rules.get(rule_id)
        if rule is None or rule.value is None:
            raise _error(
                f"{where} : la règle « {rule_id} » n'a pas de valeur dans guarantees/rules.yaml, "
                "or le moteur de prestations l'applique (aucune valeur par défaut)",
                code=Code.RULE_WITHOUT_VALUE,
            )
        if rule.unit != unit:
            raise _error(
                f"{where} : la règle « {rule_id} » est en {rule.unit}, le moteur l'attend en "
                f"{unit}",
                code=Code.RULE_WITHOUT_VALUE,
            )
        values[name] = rule.value
    return Parameters(**values)


def _error(message: str, *, code: Code) -> Exception:
    from mutuelle.benefits.plan import PlanError

    return PlanError(message, code=code)
