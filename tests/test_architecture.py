"""The import rule between the three packages (docs/architecture.md), enforced on every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN: dict[str, frozenset[str]] = {
    "anonymiser": frozenset({"flask", "sqlalchemy", "ciateh", "connectors"}),
    "connectors": frozenset({"ciateh", "flask"}),
    "ciateh": frozenset({"connectors"}),
}


def _imports_by_name(node: ast.AST) -> bool:
    """``importlib.import_module("name")`` with a literal name."""
    return (
        isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) == "import_module"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif _imports_by_name(node):
            assert isinstance(node, ast.Call) and isinstance(node.args[0], ast.Constant)
            roots.add(str(node.args[0].value).split(".")[0])
    return roots


def modules_of(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_the_import_rule(package: str) -> None:
    modules = modules_of(package)
    assert modules, f"package {package} has no modules"
    offences = [
        f"{path.relative_to(ROOT)} imports {root}"
        for path in modules
        for root in sorted(imported_roots(path) & FORBIDDEN[package])
    ]
    assert not offences, "\n".join(offences)


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom flask import Flask\nimport sqlalchemy.orm as orm\n", encoding="utf-8")
    assert imported_roots(bad) & FORBIDDEN["anonymiser"] == {"flask", "sqlalchemy"}
