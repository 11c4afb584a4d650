"""Personal-data benchmark: what each detector catches and misses, what the name lists cost.

Three tables (markdown, for benchmarks/README.md):

1. Per detector: planted items (German, Austrian, Swiss, English; each in a sentence as
   sales material has it) run through ``redact``; caught = no needle left.
2. Name lists: planted "First Last" names of many countries, and ordinary business words
   (German and English, product terms, words that are names too) — for each list, how many
   names it knows and how many business words it would take for names. Lists: ours
   (``person_names.py``), Faker's locale data (the one used), and, when installed,
   ``names-dataset`` and ``gender-guesser`` (not dependencies: measured here only).
3. Real customer sentences (banking77 test, English; xSID German): sentences that get a
   [NAME] with our list only and with the maintained list added, and redaction CPU time.

    .venv/bin/python benchmarks/bench_pii.py --data /work/shared/bench-data
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kundensprache.ingest import person_names  # noqa: E402
from kundensprache.ingest.name_gate import looks_like_person_name  # noqa: E402
from kundensprache.ingest.name_lists import maintained_names  # noqa: E402
from kundensprache.ingest.redact import redact  # noqa: E402

# (detector, sentence, needle): the needle must be gone after redaction.
PLANTED = [
    ("phone", "Mobil erreichbar unter 0171.9876543, abends.", "9876543"),
    ("phone", "Zentrale (0 89) 2 33-4 56 77 anrufen.", "4 56 77"),
    ("phone", "Ruf mich an: +43 664 3918274", "3918274"),
    ("phone", "Büro Zürich +41 44 668 18 00.", "668 18 00"),
    ("phone", "UK office 020 7946 0958 or mobile 07700 900123.", "900123"),
    ("phone", "Rückruf an 0421/98765-32 bitte.", "98765"),
    ("email", "Schreiben Sie an kerstin.quast@bremer-kanal.de.", "kerstin.quast"),
    ("email", "fenja dot rasmussen at gmx dot de", "rasmussen"),
    ("email", "Adresse: thaddaeus (at) wimmel-bau.de", "thaddaeus"),
    ("email", "jorunn.vestergaard＠posteo.de schrieb", "vestergaard"),
    ("email", "Link mailto:ilka.brennecke%40web.de", "brennecke"),
    ("email", "o.thamsen@elbwerk .de antwortet", "thamsen"),
    ("email", "m [dot] kroll [at] firma [dot] ch", "kroll"),
    ("iban", "IBAN DE44 5001 0517 5407 3249 31", "5407 3249"),
    ("iban", "Konto DE75-5121-0800-… (Rest folgt)", "5121-0800"),
    ("iban", "AT61 1904 3002 3457 3201 ist das Konto", "3457 3201"),
    ("iban", "Schweizer Konto CH93 0076 2011 6238 5295 7.", "6238 5295"),
    ("iban", "GB29 NWBK 6016 1331 9268 19 for payment", "1331 9268"),
    ("tax_id", "Steuer-ID 65 929 970 489 liegt vor", "970 489"),
    ("tax_id", "IdNr. 86095742719", "86095742719"),
    ("tax_id", "SSN 078-05-1120", "078-05-1120"),
    ("tax_id", "AHV-Nr. 756.1234.5678.97", "5678"),
    ("tax_id", "SVNR 1237 010180", "010180"),
    ("tax_id", "NI number QQ 12 34 56 C", "12 34 56"),
    ("card", "Karte 4111 1111 1111 1111 belastet", "1111 1111"),
    ("card", "card 5500-0000-0000-0004 expired", "0000-0004"),
    ("customer_no", "Kundennr. KD-448812 hat reklamiert", "448812"),
    ("customer_no", "Vertragsnummer 2024/77812 kündigen", "77812"),
    ("birth_date", "geb. 03.04.1981 in Kiel", "03.04.1981"),
    ("birth_date", "date of birth 12/05/1979", "12/05/1979"),
    ("address_de", "Lieferung an Lindwurmstraße 88, 80337 München.", "Lindwurmstraße 88"),
    ("address_de", "Wir sitzen am Schlehenring 4 im Gewerbegebiet.", "Schlehenring"),
    ("address_de", "Anschrift: Am Lehmberg 12, 24103 Kiel", "Lehmberg 12"),
    ("address_at", "Mariahilfer Straße 88/3/12, 1070 Wien", "88/3/12"),
    ("address_at", "Büro in der Herrengasse 6-8, 1010 Wien.", "Herrengasse 6"),
    ("address_ch", "Seefeldstrasse 214, 8008 Zürich", "Seefeldstrasse 214"),
    ("address_ch", "Bahnhofplatz 3, 3011 Bern", "Bahnhofplatz 3"),
    ("address_en", "Send it to 221B Baker Street, London", "Baker Street"),
    ("salutation", "Herr von Weizsäcker hat angerufen.", "Weizsäcker"),
    ("salutation", "frau lindqvist meldet sich morgen", "lindqvist"),
    ("salutation", "Frau Dr. Szymańska prüft das Angebot.", "Szymańska"),
    ("salutation", "Mr. O'Sullivan-Grant wants a demo.", "Sullivan"),
    ("salutation", "Talked to Ms Okonkwo yesterday.", "Okonkwo"),
    ("salutation", "Sehr geehrte Frau Brüggemann-Ost,", "Brüggemann"),
    ("initials", "M. Vollstedt ist zuständig.", "Vollstedt"),
    ("initials", "Rückfrage bei A. B. Nakamura-Ellis", "Nakamura"),
    ("list_name", "Gestern rief Jolanta Grzybowska wegen der Wartung an.", "Grzybowska"),
    ("list_name", "Viviana Vallejo: Die Kanalreinigung ist zu teuer.", "Vallejo"),
    ("list_name", "Siobhan Gallagher asked for the price list.", "Gallagher"),
    ("list_name", "Dragan Petrović will ein Angebot.", "Petrović"),
    ("list_name", "Laut Aino Virtanen fehlt die Schnittstelle.", "Virtanen"),
    ("list_name", "Oksana Melnyk hat die Rechnung geprüft.", "Melnyk"),
    ("list_name", "Kerstin Quastenberg und Bogdan Ionescu entscheiden.", "Ionescu"),
    ("lone_surname", "Quastenberg will das bis Freitag wissen.", "Quastenberg"),
    ("url", "Profil https://www.kanzlei.de/team/jolanta-grzybowska ansehen", "grzybowska"),
    ("url", "https://portal.firma.de/login?user=kquast&token=9f8e7d", "kquast"),
]

NAMES = """Jolanta Grzybowska; Viviana Vallejo; Siobhan Gallagher; Dragan Petrović; Aino Virtanen;
Oksana Melnyk; Bogdan Ionescu; Ingibjörg Sigurðardóttir; Tomasz Zieliński; Leilani Kahale;
Mehmet Yıldırım; Giulia Bernasconi; Lucía Ferrández; Maarten Hoogendijk; Sigrid Bjørnstad;
Nkechi Okafor; Rajesh Iyer; Kwame Mensah; Ewa Kwiatkowska; Jiří Dvořák; Zsófia Horváth;
Thaddäus Wimmelbrink; Roswitha Hinterkaifeck; Kerstin Quastenberg; Fenja Rasmussen;
Anneliese Brüggemann; Urs Bachmann; Reto Zürcher; Mirjam Tschanz; Florian Pichlbauer"""
NAMES = [n.strip() for n in NAMES.replace("\n", " ").split(";")]

BUSINESS_WORDS = """Lager Mark Rose Winter Sommer Preis Angebot Rechnung Termin Wartung Kanal Software
Schnittstelle Service Team Kosten Dach Salz Buch Bett Mangel Hammer Stern Berg Garten Frank
Koch Bauer Fischer Meister Kaiser Vogel Fuchs Wolf Lang Klein Braun Engel Graf Jung Roth Will
Hope Grace Price Young Bell Cook Hall Wood Hill Ward Green King Baker Long Best Street Company
Mason Carter Grant Rice Summer Faith Joy Dawn Page Hunter Chase Miles Early Day Gates Field
Block Funk Kern List Stein Sauer Schmuck Bruder Faust Freitag Drum Fox Bass Paris London
Rock Cherry Olive Candy Angel Penny Pearl Liberty General Unknown Minor Alpha Beta Villa
Einkauf Zentrale Buchhaltung Vertrieb Montage Lieferung Abrechnung Planung Prüfung Datev
Excel Kataster Reinigung Inspektion Handwerk Baustelle Monteur Auftrag Kunde Support Cloud
Export Import Bericht Vorlage Vertrag Lizenz Update Release Modul Portal Dashboard Account""".split()


def _caught(extended: bool) -> dict[str, list[tuple[str, bool]]]:
    """kind -> [(sentence, caught)], with or without the maintained first names."""
    if not extended:
        person_names._extended_first = _empty(person_names._extended_first)
    try:
        rows: dict[str, list[tuple[str, bool]]] = {}
        for kind, sentence, needle in PLANTED:
            caught = needle.casefold() not in redact(sentence).casefold()
            rows.setdefault(kind, []).append((sentence, caught))
        return rows
    finally:
        person_names._extended_first = _ORIGINAL


def detector_table() -> list[str]:
    before, after = _caught(False), _caught(True)
    lines = [
        "| detector | planted | caught, our name list only | caught | missed |",
        "|---|---:|---:|---:|---|",
    ]
    for kind, results in after.items():
        missed = "; ".join(f"“{s}”" for s, ok in results if not ok) or "—"
        old = sum(ok for _, ok in before[kind])
        new = sum(ok for _, ok in results)
        lines.append(f"| {kind} | {len(results)} | {old} | {new} | {missed} |")
    return lines


def _lists() -> dict[str, tuple[set[str], set[str]]]:
    """name -> (folded first names, folded surnames) per list choice, with load CPU time."""
    out = {}
    own_first = {n.casefold() for n in person_names.FIRST_NAMES}
    out["ours (person_names.py)"] = (own_first, {n.casefold() for n in person_names.SURNAMES})
    first, last = maintained_names()
    out[f"Faker locales (load {_faker_load_s():.2f} s CPU)"] = (
        {n.casefold() for n in first},
        {n.casefold() for n in last},
    )
    try:
        from names_dataset import NameDataset

        start = time.process_time()
        nd = NameDataset()
        load = time.process_time() - start
        out[f"names-dataset (load {load:.1f} s CPU)"] = (
            {k.casefold() for k in nd.first_names},
            {k.casefold() for k in nd.last_names},
        )
        del nd
    except ImportError:
        pass
    try:
        import gender_guesser.detector as gg

        start = time.process_time()
        detector = gg.Detector(case_sensitive=False)
        load = time.process_time() - start
        out[f"gender-guesser (load {load:.1f} s CPU)"] = (set(detector.names), set())
    except ImportError:
        pass
    return out


def _faker_load_s() -> float:
    """CPU seconds to load the maintained lists in a fresh process (as each run does)."""
    code = (
        "import time\nfrom kundensprache.ingest.name_lists import maintained_names\n"
        "t = time.process_time(); maintained_names()\n"
        "print(time.process_time() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    return float(out.stdout.strip())


def list_table() -> list[str]:
    lines = [
        "| list | first names | surnames | planted first names known (of "
        f"{len(NAMES)}) | planted surnames known | business words taken for a name (of "
        f"{len(BUSINESS_WORDS)}) |",
        "|---|---|---|---|---|---|",
    ]
    for label, (first, last) in _lists().items():
        firsts = sum(n.split()[0].casefold() in first for n in NAMES)
        lasts = sum(n.split()[-1].casefold() in last for n in NAMES)
        hits = [w for w in BUSINESS_WORDS if w.casefold() in first or w.casefold() in last]
        shown = ", ".join(hits[:12]) + (" …" if len(hits) > 12 else "")
        lines.append(
            f"| {label} | {len(first):,} | {len(last):,} | {firsts} | {lasts} | "
            f"{len(hits)}: {shown} |"
        )
    gate = [w for w in BUSINESS_WORDS if looks_like_person_name(w.casefold())]
    names_gated = sum(looks_like_person_name(n.casefold()) for n in NAMES)
    lines.append(
        f"\nOutput gate (`looks_like_person_name`, no corpus names): {names_gated} of "
        f"{len(NAMES)} planted names blocked as keywords; business words blocked: "
        f"{len(gate)} ({', '.join(gate) or '—'})."
    )
    return lines


def real_sentences(data: Path) -> list[tuple[str, list[str]]]:
    sets = []
    with open(data / "banking77" / "test.csv", encoding="utf-8") as fh:
        sets.append(("banking77 test (en)", [r["text"] for r in csv.DictReader(fh)]))
    with open(data / "xsid_de" / "xsid07_de_valid.csv", encoding="utf-8") as fh:
        sets.append(("xSID valid (de)", [r["text_de"] for r in csv.DictReader(fh)]))
    return sets


def false_positive_table(data: Path) -> list[str]:
    lines = [
        "| sentences | n | with [NAME]: our list | with [NAME]: + maintained list | "
        "redact CPU ms/sentence: ours | + maintained |",
        "|---|---|---|---|---|---|",
    ]
    for label, texts in real_sentences(data):
        counts, cpu = [], []
        for extended in (False, True):
            person_names._extended_first.cache_clear()
            if not extended:
                person_names._extended_first = _empty(person_names._extended_first)
            redact("warm up Viviana Vallejo")
            start = time.process_time()
            counts.append(sum("[NAME]" in redact(t) for t in texts))
            cpu.append(1000 * (time.process_time() - start) / len(texts))
            person_names._extended_first = _ORIGINAL
        lines.append(
            f"| {label} | {len(texts)} | {counts[0]} | {counts[1]} | {cpu[0]:.2f} | {cpu[1]:.2f} |"
        )
    return lines


_ORIGINAL = person_names._extended_first


def _empty(_fn):
    def none() -> frozenset[str]:
        return frozenset()

    none.cache_clear = lambda: None  # type: ignore[attr-defined]
    return none


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/bench-data"))
    args = parser.parse_args()
    print("\n".join(detector_table()), end="\n\n")
    print("\n".join(list_table()), end="\n\n")
    print("\n".join(false_positive_table(args.data)))


if __name__ == "__main__":
    main()
