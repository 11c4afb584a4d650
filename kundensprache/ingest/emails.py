"""Emails (.eml, .mbox, Outlook .msg) -> drafts: the new text of each message, and each
quoted earlier message as its own draft.

Why quoted messages become drafts of their own: a thread repeats the same passages in every
reply. Cut out and hashed by content, a passage is stored once however often it is quoted,
and still counts when the original message is not in the inbox. Signatures, disclaimers and
mobile footers are dropped. Mail from the company's own domains is the rep's (outbound),
everything else the customer's (inbound).
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.header import decode_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from kundensprache.ingest.dates import parse_date
from kundensprache.ingest.documents import Draft
from kundensprache.ingest.errors import Rejected
from kundensprache.ingest.mail_people import (
    EmailContext,
    account_for,
    names_from,
    own_address,
    role_for,
)
from kundensprache.ingest.mail_threads import (
    attribution_sender,
    header_field,
    split_thread,
    strip_signature,
)
from kundensprache.ingest.markup import html_to_text
from kundensprache.ingest.textio import decode_text, decode_with_charset, sniff_binary, superset

__all__ = ["EmailContext", "MailResult", "read_email", "split_thread", "strip_signature"]

# "From sender@host Thu Sep 17 10:00:00 2026": a separator has a time of day in it, so an
# unescaped body line "From our side …" is not taken for one.
_MBOX_FROM = re.compile(rb"^From \S+.*\b\d{1,2}:\d{2}")
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:Re|AW|Aw|WG|Wg|Fwd?|Fw|WG|Antw|TR|RE|FW|FWD)\s*:\s*)+")


@dataclass
class MailResult:
    drafts: list[Draft]
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- entry
def read_email(data: bytes, name: str, ctx: EmailContext) -> MailResult:
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext == ".msg":
        return MailResult(_msg_drafts(data, ctx))
    if ext == ".mbox":
        return _read_mbox(data, ctx)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise Rejected("this is an Outlook .msg file saved as .eml; rename it to .msg")
    message = _parse(data)
    drafts = message_drafts(message, ctx)
    if not drafts:
        raise Rejected("email has no body text")
    return MailResult(drafts)


def _parse(data: bytes) -> EmailMessage:
    what = sniff_binary(data)
    if what:
        raise Rejected(f"binary content, not an email (looks like {what})")
    message = email.message_from_bytes(data, policy=email.policy.default)
    _cap_headers(message)
    if not any(message.get(h) for h in ("From", "To", "Subject", "Date", "Message-ID")):
        raise Rejected("not an email: no From, To, Subject or Date header")
    if message.get_content_maintype() == "multipart" and not message.is_multipart():
        message = _repair_boundary(message)
    return message  # type: ignore[return-value]


_MAX_HEADER = 4000


def _cap_headers(message: Message) -> None:
    """Cut every header value to 4,000 characters before anything reads it: the standard
    library's header parser slows down more than linearly on a 100 KB subject, and no real
    header is that long. The raw values are plain strings until first read."""
    raw = getattr(message, "_headers", None)
    if isinstance(raw, list) and any(isinstance(v, str) and len(v) > _MAX_HEADER for _, v in raw):
        message._headers = [  # type: ignore[attr-defined]
            (k, v[:_MAX_HEADER] if isinstance(v, str) else v) for k, v in raw
        ]


_PART_START = re.compile(r"^--([^\s]{1,70}?)\r?\n(?=[ \t]*\r?\n?Content-)", re.MULTILINE)


def _repair_boundary(message: EmailMessage) -> EmailMessage:
    """A multipart mail whose declared boundary is not the one its parts use (spam tools,
    broken gateways): re-read it with the boundary the part delimiters really carry. Without
    one, the raw MIME text is no body: refuse rather than store headers and base64."""
    body = message.get_payload()
    found = _PART_START.search(body) if isinstance(body, str) else None
    if found is None:
        raise Rejected(
            "broken MIME structure: the declared part boundary is not in the mail "
            "and no other was found; no readable body"
        )
    message.set_boundary(found[1])
    repaired = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    if not repaired.is_multipart():
        raise Rejected("broken MIME structure: the mail's parts cannot be separated")
    return repaired  # type: ignore[return-value]


def _read_mbox(data: bytes, ctx: EmailContext) -> MailResult:
    """Split an mbox on its 'From ' lines (mboxrd escaping undone) and read each message."""
    text_lines = data.split(b"\n")
    messages: list[list[bytes]] = []
    previous_blank = True
    for line in text_lines:
        if line.startswith(b"From ") and previous_blank and _MBOX_FROM.match(line):
            messages.append([])
        elif messages:
            if re.match(rb"^>+From ", line):
                line = line[1:]
            messages[-1].append(line)
        previous_blank = not line.strip()
    if not messages:
        raise Rejected("not an mbox file: no 'From ' separator lines")
    drafts: list[Draft] = []
    empty = bad = 0
    for lines in messages:
        try:
            message = _parse(b"\n".join(lines))
        except Rejected:
            bad += 1
            continue
        found = message_drafts(message, ctx)
        if found:
            drafts.extend(found)
        else:
            empty += 1
    notes = []
    if empty:
        notes.append(f"{empty} message(s) without body text skipped")
    if bad:
        notes.append(f"{bad} unreadable message(s) skipped")
    if not drafts:
        raise Rejected(f"no message with body text in {len(messages)} message(s)")
    return MailResult(drafts, notes)


def _msg_drafts(data: bytes, ctx: EmailContext) -> list[Draft]:
    """Outlook .msg (OLE compound file) through extract-msg."""
    if data[:4] != b"\xd0\xcf\x11\xe0":
        raise Rejected("corrupt or not an Outlook .msg file (no OLE compound file header)")
    try:
        import extract_msg

        msg = extract_msg.openMsg(data)
    except Exception as exc:  # extract-msg raises its own and olefile errors
        raise Rejected(f"corrupt or truncated .msg: {type(exc).__name__}: {exc}") from exc
    try:
        body = msg.body or ""
        if not body.strip():
            html_body = msg.htmlBody
            if isinstance(html_body, bytes):
                html_body = decode_text(html_body)
            body = _html_mail_to_text(html_body or "")
        sent = msg.date
        headers = {
            "from": str(msg.sender or ""),
            "to": str(msg.to or ""),
            "cc": str(msg.cc or ""),
            "subject": str(msg.subject or ""),
        }
    except Exception as exc:
        raise Rejected(f"corrupt or truncated .msg: {type(exc).__name__}: {exc}") from exc
    finally:
        try:
            msg.close()
        except Exception:
            pass
    when = sent.date() if hasattr(sent, "date") else parse_date(str(sent or ""))
    drafts = _drafts(body, headers, when, ctx)
    if not drafts:
        raise Rejected("email has no body text")
    return drafts


# --------------------------------------------------------------------------- message
def message_drafts(message: Message, ctx: EmailContext) -> list[Draft]:
    headers = {k: _header(message, k) for k in ("from", "to", "cc", "subject")}
    when = None
    raw_date = _header(message, "date")
    if raw_date:
        try:
            when = parsedate_to_datetime(raw_date).date()
        except (TypeError, ValueError, IndexError):
            when = parse_date(raw_date)
    return _drafts(body_text(message), headers, when, ctx)


def _drafts(body: str, headers: dict[str, str], when, ctx: EmailContext) -> list[Draft]:
    senders = getaddresses([headers["from"]])
    recipients = getaddresses([headers["to"], headers["cc"]])
    names = names_from([*senders, *recipients]) | set(ctx.people)
    sender_addr = senders[0][1] if senders else ""
    role = role_for(sender_addr, senders[0][0] if senders else "", ctx)
    if role == "rep":
        others = [a for _, a in recipients if a and not own_address(a, ctx.domains)]
        account = account_for(others[0]) if others else None
    else:
        account = account_for(sender_addr)
    title = _SUBJECT_PREFIX.sub("", headers["subject"]).strip()
    own, quoted = split_thread(body)
    drafts = []
    own = strip_signature(own)
    if own.strip():
        drafts.append(Draft([(role, own)], account=account, date=when, title=title, names=names))
    for q in quoted:
        text = strip_signature(q.text)
        if not text.strip():
            continue
        quoted_from = header_field(q.header, ("von", "from")) or attribution_sender(q.header)
        # Outlook writes "Name [mailto:name@host]"
        quoted_from = re.sub(r"\[mailto:([^\]]+)\]", r"<\1>", quoted_from)
        q_senders = getaddresses([quoted_from])
        q_addr = q_senders[0][1] if q_senders else ""
        q_name = q_senders[0][0] if q_senders else ""
        if "@" not in q_addr:  # Thunderbird: "Am …, schrieb Vorname Nachname:" (a name only)
            q_name, q_addr = quoted_from.strip(" \"'"), ""
            q_senders = [(q_name, "")] if q_name else []
        q_role = role_for(q_addr, q_name, ctx, default="unknown")
        q_date = parse_date(
            header_field(q.header, ("gesendet", "sent", "datum", "date")) or q.header
        )
        q_account = (
            account_for(q_addr) if q_role == "customer" else (account if q_role != "rep" else None)
        )
        drafts.append(
            Draft(
                [(q_role, text)],
                account=q_account,
                date=q_date or when,
                title=title,
                names=names | names_from(q_senders),
            )
        )
    return drafts


def body_text(message: Message) -> str:
    """The message's text: plain part preferred, else HTML converted to text."""
    part = None
    if isinstance(message, EmailMessage):
        try:
            part = message.get_body(preferencelist=("plain", "html"))
        except (KeyError, LookupError):
            part = None
    if part is None and not message.is_multipart():
        part = message
    if part is None:
        return ""
    text = _part_text(part)
    if part.get_content_subtype() == "html" or (
        part.get_content_type() == "text/plain"
        and re.search(r"(?i)<(?:html|body|div|p|br)\s*/?>|<html\b", text[:2000])
    ):
        return _html_mail_to_text(text)
    if not text.strip() and isinstance(message, EmailMessage):
        html_part = message.get_body(preferencelist=("html",))
        if html_part is not None:
            return _html_mail_to_text(_part_text(html_part))
    return text


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = part.get_payload()
        if isinstance(payload, str):
            return payload
        return ""
    try:
        return decode_with_charset(payload, part.get_content_charset())
    except Rejected:
        return ""


