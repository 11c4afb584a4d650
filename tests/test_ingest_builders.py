"""Builders for ingest test fixtures: Word, Excel, Outlook .msg and mail files made in tests.

No pip package writes Outlook .msg files, so ``make_msg`` writes one itself: an OLE compound
file (MS-CFB, version 3, 512-byte sectors, mini stream for small streams) holding the MAPI
property layout of MS-OXMSG (``__properties_version1.0``, ``__substg1.0_*`` streams,
recipient storages, the named-property storage) with the properties Outlook writes for a
plain received mail: subject, sender, display To/Cc, submit/delivery times, transport headers,
plain and HTML body. extract-msg, the reader the product uses, reads it like an Outlook file.

This module holds no tests; it is imported by the ingest test files.
"""

from __future__ import annotations

import io
import struct
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

# ----------------------------------------------------------------------------- Word / Excel


def make_docx(paragraphs: list[str], table: list[tuple[str, str]] | None = None) -> bytes:
    """A .docx with the given paragraphs ('# ' prefix = heading) and an optional 2-col table."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        if text.startswith("# "):
            document.add_heading(text[2:], level=1)
        else:
            document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=2)
        for row, (key, value) in zip(grid.rows, table, strict=True):
            row.cells[0].text = key
            row.cells[1].text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(
    rows: list[list], sheet_title: str = "Notes", extra_sheet_first: bool = False
) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if extra_sheet_first:
        sheet.title = "Info"
        sheet.append(["Export", "created by CRM"])
        sheet = book.create_sheet(sheet_title)
    else:
        sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------- email


def make_eml(
    sender: str,
    to: str,
    subject: str,
    body: str,
    *,
    when: datetime = datetime(2026, 9, 15, 10, 12, tzinfo=UTC),
    html: str | None = None,
    cc: str = "",
    charset: str = "utf-8",
    cte: str | None = None,
) -> bytes:
    """An RFC 5322 message; ``cte`` forces quoted-printable or base64 for the text part."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{abs(hash((sender, subject, body))) % 10**12}@example.test>"
    if body:
        msg.set_content(body, charset=charset, cte=cte)
    if html is not None:
        if body:
            msg.add_alternative(html, subtype="html", charset=charset, cte=cte)
        else:
            msg.set_content(html, subtype="html", charset=charset, cte=cte)
    return bytes(msg)


# ----------------------------------------------------------------------------- Outlook .msg

_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_SECTOR, _MINI, _CUTOFF = 512, 64, 4096

PT_LONG, PT_SYSTIME, PT_UNICODE, PT_BINARY = 0x0003, 0x0040, 0x001F, 0x0102


class _Node:
    def __init__(self, name: str, data: bytes | None = None):
        self.name = name
        self.data = data  # None: storage
        self.children: list[_Node] = []
        self.sid = 0
        self.left = self.right = self.child = _NOSTREAM
        self.start = _END
        self.size = 0


def _cfb_key(node: _Node) -> tuple[int, str]:
    return (len(node.name), node.name.upper())


