"""The French wording of the actions' replies; facts from the knowledge file fill the {placeholders}.

Wording only, never a fact: no figure, date, address or link here. These templates live beside the
actions rather than as `domain.yml` responses because `rasa data validate --fail-on-warnings` rejects
responses that no story or rule uses, which is the case of every response uttered only by an action.
"""

FACTS = "{facts}\n\n{sources}"

CENTRES_LIST = "La {organisation} est présente à {main} et rayonne en région grâce à ses {count} centres associés : {centres}.\n\n{sources}"

CENTRE_MAIN = (
    "Oui, la Cité des Métiers est à {centre}. {facts}\nElle a aussi {count} centres associés : {centres}.\n\n{sources}"
)

CENTRE_ASSOCIATED = "Oui, {centre} fait partie des {count} centres associés de la {organisation}. Je n'ai pas les coordonnées ni les horaires de ce centre : consultez {website}.\n\n{sources}"

CENTRE_UNKNOWN = "{place} ne fait pas partie des centres de la {organisation} : elle est présente à {main} et dans {count} centres associés ({centres}).\nLe réseau international compte {cities} Cités des Métiers dans {countries} pays : cherchez-en une près de {place} sur {url}.\n\n{sources}"

CENTRE_OF_NETWORK = "{place} : {facts}\nLe réseau : {url}\n\n{sources}"

# A centre asked about something the sources do not hold for it: said for that centre, never another's facts.
CENTRE_DETAIL_UNKNOWN = "Je n'ai pas {detail} du centre associé {of_centre} dans mes sources. Consultez {website}, ou renseignez-vous à la Cité des Métiers de {main}, sans rendez-vous."

# A dated fact ("en 2013, …") asked of another year: said as what the sources hold, not as the answer.
DETAIL_OF_OTHER_YEAR = "Mes sources ne donnent pas {detail} pour {year}. Ce qu'elles disent :\n{facts}\n\n{sources}"

# A dated fact asked of now ("combien de conseillers aujourd'hui ?"): the sources' figure is not today's.
DATED_FACT_NOW = (
    "Mes sources ne disent pas ce qu'il en est aujourd'hui. Ce qu'elles disent, à leur date :\n{facts}\n\n{sources}"
)

# A dated fact found by the search for a question of another year ("combien de dossiers en 2020 ?").
FACT_OF_OTHER_YEAR = (
    "Mes sources ne disent rien de {year} à ce sujet. Ce qu'elles disent, à leur date :\n{facts}\n\n{sources}"
)

# A fact found by the search that does not hold the detail the question asks ("quel jour ?" of a fact dated by its
# year): said as what the sources hold, not as the answer.
FACT_WITHOUT_DETAIL = "Mes sources ne donnent pas {detail}. Ce qu'elles disent :\n{facts}\n\n{sources}"

# Before a topic's whole answer, when the question asks a detail that no source holds ("qui préside le réseau ?").
NOT_HELD_BUT_TOPIC = "Je n'ai pas cette précision dans mes sources, et je préfère ne rien inventer. Voici ce qu'elles disent sur le sujet :"

CENTRE_DETAILS = {
    "address": "l'adresse",
    "hours": "les horaires",
    "contact": "les coordonnées (téléphone, e-mail)",
    "opened": "la date d'ouverture",
}

LABELS_LIST = "La {organisation} a obtenu ces labels :\n{labels}\n\nPour le détail de l'un d'eux, demandez par exemple « et le label SPO ? ».\n{sources}"

LABEL_DETAIL = "{label} ({years}) :\n{facts}\n\n{sources}"

LABEL_DETAIL_WITH_ISSUER = "{label} ({years}), délivré par {issuer} :\n{facts}\n\n{sources}"

LABEL_UNKNOWN = "Je ne connais pas ce label-là. Voici les labels de la Cité des Métiers :\n{labels}"

LABEL_ISSUER = "{label} a été décerné par {issuer}.\n\n{sources}"

LABEL_ISSUER_UNKNOWN = (
    "Mes sources ne disent pas qui a décerné {label}. Consultez {website} pour le savoir.\n\n{sources}"
)

LABEL_YEARS = "{label} : obtenu en {years}.\n\n{sources}"

# A charter is signed, not obtained (a label's `kind`).
CHARTER_YEARS = "{label} : signée en {years}.\n\n{sources}"

# "votre premier label ?", "le plus récent ?": that label, with its facts.
LABEL_FIRST = "Son premier label, en {year} : {label}.\n{facts}\n\n{sources}"

LABEL_LATEST = "La plus récente de ses distinctions, en {year} : {label}.\n{facts}\n\n{sources}"

LABEL_WHICH = "De quel label parlez-vous ? Voici ceux de la Cité des Métiers :\n{labels}"

MENTION_NOT_FOUND = "Je ne vois pas à quoi vous faites référence. Pouvez-vous préciser ? Par exemple : « le label SPO », « le centre de Gap »."

YEAR_NOT_FOUND = "Je ne connais rien de la Cité des Métiers en {year}. Voici ses dates :\n{timeline}"

HISTORY = "Son histoire, en quelques dates :\n{timeline}\n\n{sources}"

NETWORK = "{description} On compte aujourd'hui {cities} Cités des Métiers dans le monde, réparties dans {countries} pays. Pour en savoir plus : {url}\n\n{sources}"

# Visitors' own needs: what the centre offers for them, then the public services they can use themselves.
NEED = "Vous venez pour {need} ? {adviser}\n{where}"

