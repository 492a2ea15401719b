"""The wording's names and types, which the module of each language defines: `actions/wording.py` (French) and
`actions/wording_en.py` (English).

mypy checks each module against `Wording` where `actions/language.py` files it under its language, so a
template missing in one language, or given another type, is an error of `make lint`, not a reply that fails
in front of a visitor. A new template goes here and in both modules; tests/test_english.py checks that this
list names every template and that both languages fill the same {placeholders}.
"""

from typing import Protocol


class Wording(Protocol):
    """Every wording template of the actions; a module with these names (and maybe more) is one."""

    FACTS: str
    CENTRES_LIST: str
    CENTRE_MAIN: str
    CENTRE_ASSOCIATED: str
    CENTRE_UNKNOWN: str
    CENTRE_OF_NETWORK: str
    CENTRE_DETAIL_UNKNOWN: str
    DETAIL_OF_OTHER_YEAR: str
    DATED_FACT_NOW: str
    FACT_OF_OTHER_YEAR: str
    FACT_WITHOUT_DETAIL: str
    NOT_HELD_BUT_TOPIC: str
    CENTRE_DETAILS: dict[str, str]
    LABELS_LIST: str
    LABEL_DETAIL: str
    LABEL_DETAIL_WITH_ISSUER: str
    LABEL_UNKNOWN: str
    LABEL_ISSUER: str
    LABEL_ISSUER_UNKNOWN: str
    LABEL_YEARS: str
    CHARTER_YEARS: str
    LABEL_FIRST: str
    LABEL_LATEST: str
    LABEL_WHICH: str
    MENTION_NOT_FOUND: str
    YEAR_NOT_FOUND: str
    HISTORY: str
    NETWORK: str
    NEED: str
    NEED_UNNAMED: str
    NEED_WHERE: str
    NEED_SERVICE: str
    NO_PERSONAL_ADVICE: str
    NEED_SERVICES: str
    NOT_IN_SOURCES: str
    NOT_IN_SOURCES_UNNAMED: str
    HELPFUL_FACTS: str
    DONT_KNOW: str
    OUT_OF_SCOPE: str
    DID_YOU_MEAN: str
    SOMETHING_ELSE: str
    REPHRASE: str
    RATING_QUESTION: str
    RATING_HELPFUL: str
    RATING_NOT_HELPFUL: str
    RATED_HELPFUL: str
    MORE_BUTTON: str
    NOTHING_MORE: str
    RATED_NOT_HELPFUL: str
    DISTRESS: str
    REFERRAL: str
    REFERRAL_UNNAMED: str
    DETAIL_UNKNOWN: str
    DETAIL_WHICH: str
    DETAIL_WHICH_NOTHING: str
    THE_ORGANISATION: str
    THE_NETWORK: str
    THE_CENTRE: str
    THE_LABEL: str
    THE_CHARTER: str
    NOTHING_TO_GO_BACK_TO: str
    LANGUAGE_SWITCHED: str
    EMPTY_MESSAGE: str
