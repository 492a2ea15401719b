"""Visitors' text made safe to store and to log: cleaned, and stripped of personal data.

No Rasa: the input channels call it on every message before anything else sees it (the NLU, the
tracker store, the logs). The centre's service is anonymous, so a person's name, an e-mail address, a
phone number, a social security number, a postal address or an IBAN typed by a visitor is replaced
by a placeholder; the rest of the message is kept, so the bot still answers the question.

Masking errs on the side of privacy: a number that merely looks like a phone number is masked too.
Names are found by the words visitors introduce them with ("je m'appelle", "Mme", a signature...) and
by spaCy's French NER (fr_core_news_sm, its `ner` alone, loaded at the first use); towns, the centres,
labels and organisations are never masked (`_PROTECTED`). tests/privacy/names_fr.yml and
`python -m devtools.name_masking` measure it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
import spacy
from spacy.lang.en.stop_words import STOP_WORDS as _ENGLISH_STOP_WORDS
from spacy.lang.fr.stop_words import STOP_WORDS as _FRENCH_STOP_WORDS
from spacy.language import Language
from spacy.tokens import Span as Entity

# What each kind of personal data is replaced with (the NLU sees these words, visitors never do).
PLACEHOLDERS: dict[str, str] = {
    "name": "[nom masqué]",
    "iban": "[IBAN masqué]",
    "nir": "[numéro de sécurité sociale masqué]",
    "email": "[e-mail masqué]",
    "phone": "[téléphone masqué]",
    "address": "[adresse masquée]",
}

# IBAN: country code, check digits, then groups of four letters or digits (spaced or not) and a last,
# shorter group; whole groups only, so that the words after it are kept.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b", re.IGNORECASE)

# French social security number (NIR): sex, year, month, department (2A/2B for Corsica), commune,
# order number, optional two-digit key; written with or without separators.
_SEP = r"[ .-]?"
_NIR = re.compile(
    rf"\b[1-478]{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}(?:\d{{2}}|2[AB]){_SEP}\d{{3}}{_SEP}\d{{3}}(?:{_SEP}\d{{2}})?\b",
    re.IGNORECASE,
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# A street number and a street type, then up to six words of the street's name (up to punctuation),
# and the postal code and town when they follow ("12 bis, rue de la République, 13001 Marseille").
# Street types that are also common nouns after a number ("2 cours de français", "25 cités",
# "1 voie professionnelle") are left out: they would mask visitors' questions.
_STREET_TYPES = (
    r"rue|avenue|av|bd|boulevard|chemin|all[ée]e|place|impasse|route|quai|traverse|lotissement|"
    r"r[ée]sidence|square|mont[ée]e|faubourg|rond-point|hameau|lieu-dit"
)
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}(?:\s*(?:bis|ter)\b)?\s*,?\s+(?:{_STREET_TYPES})\.?(?:\s+[^\s,.;:!?]+){{1,6}}"
    r"(?:\s*,?\s*\d{5}(?:\s+[A-Za-zÀ-ÿ'-]+)?)?",
    re.IGNORECASE,
)

# French numbers: 0 (or +33, 0033, +33 (0)) then nine digits, in pairs or not.
_FRENCH_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?|0)[1-9](?:[ .-]?\d{2}){4}(?!\d)")

# Numbers written without a country code are read as French ones.
_PHONE_REGION = "FR"


@dataclass(frozen=True)
class MaskedText:
    text: str
    # Kinds of personal data found, in PLACEHOLDERS order (empty when there was none).
    kinds: tuple[str, ...]


def clean_text(text: str) -> str:
    """Unicode text that every store and log accepts: NFC, no control characters, no lone surrogates.

    PostgreSQL refuses NUL characters and UTF-8 encoders refuse lone surrogates (which JSON escapes
    such as "\\udc80" produce), so both go; line breaks and tabs become spaces.
    """
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\r\n\t]+", " ", text)
    return "".join(char for char in text if unicodedata.category(char) != "Cc").strip()


def _mask_phones(text: str) -> tuple[str, bool]:
    """French and international phone numbers, in any usual writing.

    Google's libphonenumber finds them all, except where two numbers follow each other with only a space
    between (it reads one number too long to be valid): French numbers are first taken by a pattern.
    """
    text, count = _FRENCH_PHONE.subn(PLACEHOLDERS["phone"], text)
    matches = list(phonenumbers.PhoneNumberMatcher(text, _PHONE_REGION, leniency=phonenumbers.Leniency.POSSIBLE))
    for match in reversed(matches):
        text = text[: match.start] + PLACEHOLDERS["phone"] + text[match.end :]
    return text, bool(count or matches)


# --- People's names ----------------------------------------------------------------------------------

NAME_MODEL = "fr_core_news_sm"
# The model's `ner` has a tok2vec of its own (not a listener of the shared `tok2vec`) and reads only the
# tokens' own attributes: it needs none of the other components, whose memory would be wasted.
_NOT_NEEDED_BY_NER = ["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer"]


@lru_cache(maxsize=1)
def name_model() -> Language:
    """spaCy's French NER, loaded once, at its first use: never at import (a second or so, about 35 MB)."""
    return spacy.load(NAME_MODEL, exclude=_NOT_NEEDED_BY_NER)


