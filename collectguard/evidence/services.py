"""State changes of step 3. Services never see a request.

Other apps call `evidence_add` (to keep an original, e.g. an imported phone backup) and
`custody_record` (to log who did what with a case's evidence).
"""

from __future__ import annotations

import hashlib
import io
import logging
import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.cases.services import case_lock
from collectguard.evidence.custody import GENESIS_HASH, entry_hash, normalise_details
from collectguard.evidence.custody import custody_verify as custody_verify  # re-exported
from collectguard.evidence.filetypes import SNIFF_BYTES, FileTypeError, clean_filename, detect
from collectguard.evidence.models import (
    CustodyAction,
    CustodyEntry,
    EvidenceItem,
    EvidenceKind,
    EvidenceSource,
    Filing,
    FilingStatus,
    GeneratedDocument,
)

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
THUMBNAIL_SIZE = (480, 480)
# Images larger than this are kept as evidence but get no preview (decompression bombs).
THUMBNAIL_MAX_PIXELS = 40_000_000


class EvidenceRejected(Exception):
    """The file was not stored; `message` says why, in the user's language."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


class DuplicateEvidence(EvidenceRejected):
    """The same bytes are already stored in this case: `existing` is that item."""

    def __init__(self, existing: EvidenceItem) -> None:
        super().__init__(
            _("这个文件已经保存过了（“%(name)s”，%(when)s 上传），没有重复保存。")
            % {
                "name": existing.display_name,
                "when": timezone.localtime(existing.uploaded_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
        self.existing = existing


# --- Custody log --------------------------------------------------------------------------------


def custody_record(
    *,
    case: Case,
    actor: User | None,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> CustodyEntry:
    """Append one entry to the case's custody log (who did what, to which item, when).

    `action` is a `CustodyAction` value; `target` names the object, e.g. ``evidence:<uuid>`` or
    ``document:<id>``; `details` is JSON-serialisable context (never file contents). `actor`
    None means the system (a management command).
    """
    if action not in CustodyAction.values:
        raise ValueError(f"unknown custody action {action!r}")
    with transaction.atomic():
        # Serialise writers of one case's chain (a no-op on SQLite, whose write transactions
        # are already exclusive); a case deleted meanwhile raises `Case.DoesNotExist`.
        case_lock(case)
        last = CustodyEntry.objects.filter(case=case).order_by("-seq").first()
        entry = CustodyEntry(
            case=case,
            seq=last.seq + 1 if last else 1,
            created_at=timezone.now(),
            actor=actor,
            actor_label=f"{actor.get_username()} (#{actor.pk})" if actor else "system",
            action=action,
            target=target[:200],
            details=normalise_details(details),
            prev_hash=last.entry_hash if last else GENESIS_HASH,
        )
        entry.entry_hash = entry_hash(entry)
        entry.save()
    return entry


# --- Evidence -----------------------------------------------------------------------------------


def case_evidence_bytes(case: Case) -> int:
    return EvidenceItem.objects.filter(case=case).aggregate(total=Sum("size"))["total"] or 0


def evidence_add(
    *,
    case: Case,
    uploaded_by: User | None,
    file: File,
    description: str,
    purpose: str,
    kind: str,
    source: str = EvidenceSource.UPLOAD,
    related_messages: Iterable[Any] = (),
) -> EvidenceItem:
    """Store an original file byte for byte and record it in the custody log.

    The type comes from the content (a disguised file is refused), the size is checked against
    MAX_UPLOAD_BYTES and the case's MAX_CASE_EVIDENCE_BYTES, and the stored object is hashed
    again after writing. Raises `EvidenceRejected` (with a message for the user) when nothing
    was stored, and its subclass `DuplicateEvidence` when the same bytes are already in the
    case. Images get a separate preview copy; the original is never re-encoded.
    """
    if kind not in EvidenceKind.values:
        raise ValueError(f"unknown evidence kind {kind!r}")
    if source not in EvidenceSource.values:
        raise ValueError(f"unknown evidence source {source!r}")
    raw_name = getattr(file, "name", "") or ""
    _check_file_size(file.size or 0)
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    try:
        file_type = detect(head, clean_filename(raw_name))
    except FileTypeError as exc:
        raise EvidenceRejected(exc.message) from exc
    digest, size = _hash_file(file)
    _check_file_size(size)
    _check_not_duplicate(case, digest)
    _check_case_quota(case, size)

    item_uuid = uuid.uuid4()
    key = f"cases/{case.pk}/evidence/{item_uuid}"
    file.seek(0)
    stored_key = default_storage.save(key, file)
    stored: list[str] = [stored_key]
    try:
        stored_digest, stored_size = _hash_storage(stored_key)
        if (stored_digest, stored_size) != (digest, size):
            log.error("evidence write mismatch for case %s key %s", case.pk, stored_key)
            raise EvidenceRejected(_("保存文件时出错（写入后的内容与上传的不一致），请重试。"))
        thumbnail_key = _make_thumbnail(stored_key) if file_type.is_image else ""
        print_pages = pdf_page_count(stored_key) if file_type.key == "pdf" else 1
        if thumbnail_key:
            stored.append(thumbnail_key)
        with transaction.atomic():
            case_lock(case)  # raises Case.DoesNotExist if the case was deleted meanwhile
            _check_not_duplicate(case, digest)
            _check_case_quota(case, size)
            item = EvidenceItem(
                uuid=item_uuid,
                case=case,
                kind=kind,
                source=source,
                description=description.strip(),
                purpose=purpose.strip(),
                storage_key=stored_key,
                thumbnail_key=thumbnail_key,
                sha256=digest,
                size=size,
                file_type=file_type.key,
                content_type=file_type.mime,
                original_name=clean_filename(raw_name, fallback_ext=file_type.extensions[0]),
                print_pages=print_pages,
                uploaded_at=timezone.now(),
                uploaded_by=uploaded_by,
            )
            item.full_clean(exclude=["related_messages"])
            item.save()
            messages = [m for m in related_messages if m.case_id == case.pk]
            if messages:
                item.related_messages.set(messages)
            custody_record(
                case=case,
                actor=uploaded_by,
                action=CustodyAction.ADDED,
                target=f"evidence:{item.uuid}",
                details={
                    "sha256": digest,
                    "size": size,
                    "type": file_type.key,
                    "name": item.original_name,
                    "source": source,
                },
            )
    except IntegrityError as exc:
        _delete_quietly(stored)
        existing = EvidenceItem.objects.filter(case=case, sha256=digest).first()
        if existing is not None:
            raise DuplicateEvidence(existing) from exc
        raise
    except BaseException:
        _delete_quietly(stored)
        raise
    return item


def evidence_update(
    *,
    item: EvidenceItem,
    actor: User,
    description: str,
    purpose: str,
    kind: str,
    related_messages: Iterable[Any] = (),
) -> EvidenceItem:
    """Change what the borrower says about an item; the original file is never touched.

    Raises `EvidenceItem.DoesNotExist` (or `Case.DoesNotExist`) when the item (or its case)
    was deleted since it was loaded.
    """
    before = {
        "description": item.description,
        "purpose": item.purpose,
        "kind": item.kind,
        "related_messages": sorted(item.related_messages.values_list("pk", flat=True)),
    }
    item.description = description.strip()
    item.purpose = purpose.strip()
    item.kind = kind
    messages = [m for m in related_messages if m.case_id == item.case_id]
    after = {
        "description": item.description,
        "purpose": item.purpose,
        "kind": item.kind,
        "related_messages": sorted(m.pk for m in messages),
    }
    changed = sorted(name for name in before if before[name] != after[name])
    if not changed:
        return item
    with transaction.atomic():
        # Concurrency: the case lock first (as every custody writer takes it), then make sure
        # the item was not deleted meanwhile: an edit never brings a deleted item back.
        case_lock(item.case)
        if not EvidenceItem.objects.filter(pk=item.pk).exists():
            raise EvidenceItem.DoesNotExist
        item.full_clean(exclude=["related_messages"])
        item.save(update_fields=["description", "purpose", "kind"])
        item.related_messages.set(messages)
        custody_record(
            case=item.case,
            actor=actor,
            action=CustodyAction.EDITED,
            target=f"evidence:{item.uuid}",
            details={"fields": changed, "sha256": item.sha256},
        )
    return item


def evidence_delete(*, item: EvidenceItem, actor: User) -> None:
    """Remove an item the borrower asked to remove; the custody log keeps its hash.

    Raises `EvidenceItem.DoesNotExist` (or `Case.DoesNotExist`) when it is gone already.
    """
    keys = [key for key in (item.storage_key, item.thumbnail_key) if key]
    with transaction.atomic():
        case_lock(item.case)
        if not EvidenceItem.objects.filter(pk=item.pk).exists():
            raise EvidenceItem.DoesNotExist  # deleted meanwhile: log the deletion once
        custody_record(
            case=item.case,
            actor=actor,
            action=CustodyAction.DELETED,
            target=f"evidence:{item.uuid}",
            details={"sha256": item.sha256, "size": item.size, "name": item.original_name},
        )
        item.delete()
        transaction.on_commit(lambda: _delete_quietly(keys))


def evidence_record_access(*, item: EvidenceItem, actor: User, action: str) -> None:
    """Log that someone looked at or downloaded an original."""
    custody_record(
        case=item.case,
        actor=actor,
        action=action,
        target=f"evidence:{item.uuid}",
        details={"sha256": item.sha256},
    )


def evidence_rehash(item: EvidenceItem) -> tuple[str | None, int | None]:
    """SHA-256 and size of the stored original as it is now; (None, None) if it is missing."""
    if not default_storage.exists(item.storage_key):
        return None, None
    return _hash_storage(item.storage_key)


def _check_file_size(size: int) -> None:
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        raise EvidenceRejected(
            _("文件大小为 %(size)s，超过了单个文件 %(limit)s 的上限。请压缩或分段后再上传。")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def _check_not_duplicate(case: Case, digest: str) -> None:
    existing = EvidenceItem.objects.filter(case=case, sha256=digest).first()
    if existing is not None:
        raise DuplicateEvidence(existing)


def _check_case_quota(case: Case, size: int) -> None:
    limit = settings.MAX_CASE_EVIDENCE_BYTES
    used = case_evidence_bytes(case)
    if used + size > limit:
        raise EvidenceRejected(
            _(
                "这个案件的证据已经占用 %(used)s，加上这个文件（%(size)s）会超过每个案件 "
                "%(limit)s 的上限。可以删除重复或无关的文件后再上传。"
            )
            % {
                "used": filesizeformat(used),
                "size": filesizeformat(size),
                "limit": filesizeformat(limit),
            }
        )


def _hash_file(file: File) -> tuple[str, int]:
    file.seek(0)
    digest = hashlib.sha256()
    size = 0
    for chunk in file.chunks(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _hash_storage(key: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with default_storage.open(key, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


MAX_PRINT_PAGES = 9999


def pdf_page_count(key: str) -> int:
    """Pages of a stored PDF, for the evidence bundle's page numbers; 1 when unreadable.

    Only the page tree is read (no content streams); an unreadable or encrypted PDF is still
    kept as evidence and counted as one page.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with default_storage.open(key, "rb") as handle:
            reader = PdfReader(handle)
            if reader.is_encrypted:
                return 1
            return max(1, min(len(reader.pages), MAX_PRINT_PAGES))
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError):
        log.info("page count unavailable for %s", key)
        return 1


