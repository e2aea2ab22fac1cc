"""Step 2's line on the case page: what is done and what is left, including upcoming deadlines."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from collectguard.cases.models import Case
from collectguard.negotiation.models import ContactLog, Proposal
from collectguard.negotiation.selectors import (
    active_agreement,
    is_confirmed_in_writing,
    payment_progress,
    situation_for,
    upcoming_deadlines,
)


def negotiation_step(case: Case) -> tuple[list[Any], list[Any]]:
    """(done, to do) items for this step on the case page; deadlines are items to do."""
    done: list[Any] = []
    todo: list[Any] = []

    situation = situation_for(case)
    if situation:
        done.append(format_lazy(_("已填写困难情况：{reason}"), reason=situation.hardship_label))
    else:
        todo.append(_("填写困难情况和每月能还多少"))

    proposals = Proposal.objects.filter(case=case).aggregate(
        count=Count("pk"), chosen=Count("pk", filter=Q(is_chosen=True))
    )
    if proposals["count"]:
        done.append(format_lazy(_("已算好 {count} 个还款方案"), count=proposals["count"]))
        if not proposals["chosen"]:
            todo.append(_("选定要向对方提出的方案"))
    else:
        todo.append(_("算一个自己负担得起的还款方案"))

    contacts = ContactLog.objects.filter(case=case).count()
    if contacts:
        done.append(format_lazy(_("已记录 {count} 次沟通"), count=contacts))
    else:
        todo.append(_("通过官方渠道联系贷款机构，并记下每次沟通"))

    agreement = active_agreement(case)
    if agreement is None:
        todo.append(_("谈成后记录还款协议，并要求书面确认"))
    else:
        if is_confirmed_in_writing(agreement):
            done.append(_("已达成还款协议，并有书面确认"))
        else:
            done.append(_("已达成还款协议"))
            todo.append(_("请对方书面确认协议（短信、邮件或 App 站内信），并上传截图"))
        progress = payment_progress(agreement)
        done.append(
            format_lazy(_("已还 {paid} / {count} 期"), paid=progress.paid, count=progress.count)
        )

    for deadline in upcoming_deadlines(case):
        when = date_format(deadline.on, "SHORT_DATE_FORMAT")
        if deadline.detail:
            item = format_lazy(
                _("{when}：{title}（{detail}）"),
                when=when,
                title=deadline.title,
                detail=deadline.detail,
            )
        else:
            item = format_lazy(_("{when}：{title}"), when=when, title=deadline.title)
        todo.append(item)
    return done, todo
