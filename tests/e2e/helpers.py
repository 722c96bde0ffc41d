"""Shared steps of the browser tests: an accessibility check with axe-core (shipped inside the
axe-playwright-python package, injected from that local file: no network)."""

from __future__ import annotations

from typing import Any

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_accessible(page: Any, what: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG_AA)
    violations = results.response["violations"]
    detail = "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in violations
    )
    assert not violations, f"{what} : {len(violations)} violation(s) WCAG 2.1 AA — {detail}"


def text_of(page: Any, selector: str) -> str:
    return " ".join(page.locator(selector).inner_text().split())
