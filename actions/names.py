"""Names the action server and the production tools (ops/) both use: the rating's intent, entity and values,
and the actions whose answers the review and the weekly report count as not answered.

A leaf that imports nothing: ops/ reads these names without loading Rasa SDK or any action
(tests/test_server_boundaries.py). domain.yml and the training data spell the same names.
"""

# The visitor's rating of an answer, `/rate_answer{"rating": "helpful"}` (actions/feedback.py).
RATING_INTENT = "rate_answer"
RATING_ENTITY = "rating"
HELPFUL = "helpful"
NOT_HELPFUL = "not_helpful"

# The honest "I don't know" and "not my subject" (actions/fallback.py).
DONT_KNOW_ACTION = "action_dont_know"
OUT_OF_SCOPE_ACTION = "action_out_of_scope"
# Rasa's two-stage fallback, which actions/search.py hands over to, and its steps, which actions/fallback.py
# overrides.
TWO_STAGE_FALLBACK_ACTION = "action_two_stage_fallback"
ASK_AFFIRMATION_ACTION = "action_default_ask_affirmation"
ASK_REPHRASE_ACTION = "action_default_ask_rephrase"
DEFAULT_FALLBACK_ACTION = "action_default_fallback"
# The honest answer to a question no source holds (actions/unknowns.py).
NOT_IN_SOURCES_ACTION = "action_answer_not_in_sources"
