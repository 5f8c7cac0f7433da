"""axe-core for the accessibility tests, from the ``axe-playwright-python`` wheel.

The wheel (in the ``test`` extra, pinned in the lock) carries Deque's ``axe.min.js`` (MPL 2.0),
so the tests read it from the installed package: nothing is fetched at test time, as on a
government intranet with no route to npm. Only the script is used; the tests inject it
themselves and judge the violations by their own rules.
"""

from importlib import resources
from pathlib import Path

AXE_PACKAGE = "axe_playwright_python"


class AxeUnavailableError(RuntimeError):
    """axe-core is not installed; the message says why."""


def ensure_axe() -> Path:
    """Return the path of the installed axe.min.js."""
    try:
        script = resources.files(AXE_PACKAGE) / "axe.min.js"
    except ModuleNotFoundError as exc:
        raise AxeUnavailableError(
            f"{AXE_PACKAGE} is not installed (pip install -e '.[test]'): axe-core tests skipped"
        ) from exc
    if not script.is_file():
        raise AxeUnavailableError(f"{AXE_PACKAGE} has no axe.min.js: axe-core tests skipped")
    return Path(str(script))
