"""Synthetic "SMS Backup & Restore" exports for tests and benchmarks.

Everything here is made up: numbers are drawn from ``1361234xxxx`` (plus a ``+86`` spelling of
some of them, a bank service number and an SMS platform code), texts come from a few templates.
The files carry the real format's quirks: surrogate-pair emoji references, ``"null"``
placeholders, ``&#10;`` line breaks, escaped markup, and MMS with a SMIL part, a text part and a
small base64 media part.
"""

from __future__ import annotations

import base64
import os
import random
from typing import Final

__all__ = ["MMS_EVERY", "generate_backup"]

MMS_EVERY: Final = 25
"""Every 25th message (index 24, 49, …) is an ``<mms>``; the others are ``<sms>``."""

_EMOJI_REFS: Final = (b"&#55357;&#56864;", b"&#55357;&#56832;", b"&#55357;&#56911;")
_BODIES: Final = (
    "【某某银行】您尾号{n4}的信用卡已逾期，最低还款额{amount}元，请尽快还款。",
    "您的借款（合同号XF{contract}）已逾期{days}天，应还{amount}元，请登录APP还款。",
    "再不还钱就联系你的家人和同事。",
    "今天下午前处理，否则后果自负",
    "我在筹钱，请给我一周时间。",
    "周末回家吃饭吗？",
    "请勿转账至个人账户 & 以官方渠道为准 <注意>",
    '回复"1"确认，回复"2"申请分期',
)
_WRITE_BATCH: Final = 500


def _escape_attr(text: str) -> bytes:
    # Only what a real export escapes; line breaks become references, as the app writes them.
    escaped = (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
    )
    return escaped.encode("utf-8")


def _body(rng: random.Random, index: int) -> bytes:
    template = _BODIES[index % len(_BODIES)]
    text = template.format(
        n4=f"{rng.randrange(10_000):04d}",
        amount=f"{rng.randrange(100, 50_000)}.{rng.randrange(100):02d}",
        contract=f"{rng.randrange(10**11):011d}",
        days=rng.randrange(1, 200),
    )
    if index % 7 == 3:
        text += "\n第二行"
    body = _escape_attr(text)
    if index % 10 == 5:
        # Emoji as the app writes them with "store emojis" on: UTF-16 surrogate references.
        body += b" " + _EMOJI_REFS[index % len(_EMOJI_REFS)]
    return body


def _address(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return "95599"
    if roll < 0.10:
        return "10690001234567"
    number = f"1361234{rng.randrange(10_000):04d}"
    return "+86" + number if roll < 0.20 else number


def _sms(rng: random.Random, index: int, date_ms: int) -> bytes:
    box = b"2" if index % 9 == 4 else b"1"
    address = _address(rng).encode("ascii")
    return (
        b'  <sms protocol="0" address="'
        + address
        + b'" date="%d" type="' % date_ms
        + box
        + b'" subject="null" body="'
        + _body(rng, index)
        + b'" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" '
        b'date_sent="0" sub_id="-1" readable_date="synthetic" contact_name="(Unknown)" />\n'
    )


def _mms(rng: random.Random, index: int, date_ms: int) -> bytes:
    address = _address(rng).encode("ascii")
    media = base64.b64encode(rng.randbytes(rng.randrange(64, 512)))
    return (
        b'  <mms date="%d" ct_t="application/vnd.wap.multipart.related" msg_box="1" '
        b'address="'
        % date_ms
        + address
        + b'" m_type="132" read="1" contact_name="(Unknown)"><parts>'
        b'<part seq="-1" ct="application/smil" text="&lt;smil&gt;&lt;/smil&gt;" />'
        b'<part seq="0" ct="text/plain" chset="106" text="'
        + _body(rng, index)
        + b'" /><part seq="1" ct="image/jpeg" name="null" text="null" data="'
        + media
        + b'" /></parts><addrs><addr address="'
        + address
        + b'" type="137" charset="106" /><addr address="insert-address-token" type="151" '
        b'charset="106" /></addrs></mms>\n'
    )


def generate_backup(n_messages: int, path: str | os.PathLike[str], *, seed: int = 2026) -> None:
    """Write a synthetic SMS export with ``n_messages`` children to ``path``.

    Deterministic for a given ``seed``. Dates rise by one minute per message from
    2026-06-01T00:00Z. Every :data:`MMS_EVERY`-th message is an MMS, every 10th carries a
    surrogate-pair emoji; the root's ``count`` is deliberately off by one, as in real exports
    whose count does not match. Written in batches, so any size fits in little memory.
    """
    rng = random.Random(seed)
    start_ms = 1_780_272_000_000
    with open(path, "wb") as out:
        out.write(
            b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
            b"<!--File Created By collectguard.intake.backup_fixtures (synthetic data)-->\n"
            b'<?xml-stylesheet type="text/xsl" href="sms.xsl"?>\n'
            b'<smses count="%d" backup_set="synthetic" backup_date="%d" type="full">\n'
            % (n_messages + 1, start_ms + n_messages * 60_000)
        )
        batch: list[bytes] = []
        for index in range(n_messages):
            date_ms = start_ms + index * 60_000
            is_mms = index % MMS_EVERY == MMS_EVERY - 1
            batch.append(_mms(rng, index, date_ms) if is_mms else _sms(rng, index, date_ms))
            if len(batch) >= _WRITE_BATCH:
                out.write(b"".join(batch))
                batch.clear()
        out.write(b"".join(batch))
        out.write(b"</smses>\n")
