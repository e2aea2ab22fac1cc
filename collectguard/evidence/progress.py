from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from collectguard.cases.models import Case
from collectguard.evidence.models import DocumentKind, EvidenceItem, Filing, GeneratedDocument


def evidence_step(case: Case) -> tuple[list[Any], list[Any]]:
    """(done, to do) items for step 3 on the case page: three counting queries."""
    done: list[Any] = []
    todo: list[Any] = []
    items = EvidenceItem.objects.filter(case=case).count()
    kinds = set(GeneratedDocument.objects.filter(case=case).values_list("kind", flat=True))
    filings = Filing.objects.filter(case=case).exclude(filed_on=None).count()
    if items:
        done.append(_("已保存 %(n)s 份证据原件") % {"n": items})
    else:
        todo.append(_("上传截图、录音等证据原件"))
    if DocumentKind.EVIDENCE_LIST in kinds:
        done.append(_("已生成证据目录"))
    else:
        todo.append(_("生成证据目录"))
    if kinds & {DocumentKind.COMPLAINT, DocumentKind.STOP_NOTICE}:
        done.append(_("已生成投诉信或告知函"))
    else:
        todo.append(_("生成投诉信或停止侵权告知函"))
    if filings:
        done.append(_("已记录 %(n)s 次投诉 / 报案") % {"n": filings})
    else:
        todo.append(_("向推荐的渠道投诉，并在行动清单里记下受理编号"))
    return done, todo
