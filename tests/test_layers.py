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


def test_the_walk_sees_lazy_and_type_checking_imports(tmp_path: Path) -> None:
    """The circles issue 12 broke (generate/exports, plan/sampler, normalise/evaluation)
    each ran through an import inside a function: the walk must see those."""
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from twinflash.datasets.plan import Plan\n"
        "def f():\n"
        "    import twinflash.datasets.exports as e\n"
        "    from twinflash.datasets import generate\n",
        encoding="utf-8",
    )
    names = {name for name, _ in _imported(module)}
    assert {"twinflash.datasets.plan", "twinflash.datasets.exports"} <= names
    assert "twinflash.datasets.generate" in names
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_imports_are_absolute() -> None:
    """The walk reads absolute imports only: a relative one would hide an edge."""
    relative = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path in MODULES.values()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert relative == []


# The floors of docs/architecture.md: which part of twinflash may import which. A part is
# a top-level module or package; flash.plates (pure standard library, the plate formats
# the scene models validate with) sits at the bottom apart from the rest of flash.
BOTTOM = {"errors", "files", "dbengine", "camera", "frame", "annotations", "flash.plates"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "files": {"errors"},
    "dbengine": {"errors"},
    "camera": set(),
    "frame": {"camera"},
    "annotations": set(),
    "flash.plates": set(),
    "formats": BOTTOM,  # files both ways; knows Annotations, not scenes nor stages
    "scene": {"errors", "flash.plates"},
    "annotate": BOTTOM | {"scene", "formats"},
    "render": BOTTOM | {"scene"},
    "pipeline": BOTTOM | {"scene", "annotate", "render"},
    "privacy": BOTTOM | {"scene"},  # plate formats come from flash.plates, in BOTTOM
    "flash": BOTTOM | {"scene", "privacy"},  # the verdict reads plates with privacy's reader
    "datasets": BOTTOM | {"formats", "scene", "annotate", "pipeline"},
    "audit": BOTTOM | {"formats", "scene", "datasets"},
    # the clone loop end to end: renders (pipeline), trains and checks (flash), reports (audit)
    "clonedemo": BOTTOM
    | {"formats", "scene", "annotate", "pipeline", "datasets", "audit", "privacy", "flash"},
    "web": BOTTOM
    | {"formats", "scene", "annotate", "datasets", "audit", "privacy", "flash", "pipeline"},
    "cli": set(),  # filled below: the top may import every part
    "__main__": {"cli"},
}
ALLOWED["cli"] = set(ALLOWED) - {"cli", "__main__"}


def _part(module: str) -> str:
    rest = module.split(".")[1:]
    if rest[:2] == ["flash", "plates"]:
        return "flash.plates"
    return rest[0] if rest else "__init__"


def test_every_import_goes_down_the_floors() -> None:
    wrong = sorted(
        f"{a} -> {b}"
        for a, targets in _graph().items()
        for b in targets
        if _part(a) not in ("__init__", _part(b)) and _part(b) not in ALLOWED.get(_part(a), ())
    )
    assert wrong == [], "imports not allowed by docs/architecture.md:\n" + "\n".join(wrong)


def test_render_is_imported_only_by_the_pipeline_and_only_when_rendering() -> None:
    wrong = []
    for name, path in MODULES.items():
        if _part(name) == "render":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "twinflash.render"
            ):
                if _part(name) != "pipeline" or id(node) in top:
                    wrong.append(f"{path.relative_to(SRC)}:{node.lineno}")
            elif isinstance(node, ast.Import) and any(
                a.name.startswith("twinflash.render") for a in node.names
            ):
                wrong.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert wrong == [], f"render imported outside a pipeline function: {wrong}"


# Modules without a test file of their own name, each for a reason. Alembic runs these by
# path (not by import): every revision and env.py is exercised by the migration tests, which
# upgrade to head and compare the tables built with the schema module the code queries
# (tests/web/test_schema.py, tests/flash/registry/test_schema.py).
NO_OWN_TEST = {
    "flash/registry/migrations/env.py": "Alembic's environment: run by every upgrade",
    "flash/registry/migrations/versions/0001_vehicles.py": "revision: registry test_schema",
    "web/migrations/env.py": "Alembic's environment: run by every upgrade",
    "web/migrations/versions/0001_web.py": "revision: web test_schema",
    "web/migrations/versions/0002_rate_limits.py": "revision: web test_schema",
    "web/migrations/versions/0003_case_vehicle.py": "revision: web test_schema",
}
TESTS = SRC.parent / "tests"


def _test_file(module: Path) -> Path:
    """tests/<pkg>/test_<module>.py; a private module `_x.py` is tested in `test_x.py`."""
    rel = module.relative_to(PACKAGE)
    return TESTS / rel.parent / f"test_{rel.name.lstrip('_')}"


def test_every_module_has_a_test_file_of_its_name() -> None:
    """docs/architecture.md: a newcomer finds the tests of a module beside its name."""
    modules = [p for p in PACKAGE.rglob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    missing = sorted(
        str(p.relative_to(PACKAGE))
        for p in modules
        if not _test_file(p).is_file() and str(p.relative_to(PACKAGE)) not in NO_OWN_TEST
    )
    assert missing == [], "modules without tests/<pkg>/test_<module>.py:\n" + "\n".join(missing)
    stale = sorted(m for m in NO_OWN_TEST if not (PACKAGE / m).is_file())
    assert stale == [], f"NO_OWN_TEST names modules that are gone: {stale}"


def test_test_files_have_distinct_module_names() -> None:
    """pytest imports a test file under its name, prefixed by the packages (`__init__.py`)
    above it: `tests/render/test_camera.py` beside `tests/test_camera.py` needs
    `tests/render/__init__.py`, or the whole suite stops at collection."""
    seen: dict[str, list[str]] = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        parts, folder = [path.stem], path.parent
        while (folder / "__init__.py").is_file():
            parts.insert(0, folder.name)
            folder = folder.parent
        seen.setdefault(".".join(parts), []).append(str(path.relative_to(TESTS)))
    clashes = {name: paths for name, paths in seen.items() if len(paths) > 1}
    assert clashes == {}, f"test modules imported under one name: {clashes}"
