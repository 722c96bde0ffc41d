"""A simulated bank: the pain.002 and camt.054 files a bank would send back about one of our
files. For tests, the benchmark and the staff demonstration (« rejeter 3 prélèvements de
janvier ») — never for production, where the files come from the bank.

Built with the same pyiso20022 bindings the parser reads, serialized by xsdata in the order of
the ISO 20022 schema.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree
from xsdata.formats.dataclass.serializers import XmlSerializer
from xsdata.formats.dataclass.serializers.config import SerializerConfig
from xsdata.models.datatype import XmlDate, XmlDateTime

from mutuelle.sepa.model import FileKind, SepaDocument


@dataclass(frozen=True, slots=True)
class _Tx:
    end_to_end_id: str
    amount_cents: int
    payment_info_id: str
    mandate_id: str | None
    date: str


def _transactions(document: SepaDocument) -> dict[str, _Tx]:
    q = f"{{urn:iso:std:iso:20022:tech:xsd:{document.schema}}}"
    root = etree.fromstring(document.xml, etree.XMLParser(huge_tree=True))
    tag = "DrctDbtTxInf" if document.kind is FileKind.DEBIT else "CdtTrfTxInf"
    out: dict[str, _Tx] = {}
    for pmt in root.iter(f"{q}PmtInf"):
        pid = pmt.findtext(f"{q}PmtInfId") or ""
        date = pmt.findtext(f"{q}ReqdColltnDt") or pmt.findtext(f"{q}ReqdExctnDt/{q}Dt") or ""
        for tx in pmt.iter(f"{q}{tag}"):
            e2e = tx.findtext(f"{q}PmtId/{q}EndToEndId") or ""
            amount = tx.findtext(f"{q}InstdAmt") or tx.findtext(f"{q}Amt/{q}InstdAmt") or "0"
            mandate = tx.findtext(f"{q}DrctDbtTx/{q}MndtRltdInf/{q}MndtId")
            out[e2e] = _Tx(e2e, int(Decimal(amount) * 100), pid, mandate, date)
    return out


def _eur(module: Any, cents: int) -> Any:
    return module.ActiveOrHistoricCurrencyAndAmount(value=Decimal(cents) / 100, ccy="EUR")


def _serialize(obj: object, ns: str) -> bytes:
    serializer = XmlSerializer(config=SerializerConfig(xml_declaration=True, encoding="UTF-8"))
    return serializer.render(obj, ns_map={None: ns}).encode("utf-8")


def status_report(
    document: SepaDocument,
    rejects: Mapping[str, str],
    *,
    message_id: str,
    created_at: dt.datetime,
    reject_whole_file: str | None = None,
    charges: Mapping[str, int] | None = None,
    bank_bic: str = "BNPAFRPPXXX",
) -> bytes:
    """pain.002.001.10 about ``document``: ``rejects`` maps end-to-end ids to ISO reason codes
    (RJCT); ``reject_whole_file`` rejects the whole group with that code; ``charges`` maps
    end-to-end ids to what the bank charges for the reject, in cents (``ChrgsInf``)."""
    from pyiso20022.pain.pain_002_001_10 import pain_002_001_10 as m

    txs = _transactions(document)
    by_batch: dict[str, list[m.PaymentTransaction105]] = {}
    for e2e, code in rejects.items():
        tx = txs[e2e]
        ref = m.OriginalTransactionReference28(
            amt=m.AmountType4Choice(
                instd_amt=m.ActiveOrHistoricCurrencyAndAmount(
                    value=Decimal(tx.amount_cents) / 100, ccy="EUR"
                )
            ),
            mndt_rltd_inf=m.MandateRelatedInformation14(mndt_id=tx.mandate_id)
            if tx.mandate_id
            else None,
        )
        by_batch.setdefault(tx.payment_info_id, []).append(
            m.PaymentTransaction105(
                orgnl_end_to_end_id=e2e,
                tx_sts="RJCT",
                sts_rsn_inf=[m.StatusReasonInformation12(rsn=m.StatusReason6Choice(cd=code))],
                chrgs_inf=[
                    m.Charges7(
                        amt=_eur(m, (charges or {})[e2e]),
                        agt=m.BranchAndFinancialInstitutionIdentification6(
                            fin_instn_id=m.FinancialInstitutionIdentification18(bicfi=bank_bic)
                        ),
                    )
                ]
                if e2e in (charges or {})
                else [],
                orgnl_tx_ref=ref,
            )
        )
    group = m.OriginalGroupHeader17(
        orgnl_msg_id=document.message_id,
        orgnl_msg_nm_id=document.schema,
        orgnl_nb_of_txs=str(document.count),
        orgnl_ctrl_sum=Decimal(document.control_sum_cents) / 100,
        grp_sts="RJCT" if reject_whole_file else ("PART" if rejects else "ACCP"),
        sts_rsn_inf=[m.StatusReasonInformation12(rsn=m.StatusReason6Choice(cd=reject_whole_file))]
        if reject_whole_file
        else [],
    )
    body = m.CustomerPaymentStatusReportV10(
        grp_hdr=m.GroupHeader86(msg_id=message_id, cre_dt_tm=XmlDateTime.from_datetime(created_at)),
        orgnl_grp_inf_and_sts=group,
        orgnl_pmt_inf_and_sts=[
            m.OriginalPaymentInstruction32(orgnl_pmt_inf_id=pid, tx_inf_and_sts=lines)
            for pid, lines in by_batch.items()
        ],
    )
    return _serialize(
        m.Document(cstmr_pmt_sts_rpt=body), "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"
    )


def return_notification(
    document: SepaDocument,
    returns: Mapping[str, str],
    *,
    account_iban: str,
    booked_on: dt.date,
    message_id: str,
    created_at: dt.datetime,
    charges: Mapping[str, int] | None = None,
) -> bytes:
    """camt.054.001.08 booking the return of each end-to-end id of ``returns`` (ISO reason
    code): an unpaid direct debit (PMNT/RDDT/UPDD) or a returned transfer (PMNT/ICDT/RRTN);
    ``charges`` maps end-to-end ids to the bank's charge for the return, in cents
    (``TxDtls/Chrgs/Rcrd``, debited from our account)."""
    from pyiso20022.camt.camt_054_001_08 import camt_054_001_08 as m

    txs = _transactions(document)
    debit = document.kind is FileKind.DEBIT
    family, sub = ("RDDT", "UPDD") if debit else ("ICDT", "RRTN")
    entries = []
    for n, (e2e, code) in enumerate(returns.items(), start=1):
        tx = txs[e2e]
        amount = m.ActiveOrHistoricCurrencyAndAmount(
            value=Decimal(tx.amount_cents) / 100, ccy="EUR"
        )
        # Our account is debited back for a returned debit, credited back for a returned
        # transfer.
        sign = m.CreditDebitCode.DBIT if debit else m.CreditDebitCode.CRDT
        code_structure = m.BankTransactionCodeStructure4(
            domn=m.BankTransactionCodeStructure5(
                cd="PMNT", fmly=m.BankTransactionCodeStructure6(cd=family, sub_fmly_cd=sub)
            )
        )
        entries.append(
            m.ReportEntry10(
                ntry_ref=str(n),
                amt=amount,
                cdt_dbt_ind=sign,
                sts=m.EntryStatus1Choice(cd="BOOK"),
                bookg_dt=m.DateAndDateTime2Choice(dt=XmlDate.from_date(booked_on)),
                bk_tx_cd=code_structure,
                ntry_dtls=[
                    m.EntryDetails9(
                        tx_dtls=[
                            m.EntryTransaction10(
                                refs=m.TransactionReferences6(
                                    msg_id=document.message_id,
                                    pmt_inf_id=tx.payment_info_id,
                                    end_to_end_id=e2e,
                                    mndt_id=tx.mandate_id,
                                ),
                                amt=amount,
                                cdt_dbt_ind=sign,
                                chrgs=m.Charges6(
                                    rcrd=[
                                        m.ChargesRecord3(
                                            amt=_eur(m, (charges or {})[e2e]),
                                            cdt_dbt_ind=m.CreditDebitCode.DBIT,
                                        )
                                    ]
                                )
                                if e2e in (charges or {})
                                else None,
                                rtr_inf=m.PaymentReturnReason5(rsn=m.ReturnReason5Choice(cd=code)),
                            )
                        ]
                    )
                ],
            )
        )
    body = m.BankToCustomerDebitCreditNotificationV08(
        grp_hdr=m.GroupHeader81(msg_id=message_id, cre_dt_tm=XmlDateTime.from_datetime(created_at)),
        ntfctn=[
            m.AccountNotification17(
                id=f"{message_id}-1",
                acct=m.CashAccount39(id=m.AccountIdentification4Choice(iban=account_iban)),
                ntry=entries,
            )
        ],
    )
    return _serialize(
        m.Document(bk_to_cstmr_dbt_cdt_ntfctn=body),
        "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08",
    )
