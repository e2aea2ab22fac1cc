"""What step 2 says to the borrower: provisions, the phone script, pushback and guidance.

This is reviewed content, kept as data so a lawyer can check it in one place. Every legal point
names rows of ``/work/shared/legal/reference.md`` (the project's research notes, late 2026) with
their source, effective date and confidence; rows below High confidence are shown with a caution.

Texts are bilingual (``Text``). The script and the pushback answers are spoken to a Chinese
lender, so the page always shows the Chinese wording and, in the English interface, the English
beside it as a gloss. Placeholders in braces are filled with the case's facts by ``script.py``.
The interface around these texts (headings, labels, cautions) is translated with gettext.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

Confidence = Literal["High", "Medium-High", "Medium", "Low"]

CONFIDENCE_LABELS = {
    "High": _("高"),
    "Medium-High": _("中高"),
    "Medium": _("中"),
    "Low": _("低"),
}


@dataclass(frozen=True)
class Text:
    """A text in Simplified Chinese and English; ``str()`` gives the active language's."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh if (get_language() or "zh-hans").startswith("zh") else self.en

    def format(self, zh: dict[str, str], en: dict[str, str]) -> Text:
        return Text(zh=self.zh.format(**zh), en=self.en.format(**en))


@dataclass(frozen=True)
class Provision:
    """One row of the legal reference, as the borrower sees it."""

    id: str
    title: Text
    gist: Text
    effective: str
    source: str
    confidence: Confidence
    #: The same row in the legal app's data (``collectguard/legal/data``), "<file>/<id>".
    data_ref: str = ""

    @property
    def confidence_label(self) -> str:
        return str(CONFIDENCE_LABELS[self.confidence])

    @property
    def needs_caution(self) -> bool:
        """Anything short of High was not read in an official full text."""
        return self.confidence != "High"


@dataclass(frozen=True)
class ScriptStep:
    key: str
    heading: Text
    say: Text
    tip: Text
    provisions: tuple[str, ...] = ()
    # Shown only for these loan types (``cases.LoanType`` values); empty means all.
    loan_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pushback:
    key: str
    they_say: Text
    you_say: Text
    why: Text
    provisions: tuple[str, ...]


@dataclass(frozen=True)
class Point:
    text: Text
    provisions: tuple[str, ...] = ()
    # A caution that is not about a provision's confidence (e.g. a point the reference lacks).
    caution: Text | None = None

    @property
    def provision_list(self) -> list[Provision]:
        return provisions(self.provisions)


@dataclass(frozen=True)
class GuidanceSection:
    key: str
    title: Text
    points: tuple[Point, ...] = field(default_factory=tuple)


# Rows of the project's legal research notes (legal/reference.md), named for a reviewer to trace.
_REF = "项目法律资料"

