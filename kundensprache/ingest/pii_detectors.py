"""Detectors for personal data that maintained libraries know better than a hand pattern.

- phone numbers: libphonenumber (``phonenumbers``), numbers valid in DE, AT, CH, GB or US,
  in any grouping a person types ("0171.9876543", "(0 89) 2 33-4 56 77");
- IBANs (also partial or oddly grouped: "DE75-5121-…"; an IBAN-shaped start is redacted
  even when the checksum cannot be checked), card numbers (Luhn), German tax IDs
  (Steuer-ID) and US social security numbers: ``python-stdnum``'s checksums;
- numbers after a label: customer, contract, ID-card, passport, social-security and tax
  numbers, and dates of birth ("Kundennr. 4711-22", "geb. 03.04.1981");
- emails written to dodge a parser: "anna at firma dot de", "anna@firma .de", a full-width
  "＠", "mailto:anna%40firma.de".

Every pattern here is bounded (no unbounded repetition next to an overlapping one), so the
work stays linear in the text; the library only ever sees short candidate windows, and only
the first ``_LIBRARY_BUDGET`` of them (a hostile text with thousands of digit groups gets the
plain rule for the rest: redact 7–15 digits).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import phonenumbers
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.de import idnr
from stdnum.us import ssn as us_ssn

REGIONS = ("DE", "AT", "CH", "GB", "US")
_LIBRARY_BUDGET = 100

Span = tuple[int, int, str]  # start, end, placeholder

_PHONE_CANDIDATE = re.compile(r"(?<![\w+.,/-])(?:\+|\(\+?)?\d[\d \t().\-/–]{4,24}\d(?![\w])")
_DATE_LIKE = re.compile(r"^\(?\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\)?$")

_IBAN_SHAPE = re.compile(
    r"\b[A-Z]{2}\d{2}(?:[ \t.\-–]?[A-Z0-9]{2,4}){2,8}(?:[ \t.\-–]?(?:…|\.\.\.))?"
)
_CARD_CANDIDATE = re.compile(r"(?<![\w.,-])\d{4}(?:[ \-]?\d{4}){2,3}(?:[ \-]?\d{1,3})?(?![\w])")
_TAX_ID = re.compile(r"(?<![\w.,-])\d{2}[ ]?\d{3}[ ]?\d{3}[ ]?\d{3}(?![\w])")
_US_SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")

_ID_LABEL = (
    r"(?:Kunden|Vertrags|Auftrags|Mitglieds|Versicherungs|Police|Policen|Personal|Ausweis|"
    r"Reisepass|Pass|Sozialversicherungs|SV|Renten(?:versicherungs)?|Steuer|Steueridentifikations|"
    r"Kunden-|Vertrags-|Konto)(?:nummer|nr\.?|-Nr\.?|-Nummer| Nr\.?)"
    r"|Steuer-?ID|IdNr\.?|Ausweis|Personalausweis|Reisepass|AHV(?:-Nr\.?|-Nummer)?|"
    r"SVNR|SV-Nr\.?|Sozialversicherungsnummer|"
    r"customer (?:no\.?|number|id)|contract (?:no\.?|number|id)|account (?:no\.?|number)|"
    r"member(?:ship)? (?:no\.?|number)|policy (?:no\.?|number)|passport(?: no\.?| number)?|"
    r"ID[ -]card(?: no\.?| number)?|SSN|social security(?: no\.?| number)?|NI number|"
    r"tax (?:id|number)|national insurance(?: number)?"
)
_LABELLED_NUMBER = re.compile(
    rf"(?P<label>\b(?:{_ID_LABEL})\b\.?:?[ \t]{{0,3}}(?:ist[ \t]|is[ \t]|lautet[ \t])?[ \t]{{0,3}})"
    r"(?P<value>(?-i:[A-Z]{0,3})[ \-]?\d[\dA-Z\-/.]{0,30}(?:[ ]\d[\d\-/.]{0,10}){0,4})",
    re.IGNORECASE,
)
_BIRTH_LABEL = (
    r"geb\.|geboren(?: am)?|Geburtsdatum|Geb\.-Datum|Geburtstag|born(?: on)?|"
    r"date of birth|DOB|D\.O\.B\."
)
_BIRTH_DATE = re.compile(
    rf"(?P<label>\b(?:{_BIRTH_LABEL})[:]?[ \t]{{0,3}})"
    r"(?P<value>\d{1,2}\.[ ]?\d{1,2}\.[ ]?\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|"
    r"\d{1,2}\.?[ ](?:Jan|Feb|Mär|Mar|Apr|Mai|May|Jun|Jul|Aug|Sep|Okt|Oct|Nov|Dez|Dec)[a-zä]{0,6}\.?[ ]\d{4})",
    re.IGNORECASE,
)

_TLD = r"(?:de|at|ch|com|net|org|eu|info|biz|io|co|uk|us|nl|fr|it|es|pl|li|lu|be|dk|se|no)"
_EMAIL_SPOKEN = re.compile(
    r"(?<![\w.+-])(?:[\w+-]{1,64}[ \t](?:dot|punkt)[ \t]){0,3}[\w.+-]{1,64}[ \t]{0,2}(?:\(at\)|\[at\]|\{at\}|[ \t]at[ \t]|[ \t]ät[ \t]|"
    r"[ \t]?@[ \t]?)[ \t]{0,2}[\w-]{1,63}(?:[ \t]{0,2}(?:\(dot\)|\[dot\]|[ \t]dot[ \t]|"
    r"[ \t]punkt[ \t]|\.)[ \t]{0,2}[\w-]{1,63}){0,4}[ \t]{0,2}(?:\(dot\)|\[dot\]|[ \t]dot[ \t]|"
    rf"[ \t]punkt[ \t]|\.)[ \t]{{0,2}}{_TLD}\b",
    re.IGNORECASE,
)
# Cheap pre-checks (one scan each, stopping at the first hit): no email pattern matches
# without an at-sign or a spelled "at"/"ät" between brackets or spaces, no number pattern
# without a digit.
AT_SIGN = re.compile(r"@|[(\[{\s](?:at|ät)[)\]}\s]", re.IGNORECASE)
DIGIT = re.compile(r"\d")
_MAILTO = re.compile(r"mailto:[^\s<>\"']{1,200}", re.IGNORECASE)


def normalise_for_detection(text: str) -> str:
    """Full-width ＠ and ． as their ASCII forms; ``mailto:`` links URL-decoded (``%40``)."""
    text = text.replace("＠", "@").replace("．", ".")
    if "mailto:" in text.lower():
        text = _MAILTO.sub(lambda m: unquote(m[0]), text)
    return text


def find_spans(text: str) -> list[Span]:
    """Every detected item as (start, end, placeholder); overlapping spans may occur."""
    spans: list[Span] = []
    if AT_SIGN.search(text):
        spans += [(m.start(), m.end(), "[E-MAIL]") for m in _EMAIL_SPOKEN.finditer(text)]
    if not DIGIT.search(text):  # everything below needs a digit: skip the scans
        return spans
    spans += _ibans(text)
    spans += _cards(text)
    spans += [(m.start(), m.end(), "[NUMMER]") for m in _TAX_ID.finditer(text) if _tax_id(m[0])]
    spans += [
        (m.start(), m.end(), "[NUMMER]") for m in _US_SSN.finditer(text) if us_ssn.is_valid(m[0])
    ]
    spans += [
        (m.start("value"), m.end("value"), "[NUMMER]") for m in _LABELLED_NUMBER.finditer(text)
    ]
    spans += [
        (m.start("value"), m.end("value"), "[GEBURTSDATUM]") for m in _BIRTH_DATE.finditer(text)
    ]
    spans += _phones(text)
    return spans


def apply_spans(text: str, spans: list[Span]) -> str:
    """Replace the spans (merged where they overlap; the first placeholder wins)."""
    if not spans:
        return text
    out, pos = [], 0
    for start, end, placeholder in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < pos:
            if end > pos:  # overlapping: extend the last replacement
                pos = end
            continue
        out += [text[pos:start], placeholder]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _phones(text: str) -> list[Span]:
    spans: list[Span] = []
    for i, m in enumerate(_PHONE_CANDIDATE.finditer(text)):
        window = m[0]
        digits = sum(c.isdigit() for c in window)
        if digits < 7 or _DATE_LIKE.match(window.strip()):
            continue
        if i >= _LIBRARY_BUDGET:  # hostile amounts of digit groups: plain rule
            if digits <= 15:
                spans.append((m.start(), m.end(), "[TELEFON]"))
            continue
        for region in REGIONS:
            found = [
                (m.start() + pm.start, m.start() + pm.end, "[TELEFON]")
                for pm in phonenumbers.PhoneNumberMatcher(
                    window, region, leniency=phonenumbers.Leniency.VALID
                )
            ]
            if found:
                spans += found
                break
    return spans


def _ibans(text: str) -> list[Span]:
    """IBAN-shaped runs: a valid IBAN, or the start of one (country code, two check digits and
    at least two groups) — partial IBANs in notes are personal data too."""
    spans = []
    for m in _IBAN_SHAPE.finditer(text):
        compact = re.sub(r"[^A-Z0-9]", "", m[0])
        if std_iban.is_valid(compact) or (
            len(compact) >= 8 and sum(c.isdigit() for c in compact) >= 6
        ):
            spans.append((m.start(), m.end(), "[IBAN]"))
    return spans


def _cards(text: str) -> list[Span]:
    spans = []
    for m in _CARD_CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", m[0])
        if 13 <= len(digits) <= 19 and luhn.is_valid(digits):
            spans.append((m.start(), m.end(), "[KARTE]"))
    return spans


def _tax_id(value: str) -> bool:
    return idnr.is_valid(value.replace(" ", ""))
