# Polystack: `make demo` renders a demo workspace and starts it; `make test` runs every tier.
.DEFAULT_GOAL := help
SHELL := bash
export UV_PYTHON_DOWNLOADS := never
# `scripts/setup` installs uv with `pip --user` where it is missing.
export PATH := $(HOME)/.local/bin:$(PATH)
# pyenv's shims refuse a Python that is not selected; select every installed one (the global
# first) so uv finds the version a generated repo's .python-version names.
ifneq ($(shell command -v pyenv 2>/dev/null),)
export PYENV_VERSION ?= $(shell (pyenv global; pyenv versions --bare) 2>/dev/null | paste -sd: -)
endif
# Generated frontends run their browser tests in the system Chromium.
export CHROMIUM_PATH ?= $(shell command -v chromium 2>/dev/null)
PYTEST_WORKERS ?= 2
UV := uv

.PHONY: help setup test test-fast lint relock docs demo clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

setup: ## install the tools the tests and the demo need (idempotent)
	@scripts/setup

lint: setup ## lint the suite's own code and configs
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy
	$(UV) run yamllint --strict -c .yamllint.yml .
	$(UV) run ruff check scripts/relock-meta
	$(UV) run ruff format --check scripts/relock-meta
	$(UV) run shellcheck scripts/setup scripts/relock-backend scripts/relock-frontend .ci/run
	$(UV) run actionlint .github/workflows/*.yml
	$(UV) run zizmor --offline --persona auditor .github/workflows
	renovate-config-validator --strict --no-global .github/renovate.json

# The files of the template tree that tools write: the backend's lockfiles and OpenAPI
# documents first, then the frontend's lockfile and the API types and validators generated
# from that document, then the meta-repo's lockfile. UPGRADE=1 moves every pin to the newest
# version allowed. Tier 3 fails on a stale one (openapi-check, gen-api-check, --locked).
relock: setup ## regenerate the lockfiles, OpenAPI documents and API types of the templates
	scripts/relock-backend $(if $(UPGRADE),--upgrade)
	scripts/relock-frontend $(if $(UPGRADE),--upgrade)
	$(UV) run scripts/relock-meta $(if $(UPGRADE),--upgrade)

docs: setup ## build the user documentation (strict)
	$(UV) run mkdocs build --strict --quiet --site-dir site

test: setup lint ## run every test tier, as CI does
	$(UV) run pytest -n $(PYTEST_WORKERS) --dist loadgroup --cov=extensions --cov-fail-under=95

test-fast: setup ## tiers 1 and 2 only
	$(UV) run pytest -n $(PYTEST_WORKERS) -m "unit or render"

demo: setup ## render a demo workspace into ./demo and start it
	$(UV) run python scripts/demo.py

clean: ## remove build output and the demo workspace
	python3 scripts/demo.py --clean
	rm -rf site .pytest_cache .coverage htmlcov
