"""The import layers hold: every import of every module of crmcore is one its layer allows.

The layers are those of ARCHITECTURE.md ("Layers and who may import whom"): the kernel imports
no area, an area imports the kernel and the areas listed before it, ``rules/`` may import any
area, and so on up to the entry points, which may import everything; nothing below
``memory/`` imports a store, a test library or dask. Every import counts: at the top of a
module, inside a function, under ``TYPE_CHECKING``, and a literal module name a module hands
to ``importlib``. The table below is the one ARCHITECTURE.md draws, with the kernel modules it
does not list yet (``conditions/``, ``actions.py``, ``collector.py``, ``tables.py``,
``visibility.py``, ``repository_checks.py``) where they belong.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import attrs

import crmcore

SOURCE: Final = Path(crmcore.__file__).parent
KERNEL: Final = frozenset(
    {
        "",  # the package itself
        "actions",
        "collector",
        "conditions",
        "customfields",
        "errors",
        "events",
        "ids",
        "intake",
        "lifecycle",
        "money",
        "plugins",
        "repository_checks",
        "serialization",
        "tables",
        "validation",
        "visibility",
        "workcalendar",
    }
)
# The domain areas in the order ARCHITECTURE.md lists them: each may import those before it.
AREAS: Final = (
    "partners",
    "matching",
    "interactions",
    "agreements",
    "catalog",
    "deals",
    "tasks",
    "requests",
    "claims",
    "marketing",
)
# The layers above the areas, lowest first: each may import every layer before it.
UPPER: Final = ("rules", "analytics", "access", "app", "memory", "sql", "testing")
ENTRY: Final = frozenset({"cli", "__main__", "demo"})
# Libraries only the stores, the testing kit and the entry points may import.
HEAVY: Final = frozenset({"alembic", "dask", "hypothesis", "pytest", "sqlalchemy"})
_MODULE_NAME: Final = re.compile(r"\Acrmcore(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_IMPORTERS: Final = frozenset({"import_module", "__import__"})


def rank(part: str) -> int:
    """The place of a top-level part of crmcore in the layers: the higher, the more it may
    import. Raises ``LookupError`` for a part the table does not place."""
    if part in KERNEL:
        return 0
    if part in AREAS:
        return 1 + AREAS.index(part)
    if part in UPPER:
        return 1 + len(AREAS) + UPPER.index(part)
    if part in ENTRY:
        return 1 + len(AREAS) + len(UPPER)
    raise LookupError(f"crmcore.{part} is in no layer of the table")


def allowed(importer: str, imported: str) -> bool:
    """Whether top-level part ``importer`` of crmcore may import top-level part ``imported``."""
    if importer == imported or importer in ENTRY:
        return True
    mine, theirs = rank(importer), rank(imported)
    return theirs < mine or (mine == theirs == 0)


def heavy_allowed(importer: str) -> bool:
    """Whether top-level part ``importer`` may import the libraries of :data:`HEAVY`."""
    return rank(importer) >= rank("memory")


@attrs.frozen
class Import:
    """One import found in a module: who, what, and at which line."""

    module: str
    line: int
    target: str


def module_name(path: Path, source: Path = SOURCE) -> str:
    """The dotted name of the module at ``path`` in the package directory ``source``."""
    parts = list(path.relative_to(source.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _calls_importer(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in _IMPORTERS:
                return True
    return False


def _names_a_module(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _MODULE_NAME.match(node.value) is not None
    )


def imports_of(path: Path, source: Path = SOURCE) -> Iterator[Import]:
    """Every import of the module at ``path`` (in the package directory ``source``), wherever
    it stands, and, in a module that calls ``importlib``, every string literal that names a
    crmcore module."""
    module = module_name(path, source)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            yield Import(module, node.lineno, _absolute(module, path.name == "__init__.py", node))
    if _calls_importer(tree):
        for node in ast.walk(tree):
            if _names_a_module(node):
                assert isinstance(node, ast.Constant)
                yield Import(module, node.lineno, str(node.value))


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def violation(found: Import) -> str | None:
    """Why ``found`` breaks the layers, or ``None`` when it is allowed."""
    importer = _part(found.module)
    where = f"{found.module}:{found.line} imports {found.target}"
    root = found.target.split(".")[0]
    try:
        if root == "crmcore" and not allowed(importer, _part(found.target)):
            return where
        if root in HEAVY and not heavy_allowed(importer):
            return f"{where} (only memory, sql, testing and the entry points may)"
    except LookupError as error:
        return f"{where}: {error}"
    return None


def test_the_layer_table_orders_what_architecture_says() -> None:
    may = [("rules", "marketing"), ("requests", "deals"), ("app", "rules"), ("memory", "app")]
    may += [("testing", "sql"), ("demo", "memory"), ("serialization", "conditions")]
    may_not = [("marketing", "rules"), ("deals", "requests"), ("app", "memory")]
    may_not += [("serialization", "rules"), ("analytics", "access"), ("partners", "analytics")]
    assert [pair for pair in may if not allowed(*pair)] == []
    assert [pair for pair in may_not if allowed(*pair)] == []
    assert [part for part in ("sql", "testing", "cli") if not heavy_allowed(part)] == []
    assert [part for part in ("errors", "deals", "rules", "app") if heavy_allowed(part)] == []


def test_the_scanner_finds_every_kind_of_import(tmp_path: Path) -> None:
    package = tmp_path / "crmcore"
    (package / "errors").mkdir(parents=True)
    source = package / "errors" / "probe.py"
    source.write_text(
        "import importlib\nfrom typing import TYPE_CHECKING\n"
        "from . import sibling\n"
        "if TYPE_CHECKING:\n    from crmcore.deals import Deal\n"
        "def later():\n    from crmcore.rules import Rule\n"
        "NAMES = ('crmcore.app.crm', 'not a module')\n"
        "def load():\n    return [importlib.import_module(n) for n in NAMES]\n",
        encoding="utf-8",
    )
    found = {(i.line, i.target) for i in imports_of(source, package)}
    assert found == {
        (1, "importlib"),
        (2, "typing"),
        (3, "crmcore.errors"),
        (5, "crmcore.deals"),
        (7, "crmcore.rules"),
        (8, "crmcore.app.crm"),
    }


def test_every_import_of_crmcore_is_one_its_layer_allows() -> None:
    modules = sorted(SOURCE.rglob("*.py"))
    assert len(modules) > 100
    found = [v for path in modules for i in imports_of(path) if (v := violation(i)) is not None]
    assert not found, "imports across the layers:\n" + "\n".join(found)


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_import_crmcore_loads_no_store_no_test_library_no_dask_and_no_plugin() -> None:
    loaded = _loaded_after("import crmcore")
    assert {name for name in loaded if name.split(".")[0] == "crmcore"} == {"crmcore"}
    assert not {name.split(".")[0] for name in loaded} & HEAVY


def test_the_layers_below_the_stores_load_no_store_no_test_library_and_no_dask() -> None:
    parts = [*sorted(KERNEL - {""}), *AREAS, *UPPER[: UPPER.index("memory")]]
    loaded = _loaded_after("; ".join(f"import crmcore.{part}" for part in parts))
    assert {f"crmcore.{part}" for part in parts} <= loaded
    assert not {name.split(".")[0] for name in loaded} & HEAVY


def _runs_at_import(tree: ast.Module) -> Iterator[ast.stmt]:
    """The statements of a module that run when it is imported (``TYPE_CHECKING`` blocks and
    function bodies do not)."""
    pending = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
        elif isinstance(node, ast.If | ast.Try):
            pending.extend([*node.body, *node.orelse])
            pending.extend(s for h in getattr(node, "handlers", ()) for s in h.body)
        else:
            yield node


def import_graph(source: Path = SOURCE) -> dict[str, set[str]]:
    """Which crmcore modules each module imports when it is imported: a name imported from a
    package counts as its submodule when there is one; a package a module belongs to does
    not count (importing a submodule always runs its package first)."""
    paths = {module_name(path, source): path for path in source.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        targets: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _runs_at_import(tree):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(module, path.name == "__init__.py", node)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.add(sub if sub in paths else base)
        graph[module] = {
            t for t in targets if t in paths and t != module and not module.startswith(t + ".")
        }
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph``: each a path that comes back to where it started."""
    found: list[list[str]] = []
    done: set[str] = set()

    def walk(module: str, path: list[str]) -> None:
        for target in sorted(graph[module]):
            if target in path:
                found.append([*path[path.index(target) :], target])
            elif target not in done:
                walk(target, [*path, target])
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            walk(module, [module])
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_crmcore_imports_itself_back_when_imported() -> None:
    graph = import_graph()
    assert graph["crmcore.rules.model"] >= {"crmcore.conditions.model", "crmcore.actions"}
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)
