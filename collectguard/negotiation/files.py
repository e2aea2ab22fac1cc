"""Uploaded originals: checked by content, hashed, stored byte for byte.

The storage name is ours (``cases/<case_id>/negotiation/<random>.<ext>``), never the uploaded
file name, and the type comes from the file's bytes (``filetype``), not from what the browser
claims. Nothing is converted, resized or stripped: the stored bytes are the uploaded bytes.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from collectguard.evidence.filetypes import FileTypeError, clean_filename, detect

# Content families step 2 keeps: screenshots and photos of documents, PDFs, recordings, videos
# and plain text (a copied chat). Phone backups go through step 1's importer instead.
ALLOWED_FAMILIES = frozenset({"image", "audio", "video", "pdf", "text"})
MAX_FILES_PER_UPLOAD = 10
_HEAD_BYTES = 64 * 1024

log = logging.getLogger("collectguard.negotiation")


class UploadRejected(ValueError):
    """A file we will not store, with a message for the borrower."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    content_type: str
    extension: str
    sha256: str
    size: int
    original_name: str


def _read_head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    return head


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Detect the type from the bytes and hash them; raise ``UploadRejected`` if unusable.

    Type detection is the evidence locker's (``evidence.filetypes.detect``), so every upload in
    the app accepts the same files and refuses disguised ones (content and extension must agree).
    """
    name = clean_filename(upload.name or "")
    size = upload.size or 0
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        raise UploadRejected(
            str(
                _("“%(name)s”超过了 %(mb)s MB 的上限。")
                % {"name": name, "mb": limit // (1024 * 1024)}
            )
        )
    try:
        file_type = detect(_read_head(upload), name)
    except FileTypeError as exc:
        raise UploadRejected(
            str(_("“%(name)s”：%(reason)s") % {"name": name, "reason": exc.message})
        ) from exc
    if file_type.family not in ALLOWED_FAMILIES:
        raise UploadRejected(
            str(_("“%(name)s”是手机备份文件，请在第 1 步“识别来源”里导入。") % {"name": name})
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        upload=upload,
        content_type=file_type.mime,
        extension=file_type.extensions[0],
        sha256=digest.hexdigest(),
        size=size,
        original_name=name,
    )


def store(case_id: int, checked: CheckedUpload) -> str:
    """Write the original to storage under a name of our choosing; return the storage name."""
    name = f"cases/{case_id}/negotiation/{uuid.uuid4().hex}.{checked.extension}"
    checked.upload.seek(0)
    return default_storage.save(name, checked.upload)


def delete_quietly(paths: list[str]) -> None:
    """Remove files written for a change that was then rolled back."""
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:  # pragma: no cover - clean-up on a path that is already failing
            log.exception("could not remove %s after a rolled-back upload", path)
