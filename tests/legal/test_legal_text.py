"""Chinese reference text on English pages is marked ``lang="zh-CN"`` and stays HTML-safe;
Chinese pages get the text exactly as before."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import SafeString

from collectguard.intake.analysis.senders import classify_sender
from collectguard.legal.reference import channels, institutions, provision, provisions
from collectguard.legal.templatetags.legal_text import (
    channel_name_en,
    institution_name,
    lang_zh,
    law_en,
    mark_chinese,
)


def render(source: str, **context: object) -> str:
    return Template("{% load legal_text %}" + source).render(Context(context))


def test_chinese_runs_are_wrapped_and_the_rest_is_escaped() -> None:
    with translation.override("en"):
        html = mark_chinese("Source: 银监会令2011年第2号；项目法律资料 §1F <script>（要点）")
    assert html == (
        'Source: <span lang="zh-CN">银监会令2011年第2号；项目法律资料</span> §1F &lt;script&gt;'
        '<span lang="zh-CN">（要点）</span>'
    )
    assert isinstance(html, SafeString)


def test_a_citation_is_one_chinese_span() -> None:
    with translation.override("en"):
        html = render("{{ c|lang_zh }}", c="《刑法》第279条<b>")
    assert html == '<span lang="zh-CN">《刑法》第279条&lt;b&gt;</span>'


def test_english_text_is_left_alone() -> None:
    with translation.override("en"):
        assert mark_chinese("Plain & simple") == "Plain & simple"
        assert render("{{ t|mark_chinese }}", t="Plain & simple") == "Plain &amp; simple"
        assert lang_zh("Civil Code") == "Civil Code"


def test_chinese_pages_are_unchanged() -> None:
    with translation.override("zh-hans"):
        assert mark_chinese("来源：<新华社>") == "来源：<新华社>"
        assert render("{{ t|mark_chinese }}", t="来源：<新华社>") == "来源：&lt;新华社&gt;"
        assert lang_zh("《民法典》") == "《民法典》"
        assert law_en(provision("CC-1033")) == ""
        assert channel_name_en("12378") == ""
        assert institution_name(classify_sender("95599")) == "中国农业银行"


def test_every_law_and_institution_has_an_english_name() -> None:
    assert all(row.law_en for row in provisions().values())
    assert all(row.name_en for row in institutions().values())
    assert all(row.name_en for row in channels().values())


def test_english_pages_name_laws_institutions_and_channels_in_english() -> None:
    with translation.override("en"):
        assert law_en(provision("PSL-50-5")).startswith(
            "Law of the PRC on Penalties for Administration of Public Security"
        )
        assert law_en({"id": "CC-1033"}) == "Civil Code of the People's Republic of China"
        assert law_en({"id": "no-such-row"}) == ""
        assert channel_name_en("12378") == "NFRA consumer hotline 12378"
        assert institution_name(classify_sender("95599")) == "Agricultural Bank of China"
        assert institution_name(classify_sender("13612345678")) == ""
