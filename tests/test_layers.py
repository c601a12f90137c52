"""The shape of the source tree, read from its text: who may import what."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "twinflash"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imported(path: Path) -> list[tuple[str, int]]:
    """Every module named by an import statement of `path` (lazy ones included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
            found += [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
    return found


def test_blender_is_imported_only_in_render() -> None:
    outside = [
        f"{path.relative_to(SRC)}:{line}"
        for name, path in MODULES.items()
        if not name.startswith("twinflash.render")
        for module, line in _imported(path)
        if module == "bpy" or module.startswith("bpy.")
    ]
    assert outside == [], f"bpy imported outside twinflash.render: {outside}"


@pytest.mark.parametrize("name", ["twinflash.render.entry"])
def test_the_way_into_render_imports_no_blender_at_module_level(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = [a.name for n in top for a in n.names] + [
        n.module for n in top if isinstance(n, ast.ImportFrom) and n.module
    ]
    assert not [n for n in names if n == "bpy" or n.startswith("twinflash.render.engine")]


def _resolve(name: str) -> str | None:
    """The module of ours that an imported name lives in (longest known prefix)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _graph() -> dict[str, set[str]]:
    """module -> modules of twinflash it imports: at the top, lazily or for type checking."""
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = {_resolve(module) for module, _ in _imported(path)}
        graph[name] = {t for t in targets if t is not None and t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_round_about() -> None:
    """No circle of imports between modules, counting lazy and type-checking imports:
    a circle means two modules are one, or one reaches back up."""
    assert _cycles(_graph()) == []
