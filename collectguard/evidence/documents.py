"""The registry of printable documents and the input variables each one is rendered from.

A document is a template in `templates/pdf/` (extending `pdf/base.html`) plus a builder that
turns a case into plain JSON values. The values are stored with the snapshot
(`GeneratedDocument.variables`) and are all the template sees (as `doc`), so a stored document
can always be explained — and re-rendered — from what was stored.

Other apps add documents with `register_document` (the negotiation request is registered here
on its behalf, from `collectguard.negotiation.letters`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collectguard.cases.models import Case
from collectguard.evidence import legal
from collectguard.evidence.facts import (
    MESSAGE_CATEGORIES,
    CaseFacts,
    case_facts,
    category_label,
    local_text,
    long_date,
    message_row,
)
from collectguard.evidence.models import DocumentKind, EvidenceItem
from collectguard.evidence.routing import (
    LENDER_TYPE_LABELS,
    LETTER_CHANNELS,
    lender_type,
    recommend_channels,
    regulator_channel,
)

Builder = Callable[[Case, dict[str, str]], dict[str, Any]]

#: Flagged messages quoted in a letter's 事实与理由 (the evidence list's appendix has them all).
LETTER_EXAMPLES = 6
#: Evidence items named one by one in a letter's 附件 (the evidence list has them all).
LETTER_ATTACHMENTS = 30


@dataclass(frozen=True)
class DocumentSpec:
    kind: str
    channel: str
    title: Any
    template: str
    description: Any
    build: Builder
    #: Fields of the generation form (see forms.DocumentForm.FIELDS).
    inputs: tuple[str, ...] = ()
    #: The context is passed to the template as is (documents of other apps).
    raw_context: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.channel)


_REGISTRY: dict[tuple[str, str], DocumentSpec] = {}


def register_document(spec: DocumentSpec) -> DocumentSpec:
    _REGISTRY[spec.key] = spec
    return spec


def get_spec(kind: str, channel: str = "") -> DocumentSpec | None:
    return _REGISTRY.get((kind, channel or ""))


def all_specs() -> list[DocumentSpec]:
    return list(_REGISTRY.values())


def channel_info(channel_id: str) -> dict[str, Any] | None:
    return legal.channel(channel_id) if channel_id else None


def document_choices(case: Case) -> list[dict[str, Any]]:
    """Documents offered for this case, the recommended complaint letters first."""
    recommended = [rec.channel["id"] for rec in recommend_channels(case) if rec.has_letter]
    ranked: list[tuple[tuple[int, int], dict[str, Any]]] = []
    for spec in all_specs():
        is_recommended = spec.channel in recommended or spec.kind != DocumentKind.COMPLAINT
        order = recommended.index(spec.channel) if spec.channel in recommended else 99
        rank = (0 if spec.kind == DocumentKind.EVIDENCE_LIST else 1, order)
        choice = {
            "spec": spec,
            "title": document_title(spec, case),
            "recommended": is_recommended,
        }
        ranked.append((rank, choice))
    ranked.sort(key=lambda pair: pair[0])
    return [choice for _rank, choice in ranked]


# --- Template version ---------------------------------------------------------------------------

_REFERENCE = re.compile(r"""{%\s*(?:extends|include)\s+["']([^"'#]+)(?:#[^"']*)?["']""")


def template_version(template_name: str) -> str:
    """SHA-256 over the sources of a template, the templates it extends or includes, and the
    print stylesheet: a different version means the same inputs may print differently."""
    digest = hashlib.sha256()
    seen: set[str] = set()
    pending = [template_name]
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        template = get_template(name)
        origin = getattr(getattr(template, "template", template), "origin", None)
        source = Path(origin.name).read_text(encoding="utf-8") if origin else name
        digest.update(name.encode() + b"\0" + source.encode("utf-8") + b"\0")
        pending.extend(_REFERENCE.findall(source))
    stylesheet = finders.find("css/pdf.css")
    if isinstance(stylesheet, str):
        digest.update(Path(stylesheet).read_bytes())
    return digest.hexdigest()


