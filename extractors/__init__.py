"""Customer vocabulary: candidate phrases from customer text, counted and scored per corpus.

``PhraseExtractor``/``phrase_key``/``content_lemmas`` (extractors.phrases) find and normalise
phrases; ``build_vocabulary`` (extractors.vocabulary) turns documents into scored ``Term``s.
"""

from kundensprache.extractors.phrases import Phrase, PhraseExtractor, content_lemmas, phrase_key
from kundensprache.extractors.vocabulary import build_vocabulary

__all__ = ["Phrase", "PhraseExtractor", "build_vocabulary", "content_lemmas", "phrase_key"]
