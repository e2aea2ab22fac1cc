"""Message analysis for step 1 (识别来源): sender numbers, problematic content, per-sender verdicts.

Pure Python over the reference data in ``collectguard/legal/data``; nothing here sees a request, a
model or the database, so views, importers, management commands and tests all call the same code.
"""

from collectguard.intake.analysis.findings import (
    CATEGORIES,
    SIGNALS,
    Analysis,
    Finding,
    ResultCache,
    analyze,
    result_cache,
)
from collectguard.intake.analysis.normalize import Normalized, normalize
from collectguard.intake.analysis.senders import (
    SENDER_KINDS,
    SenderInfo,
    classify_sender,
    normalize_number,
)
from collectguard.intake.analysis.verdict import CallStats, SenderVerdict, sender_verdict, verdicts

__all__ = [
    "CATEGORIES",
    "SENDER_KINDS",
    "SIGNALS",
    "Analysis",
    "CallStats",
    "Finding",
    "Normalized",
    "ResultCache",
    "SenderInfo",
    "SenderVerdict",
    "analyze",
    "classify_sender",
    "normalize",
    "normalize_number",
    "result_cache",
    "sender_verdict",
    "verdicts",
]
