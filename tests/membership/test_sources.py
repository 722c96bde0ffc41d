"""Every membership rule cites a line of the seed text: check that the line is in the cited
document and says what the rule's reference quotes (a typo in a line number would send a
reviewer to the wrong sentence)."""

import re

from mutuelle.offers.model import Offer


def test_every_membership_source_is_inside_its_document(offer: Offer) -> None:
    starts = sorted(
        (d.line, key) for key, d in offer.documents.items() if d.seed and d.line is not None
    )
    bounds = {
        key: (line, starts[i + 1][0] if i + 1 < len(starts) else 10**9)
        for i, (line, key) in enumerate(starts)
    }
    for rng in offer.ranges.values():
        assert rng.membership is not None
        for where, src in rng.membership.sources():
            if src.line is None:
                continue
            lo, hi = bounds[src.doc]
            assert lo <= src.line < hi, f"{rng.id} {where}: l. {src.line} hors de {src.doc}"


# (a pattern of the cited sentence, as printed) — one per kind of rule, for every règlement.
EXPECTED = {
    "effective_date.source": r"15 jours|1<sup>er</sup> jour du mois suivant",
    "renunciation.refund_source": r"30\)? jours",
    "dependants.event_source": "deux mois",
    "dependants.over_age_source": "28",
    "formula_change.source": "année civile",
    "formula_change.upgrade_source": "hausse",
    "termination.infra_annual_source": "un an",
    "termination.death_source": "décès",
    "unpaid.source": r"trente|\(30\) jours",
    "unpaid.reinstatement_source": "midi",
}


def test_cited_lines_say_what_the_rules_quote(offer: Offer, seed_lines: list[str]) -> None:
    lines = seed_lines
    for rng in offer.ranges.values():
        assert rng.membership is not None
        for where, src in rng.membership.sources():
            if src.line is None:
                continue
            assert lines[src.line - 1].strip(), f"{rng.id} {where}: l. {src.line} est vide"
            want = EXPECTED.get(where)
            if want is None:
                continue
            text = " ".join(lines[src.line - 1 : src.line + 6])  # PDF line breaks
            assert re.search(want, text, re.I), f"{rng.id} {where} l. {src.line}: {want!r}"
