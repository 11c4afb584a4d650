"""Word lists the rules need, per language.

Kept in one place so a reviewer can see (and a user can argue with) every hand-made list.
Everything here is lower-case and, where it is compared with keys, already folded
(``ä`` -> ``ae``, ``ß`` -> ``ss``), see :func:`fold`. The bottom of the extractors: it imports
none of them.
"""

from __future__ import annotations

import functools

import spacy
from spacy.util import get_lang_class

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(text: str) -> str:
    """Case-fold and spell out umlauts, so "Größe", "groesse" and "GRÖSSE" compare equal."""
    return text.casefold().translate(_FOLD)


# --- stop words -------------------------------------------------------------------------

# spaCy's German list contains nouns ("Tag", "Zeit", "Dank"). Capitalised, they are nouns
# and must reach the small-talk filter and the general-language penalty instead of
# silently vanishing; in a key they stay content words so "Zeit sparen" != "sparen".
# Lower-case ("morgen" = tomorrow) they stay stop words for the tagger.
DE_NOUN_STOP_WORDS = frozenset(
    "tag tage tagen jahr jahre jahren zeit ende teil beispiel mittel dank uhr morgen "
    "recht rechte rechten".split()
)
# spaCy's English list contains content words searchers type ("top up", "amount").
EN_CONTENT_STOP_WORDS = frozenset("amount top name call part full empty side front bottom".split())
# Verb particles: stop words for the tagger (a particle follows its verb), but kept in keys
# because "cash out" and "cash" are different searches.
EN_KEY_PARTICLES = frozenset("up out off down back".split())
# Negations stay in a key: "card not working" is another search than "card working".
NEGATIONS = {
    "de": frozenset("nicht kein keine keinen keinem keiner nie".split()),
    "en": frozenset("not no never".split()),
}
# Auxiliaries and negations between a noun and its state: "card *is not* working",
# "payment *was* declined", "card *has n't* arrived".
AUXILIARIES = {
    "en": frozenset(
        "is are was were be been being has have had do does did not n't never still keeps "
        "'s".split()
    ),
    # German negation after a verb of state: "Export klappt *nicht*".
    "de": frozenset("nicht nie".split()),
}
# German finite verbs of state that make a noun phrase a problem statement with a negation
# after them ("Synchronisation funktioniert nicht", "Export klappt nicht"). Finite forms
# only: infinitives ("Rechnungen drucken") are the German verb-phrase rule's.
DE_STATE_VERBS = frozenset(
    """
    funktioniert funktionieren klappt klappen geht läuft laufen lädt startet öffnet reagiert
    synchronisiert speichert druckt hängt passt stimmt greift
    """.split()
)
# Stop words never removed from a key: they make a question a different search.
WH_WORDS = {
    "de": frozenset(
        "wie was wo warum wann welche welcher welches welchen welchem wieso weshalb".split()
    ),
    "en": frozenset("how what why where when which who".split()),
}


