"""Justificatifs sent with an online request: checked (size, then type by parsing the content —
:mod:`mutuelle.web.security.filecheck`), stored outside any served folder (``MEDIA_ROOT``,
files 0600 in 0700 folders), recorded as a :class:`Document` with the history.

Type by content, not by name: a PDF must open as a PDF, a JPEG or a PNG must decode as that
image; polyglots (a PDF or an image that is also a web page) and bombs are refused. Anything
else is refused in plain French, whatever its extension.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from mutuelle.web.members.enums import EventKind
from mutuelle.web.members.models import Adhesion, Document, Event, Person
from mutuelle.web.security import filecheck

SIGNATURES = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
)


class Rejected(Exception):
    pass


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, ext, mime in SIGNATURES:
        if head.startswith(magic):
            return ext, mime
    return None


def check(upload: UploadedFile) -> str:
    """The file's real extension, or :class:`Rejected` with the reason."""
    limit = settings.MUTUELLE_UPLOAD_MAX_BYTES
    size = upload.size or 0
    if size == 0:
        raise Rejected("Ce fichier est vide : choisissez le bon fichier.")
    if size > limit:
        raise Rejected(
            f"Ce fichier pèse {size / 1_000_000:.1f} Mo ; la limite est de "
            f"{limit // 1_000_000} Mo. Prenez une photo moins lourde ou envoyez un PDF.".replace(
                ".", ",", 1
            )
        )
    try:
        return filecheck.check_file(upload, limit)
    except filecheck.FileRefused as exc:
        raise Rejected(str(exc)) from None


def person_for(adhesion: Adhesion, index: int | None) -> Person | None:
    if index is None:
        return None
    if index == 0:
        return adhesion.member
    affiliations = list(adhesion.affiliations.order_by("id"))
    return affiliations[index - 1].person if 0 < index <= len(affiliations) else None


def note_for(needed: dict[str, Any]) -> str:
    return f"envoyé en ligne — {needed['who']}"


def attach(adhesion: Adhesion, needed: dict[str, Any], upload: UploadedFile) -> Document:
    ext = check(upload)
    today = timezone.localdate()
    person = person_for(adhesion, needed.get("person_index"))
    original = (upload.name or "fichier")[-150:]
    upload.name = f"{adhesion.number}-{needed['kind']}.{ext}"
    doc = Document(
        adhesion=adhesion,
        person=person,
        kind=needed["kind"],
        received_on=today,
        note=note_for(needed),
        original_name=original,
    )
    # The file is written first; if the database refuses the row, the file is removed.
    doc.file.save(upload.name, upload, save=False)
    try:
        with transaction.atomic():
            doc.save()
            Event.objects.create(
                adhesion=adhesion,
                kind=EventKind.DOCUMENT,
                summary=f"Justificatif envoyé en ligne le {today:%d/%m/%Y} : "
                f"{doc.get_kind_display()} ({needed['who']})",
                data={"file": doc.file.name, "original_name": original},
            )
    except Exception:
        doc.file.delete(save=False)
        raise
    return doc