NEED_UNNAMED = "{adviser}\n{where}\n\nDites-m'en plus (formation, emploi, reconversion, création d'entreprise, orientation…) : je vous dirai quel service public peut aussi vous aider."

NEED_WHERE = "Où : à {main} ou dans l'un de ses {count} centres associés ({centres})."

NEED_SERVICE = "Vous pouvez aussi, par vous-même : {service}"

NO_PERSONAL_ADVICE = (
    "Je ne peux pas vous donner de conseil personnalisé ici : c'est ce que fait un conseiller, avec vous."
)

NEED_SERVICES = "Vous pouvez aussi, par vous-même :"

# Something no source holds (parking, events...): said plainly, with where to find it.
NOT_IN_SOURCES = "Je n'ai pas d'information sur {subject} dans mes sources, et je préfère ne rien inventer. Consultez {website}, ou posez la question sur place (sans rendez-vous)."

NOT_IN_SOURCES_UNNAMED = "Je n'ai pas cette information dans mes sources, et je préfère ne rien inventer. Consultez {website}, ou posez la question sur place (sans rendez-vous)."

HELPFUL_FACTS = "{facts}\n\n{sources}"

DONT_KNOW = "Je ne suis pas sûr d'avoir compris, et je préfère ne rien inventer. Je peux vous renseigner sur l'accueil (gratuité, anonymat, rendez-vous, public), les horaires, l'adresse, les services, les centres, les labels, le réseau et l'histoire de la Cité des Métiers. Pour le reste : {website}, ou un conseiller sur place."

OUT_OF_SCOPE = "Désolé, je ne peux pas vous répondre sur ce sujet : je ne connais que la Cité des Métiers. Je peux vous renseigner sur l'accueil (gratuité, anonymat, rendez-vous, public), les services, les centres, les labels, le réseau international et son histoire. Pour le reste, consultez {website}."

# Two-stage fallback: the topics the NLU hesitates between, offered as buttons.
DID_YOU_MEAN = "Je ne suis pas sûr d'avoir bien compris. Vouliez-vous dire :"

SOMETHING_ELSE = "Autre chose"

REPHRASE = "D'accord. Pouvez-vous reformuler votre question avec d'autres mots ? Par exemple : « Est-ce gratuit ? », « Où êtes-vous ? », « Je cherche une formation »."

# The visitor's rating of an answer with facts (actions/feedback.py). The widget shows RATING_QUESTION above
# the two buttons (web/chat.js, whose copies of the two titles a test compares with these).
RATING_QUESTION = "Cette réponse vous a-t-elle aidé ?"

RATING_HELPFUL = "👍 Utile"

RATING_NOT_HELPFUL = "👎 Pas utile"

RATED_HELPFUL = "Merci pour votre retour !"

# An answer cut to be read at a glance (actions/glance.py): the quick reply for the rest, and the reply when
# there is no rest to give.
MORE_BUTTON = "En savoir plus"

NOTHING_MORE = "Je n'ai rien de plus à ajouter sur ce sujet. Posez-moi une autre question !"

RATED_NOT_HELPFUL = "Désolé que cette réponse ne vous ait pas aidé. Vous pouvez reformuler votre question avec d'autres mots, ou en parler à un conseiller :\n{facts}\n\n{sources}"

# A person in distress: a few human words first, then the numbers and the advisers (the knowledge file's
# `distress` facts, one per line). No list of facts about the association, no rating buttons.
DISTRESS = "Ce que vous vivez a l'air très difficile, et je suis vraiment désolé. Vous n'avez pas à rester seul·e : des personnes peuvent vous écouter, maintenant.\n{facts}"

# Questions only a person or another public service answers (labour law, salaries, writing a CV...).
REFERRAL = (
    "Sur ce sujet ({subject}), je ne peux pas vous conseiller moi-même. Qui peut vous aider :\n{facts}\n\n{sources}"
)

REFERRAL_UNNAMED = "Cette question demande une réponse personnalisée, que je ne peux pas vous donner. Qui peut vous aider :\n{facts}\n\n{sources}"

# A detail of a thing (the Cité des Métiers, a centre, a label, the network) that the sources do not hold.
DETAIL_UNKNOWN = "Mes sources ne donnent pas {detail} pour {thing}, et je préfère ne rien inventer. Consultez {website}, ou posez la question sur place, sans rendez-vous."

# An attribute question whose attribute is not recognised: what the bot can say about the thing.
DETAIL_WHICH = "Que voulez-vous savoir sur {thing} ? Je peux vous dire : {details}."

DETAIL_WHICH_NOTHING = (
    "Je n'ai pas compris ce que vous voulez savoir sur {thing}. Pouvez-vous préciser votre question ?"
)

# The things a detail is asked of, as the French sentence names them.
THE_ORGANISATION = "la Cité des Métiers"
THE_NETWORK = "le réseau international des Cités des Métiers"
THE_CENTRE = "le centre {of_centre}"
THE_LABEL = "le {label}"
THE_CHARTER = "la {label}"

# A follow-up that refers to nothing answered yet ("pour revenir à ma question" as a first message).
NOTHING_TO_GO_BACK_TO = (
    "Je ne retrouve pas de question précédente à laquelle revenir. Posez-moi votre question, je vous réponds."
)

LANGUAGE_SWITCHED = "D'accord, je continue en français."

# A message with nothing to read: blank, punctuation or emoji only.
EMPTY_MESSAGE = "Je n'ai pas reçu de question. Écrivez-moi ce que vous cherchez (une formation, un emploi, votre orientation…) ou ce que vous voulez savoir sur la Cité des Métiers."