PROVISIONS: dict[str, Provision] = {
    p.id: p
    for p in (
        Provision(
            id="CC-BANK-70",
            title=Text("《商业银行信用卡业务监督管理办法》第70条", "Credit Card Measures, art. 70"),
            gist=Text(
                "持卡人欠款超过还款能力、但有还款意愿时，发卡银行“可以”与持卡人协商个性化"
                "分期还款协议，最长 5 年。这是银行可以同意，不是必须同意。",
                "Where a cardholder's debt exceeds their ability to pay but they are willing to "
                "repay, the issuing bank MAY agree a personalised instalment plan of up to 5 "
                "years. The bank may agree; it does not have to.",
            ),
            effective="2011-01-13",
            source=f"银监会令2011年第2号；{_REF} §1F CC-BANK-70（多个公开资料引用的条文）",
            confidence="Medium",
            data_ref="provisions/CC-BANK-70",
        ),
        Provision(
            id="CC-BANK-68",
            title=Text("《商业银行信用卡业务监督管理办法》第68条", "Credit Card Measures, art. 68"),
            gist=Text(
                "只能向借款人本人和担保人催收，不得向与债务无关的第三人催收；不得使用暴力、"
                "胁迫、恐吓或侮辱；催收过程应当记录，记录至少保存 2 年。",
                "Collect only from the debtor and guarantor, never from unrelated third parties; "
                "no violence, coercion, threats or insults; collection must be recorded and the "
                "records kept for at least 2 years.",
            ),
            effective="2011-01-13",
            source=f"银监会令2011年第2号；{_REF} §1F CC-BANK-68（二手转载）",
            confidence="Medium",
            data_ref="provisions/CC-BANK-68",
        ),
        Provision(
            id="CBA-2026",
            title=Text(
                "中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》",
                "China Banking Association, Guideline on Collection of Personal Consumer Loans "
                "(trial)",
            ),
            gist=Text(
                "行业自律规则（不是法律），适用于信用卡和个人消费贷款的催收及受托催收机构："
                "晚上 10 点到次日 8 点未经同意不得催收；未接通时同一联系人每天最多拨打 6 次；"
                "不得向无关第三人透露欠款；严禁冒用行政、司法机关名义，严禁虚构黑名单、夸大"
                "债务或法律后果，严禁收取额外费用、诱导借新还旧；未经同意不得用私人电话或社交"
                "软件催收；上门至少 2 人并出示证件；催收通话应当录音。",
                "Self-regulation (not a statute) for credit-card and personal consumer-loan "
                "collection and the agencies collecting for lenders: no collection from 22:00 to "
                "08:00 without consent; unanswered calls at most 6 a day per contact; no "
                "disclosure to unrelated third parties; never impersonate administrative or "
                "judicial bodies, invent blacklists or exaggerate the debt or legal consequences, "
                "charge extra fees or push new borrowing; no private phones or social apps "
                "without consent; visits by at least 2 people showing ID; calls are recorded.",
            ),
            effective="2026-01-30 发布（生效日期未核实）",
            source=f"中国证券报、中新网等报道；{_REF} §1F CBA-2026（要点）",
            confidence="High",
            data_ref="provisions/CBA-2026",
        ),
        Provision(
            id="GBT-45251",
            title=Text(
                "国家标准 GB/T 45251-2025《互联网金融 个人网络消费信贷 贷后催收风控指引》",
                "National standard GB/T 45251-2025 on post-loan collection",
            ),
            gist=Text(
                "推荐性国家标准（不是法律）：只向借款人本人催收，联系人只能在特定情况下联系，"
                "且不得透露欠款；晚上 10 点到早上 8 点不得催收（另有约定除外）；每天接通的"
                "催收电话不超过 3 次；催收全程录音，至少保存 2 年。",
                "Recommended national standard (not a statute): collect only from the debtor; "
                "contacts only in specific cases and never told about the debt; no collection "
                "22:00–08:00 unless agreed; at most 3 connected collection calls a day; full "
                "recording kept at least 2 years.",
            ),
            effective="2025-02-28",
            source=f"国家市场监督管理总局、国家标准化管理委员会；{_REF} §1F GBT-45251",
            confidence="Medium-High",
            data_ref="provisions/GBT-45251",
        ),
        Provision(
            id="PIPL-25",
            title=Text("《个人信息保护法》第25条", "Personal Information Protection Law, art. 25"),
            gist=Text(
                "未经本人单独同意，不得公开其处理的个人信息（例如在群里、朋友圈或网上曝光你的"
                "欠款）。",
                "Personal information may not be made public without the person's separate "
                "consent (e.g. posting your debt in group chats or online).",
            ),
            effective="2021-11-01",
            source=f"个人信息保护法全文；{_REF} §1D PIPL-25",
            confidence="High",
            data_ref="provisions/PIPL-25",
        ),
        Provision(
            id="CC-1033",
            title=Text("《民法典》第1033条", "Civil Code, art. 1033"),
            gist=Text(
                "除法律另有规定或本人明确同意外，任何人不得以电话、短信、即时通讯工具等方式"
                "侵扰他人的私人生活安宁。",
                "Unless the law provides otherwise or the person expressly consents, no one may "
                "disturb another's private life by phone calls, SMS or messaging apps.",
            ),
            effective="2021-01-01",
            source=f"民法典人格权编全文；{_REF} §1A CC-1033",
            confidence="High",
            data_ref="provisions/CC-1033",
        ),
        Provision(
            id="PSL-50-5",
            title=Text(
                "《治安管理处罚法》（2025年修订）第50条第一款第（五）项",
                "Public Security Administration Punishments Law (2025), art. 50(1)(5)",
            ),
            gist=Text(
                "多次发送淫秽、侮辱、恐吓等信息，或者采取滋扰、纠缠、跟踪等方法干扰他人正常"
                "生活的，可以处拘留或者罚款。可以向公安机关报案。",
                "Repeatedly sending obscene, insulting or threatening messages, or harassing, "
                "pestering or stalking someone, can be punished with detention or a fine. You can "
                "report it to the police.",
            ),
            effective="2026-01-01",
            source=f"治安管理处罚法(2025-06-27)全文；{_REF} §1B PSL-50-5",
            confidence="High",
            data_ref="provisions/PSL-50-5",
        ),
        Provision(
            id="ZX-15",
            title=Text("《征信业管理条例》第15条", "Credit Reporting Regulation, art. 15"),
            gist=Text(
                "报送不良信息之前，应当事先告知本人。",
                "The person must be told in advance before negative information is reported.",
            ),
            effective="2013-03-15",
            source=f"征信业管理条例全文；{_REF} §1G ZX-15",
            confidence="High",
            data_ref="provisions/ZX-15",
        ),
        Provision(
            id="ZX-29",
            title=Text("《征信业管理条例》第29条", "Credit Reporting Regulation, art. 29"),
            gist=Text(
                "金融机构应当向征信系统报送信贷信息，真实的逾期记录可以依法报送。",
                "Lenders report credit information to the credit reference system; genuine "
                "overdue records may lawfully be reported.",
            ),
            effective="2013-03-15",
            source=f"征信业管理条例全文；{_REF} §1G ZX-29",
            confidence="High",
            data_ref="provisions/ZX-29",
        ),
        Provision(
            id="SX-1",
            title=Text(
                "最高人民法院《关于公布失信被执行人名单信息的若干规定》第1条",
                "Supreme People's Court rules on the list of dishonest judgment debtors, art. 1",
            ),
            gist=Text(
                "只有人民法院在执行案件中，才能依法把被执行人列入失信被执行人名单；催收人员"
                "做不到。",
                "Only a people's court, in an enforcement case, can list someone as a dishonest "
                "judgment debtor; collectors cannot.",
            ),
            effective="2013-10-01（2017-05-01 修正）",
            source=f"最高法司法解释；{_REF} §1G SX-1",
            confidence="Medium-High",
            data_ref="provisions/SX-1",
        ),
        Provision(
            id="CMP-2020",
            title=Text(
                "《银行业保险业消费投诉处理管理办法》",
                "Measures on Banking and Insurance Consumer Complaints",
            ),
            gist=Text(
                "金融机构收到投诉后一般应在 15 日内处理完毕，复杂的可延长至 30 日，特殊情况"
                "经批准再延长 30 日。",
                "An institution must normally handle a complaint within 15 days; complex ones "
                "within 30, and special cases 30 more with approval.",
            ),
            effective="2020-03-01",
            source=f"银保监会令2020年第3号（新华社报道）；{_REF} §1F CMP-2020",
            confidence="Medium-High",
            data_ref="provisions/CMP-2020",
        ),
        Provision(
            id="CH-12378",
            title=Text("12378 国家金融监督管理总局投诉热线", "12378, the NFRA complaint line"),
            gist=Text(
                "受理对银行、消费金融公司等机构的投诉，包括不当催收。一般先向贷款机构投诉，"
                "没有解决再打 12378。",
                "Takes complaints about banks, consumer-finance companies and similar "
                "institutions, including improper collection. Complain to the lender first.",
            ),
            effective="2023（国家金融监督管理总局组建）",
            source=f"{_REF} §2 12378",
            confidence="High",
            data_ref="channels/12378",
        ),
        Provision(
            id="CH-12368",
            title=Text("12368 人民法院诉讼服务热线", "12368, the people's courts' service line"),
            gist=Text(
                "可以核实自己是否真的被起诉、是否被列入失信名单。真正的法院短信来自 12368，"
                "并带有案号。",
                "Check whether you have really been sued or listed as a dishonest debtor. "
                "Genuine court SMS come from 12368 and carry a case number.",
            ),
            effective="—",
            source=f"{_REF} §2 12368",
            confidence="High",
            data_ref="channels/12368",
        ),
        Provision(
            id="CH-96110",
            title=Text("96110 反诈预警劝阻专线", "96110, the anti-fraud line"),
            gist=Text(
                "遇到要求转账到个人账户的“催收”，可以打 96110 咨询；已经被骗，请打 110。",
                "Call 96110 about 'collectors' asking for transfers to personal accounts; if you "
                "have already been defrauded, call 110.",
            ),
            effective="—",
            source=f"{_REF} §2 96110",
            confidence="Medium",
            data_ref="channels/96110",
        ),
        Provision(
            id="LEGIT-NOTICE",
            title=Text(
                "正规催收的要素（综合信用卡办法第69条、GB/T 45251-2025、银行业协会 2026 指引）",
                "What legitimate collection looks like (Credit Card Measures art. 69, "
                "GB/T 45251-2025, CBA 2026)",
            ),
            gist=Text(
                "只通过官方渠道还款（贷款机构 App 或对公账户），不会要求转入个人账户或个人"
                "二维码；催收人员应当说明身份、工号和所在机构；应当告诉你如何核对账目、如何"
                "提出异议。",
                "Repayment only through official channels (the lender's app or corporate "
                "account), never a personal account or QR code; collectors state who they are, "
                "their staff ID and organisation; you are told how to check the account and how "
                "to object.",
            ),
            effective="—",
            source=f"{_REF} §3（正规催收通知通常包含的要素）",
            confidence="Medium",
        ),
        Provision(
            id="COURT-EVIDENCE",
            title=Text(
                "人格权纠纷民事诉讼（隐私权、名誉权、个人信息保护）",
                "Civil suits over personality rights (privacy, reputation, personal information)",
            ),
            gist=Text(
                "常用的证据包括录音、截图、经公证的短信、通话记录和被联系的亲友的证言。",
                "Usual evidence: recordings, screenshots, notarised SMS, call logs and statements "
                "from relatives who were contacted.",
            ),
            effective="2021-01-01（民法典）",
            source=f"民法典；民事诉讼法；{_REF} §2（法院民事诉讼）",
            confidence="High",
            data_ref="channels/court-civil",
        ),
    )
}


