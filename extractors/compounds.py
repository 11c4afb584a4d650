"""German closed compounds: "Handwerkersoftware" -> ("handwerker", "software").

Customers write "Handwerkersoftware", "Handwerker-Software" and "Software für Handwerker" for
one need, and a Search Console query may use any of them. Cutting a rare closed compound into
its parts gives all three one key (:func:`extractors.normalize.content_lemmas`).

Frequency-based, after Koehn & Knight (2003), with wordfreq's everyday German:

- Only words everyday German rarely uses as a whole are cut (Zipf < ``SPLIT_BELOW_ZIPF``).
  Lexicalised compounds that are words of their own stay whole: "Steuerberater" (Zipf 3.5),
  "Datenschutz", "Arbeitszeit", "Mitarbeiter", "Betriebssystem". So do short words
  ("Angebot", "Wartung": no cut leaves two words).
- The head (last part) is the longest common word (Zipf >= ``HEAD_MIN_ZIPF``) the compound
  ends in: "Datev|schnittstelle", not "Datevschnitt|stelle"; "Arbeitszeit|erfassung", not
  "Arbeitszeiter|fassung". German compounds are right-headed, and the long known word is
  the safe reading.
- The parts in front may be rarer (Zipf >= ``MODIFIER_MIN_ZIPF``), so product names cut off
  too ("Datev|schnittstelle", "Lexware|schnittstelle"). A modifier loses a Fugen-s
  ("Wartungs|vertrag" -> wartung), is otherwise kept as written when it is a word
  ("Handwerker|software", not "Handwerk|er|software"), else loses another linking element
  (-es, -en, -er, -n, -e) or is cut further ("Lager|verwaltungs|software").
- wordfreq also counts word pieces and chat forms ("nich", "aufs", "erin", "chen"), so a
  short part must be a noun (a noun form of the German lemma table); a head of fewer than
  ``LONG_PART`` letters too; a head that is an inflected verb or adjective is none
  ("gesundheits|ökonomische"), nor are endings such as "-ende" or "-erin"; a modifier is no
  participle prefix ("aufge-"). No part may be a stop word ("Weiterleitung" stays whole:
  "weiter" would vanish from the key).
- Each part is then treated like a word of its own, so "Arbeitszeiterfassung" gives
  arbeitszeit + erfassung, the same as "Erfassung der Arbeitszeit".

Known limits: three-letter parts are never cut off ("CRMsystem", "Handwerkerapp" stay whole;
the hyphenated spellings are split anyway), and rare proper names can be cut
("Stromberger" -> strom + berger). In a random sample of 200 rare German words (Zipf 1-3,
8+ letters) about 45 % are cut, almost all of them sensibly.

Cached per word: the cost is paid once per distinct word, never per token.
"""

from __future__ import annotations

import functools

from kundensprache.extractors.frequency import zipf
from kundensprache.extractors.lemmas import lemma_table
from kundensprache.extractors.lexicon import key_stop_words

SPLIT_BELOW_ZIPF = 3.0
HEAD_MIN_ZIPF = 3.0
MODIFIER_MIN_ZIPF = 2.0
MIN_PART = 4
MIN_WORD = 2 * MIN_PART
MAX_PARTS = 4
LONG_PART = 6  # a head this long needs no noun evidence; a modifier needs 5 letters
# Words that end other words without being their head: participles ("bohr|ende"),
# feminine and diminutive endings ("Pfarr|erin", "Mäd|chen").
_NOT_HEADS = frozenset("ende enden ender endes erin erinnen innen chen lein".split())
MAX_WORD = 40  # longer "words" are codes or garbage; cutting them is not worth the time
LINKS = ("es", "en", "er", "s", "n", "e")


