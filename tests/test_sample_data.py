"""Checks of the bundled sample data itself, with plain csv/email/re parsing.

The demo and the end-to-end tests rely on the items planted in sample_data/ (see its README).
These tests read the files independently of the project's ingest, so an edit of the sample that
breaks a planted item, a count or a date fails here, with the file named, not somewhere
downstream as a puzzling end-to-end result.
"""

from __future__ import annotations

import csv
import email
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path

import pytest

from kundensprache.core.config import load_config
from kundensprache.sample_data import SAMPLE_CONFIG, SAMPLE_DIR, SAMPLE_MONTH

REPS = ("Jonas Weber", "Lena Hoffmann", "Tobias Krüger", "Sarah Mitchell")
OWN_DOMAIN = "nordwerk-software.de"
FIRST_DAY, LAST_DAY = date(2026, 5, 1), date(2026, 10, 31)
MONTHS = ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10")
REP_LABELS = {"Vertrieb", "Sales", *REPS}
CUSTOMER_ROLE_LABELS = {"Kunde", "Customer"}
CRM_HEADER = ["Datum", "Firma", "Kontakt", "Autor", "Typ", "Notiz"]
CRM_TYPES = {"Anruf", "Meeting", "Notiz", "E-Mail", "Demo"}
GSC_HEADER = ["Häufigste Suchanfragen", "Klicks", "Impressionen", "CTR", "Position"]

TURN = re.compile(r"^(?P<label>[A-ZÄÖÜ][\w.äöüßÄÖÜ -]{1,40}?): (?P<text>\S.*)$")
DE_HEADER = re.compile(r"Datum: (\d\d)\.(\d\d)\.(\d{4})\nFirma: (\S.*)\nArt: (\S.*)\n\n")
EN_HEADER = re.compile(r"Date: (\d{4})-(\d\d)-(\d\d)\nAccount: (\S.*)\nType: (\S.*)\n\n")
DE_QUOTE_HEADER = re.compile(r"^Am \d\d\.\d\d\.\d{4} um \d\d:\d\d schrieb .+ <[^>]+@[^>]+>:$", re.M)
EN_QUOTE_HEADER = re.compile(
    r"^On \w{3}, \d{1,2} \w{3} \d{4} at \d\d:\d\d, .+ <[^>]+@[^>]+> wrote:$", re.M
)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Crude language check: function words, plus words with umlauts/ß as German evidence
# (terse CRM notes such as "Angebot verschickt, 6 Büro + 24 Mobile." have no function words).
DE_STOPWORDS = set(
    "und der die das nicht ist ich wir sie mit für auf ein eine auch den dem zu von bei im "
    "es sich noch aber wie wenn dann oder uns haben hat sind wird muss an über per nach aus "
    "vor ab bis ihr will zur zum vom als".split()
)
EN_STOPWORDS = set(
    "the and is to of we it for with that you our on in this are be have not what they "
    "can do so if would but from at was sent via by after".split()
)


@dataclass
class Doc:
    """One document of the sample, split by who speaks."""

    kind: str  # call | crm | email
    name: str  # file name, or "crm note N (date, account)"
    account: str
    day: date
    customer: list[str] = field(default_factory=list)  # customer's own words
    rep: list[str] = field(default_factory=list)  # our side: rep turns, outbound mail
    notes: list[str] = field(default_factory=list)  # rep's plain notes about the customer
    transcript: bool = False
    named_speakers: bool = False
    outbound: bool = False
    full_text: str = ""  # calls: the body after the header; mails: the plain-text body

    @property
    def all_text(self) -> str:
        return "\n".join(self.customer + self.rep + self.notes)


# ----------------------------------------------------------------------------- parsing


def _parse_call(path: Path) -> Doc:
    text = path.read_text(encoding="utf-8")
    m = DE_HEADER.match(text)
    if m:
        day = date(int(m[3]), int(m[2]), int(m[1]))
    else:
        m = EN_HEADER.match(text)
        assert m, f"{path.name}: no header block (Datum/Firma/Art or Date/Account/Type)"
        day = date(int(m[1]), int(m[2]), int(m[3]))
    body = text[m.end() :]
    doc = Doc("call", path.name, m[4].strip(), day, full_text=body)
    turns = [TURN.match(line) for line in body.splitlines()]
    turns = [t for t in turns if t]
    rep_turns = [t for t in turns if t["label"] in REP_LABELS]
    other = [t for t in turns if t["label"] not in REP_LABELS]
    if len(rep_turns) >= 2 and len(other) >= 2:
        doc.transcript = True
        doc.named_speakers = any(t["label"] in REPS for t in rep_turns)
        doc.rep = [t["text"] for t in rep_turns]
        doc.customer = [t["text"] for t in other]
    else:
        doc.notes = [body]
    return doc


