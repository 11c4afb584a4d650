"""Call notes and transcripts -> speaker turns with roles.

Handles plain notes (.txt/.md/.docx) with an optional header block (``Datum:``, ``Firma:``,
``Art:`` / ``Date:``, ``Account:``, ``Type:``), turn transcripts (``Kunde:`` / ``Vertrieb:`` /
``Anna Schmidt:``), WebVTT with ``<v Name>`` voice tags and SubRip (.srt). Roles come from
the label (Kunde, Customer, Vertrieb, Sales, …), from the company's own people in the config
(rep), other named speakers are the customer; untagged text gets the default note role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kundensprache.ingest.dates import date_from_filename, parse_date
from kundensprache.ingest.documents import Draft
from kundensprache.ingest.docx_text import docx_lines
from kundensprache.ingest.pdf import pdf_text
from kundensprache.ingest.person_names import FIRST_NAMES
from kundensprache.ingest.textio import decode_text
from kundensprache.ingest.zipcheck import check_zip

CUSTOMER_LABELS = {
    "kunde", "kundin", "kunden", "interessent", "interessentin", "customer", "client",
    "prospect", "käufer", "k", "kd", "lead",
}  # fmt: skip
REP_LABELS = {
    "vertrieb", "sales", "verkauf", "vertriebler", "vertrieblerin", "rep", "sales rep",
    "account manager", "account executive", "ae", "am", "berater", "beraterin", "presales",
    "pre-sales", "wir", "we", "v", "vertriebsmitarbeiter", "vertriebsmitarbeiterin",
    "sdr", "bdr", "consultant", "berater/in",
}  # fmt: skip
# Header keys (lower case) -> field. "kunde"/"customer" are also speaker labels; they count
# as header only inside a header block with other header keys.
HEADER_KEYS = {
    "datum": "date", "date": "date", "gesprächsdatum": "date", "termin": "date",
    "call date": "date", "meeting date": "date",
    "firma": "account", "unternehmen": "account", "account": "account", "company": "account",
    "organisation": "account", "organization": "account", "kundenname": "account",
    "art": "type", "typ": "type", "type": "type", "gesprächsart": "type", "call type": "type",
    "kanal": "type", "channel": "type",
    "betreff": "title", "subject": "title", "thema": "title", "topic": "title",
    "titel": "title", "title": "title", "anlass": "title",
    "teilnehmer": "people", "participants": "people", "attendees": "people",
    "ansprechpartner": "people", "kontakt": "people", "contact": "people",
    "gesprächspartner": "people",
    "autor": "author", "author": "author", "verfasser": "author", "erstellt von": "author",
    "created by": "author", "notiert von": "author", "owner": "author",
    "dauer": "other", "duration": "other", "ort": "other", "location": "other",
}  # fmt: skip
AMBIGUOUS_HEADER = {"kunde": "account", "customer": "account", "client": "account"}
# Labels that open a note section, not a speaker turn ("Fazit: …", "Next steps: …").
NOT_SPEAKERS = {
    "fazit", "problem", "probleme", "ziel", "ziele", "budget", "nächste schritte",
    "next steps", "summary", "zusammenfassung", "notiz", "notizen", "note", "notes",
    "themen", "topics", "pain", "pain points", "wettbewerb", "competitor", "competitors",
    "todo", "to do", "to-do", "action items", "entscheider", "status", "ergebnis",
    "hinweis", "agenda", "frage", "fragen", "antwort", "question", "answer", "wichtig",
    "important", "zitat", "quote", "outcome", "result", "timeline", "zeitplan", "risiko",
    "risiken", "risk", "risks", "anforderungen", "requirements", "einwand", "einwände",
    "objection", "objections", "follow-up", "follow up", "wiedervorlage", "bedarf",
    "need", "needs", "use case", "hintergrund", "background", "kontext", "context", "ps",
    "p.s", "update", "info", "achtung", "tipp", "beispiel", "example", "aktuell",
    "ist-zustand", "soll-zustand", "lösung", "solution", "preis", "preise", "price",
    "pricing", "kosten", "cost", "costs", "feedback", "tenor", "stimmung", "mood",
    "stakeholder", "produkt", "product", "demo", "vertrag", "contract", "lizenz",
    "lizenzen", "licence", "license", "hinweise", "offen", "open", "open points",
    "offene punkte", "entscheidung", "decision", "uhrzeit", "time", "zeit", "url", "link",
}  # fmt: skip

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_MARKUP = re.compile(r"(\*\*|__|`+|~~)")
_MD_EMPH = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_MD_LINK = re.compile(r"!?\[([^\[\]]{0,500})\]\(([^()]{0,2000})\)")  # stops at the next "[": linear
_MD_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_MD_QUOTE = re.compile(r"^\s*>\s?")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_MD_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_TIMESTAMP_PREFIX = re.compile(r"^\s*[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?\s*[-–]?\s*")
_LABEL = re.compile(
    r"^(?P<label>[^\W\d_][\w .'’/&-]{0,40}?(?:\s{0,3}\((?P<paren>[^)]{1,60})\))?)"
    r"(?:\s{0,3}[\[(]\d{1,2}:\d{2}(?::\d{2})?[\])])?\s{0,3}:\s*(?P<text>.*)$"
)
_BRACKET_LABEL = re.compile(r"^\[(?P<label>[^\]\d][^\]]{0,40})\]\s*(?P<text>.+)$")
_NAMEISH = re.compile(
    r"^[A-ZÄÖÜ][\w'’.-]*(?:\s{1,3}(?:(?:(?:von|van)(?:\s{1,3}(?:der|den|de))?|de|zu|di|da|le)"
    r"\s{1,3})?[A-ZÄÖÜ][\w'’.-]*){0,3}$"  # bounded runs: linear
)
_PERSON_SHAPE = re.compile(r"^[A-ZÄÖÜ][a-zäöüß'’-]+(?:\s+[A-ZÄÖÜ][a-zäöüß'’-]+){1,2}$")
# Zoom, Teams and Meet label a speaker by the device or with a note in parentheses:
# "Anna Schmidt’s iPad", "iPhone von Anna Schmidt", "Anna Schmidt (Gast)".
_DEVICE = (
    r"(?:iPhone|iPad|iMac|Mac|MacBook(?:\s(?:Pro|Air))?|Galaxy(?:\s\S+)?|Pixel(?:\s\S+)?|"
    r"Android(?:\s\S+)?|Surface(?:\s\S+)?|Laptop|PC|Computer|Tablet|Phone|Handy|Telefon)"
)
_DEVICE_OF = re.compile(rf"^(?P<name>.+?)\s*[’'`´]s?\s+{_DEVICE}(?:\s*\(\d+\))?$", re.IGNORECASE)
_DEVICE_VON = re.compile(rf"^{_DEVICE}\s+(?:von|de|di|van|of)\s+(?P<name>.+)$", re.IGNORECASE)
_GUEST = re.compile(
    r"^(?P<name>.+?)\s*\((?:Gast|Guest|Host|Co-?Host|Moderator(?:in)?|Organisator(?:in)?|"
    r"Organizer|extern|External|Invitado|Invité|Ospite|[a-z]{2,4}/[a-z]{2,5})\)$",
    re.IGNORECASE,
)


@dataclass
class NoteContext:
    """What the reader knows beyond the text: config people, uploader's hints."""

    people: list[str] = field(default_factory=list)  # our own staff (rep)
    default_role: str = "unknown"


