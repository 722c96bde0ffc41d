"""Bank returns: pain.002 status reports (rejects before settlement) and camt.054 debit/credit
notifications (R-transactions after settlement: returns, refunds, reversals).

Parsed, not scraped: the document is read by the xsdata bindings of pyiso20022 (one per
ISO 20022 version), which refuse an element or attribute the version does not define; then
every line must carry what a reconciliation needs (end-to-end id, status, reason of a
reject). Any defect refuses the whole file with a report: never a partial result.
Format notes for staff and banks: ``docs/bank-returns-format.md``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, NoReturn

from lxml import etree
from xsdata.exceptions import ConverterWarning, ParserError
from xsdata.formats.dataclass.parsers import XmlParser
from xsdata.formats.dataclass.parsers.config import ParserConfig

from mutuelle.sepa.errors import SepaError, SepaErrorCode
from mutuelle.sepa.reasons import Reason, reason

_NS = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(pain\.002|camt\.054)\.001\.(\d\d)$")
# The versions whose bindings pyiso20022 ships (1.6.2): pain.002 .01–.14, camt.054 .01–.12.
# Tested: pain.002.001.03 and .10, camt.054.001.08 (the EPC 2019 versions and the 2009 one).
SUPPORTED = {"pain.002": range(3, 15), "camt.054": range(2, 13)}
MAX_BYTES = 200 * 1024 * 1024


class ReturnStage(StrEnum):
    REJECT = "reject"  # before settlement (pain.002): nothing was debited or credited
    RETURN = "return"  # after settlement (camt.054): the money moved, then came back

    @property
    def label(self) -> str:
        return "rejet avant règlement" if self is ReturnStage.REJECT else "retour après règlement"


@dataclass(frozen=True, slots=True)
class ReturnLine:
    """One transaction the bank did not carry out (or reversed)."""

    end_to_end_id: str
    stage: ReturnStage
    status: str  # RJCT for a reject; RTRN for a return
    reason: Reason
    amount_cents: int | None
    original_message_id: str | None
    payment_info_id: str | None
    mandate_id: str | None
    booked_on: dt.date | None = None
    # What the bank charged the Mutuelle for this reject or return, when the file says it
    # (pain.002 ``TxInfAndSts/ChrgsInf/Amt``, camt.054 ``TxDtls/Chrgs/Rcrd/Amt``); None when
    # the file carries no charge (docs G-70). Règlement particuliers III-2-4 lets the Mutuelle
    # call this amount back « à l'euro l'euro » (mutuelle.billing.fees decides where).
    charge_cents: int | None = None


@dataclass(frozen=True, slots=True)
class GroupReject:
    """A whole file (``payment_info_id`` None) or a whole PmtInf block rejected."""

    original_message_id: str
    payment_info_id: str | None
    reason: Reason


@dataclass(frozen=True, slots=True)
class BankReturnReport:
    message_type: str  # "pain.002" or "camt.054"
    schema: str  # e.g. "pain.002.001.10"
    message_id: str
    created_at: str
    original_message_ids: tuple[str, ...]
    lines: tuple[ReturnLine, ...]
    group_rejects: tuple[GroupReject, ...]
    accepted_count: int  # status lines saying accepted (ACCP, ACSC…) or notification entries
    # that are not returns; shown, never applied


def parse_bank_file(data: bytes) -> BankReturnReport:
    """Parse a pain.002 or camt.054 file; :class:`SepaError` (``RETURN_FILE_INVALID``) with the
    list of problems otherwise."""
    if not data.strip():
        _fail("fichier vide")
    if len(data) > MAX_BYTES:
        _fail(f"fichier de plus de {MAX_BYTES // (1024 * 1024)} Mo")
    try:
        root = etree.fromstring(
            data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        )
    except etree.XMLSyntaxError as exc:
        _fail("ce n'est pas un fichier XML lisible", f"ligne {exc.lineno} : {exc.msg}")
    ns = etree.QName(root).namespace or ""
    match = _NS.match(ns)
    if etree.QName(root).localname != "Document" or not match:
        _fail(
            "ni un rapport d'état pain.002 ni un avis camt.054 (ISO 20022)",
            f"élément racine {etree.QName(root).localname}, espace de noms « {ns or 'aucun'} »",
        )
    kind, version = match.group(1), int(match.group(2))
    if version not in SUPPORTED[kind]:
        _fail(f"version {kind}.001.{version:02d} non prise en charge")
    module = importlib.import_module(
        f"pyiso20022.{kind[:4]}.{kind.replace('.', '_')}_001_{version:02d}"
    )
    parser = XmlParser(
        config=ParserConfig(fail_on_unknown_properties=True, fail_on_unknown_attributes=True)
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConverterWarning)
            document = parser.from_bytes(data, module.Document)
    except (ParserError, ConverterWarning, ValueError, TypeError) as exc:
        _fail(f"fichier {kind}.001.{version:02d} mal formé", str(exc))
    schema = f"{kind}.001.{version:02d}"
    if kind == "pain.002":
        return _status_report(document, schema)
    return _notification(document, schema)


def _status_report(document: Any, schema: str) -> BankReturnReport:
    report = document.cstmr_pmt_sts_rpt
    problems: list[str] = []
    group = report.orgnl_grp_inf_and_sts
    original = _text(group.orgnl_msg_id)
    if not original:
        problems.append("identifiant du message d'origine (OrgnlMsgId) absent")
    rejects: list[GroupReject] = []
    if _text(group.grp_sts) == "RJCT":
        rejects.append(GroupReject(original, None, _reason_of(group.sts_rsn_inf, problems, "")))
    lines: list[ReturnLine] = []
    accepted = 0
    for pmt in report.orgnl_pmt_inf_and_sts:
        pmt_id = _text(pmt.orgnl_pmt_inf_id)
        if _text(getattr(pmt, "pmt_inf_sts", None)) == "RJCT":
            where = f"lot {pmt_id}"
            rejects.append(
                GroupReject(original, pmt_id, _reason_of(pmt.sts_rsn_inf, problems, where))
            )
        for n, tx in enumerate(pmt.tx_inf_and_sts, start=1):
            e2e = _text(tx.orgnl_end_to_end_id)
            where = f"lot {pmt_id}, opération {n}"
            if not e2e:
                problems.append(f"{where} : référence de bout en bout (OrgnlEndToEndId) absente")
                continue
            status = _text(tx.tx_sts)
            if status in {"RJCT", "CANC"}:
                ref = tx.orgnl_tx_ref
                amount = None
                mandate = None
                if ref is not None:
                    amt = ref.amt.instd_amt if ref.amt is not None else None
                    amount = _cents(amt.value) if amt is not None else None
                    mandate = _text(ref.mndt_rltd_inf.mndt_id) if ref.mndt_rltd_inf else None
                lines.append(
                    ReturnLine(
                        end_to_end_id=e2e,
                        stage=ReturnStage.REJECT,
                        status="RJCT",
                        reason=_reason_of(tx.sts_rsn_inf, problems, f"{where} ({e2e})"),
                        amount_cents=amount,
                        original_message_id=original or None,
                        payment_info_id=pmt_id or None,
                        mandate_id=mandate or None,
                        charge_cents=_charges(
                            [c.amt for c in tx.chrgs_inf], problems, f"{where} ({e2e})"
                        ),
                    )
                )
            elif status:
                accepted += 1
            else:
                problems.append(f"{where} ({e2e}) : état de l'opération (TxSts) absent")
    if problems:
        _fail("rapport d'état pain.002 incomplet", *problems)
    return BankReturnReport(
        message_type="pain.002",
        schema=schema,
        message_id=_text(report.grp_hdr.msg_id),
        created_at=str(report.grp_hdr.cre_dt_tm),
        original_message_ids=(original,),
        lines=tuple(lines),
        group_rejects=tuple(rejects),
        accepted_count=accepted,
    )


def _notification(document: Any, schema: str) -> BankReturnReport:
    body = document.bk_to_cstmr_dbt_cdt_ntfctn
    problems: list[str] = []
    lines: list[ReturnLine] = []
    others = 0
    originals: dict[str, None] = {}
    for notification in body.ntfctn:
        for e, entry in enumerate(notification.ntry, start=1):
            booked = _date_of(entry.bookg_dt)
            for details in entry.ntry_dtls:
                for t, tx in enumerate(details.tx_dtls, start=1):
                    if tx.rtr_inf is None:
                        others += 1
                        continue
                    where = f"écriture {e}, opération {t}"
                    refs = tx.refs
                    e2e = _text(refs.end_to_end_id) if refs is not None else ""
                    if not e2e:
                        problems.append(f"{where} : référence de bout en bout (EndToEndId) absente")
                        continue
                    code = _text(tx.rtr_inf.rsn.cd) if tx.rtr_inf.rsn is not None else ""
                    if not code:
                        problems.append(f"{where} ({e2e}) : code motif du retour absent")
                        continue
                    amt = tx.amt
                    if amt is None and tx.amt_dtls is not None and tx.amt_dtls.instd_amt:
                        amt = tx.amt_dtls.instd_amt.amt
                    if amt is None and len(details.tx_dtls) == 1:
                        amt = entry.amt
                    original = _text(refs.msg_id)
                    if original:
                        originals[original] = None
                    lines.append(
                        ReturnLine(
                            end_to_end_id=e2e,
                            stage=ReturnStage.RETURN,
                            status="RTRN",
                            reason=reason(code),
                            amount_cents=_cents(amt.value) if amt is not None else None,
                            original_message_id=original or None,
                            payment_info_id=_text(refs.pmt_inf_id) or None,
                            mandate_id=_text(refs.mndt_id) or None,
                            booked_on=booked,
                            charge_cents=_charges(
                                _charge_amounts(tx.chrgs), problems, f"{where} ({e2e})"
                            ),
                        )
                    )
    if problems:
        _fail("avis camt.054 incomplet", *problems)
    return BankReturnReport(
        message_type="camt.054",
        schema=schema,
        message_id=_text(body.grp_hdr.msg_id),
        created_at=str(body.grp_hdr.cre_dt_tm),
        original_message_ids=tuple(originals),
        lines=tuple(lines),
        group_rejects=(),
        accepted_count=others,
    )


def _reason_of(infos: Iterable[Any], problems: list[str], where: str) -> Reason:
    for info in infos:
        if info.rsn is not None and _text(info.rsn.cd):
            return reason(_text(info.rsn.cd))
        if info.rsn is not None and _text(info.rsn.prtry):
            return reason(_text(info.rsn.prtry))
    problems.append(f"{where or 'fichier'} : rejet sans code motif (StsRsnInf/Rsn/Cd)".lstrip())
    return reason("MS03")


def _charge_amounts(chrgs: Any) -> list[Any]:
    """The signed charge amounts of a camt.054 ``TxDtls/Chrgs``: one block (``Rcrd`` records,
    else ``TtlChrgsAndTaxAmt``) from .04 on, a list of blocks in .03, a list of
    ``ChargesInformation6`` (``Amt``) in .02. A record credited back (``CdtDbtInd=CRDT``)
    counts negatively."""
    if chrgs is None:
        return []
    blocks = chrgs if isinstance(chrgs, list) else [chrgs]
    out: list[Any] = []
    for block in blocks:
        records = getattr(block, "rcrd", None)
        if records:
            out.extend((r.amt, _text(r.cdt_dbt_ind) == "CRDT") for r in records)
        elif getattr(block, "amt", None) is not None:  # camt.054.001.02
            out.append((block.amt, _text(block.cdt_dbt_ind) == "CRDT"))
        elif block.ttl_chrgs_and_tax_amt is not None:
            out.append((block.ttl_chrgs_and_tax_amt, False))
    return out


def _charges(amounts: Iterable[Any], problems: list[str], where: str) -> int | None:
    """The bank's charges of one line in cents (None: the file gives none). Only euros are
    read: a charge in another currency refuses the file (the Mutuelle calls back « à l'euro
    l'euro », Règlement particuliers III-2-4)."""
    total: int | None = None
    for item in amounts:
        amt, credited = item if isinstance(item, tuple) else (item, False)
        if _text(getattr(amt, "ccy", "EUR")) != "EUR":
            problems.append(f"{where} : frais de la banque en {_text(amt.ccy)}, pas en euros")
            continue
        cents = _cents(amt.value)
        total = (total or 0) + (-cents if credited else cents)
    return total


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value)).strip()


def _cents(value: Decimal) -> int:
    return int(Decimal(value) * 100)


def _date_of(choice: Any) -> dt.date | None:
    if choice is None:
        return None
    if choice.dt is not None:
        return choice.dt.to_date()  # type: ignore[no-any-return]
    if choice.dt_tm is not None:
        return choice.dt_tm.to_datetime().date()  # type: ignore[no-any-return]
    return None


def _fail(message: str, *details: str) -> NoReturn:
    raise SepaError(
        SepaErrorCode.RETURN_FILE_INVALID,
        f"fichier de retour bancaire refusé : {message} ; rien n'est importé",
        details=tuple(d for d in details if d)[:50],
    )
