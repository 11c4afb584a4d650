"""PDF call notes and meeting summaries (exports from note apps, CRMs, call recorders).

Only the text layer is read, through pypdf: a scanned page is an image without text and is
refused with that reason (no OCR here). Encrypted files that need a password are refused
too. Pages are joined with blank lines; the note rules (header block, speaker labels) then
apply as for a .txt note.
"""

from __future__ import annotations

import io
import logging

from kundensprache.ingest.errors import Rejected

MAX_PAGES = 500


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF; Rejected for corrupt, locked or text-less (scanned) files."""
    if not data.startswith(b"%PDF"):
        raise Rejected("not a PDF file (no %PDF header)")
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        logging.getLogger("pypdf").setLevel(logging.ERROR)
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Rejected("password-protected PDF; save it without a password")
        pages = reader.pages
        if len(pages) > MAX_PAGES:
            raise Rejected(f"PDF has {len(pages)} pages; at most {MAX_PAGES} are read")
        texts = [(page.extract_text() or "").strip() for page in pages]
    except Rejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise Rejected(f"corrupt or truncated PDF: {type(exc).__name__}: {exc}") from exc
    text = "\n\n".join(t for t in texts if t)
    if sum(c.isalnum() for c in text) < 20:
        raise Rejected(
            "PDF without a text layer (a scan or image); export the note as text or run OCR first"
        )
    return text
