"""Language per document with py3langid, restricted to languages sales material plausibly has.

Restricting the candidate set makes short CRM notes ("Angebot geschickt") far more reliable;
when the model is unsure we fall back to the better of German and English, the product's
two main languages. Anything confidently else is kept and labelled with its ISO code.
"""

from __future__ import annotations

from functools import lru_cache

LANGUAGES = (
    "de", "en", "fr", "es", "it", "nl", "pl", "pt", "da", "sv", "no", "fi", "cs", "sk",
    "hu", "ro", "tr", "ru", "uk", "el", "hr", "sl",
)  # fmt: skip
MIN_CONFIDENCE = 0.6


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``; "und" when there are no letters at all."""
    sample = text[:3000]
    if not any(c.isalpha() for c in sample):
        return "und"
    script = _script_language(sample)
    if script:
        return script
    identifier = _identifier()
    lang, prob = identifier.classify(sample)
    if prob >= MIN_CONFIDENCE:
        return str(lang)
    ranked = dict(identifier.rank(sample))
    return "de" if ranked.get("de", 0.0) >= ranked.get("en", 0.0) else "en"


# Scripts that name their language outright; the Latin-trained model would guess wildly.
_SCRIPTS = (
    ("ja", ((0x3040, 0x30FF),)),  # kana (checked before Han: Japanese mixes both)
    ("ko", ((0xAC00, 0xD7AF), (0x1100, 0x11FF))),
    ("zh", ((0x4E00, 0x9FFF), (0x3400, 0x4DBF))),
    ("ar", ((0x0600, 0x06FF),)),
    ("he", ((0x0590, 0x05FF),)),
    ("th", ((0x0E00, 0x0E7F),)),
)

_FIRST_SCRIPT_CHAR = chr(min(lo for _, ranges in _SCRIPTS for lo, _ in ranges))


def _script_language(sample: str) -> str | None:
    """ja/ko/zh/ar/he/th when at least a third of the letters are in that script."""
    if max(sample, default="\0") < _FIRST_SCRIPT_CHAR:  # Latin/Cyrillic/Greek text: one C pass
        return None
    letters = [ord(c) for c in sample if c.isalpha()]
    if not letters:
        return None
    for lang, ranges in _SCRIPTS:
        hits = sum(1 for c in letters if any(lo <= c <= hi for lo, hi in ranges))
        if (lang == "ja" and hits >= 3) or hits * 3 >= len(letters):
            return lang
    return None
