"""Object-level rules (``rules`` 3.5) on top of the roles' permissions. Ask them with
``user.has_perm(name, obj)`` (the ``rules`` backend is in AUTHENTICATION_BACKENDS):

* ``members.download_document`` (a :class:`~mutuelle.web.members.models.Document`): the role
  reads justificatifs (``members.view_document``: accueil, prestations, réclamations,
  direction, auditeur, administrateur — not comptabilité, not ville) and the document has a
  file;
* ``security.see_iban`` (an adhesion, or any object holding an IBAN): ``security.view_iban``
  (comptabilité, administrateur);
* ``security.read_member_file`` (any object of a person's file): a role that reads files
  (``members.view_adhesion``); the town's role never does.
"""

from __future__ import annotations

from typing import Any

import rules


@rules.predicate
def reads_justificatifs(user: Any, document: Any = None) -> bool:
    return bool(user.has_perm("members.view_document"))


@rules.predicate
def has_file(user: Any, document: Any = None) -> bool:
    return document is None or bool(getattr(document, "file", None))


@rules.predicate
def sees_iban(user: Any, obj: Any = None) -> bool:
    return bool(user.has_perm("security.view_iban"))


@rules.predicate
def reads_files(user: Any, obj: Any = None) -> bool:
    return bool(user.has_perm("members.view_adhesion"))


def register() -> None:
    for name, pred in (
        ("members.download_document", reads_justificatifs & has_file),
        ("security.see_iban", sees_iban),
        ("security.read_member_file", reads_files),
    ):
        if not rules.perm_exists(name):
            rules.add_perm(name, pred)
