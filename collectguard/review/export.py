"""A borrower's copy of everything in a case (PIPL Art. 45): one ZIP file.

Contents: `case.json` with every record that belongs to the case (found by following foreign
keys from the case, so the messages, calls, findings, negotiation data, evidence and letters
of every app are included without this module knowing their models), every stored file
(original evidence byte for byte, generated PDFs), `SHA256SUMS` for `sha256sum -c`, and a
README. Nothing is held in memory: records and files are streamed into a temporary file.
A stored file that cannot be read is listed as missing, never left out silently.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from collectguard.cases.models import Case

FORMAT = "collectguard-case-export"
FORMAT_VERSION = 1
MAX_DEPTH = 4
CHUNK = 64 * 1024
# Fields that hold a stored file's recorded hash, checked against what is exported.
# Fields naming a row's main file, whose hash is in the row's plain `sha256` field.
PRIMARY_FILE_FIELDS = {"storage_key", "path", "file", "original", "file_key"}
# Never exported even if a model linked to the case had them.
SECRET_FIELDS = {"password", "token_hash", "key", "secret"}


@dataclass
class ExportedFile:
    storage_name: str
    archive_path: str
    model: str = ""
    pk: Any = None
    field: str = ""
    size: int = 0
    sha256: str = ""
    recorded_sha256: str = ""
    status: str = "ok"  # ok | mismatch (differs from the recorded hash) | missing


@dataclass
class ExportResult:
    file: IO[bytes]
    filename: str
    records: int = 0
    files: list[ExportedFile] = field(default_factory=list)


def related_querysets(case: Case) -> Iterator[tuple[type[models.Model], models.QuerySet[Any]]]:
    """Every model with rows hanging off the case, at any depth up to MAX_DEPTH.

    Only foreign keys pointing *into* what was already collected are followed, so the walk
    goes from the case down to its messages, their findings and so on, never up to users or
    to other borrowers' data.
    """
    frontier: dict[type[models.Model], models.QuerySet[Any]] = {
        Case: Case.objects.filter(pk=case.pk)
    }
    seen: set[type[models.Model]] = {Case}
    yield Case, frontier[Case]
    for _depth in range(MAX_DEPTH):
        found: dict[type[models.Model], models.QuerySet[Any]] = {}
        for model in apps.get_models():
            if model in seen:
                continue
            for model_field in model._meta.get_fields():
                target = getattr(model_field, "related_model", None)
                if (
                    (
                        getattr(model_field, "many_to_one", False)
                        or getattr(model_field, "one_to_one", False)
                    )
                    and getattr(model_field, "concrete", False)
                    and target in frontier
                ):
                    queryset = model._default_manager.filter(
                        **{f"{model_field.name}__in": frontier[target].values("pk")}
                    )
                    found[model] = found[model] | queryset if model in found else queryset
        if not found:
            return
        for model, queryset in found.items():
            queryset = queryset.distinct().order_by("pk")
            seen.add(model)
            found[model] = queryset
            yield model, queryset
        frontier = found


def _serialise(obj: models.Model) -> dict[str, Any]:
    data = serializers.serialize("python", [obj])[0]
    fields = {k: v for k, v in data["fields"].items() if k not in SECRET_FIELDS}
    return {"pk": data["pk"], "fields": fields}


class _HashingWriter:
    """Writes to a ZIP member and hashes what passes through."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.target.write(data)
        self.digest.update(data)
        self.size += len(data)


def _archive_path(name: str) -> str:
    """`files/` plus the storage name, without anything that could climb out of the folder."""
    parts = [part for part in PurePosixPath(name).parts if part not in ("/", "..", ".", "")]
    return "files/" + "/".join(parts or ["file"])


def _recorded_hash(obj: models.Model, field_name: str) -> str:
    """The hash a row recorded for the file in `field_name` (pdf_key -> pdf_sha256, …)."""
    stem = field_name
    for suffix in ("_key", "_path", "_file"):
        stem = stem.removesuffix(suffix)
    candidates = [f"{stem}_sha256"]
    if field_name in PRIMARY_FILE_FIELDS:
        candidates.append("sha256")
    for candidate in candidates:
        value = getattr(obj, candidate, "")
        if isinstance(value, str) and len(value) == 64:
            return value
    return ""


