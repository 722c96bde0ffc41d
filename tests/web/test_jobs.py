"""Batch runs in process: progress, per-item errors, resume after a failure, idempotency,
the serve thread's executor and the back-office pages."""

from __future__ import annotations

import pytest
from django.utils import timezone
from tests.web.conftest import login

from mutuelle.web.jobs import demo, framework, services
from mutuelle.web.jobs.models import BatchRun, BatchRunError
from mutuelle.web.members.models import Adhesion, Person


@pytest.fixture
def population(martin) -> int:
    for n in range(2, 26):
        p = Person.objects.create(
            last_name=f"Test{n}", first_name="A", birth_date=martin.member.birth_date
        )
        Adhesion.objects.create(
            number=f"GR25-{n:06d}", offer=martin.offer, range="students" if n % 3 else "residents",
            member=p, signed_on=martin.signed_on, file_sent_on=martin.file_sent_on,
            start=martin.start, status="pending" if n % 7 == 0 else "active",
        )  # fmt: skip
    return Adhesion.objects.count()


def test_a_run_counts_each_item_once_and_records_errors(population) -> None:
    run, _created = services.start_run("count-adhesions", {"per_chunk": 4}, defer=False)
    seen: list[int] = []
    done = framework.run(run.pk, progress=lambda r: seen.append(r.done))
    pending = Adhesion.objects.filter(status="pending").count()
    assert done.status == "done" and done.total == population == done.done
    assert done.result["adhesions"] == population - pending
    assert done.error_count == pending == BatchRunError.objects.filter(run=done).count()
    assert "pas encore validée" in BatchRunError.objects.first().reason
    assert seen == sorted(seen) and seen[-1] == population  # progress advances chunk by chunk


def test_a_failure_midway_is_resumed_where_it_stopped(population, monkeypatch) -> None:
    run, _ = services.start_run("count-adhesions", {"per_chunk": 5}, defer=False)
    original = demo.CountAdhesions.process
    calls = {"n": 0}

    def fail_on_third(self, run, params, items):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("panne simulée")
        return original(self, run, params, items)

    monkeypatch.setattr(demo.CountAdhesions, "process", fail_on_third)
    with pytest.raises(RuntimeError):
        framework.run(run.pk)
    stopped = BatchRun.objects.get(pk=run.pk)
    assert stopped.status == "failed" and stopped.done == 10 and "panne simulée" in stopped.failure
    monkeypatch.setattr(demo.CountAdhesions, "process", original)
    finished = framework.run(run.pk)
    pending = Adhesion.objects.filter(status="pending").count()
    assert finished.done == population and finished.result["adhesions"] == population - pending
    assert finished.attempts == 2


def test_the_same_run_twice_changes_nothing(population) -> None:
    run, created = services.start_run("count-adhesions", {}, defer=False)
    finished = framework.run(run.pk)
    again, created_again = services.start_run("count-adhesions", {}, defer=False)
    assert created and not created_again and again.pk == run.pk
    assert framework.run(again.pk).result == finished.result
    assert BatchRun.objects.get(pk=run.pk).attempts == 1


def test_parameters_are_checked(db) -> None:
    with pytest.raises(framework.ParameterError, match="inconnu"):
        services.start_run("count-adhesions", {"speed": 3})
    with pytest.raises(framework.ParameterError, match="traitement inconnu"):
        services.start_run("nothing", {})
    _run, _ = services.start_run("count-adhesions", {}, idempotency_key="k", defer=False)
    with pytest.raises(framework.ParameterError, match="déjà"):
        services.start_run("count-adhesions", {"delay_ms": 5}, idempotency_key="k")


def test_a_live_executor_is_not_taken_over(population) -> None:
    run, _ = services.start_run("count-adhesions", {}, defer=False)
    framework._claim(run.pk, framework.worker_name())  # this very process: alive
    with pytest.raises(framework.AlreadyRunning):
        framework.run(run.pk, worker="another-host:1")
    # A run claimed by a process of this machine that no longer exists is resumable.
    BatchRun.objects.filter(pk=run.pk).update(
        worker="{}:999999999".format(framework.worker_name().split(":")[0])
    )
    assert [r.pk for r in services.resumable()] == [run.pk]


