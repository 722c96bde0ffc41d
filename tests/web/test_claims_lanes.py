"""``mutuelle ingest --lanes 2`` gives what one process gives: the same settlement for every
line, the same revisions by late lines and cancellations, the same rejection report and the
same books — on two copies of one database (PostgreSQL: the lanes are parallel processes)."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.test_batch_kill import _cli, _env

PG_URL = os.environ.get("DATABASE_URL", "")
postgres_only = pytest.mark.skipif(
    not PG_URL.startswith(("postgres://", "postgresql://")),
    reason="les voies parallèles de l'ingestion demandent PostgreSQL (définir DATABASE_URL)",
)

HEADER = ("line_id;source;emitter;adhesion_no;beneficiary_birth_date;beneficiary_rank;care_date;"
          "act_code;benefit;billed_cents;br_cents;amo_cents;reverses_line_id")  # fmt: skip


@pytest.fixture
def twins(tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, str], str, str]]:
    """Two databases holding the same demonstration households (the second a copy)."""
    import psycopg

    base = PG_URL.rsplit("/", 1)[0]
    one, two = (f"mutuelle_lanes_{uuid.uuid4().hex[:8]}" for _ in range(2))
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{one}"')
    env_one = _env({"DATABASE_URL": f"{base}/{one}", "MUTUELLE_DATA_DIR": str(tmp_path / "1")})
    env_two = _env({"DATABASE_URL": f"{base}/{two}", "MUTUELLE_DATA_DIR": str(tmp_path / "2")})
    try:
        _cli(env_one, "demo-data", "--households", "60", "--no-money")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{two}" TEMPLATE "{one}"')
        yield env_one, env_two, f"{base}/{one}", f"{base}/{two}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            for name in (one, two):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _query(url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as c:
        return c.execute(sql).fetchall()


def _file(url: str, path: Path) -> None:
    """A year for every member: doctor's visits and alternative medicine (whose yearly ceiling
    makes order matter), a wrong birth date now and then, late lines at the end that re-settle
    earlier ones, and cancellations of lines of earlier chunks."""
    rows = _query(
        url,
        "SELECT a.number, p.birth_date, a.start FROM members_adhesion a "
        "JOIN members_person p ON p.id = a.member_id WHERE a.status = 'active' "
        'AND (a."end" IS NULL OR a."end" >= \'2025-12-31\') ORDER BY a.number',
    )
    rng = random.Random(11)
    out = [HEADER]
    late = []
    n = 0
    for week in range(0, 50, 4):
        for number, birth, start in rows:
            day = max(dt.date.fromisoformat(str(start)), dt.date(2025, 1, 1))
            care = day + dt.timedelta(days=7 * week + rng.randrange(5))
            n += 1
            lid = f"T{n}"
            if n % 41 == 0:  # a wrong birth date: rejected
                out.append(f"{lid};amo;CPAM38;{number};1901-01-01;1;{care};G;;3000;3000;2100;")
            elif rng.random() < 0.5:
                out.append(f"{lid};amo;CPAM38;{number};{birth};1;{care};G;;3000;3000;2100;")
            else:
                out.append(
                    f"{lid};member_invoice;{number};{number};{birth};1;{care};;"
                    "medecines_douces;4500;0;0;"
                )
                if rng.random() < 0.1:  # received again later, dated earlier: a late line
                    early = care - dt.timedelta(days=20)
                    late.append(
                        f"L{n};member_invoice;{number};{number};{birth};1;{early};;"
                        "medecines_douces;3500;0;0;"
                    )
                elif rng.random() < 0.1:  # cancelled at the end of the file
                    late.append(f"X{n};member_invoice;{number};{number};{birth};1;;;;0;0;0;{lid}")
    path.write_text("\n".join(out + late) + "\n", encoding="utf-8")


def _current(url: str) -> dict[str, int]:
    rows = _query(
        url,
        "SELECT DISTINCT ON (l.id) l.line_id, s.mutuelle_cents FROM claims_settlement s "
        "JOIN claims_claimline l ON l.id = s.line_id ORDER BY l.id, s.version DESC",
    )
    return dict(rows)


@postgres_only
def test_two_lanes_settle_a_file_as_one_process_does(twins, tmp_path: Path) -> None:
    env_one, env_two, url_one, url_two = twins
    path = tmp_path / "annee.csv"
    _file(url_one, path)
    common = ["--json", "--chunk", "40"]
    one = json.loads(
        _cli(env_one, "ingest", str(path), "--lanes", "1", "--rejects",
             str(tmp_path / "r1.csv"), "--lines-out", str(tmp_path / "o1.csv"), *common).stdout
    )  # fmt: skip
    two = json.loads(
        _cli(env_two, "ingest", str(path), "--lanes", "2", "--rejects",
             str(tmp_path / "r2.csv"), "--lines-out", str(tmp_path / "o2.csv"), *common).stdout
    )  # fmt: skip
    assert (one["lanes"], two["lanes"]) == (1, 2)
    # (``revised`` counts the settlements of lines of earlier chunks redone: it depends on
    # where the chunks end, which differs between one process and two; the result does not)
    keys = ("read", "settled", "rejected", "duplicates", "cancelled", "to_pay_cents")
    assert {k: two[k] for k in keys} == {k: one[k] for k in keys}
    assert one["rejected"] > 0 and one["revised"] > 0 and one["cancelled"] > 0
    # line by line: the same current settlement
    assert _current(url_two) == _current(url_one)
    # the reports, merged from the lanes' parts: the same rejections in the file's order; each
    # line's status (its amount at the time is the chunk's: a cancellation's, a late line's)
    first = (tmp_path / "r1.csv").read_text(encoding="utf-8")
    assert (tmp_path / "r2.csv").read_text(encoding="utf-8") == first

    def statuses(name: str) -> list[list[str]]:
        text = (tmp_path / name).read_text(encoding="utf-8")
        return [row.split(";")[:3] for row in text.splitlines()]

    assert statuses("o2.csv") == statuses("o1.csv")
    assert not list(tmp_path.glob("*.voie*"))
    # the books: the same charge and payable, balanced
    books = (
        "SELECT account, sum(cents) FROM journal_journalposting GROUP BY account ORDER BY account"
    )
    assert _query(url_two, books) == _query(url_one, books)
    # both lanes did work, and the file's counters are their sum
    lanes = _query(url_two, "SELECT lane, counts FROM claims_claimfilelane ORDER BY lane")
    assert [lane for lane, _ in lanes] == [0, 1]
    assert all(c["read"] > 0 for _, c in lanes)
    assert sum(c["read"] for _, c in lanes) == two["read"]
    # the same file again: known, nothing new
    again = json.loads(_cli(env_two, "ingest", str(path), "--lanes", "2", *common).stdout)
    assert again["already_done"]


def test_lanes_are_refused_where_they_cannot_run(tmp_path: Path) -> None:
    """On the embedded SQLite, more than one lane is refused with its reason."""
    env = _env({"MUTUELLE_DATA_DIR": str(tmp_path)})
    path = tmp_path / "f.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mutuelle.cli", "ingest", str(path), "--lanes", "2", "--json"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode != 0
    assert "PostgreSQL" in json.loads(done.stdout)["error"]
