"""The accessibility check of the browser tests: axe-core (Deque, MPL-2.0), vendored under
``tests/browser/vendor/axe-core/`` and never served by the service.

:func:`audit` runs axe in a page through the DevTools protocol (``page.evaluate``, which the
page's Content-Security-Policy does not govern, so the page needs no exception for it) with the
WCAG 2.1 A and AA rules and the best-practice rules, and returns the violations as plain dicts.
:func:`serious` keeps the ones axe rates "serious" or "critical"; :func:`describe` writes them
as lines a person can read in a failed assertion.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SERIOUS = frozenset({"serious", "critical"})

__all__ = ["AXE", "audit", "describe", "serious"]


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def audit(page: Any, *, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """axe's violations on the page as it stands (``exclude``: CSS selectors left out, such as a
    third-party canvas that axe cannot read)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(f"() => {{ {_source()}\n }}")
        # axe.min.js defines `axe` on the global object when evaluated as a function body.
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate("(src) => { (0, eval)(src); }", _source())
    context: dict[str, Any] = {"exclude": [[s] for s in exclude]} if exclude else {}
    result: dict[str, Any] = page.evaluate(
        """async ([context, tags]) => {
            const r = await window.axe.run(Object.keys(context).length ? context : document,
                                           {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return {violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))};
        }""",
        [context, TAGS],
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations rated serious or critical."""
    return [v for v in violations if v.get("impact") in SERIOUS]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation and the first elements it names."""
    lines = []
    for v in violations:
        targets = ", ".join(n["target"] for n in v["nodes"][:3])
        lines.append(f"{v['impact']}: {v['id']} ({v['help']}) at {targets}")
    return "\n".join(lines)
