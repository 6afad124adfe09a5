#!/usr/bin/env bash
# Fuzzes rolecall's parsers with cargo-fuzz (libFuzzer) for a bounded time per target.
#
#   bash tests/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s, every target)
#
# Targets (fuzz/fuzz_targets/): ini_edit (the ~/.aws INI editor: bytes outside the edit kept),
# config_loader (config.toml, ~/.aws/config, the emulator's org file), token_cache (the AWS CLI
# SSO token cache reader), emulator_requests (SigV4, STS query, OIDC JSON, portal requests
# through the emulator's router).
#
# Only stable Rust is needed: RUSTC_BOOTSTRAP=1 lets it take the flags cargo-fuzz passes.
# cargo-fuzz is installed from crates.io when missing. Seeds come from the repository (config
# example, AWS file fixtures, demo org, fuzz/seeds/); what the fuzzer finds is kept in
# fuzz/corpus/TARGET (not committed) so longer local runs build on each other.
#
# ROLECALL_FUZZ_SEED=N makes a run reproducible (CI sets it, so a clean clone fuzzes exactly as
# CI does): libFuzzer's random seed is N and each target runs a fixed number of inputs, about
# SECONDS' worth on a 2-core machine, with 3 x SECONDS as a cap. Without it a run explores anew.
#
# ROLECALL_FUZZ_SANITIZER=address runs under AddressSanitizer (slower; our code forbids
# `unsafe`, so the default is none). Exits non-zero when any target crashes; the input is in
# fuzz/artifacts/TARGET/ and `cargo fuzz run TARGET FILE` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'tests/fuzz.sh: %s\n' "$*" >&2; }

seconds="${1:-60}"
shift || true
all_targets=(ini_edit config_loader token_cache emulator_requests)
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=("${all_targets[@]}")
sanitizer="${ROLECALL_FUZZ_SANITIZER:-none}"
fixed_seed="${ROLECALL_FUZZ_SEED:-}"
# Inputs a second per target (measured on 2 cores), for the reproducible mode's budgets.
per_second() {
  case "$1" in
    ini_edit) echo 6000 ;; config_loader) echo 4000 ;; token_cache) echo 200000 ;; *) echo 16000 ;;
  esac
}

export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz from crates.io"
  cargo install cargo-fuzz --locked --quiet
fi

flags=(--release --debug-assertions --sanitizer "$sanitizer")
started=$(date +%s)
say "building ${targets[*]} (sanitizer: $sanitizer)"
for target in "${targets[@]}"; do
  cargo fuzz build "${flags[@]}" "$target"
done
say "built in $(( $(date +%s) - started )) s"

seeds="$(mktemp -d)"
logs="$(mktemp -d)"
trap 'rm -rf "$seeds" "$logs"' EXIT
mkdir -p "$seeds/config_loader" "$seeds/ini_edit" "$seeds/token_cache" "$seeds/emulator_requests"
cp config.example.toml assets/demo-org.toml tests/fixtures/aws_files/*.ini "$seeds/config_loader/"
cp tests/fixtures/aws_files/*.ini "$seeds/ini_edit/"
# fuzz/seeds/TARGET/ holds hand-made inputs and the ones that once crashed (replayed every run).
for target in "${all_targets[@]}"; do
  if [ -d "fuzz/seeds/$target" ]; then
    cp fuzz/seeds/"$target"/* "$seeds/$target/"
  fi
done

failed=()
summary=()
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  log="$logs/$target.log"
  say "fuzzing $target for $seconds s${fixed_seed:+ worth of inputs (seed $fixed_seed)}"
  status=0
  budget=(-max_total_time="$seconds")
  if [ -n "$fixed_seed" ]; then
    budget=(-seed="$fixed_seed" -runs="$(( $(per_second "$target") * seconds ))"
      -max_total_time="$(( 3 * seconds ))")
  fi
  target_started=$(date +%s)
  cargo fuzz run "${flags[@]}" "$target" "$corpus" "$seeds/$target" -- \
    "${budget[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  took=$(( $(date +%s) - target_started ))
  (( took > 0 )) || took=1
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  [ -n "$runs" ] || runs="$(grep -o '#[0-9]*' "$log" | tail -1 | tr -d '#')"
  [ -n "$runs" ] || runs=0
  files="$(find "$corpus" -type f | wc -l)"
  verdict=ok
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    verdict=CRASH
    say "$target FAILED (exit $status); the end of its log:"
    tail -40 "$log" >&2
  fi
  summary+=("$(printf '%-18s %6s s %12s runs %8s/s  corpus %6s  %s' "$target" "$took" \
    "$runs" "$(( runs / took ))" "$files" "$verdict")")
done

printf '\nfuzzing (sanitizer %s), %s s in all:\n' "$sanitizer" "$(( $(date +%s) - started ))"
printf '  %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  say "crashes in: ${failed[*]} (inputs in fuzz/artifacts/)"
  exit 1
fi
