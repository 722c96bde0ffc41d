"""The rights of the persons (GDPR art. 15, 17, 20; règlement II-4).

* :func:`export_person` — everything held about one person, as a ZIP: ``donnees.json``
  (identity, every adhesion where they are the member or a dependant with its formulas,
  dependants, justificatifs received and the history of acts) and the files they sent. The
  IBAN is in it (it is theirs). CLI ``mutuelle export-person``; back office action « Exporter
  les données de la personne (RGPD) » (permission ``security.export_person``). Each export is
  recorded in the access log.
* :func:`erasure_plan` / :func:`erase_person` — what an erasure request can delete today, and
  what the Mutuelle must keep and until when (docs/interpretations.md I-133): a request never
  validated (no contract) is deleted at once; a contract in force is kept (its execution needs
  it, art. 17(1)(a) does not apply); an ended contract is kept until the end of its retention
  period (règlement II-4, prescription L.221-11), then ``mutuelle purge`` deletes it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

FORMAT = "mutuelle-communale/export-personne/1"


def _value(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return timezone.localtime(v).isoformat() if timezone.is_aware(v) else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _row(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in skip:
            continue
        v = getattr(obj, f.attname)
        if f.name == "file":
            v = v.name if v else ""
        out[f.name] = _value(v)
        display = getattr(obj, f"get_{f.name}_display", None)
        if display is not None and v:
            out[f"{f.name}_libelle"] = str(display())
    return out


def _adhesions_of(person: Any) -> Any:
    from django.db.models import Q

    from mutuelle.web.members.models import Adhesion

    return Adhesion.objects.filter(Q(member=person) | Q(affiliations__person=person)).distinct()


def person_data(person: Any) -> dict[str, Any]:
    adhesions = _adhesions_of(person).prefetch_related(
        "affiliations__person", "formula_periods", "documents", "events"
    )
    files = []
    out_adhesions = []
    for a in adhesions.order_by("number"):
        docs = [
            d for d in a.documents.all() if a.member_id == person.pk or d.person_id == person.pk
        ]
        files += [d for d in docs if d.file]
        out_adhesions.append(
            {
                "qualite": "membre participant" if a.member_id == person.pk else "ayant droit",
                "adhesion": _row(a),
                "formules": [_row(p) for p in a.formula_periods.all()],
                "ayants_droit": [
                    {**_row(x), "personne": str(x.person)}
                    for x in a.affiliations.all()
                    if a.member_id == person.pk or x.person_id == person.pk
                ],
                "justificatifs": [_row(d) for d in docs],
                "historique": [
                    _row(e, skip=("actor",)) for e in a.events.all() if a.member_id == person.pk
                ],
            }
        )
    return {
        "format": FORMAT,
        "produit_le": timezone.localtime().isoformat(),
        "responsable_du_traitement": "Mutuelle Entrenous (règlement II-4)",
        "personne": _row(person),
        "adhesions": out_adhesions,
        "_files": files,
    }


def export_person(person: Any) -> tuple[bytes, list[Any]]:
    """The ZIP of a person's data, and the objects it holds (for the access log)."""
    data = person_data(person)
    files = data.pop("_files")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        for d in files:
            with d.file.open("rb") as fh:
                z.writestr(f"justificatifs/{d.pk}-{d.file.name.rsplit('/', 1)[-1]}", fh.read())
        z.writestr(
            "LISEZMOI.txt",
            "Données détenues par la Mutuelle sur cette personne (RGPD art. 15 et 20) : "
            "donnees.json (format JSON, lisible par machine) et les justificatifs envoyés.\n",
        )
    return buf.getvalue(), [person, *files]


@admin.action(description="Exporter les données de la personne (RGPD art. 15 et 20)")
def export_person_action(modeladmin: Any, request: HttpRequest, queryset: Any) -> Any:
    from mutuelle.web.members.models import Adhesion
    from mutuelle.web.security.audit import AccessAction, log_many

    if not request.user.has_perm("security.export_person"):
        modeladmin.message_user(
            request, "Export refusé : réservé aux administrateurs (RGPD).", messages.ERROR
        )
        return None
    objs = list(queryset[:2])
    if len(objs) != 1:
        modeladmin.message_user(request, "Choisissez une seule ligne à exporter.", messages.ERROR)
        return None
    person = objs[0].member if isinstance(objs[0], Adhesion) else objs[0]
    data, held = export_person(person)
    log_many(
        request, held, action=AccessAction.EXPORT, what=f"export RGPD de la personne n° {person.pk}"
    )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="donnees-personne-{person.pk}.zip"'
    return response


@dataclass
class ErasurePlan:
    person_id: int
    deleted_now: list[str] = field(default_factory=list)
    kept: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"person": self.person_id, "deleted_now": self.deleted_now, "kept": self.kept}


def erasure_plan(person: Any, today: dt.date) -> ErasurePlan:
    from mutuelle.web.members.enums import AdhesionStatus
    from mutuelle.web.security import retention

    result = ErasurePlan(person.pk)
    for a in _adhesions_of(person).order_by("number"):
        if a.status == AdhesionStatus.PENDING and a.member_id == person.pk:
            result.deleted_now.append(a.number)
            continue
        key = {"tns": "adhesion_ended_tns", "agents": "adhesion_ended_agents"}.get(
            a.range, "adhesion_ended"
        )
        r = retention.rule(key)
        if a.end is None or a.end >= today:
            until = "tant que le contrat court, puis " + f"{r.years} ans après sa fin"
            why = (
                "contrat en cours : ses données sont nécessaires à son exécution "
                "(cotisations, remboursements) ; l'effacement ne s'applique pas"
            )
        else:
            until = retention.add_years(a.end, r.years).isoformat()
            why = (
                "contrat terminé : gardé pour la prescription des actions (L.221-11, deux ans) "
                "et les obligations légales, au plus la durée du règlement, puis purgé"
            )
        result.kept.append({"adhesion": a.number, "until": until, "why": why, "source": r.source})
    return result


def erase_person(person: Any, today: dt.date, actor: str = "") -> ErasurePlan:
    """Delete what :func:`erasure_plan` says can go now; the rest stays (and is said)."""
    from mutuelle.web.members.models import Adhesion
    from mutuelle.web.security import retention

    todo = erasure_plan(person, today)
    ids = list(Adhesion.objects.filter(number__in=todo.deleted_now).values_list("id", flat=True))
    if ids:
        with transaction.atomic():
            retention._allow_deletes()
            retention.delete_adhesions(ids)
            retention._forbid_deletes()
    return todo