SCRIPT: tuple[ScriptStep, ...] = (
    ScriptStep(
        key="identify",
        heading=Text("1. 确认对方是官方渠道", "1. Make sure you are talking to the lender"),
        say=Text(
            "您好，我是{who}。请问您是{lender}的官方客服吗？麻烦告诉我您的姓名和工号。",
            "Hello, I am {who}. Are you {lender}'s official customer service? Please tell me "
            "your name and staff ID.",
        ),
        tip=Text(
            "最好由你主动拨打贷款机构官网、官方 App 或合同上的客服电话。如果是对方打来的，"
            "先记下号码、姓名和工号，挂断后再打官方电话核实。",
            "Best: call the number on the lender's website, official app or contract yourself. "
            "If they called you, note the number, name and staff ID, then call the official "
            "number back to check.",
        ),
        provisions=("LEGIT-NOTICE", "CBA-2026"),
    ),
    ScriptStep(
        key="situation",
        heading=Text("2. 说明你的情况", "2. Explain your situation"),
        say=Text(
            "最近因为{hardship}，我暂时资金紧张，目前确实无法一次全额还款。但我有还款意愿，"
            "不想逃避，希望能和贵司协商一个我能做到的还款方案。",
            "Recently, because of {hardship}, I am short of money and really cannot repay in "
            "full at once. But I want to repay, I am not avoiding you, and I would like to agree "
            "a plan I can keep to.",
        ),
        tip=Text(
            "语气诚恳，但不必低声下气。欠钱不等于对方可以为所欲为。",
            "Be sincere, but you need not grovel. Owing money does not give them licence to do "
            "as they please.",
        ),
    ),
    ScriptStep(
        key="proposal",
        heading=Text("3. 提出你的方案", "3. Make your proposal"),
        say=Text(
            "我希望申请{plan}。这是我根据收入和必要开支算过、能够坚持下去的金额。",
            "I would like to ask for {plan}. I worked this out from my income and essential "
            "spending; it is an amount I can keep paying.",
        ),
        tip=Text(
            "只承诺你真能做到的数字。答应了做不到，下次再协商会更难。",
            "Only promise what you can really pay. A promise you cannot keep makes the next "
            "negotiation harder.",
        ),
    ),
    ScriptStep(
        key="credit_card",
        heading=Text(
            "信用卡：可以提到个性化分期", "Credit cards: mention personalised instalments"
        ),
        say=Text(
            "根据《商业银行信用卡业务监督管理办法》第七十条，在持卡人有还款意愿但还款能力"
            "不足时，银行可以与持卡人协商个性化分期还款，最长 5 年。我希望贵行考虑我的申请。",
            "Under article 70 of the Credit Card Measures, where a cardholder is willing but "
            "unable to repay, the bank may agree personalised instalments of up to 5 years. I "
            "ask the bank to consider my request.",
        ),
        tip=Text(
            "这是银行“可以”同意，不是“必须”同意。说的时候用“希望考虑”，不要说“你们必须给我分期”。",
            "The bank MAY agree; it does not have to. Ask them to consider it rather than "
            "insisting that they must.",
        ),
        provisions=("CC-BANK-70",),
        loan_types=("credit_card",),
    ),
    ScriptStep(
        key="amount",
        heading=Text("4. 不确认有争议的金额", "4. Do not confirm amounts you dispute"),
        say=Text(
            "关于欠款金额，请把明细发给我：本金、利息、罚息和各项费用分别是多少。我核对之后"
            "再确认具体金额。",
            "About the amount: please send me the breakdown of principal, interest, penalty "
            "interest and fees. I will confirm the figure after I have checked it.",
        ),
        tip=Text(
            "看到明细之前，不要说“我欠你们多少多少钱”。对金额有疑问，就说需要核对。",
            "Until you have seen the breakdown, do not say 'I owe you so much'. If you doubt "
            "the amount, say you need to check it.",
        ),
        provisions=("LEGIT-NOTICE",),
    ),
    ScriptStep(
        key="channel",
        heading=Text("5. 只通过官方渠道还款", "5. Pay only through official channels"),
        say=Text(
            "请告诉我官方的还款方式，比如贵司 App 或对公账户。我只通过官方渠道还款。",
            "Please tell me the official way to pay, such as your app or your corporate "
            "account. I only pay through official channels.",
        ),
        tip=Text(
            "不要转账到任何个人账户或个人二维码，谁让你转都不要转。",
            "Never transfer to a personal account or personal QR code, whoever asks.",
        ),
        provisions=("LEGIT-NOTICE", "CBA-2026"),
    ),
    ScriptStep(
        key="in_writing",
        heading=Text("6. 要求书面确认", "6. Ask for it in writing"),
        say=Text(
            "如果您同意这个方案，请通过短信、邮件或 App 站内信把协议内容发给我，写明每期金额、"
            "还款日期和还款账户。收到书面确认后，我会按约还款。",
            "If you agree, please send me the agreement by SMS, e-mail or in-app message, with "
            "each instalment's amount and date and the account to pay into. Once I have it in "
            "writing, I will pay as agreed.",
        ),
        tip=Text(
            "口头答应很容易被否认。没有书面确认，就把时间、对方姓名工号和答应的内容记进沟通记录。",
            "A promise made on the phone is easy to deny. Without written confirmation, put the "
            "time, their name and staff ID and what they promised in your contact log.",
        ),
    ),
    ScriptStep(
        key="close",
        heading=Text("7. 结束通话", "7. End the call"),
        say=Text(
            "请问这次协商申请有没有受理编号？大概多久给我答复？谢谢您。",
            "Is there a reference number for this request? When can I expect an answer? Thank you.",
        ),
        tip=Text(
            "挂断后马上在“沟通记录”里写下这次通话，趁记忆还清楚。",
            "Right after the call, write it down in your contact log while you still remember "
            "it clearly.",
        ),
    ),
)


