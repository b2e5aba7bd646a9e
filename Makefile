# The public commands of dockernet.ipv6. `make test` is what CI runs; `make rollout` is the main job.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

HOSTS ?= 2
ENGINE ?= trixie
LAB ?= dockernet
# Engines the molecule scenarios run on: scenario:engine pairs (engines joined by + for a scenario whose
# platforms name one image per engine), and the lab instance they run in.
# The default scenario (check, converge, idempotence, verify of the NDP design) is left to `molecule test`: the
# reliability suite runs the same sequence on every engine (check-changes-nothing, first-rollout,
# second-run-unchanged, the network family).
MOLECULE_RUNS ?= lab:trixie modules:bookworm+trixie+forky ssh:trixie routed:forky
MOLECULE_LAB ?= molecule

CACHE := $(CURDIR)/.cache
VENV := $(CACHE)/venv
BIN := $(VENV)/bin
SANITY_ROOT ?= $(CACHE)/sanity
SANITY_TREE := $(SANITY_ROOT)/ansible_collections/dockernet/ipv6
LABCTL := HOSTS=$(HOSTS) ENGINE=$(ENGINE) LAB=$(LAB) tools/lab/lab.sh
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(BIN):$(PATH)

.PHONY: help venv test lint sanity unit package molecule reliability reliability-check rollout lab-up lab-down lab-status bench build changelog mutation

help:
	@echo "make rollout   lab up (HOSTS=$(HOSTS), ENGINE=$(ENGINE)), playbooks/site.yml on it, reachability matrix"
	@echo "make test      lint, sanity, unit tests, molecule scenarios on real engines"
	@echo "make lab-up | lab-down | lab-status   the local lab (HOSTS=, ENGINE=bookworm|trixie|forky, LAB=)"
	@echo "make bench     benchmarks; results in docs/performance.md"
	@echo "make build     the collection tarball"

venv:
	@tools/bootstrap.sh

# The host rootfs tarballs of every engine the lab scenarios use are built in the background while lint, sanity,
# unit and package run: mostly downloads and unpacking, beside their CPU work.
comma := ,
TEST_ENGINES = $(subst +, ,$(foreach run,$(MOLECULE_RUNS),$(lastword $(subst :, ,$(run))))) $(subst $(comma), ,$(RELIABILITY_ENGINES))
test: venv
	mkdir -p "$(CACHE)/lab"
	log="$(CACHE)/lab/rootfs.log"; \
	( for engine in $(TEST_ENGINES); do ENGINE=$$engine tools/lab/lab.sh rootfs || exit 1; done ) > "$$log" 2>&1 & pid=$$!; \
	$(MAKE) --no-print-directory lint sanity unit package; \
	if ! wait "$$pid"; then tail -n 30 "$$log" >&2; echo "host rootfs build failed (log: $$log)" >&2; exit 1; fi; \
	$(MAKE) --no-print-directory molecule reliability-check
	@echo "make test: all passed"

lint: venv
	@echo "== ansible-lint (production profile)"
	$(BIN)/ansible-lint --profile production --strict
	@echo "== changelog fragments"
	$(BIN)/antsibull-changelog lint
	@echo "== ruff (ruff.toml): formatting and lint of the Python"
	$(BIN)/ruff format --check --diff .
	$(BIN)/ruff check .