def json_values(value: Any) -> Any:
    """`value` as it reads back from a JSON column (Decimal → str, dates → ISO)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


# --- Shared pieces ------------------------------------------------------------------------------


def other_evidence_files(case: Case) -> list[dict[str, Any]]:
    """Originals kept by step 2 (hardship documents, contact-log attachments)."""
    from collectguard.negotiation.selectors import evidence_files

    return list(evidence_files(case))


def evidence_rows(case: Case) -> list[dict[str, Any]]:
    """Every original of the case as a row of the evidence list, numbered from 1.

    页码 is the item's place in the printed evidence bundle (证据材料), printed in this order
    and numbered from 1: a PDF takes its own pages, anything else one page (the picture, or a
    sheet describing a recording or backup whose original is handed over separately).
    """
    from collectguard.evidence.services import pdf_page_count

    rows: list[dict[str, Any]] = []
    items = EvidenceItem.objects.filter(case=case).order_by("uploaded_at", "pk")
    for item in items.prefetch_related("related_messages"):
        rows.append(
            {
                "name": item.display_name,
                "source": item.origin_label,
                "purpose": item.purpose,
                "kind": item.get_kind_display(),
                "type": str(item.type_info.label),
                "file_name": item.original_name,
                "size": item.size,
                "uploaded": local_text(item.uploaded_at),
                "sha256": item.sha256,
                "pages": item.print_pages,
                "message_ids": [m.pk for m in item.related_messages.all()],
            }
        )
    for entry in other_evidence_files(case):
        uploaded = entry.get("uploaded_at")
        is_pdf = entry.get("content_type") == "application/pdf"
        rows.append(
            {
                "name": entry.get("description") or entry.get("original_name") or "",
                "source": _("协商时保存的%(kind)s")
                % {"kind": _negotiation_kind_label(str(entry.get("source") or ""))},
                "purpose": "",
                "kind": _("协商材料"),
                "type": entry.get("content_type") or "",
                "file_name": entry.get("original_name") or "",
                "size": entry.get("size") or 0,
                "uploaded": local_text(uploaded) if uploaded else "",
                "sha256": entry.get("sha256") or "",
                "pages": pdf_page_count(str(entry.get("path") or "")) if is_pdf else 1,
                "message_ids": [],
            }
        )
    next_page = 1
    for number, row in enumerate(rows, start=1):
        row["no"] = number
        last = next_page + row["pages"] - 1
        row["page_range"] = str(next_page) if last == next_page else f"{next_page}–{last}"
        next_page = last + 1
    return rows


def _negotiation_kind_label(source: str) -> str:
    """ "negotiation/hardship" → the step-2 file kind's label."""
    from collectguard.negotiation.models import FileKind

    code = source.rsplit("/", 1)[-1]
    return str(FileKind(code).label) if code in FileKind.values else _("材料")


def _party(inputs: dict[str, str]) -> dict[str, str]:
    return {
        "name": inputs.get("name", "").strip(),
        "phone": inputs.get("phone", "").strip(),
        "address": inputs.get("address", "").strip(),
    }


def lender_name(case: Case) -> str:
    return case.lender.strip() or case.title


def respondent_info(case: Case) -> dict[str, Any]:
    kind = lender_type(case)
    name = lender_name(case)
    label = str(LENDER_TYPE_LABELS[kind])
    return {
        "name": name,
        "type_label": label,
        # "某某银行（银行）" says nothing; the type is shown only when the name does not say it.
        "type_note": "" if kind in {"unknown"} or label[:2] in name else label,
        "loan_type": case.get_loan_type_display(),
        "contracts": case.contract_number_list(),
        # Decimal(str()): an unsaved case may still hold the amount as the string it was given.
        "amount": f"{Decimal(str(case.amount_owed)):,.2f}" if case.amount_owed is not None else "",
        "overdue_since": long_date(case.overdue_since) if case.overdue_since else "",
    }