def _fold(text: str) -> str:
    return text.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))


def _account_for_domain(domain: str) -> str:
    """The call/CRM account whose name words cover most of the mail domain."""
    names = {d.account for d in calls()} | {r["Firma"] for r in crm_rows()}
    scores = Counter()
    for name in names:
        words = {w for w in re.findall(r"\w+", _fold(name)) if len(w) >= 4 and w != "gmbh"}
        scores[name] = sum(len(w) for w in words if w in domain)
    (best, top), *rest = scores.most_common(2)
    assert top > 0 and (not rest or rest[0][1] < top), f"no single account for {domain}"
    return best


def _unquoted(body: str) -> str:
    lines = body.splitlines()
    keep = [
        line
        for line in lines
        if not line.startswith(">")
        and not DE_QUOTE_HEADER.match(line)
        and not EN_QUOTE_HEADER.match(line)
    ]
    return "\n".join(keep)


def _parse_email(path: Path) -> tuple[Doc, EmailMessage]:
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    sent = parsedate_to_datetime(msg["Date"])
    sender = msg["From"].addresses[0].addr_spec
    outbound = sender.lower().endswith("@" + OWN_DOMAIN)
    other_side = msg["To"].addresses[0] if outbound else msg["From"].addresses[0]
    body = msg.get_body(preferencelist=("plain",)).get_content()
    account = _account_for_domain(other_side.domain)
    doc = Doc("email", path.name, account, sent.date(), outbound=outbound)
    doc.full_text = body
    (doc.rep if outbound else doc.customer).append(_unquoted(body))
    return doc, msg


@cache
def calls() -> tuple[Doc, ...]:
    paths = sorted(p for p in (SAMPLE_DIR / "calls").iterdir() if p.suffix in (".txt", ".md"))
    return tuple(_parse_call(p) for p in paths)


