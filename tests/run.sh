#!/usr/bin/env bash
# rolecall's test command (the one README.md and .ci/run name).
#
# Installs what the tests need when it is missing, then runs every test. Nothing is skipped:
# a test whose peer cannot be installed fails with a message saying so.
#   - dbus + gnome-keyring (Debian): a real Secret Service for the OS keyring tests, in a
#     private D-Bus session with a throwaway keyring (never the user's own)
#   - tmux (Debian): drives the real binary in the end-to-end tests
#   - zsh and fish (Debian): real shells for `rolecall init` and `env`
#   - the AWS CLI (PyPI `awscli`, with botocore): the second client of the interop tests
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'tests/run.sh: %s\n' "$*" >&2; }

if [ "${ROLECALL_TEST_NO_KEYRING:-}" != 1 ] && [ -z "${ROLECALL_IN_DBUS:-}" ]; then
  if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
    say "installing dbus and gnome-keyring (Debian) for the keyring tests"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq dbus gnome-keyring >/dev/null
  fi
  export ROLECALL_IN_DBUS=1
  exec dbus-run-session -- bash "$0" "$@"
fi
if [ -n "${ROLECALL_IN_DBUS:-}" ]; then
  keyring_dir="$(mktemp -d)"
  trap 'rm -rf "$keyring_dir"' EXIT
  printf test | XDG_DATA_HOME="$keyring_dir" gnome-keyring-daemon --unlock --components=secrets >/dev/null
fi

missing=()
for tool in tmux zsh fish; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]} (Debian) for the end-to-end and shell tests"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v aws >/dev/null 2>&1 || ! python3 -c 'import botocore' >/dev/null 2>&1; then
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