def numbers_for(facts: CaseFacts) -> list[dict[str, Any]]:
    """Sender numbers with their counts, busiest first."""
    rows = []
    for sender in facts.senders:
        rows.append(
            {
                "number": sender.get("number", ""),
                "kind": sender.get("kind_label") or sender.get("kind", ""),
                "messages": sender.get("messages_received", 0),
                "attempts": sender.get("call_attempts", 0),
                "connected": sender.get("calls_connected", 0),
                "night": sender.get("night_contacts", 0),
                "max_attempts_per_day": sender.get("max_attempts_per_day", 0),
                "days_over_3_connected": sender.get("days_over_3_connected", 0),
                "days_over_6_attempts": sender.get("days_over_6_attempts", 0),
            }
        )
    flagged_numbers = {m.sender for m in facts.flagged}
    known = {row["number"] for row in rows}
    for number in sorted(flagged_numbers - known):
        rows.append(
            {
                "number": number,
                "kind": "",
                "messages": sum(1 for m in facts.flagged if m.sender == number),
                "attempts": 0,
                "connected": 0,
                "night": 0,
                "max_attempts_per_day": 0,
                "days_over_3_connected": 0,
                "days_over_6_attempts": 0,
            }
        )
    rows.sort(key=lambda row: (-(row["messages"] + row["attempts"]), row["number"]))
    return rows


def figures_for(facts: CaseFacts) -> dict[str, Any]:
    totals = facts.totals
    numbers = numbers_for(facts)
    return {
        "messages_received": totals.get("messages_received", 0),
        "call_attempts": totals.get("call_attempts", 0),
        "calls_connected": totals.get("calls_connected", 0),
        "night_contacts": totals.get("night_contacts", 0),
        "senders": totals.get("senders", len(numbers)),
        "flagged": len(facts.flagged),
        "first": long_date(facts.first_contact) if facts.first_contact else "",
        "last": long_date(facts.last_contact) if facts.last_contact else "",
        "max_attempts_per_day": max((n["max_attempts_per_day"] for n in numbers), default=0),
        "days_over_6_attempts": sum(n["days_over_6_attempts"] for n in numbers),
        "days_over_3_connected": sum(n["days_over_3_connected"] for n in numbers),
    }


def fact_paragraphs(case: Case, facts: CaseFacts, figures: dict[str, Any]) -> list[str]:
    """事实与理由, in the borrower's voice, from the case's own records."""
    respondent = respondent_info(case)
    paragraphs: list[str] = []
    loan = _("我是%(lender)s的%(loan_type)s客户") % {
        "lender": respondent["name"],
        "loan_type": respondent["loan_type"],
    }
    if respondent["contracts"]:
        loan += _("（合同号 / 借款编号：%(numbers)s）") % {
            "numbers": "、".join(respondent["contracts"])
        }
    if respondent["overdue_since"]:
        loan += _("，自%(date)s起逾期") % {"date": respondent["overdue_since"]}
    if respondent["amount"]:
        loan += _("，对方告知的欠款金额为人民币 %(amount)s 元") % {"amount": respondent["amount"]}
    loan += _("。本次反映的是催收方式的问题，不涉及对债务本身的承认或否认；我愿意依法协商还款。")
    paragraphs.append(loan)

    contacts = []
    if figures["messages_received"]:
        contacts.append(_("短信 %(n)s 条") % {"n": figures["messages_received"]})
    if figures["call_attempts"]:
        contacts.append(
            _("来电 %(n)s 次（其中接通 %(c)s 次）")
            % {"n": figures["call_attempts"], "c": figures["calls_connected"]}
        )
    if contacts:
        period = (
            _("%(first)s至%(last)s期间，") % {"first": figures["first"], "last": figures["last"]}
            if figures["first"] and figures["last"]
            else ""
        )
        sentence = _("%(period)s我共收到催收%(contacts)s，来自 %(senders)s 个不同号码") % {
            "period": period,
            "contacts": "、".join(contacts),
            "senders": figures["senders"],
        }
        if figures["night_contacts"]:
            sentence += _("；其中 %(n)s 次发生在晚上 22 点至次日早上 8 点之间") % {
                "n": figures["night_contacts"]
            }
        paragraphs.append(sentence + "。")
    if figures["days_over_6_attempts"] or figures["days_over_3_connected"]:
        paragraphs.append(
            _(
                "按通话记录统计，同一号码单日呼叫超过 6 次的情况有 %(over6)s 天次，"
                "单日接通超过 3 次的情况有 %(over3)s 天次，单日最多呼叫 %(max)s 次。"
            )
            % {
                "over6": figures["days_over_6_attempts"],
                "over3": figures["days_over_3_connected"],
                "max": figures["max_attempts_per_day"],
            }
        )
    counts = facts.category_counts
    described = [
        _("%(label)s（%(n)s 条）") % {"label": category_label(code), "n": counts[code]}
        for code in MESSAGE_CATEGORIES
        if counts.get(code)
    ]
    if described:
        paragraphs.append(
            _("在这些消息中，有以下内容：%(list)s。部分原文摘录如下（按原样引用，未作修改）：")
            % {"list": "；".join(described)}
        )
    return paragraphs


