"""Changing formula (Règlement particuliers and agents I-9-2; TNS art. 6), docs I-37.

The formula chosen at adhesion applies for at least one full civil year; afterwards a change
may be asked in writing at least one month before 1 January, by a member up to date with
contributions, and takes effect on 1 January. After that first change an upgrade is possible
at any time, a downgrade only once the current formula has run 24 months. Every change takes
effect on a 1 January. The level of a formula is its place in the offer's list (the order in
which the texts list them, cheapest first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from mutuelle.dates import add_months
from mutuelle.explain import Cited, Said, Step
from mutuelle.membership.common import Refused, fr, january_1, range_of, rules_of
from mutuelle.offers.model import Offer
from mutuelle.refusal import Code

Direction = Literal["up", "down"]


@dataclass(frozen=True)
class FormulaChangeDecision:
    allowed: bool
    direction: Direction
    effective_on: dt.date | None  # 1 January when allowed
    earliest_effective_on: dt.date  # the first 1 January a change of this kind can take effect
    request_by: dt.date  # last day to ask for the earliest date
    reason: str | None  # why it is refused, in plain French
    cite: Cited
    steps: tuple[Step, ...]

    @property
    def source(self) -> str:
        return self.cite.staff()

    def refusal(self) -> Refused:
        """The refusal of a change not allowed (its reason and its source)."""
        return Refused(
            self.reason or "changement de formule refusé", self.cite, code=Code.FORMULA_CHANGE
        )


def first_january_reachable(requested_on: dt.date, months_before: int) -> dt.date:
    """The first 1 January at least ``months_before`` months after the request."""
    d = january_1(requested_on.year + 1)
    while requested_on > add_months(d, -months_before):
        d = january_1(d.year + 1)
    return d


def _next_january_on_or_after(d: dt.date) -> dt.date:
    return d if (d.month, d.day) == (1, 1) else january_1(d.year + 1)


def earliest_first_change(formula_since: dt.date) -> dt.date:
    """One full civil year in the initial formula: 1 January after the first whole year."""
    first_full_year = (
        formula_since.year
        if (formula_since.month, formula_since.day) == (1, 1)
        else (formula_since.year + 1)
    )
    return january_1(first_full_year + 1)


def formula_change(
    offer: Offer,
    range_id: str,
    *,
    current: str,
    current_since: dt.date,
    adhesion_start: dt.date,
    new: str,
    requested_on: dt.date,
    up_to_date: bool,
) -> FormulaChangeDecision:
    """Decide a request to move from ``current`` (in force since ``current_since``) to ``new``."""
    rng = range_of(offer, range_id)
    r = rules_of(offer, range_id).formula_change
    for f in (current, new):
        if f not in rng.formulas:
            raise Refused(
                f"formule inconnue {f!r} (formules : {', '.join(rng.formulas)})",
                code=Code.FORMULA,
            )
    if new == current:
        raise Refused(f"l'adhésion est déjà en formule {new}", code=Code.FORMULA_CHANGE)
    levels = {f: i for i, f in enumerate(rng.formulas)}
    direction: Direction = "up" if levels[new] > levels[current] else "down"
    label = "à la hausse" if direction == "up" else "à la baisse"
    src = offer.citation(r.source)
    steps: list[Step] = []
    effect = first_january_reachable(requested_on, r.request_months_before)
    steps.append(
        Said(
            f"Demande reçue le {fr(requested_on)} : un changement prend effet au 1er janvier qui "
            f"suit, la demande devant parvenir au moins {r.request_months_before} mois avant ; "
            f"premier 1er janvier possible : le {fr(effect)}.",
            offer.citation(r.effect_source),
            "membership.formula_change",
        )
    )
    first_change = current_since <= adhesion_start
    if first_change:
        earliest = earliest_first_change(current_since)
        rule = (
            f"La formule choisie à l'adhésion ({current}, depuis le {fr(current_since)}) "
            "s'applique pour une durée minimale d'une année civile complète : premier "
            f"changement possible au {fr(earliest)}."
        )
        rule_src = src
    elif direction == "down":
        earliest = _next_january_on_or_after(add_months(current_since, r.downgrade_after_months))
        rule = (
            f"Après un premier changement, une baisse de formule n'est possible qu'au terme de "
            f"{r.downgrade_after_months} mois dans la formule actuelle ({current} depuis le "
            f"{fr(current_since)}) : au plus tôt le {fr(earliest)}."
        )
        rule_src = offer.citation(r.upgrade_source)
    else:
        earliest = effect
        rule = "Après un premier changement, une hausse de formule est possible à tout moment."
        rule_src = offer.citation(r.upgrade_source)
    steps.append(Said(rule, rule_src, "membership.formula_change"))
    earliest = max(earliest, effect)
    request_by = add_months(earliest, -r.request_months_before)
    if not up_to_date:
        reason = (
            f"changement de formule {label} refusé : le membre participant n'est pas à jour de "
            "ses cotisations ; la demande pourra être reçue une fois l'arriéré réglé"
        )
        steps.append(Said(reason, src, "membership.formula_change"))
        return FormulaChangeDecision(
            False, direction, None, earliest, request_by, reason, src, tuple(steps)
        )
    if effect < earliest:
        reason = (
            f"changement de formule {label} ({current} → {new}) refusé à cette date : "
            f"{rule[0].lower()}{rule[1:]} "
            f"La demande peut être renouvelée pour un effet au {fr(earliest)}, à adresser par "
            f"écrit au plus tard le {fr(request_by)}."
        )
        return FormulaChangeDecision(
            False, direction, None, earliest, request_by, reason, rule_src, tuple(steps)
        )
    steps.append(
        Said(
            f"Changement {label} {current} → {new} accepté, effet le {fr(effect)}.",
            src,
            "membership.formula_change",
        )
    )
    return FormulaChangeDecision(
        True, direction, effect, earliest, request_by, None, src, tuple(steps)
    )
