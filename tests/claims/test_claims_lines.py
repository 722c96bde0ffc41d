"""Claim lines: a good line is typed, a bad one is rejected with its field and reason, never a
crash; the act-code table maps codes to guarantee lines with a source."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutuelle.benefits import compile_plan
from mutuelle.claims import ClaimLine, Rejection, load_acts, parse_record, read_records, to_event
from mutuelle.claims.lines import FIELDS

HEADER = (
    "line_id;source;emitter;adhesion_no;beneficiary_birth_date;beneficiary_rank;care_date;"
    "act_code;billed_cents;br_cents;amo_cents;pf_cents;dptam"
)
GOOD = "L1;amo;CPAM38;GR25-000001;1980-06-15;1;2025-03-02;G;3000;3000;2100;200;true"


def _csv(*rows: str) -> list[tuple[int, ClaimLine | Rejection]]:
    out: list[tuple[int, ClaimLine | Rejection]] = []
    for n, rec, text in read_records([HEADER + "\n", *(r + "\n" for r in rows)]):
        out.append((n, rec if isinstance(rec, Rejection) else parse_record(rec, n, text=text)))
    return out


def test_a_csv_line_is_typed_and_maps_to_the_general_practitioner_line() -> None:
    [(n, line)] = _csv(GOOD)
    assert n == 2 and isinstance(line, ClaimLine)
    assert line.uid == "amo/CPAM38/L1"
    assert line.care_date == dt.date(2025, 3, 2) and line.billed_cents == 3000
    assert line.dptam is True and line.pf_cents == 200
    ev = to_event(line, load_acts())
    assert not isinstance(ev, Rejection)
    assert ev.benefit == "generaliste" and ev.participation_forfaitaire_cents == 200


def test_json_lines_carry_the_same_fields() -> None:
    rec = dict(zip(HEADER.split(";"), GOOD.split(";"), strict=True))
    typed = {
        k: int(v) if k.endswith("_cents") or k == "beneficiary_rank" else v for k, v in rec.items()
    }
    typed["dptam"] = True
    [(n, raw, text)] = list(read_records([json.dumps(typed) + "\n"]))
    assert not text and isinstance(raw, dict)
    line = parse_record(raw, n)
    assert isinstance(line, ClaimLine) and line.amo_cents == 2100


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (
            "L2;amo;CPAM38;GR25-000001;1980-06-15;1;;G;3000;3000;2100;200;true",
            "care_date",
            "manquant",
        ),
        (
            "L3;amo;CPAM38;GR25-000001;1980-06-15;1;2025-13-02;G;3000;3000;2100;200;true",
            "care_date",
            "invalide",
        ),
        (
            "L4;amo;CPAM38;GR25-000001;1980-06-15;1;2025-03-02;G;30,00;3000;2100;200;true",
            "billed_cents",
            "entier",
        ),
        (
            "L5;fax;CPAM38;GR25-000001;1980-06-15;1;2025-03-02;G;3000;3000;2100;200;true",
            "source",
            "inconnue",
        ),
        (
            "L6;amo;CPAM38;GR25-000001;1980-06-15;1;2025-03-02;G;3000;3000;2100;200;peut-être",
            "dptam",
            "true ou false",
        ),
        (
            "L7;amo;CPAM38;GR25-000001;1980-06-15;1;2025-03-02;G;-5;3000;2100;200;true",
            "billed_cents",
            "négatif",
        ),
        (
            "L8;amo;CPAM38;GR25-000001;1980-06-15;1;2025-03-02;;3000;3000;2100;200;true",
            "act_code",
            "benefit",
        ),
        ("L9;amo;CPAM38", "", "cellule"),
    ],
)
def test_a_bad_line_is_rejected_with_its_field(row: str, field: str, words: str) -> None:
    [(_, rej)] = _csv(row)
    assert isinstance(rej, Rejection)
    assert rej.field == field and words in rej.reason


def test_unknown_code_and_a_code_that_needs_its_line_are_rejections() -> None:
    acts = load_acts()
    [(_, line)] = _csv(GOOD.replace(";G;", ";ZZZ;"))
    assert isinstance(line, ClaimLine)
    rej = to_event(line, acts)
    assert isinstance(rej, Rejection) and rej.field == "act_code" and "inconnu" in rej.reason
    [(_, line)] = _csv(GOOD.replace(";G;", ";HBLD036;"))
    assert isinstance(line, ClaimLine)
    rej = to_event(line, acts)
    assert isinstance(rej, Rejection) and "G-80" in rej.reason


def test_the_engine_s_own_checks_are_rejections_too() -> None:
    [(_, line)] = _csv(
        "L1;amo;CPAM38;GR25-000001;1980-06-15;1;2025-03-02;G;3000;3000;4000;200;true"
    )
    assert isinstance(line, ClaimLine)
    rej = to_event(line, load_acts())
    assert isinstance(rej, Rejection) and "supérieur" in rej.reason


def test_malformed_json_is_a_rejection() -> None:
    out = list(read_records(['{"line_id": "a"}\n', "{not json\n", "[1]\n"]))
    assert [type(r).__name__ for _, r, _ in out] == ["dict", "Rejection", "Rejection"]


def test_every_act_code_names_a_benefit_of_the_residents_table_and_has_a_source() -> None:
    acts = load_acts()
    known = compile_plan("grenoble-2025", "residents").known_codes
    for act in [
        *acts.codes.values(),
        *(a for _, a in acts.prefixes),
        *(a for _, a in acts.patterns),
    ]:
        assert act.source
        assert act.benefit is None or act.benefit in known, act
        assert act.benefit is not None or act.gap in ("G-80", "G-81")


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(FIELDS)), st.text(max_size=12), max_size=12))
def test_any_csv_record_is_a_line_or_a_rejection_never_a_crash(rec: dict[str, str]) -> None:
    out = parse_record(rec, 2, text=True)
    assert isinstance(out, ClaimLine | Rejection)
    if isinstance(out, ClaimLine) and not out.is_cancellation:
        assert isinstance(to_event(out, load_acts()), object)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=6))
def test_any_text_file_reads_without_crashing(lines: list[str]) -> None:
    for n, rec, text in read_records(lines):
        if not isinstance(rec, Rejection):
            assert isinstance(parse_record(rec, n, text=text), ClaimLine | Rejection)