def _fold(word: str) -> str:
    """Lower case, without accents, one kind of apostrophe: the form the word lists below are written in."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("’", "'"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _folded(words: str) -> frozenset[str]:
    return frozenset(_fold(word) for word in words.split())


# Never a person's name here: the centres' towns, the places visitors name (the region's towns, big French
# towns, the countries they come from), the centre, its labels, the public services and schemes it sends
# visitors to. The NER takes some of them for persons ("like Menton", "from Syria").
_PROTECTED = _folded(
    """marseille gap istres martigues aubagne garde lagarde sisteron antibes toulon lyon paris villette
    provence alpes cote azur paca bouches-du-rhone var vaucluse alpes-maritimes alpes-de-haute-provence
    hautes-alpes nice menton cannes grasse frejus hyeres draguignan brignoles ciotat cassis aix aix-en-provence
    arles salon salon-de-provence vitrolles marignane miramas fos fos-sur-mer gardanne allauch avignon
    carpentras orange cavaillon apt pertuis digne digne-les-bains manosque forcalquier briancon embrun
    barcelonnette seyne bandol sanary montpellier nimes toulouse bordeaux nantes lille strasbourg grenoble
    rennes corse france europe afrique africa maghreb algerie algeria maroc morocco tunisie tunisia senegal
    mali comores guinee guinea cameroun cameroon congo mauritanie mauritania madagascar nigeria ghana
    soudan sudan erythree eritrea ethiopie ethiopia somalie somalia egypte egypt libye libya syrie syria
    liban lebanon irak iraq iran afghanistan turquie turkey armenie armenia georgie georgia ukraine
    russie russia roumanie romania bulgarie bulgaria pologne poland albanie albania kosovo serbie serbia
    moldavie moldova italie italy espagne spain portugal belgique belgium suisse switzerland allemagne
    germany angleterre england royaume-uni usa etats-unis canada bresil brazil colombie colombia venezuela
    perou peru haiti chine china vietnam inde india pakistan bangladesh
    cite cites metiers metier cdm travail emploi pole apec mission missions locale locales cpf vae
    parcoursup afnor label labels diversite diversity egalite equality professionnelle professional charte
    charter alliance spo service public orientation bge caf cnam afpa greta onisep cio urssaf crous unedic
    rsa"""
)


def _with_feminines(words: str) -> frozenset[str]:
    """French adjectives of nationality with their feminine forms ("algérien", "algérienne")."""
    return frozenset(form for word in _folded(words) for form in (word, word + "e", word + "ne"))


# Words that are not names although visitors capitalise them: greetings and courtesies, titles, words of
# their questions, what they say of their name ("mon nom est obligatoire ?", "my name is needed?"), days
# and holidays, religions, jobs that are not surnames too, nationalities ("je suis Marseillais", "I am
# Romanian"); and spaCy's stop words. Not "Noël", "Boulanger", "Petit": they are surnames.
_COMMON_WORDS = (
    frozenset(_fold(word) for word in _FRENCH_STOP_WORDS | _ENGLISH_STOP_WORDS)
    | _folded(
        """bonjour bonsoir salut coucou slt bjr cc hello hey hi dear merci thanks thank cordialement salutations
        regards sincerely cheers best bonne bon journee soiree week-end weekend revoir bientot courage svp stp
        please ok okay oui non yes no madame monsieur mademoiselle mesdames messieurs mme mlle mr mrs ms miss
        docteur dr sir madam conseiller conseillere adviser advisor jai jsuis chui jcherche jveux jvoudrais
        jvais jpeux voudrais voudrait veux cherche recherche souhaite souhaiterais aimerais aimerai besoin
        habite viens vais pouvez pourriez avez sommes rendez-vous rdv infos info information informations
        question questions aide help formation stage job cv bac chomage chomeur chomeuse demandeur demandeuse
        etudiant etudiante lyceen lyceenne cadre salarie salariee retraite retraitee maman papa mere pere parent
        parents fils fille enfant jeune perdu perdue inscrit inscrite interesse interessee nouvelle hein
        obligatoire necessaire demande demandee garde conserve conservee enregistre enregistree utilise utilisee
        partage partagee important importante confidentiel confidentielle secret secrete visible anonyme prive
        privee needed required kept stored saved used shared given asked registered recorded mandatory necessary
        private optional anonymous confidential bot robot chatbot assistant google lundi mardi mercredi jeudi
        vendredi samedi dimanche janvier fevrier mars avril juin juillet aout septembre octobre novembre
        decembre monday tuesday wednesday thursday friday saturday sunday january february march april july
        august september october november december paques toussaint ramadan aid christmas easter muslim musulman
        musulmane christian chretien chretienne catholique catholic juif juive jewish auxiliaire infirmier
        infirmiere educateur educatrice assistante technicien technicienne ingenieur vendeuse secretaire
        comptable developpeur developpeuse informaticien informaticienne professeur prof enseignant enseignante
        animateur animatrice hotesse commercial commerciale cariste manutentionnaire nurse teacher engineer
        french english british irish scottish american canadian moroccan algerian tunisian senegalese malian
        guinean ivorian cameroonian congolese comorian nigerian ghanaian sudanese eritrean ethiopian somali
        egyptian libyan syrian lebanese iraqi iranian afghan turkish kurdish armenian georgian ukrainian russian
        romanian bulgarian polish albanian serbian italian spanish portuguese german dutch belgian swiss
        brazilian colombian venezuelan peruvian haitian chinese vietnamese indian pakistani bangladeshi african
        european arab foreign refugee turque grec grecque"""
    )
    | _with_feminines(
        """francais marseillais parisien provencal algerien marocain tunisien senegalais malien guineen ivoirien
        camerounais congolais comorien mauritanien malgache nigerian ghaneen soudanais erythreen ethiopien
        somalien egyptien libyen syrien libanais irakien iranien afghan turc kurde armenien georgien ukrainien
        russe roumain bulgare polonais albanais kosovar serbe moldave tchetchene italien espagnol portugais
        anglais britannique irlandais ecossais americain canadien allemand neerlandais hollandais belge suisse
        bresilien colombien venezuelien peruvien haitien chinois vietnamien indien pakistanais bangladais
        africain europeen maghrebin arabe kabyle berbere etranger refugie"""
    )
)

# Particles inside a name ("Marie-Claire de la Fontaine", "Youssef El Amrani"), kept only between name words.
_PARTICLES = _folded("de du des la le d' van von der den ben bin ibn el al da di dos das del della")

_AP = "['’]"
_TITLE = r"(?:M\.|Mr\.?|Mme\.?|Mmes|Mlle\.?|Madame|Monsieur|Mademoiselle|Docteur|Dr\.?|Mrs\.?|Ms\.?|Miss|Mister)"
# A word as names are written: letters, joined by hyphens or apostrophes (Jean-Pierre, N'Diaye).
_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SPACES = re.compile(r"[ \t]+")
_COLON = re.compile(r"[ \t]*(?::[ \t]*)?")

# Words after which a name follows, in any case ("je m'appelle karim"): introductions, and a title after
# "je suis".
_INTRODUCTIONS = re.compile(
    rf"\b(?:j(?:e\s*)?m{_AP}?\s*a?p{{1,2}}el+e?s?|je\s+me\s+(?:pr[ée])?nomm?e|je\s+me\s+pr[ée]sente\s*[:,]|"
    rf"(?:mon\s+)?(?:nom|pr[ée]nom|nom\s+et\s+pr[ée]nom|pr[ée]nom\s+et\s+nom)(?:\s+de\s+famille)?\s*:|"
    rf"mon\s+(?:nom|pr[ée]nom)(?:\s+de\s+famille)?\s+(?:est|c{_AP}\s*est|c)|moi\s+(?:c{_AP}\s*est|c)|"
    rf"je\s+suis\s+{_TITLE}|my\s+name\s+is|my\s+name{_AP}s)(?=[\s:,])",
    re.IGNORECASE,
)
# A title, followed by a capitalised name ("Mme Dupont", "madame ROUSSEAU"); "mon prénom Karim" too (but
# not "mon nom hein ?").
_TITLES = re.compile(rf"(?<![\w.]){_TITLE}(?=\s)|\bmon\s+(?:nom|pr[ée]nom)(?=\s)", re.IGNORECASE)
# Words before a capitalised word that is a name only if the NER sees a name or a place there too: "je
# suis Samir" (not "je suis Marseillais"), "c'est Mehdi" at the start, "I'm Sarah" (not "I'm looking").
_MENTIONS = re.compile(
    rf"(?:\bje\s+suis|(?:^|\b(?:bonjour|bonsoir|salut|coucou|hello|hi|hey))[\s,!]*(?:c{_AP}\s*est|ici|this\s+is)|"
    rf"\bi{_AP}?m|\bi\s+am|\b(?:mon|ma|notre|my)\s+(?:fils|fille|fr[èe]re|s[œo]e?ur|mari|femme|[ée]pou(?:x|se)|"
    rf"compagnon|compagne|enfant|neveu|ni[èe]ce|son|daughter|brother|sister|husband|wife|child)|"
    rf"\b(?:la\s+maman|le\s+papa|la\s+m[èe]re|le\s+p[èe]re)\s+de)(?=\s)",
    re.IGNORECASE,
)
# Each pattern, whether lower-case names may follow it, and whether the NER must confirm the name.
_CONTEXTS = ((_INTRODUCTIONS, True, False), (_TITLES, False, False), (_MENTIONS, False, True))
# Closing words, after which a message may end with the visitor's name ("Cordialement, Nathalie Roux").
_CLOSINGS = re.compile(
    r"\b(?:cordialement|salutations|bien\s+[àa]\s+vous|merci|bonne\s+(?:journ[ée]e|soir[ée]e)|[àa]\s+bient[ôo]t|"
    r"regards|thanks|thank\s+you|cheers|sincerely|best\s+wishes)\b",
    re.IGNORECASE,
)
_PUNCTUATION = re.compile(r"[,.;:!?]")
_END = re.compile(r"[\s.!?)]*$")
# Words before a place: what follows them is a town, a country, a school or a firm the NER took for a person
# ("à Menton", "from Syria", "lycée Saint-Exupéry", "chez Adecco"), unless introduced as a name ("je
# voudrais parler à Mme Rossi").
_PLACE_BEFORE = re.compile(
    r"\b(?:[àa]|au|aux|en|vers|sur|chez|pr[èe]s\s+de|c[ôo]t[ée]\s+de|from|in|near|to|at|coll[èe]ge|lyc[ée]e|"
    r"[ée]cole|universit[ée]|fac|institut|rue|avenue|boulevard|bd|place|gare|h[ôo]pital|quartier|school)\s+$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\[[^\[\]]*\]")

Span = tuple[int, int]


def _starts_sentence(text: str, position: int) -> bool:
    """Whether a word at `position` starts a sentence: the text's start, or after . ! ? (and spaces, quotes)."""
    before = text[:position].rstrip(' \t"«(')
    return not before or before[-1] in ".!?…"


