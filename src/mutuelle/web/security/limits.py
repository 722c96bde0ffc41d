"""Request bodies bounded **before** they are read.

* :class:`RequestSizeMiddleware`: a body announced larger than ``MUTUELLE_MAX_REQUEST_BYTES``
  (``Content-Length``) is refused at once with HTTP 413 — a French page, or
  ``{"error": …, "code": "too_large"}`` under ``/api/`` — without reading a byte of it. The API
  takes no file: its bound is Django's in-memory one, ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
* :class:`BoundedUploadHandler`: while a multipart body streams in, a file that passes
  ``MUTUELLE_UPLOAD_MAX_BYTES`` is dropped at that chunk (a body sent without
  ``Content-Length`` cannot go round the first check), and so is every file after the
  ``MUTUELLE_UPLOAD_MAX_FILES``-th; the request carries ``upload_refused`` with the reason for
  the page to show it next to the field.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse


def _mb(n: int) -> str:
    """``5 Mo``, ``0,5 Mo`` (French decimal comma)."""
    mb = n / 1_000_000
    text = f"{mb:.0f}" if mb >= 10 or mb == int(mb) else f"{mb:.1f}".replace(".", ",")
    return f"{text} Mo"


class RequestSizeMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        api = request.path.startswith("/api/")
        limit = settings.MUTUELLE_MAX_REQUEST_BYTES
        if api:
            limit = min(limit, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if length > limit:
            message = (
                f"Envoi trop volumineux ({_mb(length)}) : la limite est de {_mb(limit)} par "
                "envoi. Envoyez un fichier plus léger (une photo de téléphone ou un PDF)."
            )
            if api:
                message = (
                    f"corps de la requête trop volumineux ({_mb(length)}) : la limite de l'API "
                    f"est de {_mb(limit)} par requête"
                )
                response = HttpResponse(
                    json.dumps({"error": message, "code": "too_large"}, ensure_ascii=False),
                    status=413,
                    content_type="application/json",
                )
            else:
                from django.shortcuts import render

                response = render(request, "security/413.html", {"message": message}, status=413)
            response["Connection"] = "close"
            return response
        result: HttpResponse = self.get_response(request)
        return result


class BoundedUploadHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: counts the bytes and files of a multipart body."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.files = 0
        self.size = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files += 1
        self.size = 0
        if self.files > settings.MUTUELLE_UPLOAD_MAX_FILES:
            self._refuse(
                f"Un seul fichier par envoi : envoyez les pièces une par une "
                f"({settings.MUTUELLE_UPLOAD_MAX_FILES} au plus)."
            )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.size += len(raw_data)
        limit = settings.MUTUELLE_UPLOAD_MAX_BYTES
        if self.size > limit:
            self._refuse(
                f"Ce fichier est trop lourd : la limite est de {_mb(limit)}. Prenez une photo "
                "moins lourde ou envoyez un PDF."
            )
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self, reason: str) -> None:
        if self.request is not None and not getattr(self.request, "upload_refused", ""):
            self.request.upload_refused = reason
        raise SkipFile(reason)