PUSHBACKS: tuple[Pushback, ...] = (
    Pushback(
        key="full_today",
        they_say=Text("“今天必须全额还清，不然后果自负。”", "'Pay everything today, or else.'"),
        you_say=Text(
            "我理解欠款要还，我也愿意还。但我现在确实没有能力一次还清。我提出的方案是{plan}。"
            "请把我的协商申请登记下来，并告诉我什么时候答复。",
            "I understand the debt has to be repaid and I want to repay it. But I really cannot "
            "pay it all at once. My proposal is {plan}. Please register my request and tell me "
            "when you will answer.",
        ),
        why=Text(
            "没有哪条规定要求贷款机构必须同意分期，但你有权提出协商。不要为了“今天还清”去借"
            "新的网贷或高息借款，那只会让债越滚越大；银行业协会的催收指引禁止诱导借款人借新"
            "还旧。“后果自负”这类话如果带有威胁，记下来，它是证据。",
            "No rule obliges the lender to accept instalments, but you are entitled to ask. Do "
            "not take a new online loan or a high-interest loan to 'pay today': the debt only "
            "grows, and the banking association's guideline forbids pushing borrowers into new "
            "borrowing. If 'or else' comes with threats, note it down: it is evidence.",
        ),
        provisions=("CBA-2026",),
    ),
    Pushback(
        key="third_party",
        they_say=Text(
            "“再不还，我们就联系你的家人和单位。”",
            "'If you don't pay, we'll contact your family and your employer.'",
        ),
        you_say=Text(
            "请不要联系我的家人、同事和单位，他们和这笔借款无关。我本人就在和你们沟通，有事"
            "请直接找我。如果你们联系无关的人，我会保留证据并向监管部门投诉。",
            "Please do not contact my family, colleagues or employer; they have nothing to do "
            "with this loan. I am talking to you myself; contact me directly. If you contact "
            "people who are not involved, I will keep the evidence and complain to the "
            "regulator.",
        ),
        why=Text(
            "催收只能向借款人本人（和担保人）进行，不能找与借款无关的人，更不能把你的欠款"
            "告诉他们或公开。",
            "Collection may only be directed at the borrower (and a guarantor). Collectors may "
            "not approach people unrelated to the loan, let alone tell them about your debt or "
            "make it public.",
        ),
        provisions=("CC-BANK-68", "CBA-2026", "GBT-45251", "PIPL-25"),
    ),
    Pushback(
        key="personal_account",
        they_say=Text(
            "“你先把钱转到这个个人账户（或扫这个二维码），我帮你处理。”",
            "'Transfer the money to this personal account (or scan this QR code) and I'll sort "
            "it out.'",
        ),
        you_say=Text(
            "我只通过贵司官方渠道还款：官方 App、对公账户，或者官方客服确认过的方式。请把"
            "官方还款方式发给我，我核实后再付款。",
            "I only pay through your official channels: the official app, the corporate "
            "account, or a way your official customer service confirms. Please send me the "
            "official payment details; I will pay after checking them.",
        ),
        why=Text(
            "转到个人账户或个人二维码的钱，可能根本不会记到你的借款上，还可能是诈骗。正规"
            "催收只让你通过官方渠道还款；额外收取的“手续费”“催收费”也是红线。",
            "Money sent to a personal account or QR code may never be credited to your loan, "
            "and it may be fraud. Legitimate collection only asks for payment through official "
            "channels; extra 'handling' or 'collection' fees are a red line too.",
        ),
        provisions=("LEGIT-NOTICE", "CBA-2026", "CH-96110"),
    ),
    Pushback(
        key="not_recorded",
        they_say=Text(
            "“这通电话不录音，你口头答应就行。”",
            "'This call isn't recorded; just agree verbally.'",
        ),
        you_say=Text(
            "没关系，我这边会做记录。请告诉我您的姓名、工号和所在机构。我们谈好的内容，请再"
            "书面发给我一份。",
            "That's fine, I am keeping my own record. Please tell me your name, staff ID and "
            "organisation. Please also send me what we agree in writing.",
        ),
        why=Text(
            "按规定，贷款机构和催收机构的催收通话应当录音并保存：这是他们的义务。你作为通话"
            "的一方，也可以自己记录。无论对方怎么说，口头协议都要落实到书面。",
            "Under the rules, lenders and collection agencies must record collection calls and "
            "keep the recordings: that is their duty. As a party to the call you can keep your "
            "own record too. Whatever they say, get any agreement in writing.",
        ),
        provisions=("CC-BANK-68", "GBT-45251", "CBA-2026"),
    ),
    Pushback(
        key="lawsuit",
        they_say=Text(
            "“已经立案了，马上把你拉进失信黑名单。”",
            "'A case has been filed; you're going on the blacklist.'",
        ),
        you_say=Text(
            "如果贵司决定起诉，那是贵司的权利，我会按法院的通知处理。请告诉我法院名称和案号。"
            "我现在想做的是协商还款。",
            "If you decide to sue, that is your right and I will respond to the court. Please "
            "tell me the court and the case number. What I want now is to agree a repayment "
            "plan.",
        ),
        why=Text(
            "只有法院在执行案件中才能把人列为失信被执行人，催收人员做不到。真正的法院短信来自"
            " 12368 并带有案号，可以打 12368 核实。虚构黑名单、夸大法律后果是催收红线。",
            "Only a court, in an enforcement case, can list someone as a dishonest debtor; "
            "collectors cannot. Genuine court SMS come from 12368 with a case number; call 12368 "
            "to check. Inventing blacklists or exaggerating legal consequences is a red line.",
        ),
        provisions=("SX-1", "CH-12368", "CBA-2026"),
    ),
)


