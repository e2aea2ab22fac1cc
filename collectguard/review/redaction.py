"""Hide third parties' phone numbers and names in the text a volunteer reads.

Collection messages are full of other people's data: "你的紧急联系人王小明 13812345678 已经
知道了". The borrower consented to show *their* case to a volunteer, not their relatives'
numbers, so shared cases mask them unless the borrower reveals them for that share.

Masking keeps the text's length, character for character: the offsets of findings computed on
the original (highlighting in step 1) still point at the same words in the masked text.
"""

from __future__ import annotations

import re

MASK = "*"

# Full-width digits are common in collection messages written around keyword filters.
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９＋", "0123456789+")

_PHONE = re.compile(
    r"(?<![0-9])"
    r"(?P<prefix>(?:\+|00)?86[ -]?)?"
    r"(?P<number>"
    r"1[3-9][0-9](?:[ -]?[0-9]){8}"  # mobile: 138 1234 5678, 138-1234-5678
    r"|0[1-9][0-9]{1,2}[ -]?[2-9][0-9]{6,7}"  # landline with area code: 010-12345678
    r")"
    r"(?![0-9])"
)

# People collectors name to pressure the borrower. The trigger stays visible ("你妈妈"); the
# name after it is masked.
_TRIGGERS = (
    "紧急联系人|联系人|家人|家属|亲属|亲人|亲戚|配偶|爱人|担保人|"
    "父亲|母亲|爸爸|妈妈|老爸|老妈|老婆|老公|妻子|丈夫|儿子|女儿|"
    "哥哥|姐姐|弟弟|妹妹|舅舅|姑姑|叔叔|阿姨|同事|领导|上司|朋友|同学|邻居"
)
_COMPOUND_SURNAMES = "欧阳|司马|诸葛|上官|东方|皇甫|慕容|令狐|司徒|夏侯|尉迟|长孙|宇文|公孙"
# The most common single-character surnames; words that are also everyday particles
# (都, 和, 也…) are left out so that "你的家人都会知道" is not mistaken for a name.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳"
    "翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
    "景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲"
    "虞敖巩明佘池查麻苑迟邝"
)
_HAN = "\u4e00-\u9fff"
# What may follow a name: punctuation, the end, or a word that starts a new phrase.
_AFTER_NAME = (
    r"[\s，,。.！!？?；;：:、（(）)“”\"'《》]|$|"
    r"说|的|已|都|也|和|及|吗|呢|了|在|电话|手机|先生|女士|小姐|知道|同意|表示|那边|"
    r"这边|会|就|要|让|帮|替|还|来|去|对|把|被|等|一起|接|打|联系|催"
)
_NAME = re.compile(
    rf"(?P<trigger>{_TRIGGERS})"
    r"(?P<sep>[：:\s]*(?:名叫|叫做|叫|是|为)?[：:\s]*)"
    rf"(?P<name>(?:{_COMPOUND_SURNAMES}|[{_SURNAMES}])[{_HAN}]{{1,2}}?)"
    rf"(?=(?:{_AFTER_NAME}))"
)


def _mask_phone(text: str, match: re.Match[str]) -> str:
    start, end = match.span("number")
    original = text[start:end]
    digit_positions = [i for i, ch in enumerate(original) if ch.isdigit()]
    keep = set(digit_positions[:3] + digit_positions[-2:])
    return "".join(ch if (i in keep or not ch.isdigit()) else MASK for i, ch in enumerate(original))


def _mask_name(name: str) -> str:
    for surname in _COMPOUND_SURNAMES.split("|"):
        if name.startswith(surname):
            return surname + MASK * (len(name) - len(surname))
    return name[0] + MASK * (len(name) - 1)


def redact_text(text: str, *, reveal: bool) -> str:
    """Mask phone numbers (first 3 and last 2 digits kept) and names after 家人/联系人….

    >>> redact_text("你的紧急联系人王小明电话13812345678", reveal=False)
    '你的紧急联系人王**电话138******78'
    >>> redact_text("再不还款就打给你妈妈张芳，010-87654321 也会收到通知", reveal=False)
    '再不还款就打给你妈妈张*，010-******21 也会收到通知'
    >>> redact_text("你的家人都会知道，请拨打95588或400-820-0000", reveal=False)
    '你的家人都会知道，请拨打95588或400-820-0000'
    >>> redact_text("联系人王小明 13812345678", reveal=True)
    '联系人王小明 13812345678'
    """
    if reveal or not text:
        return text
    # Match on a copy with ASCII digits: the mapping is one character to one character, so
    # spans found in the copy are the spans in the original.
    ascii_text = text.translate(_FULLWIDTH_DIGITS)
    spans: list[tuple[int, int, str]] = []
    for match in _PHONE.finditer(ascii_text):
        start, end = match.span("number")
        spans.append((start, end, _mask_phone(text, match)))
    for match in _NAME.finditer(ascii_text):
        start, end = match.span("name")
        if not any(s < end and start < e for s, e, _ in spans):
            spans.append((start, end, _mask_name(text[start:end])))
    if not spans:
        return text
    pieces: list[str] = []
    cursor = 0
    for start, end, replacement in sorted(spans):
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
