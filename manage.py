#!/usr/bin/env python3
"""Django's command-line utility for Minyi."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minyi.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:  # pragma: no cover - only without an installed environment
        raise ImportError(
            "Django is not installed: run `./dev run` (or `pip install -e .`) first."
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