def _file_references(obj: models.Model, declared: set[str]) -> Iterator[tuple[str, str, str]]:
    """(storage name, field, recorded hash) of every stored file this row points at."""
    for model_field in obj._meta.concrete_fields:
        value = getattr(obj, model_field.attname, None)
        if isinstance(model_field, models.FileField):
            name = getattr(value, "name", "") or ""
        elif isinstance(value, str) and value in declared:
            name = value
        else:
            continue
        if name:
            yield name, model_field.name, _recorded_hash(obj, model_field.name)


def _copy_file(archive: zipfile.ZipFile, entry: ExportedFile) -> None:
    try:
        source = default_storage.open(entry.storage_name, "rb")
    except (FileNotFoundError, OSError):
        entry.status = "missing"
        return
    with source, archive.open(entry.archive_path, "w", force_zip64=True) as member:
        writer = _HashingWriter(member)
        while chunk := source.read(CHUNK):
            writer.write(chunk)
    entry.size = writer.size
    entry.sha256 = writer.digest.hexdigest()
    if entry.recorded_sha256 and entry.recorded_sha256 != entry.sha256:
        entry.status = "mismatch"


def case_export(case: Case) -> ExportResult:
    """Build the export ZIP in a temporary file, rewound and ready to stream."""
    from collectguard.cases.signals import collect_case_files

    now = timezone.now()
    handle: IO[bytes] = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 (the response closes it)
    result = ExportResult(
        file=handle, filename=f"case-{case.pk}-export-{timezone.localdate(now):%Y%m%d}.zip"
    )
    # Every stored file the apps declare for this case (the same list deleting the case uses).
    declared = list(dict.fromkeys(collect_case_files(case)))
    entries: dict[str, ExportedFile] = {
        name: ExportedFile(storage_name=name, archive_path=_archive_path(name)) for name in declared
    }
    declared_names = set(declared)
    sums: list[tuple[str, str]] = []
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        with archive.open("case.json", "w", force_zip64=True) as member:
            writer = _HashingWriter(member)
            header = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "exported_at": now.isoformat(),
                "case_id": case.pk,
                "owner": case.owner.get_username(),
            }
            writer.write(json.dumps(header, ensure_ascii=False)[:-1].encode() + b', "records": {')
            for index, (model, queryset) in enumerate(related_querysets(case)):
                label = json.dumps(model._meta.label_lower).encode()
                writer.write((b", " if index else b"") + label + b": [")
                for row_index, obj in enumerate(queryset.iterator(chunk_size=500)):
                    row = json.dumps(_serialise(obj), cls=DjangoJSONEncoder, ensure_ascii=False)
                    writer.write((b", " if row_index else b"") + row.encode())
                    result.records += 1
                    for name, field_name, recorded in _file_references(obj, declared_names):
                        entry = entries.setdefault(
                            name, ExportedFile(storage_name=name, archive_path=_archive_path(name))
                        )
                        if not entry.model:
                            entry.model = model._meta.label_lower
                            entry.pk = obj.pk
                            entry.field = field_name
                            entry.recorded_sha256 = recorded
                writer.write(b"]")
            writer.write(b"}}")  # closes "records", then the document
        sums.append((writer.digest.hexdigest(), "case.json"))

        for entry in entries.values():
            _copy_file(archive, entry)
            result.files.append(entry)
            if entry.status != "missing":
                sums.append((entry.sha256, entry.archive_path))

        manifest = {
            "files": [asdict(entry) for entry in result.files],
            "records": result.records,
        }
        manifest_bytes = json.dumps(
            manifest, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1
        ).encode()
        archive.writestr("files.json", manifest_bytes)
        sums.append((hashlib.sha256(manifest_bytes).hexdigest(), "files.json"))

        readme = render_to_string(
            "review/export_readme.txt",
            {"case": case, "result": result, "exported_at": now},
        ).encode()
        archive.writestr("README.txt", readme)
        sums.append((hashlib.sha256(readme).hexdigest(), "README.txt"))
        archive.writestr(
            "SHA256SUMS", "".join(f"{digest}  {path}\n" for digest, path in sums).encode()
        )
    handle.seek(0)
    return result
