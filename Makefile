# Thin wrapper: the two commands of the README plus fuzz and bench. CMake does the work.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
DEB_PACKAGES := cmake make gcc pkg-config clang libclang-rt-14-dev libcurl4-openssl-dev \
                libcjson-dev libcriterion-dev libmicrohttpd-dev libpcre2-dev libyaml-dev curl python3 \
                time chromium
# chromium renders report.html in a test. Node.js runs the AWS SDK wire-format test, the
# SARIF schema validation and the OpenAPI examples; machines that already have node/npm keep theirs.
NODE_PACKAGES := $(if $(shell command -v npm),,nodejs npm)

.PHONY: all deps build build-asan run test test-plain test-asan test-fuzz fuzz fuzz-speed bench clean

all: build

# Installs only what is missing (sessions and CI run as root).
deps:
	@missing=""; for p in $(DEB_PACKAGES) $(NODE_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j $(JOBS)

build-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCONFORM_SANITIZE=ON >/dev/null
	cmake --build build-asan -j $(JOBS)

# The main job: the bundled specs against the embedded mock, reports in reports/.
run: build
	./build/conform run --report-dir reports specs/connect-participant

# Plain, then ASan+UBSan (both also replay every fuzz corpus), then a short libFuzzer smoke run.
test: test-plain test-asan test-fuzz

test-plain: build
	cd build && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	cd build-asan && ctest --output-on-failure -j $(JOBS)

# ~15 s per target of fuzz/targets.txt. Exit 2 means the fuzz build could not be set up (e.g. Debian's cJSON source
# package unreachable): then retry against the packaged, uninstrumented libcjson.
test-fuzz: deps
	@FUZZ_SECONDS=15 ./fuzz/smoke.sh; rc=$$?; \
	if [ $$rc -eq 2 ]; then \
	  echo "fuzz smoke: retrying with the packaged libcjson (no instrumentation inside cJSON)"; \
	  FUZZ_SECONDS=15 CONFORM_FUZZ_PACKAGED_CJSON=1 ./fuzz/smoke.sh; \
	else exit $$rc; fi

fuzz: deps
	./fuzz/campaign.sh

# exec/s of every fuzz target; the response parser against the bare cJSON parse (median of 3).
fuzz-speed: deps
	./bench/fuzz_speed.sh

bench: build
	./bench/run.sh
	./bench/openapi_load.sh

clean:
	rm -rf build build-asan build-fuzz