def _is_elided(word: str) -> bool:
    """ "j'ai", "d'emploi", "jm'appelle": a short word elided before a lower-case one (not "N'Diaye")."""
    prefix, apostrophe, rest = word.replace("’", "'").partition("'")
    return bool(apostrophe) and len(prefix) <= 2 and rest[:1].islower()


def _is_name_word(word: str, any_case: bool) -> bool:
    """A word that may be (part of) a person's name: capitalised (or `any_case`), none of its parts a
    common word or a protected name, not an acronym ("CPF", "BTS"), not elided ("j'ai")."""
    parts = [_fold(word), *_fold(word).split("-")]
    if any(part in _COMMON_WORDS or part in _PROTECTED for part in parts) or _is_elided(word):
        return False
    if len(word) < 2 or (word.isupper() and len(word) <= 3):
        return False
    return any_case or word[0].isupper()


def _name_after(text: str, start: int, any_case: bool) -> Span | None:
    """The name that starts at `start` (after spaces or a colon): up to four name words, particles between
    them. After a lower-case first word (when `any_case`), lower-case words may follow; else not."""
    position = _COLON.match(text, start).end()  # type: ignore[union-attr]  # it matches the empty string
    words: list[Span] = []
    particle = False  # the previous word was a particle: a name word must follow it
    while len(words) < 4:
        word = _NAME_WORD.match(text, position)
        if not word:
            break
        lower_case_name = any_case and (not words or text[words[0][0]].islower())
        if words and not particle and _fold(word.group()) in _PARTICLES:
            particle = True
        elif _is_name_word(word.group(), lower_case_name):
            words.append(word.span())
            particle = False
        else:
            break
        spaces = _SPACES.match(text, word.end())
        if not spaces:
            break
        position = spaces.end()
    return (words[0][0], words[-1][1]) if words else None


