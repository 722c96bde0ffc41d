"""Produce documents, keep them, prove them — the API every domain uses for its paper.

* :func:`produce` renders a core-built :class:`~mutuelle.documents.Document` to PDF, writes
  the file under the documents folder (created 0600, folders 0700), and records it
  (:class:`ProducedDocument`: kind, owner, sha256, template version, offer, batch). The same
  content for the same owner and kind is produced once: asked again, the first record is
  returned.
* :func:`produce_many` does the same for many documents in one process, writing records in
  batches (a billing run of 30 000 calls); :func:`render_pdf` only renders.
* :func:`verify` renders a record's document again from its stored content with its template
  version and checks both hashes: the stored file's and the new rendering's (docs I-114).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from mutuelle.documents import Document, DocumentKind, document_from_data
from mutuelle.web.documents.models import ProducedDocument
from mutuelle.web.documents.render import TEMPLATE_VERSION, render_many, render_pdf, renderer
from mutuelle.web.members.models import Adhesion, Person

Owner = Adhesion | Person | None

__all__ = [
    "Item",
    "ProducedDocument",
    "Verification",
    "documents_dir",
    "owned_by",
    "produce",
    "produce_many",
    "read_pdf",
    "render_pdf",
    "verify",
]


def documents_dir() -> Path:
    """Where produced PDFs are kept: ``$MUTUELLE_DATA_DIR/documents`` unless
    ``settings.MUTUELLE_DOCUMENTS_DIR`` says otherwise."""
    configured = getattr(settings, "MUTUELLE_DOCUMENTS_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "documents"


def _owner_fields(owner: Owner) -> dict[str, Any]:
    if isinstance(owner, Adhesion):
        return {"adhesion": owner, "person": owner.member}
    if isinstance(owner, Person):
        return {"adhesion": None, "person": owner}
    return {"adhesion": None, "person": None}


def _write(kind: DocumentKind, pdf: bytes) -> tuple[str, str]:
    """Write the PDF once under its hash; returns (relative path, sha256)."""
    sha = hashlib.sha256(pdf).hexdigest()
    relative = f"{kind.value}/{sha[:2]}/{sha}.pdf"
    target = documents_dir() / relative
    folder = target.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return relative, sha  # the same bytes are already kept
    with os.fdopen(fd, "wb") as out:
        out.write(pdf)
    return relative, sha


def _existing(kind: DocumentKind, owner: Owner, fingerprint: str) -> ProducedDocument | None:
    o = _owner_fields(owner)
    return (
        ProducedDocument.objects.filter(
            kind=kind.value,
            adhesion=o["adhesion"],
            person=o["person"],
            fingerprint=fingerprint,
            template_version=TEMPLATE_VERSION,
        )
        .order_by("created_at", "id")
        .first()
    )


def _record(
    document: Document,
    pdf: bytes,
    *,
    kind: DocumentKind,
    owner: Owner,
    offer: str,
    batch: str,
    actor: Any,
) -> ProducedDocument:
    path, sha = _write(kind, pdf)
    return ProducedDocument(
        kind=kind.value,
        title=document.title[:200],
        offer=offer,
        sha256=sha,
        size=len(pdf),
        fingerprint=document.fingerprint(),
        template_version=TEMPLATE_VERSION,
        renderer=renderer(),
        content=document.to_data(),
        path=path,
        batch=batch,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **_owner_fields(owner),
    )


def produce(
    document: Document,
    *,
    kind: DocumentKind,
    owner: Owner,
    offer: str,
    batch: str = "",
    actor: Any = None,
) -> ProducedDocument:
    """Render, keep and record ``document`` (or return the record of the same content)."""
    kind = DocumentKind(kind)
    found = _existing(kind, owner, document.fingerprint())
    if found is not None:
        return found
    produced = _record(
        document,
        render_pdf(document),
        kind=kind,
        owner=owner,
        offer=offer,
        batch=batch,
        actor=actor,
    )
    produced.save()
    return produced


@dataclass(frozen=True)
class Item:
    """One document of a batch and what it is."""

    document: Document
    kind: DocumentKind
    owner: Owner
    offer: str


def produce_many(items: Iterable[Item], *, batch: str, actor: Any = None, chunk: int = 200) -> int:
    """Produce many documents in this process; returns how many were new. Records are written
    per chunk (a few queries each, never one per document); a rerun of the same batch skips
    what it already produced, so an interrupted run resumes where it stopped."""
    made = 0
    it = iter(items)
    while part := list(islice(it, chunk)):
        prints = [i.document.fingerprint() for i in part]
        done = set(
            ProducedDocument.objects.filter(
                fingerprint__in=prints, template_version=TEMPLATE_VERSION
            ).values_list("kind", "adhesion_id", "person_id", "fingerprint")
        )

        def key(i: Item, fp: str) -> tuple[str, int | None, int | None, str]:
            o = _owner_fields(i.owner)
            return (
                DocumentKind(i.kind).value,
                o["adhesion"].pk if o["adhesion"] else None,
                o["person"].pk if o["person"] else None,
                fp,
            )

        todo = [i for i, fp in zip(part, prints, strict=True) if key(i, fp) not in done]
        records = [
            _record(
                i.document,
                pdf,
                kind=DocumentKind(i.kind),
                owner=i.owner,
                offer=i.offer,
                batch=batch,
                actor=actor,
            )
            for i, pdf in zip(todo, render_many(i.document for i in todo), strict=True)
        ]
        with transaction.atomic():
            ProducedDocument.objects.bulk_create(records)
        made += len(records)
    return made


def read_pdf(produced: ProducedDocument) -> bytes:
    return (documents_dir() / produced.path).read_bytes()


@dataclass(frozen=True)
class Verification:
    ok: bool
    stored_ok: bool  # the kept file still has the recorded hash
    reproduced_ok: bool  # rendering the recorded content again gives the same hash
    message: str


def verify(produced: ProducedDocument) -> Verification:
    """Re-produce the document from its record and compare it with what was produced."""
    try:
        stored = hashlib.sha256(read_pdf(produced)).hexdigest() == produced.sha256
    except FileNotFoundError:
        stored = False
    document = document_from_data(produced.content)
    again = hashlib.sha256(render_pdf(document, produced.template_version)).hexdigest()
    reproduced = again == produced.sha256
    notes: list[str] = []
    notes.append("fichier conservé intact" if stored else "fichier conservé absent ou modifié")
    if reproduced:
        notes.append("le contenu enregistré redonne exactement le même PDF")
    else:
        notes.append("le contenu enregistré ne redonne pas le même PDF")
        if produced.renderer != renderer():
            notes.append(f"produit avec {produced.renderer}, rendu aujourd'hui avec {renderer()}")
    return Verification(stored and reproduced, stored, reproduced, " ; ".join(notes) + ".")


def owned_by(adhesion: Adhesion) -> Sequence[ProducedDocument]:
    return list(ProducedDocument.objects.filter(adhesion=adhesion).order_by("-created_at", "-id"))