def read_note_text(text: str, name: str, ctx: NoteContext) -> Draft:
    """A .txt/.md/.docx note or a 'Name: text' transcript -> one Draft."""
    lines = [_strip_markdown(line) for line in text.split("\n")]
    title = ""
    for raw in text.split("\n"):
        m = _MD_HEADING.match(raw)
        if m:
            title = _strip_markdown(m[1])
            break
    header, body_start, before = _header_block(lines)
    body = [ln for ln in before if ln.strip() != title or not title] + lines[body_start:]
    if title and body and body[0].strip() == title:
        body = body[1:]
    turns, names = _turns(body, ctx)
    draft = Draft(turns=turns, title=header.get("title", "") or title, names=names)
    draft.account = header.get("account") or None
    draft.date = parse_date(header.get("date", "")) or date_from_filename(name)
    for key in ("people", "author"):
        for person in re.split(r"[,;/&]|\bund\b|\band\b", header.get(key, "")):
            person = re.sub(r"\([^()]*\)", "", person).strip()
            if person:
                draft.names.add(person)
    return draft


def read_docx(data: bytes, name: str, ctx: NoteContext, max_bytes: int) -> Draft:
    """Word file (Transitional or Strict): paragraphs, tables, text boxes and footnotes in
    document order, then the note rules."""
    check_zip(data, ".docx", max_bytes)
    return read_note_text("\n".join(docx_lines(data)), name, ctx)


