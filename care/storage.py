"""The private storage of patient documents (settings.STORAGES["documents"]).

Never served under a URL: only the download views read these files, after asking the access
policy. The storage is looked up lazily, so settings (and tests) choose where files go.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _DocumentsStorage(LazyObject):
    _wrapped: Any

    def _setup(self) -> None:
        self._wrapped = storages["documents"]


_documents_storage = _DocumentsStorage()


def documents_storage() -> Storage:
    """The storage of Document.file (a callable, so migrations name it rather than copy it)."""
    return _documents_storage  # type: ignore[return-value]


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs: Any) -> None:
    # Django forgets its own storages when STORAGES changes; this one follows.
    if setting == "STORAGES":
        _documents_storage._wrapped = empty