def examples_for(facts: CaseFacts, limit: int = LETTER_EXAMPLES) -> list[dict[str, Any]]:
    """The most serious flagged messages first, then the earliest."""
    severity = {code: rank for rank, code in enumerate(MESSAGE_CATEGORIES)}

    def rank(message: Any) -> tuple[int, str]:
        codes = [severity.get(code, 99) for code in message.categories or []]
        return (min(codes, default=99), local_text(message.received_at))

    return [message_row(m) for m in sorted(facts.flagged, key=rank)[:limit]]


def _finding_provision_ids(facts: CaseFacts) -> list[str]:
    """Provisions the case's findings point at: the messages' own, then their behaviours'."""
    ids: list[str] = []
    for message in facts.flagged:
        for finding in message.findings or []:
            ids.extend(finding.get("provisions") or [])
    for behaviour in legal.behaviours_for_categories(facts.categories):
        ids.extend(behaviour.provisions)
    return ids


#: Rules that bind each kind of lender's collection (institution-specific documents only
#: where they apply: the credit-card measures bind card issuers, GB/T 45251 online credit).
INSTITUTION_RULES: dict[str, list[str]] = {
    "bank": ["CBA-2026"],
    "consumer_finance": ["CBA-2026", "GBT-45251"],
    "small_loan": ["GBT-45251", "NIFA-2024"],
    "private": [],
    "unknown": [],
}
#: Which provisions fit which addressee, by id prefix: regulators enforce civil, administrative
#: and regulatory rules, the police the public-security and criminal law.
CHANNEL_PREFIXES: dict[str, tuple[str, ...]] = {
    "lender-hq": ("CC-", "PIPL-", "CBA-", "GBT-", "NIFA-2024", "CMP-", "PSL-"),
    "12378": ("CC-", "PIPL-", "CBA-", "GBT-", "NIFA-2024", "CMP-", "PSL-"),
    "local-financial-regulator": ("CC-", "PIPL-", "GBT-", "NIFA-2024", "MLC-", "PSL-"),
    "110": ("PSL-", "CL-", "SV-", "PIPL-"),
    "12321": ("SMS-", "CC-1033", "PSL-", "PIPL-"),
    "12377": ("PIPL-", "CC-", "PSL-"),
    "stop_notice": ("CC-", "PIPL-", "CBA-", "GBT-", "NIFA-2024", "CC-BANK-"),
}
LETTER_PROVISIONS = 7


