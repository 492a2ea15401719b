"""The English wording of the actions' replies; facts from the knowledge file, in English, fill the {placeholders}.

Wording only, never a fact: no figure, date, address or link here. The same names (`actions/wording_type.py`,
checked by mypy), dict keys and {placeholders} as the French wording in `actions/wording.py`, which says why
these templates live beside the actions rather than as `domain.yml` responses. "Cité des Métiers" is a name: never translated.
"""

FACTS = "{facts}\n\n{sources}"

CENTRES_LIST = "The {organisation} is based in {main} and reaches across the region through its {count} associated centres: {centres}.\n\n{sources}"

CENTRE_MAIN = (
    "Yes, the Cité des Métiers is in {centre}. {facts}\nIt also has {count} associated centres: {centres}.\n\n{sources}"
)

CENTRE_ASSOCIATED = "Yes, {centre} is one of the {count} associated centres of the {organisation}. I don't have the contact details or the opening hours of this centre: please see {website}.\n\n{sources}"

CENTRE_UNKNOWN = "{place} is not one of the centres of the {organisation}, which is based in {main} and has {count} associated centres ({centres}).\nThe international network has {cities} Cités des Métiers in {countries} countries: look for one near {place} on {url}.\n\n{sources}"

CENTRE_OF_NETWORK = "{place}: {facts}\nThe network: {url}\n\n{sources}"

# A centre asked about something the sources do not hold for it: said for that centre, never another's facts.
CENTRE_DETAIL_UNKNOWN = "My sources don't include {detail} for the associated centre {of_centre}. Please see {website}, or drop in and ask at the Cité des Métiers in {main}, no appointment needed."

# A dated fact ("en 2013, …") asked of another year: said as what the sources hold, not as the answer.
DETAIL_OF_OTHER_YEAR = "My sources don't give {detail} for {year}. What they say:\n{facts}\n\n{sources}"

# A dated fact asked of now ("how many advisers today?"): the sources' figure is not today's.
DATED_FACT_NOW = "My sources don't say how things stand today. What they say, as of their date:\n{facts}\n\n{sources}"

# A dated fact found by the search for a question of another year ("how many files in 2020?").
FACT_OF_OTHER_YEAR = "My sources say nothing of {year} on this. What they say, as of their date:\n{facts}\n\n{sources}"

# A fact found by the search that does not hold the detail the question asks.
FACT_WITHOUT_DETAIL = "My sources don't give {detail}. What they say:\n{facts}\n\n{sources}"

# Before a topic's whole answer, when the question asks a detail that no source holds ("who chairs the network?").
NOT_HELD_BUT_TOPIC = (
    "I don't have that detail in my sources, and I'd rather not make anything up. Here is what they say on the subject:"
)

CENTRE_DETAILS = {
    "address": "the address",
    "hours": "the opening hours",
    "contact": "the contact details (phone, email)",
    "opened": "the opening date",
}

LABELS_LIST = "The {organisation} has been awarded these labels:\n{labels}\n\nTo learn more about one of them, just ask, for example: “What about the SPO label?”\n{sources}"

LABEL_DETAIL = "{label} ({years}):\n{facts}\n\n{sources}"

LABEL_DETAIL_WITH_ISSUER = "{label} ({years}), awarded by {issuer}:\n{facts}\n\n{sources}"

LABEL_UNKNOWN = "I don't know that label. Here are the labels the Cité des Métiers holds:\n{labels}"

LABEL_ISSUER = "{label} was awarded by {issuer}.\n\n{sources}"

LABEL_ISSUER_UNKNOWN = "My sources don't say who awarded {label}. Please see {website} to find out.\n\n{sources}"

LABEL_YEARS = "{label}: awarded in {years}.\n\n{sources}"

# A charter is signed, not obtained (a label's `kind`).
CHARTER_YEARS = "{label}: signed in {years}.\n\n{sources}"

# "your first label?", "the most recent one?": that label, with its facts.
LABEL_FIRST = "Its first label, in {year}: {label}.\n{facts}\n\n{sources}"

LABEL_LATEST = "The most recent of its distinctions, in {year}: {label}.\n{facts}\n\n{sources}"

LABEL_WHICH = "Which label do you mean? Here are the labels the Cité des Métiers holds:\n{labels}"

