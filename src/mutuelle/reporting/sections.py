"""The sections of a period's report (before protection): the ten indicators of art. 5, the
P/C ratio with the revision rule, and the outreach against art. 4's minimums."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from mutuelle.money import format_rate
from mutuelle.reporting import outreach as ox
from mutuelle.reporting.disclosure import SECRET_MARK, THRESHOLD
from mutuelle.reporting.facts import Facts, Unavailable
from mutuelle.reporting.family import AUDIENCES, MEETINGS, Layouts
from mutuelle.reporting.pc import PcFigures, PcUnavailable, format_ratio, pc_report
from mutuelle.reporting.periods import Period, PeriodKind
from mutuelle.reporting.report import DisplayTable, Draft, Format, Ref, Section, Value
from mutuelle.reporting.revision import Outcome, revision_rule
from mutuelle.reporting.rules import SteeringRules
from mutuelle.reporting.tables import Layout, Unit, dims


def table(
    lay: Layout,
    title: str | None = None,
    note: str = "",
    row_header: str = "",
    chart: str = "",
) -> DisplayTable:
    spec = lay.spec
    fmt = Format.CENTS if spec.unit is Unit.CENTS else Format.COUNT
    return DisplayTable(
        spec.id,
        title or spec.title,
        row_header,
        lay.col_labels,
        tuple((label, tuple(Ref(k) for k in ks)) for label, ks in lay.rows),
        (spec.rows.total, tuple(Ref(k) for k in lay.total_row)),
        tuple(fmt for _ in lay.col_labels),
        note,
        "",
        chart,
    )


def draft(p: Period, facts: Facts, rules: SteeringRules, lay: Layouts, today: dt.date) -> Draft:
    cite = rules.cite
    src = {i.number: cite(i.source) for i in rules.indicators}
    title = {i.number: i.title for i in rules.indicators}
    day, at = p.end.isoformat(), f"au {p.end:%d/%m/%Y}"
    s: list[Section] = []
    s.append(
        Section(
            "members",
            1,
            title[1],
            src[1],
            (
                table(
                    lay[("adhesions", day)],
                    f"Adhésions en cours {at} (membres participants), selon la couverture "
                    "avant l'adhésion",
                    "Question posée à l'adhésion ; « non renseigné » : adhésion enregistrée "
                    "avant que la question soit posée.",
                    "Gamme",
                ),
                DisplayTable(
                    "movements",
                    "Mouvements de la période",
                    "",
                    ("nombre",),
                    (
                        ("Nouvelles adhésions", (Ref(("adh_new", p.key, ())),)),
                        (
                            "Fins d'adhésion (premier jour sans couverture dans la période)",
                            (Ref(("adh_exit", p.key, ())),),
                        ),
                    ),
                    None,
                    (Format.COUNT,),
                    "Publiés au total seulement : par gamme, un petit nombre de sorties se "
                    "déduirait de deux stocks publiés.",
                ),
                table(
                    lay[("persons", day)],
                    f"Personnes couvertes {at}",
                    row_header="Gamme",
                    chart="rows",
                ),
            ),
        )
    )
    s.append(
        Section(
            "profiles",
            2,
            title[2],
            src[2],
            (
                table(
                    lay[("ages", day)],
                    f"Âges des personnes couvertes {at}",
                    row_header="Âge",
                    chart="rows",
                ),
                table(
                    lay[("situations", day)],
                    f"Situations socio-professionnelles des membres participants {at}",
                    "Situation déclarée à l'adhésion ; à défaut, celle de la gamme (étudiant-es, "
                    "agent-es, TNS).",
                    "Situation",
                    "rows",
                ),
                table(
                    lay[("households", day)],
                    f"Typologie des ménages {at}",
                    "Le foyer d'une adhésion : le membre participant, son conjoint et ses "
                    "enfants ayants droit couverts ce jour-là.",
                    "Ménage",
                ),
            ),
        )
    )
    s.append(_permanences(p, facts, rules, lay, title[3], src[3]))
    s.append(
        Section(
            "orientations",
            4,
            title[4],
            src[4],
            (
                table(
                    lay[("orientations", p.key)],
                    note="Site public et API : repérages « probablement éligible » (sans ou avec "
                    "participation), comptés anonymement ; permanences : orientations notées "
                    "par les conseiller-es.",
                    row_header="Canal",
                ),
            ),
        )
    )
    if isinstance(facts.money, Unavailable):
        s.append(Section("spending", 5, title[5], src[5], unavailable=facts.money.message))
    elif missing := facts.money.missing(benefits_only=True):
        s.append(Section("spending", 5, title[5], src[5], unavailable=missing))
    elif p.key in lay.care:
        care = table(lay.care[p.key], row_header="Catégorie de soins", chart="rows")
        notes = (UNATTRIBUTED_CARE,) if facts.money.care_unattributed else ()
        s.append(Section("spending", 5, title[5], src[5], (care,), notes=notes))
    else:
        s.append(
            Section("spending", 5, title[5], src[5], unavailable="aucune prestation sur la période")
        )
    themes = tuple(
        t.title
        + (f" — besoin repéré : {t.need}" if t.need else "")
        + f" (proposée le {t.proposed_on:%d/%m/%Y})"
        for t in sorted(facts.themes, key=lambda t: t.proposed_on)
        if t.proposed_on <= p.end
    )
    s.append(
        Section(
            "themes",
            6,
            title[6],
            src[6],
            lists=(("Thématiques proposées", themes),) if themes else (),
            notes=() if themes else ("Aucune thématique enregistrée.",),
        )
    )
    s.append(_items(p, facts, lay, 7, title[7], src[7]))
    s.append(_items(p, facts, lay, 8, title[8], src[8]))
    s.append(
        Section(
            "complaints",
            9,
            title[9],
            src[9],
            tuple(
                table(lay[(f"complaints_{a}", p.key)], row_header=h, chart=c)
                for a, h, c in (
                    ("subject", "Objet", "rows"),
                    ("ack", "Accusé de réception", ""),
                    ("answer", "Réponse", ""),
                    ("mediation", "Médiation", ""),
                )
            ),
            notes=(
                "Délais des règlements : accusé de réception sous 10 jours ouvrables (10 jours "
                "pour les TNS), réponse sous deux mois, puis le Médiateur de la Mutualité "
                "Française dans l'année qui suit la réclamation écrite "
                f"({cite(rules.complaints[0].ack_source)}).",
                f"État des délais au {today:%d/%m/%Y}, pour les réclamations reçues sur la "
                "période ; les "
                "contenus des réclamations ne sont jamais transmis, seulement leurs objets.",
            ),
        )
    )
    changes = tuple(
        c.title
        + (f" — à partir du {c.effective_on:%d/%m/%Y}" if c.effective_on else "")
        + (f" — {c.impact}" if c.impact else "")
        + f" (source : {c.source})"
        for c in sorted(facts.changes, key=lambda c: (c.effective_on or dt.date.max, c.title))
        if c.effective_on is None or c.effective_on > p.start
    )
    s.append(
        Section(
            "changes",
            10,
            title[10],
            src[10],
            lists=(("Évolutions à venir", changes),) if changes else (),
            notes=() if changes else ("Aucune évolution enregistrée.",),
        )
    )
    s.append(pc_section(p, facts, rules, lay))
    s.append(_outreach(p, facts, rules))
    notes = (
        f"Chiffres arrêtés {at}. « {SECRET_MARK} » : secret statistique. Aucune case publiée ne "
        f"concerne moins de {THRESHOLD} personnes, et une case masquée ne peut pas être "
        "recalculée à partir des totaux, des autres tableaux ou des autres périodes publiées.",
    )
    return Draft(p.key, p.label, p.start, p.end, rules.offer, tuple(s), notes)


def _week_total(
    by_week: Counter[tuple[dt.date, str]], week: dt.date, places: Sequence[str], minimum: int
) -> str:
    n = sum(by_week[(week, x)] for x in places)
    return f"{n} (sous le minimum)" if n < minimum else str(n)


def _permanences(
    p: Period, facts: Facts, rules: SteeringRules, lay: Layouts, title: str, source: str
) -> Section:
    perms = [x for x in facts.outreach.permanences if p.contains(x.day)]
    half_days: Counter[str] = Counter()
    by_week: Counter[tuple[dt.date, str]] = Counter()
    for x in perms:
        half_days[x.place] += x.half_days
        by_week[(x.day - dt.timedelta(days=x.day.weekday()), x.place)] += x.half_days
    rows: list[tuple[str, tuple[Value, ...]]] = []
    total: tuple[str, tuple[Value, ...]] | None = None
    if lay.places:
        lp, lc = lay[("perm_participants", p.key)], lay[("perm_contacts", p.key)]
        for (label, kp), (_, kc) in zip(lp.rows, lc.rows, strict=True):
            rows.append((label, (half_days[label], Ref(kp[0]), Ref(kc[0]))))
        total = ("Total", (sum(half_days.values()), Ref(lp.total_row[0]), Ref(lc.total_row[0])))
    # The calendar: half-days per week and place (counts of permanences, not of people).
    minimum = rules.outreach.permanences_per_week
    weeks = sorted({w for w, _ in by_week})
    calendar = DisplayTable(
        "permanences_calendar",
        f"Calendrier : demi-journées de permanence par semaine (minimum {minimum})",
        "Semaine du",
        (*lay.places, "total"),
        tuple(
            (
                f"{w:%d/%m/%Y}",
                (
                    *(by_week[(w, place)] for place in lay.places),
                    _week_total(by_week, w, lay.places, minimum),
                ),
            )
            for w in weeks
        ),
        None,
        (*(Format.COUNT for _ in lay.places), Format.TEXT),
        "Semaines du lundi au dimanche ; la première et la dernière peuvent déborder de la "
        "période (seules les semaines entières comptent pour le minimum).",
    )
    return Section(
        "permanences",
        3,
        title,
        source,
        (
            DisplayTable(
                "permanences",
                "Permanences effectuées, par lieu",
                "Lieu",
                ("demi-journées", "participant-es", "contacts établis"),
                tuple(rows),
                total,
                (Format.COUNT, Format.COUNT, Format.COUNT),
                "" if perms else "Aucune permanence enregistrée sur la période.",
                rules.cite(rules.outreach.permanences_source),
            ),
            *((calendar,) if weeks else ()),
        ),
    )


def _items(p: Period, facts: Facts, lay: Layouts, number: int, title: str, source: str) -> Section:
    """Prevention actions (7) or meetings (8): how many, participants, contents — each one's
    participants are a protected figure."""
    actions = number == 7
    items: Sequence[ox.ActionFact | ox.MeetingFact] = (
        [a for a in facts.outreach.actions if p.contains(a.day)]
        if actions
        else [m for m in facts.outreach.meetings if p.contains(m.day)]
    )
    sid, measure, ax = (
        ("prevention", "action", AUDIENCES) if actions else ("meetings", "meeting", MEETINGS)
    )

    def group(it: ox.ActionFact | ox.MeetingFact) -> str:
        return it.audience.value if isinstance(it, ox.ActionFact) else it.kind.value

    def kind(it: ox.ActionFact | ox.MeetingFact) -> str:
        if isinstance(it, ox.ActionFact):
            return it.audience.label + (" — bilan gratuit" if it.free_check else "")
        return it.kind.label

    layout = lay[(sid, p.key)]
    n_by = Counter(group(it) for it in items)
    rows = tuple(
        (label, (n_by[value], Ref(ks[0])))
        for (value, _), (label, ks) in zip(ax.values, layout.rows, strict=True)
    )
    tables = [
        DisplayTable(
            sid,
            "Nombre et participant-es",
            "Public" if actions else "Type de réunion",
            ("nombre", "participant-es"),
            rows,
            ("Total", (len(items), Ref(layout.total_row[0]))),
            (Format.COUNT, Format.COUNT),
        )
    ]
    if items:
        tables.append(
            DisplayTable(
                f"{sid}_list",
                "Contenus",
                "Date",
                ("public" if actions else "type", "contenu", "participant-es"),
                tuple(
                    (
                        f"{it.day:%d/%m/%Y}",
                        (kind(it), it.title, Ref((measure, "", dims({"id": it.key})))),
                    )
                    for it in sorted(items, key=lambda x: (x.day, x.key))
                ),
                None,
                (Format.TEXT, Format.TEXT, Format.COUNT),
            )
        )
    return Section(sid, number, title, source, tuple(tables))


def _outreach(p: Period, facts: Facts, rules: SteeringRules) -> Section:
    cks = ox.checks(rules.outreach, rules.cite, facts.outreach, p)
    behind = sum(1 for c in cks if c.behind)
    return Section(
        "outreach",
        None,
        "Engagements de présence et de communication (convention art. 4)",
        rules.cite(rules.outreach.permanences_source),
        checks=tuple(
            {
                "id": c.id,
                "commitment": c.commitment,
                "done": c.done,
                "state": c.state.value,
                "state_label": c.state.label,
                "source": c.source,
                "detail": list(c.detail),
            }
            for c in cks
        ),
        notes=(
            f"{behind} engagement(s) en retard sur la période."
            if behind
            else "Aucun engagement en retard sur la période.",
        ),
    )


def _revision_list(rules: SteeringRules) -> tuple[str, tuple[str, ...]]:
    r = rules.revision
    return (
        "Règle de révision des tarifs (convention art. 2.2)",
        (
            f"P/C jusqu'à {format_rate(r.no_change_up_to_bp)} : aucune revalorisation "
            "(cotisations garanties)",
            *(
                f"P/C de {format_rate(row.from_bp)} à {format_rate(row.to_bp)} : hausse d'au "
                f"plus {format_rate(row.increase_bp)} au 1er janvier suivant"
                for row in r.rows
            ),
            f"Au-delà de {format_rate(r.rows[-1].to_bp)} : le tableau ne fixe aucun plafond "
            "(décision des Parties)",
            *(f"{f.year} : « {f.text} » ({rules.cite(f.source)})" for f in r.freezes),
        ),
    )


# Said without an amount: an amount about households nobody can count could be about one.
UNATTRIBUTED_CARE = (
    "Des prestations réglées directement à des professionnels de santé (tiers payant) ne sont "
    "rattachées à aucun foyer dans le journal : elles comptent dans le P/C, pas dans ce tableau "
    "— lecture docs/interpretations.md I-221."
)

# How the P/C notes begin that give the revision rule's answer and the law beside it (the PDF
# sets them side by side).
ANSWER = "Réponse de la convention :"
LAW = "À côté, la loi :"


def pc_section(p: Period, facts: Facts, rules: SteeringRules, lay: Layouts) -> Section:
    cite = rules.citation
    sources = {
        "definition": cite(rules.pc.definition),
        "benefits": cite(rules.pc.benefits),
        "fmt": cite(rules.pc.fmt),
        "contributions": cite(rules.pc.contributions),
        "loadings": cite(rules.pc.loadings),
    }
    definition = sources["definition"].staff()
    title = "Rapport P/C (prestations / cotisations) et révision des tarifs"
    rule = _revision_list(rules)
    if isinstance(facts.money, Unavailable):
        return Section(
            "pc", None, title, definition, lists=(rule,), unavailable=facts.money.message
        )
    if missing := facts.money.missing():
        return Section("pc", None, title, definition, lists=(rule,), unavailable=missing)
    try:
        rep = pc_report(facts.money.lines, facts.loadings, p, sources)
    except PcUnavailable as exc:
        return Section("pc", None, title, exc.source, lists=(rule,), unavailable=exc.message)
    keys = lay.pc.get(p.key, {})

    def row(fig: PcFigures) -> tuple[Value, ...] | None:
        k = keys.get((fig.range, fig.formula))
        if k is None:
            return None
        # Loadings and the ratio follow the protected terms (guarded in the committee module).
        return (
            Ref(k["benefits"]),
            Ref(k["fmt"]),
            Ref(k["contrib"]),
            fig.loadings_cents,
            fig.ratio_bp,
        )

    rows: list[tuple[str, tuple[Value, ...]]] = []
    for (r, f), fig in sorted(rep.formulas.items()):
        vals = row(fig)
        if vals:
            rows.append((f"{facts.range_labels.get(r, r)} — {f}", vals))
    for r, fig in sorted(rep.ranges.items()):
        vals = row(fig)
        if vals:
            rows.append((f"{facts.range_labels.get(r, r)} (toute la gamme)", vals))
    offer_vals = row(rep.offer)
    notes = [*rep.notes, *(f"{st.rule} — {st.source}" for st in rep.offer.steps)]
    if p.kind is PeriodKind.YEAR and rep.offer.ratio is not None:
        ans = revision_rule(rules.revision, cite, rep.offer.ratio, p.year)
        notes.append(f"{ANSWER} {ans.convention} ({ans.source})")
        if ans.freeze is not None:
            notes.append(f"{LAW} « {ans.freeze.text} » ({ans.freeze.source}). {ans.freeze.note}")
        if ans.outcome is Outcome.BEYOND_TABLE:
            notes.append("Aucun plafond n'est calculé : le texte n'en donne pas (G-66).")
    elif rep.offer.ratio is not None:
        notes.append(
            f"P/C de la période : {format_ratio(rep.offer.ratio)} ; la règle de révision porte "
            "sur le ratio annuel (rapport de l'année)."
        )
    rates = "; ".join(
        f"{format_rate(rate)} du {a:%d/%m/%Y} au {b:%d/%m/%Y} ({why})"
        for a, b, rate, why in rep.offer.loadings
    )
    return Section(
        "pc",
        None,
        title,
        definition,
        (
            DisplayTable(
                "pc",
                f"P/C — {p.label}",
                "Gamme et formule",
                ("prestations", "forfait médecin traitant", "cotisations HT", "chargements", "P/C"),
                tuple(rows),
                ("Offre", offer_vals) if offer_vals else None,
                (Format.CENTS, Format.CENTS, Format.CENTS, Format.CENTS, Format.RATIO),
                f"Taux de chargement saisi par la Mutuelle (aucun texte ne le fixe) : {rates}.",
                definition,
            ),
        ),
        lists=(rule,),
        notes=tuple(notes),
    )
