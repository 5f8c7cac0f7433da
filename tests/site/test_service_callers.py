"""Every write a person triggers has a screen, a command or a task that calls it.

A public function in an app's ``services.py`` is a write path. The journeys of issue 17 found
services that only tests and ``seed_demo`` called (petition approval, comment editing): a
feature without a screen. This check reads the source (no imports) and fails for each public
service function that nothing outside ``tests/`` names, except its own definition. A service
that is deliberately not called from the product (a helper for other services, an operator's
tool) says so in a comment on its ``def`` line or the line above it:
``# no caller: <why>``.
"""

import ast
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "tests", "migrations", "node_modules", "var", ".git", "build"}
# Seeding demo data is not a person doing something: a service only it calls has no screen.
NOT_CALLERS = {"seed_demo.py"}
NO_CALLER = re.compile(r"#\s*no caller:\s*\S")


def _source_files() -> list[Path]:
    return [
        path
        for path in REPO_ROOT.rglob("*.py")
        if not SKIPPED_DIRS.intersection(path.relative_to(REPO_ROOT).parts)
    ]


def _caller_files(files: list[Path]) -> list[Path]:
    return [path for path in files if path.name not in NOT_CALLERS]


def _service_functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
    ]


def _explained(lines: list[str], node: ast.FunctionDef) -> bool:
    """A '# no caller: …' comment in the block of comment lines right above the def (or its
    decorators), or on the def line itself."""
    first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
    nearby = lines[first - 1 : node.lineno]
    index = first - 2
    while index >= 0 and lines[index].lstrip().startswith("#"):
        nearby.append(lines[index])
        index -= 1
    return any(NO_CALLER.search(line) for line in nearby)


def test_every_public_service_has_a_caller_outside_tests() -> None:
    files = _source_files()
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    services = [path for path in files if path.name == "services.py"]
    assert len(services) >= 6, services
    missing = []
    for path in services:
        lines = texts[path].splitlines()
        for node in _service_functions(path):
            if _explained(lines, node):
                continue
            name = re.compile(rf"\b{re.escape(node.name)}\b")
            own = sum(1 for _ in name.finditer(texts[path]))
            elsewhere = any(
                name.search(texts[other]) for other in _caller_files(files) if other != path
            )
            # Named more than once in its own module: another service (itself called) uses it.
            if not elsewhere and own <= 1:
                missing.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.name}")
    assert not missing, (
        "public services that nothing outside tests calls (add the screen, command or task, "
        "or a '# no caller: <why>' comment):\n" + "\n".join(missing)
    )


def test_the_check_notices_a_service_without_caller(tmp_path) -> None:
    """The rule itself: a lone function is caught, a commented one is not."""
    source = "def lonely_create(*, x):\n    return x\n\n# no caller: operators only\ndef tool():\n"
    source += "    pass\n"
    path = tmp_path / "services.py"
    path.write_text(source, encoding="utf-8")
    lines = source.splitlines()
    nodes = {node.name: node for node in _service_functions(path)}
    assert not _explained(lines, nodes["lonely_create"])
    assert _explained(lines, nodes["tool"])
