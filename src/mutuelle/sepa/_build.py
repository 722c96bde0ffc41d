"""What pain.008 and pain.001 share: input checks, the deterministic identifiers sepaxml draws
at random, and the recount of the produced file against the instructions, to the cent."""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from lxml import etree
from sepaxml.utils import decimal_str_to_int, int_to_decimal_str

from mutuelle.sepa.errors import SepaError, SepaErrorCode
from mutuelle.sepa.model import PaymentBatch, PostalAddress, SequenceType
from mutuelle.sepa.text import check_identifier, sepa_text

MAX_AMOUNT_CENTS = 99_999_999_999  # ISO 20022 amount: 18 digits, 2 decimals; EPC 999 999 999,99 €


def check_amount(cents: int, ref: str) -> int:
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise SepaError(
            SepaErrorCode.AMOUNT_INVALID, f"{ref} : montant en centimes entiers attendu"
        )
    if not 1 <= cents <= MAX_AMOUNT_CENTS:
        raise SepaError(
            SepaErrorCode.AMOUNT_INVALID,
            f"{ref} : montant {cents} centimes hors de 0,01 € à 999 999 999,99 €",
        )
    return cents


def check_unique(ids: Iterable[str]) -> None:
    seen: set[str] = set()
    dupes: list[str] = []
    for i in ids:
        if i in seen:
            dupes.append(i)
        seen.add(i)
    if dupes:
        raise SepaError(
            SepaErrorCode.DUPLICATE_REFERENCE,
            "référence de bout en bout présente plusieurs fois dans le fichier",
            details=tuple(sorted(set(dupes))[:10]),
        )


def address_dict(address: PostalAddress | None) -> dict[str, str]:
    if address is None:
        return {}
    parts = {
        "street_name": sepa_text(address.street, 70),
        "building_number": sepa_text(address.building, 16),
        "postcode": sepa_text(address.postcode, 16),
        "town": sepa_text(address.town, 35),
        "country": address.country.upper(),
    }
    return {k: v for k, v in parts.items() if v}


def cents_of(text: str | None) -> int:
    if text is None:
        raise SepaError(SepaErrorCode.CONTROL_SUM, "montant absent du fichier produit")
    return int(Decimal(text) * 100)


def sepaxml_bytes(document: Any) -> bytes:
    """The bytes of sepaxml's ``document.export(validate=False)`` (a ``SepaDD`` or a
    ``SepaTransfer``), by the same steps as sepaxml 2.7.0's ``SepaPaymentInitn.export``: its
    batches finalised by sepaxml (``_finalize_batch``: the PmtInf blocks, their counts and
    sums), the group header's count and sum added up from them, the declaration sepaxml puts
    first. Only the serialisation differs: ElementTree writes the tree to a ``str``, encoded
    once, where ``tostring(…, "utf-8")`` passes each of a 30 000-debit file's two million
    pieces through a UTF-8 text wrapper (0.8 s of CPU for 28 500 debits, 0.55 s to a ``str``;
    issue 10). Same bytes as ``export`` (tests/sepa/test_export.py: sepaxml is pinned, the
    test guards an upgrade). Validation stays ours, once, by lxml (:mod:`mutuelle.sepa.xsd`).

    Why sepaxml keeps the standard library's elements (measured for 28 500 debits, eighth pass,
    bench/README.md): having its modules build lxml elements instead (``ET`` swapped) would
    leave the writing to libxml2 and spare the re-parse, but sepaxml makes each of the 684 000
    elements from Python, and an lxml element costs several times a standard one to make, to
    fill and to append (its own document, namespace fix-ups at each append): 1.5 to 3.4 s to
    build the tree against 0.4 s, more than the 2 s of serialisation it saves. lxml also refuses
    the ``xmlns:xsi`` attribute sepaxml sets and warns on the truth test of an element that
    sepaxml relies on; converting the standard tree into lxml from Python was slower still."""
    document._finalize_batch()
    root = document._xml
    ctrl_sum = sum(decimal_str_to_int(e.text) for e in root.iter("CtrlSum") if e.text is not None)
    count = sum(int(e.text) for e in root.iter("NbOfTxs") if e.text is not None)
    header = root.find(document.root_el).find("GrpHdr")
    header.find("CtrlSum").text = int_to_decimal_str(ctrl_sum)
    header.find("NbOfTxs").text = str(count)
    body = ET.tostring(root, encoding="unicode")
    return b'<?xml version="1.0" encoding="UTF-8"?>' + body.encode("utf-8")


