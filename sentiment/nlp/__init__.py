"""Traditional Chinese NLP engine: a batch-first pipeline of named stages.

A plain Python library (no web request needed). Stages, each in its own module:
normalize → segment → sentiment → keywords → emotions. Models and dictionaries are
loaded lazily, once per process, never at import time.
"""
