"""Whether a message is about a debt: its words and signals (import minimisation, model gate)."""

from __future__ import annotations

import re
from typing import Final

#: Signals that show a message is about a debt (an institution's name alone does not: shops and
#: banks advertise too).
DEBT_SIGNALS: Final = frozenset({"amount", "contract_ref", "repayment_channel"})

# Words of debt collection, allowing a separator or two between the characters because
# collectors write "逾 期" and "还-款" to get past filters.
_VOCABULARY: Final = (
    "逾期",
    "欠款",
    "欠钱",
    "欠债",
    "债务",
    "还款",
    "还钱",
    "还清",
    "结清",
    "催收",
    "催缴",
    "借款",
    "贷款",
    "网贷",
    "账单",
    "分期",
    "本金",
    "利息",
    "罚息",
    "违约金",
    "法务",
    "征信",
    "协商",
    "延期",
)
_COLLECTION_WORDS: Final = re.compile(
    "|".join(r"[\W_]{0,2}".join(re.escape(ch) for ch in word) for word in _VOCABULARY)
)


def mentions_collection(body: str) -> bool:
    """Whether the text uses the vocabulary of debt collection.

    >>> mentions_collection("您的借款已逾 期"), mentions_collection("周末回家吃饭吗？")
    (True, False)
    """
    return _COLLECTION_WORDS.search(body) is not None
