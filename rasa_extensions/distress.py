"""A floor under the intent classifier for people in distress: a message with words of despair, suicidal
thoughts, harassment or violence is given the intent `distress`, whatever the classifier thought.

The classifier learns `distress` from its examples (data/nlu/distress.yml), but a statistical model misses some
phrasings, and here a miss is the worst answer the bot can give: a list of facts to a person who wrote "je veux
en finir". These patterns are the safety net: missing one costs a person the 3114; a false alarm costs a job
seeker one kind, useless answer. They are checked on the message folded (lower case, no accents, apostrophes
as spaces), after the classifier and before the FallbackClassifier, which then leaves a certain intent alone.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

INTENT_NAME = "distress"

# French, folded. "\b" ends are left open where a word has many endings ("harcel" for harcèlement, harcelé...).
_FRENCH = (
    r"\bsuicid", r"\bme tuer\b", r"\bme foutre en l air\b", r"\bmettre fin a (?:mes|ma) (?:jours|vie)\b",
    r"\b(?:veux|voudrais|envie de|prefere|vais|va) mourir\b", r"\ben finir\b", r"\bplus (?:envie|gout) de vivre\b",
    r"\bpas envie de vivre\b", r"\braison de vivre\b", r"\braison de continuer\b", r"\bdisparaitre\b",
    r"\bmieux sans moi\b", r"\bj(?:e)? ?n ?en peux plus\b", r"\bplus la force\b", r"\ba bout\b",
    r"\bau bout du rouleau\b", r"\b(?:plus d|aucune|pas d) ?issue\b", r"\bplus (?:aucun )?espoir\b",
    r"\ba quoi bon\b", r"\bdesespere", r"\bdeprim", r"\bje craque\b", r"\bharcel",
    r"\b(?:m a|me|nous a|l a|m ont) frapp", r"\bviolen", r"\bagress", r"\bhumili", r"\brabaiss", r"\bmenac",
    r"\bcogne", r"\bpeur d aller (?:au|a mon) (?:travail|boulot|taf)\b", r"\bje tremble\b",
    r"\bpleure tous les jours\b", r"\bplus de sens\b", r"\bsens a (?:rien|ma vie)\b", r"\bje vaux rien\b",
    r"\bje sers a rien\b", r"\bpersonne ne (?:m aime|me comprend)\b", r"\bseul au monde\b", r"\bme faire du mal\b",
    r"\bmourir\b", r"\bplus vivre\b", r"\bnoir total\b", r"\b(?:me )?(?:hurle|crie|gueule) dessus\b", r"\bm insult",
    r"\battouchement", r"\bharcelement sexuel\b", r"\b(?:veux|veut) plus vivre\b", r"\benvie de rien\b",
    r"\bfatigue de (?:tout|vivre)\b", r"\bj abandonne tout\b", r"\bidees? noires?\b", r"\bpensees? noires?\b",
    r"\bje (?:ne )?tiens plus\b", r"\bje (?:ne )?supporte plus (?:rien|ma vie|cette vie)\b",
    r"\bmarre de (?:vivre|tout)\b", r"\bcrises? d angoisse\b", r"\bje m effondre\b", r"\bme pendre\b",
    r"\bdormir pour toujours\b", r"\bplus la peine de (?:vivre|continuer)\b", r"\bun poids pour\b",
    r"\bje me sens (?:vide|inutile|nul|nulle)\b", r"\bpeur de mon (?:chef|patron|manager)\b",
    # Farewells: a last message is a warning sign, whatever else it says.
    r"\b(?:dire|dis|fais mes) adieux?\b", r"\badieu (?:a tous|tout le monde|pour toujours)\b", r"\blettre d adieu",
    r"\b(?:mon|un) dernier message\b", r"\bje (?:ne )?serai (?:plus|bientot plus) la\b",
    r"\bau revoir\b.*\b(?:pour toujours|pour de bon|derniere fois|plus besoin|plus jamais)\b",
    r"\b(?:je ne|j) ?(?:embeterai|derangerai|ennuierai) plus personne\b", r"\bc est (?:un|mon) adieu\b",
    r"\bvous (?:ne )?(?:me )?reverrez plus\b", r"\b(?:ne )?plus me reveiller\b", r"\bmes affaires en ordre\b",
    # Unmistakable words of a plan or a wish to die, of self-harm, of self-hatred.
    r"\b(?:envie de|veux|vais|voudrais) crever\b", r"\bme jeter (?:sous|du|de|par)\b", r"\bje me tue\b(?! a)",
    r"\bme tuerai", r"\bmettre fin a\b",
    r"\bfait une tentative\b", r"\bque (?:tout|ca) s arrete\b", r"\bme fais du mal\b",
    r"\bfaire une (?:betise|connerie)\b", r"\bpartir pour (?:de bon|toujours)\b", r"\bsi j (?:e )?etais mort",
    r"\bouvert les veines\b", r"\bsauter (?:par la fenetre|du (?:balcon|pont|toit))\b", r"\bpense a la mort\b",
    r"\bje me deteste\b", r"\bmerite pas de (?:vivre|exister)\b", r"\bdevrais (?:meme )?pas exister\b",
    r"\bau fond du trou\b", r"\bsi (?:demain )?(?:je n |j )?(?:etais|suis|serais) plus la\b",
    r"\bavaler (?:toute la boite|tous mes (?:medicaments|cachets))\b", r"\bpris (?:beaucoup|trop) de medicaments\b",
    r"\bpreparer? une corde\b", r"\bpeur de moi\b", r"\ben detresse\b", r"\bdesespoir\b",
    r"\bje vais (?:vraiment |tres )?mal\b", r"\bmarre de la vie\b", r"\ba quoi (?:ca|sa) sert de vivre\b",
    r"\bfardeau\b", r"\bboulet pour\b", r"\bbout du tunnel\b", r"\bplus (?:dans le decor|de ce monde)\b",
)  # fmt: skip
# English, folded.
_ENGLISH = (
    r"\bsuicid", r"\bkill (?:myself|me)\b", r"\bend (?:my life|it all)\b", r"\b(?:want|wanna|going) to die\b",
    r"\bwanna die\b", r"\bbetter off (?:without me|dead)\b",
    r"\bno (?:reason|point) (?:to|in) (?:live|living|go on)\b", r"\bcan ?t go on\b",
    r"\bcan ?t take (?:it|this) any ?more\b", r"\bcan ?t do this any ?more\b",
    r"\bwhat ?s the point(?:$| of (?:living|life|it all|anything|going on|trying|carrying on)| any ?more)",
    r"\bno way out\b", r"\bhopeless\b", r"\bgive up on (?:life|everything)\b", r"\bharass",
    r"\bbull(?:y|ied|ies|ying)\b", r"\b(?:hits|hit|beat|beats|slapped|punched|grabbed|pushed) me\b", r"\bassault",
    r"\babus(?:e|ed|ive|ing)\b", r"\bthreaten",
    r"\b(?:scared|afraid|terrified) (?:to|of) go(?:ing)? (?:to|back to) work\b", r"\bbreakdown\b", r"\bdisappear\b",
    r"\bhurt myself\b", r"\bself harm", r"\bworthless\b", r"\bno one (?:cares|would care)\b",
    r"\bnobody (?:cares|would care)\b", r"\bcry(?:ing)? every (?:day|night)\b", r"\bat the end of my rope\b",
    r"\bcan ?t cope\b", r"\bdon ?t want to (?:live|be here|wake up)\b",
    r"\b(?:tired|sick) of (?:living|life|everything)\b", r"\bnothing matters\b",
    r"\b(?:shouts|yells|screams|screamed|yelled|shouted) at me\b", r"\btouch(?:es|ed) me\b",
    r"\bsexual(?:ly)? harass", r"\b(?:scared|afraid|terrified) of my (?:boss|manager|supervisor)\b",
    r"\bi give up on\b", r"\bdark thoughts\b", r"\bfalling apart\b", r"\bpanic attacks?\b", r"\bnot worth living\b",
    r"\bend things\b", r"\bdon ?t see the point\b", r"\ba burden\b", r"\b(?:he|she|they) hurt me\b",
    r"\bsleep forever\b", r"\bdone with (?:life|everything)\b",
    r"\bgoodbye (?:forever|for ever|to (?:everyone|everybody|the world|all of you|you all))\b",
    r"\b(?:final|last) goodbyes?\b", r"\bfarewell (?:to|everyone|everybody|forever)\b", r"\bthis is goodbye\b",
    r"\b(?:good ?bye|bye)\b.*\b(?:for good|forever|for ever|last time|won ?t (?:be|need|bother)|no more|not be)\b",
    r"\b(?:won ?t|will not|never) (?:bother|trouble) (?:anyone|anybody|you|people) (?:again|any ?more)\b",
    r"\bwon ?t need (?:it|anything|any of this|help) any ?more\b", r"\bthank(?:s| you) for everything\b.*\bgoodbye\b",
    r"\bmy last message\b", r"\bwon ?t be (?:here|around) (?:any ?more|much longer|tomorrow)\b",
    r"\b(?:not|never|wouldn ?t|won ?t) wake up\b", r"\b(?:my )?affairs in order\b",
    r"\bgive away my (?:things|stuff)\b",
    r"\bending it\b", r"\b(?:want|wanna|going|gonna|think(?:ing)? about|to) end it\b", r"\bkilling myself\b",
    r"\bending my (?:own )?life\b", r"\breason to go on living\b",
    r"\bno (?:more )?reason to (?:go on|keep going|live)\b",
    r"\b(?:take|taking|swallow|swallowed|swallowing) (?:all |a lot of )?(?:my |the )?(?:pills|meds|tablets)\b",
    r"\bif i (?:was|were) gone\b", r"\bcut myself\b", r"\bjump (?:out of|off) (?:the|a|my)\b",
    r"\bthink(?:ing)? about death\b", r"\bhate myself\b", r"\bdon ?t deserve to live\b",
    r"\bshouldn ?t (?:even )?exist\b", r"\brock bottom\b", r"\bdo something stupid\b",
    r"\bscared of (?:myself|what i might do)\b", r"\bwasn ?t around\b", r"\bdying would\b",
    r"\bwant (?:it|everything|it all) (?:all )?to (?:stop|end)\b", r"\bi ?m not ok(?:ay)?\b", r"\bin distress\b",
    r"\bdespair\b", r"\bhurting myself\b", r"\bnothing left (?:in me|to (?:give|fight for|live for))\b",
    r"\b(?:better|fine) without me\b", r"\bwant to vanish\b", r"\bend of the tunnel\b",
)  # fmt: skip
_PATTERNS = re.compile("|".join((*_FRENCH, *_ENGLISH)))


def fold(text: str) -> str:
    """Lower case, accents and apostrophes removed, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def is_distress(text: str) -> bool:
    """Whether a message holds words of distress."""
    return bool(_PATTERNS.search(fold(text)))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DistressFloor(GraphComponent):
    """Sets the intent `distress` (confidence 1) on a message with words of distress."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DistressFloor:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or not is_distress(text):
                continue
            distress = {"name": INTENT_NAME, "confidence": 1.0}
            others = [ranked for ranked in message.get(INTENT_RANKING_KEY) or [] if ranked.get("name") != INTENT_NAME]
            message.set(INTENT, distress, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [distress, *others], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
