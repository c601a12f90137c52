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