def test_a_dead_lane_left_as_a_zombie_is_resumable(population) -> None:
    """A lane killed with its parent is re-parented to PID 1, which in a container may never
    reap it: the zombie still answers signal 0, but its run is resumable at once (CI saw
    « traitement n° 1 : En cours » on the rerun after a kill -9)."""
    import os
    import time
    from pathlib import Path

    run, _ = services.start_run("count-adhesions", {}, defer=False)
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    try:
        stat = Path(f"/proc/{pid}/stat")
        while stat.read_text().rpartition(")")[2].split()[0] != "Z":
            time.sleep(0.01)  # exited, not reaped: a zombie
        assert not framework.process_alive(pid)
        host = framework.worker_name().split(":")[0]
        BatchRun.objects.filter(pk=run.pk).update(
            status="running", worker=f"{host}:{pid}", heartbeat_at=timezone.now()
        )
        assert [r.pk for r in services.resumable()] == [run.pk]
        assert framework.run(run.pk).status == "done"
    finally:
        os.waitpid(pid, 0)
    assert framework.process_alive(os.getpid())


def test_the_serve_executor_runs_queued_runs(population) -> None:
    run, _ = services.start_run("count-adhesions", {})
    assert BatchRun.objects.get(pk=run.pk).status == "queued"
    assert services.run_pending_once() == 1
    assert BatchRun.objects.get(pk=run.pk).status == "done"
    assert services.run_pending_once() == 0


def test_back_office_pages(client, staff, population) -> None:
    login(client, staff)
    page = client.get("/gestion/jobs/batchrun/lancer/")
    assert page.status_code == 200 and "count-adhesions" in page.content.decode()
    posted = client.post(
        "/gestion/jobs/batchrun/lancer/",
        {"kind": "count-adhesions", "parameters": "per_chunk=5", "key": ""},
    )
    run = BatchRun.objects.get()
    assert posted.status_code == 302 and run.started_by == staff and run.status == "queued"
    detail = client.get(f"/gestion/jobs/batchrun/{run.pk}/change/").content.decode()
    assert 'http-equiv="refresh"' in detail  # refreshes while the run waits or runs
    services.run_pending_once()
    detail = client.get(f"/gestion/jobs/batchrun/{run.pk}/change/").content.decode()
    assert 'http-equiv="refresh"' not in detail and "Terminé" in detail
    assert client.get("/gestion/jobs/batchrun/").status_code == 200
    bad = client.post(
        "/gestion/jobs/batchrun/lancer/", {"kind": "count-adhesions", "parameters": "x"}
    )
    assert "nom=valeur" in bad.content.decode()


def test_the_lanes_of_the_yearly_call_share_its_adhesions(population) -> None:
    kind = framework.kind_of("yearly-call")
    base = kind.clean({"year": 2026, "on": "2025-12-02"})

    def keys(params: dict) -> list:
        out, after = [], None
        while items := kind.chunk({**params, **kind.begin(params)}, after, 5):
            out += [k for k, _ in items]
            after = items[-1][0]
        return out

    whole = keys(base)
    lanes = [keys(kind.clean({**base, "lane": i, "lanes": 3})) for i in range(3)]
    assert whole and sorted(k for lane in lanes for k in lane) == whole  # none twice, none left
    assert all(lanes) and sum(kind.count({**base, "lane": i, "lanes": 3}) for i in range(3)) == (
        kind.count(base)
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"lane": 0}, "vont ensemble"),
        ({"lane": 2, "lanes": 2}, "lane : entre 0 et 1"),
        ({"lane": 0, "lanes": 9}, "lanes : entre 1 et 8"),
        ({"lane": "a", "lanes": 2}, "nombres entiers"),
    ],
)
def test_lane_parameters_are_checked(db, extra, message) -> None:
    with pytest.raises(framework.ParameterError, match=message):
        services.start_run("yearly-call", {"year": 2026, "on": "2025-12-02", **extra})


def test_several_lanes_need_postgresql(db) -> None:
    from django.db import connection

    params = {"year": 2026, "on": "2025-12-02"}
    if connection.vendor == "postgresql":
        runs = services.start_lanes("yearly-call", params, 2)
        assert [r.parameters["lane"] for r, _ in runs] == [0, 1]
        assert services.start_lanes("yearly-call", params, 2) == [(r, False) for r, _ in runs]
    else:
        with pytest.raises(framework.ParameterError, match="demandent PostgreSQL"):
            services.start_lanes("yearly-call", params, 2)
    [(one, _)] = services.start_lanes("yearly-call", params, 1)
    assert "lane" not in one.parameters
