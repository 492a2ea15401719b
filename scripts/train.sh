#!/usr/bin/env bash
# Trains a model unless one already matches the current training data, domain, config and pinned
# dependencies. Models are named <date>-<time>-<fingerprint>.tar.gz: when, and from what. The
# matching model is made the newest, which is the one `rasa run --model models` serves; only the
# KEEP_MODELS (default 3) newest models are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
keep=${KEEP_MODELS:-3}

# Entity lookups and synonyms come from the knowledge file's names and aliases.
# The fingerprint covers the pipeline's own components (rasa_extensions/): a change of their code retrains.
"$venv/bin/python" -m scripts.build_entity_data

fingerprint=$(
    find config.yml domain.yml constraints.txt data rasa_extensions -type f -not -path "*/__pycache__/*" -print0 | sort -z |
        xargs -0 sha256sum | sha256sum | cut -c1-12
)
# ls -t sorts by modification time; the names are ours (<date>-<time>-<fingerprint>.tar.gz), nothing ls could garble.
# shellcheck disable=SC2012
existing=$(ls -t models/*-"$fingerprint".tar.gz 2>/dev/null | head -n 1 || true)
if [ -n "$existing" ]; then
    touch "$existing"
    echo "The model $existing matches the current data and config: no training needed."
else
    echo "Training a model for data and config $fingerprint (a few minutes; progress bars below)..."
    "$venv/bin/rasa" train --domain domain.yml --data data --config config.yml --out models \
        --fixed-model-name "$(date +%Y%m%d-%H%M%S)-$fingerprint"
fi

# Prune: keep the newest models only.
# shellcheck disable=SC2012 # as above
ls -t models/*.tar.gz | tail -n +"$((keep + 1))" | xargs -r rm -f --