def _introduced_names(text: str) -> Iterator[tuple[Span, bool]]:
    """Names after the words that introduce them, each with whether the NER must confirm it."""
    for pattern, any_case, confirm in _CONTEXTS:
        for match in pattern.finditer(text):
            span = _name_after(text, match.end(), any_case)
            if span:
                yield span, confirm


# A greeting that opens the message, then perhaps the visitor's name ("Bonjour, Sandrine Lefebvre, je voudrais…").
_GREETING = re.compile(
    r"^\s*(?:bonjour|bonsoir|salut|coucou|bjr|slt|hello|hi|hey|good\s+morning)\b[\s,!.]*", re.IGNORECASE
)
# What may follow a name right after the greeting: a punctuation mark, the end, or the visitor speaking.
_AFTER_GREETED_NAME = re.compile(rf"\s*(?:[,.;:!?]|$|(?:je|j{_AP}|moi|i|i{_AP}m|my)\b)", re.IGNORECASE)


def _greeted_name(text: str) -> Span | None:
    """Two name words or more right after an opening greeting, then a comma, the end or "je": a signature at
    the start ("Bonjour, Sandrine Lefebvre, je voudrais…"). One word is not enough ("Bonjour Madame")."""
    greeting = _GREETING.match(text)
    span = _name_after(text, greeting.end(), any_case=False) if greeting else None
    if span is None or len(_NAME_WORD.findall(text, *span)) < 2:
        return None
    return span if _AFTER_GREETED_NAME.match(text, span[1]) else None


