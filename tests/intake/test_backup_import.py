"""backup_import: phone backups come in whole or not at all, once, minimised, kept as evidence."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.evidence.models import CustodyEntry, EvidenceItem
from collectguard.intake.models import Call, ImportBatch, Message, Sender
from collectguard.intake.services import (
    BackupRejected,
    ImportResult,
    backup_import,
    backup_keep_all,
)
from tests.intake.conftest import CALLS_SAMPLE, SMS_SAMPLE

pytestmark = pytest.mark.django_db
Importer = Callable[..., ImportResult]


@pytest.fixture(autouse=True, params=["in-process", "worker"])
def reading(request: pytest.FixtureRequest, settings: Any) -> str:
    """Every test twice: the file read in this process, and in the forked worker that large
    files get (`importer._read_in_worker`), which the small files here get too with a zero
    threshold."""
    settings.IMPORT_WORKER_MIN_BYTES = None if request.param == "in-process" else 0
    return str(request.param)


HEAD = b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"2\">\n"


def _sms(address: str, date_ms: int, body: str, box: int = 1) -> bytes:
    return (
        f'  <sms protocol="0" address="{address}" date="{date_ms}" type="{box}" subject="null" '
        f'body="{body}" read="1" status="-1" readable_date="x" contact_name="(Unknown)" />\n'
    ).encode()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_it_imports_the_collection_senders_and_leaves_out_the_rest(
    case: Case, import_file: Importer
) -> None:
    result = import_file(case, SMS_SAMPLE)
    assert result.kind == "sms" and not result.already_imported
    # 9 records: 7 from the bank, the SMS platform and the collector (incl. one sent reply and
    # the MMS); the family message and the emoji-only night message are left out.
    assert result.messages_imported == 7
    assert result.left_out_messages == 2
    assert {row["number"] for row in result.left_out_senders} == {"13900000009", "17012349999"}
    family = next(r for r in result.left_out_senders if r["number"] == "13900000009")
    assert family["sample"] == "周末回家吃饭吗？" and family["kind"] == "mobile"
    assert not Message.objects.filter(sender="13900000009").exists()
    batch = ImportBatch.objects.get()
    assert (batch.messages_imported, batch.left_out_messages) == (7, 2)


def test_plus86_and_national_spellings_are_one_sender(case: Case, import_file: Importer) -> None:
    import_file(case, SMS_SAMPLE)
    raws = set(Message.objects.filter(sender="13612345678").values_list("sender_raw", flat=True))
    assert raws == {"+8613612345678", "13612345678"}
    assert Sender.objects.filter(case=case, number__contains="13612345678").count() == 1


def test_rows_keep_the_original_epoch_ms_and_night_flag(case: Case, import_file: Importer) -> None:
    import_file(case, SMS_SAMPLE)
    threat = Message.objects.get(date_ms=1780328400000)
    assert threat.received_at is not None
    assert threat.received_at.timestamp() * 1000 == 1780328400000  # 23:40 in Shanghai
    assert threat.is_night and threat.direction == "incoming" and threat.box == "received"
    reply = Message.objects.get(date_ms=1780360200000)
    assert reply.direction == "outgoing" and reply.categories == []
    mms = Message.objects.get(channel="mms")
    assert mms.body == "你的欠款海报已经做好了。"


def test_reimporting_the_same_file_adds_nothing(case: Case, import_file: Importer) -> None:
    import_file(case, SMS_SAMPLE)
    again = import_file(case, SMS_SAMPLE)
    assert again.already_imported and again.messages_imported == 0
    assert Message.objects.count() == 7
    assert ImportBatch.objects.count() == 1 and EvidenceItem.objects.count() == 1


def test_an_overlapping_export_skips_what_is_already_there(
    case: Case, import_file: Importer, tmp_path: Path
) -> None:
    first = _write(
        tmp_path, "a.xml", HEAD + _sms("13612345678", 1780328400000, "今天还款") + b"</smses>"
    )
    second = _write(
        tmp_path,
        "b.xml",
        HEAD
        + _sms("+8613612345678", 1780328400000, "今天还款")
        + _sms("13612345678", 1780329900000, "别装死，回电话，欠款今天处理")
        + b"</smses>\n",
    )
    import_file(case, first)
    result = import_file(case, second)
    assert (result.messages_imported, result.duplicates_skipped) == (1, 1)
    assert Message.objects.count() == 2


def test_a_record_repeated_within_one_file_is_stored_once(
    case: Case, import_file: Importer, tmp_path: Path
) -> None:
    # A first import (on PostgreSQL: copied straight into the table, duplicates dropped by
    # the importer) and a later one (duplicates skipped by the database) alike.
    repeated = _sms("13612345678", 1780328400000, "今天还款")
    first = _write(tmp_path, "a.xml", HEAD + repeated + repeated + b"</smses>")
    result = import_file(case, first)
    assert (result.messages_imported, result.duplicates_skipped) == (1, 1)
    later = _sms("13612345678", 1780329900000, "别装死，回电话，欠款今天处理")
    second = _write(tmp_path, "b.xml", HEAD + later + repeated + later + b"</smses>")
    result = import_file(case, second)
    assert (result.messages_imported, result.duplicates_skipped) == (1, 2)
    assert Message.objects.count() == 2
    calls = (
        b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count=\"2\">\n"
        + (
            b'  <call number="13612345678" duration="30" date="1780328400000" type="1" '
            b'presentation="1" readable_date="x" contact_name="(Unknown)" />\n'
        )
        * 2
        + b"</calls>\n"
    )
    result = import_file(case, _write(tmp_path, "c.xml", calls))
    assert (result.calls_imported, result.duplicates_skipped) == (1, 1)


def test_keep_all_imports_what_was_left_out_from_the_stored_original(
    case: Case, import_file: Importer, borrower: User
) -> None:
    result = import_file(case, SMS_SAMPLE)
    rerun = backup_keep_all(batch=result.batch, user=borrower)
    assert rerun.messages_imported == 2
    batch = ImportBatch.objects.get()
    assert batch.kept_all and batch.left_out_senders == [] and batch.messages_imported == 9
    assert Message.objects.filter(sender="13900000009").exists()
    again = backup_keep_all(batch=batch, user=borrower)
    assert again.already_imported and Message.objects.count() == 9


def test_keep_all_at_upload_keeps_everything(case: Case, import_file: Importer) -> None:
    result = import_file(case, SMS_SAMPLE, keep_all=True)
    assert (result.messages_imported, result.left_out_messages) == (9, 0)


def test_the_original_is_kept_as_evidence_with_its_sha256(
    case: Case, import_file: Importer
) -> None:
    import_file(case, SMS_SAMPLE)
    item = EvidenceItem.objects.get(case=case)
    expected = hashlib.sha256(SMS_SAMPLE.read_bytes()).hexdigest()
    assert item.sha256 == expected == ImportBatch.objects.get().sha256
    assert item.kind == "backup" and item.source == "backup_import"
    with default_storage.open(item.storage_key, "rb") as handle:
        assert handle.read() == SMS_SAMPLE.read_bytes()
    assert CustodyEntry.objects.filter(case=case, action="imported").exists()


def test_a_file_that_breaks_halfway_imports_nothing_and_says_where(
    case: Case, import_file: Importer, tmp_path: Path
) -> None:
    rows = b"".join(
        _sms("13612345678", 1780328400000 + i * 60_000, f"第{i}条，欠款今天必须还")
        for i in range(3000)
    )
    broken = _write(tmp_path, "sms-broken.xml", HEAD + rows + b'  <sms address="136')
    with pytest.raises(BackupRejected) as caught:
        import_file(case, broken)
    assert caught.value.line == 3003
    assert "3003" in caught.value.message and "没有导入" in caught.value.message
    assert not Message.objects.exists() and not ImportBatch.objects.exists()
    assert not Sender.objects.exists() and not EvidenceItem.objects.exists()


def test_a_doctype_entity_bomb_is_refused(
    case: Case, import_file: Importer, tmp_path: Path
) -> None:
    bomb = _write(
        tmp_path,
        "bomb.xml",
        b'<?xml version="1.0"?>\n<!DOCTYPE smses [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<smses><sms body="&b;"/></smses>',
    )
    with pytest.raises(BackupRejected) as caught:
        import_file(case, bomb)
    assert caught.value.code == "forbidden_dtd"
    assert "DOCTYPE" in caught.value.message
    assert not Message.objects.exists()


def test_a_calls_file_offered_as_sms_is_imported_as_calls(
    case: Case, import_file: Importer
) -> None:
    result = import_file(case, CALLS_SAMPLE, expected_kind="sms")
    assert result.kind == "calls" and result.kind_mismatch
    assert result.calls_imported == 6 and Call.objects.count() == 6


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "空的"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG"),
        (b"hello, this is not a backup", "不是手机短信或通话记录备份"),
        (b"<?xml version='1.0'?><html><body>hi</body></html>", "<html>"),
    ],
)
def test_wrong_files_get_a_clear_message(
    case: Case, import_file: Importer, tmp_path: Path, content: bytes, needle: str
) -> None:
    with pytest.raises(BackupRejected) as caught:
        import_file(case, _write(tmp_path, "upload.xml", content))
    assert needle in caught.value.message
    assert not ImportBatch.objects.exists()


def test_emoji_other_languages_and_long_bodies_survive(
    case: Case, import_file: Importer, tmp_path: Path
) -> None:
    long_body = "逾期" * 5_000
    path = _write(
        tmp_path,
        "sms.xml",
        HEAD
        + _sms("13612345678", 1780328400000, "还款 &#55357;&#56864; now")
        + _sms("13612345678", 1780328460000, "Pay your debt today, 还款 or we call your family")
        + _sms("13612345678", 1780328520000, long_body)
        + b"</smses>",
    )
    result = import_file(case, path)
    assert result.messages_imported == 3
    bodies = set(Message.objects.values_list("body", flat=True))
    assert "还款 \U0001f620 now" in bodies
    assert long_body in bodies


def test_garbage_numbers_do_not_stop_the_import(
    case: Case, import_file: Importer, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "sms.xml",
        HEAD
        + _sms("null", 1780328400000, "欠款今天必须还")
        + _sms("abc#123", 1780328460000, "逾期了，快还款")
        + b"</smses>",
    )
    result = import_file(case, path)
    assert result.messages_imported == 2
    assert set(Message.objects.values_list("sender_kind", flat=True)) == {"unknown"}


def test_calls_from_saved_contacts_are_left_out_unless_the_number_is_known(
    case: Case, import_file: Importer, tmp_path: Path
) -> None:
    calls = _write(
        tmp_path,
        "calls.xml",
        b"<?xml version='1.0' encoding='UTF-8'?>\n<calls count=\"3\">\n"
        b'<call number="13900000009" duration="30" date="1780324200000" type="1"'
        b' contact_name="Mum" />\n'
        b'<call number="13612345678" duration="0" date="1780324260000" type="3"'
        b' contact_name="(Unknown)" />\n'
        b'<call number="13712345678" duration="0" date="1780324320000" type="3"'
        b' contact_name="null" />\n'
        b"</calls>\n",
    )
    result = import_file(case, calls)
    assert result.calls_imported == 2 and result.left_out_calls == 1
    assert result.left_out_senders[0]["number"] == "13900000009"
    assert set(Call.objects.values_list("number", flat=True)) == {"13612345678", "13712345678"}


def test_a_saved_contact_known_to_collect_is_kept(
    case: Case, import_file: Importer, tmp_path: Path
) -> None:
    import_file(case, SMS_SAMPLE)  # 13612345678 sent threats about the debt
    calls = _write(
        tmp_path,
        "calls.xml",
        b"<?xml version='1.0' encoding='UTF-8'?>\n<calls count=\"1\">\n"
        b'<call number="+8613612345678" duration="0" date="1780324200000" type="3"'
        b' contact_name="\xe5\x82\xac\xe6\x94\xb6" />\n'
        b"</calls>\n",
    )
    assert import_file(case, calls).calls_imported == 1


def test_a_file_over_the_size_limit_is_refused(
    case: Case, import_file: Importer, settings: object, tmp_path: Path
) -> None:
    settings.MAX_UPLOAD_BYTES = 100  # type: ignore[attr-defined]
    with pytest.raises(BackupRejected) as caught:
        import_file(case, SMS_SAMPLE)
    assert caught.value.code == "too_large"


def test_it_works_from_an_uploaded_file_object(case: Case, borrower: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("sms-20260604.xml", SMS_SAMPLE.read_bytes(), "text/xml")
    result = backup_import(case=case, user=borrower, fileobj=upload, original_name="sms.xml")
    assert result.messages_imported == 7
