# rolecall shell integration for @SHELL@, printed by `rolecall init @SHELL@`.
#
# Add this line to @RCFILE@, then open a new shell:
#     eval "$(rolecall init @SHELL@)"
#
# It defines a `rolecall` function (and `rc`, unless you already have one) so that:
#   rolecall                  the app; "Quit and print the exports" sets AWS_* in THIS shell
#   rolecall env TARGET       sets the role's AWS_* in this shell
#   rolecall env --unset      clears them again
#   rolecall exec TARGET      a subshell with the role (exit it to come back)
# Every other subcommand runs untouched. The function runs the real binary with its stdout
# captured (the app draws on /dev/tty) and evals what it printed only when the exit code is 0
# and every line sets or unsets an AWS_* or ROLECALL_* variable; anything else is shown as usual. When its
# own output is piped or captured (`eval "$(rolecall env TARGET)"`), it only passes the
# shell's name on (ROLECALL_SHELL), so the lines are in this shell's syntax.
rolecall() {
    case "${1-}" in
        '' | -* | env) ;;
        *)
            command rolecall "$@"
            return
            ;;
    esac
    if [ ! -t 1 ]; then
        ROLECALL_SHELL=@SHELL@ command rolecall "$@"
        return
    fi
    __rolecall_apply "$@"
}

# Runs the binary, evals its output when it is only our export/unset lines, else shows it.
__rolecall_apply() {
    local __rolecall_out __rolecall_code
    __rolecall_out="$(ROLECALL_SHELL=@SHELL@ command rolecall "$@")"
    __rolecall_code=$?
    if [ "$__rolecall_code" -eq 0 ] && [ -n "$__rolecall_out" ] &&
        ! printf '%s\n' "$__rolecall_out" |
        command grep -qvE "^(export (AWS|ROLECALL)_[A-Z_]+='.*'|unset (AWS|ROLECALL)_[A-Z_]+)\$"; then
        eval "$__rolecall_out"
    elif [ -n "$__rolecall_out" ]; then
        printf '%s\n' "$__rolecall_out"
    fi
    return "$__rolecall_code"
}

if ! command -v rc >/dev/null 2>&1; then
    rc() { rolecall "$@"; }
fi
