"""Small pieces: no function of the platform runs over 60 lines (tests and migrations
aside). A longer one holds two ideas; split it by what each part is responsible for."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "crte"
LONGEST = 60


def long_functions(root: Path, longest: int) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > longest:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_runs_over_60_lines():
    assert long_functions(ROOT, LONGEST) == []


def test_a_long_function_is_named(tmp_path):
    (tmp_path / "long.py").write_text("def long():\n" + "    x = 1\n" * 60)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_long.py").write_text("def test_long():\n" + "    x = 1\n" * 80)
    assert long_functions(tmp_path, LONGEST) == ["long.py:1 long (61 lines)"]