MENTION_NOT_FOUND = "I'm not sure what you're referring to. Could you be more specific? For example: “the SPO label”, “the centre in Gap”."

YEAR_NOT_FOUND = "I don't have anything on the Cité des Métiers in {year}. Here are its key dates:\n{timeline}"

HISTORY = "Its story, in a few dates:\n{timeline}\n\n{sources}"

NETWORK = "{description} Today there are {cities} Cités des Métiers around the world, in {countries} countries. To find out more: {url}\n\n{sources}"

# Visitors' own needs: what the centre offers for them, then the public services they can use themselves.
NEED = "Looking for help with {need}? {adviser}\n{where}"

NEED_UNNAMED = "{adviser}\n{where}\n\nTell me more (training, a job, a career change, a business…): I'll say which public service can also help."

NEED_WHERE = "Where: in {main}, or at one of the {count} associated centres ({centres})."

NEED_SERVICE = "On your own, you can also turn to: {service}"

NO_PERSONAL_ADVICE = "I can't give you personal advice here: that's what an adviser does, with you."

NEED_SERVICES = "On your own, you can also turn to:"

# Something no source holds (parking, events...): said plainly, with where to find it.
NOT_IN_SOURCES = "I have no information about {subject} in my sources, and I'd rather not make anything up. Please see {website}, or ask in person (no appointment needed)."

NOT_IN_SOURCES_UNNAMED = "I don't have that information in my sources, and I'd rather not make anything up. Please see {website}, or ask in person (no appointment needed)."

HELPFUL_FACTS = "{facts}\n\n{sources}"

DONT_KNOW = "I'm not sure I understood, and I'd rather not make anything up. I can tell you about visits (cost, anonymity, appointments, who can come), the hours, the address, the services, the centres, the labels, the network and the history of the Cité des Métiers. For anything else: {website}, or an adviser on site."

OUT_OF_SCOPE = "Sorry, I can't help you with that: I only know about the Cité des Métiers. I can tell you about how visits work (cost, anonymity, appointments, who can come), the services, the centres, the labels, the international network and its history. For anything else, please see {website}."

# Two-stage fallback: the topics the NLU hesitates between, offered as buttons.
DID_YOU_MEAN = "I'm not sure I understood you correctly. Did you mean:"

SOMETHING_ELSE = "Something else"

REPHRASE = "All right. Could you rephrase your question in other words? For example: “Is it free?”, “Where are you?”, “I'm looking for a training course”."

# The visitor's rating of an answer with facts (actions/feedback.py).
RATING_QUESTION = "Did this answer help you?"

RATING_HELPFUL = "👍 Helpful"

RATING_NOT_HELPFUL = "👎 Not helpful"

RATED_HELPFUL = "Thank you for your feedback!"

MORE_BUTTON = "Tell me more"

NOTHING_MORE = "I have nothing more to add on this. Ask me another question!"

RATED_NOT_HELPFUL = "Sorry this answer did not help. You can rephrase your question in other words, or talk it over with an adviser:\n{facts}\n\n{sources}"

DISTRESS = "This sounds really hard, and I am truly sorry. You don't have to face it alone: people can listen, right now.\n{facts}"

REFERRAL = "On this subject ({subject}), I can't advise you myself. Who can help:\n{facts}\n\n{sources}"

REFERRAL_UNNAMED = "This question needs a personal answer, which I can't give. Who can help:\n{facts}\n\n{sources}"

DETAIL_UNKNOWN = "My sources don't give {detail} for {thing}, and I'd rather not make anything up. Please see {website}, or ask on site, no appointment needed."

DETAIL_WHICH = "What would you like to know about {thing}? I can tell you: {details}."

DETAIL_WHICH_NOTHING = "I didn't understand what you would like to know about {thing}. Could you say a little more?"

THE_ORGANISATION = "the Cité des Métiers"
THE_NETWORK = "the international network of Cités des Métiers"
THE_CENTRE = "the centre {of_centre}"
THE_LABEL = "the {label}"
THE_CHARTER = "the {label}"

NOTHING_TO_GO_BACK_TO = "I can't find an earlier question to go back to. Ask me your question and I'll answer it."

LANGUAGE_SWITCHED = "Sure, I'll carry on in English."

EMPTY_MESSAGE = "I didn't get a question. Tell me what you are looking for (a training, a job, choosing your path…) or what you would like to know about the Cité des Métiers."
