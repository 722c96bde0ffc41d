"""Procrastinate tasks (PostgreSQL only; autodiscovered by ``procrastinate.contrib.django``)."""

from __future__ import annotations

from django.db import close_old_connections
from procrastinate.contrib.django import app

from mutuelle.web.jobs import framework


@app.task(name="mutuelle.jobs.run_batch", queue="batch")
def run_batch(run_id: int) -> None:
    close_old_connections()
    try:
        framework.run(run_id)
    except framework.AlreadyRunning:
        pass
    finally:
        close_old_connections()


@app.periodic(cron="*/2 * * * *")
@app.task(name="mutuelle.jobs.recover", queue="batch")
def recover(timestamp: int) -> None:
    """Every two minutes: runs whose executor died are handed to a live worker."""
    from mutuelle.web.jobs.services import requeue_resumable

    close_old_connections()
    requeue_resumable()