def _signature(text: str) -> Span | None:
    """The name a message ends with, after closing words ("Merci, Karim"; "... ? Cordialement. Aïcha D.")."""
    closings = list(_CLOSINGS.finditer(text))
    if not closings:
        return None
    end = _END.search(text).start()  # type: ignore[union-attr]  # it matches the empty string
    start = max([closings[-1].end()] + [mark.end() for mark in _PUNCTUATION.finditer(text, 0, end)])
    span = _name_after(text, start, any_case=False)
    return span if span and span[1] == end else None


def _trimmed(text: str, span: Span) -> Span | None:
    """A person found by the NER, without the words around the name ("Bonjour", "Mme", "de la"), if it is
    one: none when a word of it is protected or not a name word."""
    words = [word for word in _NAME_WORD.finditer(text) if _overlaps(word.span(), [span])]  # "Dois" of "Dois-je"
    if any(_fold(word.group()) in _PROTECTED for word in words):
        return None
    while words and not _is_name_word(words[0].group(), any_case=False):
        words.pop(0)
    while words and not _is_name_word(words[-1].group(), any_case=False):
        words.pop()
    for word in words:
        if not _is_name_word(word.group(), any_case=False) and _fold(word.group()) not in _PARTICLES:
            return None
    return (words[0].start(), words[-1].end()) if words else None


