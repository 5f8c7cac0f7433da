"""Files that only a view may hand out: kept outside ``MEDIA_ROOT``, with no address of their own.

``MEDIA_ROOT`` is served as it is under ``/media/`` (by ``./dev run``, and by the web server in
most deployments), so a file kept there can be fetched by anyone who guesses its name. Draft
reports printed to PDF must not be: they live under ``PRIVATE_ROOT`` in the ``private`` storage,
and only the view that checks who is asking reads them. ``url()`` refuses, so no template can
link one by mistake.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import storages

from minyi.faults import SafeFileSystemStorage


class PrivateFileSystemStorage(SafeFileSystemStorage):
    """``SafeFileSystemStorage`` rooted at ``settings.PRIVATE_ROOT``, with no public URL."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)  # noqa: PTH100 - Django's own rule

    def url(self, name):
        raise ValueError(f"{name}: a private file has no address; serve it through its view")


def private_storage():
    return storages["private"]
