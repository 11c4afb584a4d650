"""German and English texts of the upload page, and the choice between them.

German is the default; English is used when the browser prefers it (Accept-Language).
Every visible text lives here so both languages stay complete: a test checks that.
"""

from __future__ import annotations

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {
        "de": "Kundensprache – Notizen übergeben",
        "en": "Kundensprache – hand over notes",
    },
    "brand": {"de": "Kundensprache", "en": "Kundensprache"},
    "tagline": {
        "de": "Gesprächsnotizen, CRM-Exporte und Kunden-E-Mails übergeben",
        "en": "Hand over call notes, CRM exports and customer emails",
    },
    "signed_in_as": {"de": "Angemeldet als", "en": "Signed in as"},
    "sign_out": {"de": "Abmelden", "en": "Sign out"},
    "sign_in": {"de": "Anmelden", "en": "Sign in"},
    "sign_in_intro": {
        "de": "Bitte melden Sie sich mit Ihrem Benutzernamen und Passwort an.",
        "en": "Please sign in with your user name and password.",
    },
    "username": {"de": "Benutzername", "en": "User name"},
    "password": {"de": "Passwort", "en": "Password"},
    "login_failed": {
        "de": "Benutzername oder Passwort ist falsch.",
        "en": "User name or password is wrong.",
    },
    "duplicate_content": {
        "de": "Dieser Inhalt liegt schon vor und wird nicht doppelt gezählt.",
        "en": "This content is already there and is not counted twice.",
    },
    "over_quota": {
        "de": "Tageskontingent erreicht (höchstens {mb} MB in 24 Stunden). Bitte morgen erneut.",
        "en": "Daily quota reached (at most {mb} MB in 24 hours). Please try again tomorrow.",
    },
    "login_throttled": {
        "de": "Zu viele fehlgeschlagene Anmeldungen. Bitte warten Sie einige Minuten.",
        "en": "Too many failed sign-ins. Please wait a few minutes.",
    },
    "no_users": {
        "de": "Es sind noch keine Benutzer eingerichtet. Bitte wenden Sie sich an das SEO-Team.",
        "en": "No users are set up yet. Please ask the SEO team.",
    },
    "upload_heading": {"de": "Neue Übergabe", "en": "New hand-over"},
    "type_legend": {"de": "Art der Unterlagen", "en": "Kind of material"},
    "source_call": {"de": "Gesprächsnotiz", "en": "Call note"},
    "source_crm": {"de": "CRM-Export", "en": "CRM export"},
    "source_email": {"de": "E-Mail", "en": "Email"},
    "source_call_hint": {
        "de": "Notizen oder Mitschrift eines Gesprächs",
        "en": "Notes or transcript of a call",
    },
    "source_crm_hint": {"de": "Notizen-Export aus dem CRM", "en": "Notes export from the CRM"},
    "source_email_hint": {"de": "E-Mail eines Kunden", "en": "A customer's email"},
    "files_label": {"de": "Dateien", "en": "Files"},
    "drop_here": {"de": "Dateien hierher ziehen", "en": "Drag files here"},
    "files_hint": {
        "de": "Höchstens {mb} MB pro Übergabe. Die Dateiendung muss zur gewählten Art passen.",
        "en": "At most {mb} MB per hand-over. The file type must match the kind chosen above.",
    },
    "choose_files": {"de": "Dateien auswählen", "en": "Choose files"},
    "files_chosen": {"de": "Ausgewählt:", "en": "Chosen:"},
    "too_big_client": {
        "de": "Die Auswahl ist größer als {mb} MB. Bitte in mehreren Schritten übergeben.",
        "en": "The selection is larger than {mb} MB. Please hand it over in several steps.",
    },
    "paste_label": {"de": "…oder Notiz einfügen", "en": "…or paste a note"},
    "paste_hint": {
        "de": "Text direkt einfügen, z. B. Ihre Mitschrift oder die Worte des Kunden.",
        "en": "Paste text directly, e.g. your notes or the customer's words.",
    },
    "role_label": {"de": "Wessen Worte sind das?", "en": "Whose words are these?"},
    "role_customer": {"de": "Wörtlich vom Kunden", "en": "The customer's own words"},
    "role_rep": {"de": "Meine Notizen", "en": "My notes"},
    "role_unknown": {"de": "Gemischt / weiß nicht", "en": "Mixed / not sure"},
    "details_legend": {"de": "Optional", "en": "Optional"},
    "account_label": {"de": "Kunde (Firma)", "en": "Customer account (company)"},
    "account_hint": {"de": "z. B. Müller GmbH", "en": "e.g. Miller Ltd"},
    "date_label": {"de": "Datum des Gesprächs", "en": "Date of the conversation"},
    "submit": {"de": "Hochladen", "en": "Upload"},
    "recent_heading": {"de": "Ihre letzten Übergaben", "en": "Your recent hand-overs"},
    "recent_empty": {
        "de": "Noch nichts übergeben.",
        "en": "Nothing handed over yet.",
    },
    "col_file": {"de": "Datei", "en": "File"},
    "col_uploaded": {"de": "Hochgeladen", "en": "Uploaded"},
    "col_status": {"de": "Status", "en": "Status"},
    "status_received": {"de": "Empfangen", "en": "Received"},
    "status_ingested": {"de": "Verarbeitet", "en": "Ingested"},
    "status_rejected": {"de": "Abgelehnt", "en": "Rejected"},
    "pasted_note": {"de": "Eingefügte Notiz", "en": "Pasted note"},
    "unnamed_file": {"de": "(Datei ohne Namen)", "en": "(file without a name)"},
    "process_now": {"de": "Jetzt verarbeiten", "en": "Process now"},
    "process_hint": {
        "de": "{n} Datei(en) warten auf die Verarbeitung. Ohne Klick geschieht das beim nächsten Monatslauf.",
        "en": "{n} file(s) waiting to be processed. Without a click this happens in the next monthly run.",
    },
    "nothing_to_process": {
        "de": "Alle Ihre Übergaben sind verarbeitet.",
        "en": "All your hand-overs are processed.",
    },
    "batch_result": {
        "de": "{ok} Datei(en) empfangen, {bad} abgelehnt.",
        "en": "{ok} file(s) received, {bad} rejected.",
    },
    "run_result": {
        "de": "Verarbeitet: {ok} Datei(en) übernommen, {bad} abgelehnt.",
        "en": "Processed: {ok} file(s) ingested, {bad} rejected.",
    },
    "run_failed": {
        "de": "Die Verarbeitung ist fehlgeschlagen. Ihre Dateien bleiben erhalten und werden beim nächsten Lauf verarbeitet.",
        "en": "Processing failed. Your files are kept and will be processed in the next run.",
    },
    "nothing_given": {
        "de": "Bitte wählen Sie eine Datei aus oder fügen Sie eine Notiz ein.",
        "en": "Please choose a file or paste a note.",
    },
    "bad_source": {
        "de": "Bitte wählen Sie die Art der Unterlagen.",
        "en": "Please choose the kind of material.",
    },
    "bad_role": {
        "de": "Bitte wählen Sie, wessen Worte das sind.",
        "en": "Please choose whose words these are.",
    },
    "bad_date": {
        "de": "Das Datum ist ungültig (erwartet: JJJJ-MM-TT).",
        "en": "The date is not valid (expected: YYYY-MM-DD).",
    },
    "bad_account": {
        "de": "Der Kundenname ist zu lang (höchstens 200 Zeichen).",
        "en": "The account name is too long (at most 200 characters).",
    },
    "type_not_allowed": {
        "de": "Dateityp „{ext}“ passt nicht zu „{kind}“. Erlaubt: {types}.",
        "en": "File type “{ext}” does not fit “{kind}”. Allowed: {types}.",
    },
    "no_extension": {
        "de": "Die Datei hat keine Endung. Erlaubt für „{kind}“: {types}.",
        "en": "The file has no extension. Allowed for “{kind}”: {types}.",
    },
    "empty_file": {"de": "Die Datei ist leer.", "en": "The file is empty."},
    "store_failed": {
        "de": "Die Datei konnte nicht gespeichert werden. Bitte später erneut versuchen.",
        "en": "The file could not be stored. Please try again later.",
    },
    "file_gone": {
        "de": "Die Datei liegt nicht mehr im Eingang.",
        "en": "The file is no longer in the inbox.",
    },
    "err_title": {"de": "Fehler", "en": "Error"},
    "err_back": {"de": "Zurück zur Übergabe", "en": "Back to the upload page"},
    "err_401": {"de": "Bitte melden Sie sich zuerst an.", "en": "Please sign in first."},
    "err_403": {
        "de": "Das Formular ist abgelaufen oder ungültig. Bitte laden Sie die Seite neu und versuchen Sie es erneut.",
        "en": "The form has expired or is not valid. Please reload the page and try again.",
    },
    "err_404": {"de": "Diese Seite gibt es nicht.", "en": "This page does not exist."},
    "err_405": {
        "de": "Diese Aktion ist hier nicht möglich.",
        "en": "This action is not possible here.",
    },
    "err_400": {
        "de": "Die Übergabe konnte nicht gelesen werden (z. B. wegen eines extrem langen Dateinamens). Bitte benennen Sie die Datei um und versuchen Sie es erneut.",
        "en": "The hand-over could not be read (e.g. because of an extremely long file name). Please rename the file and try again.",
    },
    "err_413": {
        "de": "Die Übergabe ist zu groß (höchstens {mb} MB). Bitte in mehreren Schritten übergeben.",
        "en": "The hand-over is too large (at most {mb} MB). Please hand it over in several steps.",
    },
    "err_408": {
        "de": "Die Anfrage kam zu langsam an und wurde abgebrochen. Bitte erneut versuchen.",
        "en": "The request arrived too slowly and was cut off. Please try again.",
    },
    "err_500": {
        "de": "Etwas ist schiefgegangen. Bitte versuchen Sie es erneut; das Problem wurde protokolliert.",
        "en": "Something went wrong. Please try again; the problem has been logged.",
    },
}


def pick_language(accept_language: str | None) -> str:
    """The best of LANGUAGES for an Accept-Language header; German when nothing fits."""
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        # Earlier entries win ties, as browsers list them in order of preference.
        score = q - position * 1e-6
        if q > 0 and score > best_q:
            best, best_q = primary, score
    return best


def translator(language: str):
    """``t(key, **values)`` for one language; a missing key is a bug, so it raises."""

    def t(key: str, **values: object) -> str:
        text = TEXTS[key][language]
        return text.format(**values) if values else text

    return t
