# cem: the targets a developer and CI use.
GO     ?= go
TAGS   ?=
DATA   ?=
GOFLAGS_TAGS := $(if $(TAGS),-tags $(TAGS),)

.PHONY: build demo test data bench vet fuzz

build:
	$(GO) build $(GOFLAGS_TAGS) -o cem ./cmd/cem

# The full CEM demo on the embedded defaults.
demo: build
	./cem demo

# Fetch the demo data (idempotent; needs the Debian archive once).
data: build
	./cem data fetch $(if $(DATA),--dir $(DATA),)

# Tests run on the real demo data, fetched first.
test: data
	$(GO) vet $(GOFLAGS_TAGS) ./...
	$(GO) test $(GOFLAGS_TAGS) -timeout 15m ./...

bench: data
	$(GO) test $(GOFLAGS_TAGS) -run '^$$' -bench . -benchtime 1x ./...

# Each fuzz target for FUZZTIME (seed corpora come from the real files).
FUZZTIME ?= 20s
FUZZ_TARGETS := ./corpus/dictd:FuzzIndex ./corpus/wordnet:FuzzReadData \
	./suitebuild:FuzzParseQuiz ./suitebuild:FuzzParseOpenTrivia ./exam:FuzzDecodeSuite \
	./knowledge:FuzzJSONL ./gguf:FuzzParse ./safetensors:FuzzParse ./tokenizer:FuzzRoundTrip \
	./config:FuzzLoad ./loop:FuzzDecodeJSONL ./loop:FuzzReadManifest
# Minimising each new input may take up to a minute by default, which eats a
# short FUZZTIME whole on a busy machine; FUZZMINIMIZE bounds it.
FUZZMINIMIZE ?= 2s

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test $(GOFLAGS_TAGS) -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) $$pkg; \
	done