def provision_ids_for(case: Case, facts: CaseFacts, channel_id: str) -> list[str]:
    """The provisions a letter to `channel_id` cites, most relevant first."""
    kind = lender_type(case)
    institution = list(INSTITUTION_RULES.get(kind, []))
    if case.loan_type == "credit_card":
        institution.insert(0, "CC-BANK-68")
    findings = _finding_provision_ids(facts)
    if channel_id == "110":
        ordered = [*findings, "PSL-50-5", "PSL-90"]
    elif channel_id == "12321":
        ordered = ["SMS-31", "CC-1033", "PSL-50-5", *findings]
    elif channel_id == "12377":
        ordered = ["PIPL-25", "PIPL-10", "CC-1032", *findings, "PIPL-65"]
    elif channel_id == "stop_notice":
        ordered = ["CC-1032", "CC-1033", *institution, *findings, "CC-997"]
    else:
        complaints = ["CMP-2020"] if kind in {"bank", "consumer_finance"} else []
        if channel_id == "local-financial-regulator":
            complaints = []
        ordered = [*institution, "CC-1033", *findings, *complaints]
    prefixes = CHANNEL_PREFIXES[channel_id]
    return [pid for pid in ordered if pid.startswith(prefixes)]


def legal_basis(ids: list[str], limit: int = LETTER_PROVISIONS) -> dict[str, Any]:
    provisions = legal.citable_provisions(ids)[:limit]
    return {
        "legal_basis": provisions,
        "legal_caution": any(provision["caution"] for provision in provisions),
    }


def _labels(channel_id: str) -> dict[str, str]:
    if channel_id == "110":
        return {
            "party": _("报案人"),
            "respondent": _("涉嫌违法的单位和人员"),
            "matter": _("报案事项"),
            "demands": _("请求事项"),
        }
    if channel_id in {"12321", "12377"}:
        return {
            "party": _("举报人"),
            "respondent": _("被举报人"),
            "matter": _("举报事项"),
            "demands": _("请求事项"),
        }
    return {
        "party": _("投诉人"),
        "respondent": _("被投诉人"),
        "matter": _("投诉事项"),
        "demands": _("诉求"),
    }


def _attachments(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "count": len(rows),
        "items": [{"no": row["no"], "name": row["name"]} for row in rows[:LETTER_ATTACHMENTS]],
        "more": max(0, len(rows) - LETTER_ATTACHMENTS),
    }


def submission_info(channel_id: str) -> dict[str, Any]:
    """Where and how to hand in the document, from the channels data."""
    row = legal.channel(channel_id) or {}
    confidence = row.get("confidence", "")
    steps = [str(step) for step in SUBMISSION_STEPS.get(channel_id, ())]
    steps += [str(step) for step in COMMON_STEPS]
    return {
        "id": channel_id,
        "name": row.get("name_zh", ""),
        "body": row.get("body", ""),
        "phone": row.get("phone", ""),
        "website": row.get("website", ""),
        "handles": row.get("handles_zh", ""),
        "confidence": confidence,
        "confidence_label": legal.confidence_label(confidence),
        "confidence_note": row.get("confidence_note", ""),
        "caution": confidence != "High",
        "source": row.get("source", ""),
        "steps": steps,
    }


