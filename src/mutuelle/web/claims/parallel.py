"""One claim file ingested by several processes at once (``mutuelle ingest --lanes N``).

Every lane reads the whole file and keeps the lines of the households whose adhesion number
falls in it (:func:`mutuelle.web.claims.services.lane_of`): all the lines of one household —
its ceilings, its cancellations, the same act from another source — are settled by one lane,
in the file's order, so the result is the one a single process gives (docs I-290). Each lane
is an ordinary ingestion with its own checkpoint (``ClaimFileLane``): a chunk is one
transaction that advances it, a kill loses at most the chunk in flight of each lane, and
running the same command again resumes every lane where it stopped. The lanes are forked
processes that die with their parent (Linux), so a rerun never finds one still at work; a
second command on the same file at once is refused by the lane's lock
(:func:`~mutuelle.web.claims.services._hold`).

Each lane writes the outcomes of its lines (rejection report, ``--lines-out``) to a part file
beside the final one; when every lane is done the parts are merged by line number, and they
are removed once the file is marked done (:func:`cleanup`).
"""

from __future__ import annotations

import csv
import heapq
import json
import os
import resource
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mutuelle.web.claims import models as m
from mutuelle.web.claims import services

REJECTS_HEADER = ["line_no", "line_id", "field", "reason"]
LINES_HEADER = ["line_no", "line_id", "status", "mutuelle_cents", "reason"]


class LanesFailed(Exception):
    """A lane stopped before the end of the file (its error went to the standard error)."""


@dataclass
class LaneStats:
    """What one lane did (for the command's summary and the bench)."""

    lane: int
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    cpu_seconds: float = 0.0
    peak_mb: float = 0.0


def part(path: Path, lane: int) -> Path:
    """The part file of ``lane`` beside ``path`` (removed once merged)."""
    return path.with_name(f"{path.name}.voie{lane + 1}")


def run_lanes(
    path: Path,
    file: m.ClaimFile,
    *,
    chunk: int = services.CHUNK,
    rejects: Path,
    lines_out: Path | None = None,
    on: Any = None,
    progress: Callable[[int], None] | None = None,
    delay_ms: int = 0,
    poll: float = 0.5,
) -> list[LaneStats]:
    """Ingest ``file`` (at ``path``) in its lanes, one forked process each, and wait for all
    of them; ``progress`` sees the number of lines every lane is past, every ``poll``
    seconds. Returns each lane's figures; :class:`LanesFailed` if one stopped (running the same
    call again resumes it). The file is not marked done here (:func:`services.finish`)."""
    from django.db import connections

    from mutuelle.web.jobs.framework import _die_with

    rows = services.lane_rows(file)
    connections.close_all()  # each process opens its own connection
    parent = os.getpid()
    stats_dir = Path(tempfile.mkdtemp(prefix="mutuelle-voies-"))
    children: dict[int, int] = {}
    try:
        for row in rows:
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child's coverage is not collected
                code = 1
                try:
                    _die_with(parent)
                    with services.tuned_collector():
                        stats = _lane(path, file, row, chunk, rejects, lines_out, on, delay_ms)
                    (stats_dir / f"{row.lane}.json").write_text(json.dumps(stats.__dict__))
                    code = 0
                except services.LaneTaken as exc:  # a second command on the same file
                    print(f"voie {row.lane + 1} : {exc}", file=sys.stderr)
                except BaseException:
                    traceback.print_exc()
                finally:
                    os._exit(code)
            children[pid] = row.lane
        failed: list[int] = []
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                if progress:
                    progress(_lines_past(file))
                time.sleep(poll)
                continue
            lane = children.pop(pid)
            if os.waitstatus_to_exitcode(status) != 0:
                failed.append(lane)
        if progress:
            progress(_lines_past(file))
    except BaseException:
        for pid in children:
            os.kill(pid, 9)
        raise
    if failed:
        names = ", ".join(str(n + 1) for n in sorted(failed))
        raise LanesFailed(
            f"voie(s) {names} sur {file.lanes} interrompue(s) : relancer la même commande "
            "reprend chaque voie où elle s'était arrêtée"
        )
    out = []
    for row in rows:
        data = json.loads((stats_dir / f"{row.lane}.json").read_text())
        out.append(LaneStats(**data))
        (stats_dir / f"{row.lane}.json").unlink()
    stats_dir.rmdir()
    _merge([part(rejects, r.lane) for r in rows], rejects, REJECTS_HEADER)
    if lines_out is not None:
        _merge([part(lines_out, r.lane) for r in rows], lines_out, LINES_HEADER)
    return out


