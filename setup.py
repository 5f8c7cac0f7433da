"""Package layout for setuptools.

The CMS shell lives in the folder ``site/`` but is imported as ``minyi``:
Python's standard library already owns the name ``site`` (loaded at start-up),
so the folder is mapped to another import name. pyproject.toml alone cannot
discover sub-packages under a renamed folder, hence this small file.

Folders of data (templates, static, locale) are listed as namespace packages so
that setuptools installs their files without warning that a folder it ships is
not a package.
"""

from setuptools import find_namespace_packages, setup

APPS = ["participation", "sentiment", "performance", "moderation", "reports"]
NOT_SHIPPED = ["*__pycache__*", "*.egg-info*"]

shell = find_namespace_packages("site", exclude=NOT_SHIPPED)
packages = ["minyi", *(f"minyi.{name}" for name in shell)]
packages += find_namespace_packages(
    include=[pattern for app in APPS for pattern in (app, f"{app}.*")], exclude=NOT_SHIPPED
)

setup(packages=packages, package_dir={"minyi": "site"})
