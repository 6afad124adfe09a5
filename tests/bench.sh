#!/usr/bin/env bash
# Every benchmark in one command: builds them in release, runs each (`cargo bench --bench NAME`,
# whose full tables are kept in target/bench-results/NAME.md), then prints one markdown table
# of the headline figures with their goals, and the machine it ran on. The listing bench alone
# takes about a minute (1,000 accounts at 20 req/s); the whole run a few minutes.
#
#   bash tests/bench.sh
#
# Knobs passed through to the benches: CATALOG_BENCH_ACCOUNTS, CATALOG_BENCH_APP_ACCOUNTS,
# SEARCH_BENCH_ROUNDS, CREDPROC_BENCH_RUNS, COMPLETION_BENCH_ROLES, COMPLETION_BENCH_RUNS, and
# CREDPROC_BENCH_KEYRING=1 (inside a throwaway Secret Service) to add
# the keyring rows. Nothing here asserts a time: the figures are for people to read.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'tests/bench.sh: %s\n' "$*" >&2; }

results=target/bench-results
mkdir -p "$results"
benches=(app search credential_process completion catalog_listing)

say "building the benches (release)"
cargo bench --locked --no-run >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for bench in "${benches[@]}"; do
  say "running $bench"
  cargo bench --locked --bench "$bench" >"$results/$bench.md"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

declare -A v
files=()
for bench in "${benches[@]}"; do
  files+=("$results/$bench.md")
done
while read -r _ key value; do
  v[$key]=$value
done < <(grep -h '^bench-summary ' "${files[@]}" || true)

# fig KEY [DIGITS]: a figure rounded for reading, or "n/a" when the bench did not report it.
fig() {
  local value=${v[$1]:-}
  if [ -z "$value" ]; then
    printf 'n/a'
  else
    printf "%.${2:-1}f" "$value"
  fi
}

if [ -n "${v[credproc.keyring_small.p50_ms]:-}" ]; then
  keyring_row="$(fig credproc.keyring_small.p50_ms 2) / $(fig credproc.keyring_small.p99_ms 2) ms"
  keyring_cold_row="$(fig credproc.keyring_cold.p50_ms 2) / $(fig credproc.keyring_cold.p99_ms 2) ms"
else
  keyring_row="not run (needs CREDPROC_BENCH_KEYRING=1 inside a Secret Service)"
  keyring_cold_row=$keyring_row
fi

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)
ram=$(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)

cat <<EOF

## rolecall benchmarks, $(date -u +%Y-%m-%d)

$(nproc) cores (${cpu:-unknown CPU}), ${ram} RAM, release build; load average $load_before before, $load_after after.

| what | measured | goal |
|---|---|---|
| warm start to the first full frame, 10,000 cached roles | $(fig app.start_ms.10000) ms | ≤ 20 ms |
| keystroke to filtered frame, 10,000 roles, p50 / p99 | $(fig app.key_p50_ms.10000 2) / $(fig app.key_p99_ms.10000 2) ms | p99 ≤ 4 ms |
| keystroke to filtered frame, 100,000 roles, p50 / p99 | $(fig app.key_p50_ms.100000 2) / $(fig app.key_p99_ms.100000 2) ms | p99 ≤ 16 ms |
| an account's roles arriving while listing → rows rebuilt + frame, 10,000 / 100,000 roles, p50 | $(fig app.arrive_p50_ms.10000 2) / $(fig app.arrive_p50_ms.100000 2) ms | |
| resident memory after the first frame, 10,000 roles | $(fig app.rss_mib.10000) MiB | ≤ 30 MB |
| search alone (filter + highlights), 10,000 / 100,000 rows, p99 | $(fig search.p99_ms.10000 2) / $(fig search.p99_ms.100000 2) ms | |
| listing $(fig listing.accounts 0) accounts × 3 roles at 20 req/s + 20 ms latency | $(fig listing.elapsed_s) s for $(fig listing.requests_needed 0) requests: $(fig listing.ratio 2) × the floor, $(fig listing.failed_accounts 0) failed accounts | ≤ 1.1 ×, 0 failed |
| the app signing in to $(fig fill.accounts 0) accounts at 20 req/s: signed in → first role row / → first match of a query typed at once | $(fig fill.first_row_s 2) / $(fig fill.first_match_s 2) s | |
| loading a cached catalog of 10,000 roles (median) | $(fig cache.load_10k_ms 1) ms | |
| cached \`credential-process\` (whole process, file store), p50 / p99 | $(fig credproc.file_small.p50_ms 2) / $(fig credproc.file_small.p99_ms 2) ms | ≤ 10 ms |
| the same with a 1,000-account catalog, p50 / p99 | $(fig credproc.file_large.p50_ms 2) / $(fig credproc.file_large.p99_ms 2) ms | ≤ 10 ms |
| the same with the OS keyring (Secret Service) + the kernel keyring cache, p50 / p99 | $keyring_row | ≤ 10 ms |
| the same, kernel cache empty (a new login's first call: one Secret Service read), p50 / p99 | $keyring_cold_row | |
| TARGET completion (whole process, bash), $(fig completion.roles 0) cached roles, p50 / p99 | $(fig completion.narrow.p50_ms 2) / $(fig completion.narrow.p99_ms 2) ms | ≤ 20 ms |
| the same for a wide prefix (hundreds of candidates), p50 / p99 | $(fig completion.wide.p50_ms 2) / $(fig completion.wide.p99_ms 2) ms | ≤ 20 ms |
| \`rolecall --version\` (starting the process at all), p50 | $(fig credproc.version.p50_ms 2) ms | |

Every bench's own tables: $results/*.md
EOF
