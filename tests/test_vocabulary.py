"""One vocabulary per concept: the cores' typed values, the Django choices, the forms and the
API schemas are the enums of ``mutuelle.vocabulary`` (values stored in the database unchanged)."""

from __future__ import annotations

from typing import get_args

from mutuelle import vocabulary as v
from mutuelle.benefits import events
from mutuelle.css.household import Housing
from mutuelle.offers.membership_rules import Channel, DocumentKind, Link, PaymentModeId
from mutuelle.offers.model import RangeId
from mutuelle.pricing.household import Proof, RangeName, Role


def values(enum: object) -> set[str]:
    return {m.value for m in enum}  # type: ignore[attr-defined]


def test_the_cores_typed_values_are_the_vocabulary() -> None:
    assert set(get_args(RangeId)) == set(get_args(RangeName)) == values(v.Range)
    assert set(get_args(Role)) == values(v.Role)
    assert set(get_args(Proof)) == values(v.Proof)
    assert set(get_args(Link)) == values(v.Link)
    assert set(get_args(Channel)) == values(v.Channel) - {"agency"}
    assert set(get_args(PaymentModeId)) == values(v.PaymentMode)
    assert set(get_args(DocumentKind)) <= values(v.DocumentKind)
    assert set(get_args(Housing)) == values(v.Housing)
    assert set(events.BASKETS) == values(v.Basket)
    assert set(events.ESTABLISHMENTS) == values(v.Establishment)


def test_django_forms_admin_and_api_derive_from_it() -> None:
    from mutuelle.web.api import schemas
    from mutuelle.web.members import admin, enums
    from mutuelle.web.members.services import TERMINATION_KINDS
    from mutuelle.web.public import forms

    assert enums.RangeChoice.choices == [(m.value, m.label) for m in v.Range]
    assert enums.PaymentMode.choices == [(m.value, m.label) for m in v.PaymentMode]
    assert enums.Channel.choices == [(m.value, m.label) for m in v.Channel]
    assert enums.EndReason.choices == [(m.value, m.label) for m in v.EndReason]
    assert enums.DocumentKind.choices == [(m.value, m.label) for m in v.DocumentKind]
    assert enums.Role.choices == [("spouse", "Conjoint"), ("child", "Enfant")]
    assert [k for k, _ in forms.SITUATIONS] == [m.value for m in v.Range]
    assert {k for k, _ in forms.LINKS} == {k for k, _ in admin.LINK_CHOICES} == values(v.Link)
    assert {k for k, _ in forms.HOUSING} == values(v.Housing)
    assert {k for k, _ in forms.CHILD_SITUATIONS} == {"", "disabled"} | values(v.Proof)
    assert set(TERMINATION_KINDS) == values(v.TerminationRequest)
    fields = schemas.AdhesionIn.model_fields
    assert fields["payment_mode"].annotation is v.PaymentMode
    assert fields["situation"].annotation is v.Range


def test_termination_paths_read_the_same_everywhere() -> None:
    from mutuelle.membership import PATH_LABELS

    assert PATH_LABELS["annual"] == "résiliation annuelle au 31 décembre"
    assert {p: v.EndReason(p).label for p in PATH_LABELS} == {
        p: label[0].upper() + label[1:] for p, label in PATH_LABELS.items()
    }
