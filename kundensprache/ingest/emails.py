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
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from kundensprache.ingest.dates import parse_date
from kundensprache.ingest.documents import Draft
from kundensprache.ingest.errors import Rejected
from kundensprache.ingest.markup import html_to_text
from kundensprache.ingest.redact import name_parts
from kundensprache.ingest.textio import decode_text, decode_with_charset

FREEMAIL = {
    "gmail.com", "googlemail.com", "web.de", "gmx.de", "gmx.net", "gmx.at", "gmx.ch",
    "t-online.de", "outlook.com", "outlook.de", "hotmail.com", "hotmail.de", "live.com",
    "live.de", "yahoo.com", "yahoo.de", "icloud.com", "me.com", "aol.com", "freenet.de",
    "posteo.de", "mailbox.org", "protonmail.com", "proton.me", "arcor.de", "online.de",
    "bluewin.ch", "msn.com",
}  # fmt: skip

_ATTRIBUTION_START = re.compile(r"^\s*(?:Am|On|Le|El|Il|Op)\s.{0,300}$", re.IGNORECASE)
_ATTRIBUTION = re.compile(
    r"^\s*(?:Am|On|Le|El|Il|Op)\s.{0,300}?\b(?:schrieb|wrote|a écrit|escribió|ha scritto|"
    r"schreef)\b.{0,300}?:\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SHORT_ATTRIBUTION = re.compile(
    r"^\s{0,20}.{1,120}?\b(?:schrieb|wrote)\s{0,5}:\s*$", re.IGNORECASE
)  # bounded runs: linear
_SEPARATOR = re.compile(
    r"^\s*[-_=*]{2,}\s*(?:Ursprüngliche Nachricht|Original(?:nachricht| Message)|"
    r"Weitergeleitete Nachricht|Forwarded [Mm]essage|Message d'origine|Nachricht)\s*[-_=*]{2,}\s*$",
    re.IGNORECASE,
)
_HEADER_LINE = re.compile(
    r"^\s*\**(?:Von|From|Gesendet|Sent|Datum|Date|An|To|Cc|CC|Bcc|Betreff|Subject|"
    r"Wichtigkeit|Importance|Antwort an|Reply-To)\**\s*:\**\s*(.*)$",
    re.IGNORECASE,
)
_FROM_LINE = re.compile(r"^\s*\**(?:Von|From)\**\s*:\**\s*\S", re.IGNORECASE)
_SENT_LINE = re.compile(r"^\s*\**(?:Gesendet|Sent|Datum|Date)\**\s*:", re.IGNORECASE)
_RULE = re.compile(r"^\s*[_\-=]{5,}\s*$")
_SIG_DELIMITER = re.compile(r"^(?:--|—|-- )\s*$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(?:Gesendet von meinem|Von meinem .{1,30} gesendet|Sent from my|Sent from Outlook|"
    r"Get Outlook for|Diese Nachricht wurde von meinem|Sent via|Gesendet mit)\b",
    re.IGNORECASE,
)
_CLOSING_LINE = re.compile(
    r"^\s*(?:(?:Viele|Beste|Liebe|Herzliche|Freundliche|Schöne|Sonnige|Mit freundlichen|"
    r"Mit besten|Mit herzlichen|Mit vielen|Mit freundlichem)\s+Grü(?:ß|ss)en?|Gru(?:ß|ss)|"
    r"Grüße|LG|VG|MfG|Best regards|Kind regards|Warm regards|Best wishes|Regards|Best|"
    r"Cheers|Thanks|Thank you|Many thanks|Vielen Dank|Danke|Bis bald|Ciao|Tschüss|Yours)"
    r"(?:\s{1,3}(?:aus|from)\s{1,3}\S+)?\s{0,3}[,.!]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_DISCLAIMER_START = re.compile(
    r"^\s*(?:Diese (?:E-?Mail|Nachricht)|This (?:e-?mail|message)|The information (?:contained|in)|"
    r"Der Inhalt dieser|Confidentiality|Disclaimer|Haftungsausschluss|Datenschutzhinweis|"
    r"Informationen zum Datenschutz|Privacy notice|P\s?Bitte denken Sie an die Umwelt|"
    r"Please consider the environment)",
    re.IGNORECASE,
)
_DISCLAIMER_WORDS = re.compile(
    r"Amtsgericht|Registergericht|Handelsregister|\bHRB\b|USt-?Id|Sitz der Gesellschaft|"
    r"Geschäftsführ(?:er|ung)\s*:|Managing Director|Registered (?:office|in)|vertraulich|"
    r"confidential|intended recipient|unauthori[sz]ed|Empfänger|privileged|Steuernummer|"
    r"VAT (?:ID|No)|Vorstand\s*:|Aufsichtsrat",
    re.IGNORECASE,
)
# "From sender@host Thu Sep 17 10:00:00 2026": a separator has a time of day in it, so an
# unescaped body line "From our side …" is not taken for one.
_MBOX_FROM = re.compile(rb"^From \S+.*\b\d{1,2}:\d{2}")
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:Re|AW|Aw|WG|Wg|Fwd?|Fw|WG|Antw|TR|RE|FW|FWD)\s*:\s*)+")