def _write_cfb(root: _Node) -> bytes:
    """Serialise a storage tree as a version-3 compound file."""
    nodes: list[_Node] = []

    def number(node: _Node) -> None:
        node.sid = len(nodes)
        nodes.append(node)
        for child in sorted(node.children, key=_cfb_key):
            number(child)

    number(root)

    def tree(children: list[_Node]) -> int:
        if not children:
            return _NOSTREAM
        mid = len(children) // 2
        node = children[mid]
        node.left = tree(children[:mid])
        node.right = tree(children[mid + 1 :])
        return node.sid

    for node in nodes:
        if node.data is None:
            node.child = tree(sorted(node.children, key=_cfb_key))

    mini_stream = bytearray()
    mini_fat: list[int] = []
    big: list[_Node] = []
    for node in nodes[1:]:
        if node.data is None:
            continue
        node.size = len(node.data)
        if node.size == 0:
            node.start = _END
        elif node.size < _CUTOFF:
            count = -(-node.size // _MINI)
            node.start = len(mini_fat)
            mini_fat.extend(range(node.start + 1, node.start + count))
            mini_fat.append(_END)
            mini_stream += node.data + b"\0" * (count * _MINI - node.size)
        else:
            big.append(node)

    def sectors(n_bytes: int) -> int:
        return -(-n_bytes // _SECTOR)

    dir_sectors = sectors(len(nodes) * 128)
    minifat_sectors = sectors(len(mini_fat) * 4)
    ministream_sectors = sectors(len(mini_stream))
    big_sectors = [sectors(len(n.data or b"")) for n in big]
    data_sectors = dir_sectors + minifat_sectors + ministream_sectors + sum(big_sectors)
    fat_sectors = 1
    while fat_sectors * 128 < data_sectors + fat_sectors:
        fat_sectors += 1
    assert fat_sectors <= 109, "fixture too large for the header DIFAT"

    fat: list[int] = [_FATSECT] * fat_sectors
    body = bytearray()

    def place(payload: bytes, count: int) -> int:
        first = len(fat)
        for k in range(count):
            fat.append(first + k + 1 if k < count - 1 else _END)
        body.extend(payload + b"\0" * (count * _SECTOR - len(payload)))
        return first

    root.size = len(mini_stream)
    dir_start = len(fat)
    place(b"\0" * (dir_sectors * _SECTOR), dir_sectors)  # filled in below
    minifat_start = (
        place(b"".join(struct.pack("<I", v) for v in mini_fat), minifat_sectors)
        if mini_fat
        else _END
    )
    root.start = place(bytes(mini_stream), ministream_sectors) if mini_stream else _END
    for node, count in zip(big, big_sectors, strict=True):
        node.start = place(node.data or b"", count)
    fat.extend([_FREE] * (fat_sectors * 128 - len(fat)))

    entries = bytearray()
    for node in nodes:
        name = node.name.encode("utf-16-le")
        kind = 5 if node is root else (1 if node.data is None else 2)
        entries += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name + b"\0\0",
            len(name) + 2,
            kind,
            1,
            node.left,
            node.right,
            node.child,
            b"\0" * 16,
            0,
            0,
            0,
            node.start,
            node.size,
        )
    empty = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM,
                        b"\0" * 16, 0, 0, 0, 0, 0)  # fmt: skip
    while len(entries) < dir_sectors * _SECTOR:
        entries += empty
    offset = (dir_start - fat_sectors) * _SECTOR
    body[offset : offset + len(entries)] = entries

    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        fat_sectors,
        dir_start,
        0,
        _CUTOFF,
        minifat_start,
        minifat_sectors,
        _END,
        0,
    ) + b"".join(struct.pack("<I", v) for v in difat)
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    return header + fat_bytes + bytes(body)


