"""kill -9 in the middle of `mutuelle ingest`, then a rerun: exactly one settlement per line.

A real subprocess on a database of its own (a SQLite file, or a PostgreSQL database created for
the test, as in ``test_batch_kill.py``): the kill lands wherever it lands, between two chunks or
inside one's transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.web import test_batch_kill as kill
from tests.web.test_batch_kill import Backend, _cli

backend = kill.backend  # the fixture: a database of its own with demonstration households

LINES_PER_MEMBER = 20
CHUNK = 50


def _claims_file(db: Backend, path: Path) -> tuple[int, int]:
    rows = db.query(
        "SELECT a.number, p.birth_date, a.start FROM members_adhesion a "
        "JOIN members_person p ON p.id = a.member_id WHERE a.status = 'active' "
        'AND (a."end" IS NULL OR a."end" >= \'2025-12-31\') ORDER BY a.number'
    )
    header = ("line_id;source;emitter;adhesion_no;beneficiary_birth_date;beneficiary_rank;"
              "care_date;act_code;benefit;billed_cents;br_cents;amo_cents")  # fmt: skip
    out = [header]
    n = 0
    for day in range(LINES_PER_MEMBER):
        for number, birth, start in rows:
            start = dt.date.fromisoformat(str(start))
            care = max(start, dt.date(2025, 1, 1)) + dt.timedelta(days=day * 3)
            n += 1
            if n % 97 == 0:  # a rejected line now and then
                out.append(f"K{n};amo;CPAM38;{number};{birth};1;{care};ZZZ;;3000;3000;2100")
                continue
            if day % 2:
                out.append(f"K{n};amo;CPAM38;{number};{birth};1;{care};G;;3000;3000;2100")
            else:
                out.append(
                    f"K{n};member_invoice;{number};{number};{birth};1;{care};;medecines_douces;"
                    "4000;0;0"
                )
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return n, n // 97


def _kill_midway(proc: subprocess.Popen, db: Backend, total: int) -> int:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        # (in lanes, the file's checkpoint is the least advanced lane's)
        rows = db.query("SELECT min(lines_done) FROM claims_claimfilelane") or [(None,)]
        if rows[0][0] is None:
            rows = db.query("SELECT lines_done FROM claims_claimfile")
        done = rows[0][0] if rows else 0
        if total // 4 <= done < total * 3 // 4:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            return int(done)
        if proc.poll() is not None:
            raise AssertionError(f"ingest ended before it could be killed ({done} lines)")
        time.sleep(0.02)
    proc.kill()
    raise AssertionError("ingest never got going")


def test_ingest_killed_midway_then_rerun_settles_each_line_once(
    backend: Backend,
    tmp_path: Path,
) -> None:
    path = tmp_path / "annee.csv"
    total, bad = _claims_file(backend, path)
    # on PostgreSQL in two lanes (two processes, killed together), on SQLite in one
    lanes = 2 if backend.name == "postgresql" else 1
    args = ["ingest", str(path), "--json", "--lanes", str(lanes), "--chunk", str(CHUNK),
            "--chunk-delay-ms", "60"]  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "mutuelle.cli", *args],
        env=backend.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    done_at_kill = _kill_midway(proc, backend, total + 1)
    assert done_at_kill > 0
    rerun = json.loads(_cli(backend.env, *args[:-2]).stdout)
    assert rerun["resumed_after_line"] >= done_at_kill
    assert (rerun["read"], rerun["rejected"], rerun["duplicates"]) == (total, bad, 0)
    assert rerun["lanes"] == lanes
    # the rejection report: every rejected line once, in the file's order
    with (tmp_path / "annee.rejets.csv").open(encoding="utf-8") as f:
        reported = [int(r.split(";", 1)[0]) for r in f.read().splitlines()[1:]]
    assert reported == sorted(reported) and len(set(reported)) == len(reported)
    assert not list(tmp_path.glob("annee.rejets.csv.voie*"))
    [(lines,)] = backend.query("SELECT count(*) FROM claims_claimline")
    [(settlements,)] = backend.query("SELECT count(*) FROM claims_settlement")
    [(distinct,)] = backend.query("SELECT count(DISTINCT line_id) FROM claims_settlement")
    [(rejections,)] = backend.query("SELECT count(*) FROM claims_rejection")
    assert lines == settlements == distinct == total - bad
    assert rejections == bad
    # the journal: one entry per paid settlement, and it balances
    [(paid,)] = backend.query("SELECT count(*) FROM claims_settlement WHERE mutuelle_cents > 0")
    [(entries,)] = backend.query(
        "SELECT count(*) FROM journal_journalentry WHERE kind = 'benefit_settled'"
    )
    assert entries == paid
    [(sum_all,)] = backend.query("SELECT coalesce(sum(cents), 0) FROM journal_journalposting")
    [(charge,)] = backend.query(
        "SELECT coalesce(sum(cents), 0) FROM journal_journalposting WHERE account = 'benefits'"
    )
    [(settled,)] = backend.query("SELECT coalesce(sum(mutuelle_cents), 0) FROM claims_settlement")
    assert sum_all == 0 and charge == settled == rerun["to_pay_cents"]
    # and once more: the file is known, nothing new
    again = json.loads(_cli(backend.env, *args[:-2]).stdout)
    assert again["already_done"]
    [(after,)] = backend.query("SELECT count(*) FROM claims_settlement")
    assert after == settlements


def test_two_commands_on_the_same_file_at_once_settle_each_line_once(
    backend: Backend,
    tmp_path: Path,
) -> None:
    """Staff start the same ingestion twice (two terminals): each lane's checkpoint is locked by
    its chunk's transaction, so the second command stops where the first has been, and a rerun
    completes the file — one settlement per line."""
    if backend.name != "postgresql":
        pytest.skip("les voies parallèles demandent PostgreSQL (SQLite : une seule voie)")
    path = tmp_path / "annee.csv"
    total, bad = _claims_file(backend, path)
    args = ["ingest", str(path), "--json", "--lanes", "2", "--chunk", str(CHUNK),
            "--chunk-delay-ms", "20"]  # fmt: skip
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "mutuelle.cli", *args],
            env=backend.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    # one of them at least was stopped by the other's lanes (they started together)
    assert codes[-1] != 0, outs
    stopped = [err for (_, err), p in zip(outs, procs, strict=True) if p.returncode]
    assert any("traitée ailleurs" in err for err in stopped), stopped
    final = json.loads(_cli(backend.env, *args[:-2]).stdout)
    assert final.get("already_done") or final["read"] == total
    [(lines,)] = backend.query("SELECT count(*) FROM claims_claimline")
    [(settlements,)] = backend.query("SELECT count(*) FROM claims_settlement")
    [(distinct,)] = backend.query("SELECT count(DISTINCT line_id) FROM claims_settlement")
    [(rejections,)] = backend.query("SELECT count(*) FROM claims_rejection")
    assert lines == settlements == distinct == total - bad
    assert rejections == bad
