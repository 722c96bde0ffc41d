"""Choices of the members app, derived from the cores' vocabulary (:mod:`mutuelle.vocabulary`):
the values stored in the database and their French labels are written once, there. The back
office's own states (request status, event kinds) are defined here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from mutuelle import vocabulary as v


def _choices(name: str, members: Iterable[Any], label: Any = None) -> Any:
    """A ``TextChoices`` whose members, values and labels are those of a core enum."""
    return models.TextChoices(  # type: ignore[call-overload]
        name, [(m.name, (m.value, label(m) if label else m.label)) for m in members]
    )


RangeChoice = _choices("RangeChoice", v.Range)
PaymentMode = _choices("PaymentMode", v.PaymentMode)
PaymentFrequency = _choices("PaymentFrequency", v.PaymentFrequency)
Channel = _choices("Channel", v.Channel)
Role = _choices("Role", v.DEPENDANT_ROLES, lambda m: m.label.capitalize())
Proof = _choices("Proof", v.Proof)
EndReason = _choices("EndReason", v.EndReason)
DocumentKind = _choices("DocumentKind", v.DocumentKind)


def _states(name: str, states: list[tuple[str, str, str]]) -> Any:
    """A ``TextChoices`` of the back office's own states: (NAME, value, label)."""
    return models.TextChoices(  # type: ignore[call-overload]
        name, [(n, (value, label)) for n, value, label in states]
    )


# An online request (issue 5) is *pending* until staff check it and the justificatifs; every
# adhesion recorded by staff, and every validated request, is *active*; a request staff refuse
# (with the reason the visitor reads) is *refused*.
AdhesionStatus = _states(
    "AdhesionStatus",
    [
        ("PENDING", "pending", "Demande en ligne à instruire"),
        ("ACTIVE", "active", "Adhésion enregistrée"),
        ("REFUSED", "refused", "Demande en ligne refusée"),
    ],
)

EventKind = _states(
    "EventKind",
    [
        ("ADHESION", "adhesion", "Adhésion enregistrée"),
        ("DEPENDANT_ADDED", "dependant_added", "Ayant droit ajouté"),
        ("DEPENDANT_REFUSED", "dependant_refused", "Ajout d'ayant droit refusé"),
        ("FORMULA_CHANGED", "formula_changed", "Changement de formule accepté"),
        ("FORMULA_REFUSED", "formula_refused", "Changement de formule refusé"),
        ("TERMINATED", "terminated", "Cessation enregistrée"),
        ("TERMINATION_REFUSED", "termination_refused", "Résiliation refusée"),
        ("DOCUMENT", "document", "Justificatif reçu"),
        ("REQUEST", "request", "Demande d'adhésion en ligne"),
        ("VALIDATED", "validated", "Demande en ligne validée"),
        ("VALIDATION_REFUSED", "validation_refused", "Validation impossible"),
        ("PIECES_ASKED", "pieces_asked", "Pièces demandées"),
        ("REQUEST_REFUSED", "request_refused", "Demande en ligne refusée"),
        ("CHANGE", "change", "Modification"),
    ],
)
