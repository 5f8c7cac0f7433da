"""The import contracts in pyproject.toml ([tool.importlinter]) hold: product apps import each
other only downwards (reports → participation | performance → sentiment → moderation), reports
read the other apps only through selectors (and never write through them), and the platform
(minyi) imports product apps only where the shell composes them."""

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    completed = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    assert "Contracts: 3 kept, 0 broken." in completed.stdout
