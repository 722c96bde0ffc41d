"""The justificatifs (I-3-2; agents I-3-2 and I-2; TNS art. 4.2) and the payment modes (III-2-2):
one function each in the membership core, for the public site, the back office and the API."""

from __future__ import annotations

import datetime as dt

from mutuelle.membership import Insured, documents_status, payment_refusals, required_documents
from mutuelle.refusal import Code

D = dt.date
ON = D(2026, 1, 15)
FAMILY = (
    Insured(0, "adherent", D(1980, 6, 15), "Vous"),
    Insured(1, "spouse", D(1982, 9, 10), "Karim"),
    Insured(2, "child", D(2003, 4, 2), "Léa", proof="studies"),  # 22 on 1 January 2026
    Insured(3, "child", D(2015, 4, 2), "Noé"),  # 10
    Insured(4, "child", D(1990, 1, 1), "Tom", disabled=True),
)


def pieces(offer, rid, persons, mode="direct_debit"):
    return required_documents(offer, rid, persons, payment_mode=mode, on=ON)


def test_a_family_joins_every_piece_of_i_3_2_person_by_person(offer) -> None:
    got = [(p.kind.value, p.person_index) for p in pieces(offer, "residents", FAMILY)]
    assert got == [
        ("identity", 0),
        *(("amo_attestation", i) for i in range(5)),  # « des Assurés » (l. 2275)
        ("rib", 0),
        ("sepa_mandate", 0),  # « le cas échéant » (l. 2278): contributions debited
        ("rib_insured", 1),  # « chaque Assuré de plus de 16 ans » (l. 2277): not Noé, 10
        ("rib_insured", 2),
        ("rib_insured", 4),
        ("spouse_proof", 1),
        ("child_proof", 2),  # 21 to 27 with a proof (l. 2154)
        ("disability_card", 4),  # disabled, any age (l. 2162)
    ]
    by_kind = {p.kind.value: p for p in pieces(offer, "residents", FAMILY)}
    assert "l. 2277" in by_kind["rib_insured"].source
    assert by_kind["rib_insured"].cite.public() == "Règlement mutualiste, art. I-3-2"
    assert "16 ans" in by_kind["rib_insured"].reason


def test_no_sepa_mandate_without_direct_debit_and_the_student_certificate(offer) -> None:
    alone = FAMILY[:1]
    kinds = [p.kind.value for p in pieces(offer, "residents", alone, mode="transfer")]
    assert kinds == ["identity", "amo_attestation", "rib"]
    kinds = [p.kind.value for p in pieces(offer, "students", alone, mode="cheque")]
    assert kinds[-1] == "student_certificate"


def test_each_range_asks_what_its_own_text_asks(offer) -> None:
    agents = [p.kind.value for p in pieces(offer, "agents", FAMILY[:1])]
    assert agents[-1] == "agent_certificate"  # Règlement agents I-2 (l. 3599)
    tns = pieces(offer, "tns", FAMILY[:2], mode=None)
    # TNS art. 4.2: the AMO attestations, a RIB with a SEPA mandate (always), the spouse's
    # status; no copy of an identity card is listed there.
    assert [(p.kind.value, p.person_index) for p in tns] == [
        ("amo_attestation", 0),
        ("amo_attestation", 1),
        ("rib", 0),
        ("sepa_mandate", 0),
        ("spouse_proof", 1),
    ]
    assert all("l. 48" in p.source for p in tns)


def test_received_and_missing(offer) -> None:
    required = pieces(offer, "residents", FAMILY[:2])
    # one AMO attestation filed for the household lists its beneficiaries; the identity card
    # filed for the spouse does not stand for the member's
    view = documents_status(required, [("amo_attestation", None), ("identity", 1)])
    missing = [(p.kind.value, p.person_index) for p in view.missing]
    assert ("identity", 0) in missing
    assert not any(k == "amo_attestation" for k, _ in missing)
    assert not view.complete
    everything = [(p.kind.value, p.person_index) for p in required]
    assert documents_status(required, everything).complete
    assert [p.short for p in view.missing][:1] == ["Pièce d'identité"]
    assert "Justificatif de la qualité de conjoint (Karim)" in [p.short for p in view.missing]


def test_payment_modes_of_iii_2_2(offer) -> None:
    assert payment_refusals(offer, "residents", "direct_debit", "monthly") == ()
    (cheque,) = payment_refusals(offer, "residents", "cheque", "monthly")
    assert cheque.code == Code.PAYMENT_FREQUENCY and "une fois par an" in cheque.message
    assert "l. 2798" in (cheque.source or "")
    assert cheque.public_source() == "Règlement mutualiste, art. III-2-2"
    assert payment_refusals(offer, "residents", "cheque", "annual") == ()
    (payroll,) = payment_refusals(offer, "residents", "payroll", "monthly")
    assert payroll.code == Code.PAYMENT_MODE
    assert payment_refusals(offer, "agents", "payroll", "monthly") == ()
    (tns,) = payment_refusals(offer, "tns", "transfer", "annual")
    assert tns.code == Code.PAYMENT_MODE and "prélèvement sepa" in tns.message
