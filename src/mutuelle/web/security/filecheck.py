"""Justificatifs checked by parsing them, not by their first bytes.

* A **PDF** must open with pypdf (not encrypted), have at most ``MUTUELLE_PDF_MAX_PAGES`` pages
  and ``MUTUELLE_PDF_MAX_OBJECTS`` objects, and every stream must decode within
  ``MUTUELLE_PDF_MAX_DECODED_BYTES`` in total (pypdf's own per-stream limits are lowered to
  that budget, so a Flate bomb stops at the budget instead of expanding to a gigabyte); no
  JavaScript.
* A **JPEG or PNG** must decode fully with Pillow as that very format, with at most
  ``MUTUELLE_IMAGE_MAX_PIXELS`` pixels (Pillow's decompression-bomb limit); nothing may follow
  a PNG's ``IEND`` chunk (PNG-then-SVG).
* **Polyglots**: a file whose bytes hold HTML or SVG markup (``<html``, ``<script``, ``<svg``…)
  is refused whatever it also is, since a browser sniffing it could run it.

Each refusal is :class:`FileRefused` with a plain French reason for the visitor.
"""

from __future__ import annotations

import io
import re
import warnings
from typing import IO

from django.conf import settings

MARKUP = re.compile(
    rb"<\s*(html|script|body|head|svg|iframe|object|embed|meta|!doctype\s+html)\b", re.I
)
SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)
NOT_A_FORMAT = (
    "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG : enregistrez-le dans l'un de ces "
    "formats (une photo de votre téléphone convient)."
)


class FileRefused(Exception):
    pass


def sniff(head: bytes) -> str | None:
    for magic, ext in SIGNATURES:
        if head.startswith(magic):
            return ext
    return None


def check_bytes(data: bytes) -> str:
    """The file's real type (``pdf``, ``jpg``, ``png``), or :class:`FileRefused`."""
    kind = sniff(data[:16])
    if kind is None:
        raise FileRefused(NOT_A_FORMAT)
    if MARKUP.search(data):
        raise FileRefused(
            "Ce fichier contient du code de page web : il ne peut pas être accepté. Enregistrez "
            "de nouveau votre document en PDF, ou prenez-le en photo."
        )
    if kind == "pdf":
        check_pdf(data)
    else:
        check_image(data, kind)
    return kind


def check_file(fh: IO[bytes], limit: int) -> str:
    fh.seek(0)
    data = fh.read(limit + 1)
    fh.seek(0)
    if len(data) > limit:
        raise FileRefused(f"Ce fichier dépasse la limite de {limit // 1_000_000} Mo.")
    return check_bytes(data)


def check_pdf(data: bytes) -> None:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError
    from pypdf.generic import IndirectObject, StreamObject

    budget = settings.MUTUELLE_PDF_MAX_DECODED_BYTES
    unreadable = FileRefused(
        "Ce PDF ne s'ouvre pas (fichier abîmé ou incomplet) : enregistrez-le de nouveau ou "
        "envoyez une photo du document."
    )
    limits = {
        "zlib_maximum_output_length": budget,
        "lzw_maximum_output_length": budget,
        "run_length_maximum_output_length": budget,
        "array_based_stream_maximum_output_length": budget,
        "maximum_declared_stream_length": budget,
        "image_maximum_buffer_size": budget,
        "stream_decoding_work_maximum_length": 4 * budget,
    }
    try:
        with apply_configuration(**limits), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns on small defects it repairs
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise FileRefused(
                    "Ce PDF est protégé par un mot de passe : enregistrez-le sans protection."
                )
            pages = len(reader.pages)
            if pages == 0:
                raise unreadable
            if pages > settings.MUTUELLE_PDF_MAX_PAGES:
                raise FileRefused(
                    f"Ce PDF a {pages} pages ; un justificatif en a au plus "
                    f"{settings.MUTUELLE_PDF_MAX_PAGES}. Envoyez seulement les pages utiles."
                )
            count = sum(len(v) for v in reader.xref.values()) + len(reader.xref_objStm)
            if count > settings.MUTUELLE_PDF_MAX_OBJECTS:
                raise FileRefused(
                    "Ce PDF est trop complexe pour être accepté : imprimez-le en PDF."
                )
            root = reader.trailer["/Root"]
            if "/OpenAction" in root or "/JavaScript" in root.get("/Names", {}):
                raise FileRefused(
                    "Ce PDF contient des actions automatiques (JavaScript) : imprimez-le de "
                    "nouveau en PDF pour les retirer."
                )
            decoded = 0
            for gen_table in list(reader.xref.values()):
                for num in list(gen_table):
                    obj = IndirectObject(num, 0, reader).get_object()
                    if isinstance(obj, StreamObject):
                        decoded += len(obj.get_data())
                        if decoded > budget:
                            raise LimitReachedError("budget")
            for page in reader.pages:  # objects inside object streams are reached from here
                contents = page.get_contents()
                if contents is not None:
                    decoded += len(contents.get_data())
                    if decoded > budget:
                        raise LimitReachedError("budget")
    except FileRefused:
        raise
    except LimitReachedError:
        raise FileRefused(
            "Ce PDF se décompresse en un volume démesuré : il ne peut pas être accepté. "
            "Imprimez votre document en PDF ou prenez-le en photo."
        ) from None
    except Exception:  # any parsing failure of a hostile or broken file
        raise unreadable from None


def check_image(data: bytes, kind: str) -> None:
    from PIL import Image

    expected = {"jpg": "JPEG", "png": "PNG"}[kind]
    broken = FileRefused(
        "Cette image ne s'ouvre pas (fichier abîmé ou d'un autre format) : reprenez la photo ou "
        "envoyez un PDF."
    )
    if kind == "png" and not _png_ends_at_iend(data):
        raise FileRefused(
            "Cette image PNG contient autre chose après l'image : enregistrez-la de nouveau."
        )
    limit = settings.MUTUELLE_IMAGE_MAX_PIXELS
    too_big = FileRefused("Cette image est trop grande : envoyez une photo plus légère.")
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard (its MAX_IMAGE_PIXELS) as an error, not a warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:  # reads the header only
                if im.format != expected:
                    raise broken
                if im.width * im.height > limit:
                    raise too_big
                im.verify()
            with Image.open(io.BytesIO(data)) as im:
                im.load()  # decodes every pixel: a truncated or corrupt image fails here
    except FileRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except Exception:
        raise broken from None


def _png_ends_at_iend(data: bytes) -> bool:
    """Walk the PNG chunks: the file must end right after ``IEND`` (its CRC)."""
    pos = 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos == len(data)
    return False