def _filetime(when: datetime) -> int:
    return int((when - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10_000_000)


def _props(props: list[tuple[int, int, object]], header: bytes) -> tuple[bytes, list[_Node]]:
    """(__properties_version1.0 bytes, __substg1.0_* stream nodes) for (id, type, value)."""
    table = bytearray(header)
    streams = []
    for prop_id, prop_type, value in props:
        tag = (prop_id << 16) | prop_type
        if prop_type == PT_UNICODE:
            # The stream holds no terminator; the size counts one (MS-OXMSG 2.4.2.2.1).
            data = str(value).encode("utf-16-le")
            table += struct.pack("<IIII", tag, 0x6, len(data) + 2, 0)
            streams.append(_Node(f"__substg1.0_{prop_id:04X}{prop_type:04X}", data))
        elif prop_type == PT_BINARY:
            data = bytes(value)  # type: ignore[arg-type]
            table += struct.pack("<IIII", tag, 0x6, len(data), 0)
            streams.append(_Node(f"__substg1.0_{prop_id:04X}{prop_type:04X}", data))
        elif prop_type == PT_SYSTIME:
            table += struct.pack("<IIQ", tag, 0x6, _filetime(value))  # type: ignore[arg-type]
        else:
            table += struct.pack("<IIiI", tag, 0x6, int(value), 0)  # type: ignore[call-overload]
    return bytes(table), streams


def make_msg(
    sender_name: str,
    sender_email: str,
    recipients: list[tuple[str, str, int]],  # (name, address, 1=To / 2=Cc)
    subject: str,
    body: str,
    *,
    html: str | None = None,
    when: datetime = datetime(2026, 9, 16, 8, 45, tzinfo=UTC),
) -> bytes:
    """An Outlook .msg of a received mail (see module docstring)."""
    to = "; ".join(n for n, _, kind in recipients if kind == 1)
    cc = "; ".join(n for n, _, kind in recipients if kind == 2)
    headers = (
        f"Received: from mail.example.test (192.0.2.1) by exchange.example.test\r\n"
        f"From: {sender_name} <{sender_email}>\r\n"
        f"To: {', '.join(f'{n} <{a}>' for n, a, k in recipients if k == 1)}\r\n"
        + (f"CC: {', '.join(f'{n} <{a}>' for n, a, k in recipients if k == 2)}\r\n" if cc else "")
        + f"Subject: {subject}\r\nDate: {format_datetime(when)}\r\n"
        f"Message-ID: <{abs(hash(subject)) % 10**10}@example.test>\r\n"
        'Content-Type: multipart/alternative; boundary="b1"\r\nMIME-Version: 1.0\r\n\r\n'
    )
    props: list[tuple[int, int, object]] = [
        (0x001A, PT_UNICODE, "IPM.Note"),
        (0x0037, PT_UNICODE, subject),
        (0x0E1D, PT_UNICODE, subject),  # PR_NORMALIZED_SUBJECT
        (0x0C1A, PT_UNICODE, sender_name),
        (0x0C1F, PT_UNICODE, sender_email),
        (0x0C1E, PT_UNICODE, "SMTP"),
        (0x0042, PT_UNICODE, sender_name),  # PR_SENT_REPRESENTING_NAME
        (0x0065, PT_UNICODE, sender_email),  # PR_SENT_REPRESENTING_EMAIL_ADDRESS
        (0x0E04, PT_UNICODE, to),
        (0x0E03, PT_UNICODE, cc),
        (0x0E02, PT_UNICODE, ""),
        (0x0039, PT_SYSTIME, when),  # PR_CLIENT_SUBMIT_TIME
        (0x0E06, PT_SYSTIME, when),  # PR_MESSAGE_DELIVERY_TIME
        (0x007D, PT_UNICODE, headers),  # PR_TRANSPORT_MESSAGE_HEADERS
        (0x1000, PT_UNICODE, body),  # PR_BODY
        (0x3FDE, PT_LONG, 65001),  # PR_INTERNET_CPID: UTF-8
        (0x340D, PT_LONG, 0x00040000),  # PR_STORE_SUPPORT_MASK: STORE_UNICODE_OK
        (0x0E07, PT_LONG, 1),  # PR_MESSAGE_FLAGS: read
        (0x0017, PT_LONG, 1),  # PR_IMPORTANCE: normal
    ]
    if html is not None:
        props.append((0x1013, PT_BINARY, html.encode("utf-8")))  # PR_HTML
    n = len(recipients)
    table, streams = _props(props, struct.pack("<8sIIII8s", b"", n, 0, n, 0, b""))
    root = _Node("Root Entry")
    root.children = [_Node("__properties_version1.0", table), *streams]
    for i, (name, address, kind) in enumerate(recipients):
        r_table, r_streams = _props(
            [
                (0x0C15, PT_LONG, kind),  # PR_RECIPIENT_TYPE
                (0x3001, PT_UNICODE, name),  # PR_DISPLAY_NAME
                (0x3003, PT_UNICODE, address),  # PR_EMAIL_ADDRESS
                (0x3002, PT_UNICODE, "SMTP"),  # PR_ADDRTYPE
                (0x39FE, PT_UNICODE, address),  # PR_SMTP_ADDRESS
                (0x3000, PT_LONG, i),  # PR_ROWID
            ],
            b"\0" * 8,
        )
        storage = _Node(f"__recip_version1.0_#{i:08X}")
        storage.children = [_Node("__properties_version1.0", r_table), *r_streams]
        root.children.append(storage)
    nameid = _Node("__nameid_version1.0")
    nameid.children = [
        _Node("__substg1.0_00020102", b""),
        _Node("__substg1.0_00030102", b""),
        _Node("__substg1.0_00040102", b""),
    ]
    root.children.append(nameid)
    return _write_cfb(root)
