"""Who wrote a mail: own domain or staff (rep) or customer, the account, the names to redact."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kundensprache.ingest.person_names import FIRST_NAMES
from kundensprache.ingest.redact import name_parts

FREEMAIL = {
    "gmail.com", "googlemail.com", "web.de", "gmx.de", "gmx.net", "gmx.at", "gmx.ch",
    "t-online.de", "outlook.com", "outlook.de", "hotmail.com", "hotmail.de", "live.com",
    "live.de", "yahoo.com", "yahoo.de", "icloud.com", "me.com", "aol.com", "freenet.de",
    "posteo.de", "mailbox.org", "protonmail.com", "proton.me", "arcor.de", "online.de",
    "bluewin.ch", "msn.com",
}  # fmt: skip


@dataclass
class EmailContext:
    domains: list[str] = field(default_factory=list)  # own domains: outbound mail is "rep"
    people: list[str] = field(default_factory=list)
    default_role: str = "unknown"  # when no own domains are configured


def names_from(addresses: list[tuple[str, str]]) -> set[str]:
    """Names to redact from address headers: display names (a hyphenated surname also by
    its halves, as text often shortens it) and the pieces of a "first.last" local part.
    A one-word local part ("example@", "vertrieb@") is a name only if it is a first name."""
    names = set()
    for display, addr in addresses:
        if display and "@" not in display:
            names.add(display)
            for part in name_parts(display):
                names.update(h for h in part.split("-") if len(h) >= 3 and "-" in part)
        local = addr.split("@", 1)[0] if "@" in addr else ""
        pieces = [p for p in re.split(r"[._\-+]", local) if len(p) >= 3 and p.isalpha()]
        for piece in pieces:
            known = piece.capitalize() in FIRST_NAMES
            if (len(pieces) >= 2 or known) and name_parts(piece):
                names.add(piece.capitalize())
    return names


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower().strip(" >") if "@" in address else ""


def own_address(address: str, domains: list[str]) -> bool:
    domain = _domain(address)
    return any(domain == d.lower() or domain.endswith("." + d.lower()) for d in domains if d)


def role_for(address: str, display: str, ctx: EmailContext, default: str | None = None) -> str:
    """rep for our own domains or staff, customer for other addresses; without an address
    (a pasted body, a quote with a bare name) the uploader's role or unknown."""
    if address and ctx.domains:
        return "rep" if own_address(address, ctx.domains) else "customer"
    if display and any(same_person(display, p) for p in ctx.people):
        return "rep"
    return ctx.default_role if default is None else default


def same_person(display: str, person: str) -> bool:
    """ "Jonas Weber", "jonas  weber", "Weber, Jonas" and "Dr. Jonas Weber" are one person."""

    def key(name: str) -> set[str]:
        return {p.casefold() for p in name_parts(name)}

    mine, theirs = key(display), key(person)
    return bool(mine) and mine == theirs


def account_for(address: str) -> str | None:
    domain = _domain(address)
    if not domain or domain in FREEMAIL:
        return None
    return domain
