"""What the paste page shows before anything is saved: each message found, analysed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.safestring import SafeString

from collectguard.intake.analysis import Analysis, SenderInfo, analyze
from collectguard.intake.highlight import highlight
from collectguard.intake.paste import PasteResult
from collectguard.intake.records import findings_json
from collectguard.intake.selectors import FindingDetail, finding_details


@dataclass
class PreviewItem:
    line: int
    sender: SenderInfo
    received_at: datetime | None
    body: str
    analysis: Analysis
    highlighted: SafeString
    findings: list[FindingDetail]

    @property
    def urgent(self) -> bool:
        return bool(self.analysis.urgent)


def analyse_pasted(parsed: PasteResult) -> list[PreviewItem]:
    """Analyse every message of a parsed paste, exactly as saving it would."""
    items: list[PreviewItem] = []
    for message in parsed.messages:
        analysis = analyze(message.body, sender=message.sender, received_at=message.received_at)
        stored = findings_json(analysis)
        items.append(
            PreviewItem(
                line=message.line,
                sender=analysis.sender,
                received_at=message.received_at,
                body=message.body,
                analysis=analysis,
                highlighted=highlight(message.body, stored),
                findings=finding_details(message.body, stored),
            )
        )
    return items
