#!/usr/bin/env bash
# Measures the current model and writes results/summary.md; exits non-zero on a regression. The gates (each
# can be set from the environment):
# - intent macro-F1 on the held-out examples (tests/nlu/holdout*.yml): 0.95 in French (MIN_MACRO_F1) and
#   in English (MIN_EN_MACRO_F1);
# - intent macro-F1 of the cross-validation on the training data, each language's examples apart: 0.90 in
#   French and in English (MIN_CV_MACRO_F1, MIN_EN_CV_MACRO_F1) with 5 folds; with fewer folds each model
#   trains on less of the data, and the floors are those measured with 2 folds (as in CI: 0.866 and 0.873
#   on 2026-12-01, 6,713 examples) less about 0.02; in English 0.84 since 2026-12-07, when the intent ask_more
#   ("tell me more", 44 short examples) came in and the English 2-fold figure measured 0.849;
# - held-out examples that would get a confident wrong answer: at most 3 % in each language
#   (MAX_WRONG_RATE, MAX_EN_WRONG_RATE);
# - entity macro-F1 on the held-out examples under MIN_ENTITY_F1 (0.85); a failed test conversation;
# - held-out conversations (tests/conversations/holdout.yml) whose last turn gets the right answer, asked of the
#   real assistant through REST: at least 0.90 (MIN_CONVERSATIONS); distress messages that get the human
#   answer: all of them (MIN_DISTRESS, 1.0);
# - held-out fact questions (tests/facts/holdout.yml), asked of the real assistant with the conversations: answered
#   with the right fact at least 0.70 (MIN_FACTS_RIGHT), those the sources do not answer given no fact in its place
#   at least 0.80 (MIN_FACTS_HONEST), wrong facts at most 0.15 (MAX_FACTS_WRONG): floors under the figures
#   measured on 2026-12-07; the summary reports the issue's targets beside them.
# This is the one gate on the NLU: the tests do not judge the held-out examples a second time. Steps: NLU on
# the held-out examples, NLU cross-validation (CV_FOLDS folds, default 5: trains that many NLU models; `make
# test` runs 2 to keep CI short), and the test conversations.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
rasa="$venv/bin/rasa"
folds=${CV_FOLDS:-5}
if [ "$folds" -ge 5 ]; then
    cv_floor=${MIN_CV_MACRO_F1:-0.90} en_cv_floor=${MIN_EN_CV_MACRO_F1:-0.90}
else
    cv_floor=${MIN_CV_MACRO_F1:-0.85} en_cv_floor=${MIN_EN_CV_MACRO_F1:-0.84}
fi

mkdir -p results
# The previous figures, to say whether the bot got better or worse.
[ -f results/summary.json ] && mv results/summary.json results/previous-summary.json
rm -rf results/holdout results/holdout_en results/cross-validation results/conversations results/heldout-conversations.json

echo "== 1/4 NLU on the held-out examples (tests/nlu/holdout.yml, in French; holdout_en.yml, in English)"
# --successes: every prediction is kept, for the report of what the bot would answer to each example.
"$rasa" test nlu --model models --nlu tests/nlu/holdout.yml --out results/holdout --successes
"$rasa" test nlu --model models --nlu tests/nlu/holdout_en.yml --out results/holdout_en --successes

if [ "$folds" -gt 1 ]; then
    echo "== 2/4 NLU cross-validation on the training data ($folds folds: trains $folds NLU models)"
    # devtools/cross_validate.py: Rasa's cross-validation without parsing each fold's training part again.
    "$venv/bin/python" -m devtools.cross_validate --folds "$folds" --out results/cross-validation
else
    echo "== 2/4 NLU cross-validation skipped (CV_FOLDS=$folds)"
fi

echo "== 3/4 Test conversations (tests/test_stories.yml)"
"$rasa" test core --model models --stories tests/test_stories.yml --out results/conversations

echo "== 4/4 Held-out conversations, distress messages and fact questions, asked of the real assistant"
"$venv/bin/python" -m devtools.evaluate_conversations --model models --out results/heldout-conversations.json

"$venv/bin/python" -m devtools.evaluation_summary --min-macro-f1 "${MIN_MACRO_F1:-0.95}" \
    --min-cv-macro-f1 "$cv_floor" --max-wrong-rate "${MAX_WRONG_RATE:-0.03}" \
    --min-entity-f1 "${MIN_ENTITY_F1:-0.85}" --min-en-macro-f1 "${MIN_EN_MACRO_F1:-0.95}" \
    --min-en-cv-macro-f1 "$en_cv_floor" --max-en-wrong-rate "${MAX_EN_WRONG_RATE:-0.03}" \
    --min-conversations "${MIN_CONVERSATIONS:-0.90}" --min-distress "${MIN_DISTRESS:-1.0}" \
    --min-facts-right "${MIN_FACTS_RIGHT:-0.70}" --min-facts-honest "${MIN_FACTS_HONEST:-0.80}" \
    --max-facts-wrong "${MAX_FACTS_WRONG:-0.15}"
