"""The custody log's hash chain: how an entry is hashed and how a case's chain is checked.

Each entry's hash covers its own content and the previous entry's hash, so editing a row,
deleting one or inserting one afterwards is detectable. (Removing the newest entries leaves a
shorter but consistent chain; `verify_evidence` prints the head hash so it can be compared with
one noted earlier.)
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from collectguard.cases.models import Case
from collectguard.evidence.models import CustodyEntry

GENESIS_HASH = "0" * 64


def normalise_details(details: dict[str, Any] | None) -> dict[str, Any]:
    """Details as they will read back from the database (JSON types only)."""
    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def entry_hash(entry: CustodyEntry) -> str:
    """SHA-256 over the entry's content and the previous entry's hash.

    Only fields whose stored value cannot change under the entry are covered (the actor is
    covered by its label, since the account may be deleted and the foreign key cleared).
    """
    payload = {
        "case": entry.case_id,
        "seq": entry.seq,
        "created_at": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor_label,
        "action": entry.action,
        "target": entry.target,
        "details": entry.details,
        "prev": entry.prev_hash,
    }
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def custody_verify(case: Case) -> list[str]:
    """Problems found in the case's custody chain; an empty list means it is intact."""
    problems: list[str] = []
    previous = GENESIS_HASH
    expected_seq = 1
    for entry in CustodyEntry.objects.filter(case=case).order_by("seq").iterator():
        if entry.seq != expected_seq:
            problems.append(
                _("保管记录第 %(expected)s 至 %(found)s 条之间有记录缺失。")
                % {"expected": expected_seq, "found": entry.seq - 1}
            )
        if entry.prev_hash != previous:
            problems.append(
                _("保管记录第 %(seq)s 条与前一条衔接不上（前一条被改动、删除或插入过）。")
                % {"seq": entry.seq}
            )
        if entry_hash(entry) != entry.entry_hash:
            problems.append(_("保管记录第 %(seq)s 条的内容被改动过。") % {"seq": entry.seq})
        previous = entry.entry_hash
        expected_seq = entry.seq + 1
    return problems


def custody_head(case: Case) -> CustodyEntry | None:
    return CustodyEntry.objects.filter(case=case).order_by("-seq").first()