OFFICIAL_CHANNELS = GuidanceSection(
    key="official",
    title=Text("为什么只走官方渠道", "Why use only official channels"),
    points=(
        Point(
            Text(
                "协商和还款都通过贷款机构的官方渠道：官网、官方 App、合同上或银行卡背面的客服"
                "电话（银行一般是 955 开头的号码）。",
                "Negotiate and pay through the lender's official channels: its website, its "
                "official app, the customer-service number on your contract or card (banks "
                "usually use a number starting with 955).",
            ),
        ),
        Point(
            Text(
                "官方渠道的记录留在贷款机构内部，谈成的方案才算数；个人或催收公司的口头承诺，"
                "贷款机构可能不认。转到个人账户的钱可能不会记到你的借款上。",
                "What you agree through official channels is on the lender's own record; a "
                "collector's verbal promise may not be honoured. Money sent to a personal "
                "account may never reach your loan.",
            ),
            provisions=("LEGIT-NOTICE",),
        ),
        Point(
            Text(
                "催收公司联系你时，可以要求对方说明姓名、工号、所在机构和委托方，然后自己打"
                "官方客服核实。",
                "When a collection agency calls, ask for their name, staff ID, organisation and "
                "the lender they act for, then check with the official customer service.",
            ),
            provisions=("CBA-2026", "GBT-45251"),
        ),
        Point(
            Text(
                "银行、消费金融公司不处理你的协商或投诉时：先向机构本身投诉（一般 15 日内"
                "处理），没有解决再打 12378。",
                "If a bank or consumer-finance company ignores you: complain to the institution "
                "first (normally handled within 15 days), then call 12378.",
            ),
            provisions=("CMP-2020", "CH-12378"),
        ),
    ),
)

