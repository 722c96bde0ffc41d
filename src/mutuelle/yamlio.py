"""Reading the project's YAML data files, with libyaml when it is there.

The offer folder alone is ~10 000 YAML nodes: PyYAML's pure-Python parser spends ~0.35 s on it,
most of a ``mutuelle quote`` run. PyYAML's wheels ship libyaml's C parser
(``yaml.CSafeLoader``), which reads the same documents into the same Python values several times
faster. When it is absent (a PyYAML built without libyaml), the pure-Python ``SafeLoader`` is
used and a message says so once, on stderr: everything works, only slower.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO, Any

import yaml

try:
    from yaml import CSafeLoader as _Loader

    LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    LIBYAML = False

_log = logging.getLogger("mutuelle")
_warned = False


def _warn_once() -> None:
    global _warned
    if not LIBYAML and not _warned:
        _warned = True
        _log.warning(
            "PyYAML sans libyaml (yaml.CSafeLoader absent) : lecture des données en Python pur, "
            "plus lente (installer PyYAML depuis ses wheels, qui embarquent libyaml)"
        )


def load(stream: str | bytes | IO[str] | IO[bytes]) -> Any:
    """``yaml.safe_load`` with the C parser when available."""
    _warn_once()
    return yaml.load(stream, Loader=_Loader)


def load_path(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return load(fh)
