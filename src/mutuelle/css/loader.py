"""Build :class:`CssParameters` from the ``openfisca-france`` package and the local override.

This is the edge of the CSS core: it reads files (openfisca's parameter YAML, our
``data/override.yaml``); :func:`mutuelle.css.screening.screen` never does.

* Only the two parameter folders needed (``…/minima_sociaux/cs`` and ``…/minima_sociaux/rsa``)
  are loaded with ``openfisca_core.parameters.ParameterNode`` — not the whole
  ``TaxBenefitSystem`` (≈ 2.3 s), not the whole parameter tree (≈ 1 s): ≈ 15 ms, once per
  process (cached).
* Override, the OpenFisca way: a ``parameter_updates`` entry is a new dated value appended to an
  upstream parameter, used only after upstream's last date; upstream is never overwritten. The
  ``published_ceilings`` tables replace openfisca's derived ceilings (docs I-50).
* Floats at the edge (money rule of the project): openfisca's YAML values are decimal literals
  that Python reads as floats; ``repr(float)`` is the shortest string that reads back as the
  same float, i.e. the literal as written (``646.52``, ``0.165``). We convert that string with
  ``Decimal`` and require an exact number of cents (money) or basis points (rates): anything
  else is refused (:class:`CssParametersError`), never rounded.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from mutuelle import yamlio
from mutuelle.css.parameters import (
    CeilingTable,
    CssParameters,
    Figure,
    ForfaitLogement,
    ParticipationBand,
)
from mutuelle.money import BP_PER_UNIT

MS = "prestations_sociales.solidarite_insertion.minima_sociaux"
CS = f"{MS}.cs"
RSA = f"{MS}.rsa"
PLAFOND_BASE = f"{CS}.cmu.plafond_base"

# openfisca's participation amounts are named after the age band they apply to (model
# css_participation_forfaitaire_montant_i: age < 30, <= 49, <= 59, <= 69, > 69).
BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("cmu_moins_30_ans", 0, 29),
    ("cmu_30_49_ans", 30, 49),
    ("cmu_50_59_ans", 50, 59),
    ("cmu_60_69_ans", 60, 69),
    ("cmu_plus_69_ans", 70, None),
)


class CssParametersError(RuntimeError):
    """The installed parameters cannot be used (a broken install or override file)."""


class CssParametersUnavailable(CssParametersError):
    """No published ceiling table covers the date asked (docs/interpretations.md G-30)."""


@dataclass(frozen=True)
class DatedValue:
    since: dt.date
    value: Decimal
    source: str


def openfisca_version() -> str:
    return importlib.metadata.version("openfisca-france")


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CssParametersError(f"{what} : valeur non numérique {value!r}")
    return Decimal(repr(value) if isinstance(value, float) else str(value))


def to_cents(value: Decimal, what: str) -> int:
    cents = value * 100
    if cents != cents.to_integral_value():
        raise CssParametersError(f"{what} : {value} € n'est pas un nombre exact de centimes")
    return int(cents)


def to_bp(value: Decimal, what: str) -> int:
    bp = value * BP_PER_UNIT
    if bp != bp.to_integral_value():
        raise CssParametersError(f"{what} : {value} n'est pas un nombre exact de points de base")
    return int(bp)


# --- openfisca's parameter tree ---------------------------------------------------------------


@functools.cache
def _openfisca_nodes() -> dict[str, Any]:
    """The ``cs`` and ``rsa`` parameter nodes of the installed openfisca-france (cached)."""
    try:
        import openfisca_france
        from openfisca_core.parameters import ParameterNode
    except ImportError as exc:  # pragma: no cover - a broken install
        raise CssParametersError(f"openfisca-france n'est pas installé ({exc})") from None
    root = Path(openfisca_france.__file__).parent / "parameters"
    nodes = {}
    for path in (CS, RSA):
        folder = root.joinpath(*path.split("."))
        nodes[path] = ParameterNode(path.rsplit(".", 1)[-1], directory_path=str(folder))
    return nodes


def upstream_parameter(path: str) -> Any:
    """The openfisca ``Parameter`` at a dotted path under ``cs`` or ``rsa``."""
    for prefix, node in _openfisca_nodes().items():
        if path.startswith(prefix + "."):
            for part in path[len(prefix) + 1 :].split("."):
                node = node.children[part]
            return node
    raise CssParametersError(f"paramètre openfisca inconnu : {path}")


def _reference(param: Any, since: str) -> str:
    refs = (param.metadata or {}).get("reference") or {}
    items = refs.get(since) if isinstance(refs, dict) else None
    if items is None and isinstance(refs, dict) and refs:
        # the reference of the latest date before ``since`` (openfisca references are sparse)
        earlier = [d for d in refs if str(d) <= since]
        items = refs[max(earlier)] if earlier else None
    if items is None:
        return ""
    items = items if isinstance(items, list) else [items]
    return " ; ".join(
        f"{i.get('title', '')} {i.get('href', '')}".strip() if isinstance(i, dict) else str(i)
        for i in items
    )


@functools.cache
def upstream_values(path: str) -> tuple[DatedValue, ...]:
    """Every dated value of an upstream parameter, oldest first (None values are stops)."""
    param = upstream_parameter(path)
    out = []
    for at in reversed(param.values_list):
        if at.value is None:
            continue
        ref = _reference(param, at.instant_str)
        src = f"openfisca-france {openfisca_version()} · {path} ({at.instant_str})"
        out.append(
            DatedValue(
                since=dt.date.fromisoformat(at.instant_str),
                value=_decimal(at.value, path),
                source=f"{src}{' · ' + ref if ref else ''}",
            )
        )
    return tuple(out)


# --- the local override file ------------------------------------------------------------------


@functools.cache
def read_override() -> dict[str, Any]:
    text = resources.files("mutuelle.css").joinpath("data/override.yaml").read_text("utf-8")
    data = yamlio.load(text)
    if not isinstance(data, dict):
        raise CssParametersError("data/override.yaml : contenu inattendu")
    return data


def override_updates(path: str) -> list[DatedValue]:
    updates = (read_override().get("parameter_updates") or {}).get(path) or []
    return [
        DatedValue(
            since=dt.date.fromisoformat(str(u["since"])),
            value=_decimal(str(u["value"]), path),
            source=f"surcharge locale (mutuelle/css/data/override.yaml) · {u['source']}",
        )
        for u in updates
    ]


def effective_values(path: str) -> list[DatedValue]:
    """Upstream values + the override's values dated strictly after upstream's last date."""
    upstream = list(upstream_values(path))
    last = upstream[-1].since if upstream else dt.date.min
    return upstream + [u for u in override_updates(path) if u.since > last]


def value_at(path: str, on: dt.date) -> DatedValue:
    candidates = [v for v in effective_values(path) if v.since <= on]
    if not candidates:
        raise CssParametersUnavailable(f"{path} : aucune valeur au {on.isoformat()}")
    return candidates[-1]


def _published_tables() -> list[CeilingTable]:
    raw = read_override().get("published_ceilings") or []
    starts = sorted(dt.date.fromisoformat(str(t["since"])) for t in raw)
    tables = []
    for t in sorted(raw, key=lambda t: str(t["since"])):
        since = dt.date.fromisoformat(str(t["since"]))
        later = [s for s in starts if s > since]
        # A table holds until the next one, or until the next 1 April (L861-1: yearly revaluation).
        if later:
            until = later[0] - dt.timedelta(days=1)
        else:
            year = since.year + 1 if (since.month, since.day) >= (4, 1) else since.year
            until = dt.date(year, 3, 31)

        def cents(col: dict[Any, Any], key: Any, t: dict[str, Any] = t) -> int:
            return to_cents(_decimal(str(col[key]), f"plafond {t['since']}"), "plafond")

        free, part = t["free"], t["with_participation"]
        tables.append(
            CeilingTable(
                since=since,
                until=until,
                free=(cents(free, 1), cents(free, 2), cents(free, 3), cents(free, 4)),
                free_each_additional=cents(free, "each_additional"),
                participation=(cents(part, 1), cents(part, 2), cents(part, 3), cents(part, 4)),
                participation_each_additional=cents(part, "each_additional"),
                source=f"surcharge locale (mutuelle/css/data/override.yaml) · {t['source']}",
            )
        )
    return tables


def _figure(name: str, path: str, on: dt.date, unit: str) -> Figure:
    v = value_at(path, on)
    if unit == "cents":
        value = to_cents(v.value, path)
    elif unit == "bp":
        value = to_bp(v.value, path)
    else:
        if v.value != v.value.to_integral_value():
            raise CssParametersError(f"{path} : nombre entier attendu, {v.value}")
        value = int(v.value)
    return Figure(name=name, value=value, unit=unit, since=v.since, source=v.source)


def _one(name: str, since: dt.date) -> Figure:
    return Figure(
        name,
        BP_PER_UNIT,
        "bp",
        since,
        "R262-1 CASF : montant forfaitaire d'une personne seule (facteur 1)",
    )


def build_parameters(on: dt.date) -> CssParameters:
    """Read every figure the screening needs for the date ``on`` (not cached: see below)."""
    tables = [t for t in _published_tables() if t.since <= on]
    if not tables:
        first = min((t.since for t in _published_tables()), default=None)
        raise CssParametersUnavailable(
            f"pas de barème CSS publié installé pour le {on:%d/%m/%Y} "
            f"(le premier installé date du {first:%d/%m/%Y}) — docs/interpretations.md G-30"
            if first
            else "aucun barème CSS publié installé — docs/interpretations.md G-30"
        )
    table = tables[-1]
    # openfisca's base at the table's start must be the table's first cell (as published).
    plafond_base = _figure("plafond_base", PLAFOND_BASE, table.since, "cents")
    if plafond_base.value != table.free[0]:
        raise CssParametersError(
            f"plafond 1 personne incohérent au {table.since:%d/%m/%Y} : openfisca (ou surcharge) "
            f"{plafond_base.value} c, barème publié {table.free[0]} c — mettre à jour "
            "mutuelle/css/data/override.yaml"
        )
    bands = tuple(
        ParticipationBand(lo, hi, _figure(name, f"{CS}.css.montant.france.{name}", on, "cents"))
        for name, lo, hi in BANDS
    )
    rsa_base = _figure("montant_de_base_du_rsa", f"{RSA}.rsa_m.montant_de_base_du_rsa", on, "cents")
    maj = f"{RSA}.rsa_maj.maj_montant_max"
    p2 = _figure("rsa_majoration_2e_personne", f"{maj}.couples_celibataire_avec_enfant", on, "bp")
    p3 = _figure("rsa_majoration_3e_personne", f"{maj}.couple_1_enfant_ou_2e_enfant", on, "bp")
    factors = (
        _one("rsa_facteur_1p", rsa_base.since),
        Figure("rsa_facteur_2p", BP_PER_UNIT + p2.value, "bp", p2.since, p2.source),
        Figure(
            "rsa_facteur_3p_plus",
            BP_PER_UNIT + p2.value + p3.value,
            "bp",
            max(p2.since, p3.since),
            f"{p2.source} ; {p3.source}",
        ),
    )

    def rates(kind: str) -> tuple[Figure, Figure, Figure]:
        base = f"{CS}.css.{kind}"
        return (
            _figure(f"{kind}.taux_1p", f"{base}.taux_1p", on, "bp"),
            _figure(f"{kind}.taux_2p", f"{base}.taux_2p", on, "bp"),
            _figure(f"{kind}.taux_3p_plus", f"{base}.taux_3p_plus", on, "bp"),
        )

    applied = [f"published_ceilings {table.since.isoformat()}"]
    if plafond_base.source.startswith("surcharge"):
        applied.insert(0, f"parameter_updates {PLAFOND_BASE} {plafond_base.since.isoformat()}")
    return CssParameters(
        on=on,
        ceilings=table,
        plafond_base=plafond_base,
        majoration_participation=_figure(
            "majoration_plafond_acs", f"{CS}.acs.majoration_plafond_acs", on, "bp"
        ),
        dependant_age_limit=_figure("age_limite_pac", f"{CS}.cmu.age_limite_pac", on, "years"),
        participation_bands=bands,
        forfait_logement=ForfaitLogement(
            rsa_base=rsa_base,
            rsa_factors_bp=factors,
            rates_without_aid=rates("forfait_logement_sans_al"),
            rates_with_aid=rates("forfait_logement_avec_al"),
        ),
        openfisca_version=openfisca_version(),
        overrides_applied=tuple(applied),
    )


@functools.lru_cache(maxsize=64)
def load_parameters(on: dt.date) -> CssParameters:
    """The CSS parameters for the date ``on`` (cached per date; the trees are read once)."""
    return build_parameters(on)