def _lines_past(file: m.ClaimFile) -> int:
    done = m.ClaimFileLane.objects.filter(file=file).values_list("lines_done", flat=True)
    return min(done, default=0)


def _lane(
    path: Path,
    file: m.ClaimFile,
    row: m.ClaimFileLane,
    chunk: int,
    rejects: Path,
    lines_out: Path | None,
    on: Any,
    delay_ms: int,
) -> LaneStats:
    """The work of one lane, in its process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    ingest = services.Ingest(**({"on": on} if on is not None else {}))
    resumed = row.lines_done > 0
    mode = "a" if resumed else "w"
    rej_file = part(rejects, row.lane).open(mode, newline="", encoding="utf-8")
    out_file = (
        part(lines_out, row.lane).open(mode, newline="", encoding="utf-8") if lines_out else None
    )
    try:
        rej_w = csv.writer(rej_file, delimiter=";")
        out_w = csv.writer(out_file, delimiter=";") if out_file else None
        with path.open(encoding="utf-8-sig", newline="") as f:
            for records in services.chunks(
                f, chunk, after=row.lines_done, lane=row.lane, lanes=file.lanes
            ):
                for o in ingest.process(records, file, row):
                    if out_w:
                        out_w.writerow([o.line_no, o.line_id, o.status, o.mutuelle_cents, o.reason])
                    if o.status == "rejected":
                        rej_w.writerow([o.line_no, o.line_id, o.field, o.reason])
                rej_file.flush()
                if out_file:
                    out_file.flush()
                if delay_ms:
                    time.sleep(delay_ms / 1000)
    finally:
        rej_file.close()
        if out_file:
            out_file.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return LaneStats(
        row.lane,
        ingest.counts.as_dict(),
        dict(ingest.timings),
        usage.ru_utime + usage.ru_stime - cpu0,
        usage.ru_maxrss / 1024,
    )


def _merge(parts: list[Path], target: Path, header: list[str]) -> None:
    """The lanes' part files (each in line order) merged by line number into ``target``
    (written beside it, then renamed: a kill leaves the parts, and the rerun merges again)."""
    handles = [p.open(newline="", encoding="utf-8") for p in parts if p.exists()]
    work = target.with_name(f"{target.name}.fusion")
    try:
        readers: list[Iterator[list[str]]] = [_rows(h) for h in handles]
        with work.open("w", newline="", encoding="utf-8") as out:
            w = csv.writer(out, delimiter=";")
            w.writerow(header)
            for r in heapq.merge(*readers, key=lambda r: int(r[0])):
                w.writerow(r)
    finally:
        for h in handles:
            h.close()
    work.replace(target)


def _rows(handle: Any) -> Iterator[list[str]]:
    for r in csv.reader(handle, delimiter=";"):
        if r and r[0].isdigit():  # (a row cut by a kill mid-write is dropped)
            yield r


def cleanup(file: m.ClaimFile, rejects: Path, lines_out: Path | None) -> None:
    """Remove the lanes' part files, once the file is marked done."""
    for lane in range(file.lanes):
        part(rejects, lane).unlink(missing_ok=True)
        if lines_out is not None:
            part(lines_out, lane).unlink(missing_ok=True)
