"""The shape of the house, read from the source: the HA-free layers stay free of Home Assistant,
data flows one way (no import cycle among the integration's modules, ``TYPE_CHECKING`` imports
counted too), and the simulator runs the policy instead of a copy of it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "custom_components" / "headroom"
ROOT = "custom_components.headroom"
HA_FREE = ("planner", "policy", "simulator", "fleet")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([ROOT, *parts])


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved, wherever the import stands."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        # A module's own parent packages are loaded before it whatever it imports: no edge.
        parents = {name.rsplit(".", k)[0] for k in range(1, name.count("."))}
        edges[name] = {m for m in imports_of(path) if m in modules and m != name and m not in parents}
    return edges


def test_the_ha_free_layers_do_not_import_home_assistant() -> None:
    offenders = [
        f"{module_name(path)} imports {imported}"
        for layer in HA_FREE
        if (PACKAGE / layer).is_dir()
        for path in (PACKAGE / layer).rglob("*.py")
        for imported in imports_of(path)
        if imported.split(".")[0] == "homeassistant"
    ]
    assert offenders == []


def test_no_import_cycle_among_the_integrations_modules() -> None:
    edges = graph()
    # A package's __init__ that imports its own children is the package's front door, not a
    # cycle, as long as the children do not import it back.
    visiting: list[str] = []
    done: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        if node in done:
            return
        if node in visiting:
            cycles.append([*visiting[visiting.index(node) :], node])
            return
        visiting.append(node)
        for nxt in sorted(edges[node]):
            visit(nxt)
        visiting.pop()
        done.add(node)

    for node in sorted(edges):
        visit(node)
    assert cycles == []


def test_the_controller_does_not_know_the_coordinator() -> None:
    assert f"{ROOT}.coordinator" not in graph()[f"{ROOT}.controller"]


def test_the_simulator_runs_the_policy() -> None:
    edges = graph()
    simulator = [m for m in edges if m.startswith(f"{ROOT}.simulator")]
    assert any(target.startswith(f"{ROOT}.policy") for m in simulator for target in edges[m])
    # And it holds no decisions of its own: nothing in it builds planner devices.
    for path in (PACKAGE / "simulator").rglob("*.py"):
        text = path.read_text()
        assert "Ev(" not in text and "PlannedBattery" not in text, path.name


def test_the_readme_lists_every_integration_profile() -> None:
    """The README's table of supported integrations is the profiles' own (regenerate it with
    ``profiles.markdown_table()`` when a profile changes)."""
    from custom_components.headroom.profiles import markdown_table

    readme = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- integrations table")
    start = readme.index("\n", start) + 1
    end = readme.index("<!-- end of integrations table -->")
    assert readme[start:end].strip() == markdown_table()