@cache
def crm_rows() -> tuple[dict, ...]:
    with open(SAMPLE_DIR / "crm" / "crm_notes_export.csv", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert header == CRM_HEADER, f"crm_notes_export.csv: header is {header}"
        return tuple(dict(zip(header, row, strict=True)) for row in reader)


@cache
def crm_docs() -> tuple[Doc, ...]:
    return tuple(
        Doc(
            "crm",
            f"crm note {i + 1} ({row['Datum']}, {row['Firma']})",
            row["Firma"],
            date.fromisoformat(row["Datum"]),
            customer=[row["Notiz"]],
            full_text=row["Notiz"],
        )
        for i, row in enumerate(crm_rows())
    )


@cache
def emails() -> tuple[tuple[Doc, EmailMessage], ...]:
    return tuple(_parse_email(p) for p in sorted((SAMPLE_DIR / "emails").glob("*.eml")))


def email_docs() -> list[Doc]:
    return [d for d, _ in emails()]


def all_docs() -> list[Doc]:
    return [*calls(), *crm_docs(), *email_docs()]


@cache
def gsc_rows() -> tuple[dict, ...]:
    path = SAMPLE_DIR / "search_console" / "Abfragen.csv"
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert header == GSC_HEADER, f"{path.name}: header is {header}"
        rows = []
        for row in reader:
            query, clicks, impressions, ctr, position = row
            assert re.fullmatch(r"\d+,\d %", ctr), f"{path.name}: CTR {ctr!r} in row {row}"
            assert re.fullmatch(r"\d+,\d", position), f"{path.name}: position {position!r}"
            rows.append(
                {
                    "query": query,
                    "clicks": int(clicks),
                    "impressions": int(impressions),
                    "ctr_text": ctr,
                    "ctr": float(ctr[:-2].replace(",", ".")),
                    "position_text": position,
                    "position": float(position.replace(",", ".")),
                }
            )
        return tuple(rows)


def gsc_row(query: str) -> dict:
    matches = [r for r in gsc_rows() if r["query"] == query]
    assert len(matches) == 1, f"Abfragen.csv: {len(matches)} rows for query {query!r}"
    return matches[0]


def language(text: str) -> str:
    words = re.findall(r"[a-zäöüß]+", text.lower())
    de = sum(w in DE_STOPWORDS or bool(set(w) & set("äöüß")) for w in words)
    en = sum(w in EN_STOPWORDS for w in words)
    return "de" if de > en else "en"


def readme() -> str:
    return (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")


def readme_section(title: str) -> str:
    text = readme()
    start = text.index(title)
    end = text.find("\n#", start + len(title))
    return text[start : end if end != -1 else len(text)]


def customer_docs_with(phrase: str) -> list[Doc]:
    """Documents where the customer says the phrase: customer turns, inbound mail, CRM notes."""
    return [d for d in all_docs() if any(phrase in t for t in d.customer)]


# ----------------------------------------------------------------------------- counts, formats


def test_calls_have_their_own_header_date_and_account():
    docs = calls()
    assert len(docs) >= 40
    assert sum(d.name.endswith(".md") for d in docs) >= 3
    for d in docs:
        assert FIRST_DAY <= d.day <= LAST_DAY, f"{d.name}: date {d.day} outside the sample range"
        assert d.name.startswith(d.day.isoformat() + "_"), f"{d.name}: name/date mismatch"
        assert d.account, f"{d.name}: no account"


def test_transcripts_with_role_labels_and_person_names():
    docs = calls()
    transcripts = [d for d in docs if d.transcript]
    assert len(transcripts) >= 15
    named = [d for d in transcripts if d.named_speakers]
    assert len(named) >= 3, "a few transcripts must use person names instead of roles"
    for d in named:
        labels = {
            TURN.match(line)["label"] for line in d.full_text.splitlines() if TURN.match(line)
        }
        customers = labels - REP_LABELS
        assert customers, f"{d.name}: no customer speaker besides the reps"
        assert not customers & CUSTOMER_ROLE_LABELS, f"{d.name}: mixes names and role labels"
    role_labelled = [d for d in transcripts if not d.named_speakers]
    for d in role_labelled:
        for line in d.full_text.splitlines():
            turn = TURN.match(line)
            if turn:
                assert turn["label"] in REP_LABELS | CUSTOMER_ROLE_LABELS, f"{d.name}: {line!r}"


def test_crm_export_is_a_generic_notes_csv():
    rows = crm_rows()
    raw = (SAMPLE_DIR / "crm" / "crm_notes_export.csv").read_bytes()
    assert raw.startswith(b"Datum,Firma,Kontakt,Autor,Typ,Notiz\r\n"), "RFC 4180: CRLF rows"
    assert len(rows) >= 150
    accounts = {r["Firma"] for r in rows}
    assert len(accounts) >= 30
    assert sum("\n" in r["Notiz"] for r in rows) >= 3, "some multi-line notes"
    for i, r in enumerate(rows, start=2):
        assert FIRST_DAY <= date.fromisoformat(r["Datum"]) <= LAST_DAY, f"row {i}: {r['Datum']}"
        assert r["Typ"] in CRM_TYPES, f"row {i}: Typ {r['Typ']!r}"
        assert r["Autor"] in REPS, f"row {i}: Autor {r['Autor']!r}"
        assert r["Kontakt"] and r["Kontakt"] not in REPS, f"row {i}: Kontakt {r['Kontakt']!r}"
        assert r["Notiz"].strip(), f"row {i}: empty note"
    call_accounts = {d.account for d in calls()}
    assert len(accounts & call_accounts) >= 25, "CRM and call notes cover the same customers"


def test_emails_are_valid_threads_with_signatures():
    mails = emails()
    assert len(mails) >= 20
    ids = {m["Message-ID"] for _, m in mails}
    outbound = [d for d, _ in mails if d.outbound]
    assert len(outbound) >= 6
    for d, m in mails:
        for header in ("From", "To", "Date", "Subject", "Message-ID"):
            assert m[header], f"{d.name}: no {header} header"
        assert FIRST_DAY <= d.day <= LAST_DAY, f"{d.name}: Date {m['Date']}"
        assert d.name.startswith(d.day.isoformat()), f"{d.name}: name/date mismatch"
        if not d.outbound:
            assert OWN_DOMAIN not in d.account, f"{d.name}: inbound mail from our own domain"
    replies = [m for _, m in mails if m["In-Reply-To"]]
    assert len(replies) >= 6
    assert sum(m["In-Reply-To"] in ids for m in replies) >= 5, "threads within the sample"
    bodies = [d.full_text for d, _ in mails]
    assert sum(bool(DE_QUOTE_HEADER.search(b)) for b in bodies) >= 3
    assert sum(bool(EN_QUOTE_HEADER.search(b)) for b in bodies) >= 2
    assert sum("\n-- \n" in b or "\n--\n" in b for b in bodies) >= 5, "'-- ' signatures"
    assert sum(bool(re.search(r"Viele Grüße|Best regards", b)) for b in bodies) >= 5
    html = [m for _, m in mails if m.get_body(preferencelist=("html",)) is not None]
    assert len(html) >= 3, "a few multipart mails with an HTML alternative"


def test_roughly_three_quarters_german():
    for kind in ("call", "crm", "email"):
        docs = [d for d in all_docs() if d.kind == kind]
        share = sum(language(d.all_text) == "de" for d in docs) / len(docs)
        assert 0.65 <= share <= 0.85, f"{kind}: German share {share:.2f}"


def test_dates_spread_over_six_months_with_a_good_share_in_the_report_month():
    months = Counter(d.day.strftime("%Y-%m") for d in all_docs())
    total = sum(months.values())
    assert set(months) == set(MONTHS)
    for month in MONTHS:
        assert months[month] / total >= 0.08, f"{month}: only {months[month]} documents"
    assert 0.18 <= months[SAMPLE_MONTH] / total <= 0.35


def test_search_console_export_is_plausible():
    rows = gsc_rows()
    assert 60 <= len(rows) <= 120
    assert len({r["query"] for r in rows}) == len(rows)
    for r in rows:
        assert 20 <= r["impressions"] <= 20_000, r
        assert 1.0 <= r["position"] <= 60.0, r
        assert r["clicks"] <= r["impressions"], r
        assert abs(100 * r["clicks"] / r["impressions"] - r["ctr"]) <= 0.051, r
    ranked = [
        r for r in rows if r["impressions"] >= 100 and r["query"] != "lagerverwaltungssoftware"
    ]
    top = [r["ctr"] for r in ranked if r["position"] <= 3.5]
    mid = [r["ctr"] for r in ranked if 8 <= r["position"] <= 20]
    low = [r["ctr"] for r in ranked if r["position"] > 20]
    assert min(top) > max(mid) > max(low), "CTR falls with position"
    for r in ranked:
        if 2.0 <= r["position"] <= 4.0:
            assert 8.0 <= r["ctr"] <= 20.0, f"query at position {r['position']}: {r}"


# ----------------------------------------------------------------------------- planted items

PLANTED_CUSTOMER_PHRASES = [
    # phrase, min documents, min accounts
    ("Schnittstelle zu DATEV", 8, 6),
    ("CRM für Handwerker", 5, 4),
    ("Zeiterfassung App", 4, 3),
    ("Lagerverwaltungssoftware", 4, 3),
    ("integration with Salesforce", 4, 3),
]


@pytest.mark.parametrize(("phrase", "min_docs", "min_accounts"), PLANTED_CUSTOMER_PHRASES)
def test_planted_phrase_is_customer_language(phrase, min_docs, min_accounts):
    docs = customer_docs_with(phrase)
    assert len(docs) >= min_docs, f"{phrase!r} in {[d.name for d in docs]}"
    assert len({d.account for d in docs}) >= min_accounts
    assert len({d.kind for d in docs}) >= 2, "said in more than one source type"
    row = next(line for line in readme().splitlines() if f'"{phrase}"' in line)
    claim = f"{len(docs)} documents across {len({d.account for d in docs})} accounts"
    assert claim in row, f"README's planted-items table should say {claim!r} for {phrase!r}"


def test_gap_datev_said_recently_and_never_searched():
    recent = [d for d in customer_docs_with("Schnittstelle zu DATEV") if d.day >= date(2026, 9, 1)]
    assert len(recent) >= 3
    searched = [r["query"] for r in gsc_rows() if "datev" in r["query"]]
    assert not searched, f"Abfragen.csv: the DATEV gap has queries {searched}"


def test_english_gap_salesforce_is_english_and_never_searched():
    for d in customer_docs_with("integration with Salesforce"):
        assert language(d.all_text) == "en", d.name
    searched = [r["query"] for r in gsc_rows() if "salesforce" in r["query"]]
    assert not searched, f"Abfragen.csv: the Salesforce gap has queries {searched}"


def test_striking_distance_row():
    r = gsc_row("crm für handwerker")
    assert r["position_text"] == "12,4"
    assert 2200 <= r["impressions"] <= 2600 and 25 <= r["clicks"] <= 35


def test_covered_row():
    r = gsc_row("zeiterfassung app")
    assert r["position_text"] == "2,3"
    assert 2800 <= r["impressions"] <= 3200 and 16.0 <= r["ctr"] <= 20.0


def test_low_ctr_row():
    r = gsc_row("lagerverwaltungssoftware")
    assert r["position_text"] == "3,1" and r["ctr_text"] == "0,8 %", r
    assert 4800 <= r["impressions"] <= 5200 and 35 <= r["clicks"] <= 45
    peers = [s for s in gsc_rows() if 2.0 <= s["position"] <= 4.0 and s is not r]
    assert len(peers) >= 3 and all(s["ctr"] >= 8.0 for s in peers)


def test_premium_onboarding_is_only_ever_said_by_us():
    phrase = "Premium-Onboarding-Paket"
    allowed = 0
    for d in calls():
        for line in d.full_text.splitlines():
            if phrase in line:
                assert line.startswith(("Vertrieb:", "Sales:")), f"{d.name}: {line!r}"
                allowed += line.count(phrase)
    in_calls = [d for d in calls() if phrase in d.full_text]
    in_turns = allowed
    for d, m in emails():
        everything = "\n".join(
            part.get_content() for part in m.walk() if part.get_content_maintype() == "text"
        )
        if d.outbound:
            allowed += d.full_text.count(phrase)
        else:
            assert phrase not in everything, f"{d.name}: inbound mail mentions {phrase}"
    for d in crm_docs():
        assert phrase not in d.full_text, f"{d.name}: CRM note mentions {phrase}"
    assert allowed >= 4
    in_mails = [d for d, _ in emails() if d.outbound and phrase in d.full_text]
    row = next(line for line in readme().splitlines() if f'"{phrase}"' in line)
    assert f"({len(in_calls)} calls, {in_turns} times)" in row
    assert f"({len(in_mails)} mails)" in row


MARKETING_QUERIES = [
    "digitale transformation mittelstand",
    "erp lösung cloud",
    "ganzheitliche unternehmenssoftware",
    "prozessoptimierung software",
    "zukunftssichere erp software",
    "all in one unternehmenssoftware",
    "smarte unternehmenssteuerung",
    "software für effiziente geschäftsprozesse",
]


@pytest.mark.parametrize("query", MARKETING_QUERIES)
def test_marketing_query_no_customer_ever_uses(query):
    assert gsc_row(query)["impressions"] >= 100
    assert f"`{query}`" in readme()
    words = query.split()
    for d in all_docs():
        tokens = set(re.findall(r"[\wäöüß]+", d.all_text.lower()))
        assert not all(w in tokens for w in words), f"{d.name} uses all words of {query!r}"
    distinctive = [w for w in words if len(w) >= 9]
    for d in all_docs():
        for w in distinctive:
            assert w not in d.all_text.lower(), f"{d.name} says {w!r}"


RECURRING_VOCABULARY = [
    "Datenpflege im CRM",
    "doppelte Kundendaten",
    "Angebot als PDF",
    "Angebote als PDF verschicken",
    "Einsatzplanung für Monteure",
    "mobile Zeiterfassung",
    "Excel-Listen",
    "Schnittstelle zu SAP",
    "Rechnungen automatisch erstellen",
    "Lizenz pro Nutzer",
    "Schulung für Mitarbeiter",
    "Datenmigration",
    "DSGVO-konform",
    "Offline-Modus auf der Baustelle",
    "Wartungsverträge verwalten",
    "Lagerbestand in Echtzeit",
    "field service scheduling",
    "duplicate contacts",
    "quote approval workflow",
    "price per user",
    "training for staff",
    "maintenance contracts",
    "data migration",
    "GDPR compliant",
    "offline mode",
    "timesheet app",
]


@pytest.mark.parametrize("phrase", RECURRING_VOCABULARY)
def test_recurring_customer_vocabulary(phrase):
    docs = [d for d in all_docs() if phrase.lower() in "\n".join(d.customer + d.notes).lower()]
    assert len({d.account for d in docs}) >= 2, f"{phrase!r} in {[d.name for d in docs]}"


def test_customer_words_also_searched_in_another_form():
    queries = {r["query"] for r in gsc_rows()}
    assert "angebot pdf verschicken" in queries
    assert customer_docs_with("Angebote als PDF verschicken")
    assert "einsatzplanung monteure" in queries
    assert customer_docs_with("Einsatzplanung für Monteure")


# ----------------------------------------------------------------------------- personal data


def _readme_canaries(title: str) -> list[str]:
    return re.findall(r"^\| `([^`]+)` \|", readme_section(title), flags=re.M)


def _sample_text_with_mail_headers() -> str:
    parts = [d.full_text for d in calls()] + [d.full_text for d in crm_docs()]
    for _, m in emails():
        parts += [str(m[h]) for h in ("From", "To", "Cc") if m[h]]
        parts += [p.get_content() for p in m.walk() if p.get_content_maintype() == "text"]
    return "\n".join(parts)


def test_every_planted_email_address_is_listed_and_present():
    listed = _readme_canaries("### E-mail addresses")
    assert len(listed) >= 15 and len(set(listed)) == len(listed)
    text = _sample_text_with_mail_headers()
    found = set(EMAIL_RE.findall(text))
    assert found == set(listed), f"unlisted: {found - set(listed)}, missing: {set(listed) - found}"
    customer_text = "\n".join(t for d in all_docs() for t in d.customer)
    assert sum(a in customer_text for a in listed) >= 10, "addresses inside customer text"
    assert any(a.endswith("@" + OWN_DOMAIN) for a in listed)


def test_every_planted_phone_number_is_listed_and_present():
    listed = _readme_canaries("### Phone numbers")
    assert len(listed) >= 15 and len(set(listed)) == len(listed)
    text = _sample_text_with_mail_headers()
    for number in listed:
        assert number in text, f"README lists {number!r}, the sample does not contain it"
    customer_text = "\n".join(t for d in all_docs() for t in d.customer)
    assert sum(n in customer_text for n in listed) >= 10, "numbers inside customer text"
    formats = [
        r"^\+49 \d",
        r"^0\d{2,4} / ",
        r"^01[5-7]\d \d+$",
        r"\(0\)",
        r"^\(0\d+\)",
        r"^\+44 ",
        r"^\+1 \d{3}-555-01\d\d$",
    ]
    for fmt in formats:
        assert any(re.search(fmt, n) for n in listed), f"no phone number in format {fmt}"


def test_names_in_greetings_and_sign_offs():
    text = _sample_text_with_mail_headers()
    for pattern in (
        r"Hallo Frau [A-ZÄÖÜ]\w+,",
        r"Sehr geehrter Herr Dr\. [A-ZÄÖÜ]\w+,",
        r"Sehr geehrte Frau [A-ZÄÖÜ]\w+,",
        r"Viele Grüße, [A-ZÄÖÜ]\w+",
        r"Hi [A-Z]\w+,",
        r"Best regards,\nSarah Mitchell",
    ):
        assert re.search(pattern, text), f"no greeting/sign-off like {pattern}"
    names = _readme_canaries("### Names in greetings and sign-offs")
    assert len(names) >= 8
    for name in names:
        assert name in text, f"README lists {name!r}, the sample does not contain it"


# ----------------------------------------------------------------------------- config


def test_demo_config_names_the_vendor_and_its_people():
    config = load_config(SAMPLE_CONFIG, env={})
    assert config.company.domains == [OWN_DOMAIN]
    assert config.company.people == list(REPS)
    assert config.company.brand_terms == ["Nordwerk", "Nordwerk Suite"]
    senders = {m["From"].addresses[0].display_name for d, m in emails() if d.outbound}
    assert senders <= set(REPS)


def test_sample_month_matches_the_search_console_export():
    assert datetime.strptime(SAMPLE_MONTH, "%Y-%m")
    assert f"{SAMPLE_MONTH}" in readme()
