"""Offline, reproducible build scripts for the NLP engine's data (never imported at run time)."""