def finish(
    xml: bytes,
    *,
    schema_name: str,
    message_id: str,
    created_at: dt.datetime,
    transaction_tag: str,
    expected: Sequence[int],
) -> tuple[etree._ElementTree, tuple[PaymentBatch, ...]]:
    """The tree of sepaxml's ``xml``, with what sepaxml draws at random fixed (message id,
    creation time, PmtInf ids) so the same instructions always give the same bytes, every
    total recounted against ``expected``. Not serialised here: the caller completes the tree
    (the amendments), validates it, then writes it once (:func:`file_bytes`)."""
    check_identifier(message_id, what="identifiant de message")
    ns = f"urn:iso:std:iso:20022:tech:xsd:{schema_name}"
    q = f"{{{ns}}}"
    parser = etree.XMLParser(remove_blank_text=True, huge_tree=True)
    root = etree.fromstring(xml, parser)
    header = root.find(f"{q}*/{q}GrpHdr")
    assert header is not None
    header.find(f"{q}MsgId").text = message_id  # type: ignore[union-attr]
    header.find(f"{q}CreDtTm").text = created_at.strftime("%Y-%m-%dT%H:%M:%S")  # type: ignore[union-attr]
    batches: list[PaymentBatch] = []
    counted = 0
    total = 0
    for n, pmt in enumerate(root.iter(f"{q}PmtInf"), start=1):
        pid = f"{message_id[:31]}-{n:03d}"
        pmt.find(f"{q}PmtInfId").text = pid
        txs = pmt.findall(f"{q}{transaction_tag}")
        # InstdAmt is only in a transaction (pain.008: its child; pain.001: under Amt): one
        # walk of the block, one amount per transaction required
        amounts = [a.text for a in pmt.iter(f"{q}InstdAmt")]
        if len(amounts) != len(txs):
            raise SepaError(
                SepaErrorCode.CONTROL_SUM,
                f"lot {pid} : {len(txs)} opérations, {len(amounts)} montants",
            )
        sum_cents = sum(cents_of(a) for a in amounts)
        declared_n = int(pmt.findtext(f"{q}NbOfTxs") or -1)
        declared_sum = cents_of(pmt.findtext(f"{q}CtrlSum"))
        if declared_n != len(txs) or declared_sum != sum_cents:
            raise SepaError(
                SepaErrorCode.CONTROL_SUM,
                f"lot {pid} : {declared_n} opérations / {declared_sum} c déclarées, "
                f"{len(txs)} / {sum_cents} c présentes",
            )
        seq = pmt.findtext(f"{q}PmtTpInf/{q}SeqTp")
        batches.append(PaymentBatch(pid, len(txs), sum_cents, SequenceType(seq) if seq else None))
        counted += len(txs)
        total += sum_cents
    head_n = int(header.findtext(f"{q}NbOfTxs") or -1)
    head_sum = cents_of(header.findtext(f"{q}CtrlSum"))
    if (head_n, head_sum) != (counted, total) or (counted, total) != (len(expected), sum(expected)):
        raise SepaError(
            SepaErrorCode.CONTROL_SUM,
            f"totaux du fichier ({head_n} opérations, {head_sum} c) différents des "
            f"instructions ({len(expected)} opérations, {sum(expected)} c)",
        )
    return etree.ElementTree(root), tuple(batches)


def file_bytes(tree: etree._ElementTree) -> bytes:
    """The file as written to disk and sent to the bank: libxml2's serialisation, once."""
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
