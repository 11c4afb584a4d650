"""Remove personal data before anything is stored, leaving typed placeholders.

Placeholders are German (the product is German first) and read naturally in a sentence:

    [E-MAIL]   email addresses, also "anna (at) firma.de"
    [TELEFON]  phone and fax numbers, German and international formats
    [IBAN]     bank account numbers (IBAN-shaped, checksum not required)
    [ADRESSE]  street + house number (+ postcode and town) where recognisable
    [URL]      links carrying personal data: query strings, profile pages
    [NAME]     person names: the names passed in (CRM contacts, email display names, speakers,
               configured staff), names after honorifics (Frau/Herr/Mr/Ms …), in greetings
               ("Hallo Frau Schneider", "Dear Tom") and sign-offs ("Viele Grüße, Jonas"),
               and common first names with their surname (person_names.py)

Patterns err on the side of redacting: a lost word costs less than a leaked phone number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from kundensprache.ingest.person_names import find_person_names
from kundensprache.ingest.pii_detectors import (
    AT_SIGN,
    DIGIT,
    apply_spans,
    find_spans,
    normalise_for_detection,
)

EMAIL = "[E-MAIL]"
PHONE = "[TELEFON]"
IBAN = "[IBAN]"
ADDRESS = "[ADRESSE]"
URL = "[URL]"
NAME = "[NAME]"
NUMBER = "[NUMMER]"  # customer, contract, ID-card, social-security and tax numbers
CARD = "[KARTE]"
BIRTH_DATE = "[GEBURTSDATUM]"
PLACEHOLDERS = (EMAIL, PHONE, IBAN, ADDRESS, URL, NAME, NUMBER, CARD, BIRTH_DATE)

_UPPER = "A-ZÄÖÜÀ-ÖØ-ÞĀ-ſ"  # Latin-1 and Extended-A upper/lower case mix in Ā-ſ: harmless
_LOWER = "a-zäöüßà-öø-ÿĀ-ſ"
# A capitalised name word: Schneider, Hans-Peter, O'Neill, Müller-Lüdenscheidt.
_NAME_WORD = rf"(?:[{_UPPER}]['’])?[{_UPPER}][{_LOWER}]+(?:[-'’][{_UPPER}][{_LOWER}]+)?"
# Name particles between an honorific and the surname: "Herr von Weizsäcker", "Frau de Vries".
_PARTICLE = (
    r"(?:(?:von der|von dem|van der|van den|von|van|de|den|der|zu|zur|di|da|del|le|la)\s{1,2})"
)

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[A-Za-z]{2,24}\b"
    r"|(?<![\w.+-])[\w.+-]{1,64}\s?[\[(]\s?(?:at|ät)\s?[\])]\s?[\w-]{1,63}"
    r"(?:\s?(?:\.|[\[(]\s?(?:dot|punkt)\s?[\])])\s?[\w-]{1,63}){1,8}",
    re.IGNORECASE,
)

_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'\]]+", re.IGNORECASE)
# Hosts whose paths are about one person (profiles, booking pages).
_PERSONAL_HOSTS = re.compile(
    r"(linkedin\.com/in/|xing\.com/profile|facebook\.com/|instagram\.com/|twitter\.com/|"
    r"x\.com/|calendly\.com/|github\.com/|t\.me/|wa\.me/)",
    re.IGNORECASE,
)

_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")

_SEP = r"[ \t./\-–]"
_PHONE_RE = re.compile(
    # international: +49 89 1234567, +49 (0)89 123-456, 0049 30 12345678, +1 (415) 555-0134
    rf"(?<![\w+])(?:\+|00)[1-9]\d{{0,2}}{_SEP}{{0,3}}(?:\(0\){_SEP}{{0,3}})?(?:\(?\d{{1,5}}\)?{_SEP}{{0,3}}){{1,6}}\d"
    # national with trunk 0: 089 1234567, (089) 123 45 67, 0171-1234567, 030/1234567-0
    rf"|(?<![\w.,])\(?0\d{{1,5}}\)?[ \t/\-–]{{0,3}}\d[\d \t/\-–]{{3,14}}\d(?![\w.,]\d)"
    # North American without country code: (415) 555-0134, 415-555-0134
    r"|(?<!\w)\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?!\w)"
)
_PHONE_LABEL_RE = re.compile(
    r"(\b(?:Tel|Telefon|Tel\.-Nr|Telefonnummer|Rufnummer|Phone|Mobil|Mobile|Handy|Fax|"
    r"Durchwahl|Cell|Mob)\b\.?:?\s{0,3})(\+?[\d(][\d ()/.\-–]{4,20}\d)",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")

_STREET_SUFFIX = (
    r"(?:straße|strasse|str\.|weg|allee|platz|gasse|damm|ufer|chaussee|steig|pfad|ring|hof|"
    r"berg|feld|garten|kamp|stieg|twiete|wall|graben|höhe|anger|redder|gässle|gässli|rain)"
)
_STREET_WORD = r"(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm|Ufer|Chaussee|Markt)"
_HOUSE = r"\d{1,4}\s?[a-zA-Z]?(?:\s?[-–/]\s?\d{1,4}[a-zA-Z]?){0,3}"
_PLZ_TOWN = rf"(?:,?\s{{0,3}}(?:(?:D|A|CH)-)?\d{{4,5}}\s{{1,3}}{_NAME_WORD}(?:\s(?:am|an der|im|in|ob der)\s{_NAME_WORD})?)"
_ADDRESS_RE = re.compile(
    rf"(?:\b[{_UPPER}][{_LOWER}-]{{0,40}}{_STREET_SUFFIX}"
    rf"|\b(?:[{_UPPER}][{_LOWER}-]{{1,40}}\s)?[{_UPPER}][{_LOWER}-]{{1,40}}\s{_STREET_WORD}"
    rf"|\b(?:Am|An der|Im|In der|Auf der|Unter den|Zum|Zur)\s{_NAME_WORD}(?=\s\d))"
    rf"\s?{_HOUSE}(?=\s{{0,3}}(?:[,;)\n]|$|\d{{5}}|\.(?:\s|$)|\s(?:in|im)\s))"
    rf"{_PLZ_TOWN}?"
    # English: 221B Baker Street, 1600 Amphitheatre Parkway
    rf"|\b\d{{1,5}}[A-Z]?\s(?:{_NAME_WORD}\s){{1,3}}"
    r"(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Drive|Boulevard|Blvd\.|Parkway|Court|Square)\b"
    # a postcode and town after "D-" or on a line of its own in an address block
    rf"|(?<![\w-])D-\d{{5}}\s{{1,3}}{_NAME_WORD}",
)

_HONORIFIC = (
    r"(?:Frau|Herrn?|Hr\.|Fr\.|Fam\.|Familie|Mr\.?|Mrs\.?|Ms\.?|Miss|Mister|Madame|Monsieur|Sir)"
)
_TITLE = r"(?:Dr\.|Prof\.|Dipl\.-Ing\.|Ing\.|Mag\.)"
_NOT_TITLE = r"(?!(?:Dr|Prof|Dipl|Ing|Mag)\b)"
# Words that follow a greeting but are no name.
_NOT_NAMES = {
    "zusammen", "Team", "Kollegen", "Kolleginnen", "Damen", "Herren", "Leute", "alle",
    "all", "everyone", "there", "team", "Team,", "folks", "guys", "miteinander", "Sie",
    "Ihr", "Euch", "Du", "you", "und", "and", "Welt", "World", "Support", "Vertrieb",
    "Sales", "Service", "Kunde", "Kundin", "Herr", "Frau", "Mr", "Ms", "Mrs", "Partner",
    "Partnerin", "Geschäftsführung", "Einkauf", "IT", "Ihnen", "Dir", "Kundenservice",
}  # fmt: skip

_GREETING_RE = re.compile(
    r"(?P<lead>\b(?:Hallo|Hi|Hey|Moin|Servus|Grüß Gott|Grüezi|Liebe[rs]?|Sehr geehrte[rs]?|"
    r"Guten (?:Tag|Morgen|Abend)|Dear|Hello|Good (?:morning|afternoon|evening))"
    # the name stands on the greeting's own line: "Hello,\nFrom time to time" greets nobody
    rf",?[ \t]{{1,3}}(?:{_HONORIFIC}[ \t]{{1,3}})?(?:{_TITLE}[ \t]{{1,3}}){{0,3}})"
    rf"(?P<name>{_NOT_TITLE}{_PARTICLE}?{_NAME_WORD}(?:[ \t]{_NAME_WORD})?)"
)
_HONORIFIC_RE = re.compile(
    rf"(?P<lead>\b{_HONORIFIC}\s{{1,3}}(?:{_TITLE}\s{{0,3}}){{0,3}}|(?<![\w.]){_TITLE}\s{{0,3}}(?:{_TITLE}\s{{0,3}}){{0,2}})"
    rf"(?P<name>{_NOT_TITLE}{_PARTICLE}?{_NAME_WORD}(?:\s{_NAME_WORD})?)"
)
_STRONG_CLOSING = (
    r"(?:(?:Viele|Beste|Liebe|Herzliche|Freundliche|Schöne|Sonnige|Mit freundlichen|"
    r"Mit besten|Mit herzlichen|Mit vielen|Mit freundlichem)\s+Grü(?:ß|ss)en?|Gru(?:ß|ss)"
    r"|Grüße|LG|VG|MfG|Best regards|Kind regards|Warm regards|Best wishes)"
)
# Words that close a mail but also start sentences ("Best Practices", "Danke Anna für …"):
# a name after them only counts after a comma or on the next line.
_WEAK_CLOSING = (
    r"(?:Regards|Best|Cheers|Thanks|Thank you|Many thanks|Vielen Dank|Danke|Bis bald|Ciao|"
    r"Tschüss)"
)
_SIGNOFF_START = r"(?:^[ \t]{0,3}|(?<=[.!?] ))"
_SIGNOFF_NAME = (
    r"(?:(?:i\.\s?A\.|i\.\s?V\.|ppa\.)\s*)?)"
    rf"(?P<name>{_NAME_WORD}(?:[ \t]{{1,3}}{_NAME_WORD}){{0,2}})(?=[ \t]{{0,3}}(?:\n|$|[,(]))"
)
_SIGNOFF_RE = re.compile(
    rf"(?P<lead>{_SIGNOFF_START}(?:{_STRONG_CLOSING}(?:\s{{1,3}}(?:aus|from)\s{{1,3}}{_NAME_WORD})?"
    r"\s{0,3}[,.!]?[ \t]{0,3}(?:\n[ \t]{0,3}|[ \t]{1,3})"
    rf"|{_WEAK_CLOSING}[ \t]{{0,3}}[!.]?[ \t]{{0,3}}(?:,[ \t]{{0,3}}\n?|\n)[ \t]{{0,3}})"
    + _SIGNOFF_NAME,
    re.MULTILINE,
)


# Lower-case notes: "frau lindqvist", "herr von weizsäcker", "mr o'sullivan".
_LOWER_HONORIFIC_RE = re.compile(
    r"(?P<lead>\b(?:frau|herrn?|hr\.|fr\.|mr\.?|mrs\.?|ms\.?)\s{1,3}(?:dr\.\s{0,2}|prof\.\s{0,2}){0,2})"
    rf"(?P<name>{_PARTICLE}?[{_LOWER}]['’]?[{_LOWER}]{{2,30}}(?:-[{_LOWER}]{{2,30}})?)(?![\w])"
)
# An initial and a surname: "M. Vollstedt", "A. B. Nakamura-Ellis".
_INITIAL_RE = re.compile(
    rf"(?P<lead>(?<![\w.])(?:[{_UPPER}]\.\s?){{1,2}})(?P<name>{_NAME_WORD})(?![\w])"
)


def _rare_word(word: str, threshold: float) -> bool:
    """A word that is rare as an ordinary German or English word: likely a name here."""
    from wordfreq import zipf_frequency

    bare = word.lower().split()[-1].strip("'’")
    return max(zipf_frequency(bare, "de"), zipf_frequency(bare, "en")) < threshold


def _lower_name(match: re.Match[str]) -> str:
    return match["lead"] + NAME if _rare_word(match["name"], 4.5) else match[0]


def _initial_name(match: re.Match[str]) -> str:
    return NAME if _rare_word(match["name"], 4.0) else match[0]


def _noting(rule: Callable[[re.Match[str]], str], found: set[str] | None):
    """``rule``, also recording the names it redacts in ``found`` (for the output gate)."""
    if found is None:
        return rule

    def replace(match: re.Match[str]) -> str:
        out = rule(match)
        if out != match[0]:
            found.add(match["name"])
        return out

    return replace


def redact(text: str, names: Iterable[str] = (), found: set[str] | None = None) -> str:
    """Replace personal data in ``text`` with typed placeholders (see module docstring).

    ``names``: person names known from the context (CRM contact column, email headers,
    transcript speakers); each full name and each part of it is redacted as a whole word.
    ``found``: if given, every person name redacted here is added to it.
    """
    if not text:
        return text
    text = normalise_for_detection(squeeze_space(text))
    text = apply_spans(text, find_spans(text))  # library detectors (pii_detectors.py)
    if AT_SIGN.search(text):
        text = _EMAIL_RE.sub(EMAIL, text)
    text = _URL_RE.sub(_url, text)
    if DIGIT.search(text):  # each of these patterns needs a digit (placeholders add none)
        text = _IBAN_RE.sub(IBAN, text)
        text = _ADDRESS_RE.sub(ADDRESS, text)
        text = _PHONE_LABEL_RE.sub(lambda m: m[1] + PHONE, text)
        text = _PHONE_RE.sub(_phone, text)
    in_text = find_person_names(text)
    if found is not None:
        found |= in_text
    names_re = _names_pattern(tuple(sorted(set(names) | in_text)))
    if names_re is not None:
        text = names_re.sub(NAME, text)
    text = _SIGNOFF_RE.sub(_noting(_name_after_lead, found), text)
    text = _GREETING_RE.sub(_noting(_name_after_lead, found), text)
    text = _HONORIFIC_RE.sub(_noting(_name_after_lead, found), text)
    text = _LOWER_HONORIFIC_RE.sub(_noting(_lower_name, found), text)
    return _INITIAL_RE.sub(_noting(_initial_name, found), text)


_RUN_OF_SPACE = re.compile(r"[ \t\u00a0]{2,}|\u00a0")
_SPACE_BEFORE_NEWLINE = re.compile(r" \n")
_BLANK_LINES = re.compile(r"\n{3,}")


def squeeze_space(text: str) -> str:
    """Runs of spaces to one space, at most one blank line: what clean_text does afterwards
    anyway, done first so that no pattern ever sees a long run of whitespace (each of these
    substitutions consumes its run in one match: linear time)."""
    text = _RUN_OF_SPACE.sub(" ", text)
    text = _SPACE_BEFORE_NEWLINE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text)


def name_parts(name: str) -> list[str]:
    """A display name split into the parts worth redacting on their own."""
    name = re.sub(r"[\"'<>()\[\]]", " ", name)
    if "," in name:  # "Schneider, Anna"
        last, _, first = name.partition(",")
        name = f"{first} {last}"
    parts = []
    for word in re.split(r"\s+", name.strip()):
        word = word.strip(".,;:")
        bare = word.rstrip(".")
        if len(bare) < 3 or bare.lower() in _TITLE_WORDS or not re.search(r"[^\W\d_]", bare):
            continue
        parts.append(bare)
    return parts


_TITLE_WORDS = {
    "dr", "prof", "herr", "herrn", "frau", "mr", "mrs", "ms", "von", "van", "der", "den",
    "de", "del", "la", "le", "zu", "und", "and", "dipl", "ing", "mag", "sir", "jun", "sen",
    "gmbh", "ag", "kg", "ltd", "inc", "team", "info", "kontakt", "contact", "sales", "vertrieb",
    "support", "noreply", "no-reply", "office", "service", "mail", "hello", "hallo",
}  # fmt: skip


_MAX_NAME = 80


@lru_cache(maxsize=256)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    variants: set[str] = set()
    for name in names:
        name = name.strip()
        if not name:
            continue
        parts = name_parts(name)
        if parts:
            variants.add(" ".join(parts))
            variants.update(parts)
            whole = " ".join(re.sub(r"[\"'<>()\[\],;]", " ", name).split())
            if len(whole) >= 3:
                variants.add(whole)  # "Sanne de Boer" with its particle
    # A "name" longer than any real one (a pasted list, a hostile cell) adds nothing its
    # parts don't, and a huge literal would only slow every search.
    variants = {v for v in variants if len(v) <= _MAX_NAME}
    if not variants:
        return None
    alternatives = "|".join(re.escape(v) for v in sorted(variants, key=lambda v: (-len(v), v)))
    return re.compile(rf"(?<![\w\[])(?:{alternatives})(?![\w\]])")


def _url(match: re.Match[str]) -> str:
    url = match[0].rstrip(".,;:!?)")
    tail = match[0][len(url) :]
    if ("?" in url and "=" in url.split("?", 1)[1]) or "#" in url and "=" in url:
        return URL + tail
    if _PERSONAL_HOSTS.search(url) or EMAIL in url or "@" in url or _name_in_path(url):
        return URL + tail
    return match[0]


def _name_in_path(url: str) -> bool:
    """A path segment made of words that are rare as ordinary words (``/team/jolanta-grzybowska``,
    ``/~mvollstedt``): most likely a person's name or handle; ``/preise`` stays."""
    path = url.split("://", 1)[-1].partition("/")[2].split("?", 1)[0][:300]
    words = [w for w in re.split(r"[/\-_.~+%0-9]+", path) if len(w) >= 3 and w.isalpha()]
    return any(w.lower() not in _PATH_WORDS and _rare_word(w, 2.5) for w in words[:20])


_PATH_WORDS = {"html", "htm", "php", "aspx", "jsp", "pdf", "index", "www", "impressum", "kontakt"}


def _phone(match: re.Match[str]) -> str:
    raw = match[0]
    digits = sum(c.isdigit() for c in raw)
    if digits < 7 or digits > 15 or _DATE_LIKE.match(raw.strip()):
        return raw
    return PHONE


def _name_after_lead(match: re.Match[str]) -> str:
    name = match["name"]
    words = name.split()
    if words[0] in _NOT_NAMES or words[0].strip(",") in _NOT_NAMES:
        return match[0]
    # Keep a trailing common word the greedy two-word match swallowed ("Frau Weber Bescheid").
    return match["lead"] + NAME
