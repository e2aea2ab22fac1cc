"""The legal reference data step 3 cites, selected for letters and complaint packs.

The data lives in `collectguard/legal/data/*.json` and is loaded by
`collectguard.legal.reference`; this module picks what documents need — provisions in force
today at a confidence that may be cited (with a caution below High) — and hands it out as plain
dicts, ready to be stored as a document's JSON input variables.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy

from collectguard.legal import reference

CONFIDENCE_LABELS = {
    "High": gettext_lazy("高"),
    "Medium-High": gettext_lazy("中高"),
    "Medium": gettext_lazy("中"),
    "Low": gettext_lazy("低"),
    "UNVERIFIED": gettext_lazy("未核实"),
}


def confidence_label(confidence: str) -> str:
    return str(CONFIDENCE_LABELS.get(confidence, confidence))


def citation(row: reference.Provision) -> str:
    """《法名》第X条; names that already carry their own 《》 are not wrapped again.

    >>> from collectguard.legal.reference import provision
    >>> citation(provision("PSL-50-5"))
    '《中华人民共和国治安管理处罚法（2025修订）》第50条第一款第(五)项'
    >>> citation(provision("CBA-2026"))
    '中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》第3章；第22条'
    """
    law = row.law if "《" in row.law else f"《{row.law}》"
    article = "" if row.article.strip() in {"", "—", "-"} else row.article
    return f"{law}{article}"


def first_person(text: str) -> str:
    """The data's plain-language gists speak to the borrower ("你"); letters speak as them.

    >>> first_person("任何人不得侵扰你的私人生活安宁")
    '任何人不得侵扰本人的私人生活安宁'
    """
    return text.replace("你们", "本人").replace("你", "本人")


def provision_dict(row: reference.Provision) -> dict[str, Any]:
    return {
        "id": row.id,
        "law": row.law,
        "article": row.article,
        "citation": citation(row),
        "gist": row.gist_zh,
        "statement": first_person(row.gist_zh),
        "key_phrase": row.key_phrase,
        "penalty": row.penalty,
        "effective_from": row.effective_from.isoformat() if row.effective_from else "",
        "confidence": row.confidence,
        "confidence_label": confidence_label(row.confidence),
        "caution": row.needs_caution,
        "source": row.source,
    }


def citable_provision(provision_id: str, *, on: date | None = None) -> dict[str, Any] | None:
    """The provision as in force on `on` (today), if it may be cited; else None."""
    if provision_id not in reference.provisions():
        return None
    row = reference.provision_in_force(provision_id, on or timezone.localdate())
    if row is None or not row.citable:
        return None
    if row.effective_to is not None:
        return None
    return provision_dict(row)


def citable_provisions(ids: list[str], *, on: date | None = None) -> list[dict[str, Any]]:
    """Citable current provisions among `ids`, in order, without duplicates."""
    found: dict[str, dict[str, Any]] = {}
    for provision_id in ids:
        row = citable_provision(provision_id, on=on)
        if row is not None and row["id"] not in found:
            found[row["id"]] = row
    return list(found.values())


def any_provision(provision_id: str) -> dict[str, Any] | None:
    """Any provision by id (also superseded ones), to name what a finding cited."""
    row = reference.provisions().get(provision_id)
    return provision_dict(row) if row is not None else None


def _channel_dict(row: reference.Channel) -> dict[str, Any]:
    """The channel's data, plus `name` and `handles` in the interface language."""
    data = asdict(row)
    english = (get_language() or "").startswith("en")
    data["name"] = row.name_en if english and row.name_en else row.name_zh
    data["handles"] = row.handles_en if english and row.handles_en else row.handles_zh
    return data


def channels() -> dict[str, dict[str, Any]]:
    return {key: _channel_dict(row) for key, row in reference.channels().items()}


def channel(channel_id: str) -> dict[str, Any] | None:
    row = reference.channels().get(channel_id)
    return _channel_dict(row) if row is not None else None


def behaviours_for_categories(categories: list[str]) -> list[reference.Behaviour]:
    wanted = set(categories)
    return [row for row in reference.behaviours().values() if row.category in wanted]


def institution_type(lender: str) -> str | None:
    """bank / consumer_finance / small_loan when `lender` names a known institution."""
    text = lender.strip().lower()
    if not text:
        return None
    for row in reference.institutions().values():
        if row.role != "lender":
            continue
        names = [row.name, row.short_name, *row.aliases]
        if any(name and name.lower() in text for name in names):
            return row.type
    return None
