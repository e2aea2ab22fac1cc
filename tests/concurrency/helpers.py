"""What every race must leave behind: whole chains, no orphaned files. Synthetic data only."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.files.storage import default_storage

from collectguard.cases.models import Case
from collectguard.evidence.custody import custody_verify
from collectguard.evidence.models import CustodyEntry, EvidenceItem

START_MS = 1_780_272_000_000  # 2026-06-01T00:00Z
# Synthetic numbers: twelve personal mobiles, a bank service number and an SMS platform.
NUMBERS = [f"1361234{n:04d}" for n in range(12)] + ["95599", "10690001234567"]
BODIES = (
    "再不还钱就联系你的家人和同事。（第{i}条）",
    "您的借款（合同号XF{i:011d}）已逾期{days}天，请尽快还款。",
    "今天不还，明天就打电话给你老板。编号{i}",
    "别装死，回电话。{i}",
    "我在筹钱，请给我一周时间。{i}",
)


def _address(i: int) -> str:
    number = NUMBERS[i % len(NUMBERS)]
    # Some personal numbers spelled with +86: still one sender.
    return f"+86{number}" if i % 5 == 0 and number.startswith("136") else number


def sms_backup(indices: Iterable[int]) -> bytes:
    """An "SMS Backup & Restore" export holding the messages numbered ``indices``.

    Message ``i`` is always the same message (sender, time, text), so two backups with
    overlapping indices share exactly those messages.
    """
    rows = []
    for i in indices:
        box = 2 if i % 9 == 4 else 1
        body = BODIES[i % len(BODIES)].format(i=i, days=i % 90 + 1)
        rows.append(
            f'  <sms protocol="0" address="{_address(i)}" date="{START_MS + i * 60_000}" '
            f'type="{box}" subject="null" body="{body}" read="1" status="-1" '
            f'readable_date="synthetic" contact_name="(Unknown)" />\n'
        )
    head = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
        f'<smses count="{len(rows)}" backup_set="synthetic" type="full">\n'
    )
    return (head + "".join(rows) + "</smses>\n").encode()


def calls_backup(indices: Iterable[int]) -> bytes:
    """A call-log export: call ``i`` from the same numbers as the messages."""
    rows = []
    for i in indices:
        call_type = (1, 3, 5)[i % 3]
        duration = 30 + i % 60 if call_type == 1 else 0
        rows.append(
            f'  <call number="{_address(i)}" duration="{duration}" '
            f'date="{START_MS + i * 61_000}" type="{call_type}" presentation="1" '
            f'readable_date="synthetic" contact_name="(Unknown)" />\n'
        )
    head = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
        f'<calls count="{len(rows)}" backup_set="synthetic" type="full">\n'
    )
    return (head + "".join(rows) + "</calls>\n").encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def assert_custody_intact(case: Case, *, entries: int) -> None:
    assert custody_verify(case) == []
    seqs = list(
        CustodyEntry.objects.filter(case=case).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, entries + 1))


def stored_files(case_pk: int) -> set[str]:
    """Every file in storage under the case's folders."""
    found: set[str] = set()
    pending = [f"cases/{case_pk}"]
    while pending:
        folder = pending.pop()
        if not default_storage.exists(folder):
            continue
        dirs, files = default_storage.listdir(folder)
        found.update(f"{folder}/{name}" for name in files)
        pending.extend(f"{folder}/{name}" for name in dirs)
    return found


def assert_no_orphaned_files(case_pk: int) -> None:
    """Storage holds exactly the originals and previews the case's evidence rows name."""
    keys: set[str] = set()
    for original, preview in EvidenceItem.objects.filter(case_id=case_pk).values_list(
        "storage_key", "thumbnail_key"
    ):
        keys.add(original)
        if preview:
            keys.add(preview)
    assert stored_files(case_pk) == keys
