"""Adversarial text for the ReDoS tests and benchmark: short units pumped to a given size.

Each input repeats a unit that sits inside many of the patterns a text path runs (spaces after
a closing phrase, unclosed tags and brackets, long runs of name-like words, digits with
separators, half an email address …) — the shapes that make a backtracking regex go
quadratic or worse. Both the test (tests/test_redos.py) and the benchmark
(benchmarks/bench_redos.py) use this one list.
"""

from __future__ import annotations

# (label, prefix, unit, suffix): the unit is repeated until the whole text has the asked size.
PUMPS: list[tuple[str, str, str, str]] = [
    ("spaces after Gruß", "Gruß", " ", "x"),
    ("spaces after Grüße", "Viele Grüße", " ", "x\n"),
    ("tabs and newlines", "Best regards,", " \t\n", "x"),
    ("newlines", "Hallo", "\n", "a"),
    ("spaces", "", " ", "!"),
    ("letters", "", "a", "!"),
    ("capitals", "", "A", "!"),
    ("digits", "", "1", "x"),
    ("digits and spaces", "Tel ", "1 ", "x"),
    ("digits and dots", "+49", "1.", "x"),
    ("digits and dashes", "0", "1-", "-"),
    ("phone-ish groups", "(0", "8 9) ", "x"),
    ("unclosed comments", "", "<!--", ""),
    ("unclosed tags", "", "<a ", ""),
    ("open angle brackets", "", "<", "x"),
    ("open parentheses", "", "(", "x"),
    ("open square brackets", "", "[", "x"),
    ("asterisks", "", "*", "x"),
    ("markdown emphasis", "", "*a ", "x"),
    ("at signs", "", "a@", "x"),
    ("dotted words", "", "a.", "@"),
    ("obfuscated email", "anna", " at a", " dot"),
    ("dashes", "", "-", "x"),
    ("colons", "", "a:", "x"),
    ("name words", "", "Anna ", "x"),
    ("surname words", "Herr ", "Schmidt-", "x"),
    ("initials", "", "A. ", "x"),
    ("titles", "Frau ", "Dr. ", "x"),
    ("street-ish", "", "Aa ", "1"),
    ("url path", "https://", "a/", " "),
    ("url query", "https://a.de/?", "a=b&", " "),
    ("iban-ish", "DE75", " 5121", "x"),
    ("quote markers", "", "> ", "x"),
    ("header-like lines", "", "Von: a\n", ""),
    ("attribution-ish", "Am ", "1, ", "x"),
    ("timestamps", "", "00:00 ", "x"),
    ("word then colon spaces", "Name", " ", ": x"),
    ("html entities", "", "&amp", ";"),
    ("mixed punctuation", "", ".,;:-/", "x"),
]


def pumped(prefix: str, unit: str, suffix: str, size: int) -> str:
    """``prefix + unit * k + suffix`` of about ``size`` characters."""
    room = max(size - len(prefix) - len(suffix), len(unit))
    return prefix + unit * (room // len(unit)) + suffix


def adversarial_texts(size: int) -> list[tuple[str, str]]:
    """Every pump as (label, text) at ``size`` characters."""
    return [(label, pumped(p, u, s, size)) for label, p, u, s in PUMPS]


# --------------------------------------------------------------------------- entry points
def _csv(header: list[str], row: list[str]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerow(row)
    return out.getvalue().encode("utf-8")


def _email(body: str, subject: str = "Anfrage") -> bytes:
    """A plain-text email as a mail client writes it (8bit UTF-8 body)."""
    head = (
        "From: Kunde <kunde@example.org>\nTo: vertrieb@example.com\n"
        f"Subject: {subject}\nDate: Mon, 02 Mar 2026 10:00:00 +0100\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
    )
    return (head + body + "\n").encode("utf-8")


def _upload_paste(source: str):
    def run(text: str) -> None:
        from datetime import UTC, datetime

        from kundensprache.core.config import Config
        from kundensprache.ingest import validate_upload
        from kundensprache.upload.inbox import UploadMeta, pasted_file

        meta = UploadMeta(
            source=source, account=None, date=None, speaker_role="customer",
            uploaded_by="anna", original_name=None,
            uploaded_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        )  # fmt: skip
        data, extension = pasted_file(text, source, meta)
        validate_upload("note" + extension, data, source, Config())

    return run


def _file_entry(name: str, source: str, make):
    """Read and redact one file through the ingest's own per-file path (read_file)."""

    def run(text: str) -> None:
        import tempfile
        from pathlib import Path

        from kundensprache.core.config import Config
        from kundensprache.ingest import read_file

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            path.write_bytes(make(text))
            read_file(path, source, Config())

    return run


def _redact(text: str) -> None:
    from kundensprache.ingest.redact import redact

    redact(text)


# name -> callable(text): every place where user text is processed.
ENTRY_POINTS = {
    "redaction": _redact,
    "crm note cell": _file_entry("notes.csv", "crm", lambda t: _csv(["Notiz", "Firma"], [t, "X"])),
    "crm contact cell": _file_entry(
        "notes.csv", "crm", lambda t: _csv(["Notiz", "Kontakt"], ["Kunde fragt nach Preisen", t])
    ),
    "email body": _file_entry("mail.eml", "email", _email),
    "email subject": _file_entry(
        "mail.eml", "email", lambda t: _email("Kunde fragt nach Preisen", t.replace("\n", " "))
    ),
    "call note (.md)": _file_entry("note.md", "call", str.encode),
    "transcript (.vtt)": _file_entry(
        "call.vtt", "call", lambda t: f"WEBVTT\n\n00:00.000 --> 00:05.000\n<v Kunde>{t}\n".encode()
    ),
    "captions (.srt)": _file_entry(
        "call.srt", "call", lambda t: f"1\n00:00:00,000 --> 00:00:05,000\n{t}\n".encode()
    ),
    "upload paste (call)": _upload_paste("call"),
    "upload paste (email)": _upload_paste("email"),
    "upload paste (crm)": _upload_paste("crm"),
}
