# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
N ?= 1000
SKIP ?=

.PHONY: demo test test-fast eval eval-stories bench clean

$(INSTALLED): pyproject.toml scripts/check_system.py
	@$(PYTHON) scripts/check_system.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[model,test,eval,dask]"
	@touch $(INSTALLED)

demo: $(INSTALLED)
	@mkdir -p out
	$(BIN)/briefing build examples/ -o out/ -f pdf,html
	@echo "brief written to out/ (open the .pdf and .html above)"

test: $(INSTALLED)
	$(BIN)/python -m pytest -q

test-fast: $(INSTALLED)
	$(BIN)/python -m pytest -q -m "not slow and not browser"

eval: $(INSTALLED)
	$(BIN)/python scripts/eval.py

# The dev clusters mixed into one pile: are the stories found, and is each summarized well?
eval-stories: $(INSTALLED)
	@test -d ../shared/eval || { echo "eval-stories needs ../shared/eval"; exit 1; }
	$(BIN)/python ../shared/eval/stories_eval.py ../shared/eval/duc2004/dev.jsonl $(BIN)/briefing --keep out/eval-stories

bench: $(INSTALLED)
	$(BIN)/python scripts/bench.py --articles $(N) --skip "$(SKIP)"

clean:
	rm -rf $(VENV) out/*.pdf out/*.html out/*.json out/*.md out/*.eml build dist *.egg-info
