#!/usr/bin/env bash
# rolecall's test command (the one README.md and .ci/run name).
#
# Installs what the tests need when it is missing, then runs every test. Nothing is skipped:
# a test whose peer cannot be installed fails with a message saying so.
#   - the AWS CLI (PyPI `awscli`), the second client of the interop tests
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'tests/run.sh: %s\n' "$*" >&2; }

if ! command -v aws >/dev/null 2>&1; then
  say "installing the AWS CLI from PyPI (awscli) for the interop tests"
  python3 -m pip install --quiet --disable-pip-version-check awscli
  scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
  export PATH="$scripts:$PATH"
  hash -r
fi
command -v aws >/dev/null 2>&1 || { say "the AWS CLI is still not on PATH after installing it"; exit 1; }

# Nothing in the tests may look for credentials on its own or leave 127.0.0.1.
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL

cargo test --locked "$@"
