"""Email threads: where a quoted earlier message starts, and what is signature or disclaimer.

Replies carry their history (``Am … schrieb …:``, ``On … wrote:``, Outlook's ``Von: …
Gesendet: …`` block, ``-----Ursprüngliche Nachricht-----``, ``>`` lines); each quoted
message becomes its own draft. Sign-offs, signature blocks, mobile footers and legal
disclaimers (German, English, French, Italian, Spanish, Dutch) are cut from every message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    r"Weitergeleitete Nachricht|Forwarded [Mm]essage|Message d'origine|Nachricht|"
    r"Messaggio originale|Messaggio inoltrato|Message transféré|Mensaje original|"
    r"Oorspronkelijk bericht)\s*[-_=*]{2,}\s*$"
    # Apple Mail forwards: "Begin forwarded message:", "Inizio messaggio inoltrato:"
    r"|^\s*(?:Begin forwarded message|Anfang der weitergeleiteten Nachricht|"
    r"Inizio messaggio inoltrato|Début du message réexpédié|Comienzo del mensaje reenviado|"
    r"Begin doorgestuurd bericht)\s*:\s*$",
    re.IGNORECASE,
)
# Outlook's header block of a quoted message, in the client's language (de, en, it, fr, es, nl).
_FROM_WORDS = r"Von|From|Da|De|Van"
_SENT_WORDS = r"Gesendet|Sent|Datum|Date|Inviato|Data|Envoyé|Enviado|Fecha|Verzonden"
_HEADER_LINE = re.compile(
    rf"^\s*\**(?:{_FROM_WORDS}|{_SENT_WORDS}|An|To|A|À|Para|Aan|Cc|CC|Bcc|Betreff|Subject|"
    r"Oggetto|Objet|Asunto|Onderwerp|Wichtigkeit|Importance|Priorità|Antwort an|Reply-To)"
    r"\**\s*:\**\s*(.*)$",
    re.IGNORECASE,
)
_FROM_LINE = re.compile(rf"^\s*\**(?:{_FROM_WORDS})\**\s*:\**\s*\S", re.IGNORECASE)
_SENT_LINE = re.compile(rf"^\s*\**(?:{_SENT_WORDS}|Oggetto|Objet|Asunto)\**\s*:", re.IGNORECASE)
_RULE = re.compile(r"^\s*[_\-=]{5,}\s*$")
_SIG_DELIMITER = re.compile(r"^(?:--|—|-- )\s*$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(?:-{2,}\s*)?(?:Gesendet von meinem|Von meinem .{1,30} gesendet|Sent from my|Sent from Outlook|"
    r"Inviato da|Inviato dal mio|Envoyé de mon|Envoyé depuis|Enviado desde|Verzonden vanaf|"
    r"Get Outlook for|Diese Nachricht wurde von meinem|Sent via|Gesendet mit)\b",
    re.IGNORECASE,
)
_CLOSING_LINE = re.compile(
    r"^\s*(?:(?:Viele|Beste|Liebe|Herzliche|Freundliche|Schöne|Sonnige|Mit freundlichen|"
    r"Mit besten|Mit herzlichen|Mit vielen|Mit freundlichem)\s+Grü(?:ß|ss)en?|Gru(?:ß|ss)|"
    r"Grüße|LG|VG|MfG|Best regards|Kind regards|Warm regards|Best wishes|Regards|Best|"
    r"Cheers|Thanks|Thank you|Many thanks|Vielen Dank|Danke|Bis bald|Ciao|Tschüss|Yours|"
    # Italian, French, Spanish, Dutch sign-offs
    r"Cordiali saluti|Distinti saluti|Saluti|Un saluto|Cordialmente|Grazie(?: mille)?|"
    r"Cordialement|Bien cordialement|Bien à (?:vous|toi)|Salutations(?: distinguées)?|"
    r"Merci(?: beaucoup)?|Bonne (?:journée|soirée)|Atentamente|Saludos(?: cordiales)?|"
    r"Un saludo|Met vriendelijke groet(?:en)?|Groeten)"
    r"(?:\s{1,3}(?:aus|from|da|de)\s{1,3}\S+)?\s{0,3}[,.!]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
# A paragraph that opens like a legal notice; it is one only with a legal word in it too
# ("This email is about our order" is a message, not a disclaimer).
_DISCLAIMER_START = re.compile(
    r"^\s*(?:Diese (?:E-?Mail|Nachricht)|This (?:e-?mail|message)|The information (?:contained|in)|"
    r"Der Inhalt dieser|Questo (?:messaggio|documento|e-?mail)|Le informazioni contenute|"
    r"Il presente messaggio|Ce (?:message|courriel|mail)|Les informations contenues|"
    r"Este (?:mensaje|correo)|Dit (?:bericht|e-?mailbericht))",
    re.IGNORECASE,
)
# Headings that always open a legal notice.
_DISCLAIMER_HEADING = re.compile(
    r"^\s*(?:Confidentiality(?: notice)?|Disclaimer|Nota di riservatezza|Riservatezza|Haftungsausschluss|Datenschutzhinweis|"
    r"Informationen zum Datenschutz|Privacy notice|Avvertenza|Informativa(?: privacy)?|"
    r"Avis de confidentialité|Avertissement|P\s?Bitte denken Sie an die Umwelt|"
    r"Please consider the environment|Pensa all'ambiente|Pensez à l'environnement)\b",
    re.IGNORECASE,
)
_DISCLAIMER_WORDS = re.compile(
    r"Amtsgericht|Registergericht|Handelsregister|\bHRB\b|USt-?Id|Sitz der Gesellschaft|"
    r"Geschäftsführ(?:er|ung)\s*:|Managing Director|Registered (?:office|in)|vertraulich|"
    r"confidential|intended recipient|unauthori[sz]ed|Empfänger|privileged|Steuernummer|"
    r"VAT (?:ID|No)|Vorstand\s*:|Aufsichtsrat|riservat[oaie]|destinatari[oa]|"
    r"D\.?\s?Lgs|GDPR|Regolamento UE|P\.?\s?IVA|Partita IVA|confidentiel(?:le)?|"
    r"destinataire|interdite?|R\.?C\.?S\.?|SIRET|confidencial|destinatario|vertrouwelijk|"
    r"geadresseerde|strictly prohibited|rigorosamente vietat[oa]|delete (?:it|this)|"
    r"löschen Sie|cancellarlo|supprimer|\bREA\b|Cap\.\s?Soc|C\.F\.|Reg\.\s?Imp",
    re.IGNORECASE,
)


@dataclass
class Quoted:
    header: str  # attribution line or Outlook header block
    text: str  # the quoted message's own text


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
    paragraphs = [p for p in re.split(r"\n\s*\n", kept) if p.strip()]
    kept_paragraphs: list[str] = []
    for paragraph in paragraphs:
        if _is_disclaimer(paragraph) or _is_contact_block(paragraph):
            if kept_paragraphs and len(kept_paragraphs) > 1 and _is_name_block(kept_paragraphs[-1]):
                kept_paragraphs.pop()  # the name and job title above a contact block
            continue
        kept_paragraphs.append(paragraph)
    return "\n\n".join(kept_paragraphs).strip()


_CONTACT_HINT = re.compile(
    r"^\s*(?:Tel|Telefon|Phone|Fax|Mobil|Mobile|Handy|Cell|E-?mail|Mail|Web|www\.|Internet|"
    r"Via|Viale|Piazza|Rue|Avenue|Calle|P\.?\s?IVA|C\.F\.|USt|Sitz|Geschäftsführ)",
    re.IGNORECASE | re.MULTILINE,
)


def _is_contact_block(paragraph: str) -> bool:
    """A signature's address/phone block: several lines that start with contact labels."""
    return len(_CONTACT_HINT.findall(paragraph)) >= 2


def _is_name_block(paragraph: str) -> bool:
    """One to three short lines without sentence punctuation: a name and job title."""
    lines = [ln.strip() for ln in paragraph.split("\n") if ln.strip()]
    return 0 < len(lines) <= 3 and all(
        len(ln.split()) <= 6 and not ln.endswith(("?", "!", ".", ":")) for ln in lines
    )


def _is_disclaimer(paragraph: str) -> bool:
    if _DISCLAIMER_HEADING.match(paragraph):
        return True
    legal = len(_DISCLAIMER_WORDS.findall(paragraph))
    if _DISCLAIMER_START.match(paragraph):
        return legal >= 1
    return legal >= 2


def header_field(header: str, keys: tuple[str, ...]) -> str:
    for line in header.split("\n"):
        m = re.match(r"^\s{0,20}\**([A-Za-zäöü\- ]{1,40}?)\**\s{0,3}:\**\s*(.*)$", line)
        if m and m[1].strip().lower() in keys:
            return m[2].strip()
    return ""


def attribution_sender(header: str) -> str:
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
