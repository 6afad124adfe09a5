# rolecall shell integration for fish, printed by `rolecall init fish`.
#
# Add this line to ~/.config/fish/config.fish, then open a new shell:
#     rolecall init fish | source
#
# It defines a `rolecall` function (and `rc`, unless you already have one) so that:
#   rolecall                  the app; "Quit and print the exports" sets AWS_* in THIS shell
#   rolecall env TARGET       sets the role's AWS_* in this shell
#   rolecall env --unset      clears them again
#   rolecall exec TARGET      a subshell with the role (exit it to come back)
# Every other subcommand runs untouched. The function runs the real binary with its stdout
# captured (the app draws on /dev/tty) and sources what it printed only when the exit code is
# 0 and every line sets or erases an AWS_* or ROLECALL_* variable; anything else is shown as usual. When its
# own output is piped (`rolecall env TARGET | source`), it only passes the shell's name on
# (ROLECALL_SHELL), so the lines are fish's even when $SHELL names another shell.
function rolecall --wraps rolecall --description 'rolecall, setting AWS_* in this shell'
    set -l sub ''
    set -q argv[1]; and set sub $argv[1]
    switch $sub
        case '' '-*' env
        case '*'
            command rolecall $argv
            return $status
    end
    if not isatty stdout
        ROLECALL_SHELL=fish command rolecall $argv
        return $status
    end
    __rolecall_apply $argv
end

# Runs the binary, sources its output when it is only our set/erase lines, else shows it.
function __rolecall_apply
    set -l out (ROLECALL_SHELL=fish command rolecall $argv)
    set -l code $status
    if test $code -eq 0; and set -q out[1]
        and not string match -qrv -- "^(set -gx (AWS|ROLECALL)_[A-Z_]+ '.*'|set -e (AWS|ROLECALL)_[A-Z_]+)\$" $out
        printf '%s\n' $out | source
    else if set -q out[1]
        printf '%s\n' $out
    end
    return $code
end

if not type -q rc
    function rc --wraps rolecall --description 'rolecall'
        rolecall $argv
    end
end
