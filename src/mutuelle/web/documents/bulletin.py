"""The facts of an online request's summary, read from the database for the membership core's
builder (:func:`mutuelle.membership.bulletin.request_summary`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from mutuelle import membership as core
from mutuelle.documents import Document
from mutuelle.membership.bulletin import Insured, Justificatif, RequestFacts, request_summary
from mutuelle.web.members import services
from mutuelle.web.members.models import Adhesion
from mutuelle.web.public import uploads


def bulletin_document(
    adhesion: Adhesion, needed: list[dict[str, Any]], private_link: str = ""
) -> Document:
    """``needed``: the justificatifs listed when the request was sent (label, who, kind);
    ``private_link``: the request's private address (public site), printed for the visitor."""
    offer = services.offer_for(adhesion)
    window = core.renunciation_window(
        offer,
        adhesion.range,
        channel="distance",
        signed_on=adhesion.signed_on,
        effective_on=adhesion.start,
    )
    rules = core.rules_for(offer, adhesion.range)
    received = {(d.kind, d.note) for d in adhesion.documents.all() if d.file}
    member = adhesion.member
    facts = RequestFacts(
        number=adhesion.number,
        last_name=member.last_name,
        first_name=member.first_name,
        birth_date=member.birth_date,
        address=member.address,
        postcode=member.postcode,
        city=member.city,
        email=member.email,
        phone=member.phone,
        range_label=offer.ranges[adhesion.range].label,  # type: ignore[index]
        insured=tuple(
            Insured(
                role=a.get_role_display(),
                first_name=a.person.first_name,
                last_name=a.person.last_name,
                birth_date=a.person.birth_date,
                proof=a.get_proof_display() if a.proof else "",
                disabled=a.disabled,
                dependant_until=a.end,
            )
            for a in sorted(adhesion.affiliations.all(), key=lambda a: a.pk)
        ),
        formula=adhesion.formula_periods.all()[0].formula,
        monthly_cents=adhesion.monthly_cents,
        payment_mode=adhesion.get_payment_mode_display(),
        payment_frequency=adhesion.get_payment_frequency_display(),
        iban=adhesion.iban,
        account_holder=adhesion.account_holder,
        wished_start=adhesion.wished_start,
        start=adhesion.start,
        previous_cover_ends=adhesion.previous_cover_ends,
        renunciation=window.steps[0].rule if window.steps else "",
        # A resident's document: the source as a resident reads it (issue 9).
        effective_source=offer.citation(rules.effective_date.source).public(),
        justificatifs=tuple(
            Justificatif(n["label"], n["who"], (n["kind"], uploads.note_for(n)) in received)
            for n in needed
        ),
        consent_at=timezone.localtime(adhesion.consent_at) if adhesion.consent_at else None,
        issued_at=timezone.now(),
        private_link=private_link,
    )
    return request_summary(facts)
