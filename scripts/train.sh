#!/usr/bin/env bash
# Trains a model unless one already matches the current training data, domain, config and pinned
# dependencies. Models are named <date>-<time>-<fingerprint>.tar.gz: when, and from what. The
# matching model is made the newest, which is the one `rasa run --model models` serves; only the
# KEEP_MODELS (default 3) newest models are kept.
#
#     scripts/train.sh [--data DIR] [--out DIR]
#
# --data: the training data (default data/; `make publish` trains on REVIEW_DATA_DIR's); --out: the models'
# folder (default models/). The fingerprint names the data's files as data/..., wherever the folder is: a
# copy of data/ matches the models trained on data/.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
keep=${KEEP_MODELS:-3}
data=data
out=models
while [ $# -gt 0 ]; do
    case $1 in
        --data) data=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "usage: scripts/train.sh [--data DIR] [--out DIR]" >&2; exit 2 ;;
    esac
done
mkdir -p "$out"

# Entity lookups and synonyms come from the knowledge file's names and aliases.
# The fingerprint covers the pipeline's own components (rasa_extensions/): a change of their code retrains.
"$venv/bin/python" -m scripts.build_entity_data --data "$data"

fingerprint=$(
    {
        find config.yml domain.yml constraints.txt rasa_extensions -type f -not -path "*/__pycache__/*" -print0 |
            xargs -0 sha256sum
        (cd "$data" && find . -type f -not -path "*/__pycache__/*" -print0 | xargs -0 sha256sum) |
            sed 's|^\([0-9a-f]*\)  \./|\1  data/|'
    } | sort -k2 | sha256sum | cut -c1-12
)
# ls -t sorts by modification time; the names are ours (<date>-<time>-<fingerprint>.tar.gz), nothing ls could garble.
# shellcheck disable=SC2012
existing=$(ls -t "$out"/*-"$fingerprint".tar.gz 2>/dev/null | head -n 1 || true)
if [ -n "$existing" ]; then
    touch "$existing"
    echo "The model $existing matches the current data and config: no training needed."
else
    echo "Training a model for data and config $fingerprint (a few minutes; progress bars below)..."
    "$venv/bin/rasa" train --domain domain.yml --data "$data" --config config.yml --out "$out" \
        --fixed-model-name "$(date +%Y%m%d-%H%M%S)-$fingerprint"
fi

# Prune: keep the newest models only.
# shellcheck disable=SC2012 # as above
ls -t "$out"/*.tar.gz | tail -n +"$((keep + 1))" | xargs -r rm -f --
