"""Run axe-core (the copy shipped with axe-playwright-python) in a Playwright page.

The app's CSP forbids inline scripts, so `page.add_script_tag(content=...)` would be blocked.
`page.evaluate` runs through the DevTools protocol and is not subject to the page's CSP.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import axe_playwright_python
from playwright.sync_api import Page

# WCAG 2.1 A and AA plus Deque's best practices (landmarks, one h1, heading order, ...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html})),
  }));
}"""


@cache
def axe_source() -> str:
    path = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    return path.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The axe violations on the page as it is now (axe is injected once per document)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE, AXE_TAGS)
    return violations


def format_violations(violations: list[dict[str, Any]], *, where: str) -> str:
    lines = [f"{len(violations)} axe violation(s) on {where}:"]
    for violation in violations:
        nodes = violation["nodes"]
        targets = ", ".join(" ".join(node["target"]) for node in nodes[:3])
        more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
        lines.append(
            f"  - {violation['id']} [{violation['impact']}] {violation['help']}: {targets}{more}"
        )
        if nodes:
            lines.append(f"      {nodes[0]['html'][:200]}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, *, where: str | None = None) -> None:
    violations = axe_violations(page)
    assert violations == [], format_violations(violations, where=where or page.url)