def read_vtt(text: str, name: str, ctx: NoteContext) -> Draft:
    """WebVTT (Teams, Zoom, Meet, YouTube): cues with <v Name> voice tags or 'Name: text'."""
    return _draft_from_turns(caption_turns(text), name, ctx)


def read_srt(text: str, name: str, ctx: NoteContext) -> Draft:
    """SubRip: numbered cues; speakers as 'Name: text', '[Name] text' or <v Name>."""
    return _draft_from_turns(caption_turns(text), name, ctx)


_CUE_TIMING = re.compile(r"^\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->")
_INLINE_TIME = re.compile(r"<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}>")
_CUE_TAG = re.compile(
    r"</?(?:c|i|b|u|v|lang|ruby|rt|font)(?:[.\s][^<>]{0,200})?>|\{\\[^{}]{0,50}\}"
)
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^<>]{1,80})>")


def caption_turns(text: str) -> list[tuple[str | None, str]]:
    """(speaker, text) per cue of a WebVTT or SubRip file, read line by line: a timing line
    opens a cue (its settings such as ``align:start position:0%`` are dropped with it),
    header blocks (WEBVTT, NOTE, STYLE, REGION) and cue numbers are skipped. Auto-captions
    (YouTube) repeat the previous line at the top of each cue: a line equal to one of the
    last lines already taken is not taken again."""
    cues: list[list[str]] = []
    in_cue = skipping = False
    for line in text.split("\n"):
        stripped = line.strip()
        if _CUE_TIMING.match(stripped):
            cues.append([])
            in_cue, skipping = True, False
        elif not stripped:
            in_cue = False
            skipping = False
        elif stripped.startswith(("WEBVTT", "NOTE", "STYLE", "REGION")) and not in_cue:
            skipping = True
        elif in_cue and not skipping:
            cues[-1].append(stripped)
    turns: list[tuple[str | None, str]] = []
    recent: list[str] = []
    for cue in cues:
        voice = _VOICE.search(" ".join(cue))
        fresh = []
        for raw in cue:
            plain = _CUE_TAG.sub("", _INLINE_TIME.sub("", raw)).strip()
            if plain and plain not in recent:
                fresh.append(plain)
                recent = (recent + [plain])[-3:]
        body = " ".join(fresh)
        if not body:
            continue
        speaker = voice[1].strip() if voice else None
        if speaker is None:
            speaker, body = _split_label(body)
        turns.append((speaker, body))
    return turns


def read_call(data: bytes, name: str, ctx: NoteContext, max_bytes: int) -> Draft:
    """Dispatch on the extension (lower case, with dot)."""
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext == ".docx":
        return read_docx(data, name, ctx, max_bytes)
    if ext == ".pdf":
        return read_note_text(pdf_text(data), name, ctx)
    text = decode_text(data)
    if ext == ".vtt" or text.lstrip("\ufeff").startswith("WEBVTT"):
        return read_vtt(text, name, ctx)
    if ext == ".srt":
        return read_srt(text, name, ctx)
    return read_note_text(text, name, ctx)


