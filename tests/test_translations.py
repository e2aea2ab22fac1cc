"""The English translation: complete, well-formed, and actually used by the pages.

Chinese is the source language: the msgids in code and templates are the Chinese text, and
``locale/en/LC_MESSAGES/django.po`` holds the English. These tests check that

* every entry of the catalogue is translated and none is marked fuzzy (parsed here in pure
  Python, so the test needs no gettext tools);
* the translations keep every placeholder and HTML tag of their msgid;
* with English selected, the main pages show no Chinese characters, except where Chinese is
  intended: the language switcher's "简体中文" and any other element marked ``lang="zh-…"``
  (for example the Chinese phrases of the phone script), and the user's own data in form fields.
"""

from __future__ import annotations

import datetime
import functools
import gettext
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from collectguard.accounts.models import User
from collectguard.cases.models import Case

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}|</?[a-zA-Z][a-zA-Z0-9]*")


# --- The catalogue -----------------------------------------------------------------------


def _unquote(line: str) -> str:
    body = line.strip()
    assert body.startswith('"') and body.endswith('"'), f"not a PO string: {line!r}"
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), "\\" + m.group(1)), body[1:-1])


def parse_po(path: Path) -> list[dict[str, Any]]:
    """A small PO reader: one dict per entry with msgid, msgid_plural, msgstr(s) and flags.

    Obsolete entries (``#~``) are skipped: they are not part of the catalogue.
    """
    entries: list[dict[str, Any]] = []
    entry: dict[str, Any] = {"flags": set(), "msgstr": {}}
    field: tuple[str, int] | str | None = None

    def finish() -> None:
        nonlocal entry, field
        if "msgid" in entry:
            entries.append(entry)
        entry = {"flags": set(), "msgstr": {}}
        field = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line and "msgid" in entry:
                finish()
            continue
        if line.startswith("#"):
            if "msgid" in entry:
                finish()
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword in {"msgctxt", "msgid"} and "msgid" in entry:
                finish()  # a new entry starts without a blank line
            if keyword.startswith("msgstr"):
                field = ("msgstr", int(index) if index is not None else 0)
                entry["msgstr"][field[1]] = value
            else:
                field = keyword
                entry[keyword] = value
            continue
        if line.startswith('"') and field is not None:
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += _unquote(line)
            else:
                entry[field] += _unquote(line)
            continue
        raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[dict[str, Any]]:
    assert PO_FILE.exists(), f"{PO_FILE} is missing: run makemessages -l en"
    return parse_po(PO_FILE)


def _label(entry: dict[str, Any]) -> str:
    return entry["msgid"][:60].replace("\n", " ")


def test_the_catalogue_is_large_and_has_an_english_header(
    catalogue: list[dict[str, Any]],
) -> None:
    header = next(entry for entry in catalogue if entry["msgid"] == "")
    text = header["msgstr"][0]
    assert "Language: en\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in text
    assert "fuzzy" not in header["flags"]
    assert len(catalogue) > 1000


def test_every_entry_is_translated(catalogue: list[dict[str, Any]]) -> None:
    untranslated = [
        _label(entry)
        for entry in catalogue
        if entry["msgid"]
        and (
            not entry["msgstr"]
            or any(not value for value in entry["msgstr"].values())
            or ("msgid_plural" in entry and len(entry["msgstr"]) != 2)
        )
    ]
    assert not untranslated, f"{len(untranslated)} untranslated entries: {untranslated[:20]}"


def test_no_entry_is_fuzzy(catalogue: list[dict[str, Any]]) -> None:
    fuzzy = [_label(entry) for entry in catalogue if "fuzzy" in entry["flags"]]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries: {fuzzy[:20]}"


def test_translations_are_english(catalogue: list[dict[str, Any]]) -> None:
    """Chinese is allowed only inside parentheses, after the English name it explains, e.g.
    "Public Security Administration Punishments Law (治安管理处罚法)", or in quotes naming
    something the user will see in Chinese (a WeChat account, an app's name)."""
    outside = []
    for entry in catalogue:
        if not entry["msgid"]:
            continue
        for value in entry["msgstr"].values():
            stripped = re.sub(r"\([^()]*\)|\"[^\"]*\"", "", value)
            if HAN.search(stripped):
                outside.append(value[:80])
    assert not outside, f"Chinese outside parentheses/quotes: {outside[:20]}"


