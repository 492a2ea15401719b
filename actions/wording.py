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

CENTRE_UNKNOWN = "Je ne connais pas de centre de la Cité des Métiers à {place}. La {organisation} est présente à {main} et dans {count} centres associés : {centres}."

LABELS_LIST = "La {organisation} a obtenu ces labels :\n{labels}\n\nPour le détail de l'un d'eux, demandez par exemple « et le label SPO ? ».\n{sources}"

LABEL_DETAIL = "{label} ({years}) :\n{facts}\n\n{sources}"

LABEL_DETAIL_WITH_ISSUER = "{label} ({years}), délivré par {issuer} :\n{facts}\n\n{sources}"

LABEL_UNKNOWN = "Je ne connais pas ce label-là. Voici les labels de la Cité des Métiers :\n{labels}"

HISTORY = "L'histoire de la Cité des Métiers en quelques dates :\n{timeline}\n\n{sources}"

NETWORK = "{description} On compte aujourd'hui {cities} Cités des Métiers dans le monde, réparties dans {countries} pays. Pour en savoir plus : {url}\n\n{sources}"

DONT_KNOW = "Je ne suis pas sûr d'avoir compris, et je préfère ne rien inventer. Je peux vous renseigner sur l'accueil (gratuité, anonymat, rendez-vous, public), les horaires et l'adresse, les services, les centres, les labels, le réseau international et l'histoire de la Cité des Métiers. Pour le reste, consultez {website} ou venez rencontrer un conseiller."

OUT_OF_SCOPE = "Désolé, je ne peux pas vous répondre sur ce sujet : je ne connais que la Cité des Métiers. Je peux vous renseigner sur l'accueil (gratuité, anonymat, rendez-vous, public), les services, les centres, les labels, le réseau international et son histoire. Pour le reste, consultez {website}."

# Said by the input channels (channels/guard.py), before or instead of the actions' replies.
TURN_FAILED = "Désolé, un problème technique m'empêche de vous répondre pour le moment. Réessayez dans quelques minutes, ou consultez le site de la Cité des Métiers : {website}"

TURN_FAILED_NO_WEBSITE = (
    "Désolé, un problème technique m'empêche de vous répondre pour le moment. Réessayez dans quelques minutes."
)

MESSAGE_TOO_LONG = "Votre message est trop long pour moi ({length} caractères, {limit} au plus). Pouvez-vous poser votre question en quelques phrases ?"

PERSONAL_DATA_REMOVED = "Pour protéger votre anonymat, j'ai effacé de votre message {kinds} : je n'en ai pas besoin pour vous répondre, et je ne les garde pas."

PERSONAL_DATA_KINDS = {
    "iban": "vos coordonnées bancaires",
    "nir": "votre numéro de sécurité sociale",
    "email": "votre adresse e-mail",
    "phone": "votre numéro de téléphone",
    "address": "votre adresse postale",
}
