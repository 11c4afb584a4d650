"""Planted personal data ("canaries") for the PII tests.

Each canary is written into test inputs where real sales material carries that kind of data;
none of its ``needles`` may ever appear in the store, the outputs, the logs or the Prefect
artifacts. Names are deliberately unusual so a hit is never a coincidence.

    from pii_canaries import CANARIES, NEEDLES, find_canaries
    assert find_canaries(output_text) == []
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Canary:
    kind: str  # email | phone | iban | address | url | name
    text: str  # as planted in the inputs
    needles: tuple[str, ...]  # substrings (case-insensitive) that betray a leak


CUSTOMER_FIRST = "Kerstin"
CUSTOMER_LAST = "Quastenberg"
CUSTOMER = f"{CUSTOMER_FIRST} {CUSTOMER_LAST}"  # customer contact (CRM contact column, From:)
SECOND_CUSTOMER = "Thaddäus Wimmelbrink"  # another customer, named in greetings and headers
REP_FIRST = "Roswitha"  # our rep's first name in a sign-off ("Viele Grüße, Roswitha")
REP = f"{REP_FIRST} Hinterkaifeck"  # our rep (config company.people)

EMAIL = Canary("email", "kerstin.quastenberg@bremer-kanaltechnik.de", ("kerstin.quastenberg@",))
EMAIL_OBFUSCATED = Canary("email", "thaddaeus (at) wimmelbrink-bau.de", ("thaddaeus (at)",))
PHONE_MOBILE = Canary("phone", "+49 171 4482913", ("4482913", "448 2913"))
PHONE_LANDLINE = Canary("phone", "(0421) 98 76 54-32", ("98 76 54", "98765432"))
PHONE_INTL = Canary("phone", "+44 20 7946 0958", ("7946 0958", "79460958"))
IBAN = Canary("iban", "DE44 5001 0517 5407 3249 31", ("5407 3249", "DE44500105175407324931"))
ADDRESS = Canary("address", "Lindwurmstraße 88, 80337 München", ("Lindwurmstraße 88", "80337"))
URL = Canary(
    "url",
    "https://portal.bremer-kanaltechnik.de/login?user=kquastenberg&token=9f8e7d6c",
    ("kquastenberg", "9f8e7d6c"),
)
NAME_CUSTOMER = Canary("name", CUSTOMER, (CUSTOMER_LAST, "Kerstin Q"))
NAME_SECOND = Canary("name", SECOND_CUSTOMER, ("Wimmelbrink", "Thaddäus"))
NAME_REP = Canary("name", REP, ("Roswitha", "Hinterkaifeck"))

# Issue 12: kinds and spellings the first redaction missed (German, Austrian, Swiss, English).
MORE = (
    Canary("phone", "0171.9876543", ("9876543",)),
    Canary("phone", "(0 89) 2 33-4 56 77", ("33-4 56 77",)),
    Canary("phone", "+43 664 3918274", ("3918274",)),
    Canary("phone", "+41 44 668 18 00", ("668 18 00",)),
    Canary("iban", "DE75-5121-0800-…", ("5121-0800",)),
    Canary("email", "fenja dot rasmussen at gmx dot de", ("rasmussen",)),
    Canary("email", "jorunn.vestergaard＠posteo.de", ("vestergaard",)),
    Canary("email", "mailto:ilka.brennecke%40web.de", ("brennecke",)),
    Canary("email", "o.thamsen@elbwerk .de", ("thamsen",)),
    Canary("address", "Mariahilfer Straße 88/3/12, 1070 Wien", ("88/3/12",)),
    Canary("address", "Seefeldstrasse 214, 8008 Zürich", ("Seefeldstrasse 214",)),
    Canary("address", "Schlehenring 4", ("Schlehenring",)),
    Canary("url", "https://www.kanzlei-beispiel.de/team/jolanta-grzybowska", ("grzybowska",)),
    Canary("tax_id", "Steuer-ID 65 929 970 489", ("65 929 970 489", "65929970489")),
    Canary("card", "4111 1111 1111 1111", ("1111 1111 1111", "4111111111111111")),
    Canary("birth_date", "geb. 03.04.1981", ("03.04.1981",)),
    Canary("customer_no", "Kundennr. KD-448812", ("448812",)),
    Canary("ssn", "SSN 078-05-1120", ("078-05-1120",)),
    Canary("name", "frau lindqvist", ("lindqvist",)),
    Canary("name", "Herr von Weizsäcker", ("Weizsäcker",)),
    Canary("name", "M. Vollstedt", ("Vollstedt",)),
    Canary("name", "Mr. O'Sullivan-Grant", ("Sullivan",)),
)

# Issue 12, second round: a person named only in a subtitle speaker label, with a first name
# and surname no list of ours had, and elsewhere by the surname alone.
SPEAKER_ONLY = "Viviana Vallejo"
LONE_SURNAME = SPEAKER_ONLY.split()[-1]
MORE_NAMES = (
    Canary("name", SPEAKER_ONLY, ("Viviana",)),
    Canary("name", "Frau Dr. Szymańska", ("Szymańska",)),
    Canary("name", "Siobhan Gallagher", ("Gallagher",)),
    Canary("name", "Dragan Petrović", ("Petrović",)),
    Canary("ni_number", "NI number QQ 12 34 56 C", ("QQ 12 34",)),
    Canary("iban", "CH93 0076 2011 6238 5295 7", ("6238 5295",)),
    Canary("iban", "AT61 1904 3002 3457 3201", ("3457 3201",)),
    Canary("address", "Herrengasse 6-8, 1010 Wien", ("Herrengasse 6",)),
    Canary("address", "221B Baker Street", ("Baker Street",)),
)
# A surname alone, in a note that names no one else: redaction cannot know it is a name (no
# first name, honorific or initial; no list has it as an ordinary word). It may stay in the
# store (SECURITY.md: the documented hard case); it must reach no output, because the corpus
# names that person elsewhere (the output gate's recorded names).
LONE = Canary("name", f"{LONE_SURNAME} fragt, ob das Kanalkataster offline läuft", (LONE_SURNAME,))
STORE_HARD_CASES: tuple[Canary, ...] = (LONE,)

CANARIES: tuple[Canary, ...] = (
    *MORE_NAMES,
    LONE,
    *MORE,
    EMAIL,
    EMAIL_OBFUSCATED,
    PHONE_MOBILE,
    PHONE_LANDLINE,
    PHONE_INTL,
    IBAN,
    ADDRESS,
    URL,
    NAME_CUSTOMER,
    NAME_SECOND,
    NAME_REP,
)
NEEDLES: tuple[str, ...] = tuple(n for c in CANARIES for n in c.needles)
# What must never reach the store either: everything but the documented hard cases.
STORE_NEEDLES: tuple[str, ...] = tuple(
    n for c in CANARIES if c not in STORE_HARD_CASES for n in c.needles
)

# A sentence carrying every non-name canary, for free text in any format.
CONTACT_SENTENCE = (
    f"Erreichbar unter {EMAIL.text} oder {EMAIL_OBFUSCATED.text}, mobil {PHONE_MOBILE.text}, "
    f"Büro {PHONE_LANDLINE.text}, London {PHONE_INTL.text}. Rechnung an {ADDRESS.text}; "
    f"IBAN {IBAN.text}. Zugang: {URL.text} . "
    "Außerdem: " + "; ".join(c.text for c in MORE + MORE_NAMES[1:]) + "."
)


def find_canaries(text: str, needles: tuple[str, ...] = NEEDLES) -> list[str]:
    """The needles found in ``text`` (empty list: no leak)."""
    folded = text.casefold()
    return [n for n in needles if n.casefold() in folded]