def _make_thumbnail(original_key: str) -> str:
    """A small JPEG preview beside the original, or "" when the image cannot be previewed."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with default_storage.open(original_key, "rb") as handle, Image.open(handle) as image:
            if image.width * image.height > THUMBNAIL_MAX_PIXELS:
                return ""
            image.seek(0)
            preview = ImageOps.exif_transpose(image.copy())
            preview.thumbnail(THUMBNAIL_SIZE)
            if preview.mode not in ("RGB", "L"):
                background = Image.new("RGB", preview.size, "white")
                rgba = preview.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                preview = background
            out = io.BytesIO()
            preview.save(out, format="JPEG", quality=80)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        log.info("no preview for %s", original_key)
        return ""
    return default_storage.save(f"{original_key}.preview.jpg", ContentFile(out.getvalue()))


def _delete_quietly(keys: Iterable[str]) -> None:
    for key in keys:
        try:
            default_storage.delete(key)
        except OSError:  # pragma: no cover - logged for the orphan sweep
            log.exception("could not delete %s", key)


# --- Filings (the action checklist) -------------------------------------------------------------


def filing_create(
    *,
    case: Case,
    actor: User,
    channel: str,
    status: str = FilingStatus.FILED,
    filed_on: date | None,
    reference_number: str = "",
    answered_on: date | None = None,
    notes: str = "",
    document: GeneratedDocument | None = None,
) -> Filing:
    """Record that a complaint or report was made (or is planned)."""
    filing = Filing(
        case=case,
        channel=channel,
        status=status,
        filed_on=filed_on,
        reference_number=reference_number.strip(),
        answered_on=answered_on,
        notes=notes.strip(),
        document=document if document is None or document.case_id == case.pk else None,
        created_by=actor,
    )
    filing.full_clean()
    with transaction.atomic():
        filing.save()
        custody_record(
            case=case,
            actor=actor,
            action=CustodyAction.FILED,
            target=f"filing:{filing.pk}",
            details={
                "channel": channel,
                "status": status,
                "filed_on": filed_on,
                "reference_number": filing.reference_number,
                "document": filing.document.pk if filing.document else None,
            },
        )
    return filing


def filing_update(
    *,
    filing: Filing,
    actor: User,
    channel: str,
    status: str,
    filed_on: date | None,
    reference_number: str,
    answered_on: date | None,
    notes: str,
) -> Filing:
    filing.channel = channel
    filing.status = status
    filing.filed_on = filed_on
    filing.reference_number = reference_number.strip()
    filing.answered_on = answered_on
    filing.notes = notes.strip()
    filing.full_clean()
    with transaction.atomic():
        filing.save(
            update_fields=[
                "channel",
                "status",
                "filed_on",
                "reference_number",
                "answered_on",
                "notes",
                "updated_at",
            ]
        )
        custody_record(
            case=filing.case,
            actor=actor,
            action=CustodyAction.FILED,
            target=f"filing:{filing.pk}",
            details={
                "channel": filing.channel,
                "status": status,
                "filed_on": filed_on,
                "answered_on": answered_on,
                "reference_number": filing.reference_number,
            },
        )
    return filing


def filing_remove(*, filing: Filing, actor: User) -> None:
    with transaction.atomic():
        custody_record(
            case=filing.case,
            actor=actor,
            action=CustodyAction.DELETED,
            target=f"filing:{filing.pk}",
            details={"channel": filing.channel, "filed_on": filing.filed_on},
        )
        filing.delete()


# --- Generated documents (snapshots) ------------------------------------------------------------


def document_generate(
    *,
    case: Case,
    actor: User | None,
    kind: str,
    channel: str = "",
    inputs: dict[str, str] | None = None,
) -> GeneratedDocument:
    """Render a document to PDF and keep a snapshot of exactly what was rendered.

    The snapshot stores the input variables, the rendered HTML, the template version and the
    PDF (through the storage API) with its SHA-256; the PDF download serves those stored bytes.
    Documents are written in Chinese whatever the interface language: they go to Chinese
    authorities.
    """
    from collectguard.evidence import documents
    from collectguard.lib.pdf import render_pdf

    spec = documents.get_spec(kind, channel)
    if spec is None:
        raise ValueError(f"unknown document {kind!r} / {channel!r}")
    with translation.override("zh-hans"):
        built = spec.build(case, dict(inputs or {}))
        variables = documents.json_values(built)
        # Other apps' documents get their own context as is; ours see only the stored values.
        context = built if spec.raw_context else {"doc": variables}
        rendered = render_pdf(spec.template, context)
        title = documents.document_title(spec, case)
    version = documents.template_version(spec.template)
    key = f"cases/{case.pk}/documents/{uuid.uuid4()}.pdf"
    stored_key = default_storage.save(key, ContentFile(rendered.pdf))
    try:
        with transaction.atomic():
            document = GeneratedDocument(
                case=case,
                kind=kind,
                channel=channel,
                title=title[:200],
                variables=variables,
                html=rendered.html,
                template_version=version,
                pdf_key=stored_key,
                pdf_sha256=rendered.sha256,
                pdf_size=len(rendered.pdf),
                pages=rendered.pages,
                created_by=actor,
                created_at=timezone.now(),
            )
            document.full_clean()
            document.save()
            custody_record(
                case=case,
                actor=actor,
                action=CustodyAction.GENERATED,
                target=f"document:{document.pk}",
                details={
                    "title": document.title,
                    "kind": kind,
                    "channel": channel,
                    "sha256": rendered.sha256,
                    "pages": rendered.pages,
                    "template_version": version,
                },
            )
    except BaseException:
        _delete_quietly([stored_key])
        raise
    return document
