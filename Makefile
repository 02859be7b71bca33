# The README's two commands: `make demo` and `make test`.
# Each target installs only what it needs, the way a user would: `demo` the
# package and the spaCy model, `test` adds the test tools (and Dask, whose
# engine the tests cover), `eval` and `bench` add the scoring and measuring
# tools. A stamp file per set records that it is installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_INSTALLED := $(VENV)/.installed-demo
INSTALLED := $(VENV)/.installed
EVAL_INSTALLED := $(VENV)/.installed-eval
N ?= 1000
SKIP ?=

.PHONY: demo test test-fast eval eval-stories bench clean

$(VENV)/pyvenv.cfg: scripts/check_system.py
	@$(PYTHON) scripts/check_system.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

$(DEMO_INSTALLED): pyproject.toml $(VENV)/pyvenv.cfg
	$(BIN)/python -m pip install --quiet -e ".[model]"
	@touch $@

$(INSTALLED): pyproject.toml $(VENV)/pyvenv.cfg
	$(BIN)/python -m pip install --quiet -e ".[model,test,dask]"
	@touch $@ $(DEMO_INSTALLED)

$(EVAL_INSTALLED): pyproject.toml $(VENV)/pyvenv.cfg
	$(BIN)/python -m pip install --quiet -e ".[model,test,eval,dask]"
	@touch $@ $(INSTALLED) $(DEMO_INSTALLED)

demo: $(DEMO_INSTALLED)
	@mkdir -p out
	$(BIN)/briefing build examples/ -o out/ -f pdf,html
	@echo "brief written to out/ (open the .pdf and .html above)"

test: $(INSTALLED)
	$(BIN)/python -m pytest -q

test-fast: $(INSTALLED)
	$(BIN)/python -m pytest -q -m "not slow and not browser"

eval: $(EVAL_INSTALLED)
	$(BIN)/python scripts/eval.py

# The dev clusters mixed into one pile: are the stories found, and is each summarized well?
eval-stories: $(EVAL_INSTALLED)
	@test -d ../shared/eval || { echo "eval-stories needs ../shared/eval"; exit 1; }
	$(BIN)/python ../shared/eval/stories_eval.py ../shared/eval/duc2004/dev.jsonl $(BIN)/briefing --keep out/eval-stories

bench: $(EVAL_INSTALLED)
	$(BIN)/python scripts/bench.py --articles $(N) --skip "$(SKIP)"

clean:
	rm -rf $(VENV) out/*.pdf out/*.html out/*.json out/*.md out/*.eml build dist *.egg-info
