"""axe-core for the browser tests, served from the local disk: the axe.min.js that the PyPI
package `axe-playwright-python` ships (installed with `pip install --no-deps`, since only the
JavaScript file is used, never Playwright). No CDN, no network.

    from axekit import Axe
    axe = Axe()                      # reads axe.min.js once; raises if the package is missing
    result = axe.run(driver)         # injects axe into the current page and runs it
    result.blocking                  # the critical and serious violations
    result.counts                    # {"critical": 0, "serious": 0, "moderate": 2, "minor": 0}

The run is limited to the WCAG 2.0, 2.1 and 2.2 A and AA rules (`WCAG_TAGS`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from dataclasses import dataclass, field

# The rule sets checked: WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
IMPACTS = ["critical", "serious", "moderate", "minor"]


def axe_source_path() -> str:
    """Where axe.min.js is: $KETACLINIC_AXE_JS, or inside the installed axe_playwright_python
    package (found without importing it, so Playwright need not be installed)."""
    override = os.environ.get("KETACLINIC_AXE_JS")
    if override:
        return override
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("axe-core is not installed: python3 -m pip install --no-deps axe-playwright-python")
    return os.path.join(list(spec.submodule_search_locations)[0], "axe.min.js")


@dataclass
class Violation:
    """One rule broken on one page, with the elements that break it."""
    rule: str
    impact: str
    help: str
    targets: list[str]
    summary: str

    def describe(self) -> str:
        where = ", ".join(self.targets[:3]) + (f" (+{len(self.targets) - 3} more)" if len(self.targets) > 3 else "")
        return f"[{self.impact}] {self.rule}: {self.help} at {where}" + (f" — {self.summary}" if self.summary else "")


@dataclass
class AxeResult:
    """The violations of one page."""
    url: str
    violations: list[Violation] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {impact: sum(1 for v in self.violations if v.impact == impact) for impact in IMPACTS}

    @property
    def blocking(self) -> list[Violation]:
        """The critical and serious violations (what the tests allow none of)."""
        return [v for v in self.violations if v.impact in ("critical", "serious")]


class Axe:
    """axe-core loaded from disk, injected into pages on demand."""

    def __init__(self, path: str | None = None):
        self.path = path or axe_source_path()
        with open(self.path, encoding="utf-8") as handle:
            self.source = handle.read()
        found = re.search(r"axe v(\d+\.\d+\.\d+)", self.source[:400])
        self.version = found.group(1) if found else "unknown"
        if not self.version.startswith("4."):
            raise RuntimeError(f"{self.path}: axe-core 4.x expected, found {self.version}")

    def run(self, driver, url: str | None = None) -> AxeResult:
        """Inject axe (WebDriver scripts are not bound by the page's CSP) and run the WCAG rules on
        the whole document."""
        if not driver.execute_script("return typeof window.axe === 'object'"):
            driver.execute_script(self.source)
        raw = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
            "  .then(r => done(JSON.stringify(r.violations)))"
            "  .catch(e => done(JSON.stringify({error: String(e)})));",
            WCAG_TAGS)
        data = json.loads(raw)
        if isinstance(data, dict) and "error" in data:
            raise RuntimeError(f"axe failed on {url or driver.current_url}: {data['error']}")
        result = AxeResult(url or driver.current_url)
        for item in data:
            nodes = item.get("nodes", [])
            targets = [" ".join(str(t) for t in node.get("target", [])) for node in nodes]
            summary = ""
            if nodes:
                summary = (nodes[0].get("failureSummary") or "").replace("\n", " ").strip()[:220]
            result.violations.append(Violation(item["id"], item.get("impact") or "minor", item.get("help", ""),
                                               targets, summary))
        return result