def test_translations_keep_placeholders_and_tags(catalogue: list[dict[str, Any]]) -> None:
    broken = []
    for entry in catalogue:
        if not entry["msgid"]:
            continue
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for index, value in entry["msgstr"].items():
            source = sources[min(index, 1)]
            if sorted(PLACEHOLDER.findall(value)) != sorted(PLACEHOLDER.findall(source)):
                broken.append((_label(entry), value[:80]))
    assert not broken, f"placeholders or tags differ: {broken[:10]}"


def test_the_compiled_catalogue_matches_the_po_file(catalogue: list[dict[str, Any]]) -> None:
    """The .mo Django reads holds exactly the .po's translations (compilemessages was run)."""
    assert MO_FILE.exists(), "run: manage.py compilemessages"
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue:
        if not entry["msgid"]:
            continue
        if "msgid_plural" in entry:
            got = [compiled.ngettext(entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
            want = [entry["msgstr"].get(0), entry["msgstr"].get(1)]
        else:
            got, want = [compiled.gettext(entry["msgid"])], [entry["msgstr"].get(0)]
        if got != want:
            stale.append(_label(entry))
    assert not stale, f"the .mo is out of date ({len(stale)} entries): run compilemessages"
    with translation.override("en"):
        assert translation.gettext("我的案件") == "My cases"
        saved = "已保存 %(n)s 条消息。"
        assert translation.ngettext(saved, saved, 1) % {"n": 1} == "1 message saved."
        assert translation.ngettext(saved, saved, 3) % {"n": 3} == "3 messages saved."


# --- The pages -----------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
BUTTON_INPUTS = {"submit", "button", "reset", "image"}


class HanFinder(HTMLParser):
    """Collects visible text and human-readable attributes that contain Chinese.

    Skipped, because Chinese is intended there: elements marked ``lang="zh…"`` (and everything
    inside them: the language switcher's "简体中文", the Chinese phrases of the phone script,
    the Chinese negotiation letter), the decorative brand glyph (``aria-hidden`` ``.brand-mark``),
    the content of ``<textarea>`` and the ``value`` of data-entry ``<input>``s (the user's own
    data).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skip_tag: str | None = None
        self.skip_depth = 0

    @staticmethod
    def _skipped(tag: str, attrs: dict[str, str | None]) -> bool:
        lang = (attrs.get("lang") or "").lower()
        classes = (attrs.get("class") or "").split()
        return (
            lang.startswith("zh")
            or tag == "textarea"
            or (attrs.get("aria-hidden") == "true" and "brand-mark" in classes)
        )

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if tag not in VOID and self._skipped(tag, attrs):
            self.skip_tag, self.skip_depth = tag, 1
            return
        for name, value in attr_list:
            if not value or not HAN.search(value) or name == "lang":
                continue
            if name == "value" and tag == "input" and attrs.get("type") not in BUTTON_INPUTS:
                continue  # what the user typed
            if name == "value" and tag == "option":
                continue  # a machine value; the option's label is its text
            self.found.append(f'<{tag} {name}="{value}">')

    def handle_startendtag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attr_list)
        if self.skip_tag == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip_tag is not None and tag == self.skip_tag:
            self.skip_depth -= 1
            if self.skip_depth == 0:
                self.skip_tag = None

    def handle_data(self, data: str) -> None:
        if self.skip_tag is None and HAN.search(data):
            self.found.append(" ".join(data.split()))


def intended_glosses(entries: list[dict[str, Any]]) -> list[str]:
    """The Chinese the English translation shows on purpose: names of laws and authorities in
    parentheses after their English name (for filling in Chinese forms), and quoted names the
    user will meet in Chinese (a WeChat account, an app). Longest first, removed whole."""
    glosses = set()
    for entry in entries:
        if not entry["msgid"]:
            continue
        for value in entry["msgstr"].values():
            for segment in re.findall(r"\([^()]*\)|\"[^\"]*\"", value):
                if HAN.search(segment):
                    glosses.add(segment)
    return sorted(glosses, key=len, reverse=True)


@functools.cache
def _catalogue_glosses() -> tuple[str, ...]:
    return tuple(intended_glosses(parse_po(PO_FILE)))


def chinese_on_page(
    html: str,
    *,
    allowed: Iterable[str] | None = None,
    user_data: Iterable[str] = (),
    known_gaps: Iterable[str | re.Pattern[str]] = (),
) -> list[str]:
    """The Chinese left on a page once intended Chinese, the user's data and any known gaps
    are taken out; each hit is returned with a little context."""
    allowed = _catalogue_glosses() if allowed is None else tuple(allowed)
    user_data = sorted(user_data, key=len, reverse=True)
    patterns = [g if isinstance(g, re.Pattern) else re.compile(re.escape(g)) for g in known_gaps]
    finder = HanFinder()
    finder.feed(html)
    finder.close()
    found = []
    for text in finder.found:
        for gloss in allowed:
            text = text.replace(gloss, "")
        for data in user_data:
            text = text.replace(data, "")
        # Fragments of the user's own text: a message split up by highlighting, or a quoted
        # excerpt shortened with "…".
        pieces = [p.strip(' ·\u201c\u201d"') for p in text.split("…")]
        if all(not HAN.search(p) or any(p in data for data in user_data) for p in pieces):
            continue
        for pattern in patterns:
            text = pattern.sub("", text)
        match = HAN.search(text)
        if match:
            start = max(0, match.start() - 40)
            found.append(("…" if start else "") + text[start : start + 140])
    return found


def test_the_finder_ignores_what_is_meant_to_be_chinese() -> None:
    html = (
        '<p>Hello <span lang="zh-CN">简体中文 <b>中</b></span></p>'
        '<textarea name="x">用户写的字</textarea><input name="t" value="某某银行">'
        '<span class="brand-mark" aria-hidden="true">盾</span>'
        '<button title="保存">Save</button><input type="submit" value="提交"><p>还没有</p>'
        "<p>Law (治安管理处罚法)</p><p>He said “某某银行…写的”</p><p>已知问题 here</p>"
    )
    assert chinese_on_page(
        html, allowed=["(治安管理处罚法)"], user_data=["某某银行", "用户写的字"],
        known_gaps=[re.compile("已知问题")],
    ) == ['<button title="保存">', '<input value="提交">', "还没有"]  # fmt: skip


@pytest.fixture
def english(client: Client) -> Client:
    """Choose English the way a visitor does: the language switcher in the footer."""
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return client


@pytest.fixture
def english_borrower(borrower_client: Client) -> Client:
    response = borrower_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return borrower_client


@pytest.fixture
def ascii_case(borrower: User) -> Case:
    return Case.objects.create(
        owner=borrower,
        title="Example Bank credit card",
        lender="Example Bank",
        loan_type="credit_card",
        contract_numbers="CC20250001",
        amount_owed="8800.00",
        overdue_since=datetime.date(2026, 3, 1),
        notes="Called my sister twice.",
    )


# Synthetic collection messages (invented numbers and text), pasted the way a borrower does.
PASTED = "\n\n".join(
    [
        "95599 2026-06-01 09:12 【某某银行】您尾号3310的信用卡已逾期，最低还款额986.00元，"
        "请通过官方App还款。",
        "13612345678 2026-06-01 23:40 今天不还，明天就打电话给你老板和你家人，让你全公司都知道。",
        "13612345678 2026-06-02 00:05 别装死，再不还钱我们就上门找你，后果自负。",
        "17012345678 2026-06-03 22:30 我们是法院的，已经立案了，马上来抓你，"
        "转账到个人账户6222020000000000可以撤案。",
    ]
)  # fmt: skip


@pytest.fixture
def busy_case(ascii_case: Case, english_borrower: Client) -> Case:
    """The ASCII case with collection messages in it: findings, provisions, sender verdicts,
    statistics and complaint recommendations all appear. The messages are the user's data."""
    url = reverse("intake:paste", args=[ascii_case.pk])
    response = english_borrower.post(url, {"text": PASTED, "action": "save"})
    assert response.status_code == 302, chinese_on_page(response.content.decode())
    return ascii_case


def _user_data(case: Case) -> list[str]:
    from collectguard.intake.models import Message

    data = {case.title, case.lender}
    for body, sender in Message.objects.filter(case=case).values_list("body", "sender"):
        data.update(value for value in (body, sender) if value)
    return [value for value in data if value]


def _page(client: Client, url: str) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    html = response.content.decode()
    assert '<html lang="en"' in html, f"{url} is not rendered in English"
    return html


def _assert_english(client: Client, url: str, case: Case | None = None) -> None:
    found = chinese_on_page(
        _page(client, url), user_data=_user_data(case) if case is not None else ()
    )
    assert not found, f"{url} shows Chinese with English selected:\n  " + "\n  ".join(found)


PUBLIC_PAGES = ["home", "accounts:signup", "accounts:login", "accounts:password_reset"]

BORROWER_PAGES = ["cases:list", "cases:create", "accounts:settings", "accounts:password_change"]

# The case page and the overview page of each of the three steps.
CASE_PAGES = ["cases:detail", "intake:overview", "negotiation:overview", "evidence:overview"]

MORE_CASE_PAGES = [
    "cases:edit",
    "cases:delete",
    "intake:paste",
    "intake:manual",
    "intake:upload",
    "intake:messages",
    "intake:senders",
    "intake:statistics",
    "negotiation:situation",
    "negotiation:proposals",
    "negotiation:proposal_new",
    "negotiation:script",
    "negotiation:contacts",
    "negotiation:contact_new",
    "negotiation:agreement",
    "negotiation:agreement_new",
    "evidence:documents",
    "evidence:complaints",
    "evidence:checklist",
    "evidence:custody",
    "review:sharing",
    "review:access_log",
    "review:export",
]

BUSY_PAGES = [
    "cases:detail",
    "intake:overview",
    "intake:paste",
    "intake:messages",
    "intake:senders",
    "intake:statistics",
    "negotiation:overview",
    "negotiation:script",
    "negotiation:script_print",
    "negotiation:letter",
    "evidence:overview",
    "evidence:complaints",
    "evidence:checklist",
    "evidence:documents",
    "review:sharing",
]

# Pages of step 3 for one complaint channel or one kind of document: (URL name, extra args).
BUSY_CHANNEL_PAGES = [
    ("evidence:pack", ["lender-hq"]),
    ("evidence:pack", ["12378"]),
    ("evidence:pack", ["12321"]),
    ("evidence:pack", ["110"]),
    ("evidence:document_new", ["evidence_list"]),
    ("evidence:document_new", ["stop_notice"]),
    ("evidence:document_new_channel", ["complaint", "12378"]),
]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_are_in_english(db: None, english: Client, name: str) -> None:
    _assert_english(english, reverse(name))


@pytest.mark.parametrize("name", BORROWER_PAGES)
def test_borrower_pages_are_in_english(english_borrower: Client, name: str) -> None:
    _assert_english(english_borrower, reverse(name))


@pytest.mark.parametrize("name", CASE_PAGES + MORE_CASE_PAGES)
def test_case_pages_are_in_english(english_borrower: Client, ascii_case: Case, name: str) -> None:
    _assert_english(english_borrower, reverse(name, args=[ascii_case.pk]), ascii_case)


@pytest.mark.parametrize("name", BUSY_PAGES)
def test_pages_of_a_case_with_messages_are_in_english(
    english_borrower: Client, busy_case: Case, name: str
) -> None:
    _assert_english(english_borrower, reverse(name, args=[busy_case.pk]), busy_case)


@pytest.mark.parametrize(("name", "args"), BUSY_CHANNEL_PAGES)
def test_complaint_and_document_pages_are_in_english(
    english_borrower: Client, busy_case: Case, name: str, args: list[str]
) -> None:
    _assert_english(english_borrower, reverse(name, args=[busy_case.pk, *args]), busy_case)


def test_reference_data_is_in_english_or_marked_as_chinese(
    english_borrower: Client, busy_case: Case
) -> None:
    """Reference data reaches English pages in English where the data has it (carriers,
    regions, institutions, law titles); what must stay Chinese (citations, sources, gists the
    borrower quotes to Chinese authorities) is marked ``lang="zh-CN"``, so the page checks above
    see no unmarked Chinese."""
    senders = _page(english_borrower, reverse("intake:senders", args=[busy_case.pk]))
    assert "China Mobile · Shantou, Guangdong" in senders
    assert "China Telecom (virtual operator)" in senders
    assert "Official service number of Agricultural Bank of China" in senders
    assert "中国农业银行" not in senders
    messages = _page(english_borrower, reverse("intake:messages", args=[busy_case.pk]))
    citation = "《中华人民共和国治安管理处罚法（2025修订）》第62条"
    assert f'<span lang="zh-CN">{citation}</span>' in messages
    assert "Law of the PRC on Penalties for Administration of Public Security" in messages
    letter = _page(english_borrower, reverse("negotiation:letter", args=[busy_case.pk]))
    assert '<span lang="zh-CN">《商业银行信用卡业务监督管理办法》第70条</span>' in letter
    documents = _page(english_borrower, reverse("evidence:documents", args=[busy_case.pk]))
    assert "Complaint letter (NFRA consumer hotline 12378)" in documents


def test_chinese_stays_the_default(db: None, client: Client) -> None:
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-CN"' in html
    assert "免费注册" in html
