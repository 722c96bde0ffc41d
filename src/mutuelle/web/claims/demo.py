"""A realistic month of claim lines for the demonstration population (``mutuelle demo-claims``)
and the year of lines of ``bench/ingest.py``: the same act mix, in the format of
docs/claims-format.md.

The mix is the AMO's usual acts with their 2025 bases and AMO shares
(``offers/data/reference/amo-2025.yaml``: G 30 € at 70 %, PH7 12,40 € at 65 %, AMK 16,58 € at
60 %, B 25 € at 60 %, CS 50 € billed on a 31,50 € base at 70 %) and members' invoices of
médecines douces (not reimbursed by the AMO). A demonstration file also holds a few lines a
staff member must fix (unknown act code, unknown adhesion, wrong birth date, impossible date):
the rejection report names their field and reason.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

MIX = [  # (share, act code or benefit, billed, br, amo) — amo-2025.yaml's BRs and rates
    (40, "G", 3000, 3000, 2100),
    (25, "PH7", 1240, 1240, 806),
    (10, "AMK", 1658, 1658, 995),
    (10, "B", 2500, 2500, 1500),
    (8, "CS", 5000, 3150, 2205),
    (7, "medecines_douces", 5500, 0, 0),
]
HEADER = (
    "line_id;source;emitter;adhesion_no;beneficiary_birth_date;beneficiary_rank;"
    "care_date;act_code;benefit;billed_cents;br_cents;amo_cents"
)
EMITTER = "CPAM38"  # the caisse of Isère (the town's CPAM)


def line(
    line_id: str, number: str, rank: int, birth: str, day: str, pick: tuple[int, str, int, int, int]
) -> str:
    """One line of the file (``pick``: a row of :data:`MIX`)."""
    _, code, billed, br, amo = pick
    invoice = code == "medecines_douces"
    src, emitter = ("member_invoice", number) if invoice else ("amo", EMITTER)
    act, benefit = ("", code) if invoice else (code, "")
    who = f"{number};{birth};{rank}"
    return f"{line_id};{src};{emitter};{who};{day};{act};{benefit};{billed};{br};{amo}"


def pick(rng: random.Random) -> tuple[int, str, int, int, int]:
    return rng.choices(MIX, [w for w, *_ in MIX])[0]


def beneficiaries(month: dt.date) -> Iterator[tuple[str, int, str]]:
    """(adhesion number, rank, birth date) of everyone covered on the month's first day, in
    adhesion order, ranked as the ingestion ranks them (docs I-183)."""
    from mutuelle.web.claims.services import Ingest
    from mutuelle.web.members.models import Adhesion

    numbers = list(
        Adhesion.objects.filter(start__lte=month)
        .exclude(end__lt=month)
        .order_by("number")
        .values_list("number", flat=True)
    )
    ingest = Ingest()
    for i in range(0, len(numbers), 500):
        part = numbers[i : i + 500]
        ingest._load_families(part)
        for number in part:
            fam = ingest._families.get(number)
            if fam is None:
                continue
            for rank, person in sorted(fam.household.ranked().items()):
                yield number, rank, person.birth_date.isoformat()


def month_file(month: dt.date, out: Path, per: float = 1.5, seed: int = 2025) -> dict[str, int]:
    """Write the month's file: about ``per`` acts per beneficiary, in care-date order, and
    four lines to fix. The same month and seed write the same file (same line ids: received
    twice, nothing is paid twice)."""
    rng = random.Random(f"{seed}-{month:%Y-%m}")
    days = calendar.monthrange(month.year, month.month)[1]
    rows: list[tuple[str, str]] = []
    n = 0
    people = list(beneficiaries(month))
    for number, rank, birth in people:
        for _ in range(rng.choices([0, 1, 2, 3, 4], [30, 30, 20, 12, 8])[0] if per else 0):
            n += 1
            day = month.replace(day=rng.randint(1, days)).isoformat()
            rows.append((day, line(f"D{month:%Y%m}-{n:06d}", number, rank, birth, day, pick(rng))))
    rows.sort(key=lambda r: r[0])
    bad = []
    if people:
        number, rank, birth = people[0]
        day = month.replace(day=min(10, days)).isoformat()
        g = MIX[0]
        bad = [
            line(f"D{month:%Y%m}-X1", number, rank, birth, day, (0, "ZZZ", 3000, 3000, 2100)),
            line(f"D{month:%Y%m}-X2", "GR99-999999", 1, birth, day, g),
            line(f"D{month:%Y%m}-X3", number, rank, "1900-01-01", day, g),
            line(f"D{month:%Y%m}-X4", number, rank, birth, f"{month:%Y-%m}-32", g),
        ]
    with out.open("w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for _, text in rows:
            f.write(text + "\n")
        for text in bad:
            f.write(text + "\n")
    return {"lines": len(rows) + len(bad), "to_fix": len(bad), "beneficiaries": len(people)}