sanity: venv
	@echo "== ansible-test sanity"
	rm -rf "$(SANITY_TREE)" && mkdir -p "$(SANITY_TREE)"
	git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - | tar -xf - -C "$(SANITY_TREE)"
	@# ansible-test bootstraps pip in its venvs with a script from ci-files.testing.ansible.com; use the
	@# offline stand-in for every pip version it may ask for when that host is unreachable.
	mkdir -p ~/.ansible/test/cache
	for v in $$(grep -ho "pip='[0-9.]*'" $(VENV)/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py | grep -o "[0-9.]*[0-9]"); do \
	  f=~/.ansible/test/cache/get_pip_$${v//./_}.py; [[ -s $$f ]] || cp tools/get-pip-offline.py $$f; done
	cd "$(SANITY_TREE)" && git init -q && git add -A && \
	  ANSIBLE_COLLECTIONS_PATH="$(SANITY_ROOT)" \
	  $(BIN)/ansible-test sanity --venv --python 3.11 --color no

unit: venv
	@echo "== unit tests"
	cd "$(CACHE)/collections/ansible_collections/dockernet/ipv6" && $(BIN)/python -m pytest -q tests/unit

molecule: venv
	@echo "== molecule scenarios: $(MOLECULE_RUNS)"
	LAB=$(MOLECULE_LAB) tools/lab/lab.sh engine-up
	for run in $(MOLECULE_RUNS); do \
	  scenario=$${run%%:*}; engine=$${run##*:}; \
	  echo "== molecule $$scenario on $$engine"; \
	  for image in $${engine//+/ }; do LAB=$(MOLECULE_LAB) ENGINE=$$image tools/lab/lab.sh image; done; \
	  DOCKER_HOST=$$(LAB=$(MOLECULE_LAB) tools/lab/lab.sh docker-host) DOCKERNET_ENGINE=$$engine \
	    $(BIN)/molecule test -s $$scenario; \
	done
	LAB=$(MOLECULE_LAB) tools/lab/lab.sh down

# Bad input, faults, nothing lost, check mode and security on lab hosts of every engine generation.
# `reliability` also rewrites the result tables in docs/reliability.md; `make test` leaves the docs alone.
# Every engine generation of the lab (tools/lab/lab.env), unless RELIABILITY_ENGINES= names fewer.
RELIABILITY_ENGINES ?= $(shell sed -n 's/^ENGINES=//p' tools/lab/lab.env)
reliability: venv
	$(BIN)/python tests/reliability/run.py --engines $(RELIABILITY_ENGINES)

reliability-check: venv
	$(BIN)/python tests/reliability/run.py --engines $(RELIABILITY_ENGINES) --no-doc

rollout: venv lab-up
	$(BIN)/ansible-playbook -i inventory/lab playbooks/site.yml

lab-up: venv
	$(LABCTL) up

lab-down:
	$(LABCTL) down

lab-status:
	$(LABCTL) status

bench: venv
	$(BIN)/python bench/run.py

# Mutation testing of the planner, the other module_utils and the filters (slow: not part of `make test`);
# MUTATION_FILES= to choose, results in docs/mutation.md.
MUTATION_FILES ?= plugins/plugin_utils/_plan_inputs.py plugins/plugin_utils/_plan_intervals.py plugins/plugin_utils/_plan_site_rules.py \
  plugins/plugin_utils/_plan_host_rules.py plugins/plugin_utils/_planner.py
mutation:
	tools/mutation.sh $(MUTATION_FILES)

build: venv
	$(BIN)/ansible-galaxy collection build --force --output-path $(CACHE)/build .

# The tarball installs into an empty collections path, and ansible-doc finds every module, filter and role.
package: build
	@echo "== build, install from the tarball, ansible-doc"
	rm -rf "$(CACHE)/install-check"
	cd /tmp && ANSIBLE_CONFIG= $(BIN)/ansible-galaxy collection install --offline --no-deps --force \
	  -p "$(CACHE)/install-check" "$(CACHE)/build/dockernet-ipv6-$$(sed -n 's/^version: //p' $(CURDIR)/galaxy.yml).tar.gz"
	cd /tmp && for kind in module:plugins/modules/*.py filter:plugins/filter/*.py role:roles/*/meta/argument_specs.yml; do \
	  want=$$(cd $(CURDIR) && ls $${kind#*:} | wc -l); kind=$${kind%%:*}; \
	  got=$$(ANSIBLE_CONFIG= ANSIBLE_COLLECTIONS_PATH="$(CACHE)/install-check" $(BIN)/ansible-doc -t $$kind -l dockernet.ipv6 | grep -c '^dockernet\.ipv6\.'); \
	  echo "ansible-doc -t $$kind: $$got of $$want documented"; [[ $$got == "$$want" ]]; done
	@echo "== the collection in an execution environment (ansible-builder introspect and create)"
	tools/ee-check.sh "$(CACHE)/install-check"
