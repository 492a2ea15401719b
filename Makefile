# The documented workflow of the Cité des Métiers assistant (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PYTHON := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
export VENV
# The assistant's settings (RASA_PORT, TRACKER_DB, RETENTION_DAYS...) are read by the tools themselves, with
# their defaults (docs/configuration.md): set them in the environment or on make's command line
# (`make run RASA_PORT=5006`), which make passes on to the recipes.
# Rasa's anonymous usage telemetry stays off.
export RASA_TELEMETRY_ENABLED ?= false
# Every shell script of the project, for shellcheck (.pre-commit-config.yaml finds the same ones by their shebang).
SHELL_SCRIPTS := $(wildcard scripts/*.sh devtools/*.sh) .ci/run

.PHONY: help install run shell interactive train validate lint format test test-unit test-e2e evaluate bench profile purge review review-web publish report lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

install: $(VENV)/.installed web/node_modules/.installed ## Create the Python 3.10 environment and install the widget

$(VENV)/.installed: pyproject.toml constraints.txt scripts/setup-env.sh
	scripts/setup-env.sh
	touch $@

# The chat widget (rasa-webchat) from the npm registry, at the versions of web/package-lock.json.
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

train: install ## Train a model, unless one already matches the data and config (keeps the 3 newest)
	scripts/train.sh

run: train ## Main job: train if needed, serve under supervisord (a server that dies restarts; Ctrl-C stops all)
	$(VENV)/bin/cdm-run serve

shell: train ## Talk to the bot in the terminal, as visitors do (SHOW_TOPIC=1: the topic understood too)
	$(VENV)/bin/cdm-run shell

interactive: train ## Correct the bot turn by turn with `rasa interactive` and save new stories
	$(VENV)/bin/cdm-run interactive

validate: install ## Check the knowledge file and the training data
	$(PYTHON) -m actions.knowledge
	$(PYTHON) -m scripts.build_entity_data
	$(RASA) data validate --domain domain.yml --data data --config config.yml --fail-on-warnings

# The same checks as the hooks of .pre-commit-config.yaml, with the same tools (pinned in constraints.txt).
lint: install ## Lint and type-check: ruff, ruff format --check, mypy (strict, see pyproject.toml), shellcheck
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/shellcheck $(SHELL_SCRIPTS)

format: install ## Format the Python code and apply ruff's automatic fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Fails fast: what takes minutes first (lint, unit tests), then the data, training and evaluation, then the
# end-to-end tests on real servers. CI runs 2 cross-validation folds to stay under 30 minutes; `make evaluate` runs 5.
test: ## Run every test: lint, unit, data, training, evaluation, end-to-end (stops at the first failing stage)
	$(MAKE) lint
	scripts/ensure-test-tools.sh
	$(MAKE) test-unit
	$(MAKE) validate
	$(MAKE) evaluate CV_FOLDS=$${CV_FOLDS:-2}
	$(MAKE) test-e2e

test-unit: install ## Only the fast tests (no servers, no model)
	$(PYTHON) -m pytest -m "not e2e"

test-e2e: train ## Only the end-to-end tests: real servers, the widget in Chromium, the scale-out stores
	scripts/ensure-test-tools.sh
	$(PYTHON) -m pytest -m e2e

evaluate: train ## Held-out NLU, 5-fold cross-validation, test conversations, wrong answers -> results/summary.md; fails on a regression
	devtools/evaluate.sh

bench: install ## The project beside Rasa's default config: ratios, targets met -> results/bench.md (~30 min; +1 h the first time)
	scripts/ensure-test-tools.sh
	$(PYTHON) -m devtools.bench

profile: train ## Where a turn's time goes, stage by stage (spaCy, featurizers, intents, entities, policies, store, actions)
	$(PYTHON) -m devtools.profile_turn

purge: install ## Delete conversations older than RETENTION_DAYS (docs/configuration.md) from the tracker store
	$(VENV)/bin/cdm-purge

review: install ## Turn the messages the bot failed into training examples, in the terminal (data/nlu/reviewed.yml)
	$(VENV)/bin/cdm-review

review-web: install ## The same review as a web page, protected by REVIEW_SECRET (off without it); `make run` starts it too
	$(VENV)/bin/cdm-review-web

# What the review page's « Publier » button runs too (staff/publish.py; docs/maintainers.md, section 11).
publish: install ## Validate, train if needed, run the quick gates, then swap the running assistant's model (keeps the old one on failure)
	$(VENV)/bin/cdm-publish

report: install ## Anonymous weekly report (counts only) and chart -> results/report/
	$(VENV)/bin/cdm-report

lock: install ## Re-pin constraints.txt from the current environment
	( head -n 2 constraints.txt; $(VENV)/bin/pip freeze --exclude-editable ) > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean: ## Remove trained models and test results (keeps the environment)
	rm -rf models/*.tar.gz results .pytest_cache