@dataclass
class EmailContext:
    domains: list[str] = field(default_factory=list)  # own domains: outbound mail is "rep"
    people: list[str] = field(default_factory=list)
    default_role: str = "unknown"  # when no own domains are configured


@dataclass
class Quoted:
    header: str  # attribution line or Outlook header block
    text: str  # the quoted message's own text


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
    from kundensprache.ingest.textio import sniff_binary

    what = sniff_binary(data)
    if what:
        raise Rejected(f"binary content, not an email (looks like {what})")
    message = email.message_from_bytes(data, policy=email.policy.default)
    _cap_headers(message)
    if not any(message.get(h) for h in ("From", "To", "Subject", "Date", "Message-ID")):
        raise Rejected("not an email: no From, To, Subject or Date header")
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
    names = _names([*senders, *recipients]) | set(ctx.people)
    sender_addr = senders[0][1] if senders else ""
    role = _role_for(sender_addr, senders[0][0] if senders else "", ctx)
    if role == "rep":
        others = [a for _, a in recipients if a and not _own(a, ctx.domains)]
        account = _account(others[0]) if others else None
    else:
        account = _account(sender_addr)
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
        quoted_from = _header_field(q.header, ("von", "from")) or _attribution_sender(q.header)
        # Outlook writes "Name [mailto:name@host]"
        quoted_from = re.sub(r"\[mailto:([^\]]+)\]", r"<\1>", quoted_from)
        q_senders = getaddresses([quoted_from])
        q_addr = q_senders[0][1] if q_senders else ""
        q_name = q_senders[0][0] if q_senders else ""
        q_role = _role_for(q_addr, q_name, ctx, default="unknown")
        q_date = parse_date(
            _header_field(q.header, ("gesendet", "sent", "datum", "date")) or q.header
        )
        q_account = (
            _account(q_addr) if q_role == "customer" else (account if q_role != "rep" else None)
        )
        drafts.append(
            Draft(
                [(q_role, text)],
                account=q_account,
                date=q_date or when,
                title=title,
                names=names | _names(q_senders),
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
                    text = str(make_header(decode_header(decode_text(raw_bytes))))
                except (Rejected, UnicodeError, ValueError, LookupError):
                    pass
                break
    return " ".join(text.split())


# --------------------------------------------------------------------------- threads
def split_thread(body: str) -> tuple[str, list[Quoted]]:
    """The message's own text and the quoted messages below/inside it (flattened)."""
    lines = body.replace("\r\n", "\n").split("\n")
    own: list[str] = []
    quoted: list[Quoted] = []
    i = 0
    while i < len(lines):
        found = _boundary(lines, i)
        if found is not None:
            header, j = found
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and lines[j].lstrip().startswith(">"):
                end = _quote_block_end(lines, j)
                inner = "\n".join(_unquote(lines[j:end]))
                i = end
            else:
                inner = "\n".join(lines[j:])
                i = len(lines)
            sub_own, sub_quoted = split_thread(inner)
            quoted.append(Quoted(header, sub_own))
            quoted.extend(sub_quoted)
            continue
        if lines[i].lstrip().startswith(">"):
            end = _quote_block_end(lines, i)
            sub_own, sub_quoted = split_thread("\n".join(_unquote(lines[i:end])))
            quoted.append(Quoted("", sub_own))
            quoted.extend(sub_quoted)
            i = end
            continue
        if not _RULE.match(lines[i]):
            own.append(lines[i])
        i += 1
    return "\n".join(own).strip(), quoted


def _boundary(lines: list[str], i: int) -> tuple[str, int] | None:
    """(header text, index after the header) if a quoted message starts at line i."""
    line = lines[i]
    if _SEPARATOR.match(line):
        j = i + 1
        header = []
        while j < len(lines) and (
            _HEADER_LINE.match(lines[j]) or (not lines[j].strip() and not header)
        ):
            header.append(lines[j])
            j += 1
        return "\n".join(header), j
    if _FROM_LINE.match(line):
        window = lines[i + 1 : i + 5]
        if any(_SENT_LINE.match(w) for w in window):
            j = i
            while j < len(lines) and _HEADER_LINE.match(lines[j]):
                j += 1
            return "\n".join(lines[i:j]), j
    if _ATTRIBUTION_START.match(line) or _SHORT_ATTRIBUTION.match(line):
        for span in (1, 2, 3):
            joined = " ".join(part.strip() for part in lines[i : i + span])
            if _ATTRIBUTION.match(joined) or (span == 1 and _SHORT_ATTRIBUTION.match(joined)):
                return joined, i + span
    return None


def _quote_block_end(lines: list[str], start: int) -> int:
    end = start
    while end < len(lines):
        if lines[end].lstrip().startswith(">"):
            end += 1
        elif (
            not lines[end].strip()
            and end + 1 < len(lines)
            and lines[end + 1].lstrip().startswith(">")
        ):
            end += 1
        else:
            break
    return end


def _unquote(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(">"):
            stripped = stripped[1:]
            if stripped.startswith(" "):
                stripped = stripped[1:]
        out.append(stripped)
    return out


def strip_signature(text: str) -> str:
    """Cut the sign-off, signature block, mobile footer and disclaimer paragraphs."""
    lines = text.split("\n")
    cut = len(lines)
    nonblank = [k for k, ln in enumerate(lines) if ln.strip()]
    first_content = nonblank[0] if nonblank else 0
    for k, line in enumerate(lines):
        if _SIG_DELIMITER.match(line) or _MOBILE_FOOTER.match(line):
            cut = k
            break
        m = _CLOSING_LINE.match(line)
        if m and k > first_content and len(line.strip()) <= 60 and len(m["rest"].split()) <= 3:
            cut = k
            break
    kept = "\n".join(lines[:cut])
    paragraphs = re.split(r"\n\s*\n", kept)
    kept_paragraphs = [p for p in paragraphs if not _is_disclaimer(p)]
    return "\n\n".join(kept_paragraphs).strip()


def _is_disclaimer(paragraph: str) -> bool:
    if _DISCLAIMER_START.match(paragraph):
        return True
    return len(_DISCLAIMER_WORDS.findall(paragraph)) >= 2


# --------------------------------------------------------------------------- people
def _header_field(header: str, keys: tuple[str, ...]) -> str:
    for line in header.split("\n"):
        m = re.match(r"^\s{0,20}\**([A-Za-zäöü\- ]{1,40}?)\**\s{0,3}:\**\s*(.*)$", line)
        if m and m[1].strip().lower() in keys:
            return m[2].strip()
    return ""


def _attribution_sender(header: str) -> str:
    """'Am 12.09.2026 um 10:14 schrieb Anna Schmidt <anna@x.de>:' -> 'Anna Schmidt <anna@x.de>'."""
    header = header[:1000]  # an attribution is one line (<= ~620 chars): bounded work
    m = re.search(r"(?:schrieb|wrote|a écrit|escribió|ha scritto|schreef)\s{0,5}:?\s{0,5}$", header)
    head = header[: m.start()] if m else header
    addr = re.search(r"([^,<>]*?)\s*<([^<>@\s]+@[^<>\s]+)>", head)
    if addr:
        name = re.sub(r"^.*\b(?:Uhr|AM|PM|\d{4}|\d{1,2}:\d{2})\b[,\s]*", "", addr[1]).strip(" ,\"'")
        return f"{name} <{addr[2]}>" if name else addr[2]
    bare = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", head)
    if bare:
        return bare[0]
    m2 = re.search(r"(?:Uhr|AM|PM|\d{1,2}:\d{2}|\d{4})\s*,?\s*(?:schrieb\s+)?(.+?)\s*$", head)
    if m2 and re.match(r"^[A-ZÄÖÜ][\w'-]+(?:\s[A-ZÄÖÜ][\w'-]+){0,2}$", m2[1]):
        return m2[1]
    m3 = re.search(r"schrieb\s+(.+?)\s*:?\s*$", header)
    return m3[1] if m3 else ""


def _names(addresses: list[tuple[str, str]]) -> set[str]:
    names = set()
    for display, addr in addresses:
        if display and "@" not in display:
            names.add(display)
        local = addr.split("@", 1)[0] if "@" in addr else ""
        for piece in re.split(r"[._\-+]", local):
            if len(piece) >= 3 and piece.isalpha() and name_parts(piece):
                names.add(piece.capitalize())
    return names


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower().strip(" >") if "@" in address else ""


def _own(address: str, domains: list[str]) -> bool:
    domain = _domain(address)
    return any(domain == d.lower() or domain.endswith("." + d.lower()) for d in domains if d)


def _role_for(address: str, display: str, ctx: EmailContext, default: str | None = None) -> str:
    """rep for our own domains or staff, customer for other addresses; without an address
    (a pasted body, a quote with a bare name) the uploader's role or unknown."""
    if address and ctx.domains:
        return "rep" if _own(address, ctx.domains) else "customer"
    if display and any(display.strip().lower() == p.lower() for p in ctx.people):
        return "rep"
    return ctx.default_role if default is None else default


def _account(address: str) -> str | None:
    domain = _domain(address)
    if not domain or domain in FREEMAIL:
        return None
    return domain
