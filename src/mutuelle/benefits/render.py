"""Settlements as plain French and as plain data (the ``--json`` shape) — no I/O here.

The engine records each step it took as a code and its numbers; this module turns them into
sentences a staff member can read, each with the rule's source in the beneficiary's own texts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from mutuelle.benefits.engine import CeilingUse, Settlement
from mutuelle.benefits.plan import PER_LABELS, Plan, category_label
from mutuelle.money import apply_rate, format_euros, format_rate


def _e(cents: int) -> str:
    return format_euros(cents)


def _d(day: dt.date | None) -> str:
    return "—" if day is None else f"{day:%d/%m/%Y}"


_ESTABLISHMENTS = {"medico_social": "un établissement médico-social", "geriatrie": "gériatrie"}
_LIMITS = {"PLV": "prix limite de vente", "HLF": "honoraire limite de facturation"}


def _pct_br(a: tuple[Any, ...]) -> str:
    rate, br, amo, base, cap = a
    return (
        f"Garantie {format_rate(rate)} de la base de remboursement, AMO comprise : "
        f"{format_rate(rate)} × {_e(br)} = {_e(apply_rate(br, rate))}, moins l'AMO {_e(amo)} = "
        f"{_e(cap)} au plus ; frais restant après l'AMO : {_e(base)}."
    )


def _pct_br_plus(a: tuple[Any, ...]) -> str:
    rate, br, amo, extra, base, cap = a
    return (
        f"Garantie {format_rate(rate)} de la BR + {_e(extra)} : {_e(apply_rate(br, rate))} − AMO "
        f"{_e(amo)} + {_e(extra)} = {_e(cap)} au plus ; frais restant après l'AMO : {_e(base)}."
    )


def _price_limit(a: tuple[Any, ...]) -> str:
    kind, limit, why, reimb, amo, _base, cap = a
    return (
        f"100 % Santé : prise en charge intégrale dans la limite du {_LIMITS.get(kind, kind)} "
        f"de {_e(limit)} ({why}) : le plus petit de frais {_e(reimb)} et {_e(limit)}, moins "
        f"l'AMO {_e(amo)} = {_e(max(0, cap))}."
    )


def _eur_day(a: tuple[Any, ...]) -> str:
    cents, days, asked, _amo, base, cap = a
    extra = f" (sur {asked} demandés)" if asked is not None and asked != days else ""
    return (
        f"Forfait de {_e(cents)} par jour × {days} jour(s){extra} = {_e(cents * days)}, AMO "
        f"comprise : {_e(max(0, cap))} au plus ; frais restant après l'AMO : {_e(base)}."
    )


def _periodicity_optical(a: tuple[Any, ...]) -> str:
    elem, anchor, nxt, renewal = a
    why = (
        f" Le motif de renouvellement anticipé « {renewal} » ne s'applique pas ici."
        if renewal
        else ""
    )
    of = "de la monture" if elem == "monture" else f"des {elem}"
    return (
        f"Renouvellement non pris en charge : période {of} ouverte le {_d(anchor)} ; "
        f"prochaine prise en charge possible le {_d(nxt)}.{why}"
    )


# code → (sentence, rule id for the source)
_STEPS: dict[str, tuple[Callable[[tuple[Any, ...]], str], str | None]] = {
    "pf_franchise": (
        lambda a: (
            " et ".join(
                x
                for x in (
                    f"participation forfaitaire de {_e(a[0])}" if a[0] else "",
                    f"franchise de {_e(a[1])}" if a[1] else "",
                )
                if x
            ).capitalize()
            + " retenue(s) par l'AMO : jamais remboursée(s) par la Mutuelle (contrat "
            "responsable), à la charge de l'assuré."
        ),
        "exclusions_pf",
    ),
    "pathway": (
        lambda a: (
            f"Hors parcours de soins : la majoration ({_e(a[0])}) et le dépassement autorisé "
            f"({_e(a[1])}) ne sont pas remboursés ; le calcul se fait comme si l'AMO avait "
            "remboursé à son taux normal."
        ),
        "exclusions_pathway",
    ),
    "dptam_unknown": (
        lambda a: (
            "Adhésion du praticien au DPTAM (OPTAM, OPTAM-CO) non précisée : taux des praticiens "
            "non adhérents."
        ),
        "dptam",
    ),
    "not_in_table": (
        lambda a: f"Cette prestation ne figure pas au {a[0]} : pas de remboursement.",
        "not_in_table",
    ),
    "none": (
        lambda a: f"La formule {a[0]} ne couvre pas cette ligne (« - » au tableau) : 0 €.",
        None,
    ),
    "excluded_establishment": (
        lambda a: (
            f"Séjour en {_ESTABLISHMENTS.get(a[0], a[0])} : "
            + ("forfait journalier exclu." if a[1] == "fjh" else "chambre particulière exclue.")
        ),
        "chambre",
    ),
    "not_reimbursed": (
        lambda a: (
            "Frais non remboursés par l'AMO (aucun remboursement AMO) : cette garantie complète "
            "l'AMO et ne verse rien."
        ),
        "not_reimbursed",
    ),
    "distance": (
        lambda a: f"Lieu de cure à {a[0]} km du domicile : la garantie exige plus de {a[1]} km.",
        "cure_distance",
    ),
    "accompagnant_age": (
        lambda a: (
            f"Frais d'accompagnant : la personne hospitalisée a {a[0]} ans ; la garantie vise "
            "un enfant de moins de 16 ans ou un adulte de plus de 70 ans."
        ),
        "accompagnant",
    ),
    "adult": (
        lambda a: f"Forfait réservé aux adultes : le bénéficiaire a {a[0]} ans.",
        "replacement",
    ),
    "amo_full": (
        lambda a: (
            f"Soin remboursé à 100 % par l'AMO ({_e(a[1])} pour une base de {_e(a[0])}) : la "
            "Mutuelle ne prend en charge que le dépassement prévu par la garantie."
        ),
        "amo_100",
    ),
    "pct_br": (_pct_br, "incl_amo"),
    "pct_br_plus": (_pct_br_plus, "incl_amo"),
    "frais_reels": (
        lambda a: f"Garantie aux frais réels : frais {_e(a[0])} − AMO {_e(a[1])} = {_e(a[2])}.",
        None,
    ),
    "pct_fr": (
        lambda a: (
            f"Garantie {format_rate(a[0])} des frais réels, AMO comprise : "
            f"{format_rate(a[0])} × {_e(a[1])} − AMO {_e(a[2])} = {_e(max(0, a[4]))} au plus."
        ),
        None,
    ),
    "amo_plus": (
        lambda a: (
            f"Garantie « AMO + {_e(a[0])} »"
            + (f" × {a[1]}" if a[1] != 1 else "")
            + f" : la Mutuelle verse jusqu'à {_e(a[3])} en plus de l'AMO ; frais restant après "
            f"l'AMO : {_e(a[2])}."
        ),
        "incl_amo",
    ),
    "price_limit": (_price_limit, None),
    "eur_item": (
        lambda a: (
            f"Forfait de {_e(a[0])}" + (f" × {a[1]}" if a[1] != 1 else "") + f", AMO comprise : "
            f"{_e(a[0] * a[1])} − AMO {_e(a[2])} = {_e(max(0, a[4]))} au plus ; frais restant "
            f"après l'AMO : {_e(a[3])}."
        ),
        "incl_amo",
    ),
    "eur_day": (_eur_day, "incl_amo"),
    "eur_period": (
        lambda a: f"Forfait de {_e(a[0])}, AMO comprise ; frais restant après l'AMO : {_e(a[1])}.",
        "incl_amo",
    ),
    "hlf_unknown": (
        lambda a: (
            "Honoraire limite de facturation (HLF) non indiqué (price_limit_cents) : seul le "
            "plafond du tableau est appliqué ; le dentiste est tenu de respecter l'HLF."
        ),
        "dental_maitrise",
    ),
    "hlf_cap": (
        lambda a: (
            f"Dans la limite de l'honoraire limite de facturation de {_e(a[0])} : "
            f"{_e(a[0])} − AMO {_e(a[1])} = {_e(max(0, a[2]))} au plus."
        ),
        "dental_maitrise",
    ),
    "items_limit": (
        lambda a: f"{a[1]} implant(s) pris en charge sur {a[0]} : 3 au plus par année civile.",
        "implant_limit",
    ),
    "claims_limit": (
        lambda a: "Une seule activité sportive par an : une adhésion a déjà été remboursée.",
        "sport",
    ),
    "periodicity_hearing": (
        lambda a: (
            f"Aide auditive ({a[0]}) déjà prise en charge le {_d(a[1])} : une par oreille et "
            f"par période de quatre ans ; prochaine prise en charge possible le {_d(a[2])}."
        ),
        "hearing_period",
    ),
    "hearing_ok": (
        lambda a: (
            f"Aide auditive ({a[0]}) : "
            + ("première prise en charge connue" if a[1] is None else f"précédente le {_d(a[1])}")
            + f", renouvelable après {a[2] // 12} ans."
        ),
        "hearing_period",
    ),
    "second_equipment": (
        lambda a: (
            "Second équipement (intolérance aux verres progressifs) : délais appréciés pour "
            "chaque équipement séparément."
        ),
        "optical_second_equipment",
    ),
    "replacement_no_equipment": (
        lambda a: "Aucun équipement d'origine connu : pas de forfait de remplacement.",
        "replacement",
    ),
    "replacement_window": (
        lambda a: (
            f"Forfait de remplacement possible du {_d(a[1])} au "
            f"{_d(a[2] - dt.timedelta(days=1))} seulement (13e au 23e mois après l'acquisition "
            f"du {_d(a[0])})."
        ),
        "replacement",
    ),
    "replacement_used": (
        lambda a: f"Forfaits de remplacement ({a[0]}) déjà utilisés : {a[1]} sur {a[2]}.",
        "replacement",
    ),
    "replacement_ok": (
        lambda a: (
            f"Remplacement dans la période du 13e au 23e mois après l'acquisition du {_d(a[0])}."
        ),
        "replacement",
    ),
    "optical_new": (
        lambda a: (
            f"{a[0].capitalize()} : nouvelle période de {a[1]} mois"
            + (f" (précédente prise en charge le {_d(a[2])})" if a[2] else "")
            + "."
        ),
        "optical_elements",
    ),
    "optical_join": (
        lambda a: f"{a[0].capitalize()} de l'équipement pris en charge à partir du {_d(a[1])}.",
        "optical_elements",
    ),
    "lens_mix": (
        lambda a: "Panachage de verres de classe A et de classe B non autorisé : 0 €.",
        "optical_mixed",
    ),
    "periodicity_optical": (_periodicity_optical, "optical_period_adult"),
    "optical_renewal": (
        lambda a: f"Renouvellement anticipé des {a[0]} (équipement précédent le {_d(a[2])}).",
        None,
    ),
    "frame_cap": (
        lambda a: (
            f"Contrat responsable : monture de classe B limitée à {_e(a[0])}, AMO comprise "
            f"(déjà {_e(a[1])} sur cette monture, AMO {_e(a[2])}) : {_e(a[3])} au plus."
        ),
        "optical_frame_cap",
    ),
    "equipment_cap": (
        lambda a: (
            f"Contrat responsable : équipement du cas {a[0]}) limité à {_e(a[1])}, AMO comprise "
            f"(déjà {_e(a[2])}, AMO {_e(a[3])}) : {_e(a[4])} au plus."
        ),
        "optical_equipment_caps",
    ),
    "per_session": (
        lambda a: f"Au plus {_e(a[0])} par séance ou demande (× {a[1]}) : {_e(a[2])}.",
        "bien_etre",
    ),
    "one_eye_half": (
        lambda a: f"Opération d'un seul œil : la moitié du forfait de {_e(a[0])}, {_e(a[1])}.",
        "vision_op",
    ),
    "ceiling": (
        lambda a: f"Plafond atteint : {_e(a[1])} versés au lieu de {_e(a[0])}.",
        None,
    ),
    "hearing_cap": (
        lambda a: (
            f"Contrat responsable : {_e(a[0])} au plus par aide auditive de classe II, AMO "
            f"({_e(a[1])}) comprise : Mutuelle {_e(a[2])} au plus."
        ),
        "hearing_cap",
    ),
    "tm_floor": (
        lambda a: (
            f"Contrat responsable : le ticket modérateur ({_e(a[2])} = BR {_e(a[0])} − AMO "
            f"{_e(a[1])}) est toujours pris en charge, même au-delà du plafond."
        ),
        "tm_floor",
    ),
    "prorata": (
        lambda a: (
            f"Orthodontie : {a[1]} jours couverts sur {a[2]} au {a[0]} : {_e(a[3])} × "
            f"{a[1]}/{a[2]} = {_e(a[4])}."
        ),
        "ortho",
    ),
    "enrolment_late": (
        lambda a: (
            f"Enfant inscrit le {_d(a[0])}, après le {_d(a[1])} (3 mois après la naissance ou "
            "l'adoption) : pas de prime."
        ),
        "prime",
    ),
    "prime": (
        lambda a: (
            f"Prime de {_e(a[0])} par enfant"
            + (f" × {a[1]}" if a[1] != 1 else "")
            + f", enfant inscrit le {_d(a[2])} (au plus tard le {_d(a[3])})."
        ),
        "prime",
    ),
}


def explain_steps(plan: Plan, s: Settlement) -> list[dict[str, str]]:
    """Each step of a settlement as a sentence with its source, then the amount paid."""
    out: list[dict[str, str]] = []
    for code, args in s.steps:
        render, rule_id = _STEPS[code]
        if code == "optical_renewal":
            rule_id = str(args[1])
        if code == "periodicity_optical" and s.line is not None:
            rule_id = "optical_period_adult"
        if code == "excluded_establishment" and args[1] == "fjh":
            rule_id = "fjh"
        text = render(args)
        if code == "eur_period" and s.line is not None and s.line.per in PER_LABELS:
            text = text.replace(", AMO comprise", f" {PER_LABELS[s.line.per]}, AMO comprise", 1)
        item = {"text": text}
        if rule_id is not None and rule_id in plan.rules:
            item["source"] = plan.rules[rule_id].source
        out.append(item)
    if s.error is None and s.line is not None:
        out.append({"text": f"Remboursement de la Mutuelle : {_e(s.mutuelle_cents)}."})
    return out


def _ceiling(c: CeilingUse) -> dict[str, Any]:
    return {
        "label": c.label,
        "period": c.period,
        "unit": c.unit,
        "limit": c.limit,
        "used_before": c.used_before,
        "consumed": c.consumed,
        "remaining": c.remaining,
    }


def ceiling_text(c: CeilingUse) -> str:
    if c.unit == "cents":
        return (
            f"{c.label}, {c.period} : plafond {_e(c.limit)}, déjà consommé {_e(c.used_before)}, "
            f"consommé ici {_e(c.consumed)}, reste {_e(c.remaining)}"
        )
    unit = c.unit if c.limit > 1 else c.unit.rstrip("s")
    return (
        f"{c.label}, {c.period} : {c.limit} {unit} au plus, déjà {c.used_before}, "
        f"ici {c.consumed}, reste {c.remaining}"
    )


def line_rules(plan: Plan, s: Settlement) -> list[dict[str, str]]:
    if s.line is None:
        return []
    return [
        {"rule": plan.rules[r].title, "source": plan.rules[r].source}
        for r in s.line.rules
        if r in plan.rules
    ]


def settlement_to_dict(plan: Plan, s: Settlement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": s.event_id,
        "date": s.date.isoformat(),
        "benefit": s.benefit,
    }
    if s.error is not None:
        out["error"] = s.error
        if s.error_source:
            out["source"] = s.error_source
        return out
    steps = explain_steps(plan, s)
    out.update(
        {
            "formula": s.formula,
            "billed_cents": s.billed_cents,
            "amo_cents": s.amo_cents,
            "amo_paid_cents": s.amo_paid_cents,
            "mutuelle_cents": s.mutuelle_cents,
            "out_of_pocket_cents": s.out_of_pocket_cents,
            "line": s.line.label if s.line else None,
            "category": category_label(s.line.category) if s.line else None,
            "rule": " ".join(x["text"] for x in steps),
            "source": s.line.source if s.line else plan.rules["not_in_table"].source,
            "explanation": steps,
            "ceilings": [_ceiling(c) for c in s.ceilings],
            "rules": line_rules(plan, s),
        }
    )
    return out


def batch_to_dict(
    plan: Plan, settlements: Sequence[Settlement], revised: Sequence[Settlement] = ()
) -> dict[str, Any]:
    ok = [s for s in settlements if s.error is None]
    out: dict[str, Any] = {
        "offer": plan.offer_id,
        "range": plan.range_id,
        "events": [settlement_to_dict(plan, s) for s in settlements],
        "totals": {
            "billed_cents": sum(s.billed_cents for s in ok),
            "amo_paid_cents": sum(s.amo_paid_cents for s in ok),
            "mutuelle_cents": sum(s.mutuelle_cents for s in ok),
            "out_of_pocket_cents": sum(s.out_of_pocket_cents for s in ok),
            "settled": len(ok),
            "errors": len(settlements) - len(ok),
        },
    }
    if revised:
        out["revised"] = [settlement_to_dict(plan, s) for s in revised]
    return out


def settlement_text(
    plan: Plan, s: Settlement, label_of: dict[str, str | None] | None = None
) -> str:
    """A staff member's reading of one settlement."""
    head = f"{s.event_id} · {_d(s.date)} · {s.benefit}"
    if label_of is not None and label_of.get(s.event_id):
        head += f" — {label_of[s.event_id]}"
    if s.error is not None:
        lines = [head, f"    REFUSÉ — {s.error}"]
        if s.error_source:
            lines.append(f"    Source : {s.error_source}")
        return "\n".join(lines)
    label = s.line.label if s.line else "prestation hors tableau"
    lines = [f"{head} · formule {s.formula}", f"    Ligne : {label}"]
    amo = f"AMO {_e(s.amo_cents)}"
    if s.amo_paid_cents != s.amo_cents:
        amo += f" (versé {_e(s.amo_paid_cents)} après participation forfaitaire et franchise)"
    lines.append(
        f"    Frais {_e(s.billed_cents)} · {amo} · Mutuelle {_e(s.mutuelle_cents)} · "
        f"Reste à charge {_e(s.out_of_pocket_cents)}"
    )
    for step in explain_steps(plan, s):
        lines.append(f"    - {step['text']}")
    for c in s.ceilings:
        lines.append(f"    ▸ {ceiling_text(c)}")
    lines.append(f"    Source : {s.line.source if s.line else plan.rules['not_in_table'].source}")
    return "\n".join(lines)
