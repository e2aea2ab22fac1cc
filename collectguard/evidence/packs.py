"""Complaint packs: the text blocks each channel's form asks for, ready to copy.

DESIGN.md: 12378 asks for name, contact, institution, a short description and what you ask for;
12321 for the reported number and the SMS text exactly as received (never edited) with its
time; the NIFA platform for real-name fields and attachments of at most 2 MB each. The texts
are built from the same facts as the letters, so the letter and the online form agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.evidence import documents, legal
from collectguard.evidence.facts import (
    CaseFacts,
    case_facts,
    category_label,
    labels_of,
    local_text,
)
from collectguard.evidence.models import EvidenceItem
from collectguard.evidence.routing import LETTER_CHANNELS

PACK_CHANNELS = (*LETTER_CHANNELS, "nifa-report")
NIFA_ATTACHMENT_LIMIT = 2 * 1024 * 1024
SHORT_DESCRIPTION_CHARS = 300


@dataclass(frozen=True)
class Block:
    label: str
    text: str
    note: str = ""


@dataclass
class Pack:
    channel: dict[str, Any]
    submission: dict[str, Any]
    blocks: list[Block] = field(default_factory=list)
    #: 12321: one block per reported message, quoted exactly.
    message_blocks: list[Block] = field(default_factory=list)
    #: NIFA: attachments and whether each fits the 2 MB limit.
    attachments: list[dict[str, Any]] = field(default_factory=list)
    fill_yourself: list[str] = field(default_factory=list)
    has_letter: bool = False
    masked: bool = False


def complaint_pack(case: Case, channel_id: str, *, viewer: User) -> Pack | None:
    """The pack for one channel, or None if there is none for it.

    A volunteer reading a shared case sees third parties' numbers and names masked unless the
    borrower chose to reveal them (collectguard.review).
    """
    if channel_id not in PACK_CHANNELS:
        return None
    row = legal.channel(channel_id)
    if row is None:
        return None
    from collectguard.review.access import share_reveals_third_parties
    from collectguard.review.redaction import redact_text

    reveal = share_reveals_third_parties(case, viewer)

    def shown(text: str) -> str:
        return text if reveal else redact_text(text, reveal=False)

    facts = case_facts(case)
    pack = Pack(
        channel=row,
        submission=documents.submission_info(channel_id),
        has_letter=channel_id in LETTER_CHANNELS,
        masked=not reveal,
    )
    lender = documents.respondent_info(case)
    institution = lender["name"]
    if lender["contracts"]:
        institution += _("（合同号 / 借款编号：%(numbers)s）") % {
            "numbers": "、".join(lender["contracts"])
        }
    demand_channel = channel_id if channel_id in LETTER_CHANNELS else "12378"
    demands = documents.demands_for(case, demand_channel, facts)
    numbered_demands = "\n".join(f"{n}. {text}" for n, text in enumerate(demands, start=1))
    short = _short_description(case, facts)
    details = "\n".join(documents.fact_paragraphs(case, facts, documents.figures_for(facts)))
    examples = "\n".join(
        f"{row['time']} {row['sender']}：{row['body']}" for row in documents.examples_for(facts)
    )
    if examples:
        details = f"{details}\n{examples}"

    pack.fill_yourself = [_("你的姓名"), _("联系电话")]
    if channel_id == "12321":
        numbers = [n["number"] for n in documents.numbers_for(facts) if n["number"]]
        pack.blocks.append(
            Block(
                _("被举报号码"),
                shown("\n".join(numbers)),
                _("每个号码单独举报一次更容易被受理。"),
            )
        )
        pack.blocks.append(Block(_("举报内容（概述）"), shown(short)))
        for message in facts.flagged:
            text = _("号码：%(number)s\n接收时间：%(time)s\n短信原文：%(body)s") % {
                "number": message.sender,
                "time": local_text(message.received_at),
                "body": message.body,
            }
            labels = "、".join(labels_of(message))
            pack.message_blocks.append(Block(message.sender, shown(text), labels))
        pack.fill_yourself.append(_("你的手机号（接收骚扰短信的号码）"))
    elif channel_id == "12377":
        pack.blocks.append(
            Block(
                _("举报内容"),
                shown(
                    _(
                        "催收人员在网上 / 群里公开我的个人信息和欠款信息（或以此相威胁），"
                        "侵犯我的隐私和个人信息。"
                    )
                    + "\n"
                    + short
                ),
            )
        )
        privacy = [m for m in facts.flagged if "privacy_disclosure" in (m.categories or [])]
        if privacy:
            quoted = "\n".join(
                f"{local_text(m.received_at)} {m.sender}：{m.body}" for m in privacy[:10]
            )
            pack.blocks.append(Block(_("相关消息原文"), shown(quoted)))
        pack.fill_yourself.append(_("曝光信息所在的网址、群名或账号"))
    elif channel_id == "110":
        pack.blocks.append(Block(_("报案陈述（可以照着说，或打印交给民警）"), shown(details)))
        pack.blocks.append(Block(_("请求"), numbered_demands))
        pack.fill_yourself.append(_("你的身份证件（报案时带上）"))
    else:
        pack.blocks.append(Block(_("被投诉机构"), institution))
        pack.blocks.append(
            Block(
                _("问题简述"),
                shown(short),
                _("约 %(n)s 字以内，适合填在表单的“简要描述”一栏。")
                % {"n": SHORT_DESCRIPTION_CHARS},
            )
        )
        pack.blocks.append(Block(_("事实经过"), shown(details)))
        pack.blocks.append(Block(_("诉求"), numbered_demands))
    if channel_id == "nifa-report":
        pack.fill_yourself.append(_("实名信息（平台要求实名举报）"))
        for item in EvidenceItem.objects.filter(case=case).order_by("uploaded_at", "pk"):
            pack.attachments.append(
                {
                    "item": item,
                    "fits": item.size <= NIFA_ATTACHMENT_LIMIT,
                }
            )
    return pack


def _short_description(case: Case, facts: CaseFacts) -> str:
    figures = documents.figures_for(facts)
    lender = documents.lender_name(case)
    parts = [_("%(lender)s或其委托的催收人员向我催收") % {"lender": lender}]
    if figures["first"] and figures["last"]:
        parts.insert(0, _("%(first)s至%(last)s，") % figures)
    counts = []
    if figures["messages_received"]:
        counts.append(_("短信 %(n)s 条") % {"n": figures["messages_received"]})
    if figures["call_attempts"]:
        counts.append(_("来电 %(n)s 次") % {"n": figures["call_attempts"]})
    text = "".join(parts)
    if counts:
        text += _("，共%(counts)s") % {"counts": "、".join(counts)}
    behaviours = "、".join(category_label(code) for code in facts.categories[:5])
    if behaviours:
        text += _("，存在%(behaviours)s等行为") % {"behaviours": behaviours}
    text += _("，严重干扰我的正常生活。")
    if len(text) > SHORT_DESCRIPTION_CHARS:
        text = text[: SHORT_DESCRIPTION_CHARS - 1] + "…"
    return text
