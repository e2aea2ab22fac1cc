"""Step 1 on the case page: what is done and what is left, from the sender summaries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from collectguard.cases.models import Case


def intake_step(case: Case) -> tuple[list[Any], list[Any]]:
    """(done, to do) items for this step on the case page (one query)."""
    from collectguard.intake.selectors import intake_summary

    summary = intake_summary(case)
    done: list[Any] = []
    todo: list[Any] = []
    if summary["messages"]:
        done.append(
            ngettext_lazy(
                "已整理 %(n)s 条收到的短信", "已整理 %(n)s 条收到的短信", summary["messages"]
            )
            % {"n": summary["messages"]}
        )
    if summary["attempts"]:
        done.append(
            ngettext_lazy("已整理 %(n)s 次来电", "已整理 %(n)s 次来电", summary["attempts"])
            % {"n": summary["attempts"]}
        )
    if summary["flagged"]:
        done.append(
            ngettext_lazy(
                "发现 %(n)s 条可能违规的消息", "发现 %(n)s 条可能违规的消息", summary["flagged"]
            )
            % {"n": summary["flagged"]}
        )
    if not summary["messages"] and not summary["flagged"]:
        todo.append(_("粘贴或导入收到的催收短信"))
    if not summary["attempts"]:
        todo.append(_("导入通话记录，统计来电次数"))
    return done, todo
