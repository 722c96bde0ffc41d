"""Start-up time of ``mutuelle quote`` (issue 14: under 0.5 s).

Usage: .venv/bin/python bench/startup.py [--runs 7]

Runs ``mutuelle quote src/mutuelle/examples/famille-residents.json`` in fresh processes and prints
the median and best wall times, then, in this process, what the offer's YAML files cost to parse
with libyaml (``yaml.CSafeLoader``, what the project uses) and with PyYAML's pure-Python
``SafeLoader`` (the fallback when libyaml is absent).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "mutuelle" / "examples" / "famille-residents.json"
TARGET_S = 0.5


def _wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def _parse_all(loader: Any) -> float:
    files = sorted((ROOT / "src" / "mutuelle" / "offers" / "data").rglob("*.yaml"))
    t = time.perf_counter()
    for f in files:
        yaml.load(f.read_text(encoding="utf-8"), Loader=loader)
    return time.perf_counter() - t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    exe = Path(sys.executable).parent / "mutuelle"
    cmd = [str(exe), "quote", str(EXAMPLE)]
    _wall(cmd)  # warm the file cache and the .pyc files
    times = [_wall(cmd) for _ in range(args.runs)]
    median = statistics.median(times)
    print(f"mutuelle quote (median of {args.runs})   {median:6.3f} s   (target < {TARGET_S} s)")
    print(f"mutuelle quote (best)                {min(times):6.3f} s")
    from mutuelle import yamlio

    c = _parse_all(yaml.CSafeLoader) if yamlio.LIBYAML else float("nan")
    py = _parse_all(yaml.SafeLoader)
    print(f"offer YAML, libyaml CSafeLoader       {c:6.3f} s")
    print(f"offer YAML, pure-Python SafeLoader    {py:6.3f} s")
    return 0 if median < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
