"""No function outside tests and migrations is longer than 120 lines (the style guide's limit):
a long function is where rules hide and where the next change breaks something unseen."""

import ast
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "tests", "migrations", "node_modules", "var", ".git", "build"}
LIMIT = 120


def test_no_function_is_longer_than_the_limit():
    too_long = []
    for path in REPO_ROOT.rglob("*.py"):
        relative = path.relative_to(REPO_ROOT)
        if SKIPPED_DIRS.intersection(relative.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > LIMIT:
                    too_long.append(f"{relative}:{node.lineno} {node.name}() {length} lines")
    assert not too_long, "\n".join(too_long)
