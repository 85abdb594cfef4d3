import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "pathways"
FORBIDDEN = {"flask", "flask_login", "flask_wtf", "sqlmodel", "sqlalchemy", "ddat", "wtforms", "alembic"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_engine_imports_no_web_or_database_code():
    offenders = {
        str(path.relative_to(ENGINE)): sorted(imported_modules(path) & FORBIDDEN) for path in ENGINE.rglob("*.py")
    }
    assert list(ENGINE.rglob("*.py")), "the engine package should not be empty"
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_import_check_catches_a_forbidden_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("import os\nfrom sqlmodel import Session\nfrom .local import thing\n")
    assert imported_modules(module) & FORBIDDEN == {"sqlmodel"}


def test_every_route_declares_who_may_use_it(app):
    undeclared = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and not hasattr(app.view_functions[rule.endpoint], "access_rule")
    ]
    assert undeclared == []
