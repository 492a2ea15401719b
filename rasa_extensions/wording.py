"""What the Rasa server's input channels say themselves (rasa_extensions/guard.py), before or instead of the
assistant's replies. The action server's wording is in `actions/wording.py`: the two servers are deployed
apart and share no code. No fact here: the website comes from the channels' configuration."""

TURN_FAILED = "Désolé, un problème technique m'empêche de vous répondre pour le moment. Réessayez dans quelques minutes, ou consultez le site de la Cité des Métiers : {website}"

TURN_FAILED_EN = "Sorry, a technical problem is stopping me from answering right now. Please try again in a few minutes, or visit the Cité des Métiers website: {website}"

TURN_FAILED_NO_WEBSITE = (
    "Désolé, un problème technique m'empêche de vous répondre pour le moment. Réessayez dans quelques minutes."
)

TURN_FAILED_NO_WEBSITE_EN = (
    "Sorry, a technical problem is stopping me from answering right now. Please try again in a few minutes."
)

MESSAGE_TOO_LONG = "Votre message est trop long pour moi ({length} caractères, {limit} au plus). Pouvez-vous poser votre question en quelques phrases ?"

MESSAGE_TOO_LONG_EN = "Your message is too long for me ({length} characters, {limit} at most). Could you ask your question in a few sentences?"

TOO_MANY_MESSAGES = "Vous m'envoyez beaucoup de messages à la suite : attendez un instant avant le prochain, je vous répondrai volontiers."

TOO_MANY_MESSAGES_EN = (
    "You are sending me a lot of messages in a row: please wait a moment before the next one, and I will gladly answer."
)

PERSONAL_DATA_REMOVED = "Pour protéger votre anonymat, j'ai effacé de votre message {kinds} : je n'en ai pas besoin pour vous répondre, et je ne les garde pas."

PERSONAL_DATA_REMOVED_EN = "To protect your anonymity, I removed {kinds} from your message: I don't need that information to answer you, and I don't keep it."

PERSONAL_DATA_KINDS = {
    "name": "les noms de personnes",
    "iban": "vos coordonnées bancaires",
    "nir": "votre numéro de sécurité sociale",
    "email": "votre adresse e-mail",
    "phone": "votre numéro de téléphone",
    "address": "votre adresse postale",
}

PERSONAL_DATA_KINDS_EN = {
    "name": "people's names",
    "iban": "your bank details",
    "nir": "your social security number",
    "email": "your email address",
    "phone": "your phone number",
    "address": "your postal address",
}


def personal_data_removed(kinds: tuple[str, ...]) -> str:
    """The notice, naming what was removed: 'a', 'a et b', 'a, b et c'."""
    names = [PERSONAL_DATA_KINDS[kind] for kind in kinds]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]
    return PERSONAL_DATA_REMOVED.format(kinds=listed)


def personal_data_removed_en(kinds: tuple[str, ...]) -> str:
    """The English notice, naming what was removed: 'a', 'a and b', 'a, b and c'."""
    names = [PERSONAL_DATA_KINDS_EN[kind] for kind in kinds]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return PERSONAL_DATA_REMOVED_EN.format(kinds=listed)