@functools.lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a rare German closed compound (lower-case), or ``(word,)``.

    ``split_compound("handwerkersoftware") == ("handwerker", "software")``;
    ``split_compound("steuerberater") == ("steuerberater",)``.
    """
    if not MIN_WORD <= len(word) <= MAX_WORD or not word.isalpha():
        return (word,)
    if zipf(word, "de") >= SPLIT_BELOW_ZIPF:
        return (word,)
    return _cut(word, MAX_PARTS) or (word,)


@functools.lru_cache(maxsize=200_000)
def _cut(word: str, max_parts: int) -> tuple[str, ...] | None:
    """Modifier(s) + head, the head as long as possible: "arbeitszeit|erfassung", not
    "arbeitszeiter|fassung"; the modifier as written if it is a word, else without its
    linking element ("wartungs" -> "wartung"), else cut further ("lagerverwaltungs")."""
    for i in range(MIN_PART - 1, len(word) - MIN_PART + 2):
        head = word[i:]
        if not _is_word(head, HEAD_MIN_ZIPF):
            continue
        for modifier in _without_link(word[:i]):
            left = _as_part(modifier, max_parts - 1)
            if left is not None:
                return (*left, head)
    return None


def _without_link(modifier: str) -> list[str]:
    """The modifier's readings, best first: without a Fugen-s ("wartungs" -> "wartung",
    wordfreq knows "rechnungs" as a piece of hyphenated words), as written ("kunden",
    "handwerker"), then without another linking element."""
    found = []
    for link in LINKS:
        if modifier.endswith(link) and len(modifier) - len(link) >= MIN_PART:
            found.append(modifier[: -len(link)])
    genitive = [f for f in found if modifier.endswith(("s", "es")) and len(f) >= len(modifier) - 2]
    return [*genitive[:1], modifier, *found]


def _is_word(text: str, min_zipf: float) -> bool:
    """A word of its own, not a fragment: common enough, not a stop word, and a noun or long.

    wordfreq counts word pieces and chat forms too ("nich", "aufs", "erin", "chen"): a piece
    without noun evidence (see _nouns) must be long.
    """
    if len(text) < MIN_PART or text in key_stop_words("de") or zipf(text, "de") < min_zipf:
        return False
    head = min_zipf >= HEAD_MIN_ZIPF
    if head and text in _NOT_HEADS:
        return False
    if text in _nouns():
        return True
    if head:  # long, and no inflected verb or adjective ("gesundheits|ökonomische")
        return len(text) >= LONG_PART and text not in _inflected_forms()
    # A modifier: a name ("Datev") or stem; not a participle's prefix ("aufge", "ausge").
    return len(text) >= LONG_PART - 1 and not text.endswith("ge")


def _as_part(text: str, max_parts: int) -> tuple[str, ...] | None:
    """A modifier as parts: a word, kept whole the way it would be on its own, or a rare
    word cut further; None if it is neither."""
    if max_parts < 1:
        return None
    if _is_word(text, MODIFIER_MIN_ZIPF):
        parts = split_compound(text)  # a part is normalised like the same word on its own
        return parts if len(parts) <= max_parts else (text,)
    if max_parts < 2 or len(text) < MIN_WORD - 1:
        return None
    return _cut(text, max_parts)


@functools.cache
def _nouns() -> frozenset[str]:
    """Lower-case German noun forms: capitalised in the spacy-lookups-data lemma table, as a
    form or as a lemma. Evidence that a short piece is a word and not a fragment."""
    table = lemma_table("de")
    nouns = {k.lower() for k in table if k[:1].isupper()}
    nouns |= {v.lower() for v in table.values() if isinstance(v, str) and v[:1].isupper()}
    return frozenset(nouns)


def german_nouns() -> frozenset[str]:
    """Lower-case German noun forms (see :func:`_nouns`)."""
    return _nouns()


@functools.cache
def _inflected_forms() -> frozenset[str]:
    """Lower-case inflected verb and adjective forms (the lemma table's lower-case keys)."""
    return frozenset(k for k in lemma_table("de") if k[:1].islower())