RECORDING = GuidanceSection(
    key="recording",
    title=Text("怎样合法地记录通话", "How to record a call lawfully"),
    points=(
        Point(
            Text(
                "你作为通话的一方，录下自己和对方的通话，一般可以作为证据使用：法院审理隐私权、"
                "名誉权等纠纷时，录音和截图都是常用的证据。",
                "As a party to the call, recording your own conversation is generally usable as "
                "evidence: recordings and screenshots are common evidence in privacy and "
                "reputation cases.",
            ),
            provisions=("COURT-EVIDENCE",),
            caution=Text(
                "本工具的法律资料只说明录音是常用证据，没有逐条核实“自己录音”的具体规则。这是"
                "一般做法，不是保证；有疑问请咨询 12348。",
                "Our legal reference only says that recordings are common evidence; it has no "
                "verified rule on recording your own calls. This is general practice, not a "
                "guarantee; ask 12348 if in doubt.",
            ),
        ),
        Point(
            Text(
                "只录你自己参与的通话，不要偷录别人之间的谈话，也不要把录音发到网上。",
                "Only record calls you take part in; never secretly record other people's "
                "conversations, and do not post recordings online.",
            ),
        ),
        Point(
            Text(
                "通话开始时说出日期，并请对方报姓名和工号；可以告诉对方“为了准确记住谈的内容，"
                "我会做记录”。",
                "At the start, say the date and ask for their name and staff ID; you can say "
                "'I am keeping a record so that I remember what we agree'.",
            ),
        ),
        Point(
            Text(
                "不要剪辑录音，保留手机里的原始文件。把它上传到沟通记录里：本工具原样保存原件，"
                "并记录它的 SHA-256 校验值，证明之后没有被改动。",
                "Never edit the recording; keep the original file. Upload it to your contact "
                "log: we keep the original byte for byte with its SHA-256 checksum, which shows "
                "it has not been changed since.",
            ),
        ),
        Point(
            Text(
                "手机不能通话录音时，可以开免提用另一台设备录，或者挂断后立刻把时间、号码和"
                "对方的原话写下来。",
                "If your phone cannot record calls, use speakerphone and record with another "
                "device, or write down the time, number and their exact words straight after the "
                "call.",
            ),
        ),
    ),
)

