"""The staff roles, as data: each role is a Django group whose permissions are listed here.

``ROLES`` maps a role's key to its group name, what it is for and its permissions
(``app_label.codename``; ``*`` patterns match several, ``exclude`` removes some). The groups
are created and brought up to date after every ``migrate`` (post-migrate hook): a permission
added here, or by an app through :func:`extend`, reaches the group at the next migration; a
permission removed here is removed from the group.

A later app adds its permissions to the roles from its ``AppConfig.ready()``::

    from mutuelle.web.security import roles
    roles.extend("comptabilite", "billing.view_call", "billing.add_call")
    roles.extend("direction", "billing.view_call")   # (direction and auditeur already get
                                                     # every view_* permission by pattern)

An unknown permission in a role is an error at the sync (a typo never silently drops a right).
The town's role ``ville`` reaches aggregates only (convention art. 5; ARCHITECTURE « the town
sees aggregates only »): it has no permission on any model holding a person's data, and the
tests check that it opens no member page.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

# Models of the person's data: the roles that must never see a person (ville) get nothing of
# these apps, and the patterns of direction/auditeur skip the permissions listed in SENSITIVE.
SENSITIVE = (
    "security.view_iban",  # comptabilité and administrateur only
    "security.export_person",
    "security.erase_person",
    "security.view_accesslog",  # auditeur (and administrateur)
    "security.export_accesslog",
)
ADMIN_ONLY_APPS = ("auth.*", "axes.*", "otp_totp.*", "otp_static.*", "sessions.*", "admin.*")
FILE = ("person", "adhesion", "affiliation", "formulaperiod")


def _perms(app: str, actions: tuple[str, ...], models: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{app}.{a}_{m}" for a in actions for m in models)


@dataclass
class Role:
    group: str  # the Django group's name, shown in the back office
    purpose: str
    permissions: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


ROLES: dict[str, Role] = {
    "accueil": Role(
        "Accueil",
        "Enrôlement : adhésions, ayants droit, justificatifs, permanences.",
        [
            *_perms("members", ("view", "add", "change"), (*FILE, "document")),
            "members.view_event",
            "public.view_permanenceplace",
            "public.view_permanenceslot",
        ],
    ),
    "prestations": Role(
        "Prestations",
        "Remboursements : lecture des dossiers et des justificatifs (les demandes de "
        "remboursement s'ajouteront avec leur application).",
        [*_perms("members", ("view",), (*FILE, "document", "event"))],
    ),
    "comptabilite": Role(
        "Comptabilité",
        "Cotisations et paiements : dossiers, coordonnées bancaires en clair.",
        # Read and the IBAN in clear; the billing and payments apps add their own acts
        # (roles.extend("comptabilite", …)). No act on the file itself (accueil's).
        # The payments admin (mandates and their account changes, SEPA files, bank returns
        # and their import) is comptabilité's screen: read, IBAN in clear (issue 12).
        [
            *_perms("members", ("view",), (*FILE, "event")),
            "security.view_iban",
            "payments.view_*",
            "payments.add_bankreturnfile",  # import the bank's rejects and returns
            "journal.view_*",  # the money journal it keeps
            "documents.view_produceddocument",  # the calls and notices sent
            "jobs.view_batchrun",
            "jobs.add_batchrun",  # start the yearly calls, collections, letters
        ],
    ),
    "reclamations": Role(
        "Réclamations",
        "Réclamations et médiation : lecture des dossiers et des justificatifs.",
        [*_perms("members", ("view",), (*FILE, "document", "event"))],
    ),
    "direction": Role(
        "Direction",
        "Tout voir, ne rien modifier (IBAN masqués, pas le journal des accès).",
        ["*.view_*", "reporting.view_town_aggregates"],
        exclude=[*SENSITIVE, *ADMIN_ONLY_APPS],
    ),
    "auditeur": Role(
        "Auditeur",
        "Contrôle : tout voir, et le journal des accès aux dossiers (consultation, export).",
        ["*.view_*", "security.view_accesslog", "security.export_accesslog"],
        exclude=[
            "security.view_iban",
            "security.export_person",
            "security.erase_person",
            *ADMIN_ONLY_APPS,
        ],
    ),
    "ville": Role(
        "Ville (comité de pilotage)",
        "Agrégats seulement : aucun dossier, aucune personne (convention art. 5).",
        ["reporting.view_town_aggregates", "public.view_cssorientation"],
    ),
    "administrateur": Role(
        "Administrateur",
        "Comptes, rôles, appareils de double authentification, déverrouillage, purge.",
        ["*.*"],
    ),
}


def extend(role: str, *permissions: str) -> None:
    """Add permissions (``app_label.codename``) to a role; for the apps built later."""
    if role not in ROLES:
        raise KeyError(f"rôle inconnu : {role} (rôles : {', '.join(ROLES)})")
    for p in permissions:
        if p not in ROLES[role].permissions:
            ROLES[role].permissions.append(p)


def group_name(role: str) -> str:
    return ROLES[role].group


def resolve(role: Role, available: dict[str, Any]) -> dict[str, Any]:
    """The permissions of ``role`` among ``available`` (``"app.codename"`` → Permission)."""
    chosen: dict[str, Any] = {}
    for pattern in role.permissions:
        if any(c in pattern for c in "*?["):
            chosen.update({k: v for k, v in available.items() if fnmatch.fnmatchcase(k, pattern)})
        elif pattern in available:
            chosen[pattern] = available[pattern]
        else:
            raise LookupError(f"rôle {role.group} : permission inconnue {pattern}")
    for pattern in role.exclude:
        for k in [k for k in chosen if fnmatch.fnmatchcase(k, pattern)]:
            del chosen[k]
    return chosen


def sync_roles(verbosity: int = 0) -> dict[str, int]:
    """Create or update one group per role with exactly its permissions."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for config in apps.get_app_configs():  # every app's permissions exist before we pick
        create_permissions(config, verbosity=0)
    available = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    counts = {}
    for role in ROLES.values():
        perms = resolve(role, available)
        group, _ = Group.objects.get_or_create(name=role.group)
        group.permissions.set(perms.values())
        counts[role.group] = len(perms)
        if verbosity:
            print(f"rôle {role.group} : {len(perms)} permissions")
    return counts


def sync_after_migrate(sender: Any, **kwargs: Any) -> None:
    sync_roles(verbosity=0)


def roles_of(user: Any) -> list[str]:
    names = set(user.groups.values_list("name", flat=True))
    return [key for key, r in ROLES.items() if r.group in names]
