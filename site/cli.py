"""Helpers for command-line contracts that read text from standard input."""

import contextlib


def force_utf8(stream, *, errors: str) -> None:
    """Read and write UTF-8 whatever the locale says (a C locale would garble Chinese)."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if encoding != "utf8" and hasattr(stream, "reconfigure"):
        with contextlib.suppress(OSError, ValueError):  # already read from, or not a text file
            stream.reconfigure(encoding="utf-8", errors=errors)
