# The bulk statistics benchmark, included by the Makefile.
#
#   make bench          tradescope against every installed peer (tests/bench/run.sh);
#                       BENCH_ROWS=1000000 for a quick run, BENCH_RUNS=5 for more runs
#   make bench-peers    install the peers: Debian packages, and DuckDB's node API
#                       from npm into build/bench/node_modules

BENCH_ROWS ?= 10000000
BENCH_RUNS ?= 3
BENCH_DEBS := sqlite3 python3-pandas miller nodejs npm lua5.4 time

.PHONY: bench bench-peers

bench: $(BIN)
	BENCH_ROWS=$(BENCH_ROWS) BENCH_RUNS=$(BENCH_RUNS) TS=$(CURDIR)/$(BIN) bash tests/bench/run.sh

bench-peers:
	@missing=$$(for p in $(BENCH_DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	  | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "bench-peers: Debian packages present"; fi
	mkdir -p build/bench
	cd build/bench && npm install --no-audit --no-fund --prefix . @duckdb/node-api
