# Renkei: see README.md. Two commands matter:
#   make run    build and serve on http://127.0.0.1:8080, no configuration needed
#   make test   everything CI checks (.ci/run calls it)

GO     ?= go
DEVENV := $(GO) run ./cmd/devenv

# Fuzz targets `make test` runs briefly, as "./package:FuzzName" entries.
# Add yours here, e.g. FUZZ_TARGETS += ./domain/upload:FuzzDecode
FUZZ_TARGETS :=
FUZZ_TARGETS += ./domain/carrierfile:FuzzSlotHours
FUZZ_TARGETS += ./marketplace/amazon:FuzzParseOrders
FUZZ_TARGETS += ./marketplace/futureshop:FuzzParseSearch
FUZZ_TARGETS += ./marketplace/interpark:FuzzParseOrderList
FUZZ_TARGETS += ./marketplace/rakuten:FuzzParseGetOrder
FUZZ_TARGETS += ./marketplace/rakuten:FuzzParseSearchOrder
FUZZ_TARGETS += ./marketplace/shopserve:FuzzParseRetrieve
# An execution count, not a duration: go1.26's fuzz coordinator can report a
# spurious "context deadline exceeded" when a duration runs out while a worker
# is mid-call on a loaded machine (golang/go#75804, fixed in go1.27); a count
# has no deadline to race. 150,000 runs take 5–15 s per target here.
FUZZTIME     ?= 150000x

.PHONY: build run test test-steps vet templ-check gotest fuzz bench

build:
	$(GO) build -o bin/renkei ./cmd/renkei

# devenv finds or starts PostgreSQL and sets DATABASE_URL (see cmd/devenv).
run: build
	@echo "Renkei: http://$${RENKEI_ADDR:-127.0.0.1:8080}/ — log in as admin with RENKEI_ADMIN_PASSWORD, or the password logged on first start."
	RENKEI_SANDBOX=$${RENKEI_SANDBOX:-1} $(DEVENV) run -- ./bin/renkei serve

# devenv finds or starts PostgreSQL, installs Chromium when missing, runs the
# steps, then drops the test databases and stops what it started.
test:
	$(DEVENV) test -- $(MAKE) --no-print-directory test-steps

test-steps: vet templ-check gotest fuzz

vet:
	$(GO) vet ./...

# The committed *_templ.go files must be what `go tool templ generate` (run
# from the top, as README says) makes now; templ records the path it walked
# into its output, so the check runs exactly that command.
templ-check:
	@$(GO) tool templ generate >/dev/null
	@git diff --exit-code --stat -- '*_templ.go' || { echo "templ output is stale: run 'go tool templ generate' and commit the *_templ.go files" >&2; exit 1; }
	@new=$$(git ls-files --others --exclude-standard -- '*_templ.go'); \
	if [ -n "$$new" ]; then echo "generated but not committed: $$new" >&2; exit 1; fi

gotest:
	$(GO) test -race ./...

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

# One iteration of every benchmark, against the same test database set-up.
# Loading their data (10,000,000 在庫履歴 rows, 1,000,000 ship orders) takes
# minutes, past go test's default 10-minute limit per package.
bench:
	$(DEVENV) test -- $(GO) test -run '^$$' -bench . -benchtime=1x -timeout 60m ./...