@functools.cache
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words for ``lang`` (lower-case), adjusted as above; empty if unknown."""
    try:
        words = set(get_lang_class(lang).Defaults.stop_words)
    except (ImportError, KeyError):
        words = set()
    words = {w.lower() for w in words}
    if lang == "de":
        words |= set("ne nen halt mal eh okay ok ähm äh hm bzw usw bitte".split())
    if lang == "en":
        words -= EN_CONTENT_STOP_WORDS
        words |= set("ok okay yeah yes um uh hmm hi hello etc let im i'm".split())
        # "wo", "ca", "sha": what spaCy leaves of "won't", "can't", "shan't".
        words |= set("wo ca sha dont cant wont didnt doesnt isnt".split())
    return frozenset(words)


@functools.cache
def key_stop_words(lang: str) -> frozenset[str]:
    """Words dropped from a key: stop words minus question words and content-bearing ones."""
    words = set(stop_words(lang)) - WH_WORDS.get(lang, frozenset()) - NEGATIONS.get(lang, set())
    if lang == "de":
        words -= DE_NOUN_STOP_WORDS
    if lang == "en":
        words -= EN_KEY_PARTICLES
    return frozenset(fold(w) for w in words) | words


# Prepositions that searchers keep in a phrase: "Software für Handwerker",
# "Schnittstelle zu DATEV", "integration with Salesforce", "Angebote als PDF verschicken".
PREPOSITIONS = {
    "de": frozenset(
        "für zu zum zur mit von vom im in ins an am ohne bei beim per pro über als auf aus nach".split()
    ),
    "en": frozenset("for with to of in on from via without into as by per".split()),
}
# Articles and possessives allowed between a preposition or verb and its noun.
DETERMINERS = {
    "de": frozenset(
        "der die das den dem des ein eine einen einem einer eines mein meine meinen meinem "
        "meiner unser unsere unseren unserem unserer ihr ihre ihren ihrem ihrer dein deine "
        "kein keine keinen".split()
    ),
    "en": frozenset("the a an my our your their his her its this that these those some".split()),
}
# Verb particles in English phrasal verbs ("top up", "cash out", "sign up").
EN_PARTICLES = frozenset("up out off down back away".split())
# Words before an English noun/verb homograph that make it a verb ("to transfer").
EN_VERB_CUES = frozenset(
    "to i you we they can could would will should must please do does did n't not 'll "
    "cannot wanna want need how".split()
)
# German modal/auxiliary words after a clause-final infinitive ("verschicken können").
DE_AFTER_INFINITIVE = frozenset(
    "können kann könnte müssen muss möchte möchten wollen will sollen soll sollte werden wird "
    "würde zu lassen lässt und oder geht ging ist war wäre klappt funktioniert dauert kostet "
    "hat".split()
)

# Verbs too general to make a verb phrase a keyword ("need an integration" is "integration").
LIGHT_VERBS = {
    "de": frozenset("brauchen haben machen wollen suchen finden sehen wissen geben".split()),
    "en": frozenset(
        "need want like get have make use know try help see look think wish love hope require "
        "let go be do say tell ask".split()
    ),
}

# --- question openers -----------------------------------------------------------------------

# Lower-case token sequences that open a long-tail search question. Matched at the start of
# a clause; the question runs to the end of the clause.
QUESTION_OPENERS = {
    "de": (
        "wie kann ich",
        "wie kann man",
        "wie können wir",
        "wie könnten wir",
        "wie funktioniert",
        "wie lange",
        "wie viel",
        "wieviel",
        "wie teuer",
        "wie schnell",
        "wie oft",
        "was kostet",
        "was kosten",
        "was ist",
        "was sind",
        "was passiert",
        "was muss ich",
        "gibt es",
        "kann man",
        "kann ich",
        "können wir",
        "lässt sich",
        "lassen sich",
        "wo finde ich",
        "wo kann ich",
        "wann kann ich",
        "wann wird",
        "welche",
        "welcher",
        "welches",
        "warum",
        "wieso",
        "ist es möglich",
        "geht das",
        "funktioniert",
    ),
    # In spaCy's English token form ("what 's", "has n't").
    "en": (
        "how do i",
        "how can i",
        "how do you",
        "how can we",
        "how do we",
        "how to",
        "how much",
        "how long",
        "how many",
        "how does",
        "how come",
        "what is",
        "what are",
        "what 's",
        "what does",
        "what do",
        "what happens",
        "what if",
        "is there",
        "are there",
        "is it possible",
        "can i",
        "can we",
        "can you",
        "do you",
        "does it",
        "why is",
        "why was",
        "why did",
        "why does",
        "why do",
        "why has",
        "why has n't",
        "why is n't",
        "why ca n't",
        "why am i",
        "where can i",
        "where is",
        "where do i",
        "when will",
        "when can i",
        "which",
    ),
}


# --- small talk --------------------------------------------------------------------------------

# Greetings, thanks and calendar words (month abbreviations too). A phrase that starts or ends
# with one is chat about the call itself ("nächste Woche", "Termin am Montag", "next week
# works"). Not "Monat": "Kosten pro Monat" is a search. Also "siehe": a note-taker's pointer
# to another note ("siehe Gesprächsnotiz"), never the customer's words.
CALENDAR = {
    "de": frozenset(
        """
        dank danke danken gruss gruesse morgen vormittag mittag nachmittag abend nacht woche
        wochenende montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar maerz april
        mai juni juli august september oktober november dezember uhr minute stunde heute
        gestern naechst naechste letzt letzte kommend vergangen hallo tschuess moin servus
        jan feb maer apr jun jul aug sep sept okt nov dez oct dec siehe
        """.split()
    ),
    "en": frozenset(
        """
        thank thanks regard regards morning afternoon evening night week weekend
        monday tuesday wednesday thursday friday saturday sunday january february march april
        june july august september october november december tomorrow yesterday today next
        last hello hey bye jan feb mar apr jun jul aug sep sept oct nov dec
        """.split()
    ),
}
# Everyday chatter: a phrase made only of these and calendar words is small talk
# ("vielen Dank", "guten Morgen", "kurz gesagt", "thanks a lot", "good question").
SMALL_TALK = {
    "de": CALENDAR["de"]
    | frozenset(
        """
        tag monat quartal jahr zeit gut schoen freundlich lieb herzlich kurz gesagt frage antwort moment
        sekunde mal weise sache ding problem gespraech telefonat call email mail nachricht
        rueckmeldung anruf feedback punkt idee erstgespraech gespraechsnotiz notiz protokoll
        besprechung folgetermin rueckruf
        """.split()
    ),
    "en": CALENDAR["en"]
    | frozenset(
        """
        lot day month quarter year hour minute second time good great nice kind best dear question answer
        thing stuff bit way moment call email mail message feedback point idea chat talk
        discovery meeting note notes minutes recap
        """.split()
    ),
}
# Salutations: a phrase holding one is about a person, not a topic (and may hold a name).
SALUTATIONS = frozenset("herr herrn frau mr mrs ms miss dr sir madam".split())


@functools.cache
def has_spacy_language(lang: str) -> bool:
    """Whether spaCy ships a blank pipeline for this language code."""
    try:
        spacy.blank(lang)
    except (ImportError, KeyError, ValueError, OSError):
        return False
    return True
