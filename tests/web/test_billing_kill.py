"""kill -9 in the middle of the yearly call, then a rerun: every adhesion called exactly once,
the journal balanced, and calling the year again posts nothing new. On PostgreSQL the call
runs in two parallel processes by default (``mutuelle bill`` lanes): killing the command
kills both, and the rerun resumes both."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.web.test_batch_kill import Backend, _cli, _kill_midway, backend  # noqa: F401

ARGS = ["bill", "--year", "2027", "--on", "2026-12-02", "--json", "--per-chunk", "6",
        "--delay-ms", "120"]  # fmt: skip


def test_yearly_call_killed_midway_then_rerun_calls_each_adhesion_once(
    backend: Backend,  # noqa: F811
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mutuelle.cli", *ARGS],
        env=backend.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    done_at_kill, total = _kill_midway(proc, backend)
    assert 0 < done_at_kill < total
    # (a lane still at work would make the rerun refuse: « en cours ailleurs »)
    finished = json.loads(_cli(backend.env, *ARGS).stdout)
    assert finished["status"] == "done" and finished["done"] == finished["total"]
    assert finished["attempts"] == 2
    lanes = 2 if backend.name == "postgresql" else 1
    assert finished.get("lanes", 1) == lanes
    [(billable,)] = backend.query(
        "SELECT count(*) FROM members_adhesion WHERE status = 'active' AND start <= "
        "'2027-12-31' AND (\"end\" IS NULL OR \"end\" >= '2027-01-01')"
    )
    # the lanes share the adhesions: none looked at twice, none left out
    assert finished["total"] == billable > 0
    [(entries,)] = backend.query(
        "SELECT count(*) FROM journal_journalentry WHERE key LIKE 'bill:%%:2027:%%'"
    )
    # the counters advanced with each chunk's transaction: nothing counted or posted twice
    assert finished["result"]["entries_posted"] == entries > 0
    [(called,)] = backend.query(
        "SELECT coalesce(sum(p.cents), 0) FROM journal_journalposting p "
        "JOIN journal_journalentry e ON e.id = p.entry_id "
        "WHERE e.key LIKE 'bill:%%:2027:%%' AND p.account = 'member_contributions'"
    )
    assert called == finished["result"]["ttc_cents"]
    [(unbalanced,)] = backend.query(
        "SELECT count(*) FROM (SELECT entry_id FROM journal_journalposting "
        "GROUP BY entry_id HAVING sum(cents) <> 0) t"
    )
    assert unbalanced == 0
    # the same year called again (another day, another run): nothing new
    again = json.loads(
        _cli(backend.env, "bill", "--year", "2027", "--on", "2026-12-03", "--json").stdout
    )
    assert again["result"]["entries_posted"] == 0
    assert again["result"]["ttc_cents"] == finished["result"]["ttc_cents"]