def _persons(text: str, entities: Iterable[Entity]) -> Iterator[Span]:
    """The NER's persons that look like names. A capital at the start of a sentence says nothing: a person
    there needs two name words ("Nathalie Roux, ...", not "Handicap ?")."""
    for entity in entities:
        person = _trimmed(text, (entity.start_char, entity.end_char)) if entity.label_ == "PER" else None
        if person and (len(_NAME_WORD.findall(text, *person)) > 1 or not _starts_sentence(text, person[0])):
            yield person


def _is_title_case(text: str) -> bool:
    """Whether most words are capitalised ("Je Voudrais Faire Une Formation"): capitals then say nothing."""
    words = [word.group() for word in _NAME_WORD.finditer(text) if not _starts_sentence(text, word.start())]
    return len(words) >= 4 and sum(word[0].isupper() for word in words) >= 0.8 * len(words)


def _overlaps(span: Span, others: Iterable[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def _merged(text: str, spans: Iterable[Span]) -> list[Span]:
    """Overlapping spans, or spans with only spaces between them, as one."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _may_hold_a_name(text: str) -> bool:
    """Whether a word of the text is a capitalised name word. The NER's persons (`_trimmed`), the names it
    confirms and signatures are made of such words: without one, the NER's answer would change nothing, and it
    is not asked (most questions, "Avez-vous un centre à Istres ?": about a sixth of a turn's time otherwise)."""
    return any(_is_name_word(word.group(), any_case=False) for word in _NAME_WORD.finditer(text))


def _name_spans(text: str) -> list[Span]:
    """Where the names are: introduced ones, a signature, and the NER's persons."""
    # In a text without both cases, capitals say nothing ("JE CHERCHE DU TRAVAIL"): introductions only.
    cased = any(char.isupper() for char in text) and any(char.islower() for char in text)
    entities = list(name_model()(text).ents) if cased and _may_hold_a_name(text) else []
    seen = [(entity.start_char, entity.end_char) for entity in entities]
    spans = [span for span, confirm in _introduced_names(text) if not confirm or _overlaps(span, seen)]
    signature = _signature(text)
    if signature and _overlaps(signature, seen):
        spans.append(signature)
    greeted = _greeted_name(text) if cased else None
    if greeted:
        spans.append(greeted)
    if not _is_title_case(text):
        spans += [person for person in _persons(text, entities) if not _PLACE_BEFORE.search(text, 0, person[0])]
    placeholders = [match.span() for match in _PLACEHOLDER.finditer(text)]
    return _merged(text, (span for span in spans if not _overlaps(span, placeholders)))


def _mask_names(text: str) -> tuple[str, bool]:
    spans = _name_spans(text)
    for start, end in reversed(spans):
        text = text[:start] + PLACEHOLDERS["name"] + text[end:]
    return text, bool(spans)


def mask_personal_data(text: str) -> MaskedText:
    """The text with its personal data replaced by placeholders, and the kinds that were found.

    Order matters: IBANs and social security numbers first (their digit runs would otherwise be
    taken for phone numbers), e-mail addresses before phones (an address may hold digits), names last
    (the NER would take parts of an e-mail address or a street for names).
    """
    found: set[str] = set()
    for kind, pattern in (("iban", _IBAN), ("nir", _NIR), ("email", _EMAIL)):
        text, count = pattern.subn(PLACEHOLDERS[kind], text)
        if count:
            found.add(kind)
    text, has_phone = _mask_phones(text)
    if has_phone:
        found.add("phone")
    text, count = _ADDRESS.subn(PLACEHOLDERS["address"], text)
    if count:
        found.add("address")
    text, has_name = _mask_names(text)
    if has_name:
        found.add("name")
    return MaskedText(text=text, kinds=tuple(kind for kind in PLACEHOLDERS if kind in found))
