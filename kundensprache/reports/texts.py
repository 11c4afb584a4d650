"""Words of the human outputs (report, briefs, summary) in the report languages."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Kundensprache – Keyword-Kandidaten {month}",
        "lead": "Wörter, die Kunden im Vertrieb benutzen, abgeglichen mit der Google Search "
        "Console. Oben steht, was sich zuerst lohnt.",
        "candidates": "Kandidaten",
        "topics": "Themen",
        "gaps": "Lücken",
        "striking": "Fast da",
        "files_read": "Dateien gelesen",
        "files_rejected": "Dateien abgelehnt",
        "by_opportunity": "Chancen nach Art",
        "topic_chart": "Themen: Kundennennungen und Suchimpressionen",
        "history": "Verlauf je Thema",
        "history_lead": "Kundennennungen je Monat aus den Unterlagen, {first} bis {last}; "
        "Suchimpressionen der Suchanfragen des Themas aus den Monaten, deren Search-Console-"
        "Zahlen gespeichert sind: {search}.",
        "new_rising": "Neu oder steigend in {month}",
        "none_new": "Keine neuen oder steigenden Themen in diesem Monat.",
        "new": "neu",
        "rising": "steigend",
        "stable": "stabil",
        "falling": "fallend",
        "moved": "Bewegung in der Suche",
        "moved_lead": "Was sich in der Suche seit {before} bewegt hat: Themen (Position ihrer "
        "Suchanfragen) und Keywords (Position ihrer Suchanfrage), Lücke → Fast da → Abgedeckt; "
        "Verbesserungen zuerst.",
        "none_moved": "Kein Thema hat seinen Stand in der Suche geändert (oder es gibt noch "
        "keinen früheren Monat mit Search-Console-Zahlen).",
        "before": "vorher",
        "now": "jetzt",
        "top_candidates": "Top 30 Kandidaten",
        "unmatched": "Suchanfragen ohne Kundensprache",
        "unmatched_lead": "Hier wird die Website gefunden, aber kein Kunde benutzt diese Worte: "
        "die Sprache des Marketings, nicht der Kunden.",
        "ingest": "Eingelesene Dateien",
        "all_read": "Alle Dateien wurden gelesen.",
        "gsc_source": "Search-Console-Zahlen dieses Monats aus",
        "gsc_none": "keiner Quelle (kein Export für den Monat, keine API): alle Kandidaten sind Lücken",
        "no_topics": "Keine Themen.",
        "footer": "Spalten und Score sind im README erklärt. Keine personenbezogenen Daten: "
        "E-Mail-Adressen, Telefonnummern und Namen sind vor dem Speichern ersetzt.",
        "keyword": "Keyword",
        "topic": "Thema",
        "accounts": "Kunden",
        "mentions": "Nennungen",
        "mentions_month": "Nennungen im Monat",
        "trend": "Trend",
        "query": "Suchanfrage",
        "position": "Position",
        "impressions": "Impressionen",
        "clicks": "Klicks",
        "opportunity": "Chance",
        "status": "Stand",
        "score": "Score",
        "file": "Datei",
        "source": "Quelle",
        "reason": "Grund",
        "page": "Seite",
        "gap": "Lücke (nicht gefunden)",
        "striking_distance": "Fast da (Position 8–20)",
        "low_ctr": "Wenig Klicks für die Position",
        "covered": "Abgedeckt (rankt gut)",
    },
    "en": {
        "title": "Kundensprache – keyword candidates {month}",
        "lead": "Words customers use with sales, checked against Google Search Console. What "
        "pays off first is at the top.",
        "candidates": "candidates",
        "topics": "topics",
        "gaps": "gaps",
        "striking": "striking distance",
        "files_read": "files read",
        "files_rejected": "files rejected",
        "by_opportunity": "Opportunities by kind",
        "topic_chart": "Topics: customer mentions and search impressions",
        "history": "History per topic",
        "history_lead": "Customer mentions per month from the documents, {first} to {last}; "
        "search impressions of the topic's queries for the months whose Search Console "
        "figures are stored: {search}.",
        "new_rising": "New or rising in {month}",
        "none_new": "No new or rising topics this month.",
        "new": "new",
        "rising": "rising",
        "stable": "stable",
        "falling": "falling",
        "moved": "What moved in search",
        "moved_lead": "What moved in search since {before}: topics (position of their queries) "
        "and keywords (position of their query), gap → striking distance → covered; "
        "improvements first.",
        "none_moved": "No topic changed its standing in search (or no earlier month has "
        "Search Console figures yet).",
        "before": "before",
        "now": "now",
        "top_candidates": "Top 30 candidates",
        "unmatched": "Queries no customer uses",
        "unmatched_lead": "The site is found for these, but no customer uses the words: "
        "marketing's language, not the customer's.",
        "ingest": "Files read",
        "all_read": "Every file was read.",
        "gsc_source": "This month's Search Console figures come from",
        "gsc_none": "nowhere (no export for the month, no API): every candidate is a gap",
        "no_topics": "No topics.",
        "footer": "Columns and score are explained in the README. No personal data: email "
        "addresses, phone numbers and names are replaced before anything is stored.",
        "keyword": "Keyword",
        "topic": "Topic",
        "accounts": "Customers",
        "mentions": "Mentions",
        "mentions_month": "Mentions in the month",
        "trend": "Trend",
        "query": "Query",
        "position": "Position",
        "impressions": "Impressions",
        "clicks": "Clicks",
        "opportunity": "Opportunity",
        "status": "Standing",
        "score": "Score",
        "file": "File",
        "source": "Source",
        "reason": "Reason",
        "page": "Page",
        "gap": "Gap (not found)",
        "striking_distance": "Striking distance (position 8–20)",
        "low_ctr": "Few clicks for the position",
        "covered": "Covered (ranks well)",
    },
}


def texts(language: str) -> dict[str, str]:
    """The words for ``language``; German where the language has none."""
    return TEXTS.get(language, TEXTS["de"])