# --------------------------------------------------------------------------- helpers
def _strip_markdown(line: str) -> str:
    m = _MD_HEADING.match(line)
    if m:
        line = m[1]
    if _MD_RULE.match(line):
        return ""
    line = _MD_ESCAPE.sub(r"\1", line)
    line = _MD_QUOTE.sub("", line)
    line = _MD_BULLET.sub("", line)
    line = _MD_LINK.sub(lambda mm: mm[1] if mm[1] else mm[2], line)
    line = _MD_MARKUP.sub("", line)
    return _MD_EMPH.sub(r"\1", line)


def _header_block(lines: list[str]) -> tuple[dict[str, str], int, list[str]]:
    """Leading 'Key: value' lines with known keys.

    Returns (fields, index where the body starts, a line above the header to keep in the body).
    """
    fields: dict[str, str] = {}
    ambiguous: dict[str, str] = {}
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    start = i
    header_end = start
    title_seen = False
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            if fields or ambiguous:
                break
            i += 1
            continue
        m = re.match(r"^([^\W\d][\w .-]{0,30}?)\s{0,3}:\s*(.*)$", line)
        key = m[1].strip().lower() if m else ""
        if m and key in HEADER_KEYS:
            fields.setdefault(HEADER_KEYS[key], m[2].strip())
            header_end = i + 1
        elif m and key in AMBIGUOUS_HEADER and len(m[2]) <= 80:
            ambiguous[AMBIGUOUS_HEADER[key]] = m[2].strip()
            header_end = i + 1
        elif not fields and not ambiguous and not title_seen and i == start:
            title_seen = True  # a title line above the header block
        else:
            break
        i += 1
    if not fields:
        return {}, start, []
    for key, value in ambiguous.items():
        fields.setdefault(key, value)
    return fields, header_end, [lines[start]] if title_seen else []


def _split_label(line: str) -> tuple[str | None, str]:
    m = _LABEL.match(line)
    if m and len(m["label"]) <= 45:
        return m["label"].strip(), m["text"].strip()
    m = _BRACKET_LABEL.match(line)
    if m:
        return m["label"].strip(), m["text"].strip()
    return None, line


def _label_role(label: str, ctx: NoteContext) -> tuple[str | None, str | None]:
    """(role, person name) of a speaker label; (None, None) if it is no speaker label."""
    person = device_person(label)
    if person:
        return ("rep" if _is_own_person(person, ctx.people) else "customer"), person
    paren = None
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", label)
    if m:
        label, paren = m[1].strip(), m[2].strip()
    key = label.lower().strip(" .")
    for candidate in (key, (paren or "").lower()):
        if candidate in CUSTOMER_LABELS:
            return "customer", paren if candidate == key else label
        if candidate in REP_LABELS:
            return "rep", paren if candidate == key else label
    if key in NOT_SPEAKERS or key in HEADER_KEYS:
        return None, None
    if not _NAMEISH.match(label):
        return None, None
    if _is_own_person(label, ctx.people):
        return "rep", label
    return "customer", label


def device_person(label: str) -> str | None:
    """The person in a device- or guest-labelled speaker ("X’s iPad", "iPhone von X",
    "X (Gast)"), or None for any other label."""
    for pattern in (_DEVICE_OF, _DEVICE_VON, _GUEST):
        m = pattern.match(label.strip())
        if m and _NAMEISH.match(m["name"].strip()):
            return m["name"].strip()
    return None


def _is_own_person(label: str, people: list[str]) -> bool:
    words = {w.lower().strip(".") for w in label.split() if len(w.strip(".")) >= 2}
    for person in people:
        pwords = {w.lower() for w in person.split() if len(w) >= 2}
        if label.lower() == person.lower() or (words and words <= pwords):
            return True
    return False