LENDER_MAY = GuidanceSection(
    key="may",
    title=Text("贷款机构可以做的", "What the lender may do"),
    points=(
        Point(
            Text(
                "通过官方渠道提醒你还款，告诉你欠款金额和明细。",
                "Remind you to pay through official channels and tell you the amount and its "
                "breakdown.",
            ),
            provisions=("LEGIT-NOTICE",),
        ),
        Point(
            Text(
                "事先告知你之后，把真实的逾期记录报送征信。",
                "Report a genuine overdue record to the credit reference system after telling "
                "you in advance.",
            ),
            provisions=("ZX-15", "ZX-29"),
        ),
        Point(
            Text(
                "委托催收公司催收，但对方应当说明身份、工号和委托方。",
                "Use a collection agency, which must say who it is, give a staff ID and name the "
                "lender it acts for.",
            ),
            provisions=("CBA-2026", "GBT-45251"),
        ),
        Point(
            Text(
                "依法向法院起诉。真正的法院通知来自 12368，带有案号。",
                "Sue you in court. Genuine court notices come from 12368 with a case number.",
            ),
            provisions=("CH-12368",),
        ),
    ),
)

LENDER_MAY_NOT = GuidanceSection(
    key="may_not",
    title=Text("贷款机构不可以做的", "What the lender may not do"),
    points=(
        Point(
            Text(
                "联系与借款无关的人（家人、同事、朋友、通讯录里的人），或向他们透露、在网上"
                "公开你的欠款。",
                "Contact people unrelated to the loan (family, colleagues, friends, your "
                "contacts), or tell them about your debt or publish it.",
            ),
            provisions=("CC-BANK-68", "CBA-2026", "GBT-45251", "PIPL-25"),
        ),
        Point(
            Text(
                "晚上 10 点到早上 8 点催收（除非你同意）；一天内反复打电话：接通的超过 3 次，"
                "或没接通还拨打超过 6 次。",
                "Collect between 22:00 and 08:00 (unless you agree); call over and over: more "
                "than 3 connected calls a day, or more than 6 attempts when you do not answer.",
            ),
            provisions=("GBT-45251", "CBA-2026", "CC-1033"),
        ),
        Point(
            Text(
                "威胁、辱骂、恐吓你，反复发送恐吓信息。",
                "Threaten, insult or intimidate you, or keep sending threatening messages.",
            ),
            provisions=("CC-BANK-68", "PSL-50-5"),
        ),
        Point(
            Text(
                "冒充公检法或监管部门，虚构“黑名单”，夸大法律后果。",
                "Pretend to be the police, a court or a regulator, invent 'blacklists' or "
                "exaggerate the legal consequences.",
            ),
            provisions=("CBA-2026", "SX-1"),
        ),
        Point(
            Text(
                "要求你转账到个人账户，收取额外的“催收费”“手续费”，或诱导你借新还旧。",
                "Ask you to pay into a personal account, charge extra 'collection' or "
                "'handling' fees, or push you to borrow more to repay.",
            ),
            provisions=("CBA-2026", "LEGIT-NOTICE"),
        ),
        Point(
            Text(
                "未经同意进入你的住所或单位；上门时少于 2 人或不出示证件。",
                "Enter your home or workplace without consent; visit with fewer than 2 people or "
                "without showing ID.",
            ),
            provisions=("CBA-2026",),
        ),
    ),
)

GUIDANCE: tuple[GuidanceSection, ...] = (OFFICIAL_CHANNELS, RECORDING, LENDER_MAY, LENDER_MAY_NOT)


def provisions(ids: tuple[str, ...] | list[str]) -> list[Provision]:
    """The provisions named by ``ids``, in that order (unknown ids are a programming error)."""
    return [PROVISIONS[i] for i in ids]
