"""axe-core for the accessibility tests: installed from npm at test time, never committed.

It goes into ``var/node/`` under the repository root (git-ignored) and is reused
between runs: the install is skipped when ``axe.min.js`` is already there.
"""

import os
import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_PREFIX = REPO_ROOT / "var" / "node"
AXE_SCRIPT = NODE_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
AXE_PACKAGE = "axe-core@4"
INSTALL_TIMEOUT_SECONDS = 180


class AxeUnavailableError(RuntimeError):
    """axe-core could not be installed; the message says why."""


def ensure_axe() -> Path:
    """Return the path of axe.min.js, installing axe-core with npm when it is missing."""
    if AXE_SCRIPT.is_file():
        return AXE_SCRIPT
    if shutil.which("node") is None:
        raise AxeUnavailableError("Node.js not found on PATH: axe-core accessibility tests skipped")
    npm = shutil.which("npm")
    if npm is None:
        raise AxeUnavailableError("npm not found on PATH: axe-core accessibility tests skipped")
    NODE_PREFIX.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
        "npm_config_audit": "false",
    }
    command = [npm, "install", "--prefix", str(NODE_PREFIX), "--no-audit", "--no-fund", AXE_PACKAGE]
    try:
        result = subprocess.run(
            command,
            cwd=NODE_PREFIX,
            env=env,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AxeUnavailableError(
            f"`npm install {AXE_PACKAGE}` took longer than {INSTALL_TIMEOUT_SECONDS} s "
            "(no network?): axe-core accessibility tests skipped"
        ) from exc
    except OSError as exc:
        raise AxeUnavailableError(f"could not run npm ({exc}): axe-core tests skipped") from exc
    if result.returncode != 0 or not AXE_SCRIPT.is_file():
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise AxeUnavailableError(
            f"`npm install {AXE_PACKAGE}` failed (exit {result.returncode}): "
            + " | ".join(tail)
            + " — axe-core accessibility tests skipped"
        )
    return AXE_SCRIPT
