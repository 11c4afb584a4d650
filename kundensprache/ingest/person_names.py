"""Spotting person names in free text: a common first name, usually followed by a surname.

Sales notes mention people in passing ("Kunde = Claudia Brandt, GF", "Hannah asked twice")
where no header or greeting marks them. A first-name list catches most of these; a name
seen as "First Last" makes its surname redactable on its own in the same document. First
names that are also ordinary words (Mark, Will, Kai, Mai, Ernst, …) only count when a
capitalised surname follows. The list is ours (common names in Germany, the English-speaking
world and the largest immigrant communities), not a copy of any data set.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kundensprache.ingest.name_lists import maintained_names

_GERMAN = """
Adam Adrian Agnes Alexander Alexandra Alfred Alina Alois Amelie Andrea Andreas Angela Angelika
Anja Anke Anna Annalena Anne Annette Annika Anton Antonia Armin Arne Arno Astrid Axel Barbara
Bastian Beate Benedikt Benjamin Bernd Bernhard Bettina Bianca Birgit Björn Brigitte Britta
Carina Carla Carolin Caroline Carsten Charlotte Christa Christian Christiane Christina Christine
Christoph Claudia Clemens Cornelia Daniel Daniela Dennis Detlef Diana Dieter Dietmar Dirk Dominik
Doris Dorothea Edith Egon Elena Elias Elisabeth Elke Ella Elfriede Emil Emilia Emily Emma Erich
Erika Erwin Eva Fabian Falk Felix Finn Florian Franz Franziska Frauke Friederike Friedrich Fritz
Gabriele Georg Gerald Gerda Gerhard Gernot Gisela Gottfried Grete Gudrun Gunnar Günter Günther
Gustav Hanna Hannah Hannelore Hannes Hans Harald Hartmut Hauke Heidi Heike Heiko Heinrich Heinz
Helga Helmut Hendrik Henning Henrik Herbert Hermann Hilde Holger Horst Hubert Ilse Ines Inge
Ingo Ingrid Irene Iris Isabel Isabell Jakob Jan-Philipp Janina Janine Jannik Jasmin Jens Jessica
Joachim Jochen Johanna Johannes Jonas Jonathan Jörg Josef Josefine Judith Julia Julian Juliane
Jürgen Jutta Karin Karl Karla Karsten Katharina Kathrin Katja Katrin Kerstin Kevin Kilian Klaus
Konrad Konstantin Kristina Lara Lars Laura Lea Lena Leon Leonie Linda Lisa Lothar Louisa Luca
Luisa Lukas Lutz Magdalena Maik Maja Manfred Manuel Manuela Marc Marcel Marco Marcus Maren
Margarete Margit Maria Marie Marina Mario Marion Marius Markus Marlene Martha Martin Martina
Mathias Matthias Maximilian Melanie Michael Michaela Miriam Monika Nadine Natalie Nico Nicole
Niklas Nils Nina Norbert Olaf Oliver Pascal Patrick Patricia Paul Paula Peter Petra Philipp
Pia Rainer Ralf Ralph Regina Reinhard Renate Rene René Richard Robert Roland Rolf Roman Rosemarie
Rudolf Rüdiger Sabine Sabrina Sandra Sara Sarah Sascha Sebastian Silke Simon Simone Sonja Sophie
Stefan Stefanie Steffen Stephan Stephanie Susanne Svea Sven Svenja Swantje Tanja Thomas Thorsten
Till Tilo Tim Timo Tobias Tom Torsten Udo Ulf Ulla Ulrich Ulrike Ursula Ute Uwe Valentin
Vanessa Vera Verena Viktoria Volker Walter Waltraud Werner Wiebke Wilhelm Willi Wolfgang Yvonne
Jannis Malte Merle Mats Ole Tjark Imke Hinrich Enno Gesa Insa Kai-Uwe Hans-Peter Karl-Heinz
Meike Maike Mareike Sönke Jörn Knut Gerrit Birte Kirsten Dörte Antje Anneke Bärbel Dagmar
Edeltraud Gertrud Hedwig Ilona Jana Lina Mia Nele Romy Saskia Tina Sina Fynn Mattis Moritz
Theo Jannes Jasper Lennart Mika Sören Thilo Arthur Leo Oskar Frieda Greta Ida Klara Lotta Luise
Mathilda Nora Rieke Stina Thea Dana Ingeborg Marianne Waltraut Heinrich Hartwig Wilfried Siegfried
Reinhold Ewald Gunter Ottmar Gregor Vincent Robin Jana Katrin Carola Sylvia Silvia Marlies
"""
_ENGLISH = """
Aaron Abigail Adam Aidan Alan Albert Alexis Alice Alison Amanda Amelia Amy Andrew Angela Anthony
Ashley Barbara Benjamin Beth Betty Brandon Brenda Brian Bridget Caleb Cameron Carol Caroline
Catherine Charles Charlie Chloe Christopher Claire Connor Craig Daniel David Deborah Dennis Diane
Donald Donna Dorothy Douglas Dylan Edward Eleanor Elizabeth Ellie Emily Emma Eric Ethan Evelyn
Fiona Gareth Gary George Gillian Graham Gregory Hannah Harriet Harry Heather Helen Henry Holly
Ian Isaac Isabella Jacob Jacqueline James Jamie Janet Jason Jeffrey Jennifer Jeremy Jessica
Joan Joanne John Jonathan Joseph Joshua Joyce Judith Julie Justin Karen Katherine Kathleen Kayla
Keith Kelly Kenneth Kevin Kimberly Kyle Lauren Laura Leah Liam Lily Linda Lisa Logan Louise Lucy
Madison Margaret Martha Mary Matthew Megan Melissa Michelle Natalie Nathan Neil Nicholas Nicola
Noah Oliver Olivia Owen Pamela Patricia Patrick Paul Peter Philip Rachel Rebecca Richard Robert
Robin Ronald Ruth Ryan Samantha Samuel Sandra Sarah Scott Sean Sharon Shirley Simon Sophia Sophie
Stephanie Stephen Steven Stuart Susan Teresa Thomas Timothy Tyler Valerie Victoria Vincent
Walter William Zachary Zoe Priya Rahul Anil Sunita Deepak Arjun Ananya
"""
_OTHER = """
Ahmet Ali Aylin Ayse Ayşe Burak Can Cem Deniz Derya Ebru Elif Emine Emre Esra Fatma Hakan Hasan
Hatice Hüseyin Ibrahim Kemal Leyla Mehmet Melike Merve Murat Mustafa Necla Ömer Osman Selin Serkan
Sibel Tarik Tuba Tülay Yusuf Zeynep Ahmed Amir Fatima Hamza Karim Khaled Layla Mahmoud Mariam
Mohammed Mohamed Nour Omar Rami Samir Yasmin Youssef Agnieszka Aleksandra Anna Dariusz Ewa Jacek
Jakub Joanna Kamil Katarzyna Krzysztof Magdalena Marek Marcin Małgorzata Michał Monika Paweł
Piotr Tomasz Wojciech Zofia Dmitri Dmitrij Irina Natalia Olga Sergej Sergei Svetlana Tatjana
Vladimir Wladimir Alessandro Andrea Chiara Francesca Giovanni Giulia Giuseppe Luca Marco Matteo
Paolo Roberto Sofia Alejandro Carlos Carmen Javier Jorge José Juan Lucia Luis Miguel Pablo Pedro
Antoine Camille Céline Claire François Julien Léa Louis Lucas Mathieu Nicolas Pierre Sébastien
Thierry Bram Daan Femke Joost Lotte Maarten Pieter Sanne Sem Thijs Anders Astrid Erik Freja Ingrid
Lars Magnus Nils Sigrid Søren Mikael Björn Sanna Jukka Mikko
"""
# The commonest surnames in Germany, Austria, Switzerland, the UK and the US and of the
# largest immigrant communities. Used where a lone surname must be recognised without
# context (file names, account pseudonyms), never to redact ordinary words in free text.
SURNAMES = frozenset(
    """Müller Schmidt Schneider Fischer Weber Meyer Meier Wagner Becker Schulz Hoffmann Schäfer
    Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann
    Hartmann Lange Schmitt Werner Schmitz Krause Lehmann Schmid Schulze Maier Köhler Herrmann
    König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert
    Vogel Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke
    Albrecht Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein
    Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler
    Kuhn Kühn Pohl Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer Gruber
    Pichler Steiner Moser Hofer Leitner Eder Reiter Mayr Wimmer Egger Brunner Baumgartner Auer
    Binder Lechner Wallner Aigner Ebner Koller Lehner Gerber Frei Widmer Wyss Smith Jones
    Williams Taylor Brown Davies Evans Wilson Johnson Roberts Robinson Thompson Wright Walker
    White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Cooper Hill
    Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson
    Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey
    Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams
    Singh Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Hunt Hussain Campbell
    Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens
    Jenkins Murray Dixon Harvey Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez
    Sanchez Yılmaz Yilmaz Kaya Demir Şahin Sahin Çelik Celik Yıldız Yildiz Öztürk Ozturk
    Aydın Aydin Özdemir Ozdemir Nowak Kowalski Wiśniewski Wojcik Wójcik Kowalczyk Kamiński
    Kaminski Lewandowski Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino
    Nguyen Tran Le Pham Ivanov Petrov Smirnov Popescu Horvat Kovač Novak""".split()
)

# First names that are also ordinary words in German or English: a name only with a surname.
# Words that are names too but mostly mean something else here (months, nouns, verbs) are
# left out altogether: Mai, May, June, April, Art, Kai, Wolf, Ernst, Heide, Rosa, Till, Can.
AMBIGUOUS = frozenset(
    """Mark Will Frank Hope Grace Rose Amber Ray Bill Pat Max Jan Otto Jack Bob Don Guy Dean
    Summer Dawn Faith Joy Chase Page Hunter Sunny Ben Deniz Sem Kurt Carol Robin Lily Holly
    Ruth Noah Ali Tom Paula Linda Maria Emil Ella Luca Lucia Nina Sara Lea Ole Iris Vera Erika
    Gerda Ines Lutz Angela Karl Roman""".split()
)
_EXCLUDED = {
    "Mai",
    "May",
    "June",
    "April",
    "Art",
    "Kai",
    "Wolf",
    "Ernst",
    "Heide",
    "Rosa",
    "Till",
    "Can",
}
FIRST_NAMES = frozenset((_GERMAN + _ENGLISH + _OTHER).split()) - _EXCLUDED | AMBIGUOUS

# Latin-1 and Latin Extended-A letters: "Petrović", "Wiśniewski", "Şahin" are one word.
_WORD = re.compile(
    r"[A-ZÄÖÜÀ-ÖØ-ÞĀ-ſ][a-zäöüßà-öø-ÿĀ-ſ]+(?:-[A-ZÄÖÜÀ-ÖØ-ÞĀ-ſ][a-zäöüßà-öø-ÿĀ-ſ]+)?"
)
_PARTICLE = re.compile(r"[ \t]{1,3}(?:von der|von|van der|van|de|der|den|di|da|del|le|la|zu)(?=\s)")
_AFTER = re.compile(r"[ \t]{1,3}(" + _WORD.pattern + r")")
# Capitalised words after a first name that are not surnames.
_NOT_SURNAME = frozenset(
    """Und Oder Aber Der Die Das Den Dem Des Ein Eine Ich Wir Sie Er Es Hat Ist War Will Wird
    Kann Muss Soll And Or But The A An He She It We They Has Is Was Can Could Should Would
    You Your I My Our Me Us Thanks Danke Hallo Hi Dear Liebe Lieber
    From To In On At For With Von Zu Im Am Bei Mit Nach Aus Über GmbH AG KG Ltd Inc Co""".split()
)


# Role words that are followed by a surname in notes: "Lagerleiter Dietz", "Kollegin Maier".
_ROLE_NAME = re.compile(
    r"\b(?:Kollegen?|Kollegin|Chef|Chefin|Lagerleiter(?:in)?|Bauleiter(?:in)?|Prokurist(?:in)?|"
    r"Inhaber(?:in)?|Geschäftsführer(?:in)?|Einkäufer(?:in)?|Einkaufsleiter(?:in)?|"
    r"Disponent(?:in)?|Werkstattleiter(?:in)?|Büroleiter(?:in)?|Ansprechpartner(?:in)?)"
    r"[ \t]{1,3}(" + _WORD.pattern + r")(?![\w-])"
)


def find_person_names(text: str) -> set[str]:
    """Person names in ``text``: "First Last" pairs and unambiguous standalone first names.

    Our own list of common first names counts as above; a first name only the maintained
    list knows (name_lists.py: "Viviana", "Siobhan", "Dragan") counts when it is no ordinary
    word and a surname-like word follows ("Viviana Vallejo"), or alone when it is rare as a
    word (below LONE_FIRST_RARE: "Bedienung, Susanna, war …"; not "Döner" or "Wirt", which
    are listed too)."""
    found: set[str] = set()
    extended = _extended_first()
    for match in _WORD.finditer(text):
        word = match[0]
        own = word in FIRST_NAMES
        if not own and (word not in extended or ordinary(word)):  # zipf only for these
            continue
        # match at a position, never slice the rest: a slice per name would be quadratic
        particle = _PARTICLE.match(text, match.end())
        offset = particle.end() if particle else match.end()
        after = _AFTER.match(text, offset)
        surname_like = after and after[1] not in _NOT_SURNAME and after[1] not in FIRST_NAMES
        # an ordinary word as first name ("Rose", "Mark", "Will") needs a listed surname
        # after it: "Will Wartungstermine" is no one
        if not surname_like:
            named = False
        elif own:
            named = word not in AMBIGUOUS or _is_listed_surname(after[1])
        else:
            named = _is_surname_like(after[1])
        if named:
            found.add(f"{word}{text[match.end() : offset]} {after[1]}")
        elif own and word not in AMBIGUOUS:
            found.add(word)
        elif not own and rare(word.casefold(), LONE_FIRST_RARE):
            found.add(word)
    for match in _ROLE_NAME.finditer(text):
        if match[1] not in _NOT_SURNAME:
            found.add(match[1])
    return found


@lru_cache(maxsize=1)
def _extended_first() -> frozenset[str]:
    """Maintained-list first names that are not ours (whether one is also an ordinary word
    is looked up only for the words a text has: cheaper than for all 20,000)."""
    first, _ = maintained_names()
    return first - FIRST_NAMES


def _is_listed_surname(word: str) -> bool:
    """One of our surnames, or a maintained-list surname that is no ordinary word."""
    _, last = maintained_names()
    return word in SURNAMES or (word in last and not ordinary(word))


def _is_surname_like(word: str) -> bool:
    """One of our surnames ("Müller", "Koch"), a maintained-list surname that is no ordinary
    word ("Vallejo", not "Street" or "Garten"), or any word rare as an ordinary word."""
    _, last = maintained_names()
    return _is_listed_surname(word) or (word not in last and rare(word.casefold(), RARE))


_ORDINARY = 4.0  # zipf: "Lager", "Rose", "Winter", "Street" and "Company" are above
RARE = 3.0
# A first name only the maintained list knows counts alone below this zipf ("Susanna" 3.2,
# "Yassin" 2.5; "Döner" 3.8 and "Wirt" 3.9 are listed as first names too).
LONE_FIRST_RARE = 3.5


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return max(zipf_frequency(word, "de"), zipf_frequency(word, "en"))


def rare(word: str, threshold: float = 3.0) -> bool:
    """Rare as an ordinary German or English word (zipf below ``threshold``)."""
    return zipf(word) < threshold


def ordinary(word: str) -> bool:
    """An ordinary German or English word ("Lager", "Rose", "Winter")."""
    return zipf(word.casefold()) >= _ORDINARY
