"""Shared steps of the browser tests: an accessibility check with axe-core (shipped inside the
axe-playwright-python package, injected from that local file: no network)."""

from __future__ import annotations

import contextlib
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


def focused_id(page: Any, expected: str, timeout_ms: int = 5000) -> str:
    """The id of the focused element once the page's deferred script could move the focus.

    Navigation returns before deferred scripts run; waiting for the expected focus (up to
    ``timeout_ms``) avoids a race without hiding a real failure: the caller still asserts."""
    with contextlib.suppress(Exception):  # a timeout: report what has the focus instead
        page.wait_for_function(
            "id => document.activeElement && document.activeElement.id === id",
            arg=expected,
            timeout=timeout_ms,
        )
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))