def _html_mail_to_text(value: str) -> str:
    """HTML mail -> text; blockquotes become '>' lines so quote stripping sees them."""
    if not value.strip():
        return ""
    text = html_to_text(value, quote_blocks=True)
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # malformed header the policy cannot parse
        value = message.get_all(name, failobj=[""])[0] if hasattr(message, "get_all") else ""
    if value is None:
        return ""
    text = str(value)
    if "\ufffd" in text and hasattr(message, "raw_items"):
        # Undeclared 8-bit bytes in a header: the parser kept them as surrogates in the raw
        # value; decode those bytes like a text file (UTF-8, else cp1252).
        for key, raw in message.raw_items():
            if key.lower() == name.lower() and isinstance(raw, str):
                try:
                    raw_bytes = raw.encode("ascii", "surrogateescape")
                    text = _decode_words(decode_text(raw_bytes))
                except (Rejected, UnicodeError, ValueError, LookupError):
                    pass
                break
    return " ".join(text.split())


def _decode_words(raw: str) -> str:
    """RFC 2047 encoded words, each decoded with the superset of its label (GB2312 -> GB18030)."""
    pieces = []
    for chunk, charset in decode_header(raw):
        if isinstance(chunk, bytes):
            try:
                pieces.append(chunk.decode(superset(charset) or "ascii", errors="replace"))
            except LookupError:
                pieces.append(chunk.decode("utf-8", errors="replace"))
        else:
            pieces.append(chunk)
    return "".join(pieces)
