#!/usr/bin/env bash
# Supply chain: cargo-deny over rolecall's dependency tree, with deny.toml.
#
#   bash tests/supply_chain.sh
#
# - licences: every crate's licence is on deny.toml's allow-list (the list is the licences the
#   tree uses; `cargo deny list` shows which crate has which);
# - bans: no wildcard version requirements;
# - sources: crates come from crates.io only (no other registry, no git);
# - advisories: no crate with a RustSec advisory (vulnerable, unsound, or unmaintained among
#   our direct dependencies) and no version yanked from crates.io.
#
# The advisory database is cloned from GitHub. Where GitHub cannot be reached (this project's
# machines reach only the package registries) the advisories are NOT checked, and this script
# says so in a block of its own: it never reports them as passed. ROLECALL_REQUIRE_ADVISORIES=1
# makes that a failure instead. Installs cargo-deny from crates.io when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'tests/supply_chain.sh: %s\n' "$*" >&2; }

if ! cargo deny --version >/dev/null 2>&1; then
  say "installing cargo-deny from crates.io"
  cargo install cargo-deny --locked --quiet
fi
say "$(cargo deny --version)"

say "checking licences, bans and sources"
cargo deny --locked check licenses bans sources

fetch_log="$(mktemp)"
trap 'rm -f "$fetch_log"' EXIT
say "fetching the RustSec advisory database"
if timeout 180 cargo deny --locked fetch db >"$fetch_log" 2>&1; then
  say "checking advisories (known vulnerabilities, unsound, unmaintained, yanked)"
  cargo deny --locked check advisories
  say "advisories: checked against the RustSec database fetched just now"
else
  reason="$(grep -m1 -iE 'could not resolve|unable to access|timed out' "$fetch_log" \
    || grep -m1 -iE 'error|fatal' "$fetch_log" || tail -1 "$fetch_log")"
  cat >&2 <<EOF

************************************************************************************************
tests/supply_chain.sh: ADVISORIES NOT CHECKED
  The RustSec advisory database could not be fetched, so no check for crates with known
  vulnerabilities (nor for yanked versions, which cargo-deny checks in the same step) was done.
  Cause: ${reason:-unknown}
  Licences, bans and sources were checked above. Run this script where github.com can be
  reached to check advisories too.
************************************************************************************************

EOF
  if [ "${ROLECALL_REQUIRE_ADVISORIES:-}" = 1 ]; then
    say "ROLECALL_REQUIRE_ADVISORIES=1: failing"
    exit 1
  fi
fi