# Channel-specific steps: only what the channels data and DESIGN.md say about each channel.
SUBMISSION_STEPS: dict[str, tuple[Any, ...]] = {
    "lender-hq": (
        gettext_lazy("通过贷款机构的官方 App、官网，或银行卡背面 / 合同上的客服电话提交投诉。"),
        gettext_lazy("记下投诉工单号和提交日期；机构一般应在 15 日内处理，复杂的最长 30 日。"),
        gettext_lazy("对方不答复或答复不满意，再向监管部门投诉，并附上这次投诉的记录。"),
    ),
    "12378": (
        gettext_lazy(
            "先向贷款机构投诉（本应用可生成给机构的投诉信）；机构不答复或不满意，再拨打 12378。"
        ),
        gettext_lazy(
            "电话或网上投诉时，通常要说明：你的姓名和联系方式、被投诉机构、事情经过和你的诉求。"
            "可以照着“投诉材料”页面里准备好的文字说。"
        ),
        gettext_lazy("投诉会转给当地监管局。记下受理编号和日期。"),
    ),
    "local-financial-regulator": (
        gettext_lazy(
            "向小额贷款公司注册地所在省的地方金融管理局投诉：可以在省政府网站查找投诉渠道，"
            "或拨打 12345 询问。"
        ),
        gettext_lazy("提交这份投诉书和证据目录，记下受理编号和日期。"),
    ),
    "110": (
        gettext_lazy("紧急情况（有人在门口、威胁人身安全）直接拨打 110。"),
        gettext_lazy(
            "不紧急时，带上这份报案材料、证据目录和手机（里面有原始短信、通话记录），"
            "到住所地或事情发生地的派出所报案。"
        ),
        gettext_lazy("要求民警出具受案回执；请在最后一次发生后 6 个月内报案。"),
        gettext_lazy("如果对方持续滋扰、纠缠，可以请求公安机关责令其禁止接触你。"),
    ),
    "12321": (
        gettext_lazy(
            "在 12321 网站、12321 助手 App（安卓）或微信“12321受理中心”举报；"
            "每条短信的号码、原文和接收时间照原样填写，不要修改短信原文。"
        ),
        gettext_lazy("中国移动用户还可以把垃圾短信转发到 10086999。"),
    ),
    "12377": (
        gettext_lazy(
            "在 12377 网站或“网络举报”App 举报：写明曝光信息所在的网址、群名或账号，附上截图。"
        ),
        gettext_lazy("记下举报编号和日期。"),
    ),
}
COMMON_STEPS: tuple[Any, ...] = (
    gettext_lazy("提交前核对信中的事实；用手写签名并写上日期。"),
    gettext_lazy("原件（手机里的短信、录音）请一直保留，不要删除。"),
    gettext_lazy("在本应用的“行动清单”里记下提交日期和受理编号，方便跟进答复期限。"),
)


# --- Builders -----------------------------------------------------------------------------------


def _header(case: Case, title: str, inputs: dict[str, str]) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "title": title,
        "case_title": case.title,
        "date": long_date(today),
        "date_iso": today.isoformat(),
        "complainant": _party(inputs),
        "extra_facts": inputs.get("extra_facts", "").strip(),
    }


