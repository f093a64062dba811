# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.zhclaims-installed

.PHONY: install run test score bench docs train clean-out

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/zhclaims extract seeds/ -o out/claims.jsonl
	$(BIN)/zhclaims score

test: install
	$(BIN)/python -m pytest -q
	$(BIN)/zhclaims rules check
	$(BIN)/zhclaims score --check
	$(BIN)/python tools/dev_gate.py

score: install
	$(BIN)/zhclaims score

# rules/entity_model.json: the learned entity choice, fitted on the labelled articles of TRAIN_GOLD
# (a fresh clone has only the seeds, gold/; the shipped model was fitted on gold/ and the two
# development sets: make train TRAIN_GOLD="gold ../shared/dev/gold ../shared/dev2/gold")
TRAIN_GOLD ?= gold
train: install
	$(BIN)/zhclaims train $(foreach d,$(TRAIN_GOLD),--gold $(d)) -o rules/entity_model.json

# docs/explain-seed.png: the displaCy page of a seed article in headless Chromium (not part of `make test`);
# docs/compare.png: the `zhclaims compare` page of the invented claims of docs/compare-example.jsonl
docs: install
	$(BIN)/python tools/screenshot.py
	$(BIN)/python tools/screenshot.py --compare docs/compare-example.jsonl -o docs/compare.png

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean-out:
	rm -rf out
