"""Customer vocabulary: candidate phrases from customer text, counted and scored per corpus.

``PhraseExtractor``/``phrase_key``/``content_lemmas`` (extractors.phrases) find and normalise
phrases; ``build_vocabulary`` (extractors.vocabulary) turns documents into scored ``Term``s.
"""

from kundensprache.extractors.phrases import Phrase, PhraseExtractor, content_lemmas, phrase_key

__all__ = ["Phrase", "PhraseExtractor", "build_vocabulary", "content_lemmas", "phrase_key"]


def __getattr__(name: str):
    # Lazy: vocabulary imports the config/models; keep `import kundensprache.extractors` light.
    if name == "build_vocabulary":
        from kundensprache.extractors.vocabulary import build_vocabulary

        return build_vocabulary
    raise AttributeError(name)