def _provision_names(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the provision ids in the findings column stand for."""
    ids = dict.fromkeys(
        provision_id
        for message in messages
        for finding in message["findings"]
        for provision_id in finding["provisions"]
    )
    return [row for row in (legal.any_provision(pid) for pid in ids) if row is not None]


def build_evidence_list(case: Case, inputs: dict[str, str]) -> dict[str, Any]:
    facts = case_facts(case)
    figures = figures_for(facts)
    items = evidence_rows(case)
    shown_in: dict[int, list[int]] = {}
    for row in items:
        for message_id in row.pop("message_ids"):
            shown_in.setdefault(message_id, []).append(row["no"])
    messages = []
    for message in facts.flagged:
        row = message_row(message)
        row["evidence"] = shown_in.get(message.pk, [])
        messages.append(row)
    return {
        **_header(case, _("证据目录"), inputs),
        "lender": lender_name(case),
        "items": items,
        "messages": messages,
        "provision_names": _provision_names(messages),
        "figures": figures,
        "numbers": numbers_for(facts)[:30],
        "stats": facts.stats,
    }


COMPLAINT_TITLES: dict[str, Any] = {
    "lender-hq": gettext_lazy("投诉书"),
    "12378": gettext_lazy("投诉书"),
    "local-financial-regulator": gettext_lazy("投诉书"),
    "110": gettext_lazy("报案材料"),
    "12321": gettext_lazy("举报材料"),
    "12377": gettext_lazy("举报材料"),
}


def _addressee(case: Case, channel_id: str) -> str:
    lender = lender_name(case)
    return {
        "lender-hq": _("%(lender)s（总部客户投诉受理部门）") % {"lender": lender},
        "12378": _("国家金融监督管理总局（12378 金融消费者投诉热线）"),
        "local-financial-regulator": _("省（自治区、直辖市）地方金融管理局"),
        "110": _("公安机关（派出所）"),
        "12321": _("12321网络不良与垃圾信息举报受理中心"),
        "12377": _("中央网信办违法和不良信息举报中心（12377）"),
    }[channel_id]


def _subject(case: Case, channel_id: str, facts: CaseFacts) -> str:
    lender = lender_name(case)
    behaviours = "、".join(category_label(code) for code in facts.categories[:4])
    behaviours = behaviours or _("不当催收")
    if channel_id == "110":
        return _(
            "%(lender)s或其委托的催收人员以%(behaviours)s等方式对我进行催收，干扰我的正常生活，"
            "请求公安机关依法受案调查处理。"
        ) % {"lender": lender, "behaviours": behaviours}
    if channel_id == "12321":
        return _("举报以下号码向我发送骚扰短信、拨打骚扰电话（催收），请求依法核查处理。")
    if channel_id == "12377":
        return _(
            "举报网上公开、传播我的个人信息和欠款信息的违法行为（催收曝光），请求依法删除并处理。"
        )
    return _("投诉%(lender)s及其委托的催收机构不当催收：%(behaviours)s。") % {
        "lender": lender,
        "behaviours": behaviours,
    }


def demands_for(case: Case, channel_id: str, facts: CaseFacts) -> list[str]:
    lender = lender_name(case)
    categories = set(facts.categories)
    if channel_id == "110":
        demands = [
            _("依法受理我的报案并出具受案回执，对上述行为进行调查。"),
            _("依照《治安管理处罚法》等规定对违法行为人依法处理。"),
        ]
        if categories & {"intimidation", "visit_threat", "third_party", "excessive_calls"}:
            demands.append(_("对持续滋扰、纠缠我的人员，依法责令其在一定期限内禁止接触我。"))
        return demands
    if channel_id == "12321":
        return [
            _("核查上述号码发送骚扰短信、拨打骚扰电话的情况，依规处理。"),
            _("将举报转交相关部门，制止对我的持续骚扰。"),
        ]
    if channel_id == "12377":
        return [
            _("删除网上公开的我的个人信息和欠款信息。"),
            _("依法查处非法公开、传播个人信息的行为人。"),
        ]
    demands = []
    if "third_party" in categories or "privacy_disclosure" in categories:
        demands.append(
            _("立即停止联系我的家人、同事、朋友等第三人，停止泄露我的欠款信息和个人信息。")
        )
    if categories & {
        "intimidation",
        "insult",
        "false_legal_claim",
        "impersonation",
        "visit_threat",
    }:
        demands.append(_("立即停止恐吓、辱骂、冒充公检法、虚构法律后果、威胁上门等行为。"))
    if "night_contact" in categories or "excessive_calls" in categories:
        demands.append(_("不在晚上 22 点至次日早上 8 点催收，不频繁拨打我的电话。"))
    demands.append(
        _("告知委托的催收机构名称和催收人员的身份（姓名或工号），核查并纠正其违规行为。")
    )
    if channel_id == "lender-hq":
        demands.append(_("依照规定在 15 日内将处理结果书面答复我。"))
    else:
        demands.append(
            _("依法调查%(lender)s及其委托催收机构的上述行为，责令改正并依法处理，将结果告知我。")
            % {"lender": lender}
        )
    return demands


def build_complaint(case: Case, inputs: dict[str, str], channel_id: str) -> dict[str, Any]:
    facts = case_facts(case)
    figures = figures_for(facts)
    rows = evidence_rows(case)
    return {
        **_header(case, str(COMPLAINT_TITLES[channel_id]), inputs),
        "channel": channel_id,
        "labels": _labels(channel_id),
        "addressee": _addressee(case, channel_id),
        "respondent": respondent_info(case),
        "numbers": numbers_for(facts)[:20],
        "exposure_location": inputs.get("exposure_location", "").strip(),
        "subject": _subject(case, channel_id, facts),
        "facts": fact_paragraphs(case, facts, figures),
        "examples": examples_for(facts),
        "figures": figures,
        **legal_basis(provision_ids_for(case, facts, channel_id)),
        "demands": demands_for(case, channel_id, facts),
        "attachments": _attachments(rows),
        "submission": submission_info(channel_id),
    }


def _build_complaint_for(case: Case, inputs: dict[str, str], *, channel_id: str) -> dict[str, Any]:
    return build_complaint(case, inputs, channel_id)


def build_stop_notice(case: Case, inputs: dict[str, str]) -> dict[str, Any]:
    facts = case_facts(case)
    figures = figures_for(facts)
    rows = evidence_rows(case)
    regulator = regulator_channel(lender_type(case))
    return {
        **_header(case, _("停止侵权告知函"), inputs),
        "addressee": _("%(lender)s及其委托的催收机构") % {"lender": lender_name(case)},
        "respondent": respondent_info(case),
        "facts": fact_paragraphs(case, facts, figures),
        "examples": examples_for(facts, limit=4),
        "figures": figures,
        **legal_basis(provision_ids_for(case, facts, "stop_notice")),
        "demands": demands_for(case, "lender-hq", facts)[:-1],
        "regulator": (legal.channel(regulator) or {}).get("name_zh", "")
        if regulator != "110"
        else "",
        "attachments": _attachments(rows),
    }


register_document(
    DocumentSpec(
        kind=DocumentKind.EVIDENCE_LIST,
        channel="",
        title=gettext_lazy("证据目录"),
        template="pdf/evidence_list.html",
        description=gettext_lazy(
            "列出每份证据的名称、来源、证明目的、页码和 SHA-256，附有问题消息清单和联系次数统计。"
            "投诉、报案时作为附件一起提交。"
        ),
        build=build_evidence_list,
        inputs=("name",),
    )
)
for _channel in LETTER_CHANNELS:
    register_document(
        DocumentSpec(
            kind=DocumentKind.COMPLAINT,
            channel=_channel,
            title=COMPLAINT_TITLES[_channel],
            template="pdf/complaint.html",
            description=gettext_lazy(
                "按投诉人、被投诉人、投诉事项、事实与理由、法律依据、诉求、附件的格式写好，"
                "最后一页说明到哪里、怎样提交。"
            ),
            build=functools.partial(_build_complaint_for, channel_id=_channel),
            inputs=("name", "phone", "address", "extra_facts")
            + (("exposure_location",) if _channel == "12377" else ()),
        )
    )
register_document(
    DocumentSpec(
        kind=DocumentKind.STOP_NOTICE,
        channel="",
        title=gettext_lazy("停止侵权告知函"),
        template="pdf/stop_notice.html",
        description=gettext_lazy(
            "正式告知贷款机构及其催收人员停止违规催收，只在合理时间、用合法方式联系你本人。"
        ),
        build=build_stop_notice,
        inputs=("name", "phone", "address", "extra_facts"),
    )
)


def _negotiation_request(case: Case, inputs: dict[str, str]) -> dict[str, Any]:
    from collectguard.negotiation.letters import negotiation_request_context

    return negotiation_request_context(case)


register_document(
    DocumentSpec(
        kind=DocumentKind.NEGOTIATION_REQUEST,
        channel="",
        title=gettext_lazy("协商还款申请书"),
        template="pdf/negotiation_request.html",
        description=gettext_lazy(
            "根据“主动沟通”步骤填写的情况和还款方案，写给贷款机构的书面申请。"
        ),
        build=_negotiation_request,
        raw_context=True,
    )
)


def document_title(spec: DocumentSpec, case: Case) -> str:
    if spec.kind == DocumentKind.COMPLAINT:
        channel = legal.channel(spec.channel) or {}
        return _("%(title)s（%(channel)s）") % {
            "title": spec.title,
            "channel": channel.get("name_zh", spec.channel),
        }
    return str(spec.title)
