"""kill -9 in the middle of a batch run, then a rerun: each item processed exactly once.

Real subprocesses (the ``mutuelle`` CLI, and on PostgreSQL the Procrastinate worker) on a
database of their own — a SQLite file, or a PostgreSQL database created for the test — so the
kill lands wherever it lands: between two chunks or inside one's transaction.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PG_URL = os.environ.get("DATABASE_URL", "")
ON_PG = PG_URL.startswith(("postgres://", "postgresql://"))
HOUSEHOLDS = 120
PER_CHUNK = 6  # 20 chunks
DELAY_MS = 120


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_SETTINGS")}
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


def _cli(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "mutuelle.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"mutuelle {' '.join(args)} : {done.stdout}\n{done.stderr}")
    return done


class Backend:
    def __init__(
        self, env: dict[str, str], query: Callable[[str], list[tuple]], name: str = ""
    ) -> None:
        self.env = env
        self.query = query
        self.name = name

    def progress(self) -> tuple[str, int, int | None]:
        rows = self.query("SELECT status, done, total FROM jobs_batchrun ORDER BY id LIMIT 1")
        return rows[0] if rows else ("", 0, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        env = _env({"MUTUELLE_DATA_DIR": str(tmp_path)})
        db = tmp_path / "mutuelle.sqlite3"

        def query(sql: str) -> list[tuple]:
            if not db.exists():
                return []
            with sqlite3.connect(db, timeout=10) as c:
                try:
                    return c.execute(sql).fetchall()
                except sqlite3.OperationalError:
                    return []

        _cli(env, "demo-data", "--households", str(HOUSEHOLDS), "--no-money")
        yield Backend(env, query, "sqlite")
        return
    if not ON_PG:
        pytest.skip("PostgreSQL : définir DATABASE_URL pour le test d'arrêt brutal sur serveur")
    import psycopg

    base = PG_URL.rsplit("/", 1)[0]
    name = f"mutuelle_kill_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    env = _env({"DATABASE_URL": url, "MUTUELLE_DATA_DIR": str(tmp_path)})

    def pg_query(sql: str) -> list[tuple]:
        with psycopg.connect(url) as c:
            try:
                return c.execute(sql).fetchall()
            except psycopg.errors.UndefinedTable:
                return []

    try:
        _cli(env, "demo-data", "--households", str(HOUSEHOLDS), "--no-money")
        yield Backend(env, pg_query, "postgresql")
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _kill_midway(proc: subprocess.Popen, backend: Backend) -> tuple[int, int]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, done, total = backend.progress()
        if status == "running" and total and total // 3 <= done < total:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            return done, total
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before it could be killed: {status} {done}")
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the run never got going")


def _expected(backend: Backend) -> tuple[int, int]:
    [(counted,)] = backend.query("SELECT count(*) FROM members_adhesion WHERE status <> 'pending'")
    [(pending,)] = backend.query("SELECT count(*) FROM members_adhesion WHERE status = 'pending'")
    return counted, pending


def _check_exactly_once(backend: Backend, finished: dict) -> None:
    counted, pending = _expected(backend)
    assert finished["status"] == "done"
    assert finished["done"] == finished["total"] == counted + pending
    # The counters live in the run's result and advance in each chunk's transaction: a chunk
    # processed twice would count its adhesions twice.
    assert finished["result"]["adhesions"] == counted
    by_range = sum(v for k, v in finished["result"].items() if k.startswith("gamme "))
    assert by_range == counted
    assert finished["errors"] == pending
    [(error_rows,)] = backend.query("SELECT count(*) FROM jobs_batchrunerror")
    assert error_rows == pending
    assert finished["attempts"] == 2


def test_cli_run_killed_midway_then_rerun_processes_each_item_once(backend: Backend) -> None:
    args = ["batch", "run", "count-adhesions", "--key", "kill-test", "--json",
            "--param", f"delay_ms={DELAY_MS}", "--param", f"per_chunk={PER_CHUNK}"]  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "mutuelle.cli", *args],
        env=backend.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    done_at_kill, total = _kill_midway(proc, backend)
    assert 0 < done_at_kill < total
    rerun = _cli(backend.env, *args)
    _check_exactly_once(backend, json.loads(rerun.stdout))
    # A rerun of the finished run changes nothing.
    again = json.loads(_cli(backend.env, *args).stdout)
    assert again["attempts"] == 2 and again["result"] == json.loads(rerun.stdout)["result"]


@pytest.mark.skipif(not ON_PG, reason="le worker Procrastinate demande PostgreSQL (DATABASE_URL)")
def test_worker_killed_midway_then_restarted_processes_each_item_once(tmp_path: Path) -> None:
    import psycopg

    base = PG_URL.rsplit("/", 1)[0]
    name = f"mutuelle_killw_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    env = _env({"DATABASE_URL": url, "MUTUELLE_DATA_DIR": str(tmp_path)})

    def query(sql: str) -> list[tuple]:
        with psycopg.connect(url) as c:
            return c.execute(sql).fetchall()

    backend = Backend(env, query)
    try:
        _cli(env, "demo-data", "--households", str(HOUSEHOLDS), "--no-money")
        # Staff start the run (the service records it and defers a worker job).
        code = (
            "from mutuelle.commands import _django; _django.setup();"
            "from mutuelle.web.jobs import services;"
            f"services.start_run('count-adhesions', {{'delay_ms': {DELAY_MS}, "
            f"'per_chunk': {PER_CHUNK}}})"
        )
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
        [(jobs,)] = query("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'")
        assert jobs == 1
        worker = subprocess.Popen(
            [sys.executable, "-m", "mutuelle.cli", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        done_at_kill, total = _kill_midway(worker, backend)
        assert 0 < done_at_kill < total
        # A new worker sees the run whose executor died and takes it over.
        _cli(env, "worker", "--once")
        shown = json.loads(_cli(env, "batch", "show", "1", "--json").stdout)
        _check_exactly_once(backend, shown)
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
