"""The private link of an online request (issue 9): the request's page exists on every device
that holds the link, and in the browser that sent it only for a while.

* the token is random (``secrets.token_urlsafe``, 128 bits); only its SHA-256 is stored
  (:class:`~mutuelle.web.public.models.RequestLink`), so the database alone opens nothing;
* it opens the page while the request is *pending* (staff have not decided yet); once decided,
  the link answers « plus disponible » and the Mutuelle writes to the person;
* a browser that sent the request or opened the link keeps access for ``SESSION_SECONDS``
  after its last visit, not for the 14 days of the visitor's session (a shared computer at a
  permanence: the next user does not find the request).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from django.http import HttpRequest

from mutuelle.web.members.enums import AdhesionStatus
from mutuelle.web.members.models import Adhesion
from mutuelle.web.public.models import RequestLink

# How long a browser keeps a request open after its last visit to it: long enough to gather
# the justificatifs in one sitting, short enough for a shared computer (a choice of the site,
# not of the offer's texts; the 14-day session of the simulator's answers is not affected).
SESSION_SECONDS = 2 * 3600


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(adhesion: Adhesion, documents: list[dict[str, Any]]) -> str:
    """A new private link for ``adhesion``; the token is returned once, never stored.

    A double submit of the request form (same idempotency key) finds the same request: its link
    gets a new token, which replaces the previous one — the browser shows only the last answer,
    so the first token was never seen.
    """
    token = secrets.token_urlsafe(16)
    RequestLink.objects.update_or_create(
        adhesion=adhesion, defaults={"token_hash": _hash(token), "documents": documents}
    )
    return token


def find(token: str) -> RequestLink | None:
    """The link of a pending request, or None (unknown token, or request already decided)."""
    if not token or len(token) > 64:
        return None
    link = RequestLink.objects.select_related("adhesion").filter(token_hash=_hash(token)).first()
    if link is None or link.adhesion.status != AdhesionStatus.PENDING:
        return None
    return link


def remember(request: HttpRequest, adhesion: Adhesion, token: str, documents: list[Any]) -> None:
    """This browser may show the request for ``SESSION_SECONDS`` after its last visit."""
    mine = dict(request.session.get("open_requests", {}))
    mine[adhesion.number] = time.time()
    request.session["open_requests"] = dict(list(mine.items())[-5:])
    request.session[f"request:{adhesion.number}"] = {"documents": documents, "link": token}


def allowed(request: HttpRequest, number: str) -> bool:
    """Whether this browser still holds the request (and keep it open for another while)."""
    mine = dict(request.session.get("open_requests", {}))
    seen = mine.get(number)
    if seen is None or time.time() - float(seen) > SESSION_SECONDS:
        if seen is not None:
            mine.pop(number)
            request.session["open_requests"] = mine
            request.session.pop(f"request:{number}", None)
        return False
    mine[number] = time.time()
    request.session["open_requests"] = mine
    return True
