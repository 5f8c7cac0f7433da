"""Package layout for setuptools.

The CMS shell lives in the folder ``site/`` but is imported as ``minyi``:
Python's standard library already owns the name ``site`` (loaded at start-up),
so the folder is mapped to another import name. pyproject.toml alone cannot
discover sub-packages under a renamed folder, hence this small file.
"""

from setuptools import find_packages, setup

APPS = ["participation", "sentiment", "performance", "moderation", "reports"]

packages = ["minyi", *(f"minyi.{name}" for name in find_packages("site"))]
packages += find_packages(include=[pattern for app in APPS for pattern in (app, f"{app}.*")])

setup(packages=packages, package_dir={"minyi": "site"})