def _turns(lines: list[str], ctx: NoteContext) -> tuple[list[tuple[str, str]], set[str]]:
    """Body lines -> (role, text) turns and speaker names; untagged text keeps the default."""
    raw: list[tuple[str | None, str]] = []
    for line in lines:
        stripped = _TIMESTAMP_PREFIX.sub("", line).strip()
        label, text = _split_label(stripped)
        if label is not None:  # Zoom's "[Name] 11:02:09" puts the time after the label
            text = _TIMESTAMP_PREFIX.sub("", text).strip() if _CLOCK.match(text) else text
        raw.append((label, text) if label is not None else (None, line))
    return _resolve(raw, ctx)


_CLOCK = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?(?:\s|$)")


def _resolve(
    raw: list[tuple[str | None, str]], ctx: NoteContext
) -> tuple[list[tuple[str, str]], set[str]]:
    """Decide which labels are speakers, then attach continuation lines to their speaker."""
    speakers: dict[str, int] = {}
    for label, _ in raw:
        if label:
            speakers[label] = speakers.get(label, 0) + 1
    roles = {s: _label_role(s, ctx) for s in speakers}
    role_labels = _speaker_labels(speakers, roles, ctx)
    names = {roles[s][1] for s in role_labels if roles[s][1]}
    names |= {s for s in role_labels if device_person(s)}  # the whole device label too
    turns: list[tuple[str, str, str | None]] = []
    current, speaker = ctx.default_role, None
    for label, text in raw:
        if label is not None and label in role_labels:
            current, speaker = roles[label][0] or ctx.default_role, label
            turns.append((current, text, speaker))
        elif label is not None:
            turns.append((current, f"{label}: {text}", speaker))
        else:
            turns.append((current, text, speaker))
    return _join(turns), {n for n in names if n}


def _speaker_labels(
    counts: dict[str, int], roles: dict[str, tuple[str | None, str | None]], ctx: NoteContext
) -> set[str]:
    """Labels that are speakers. A "Label: value" line is a turn only with evidence: a role
    word (Kunde, Sales, …), a configured person, a device or guest label, a known first
    name — or, for other name-like labels, a dialogue (the label used at least twice next
    to another speaker that is also used twice or has evidence)."""
    candidates = {s for s, (r, _) in roles.items() if r is not None}
    evidence = {
        s
        for s in candidates
        if s.lower().split("(")[0].strip(" .") in CUSTOMER_LABELS | REP_LABELS
        or device_person(s)
        or _is_own_person(s, ctx.people)
        or s.split()[0].strip(".,") in FIRST_NAMES
    }
    repeated = {s for s in candidates - evidence if counts[s] >= 2}
    if evidence or len(repeated) >= 2:
        # inside a dialogue, a "First Last" label is a speaker even when used once
        people = {s for s in candidates if _PERSON_SHAPE.match(s)}
        return evidence | repeated | people
    return set()


def _join(turns: list[tuple[str, str, str | None]]) -> list[tuple[str, str]]:
    """Consecutive lines of one speaker become one turn; two speakers stay two turns even
    when they have the same role (a multi-speaker call keeps its segments)."""
    groups: list[tuple[str, list[str]]] = []  # lines gathered, joined once: linear time
    last: tuple[str, str | None] | None = None
    for role, text, speaker in turns:
        if groups and last == (role, speaker):
            groups[-1][1].append(text)
        else:
            groups.append((role, [text]))
        last = (role, speaker)
    return [(role, "\n".join(lines)) for role, lines in groups]


def _draft_from_turns(turns: list[tuple[str | None, str]], name: str, ctx: NoteContext) -> Draft:
    resolved, names = _resolve(turns, ctx)
    return Draft(turns=resolved, date=date_from_filename(name), names=names)
