# rolecall shell integration for PowerShell, printed by `rolecall init powershell`.
#
# Add this line to your profile ($PROFILE), then open a new shell:
#     Invoke-Expression (& rolecall init powershell | Out-String)
#
# It defines a `rolecall` function (and `rc`, unless you already have one) so that:
#   rolecall                  the app; "Quit and print the exports" sets $Env:AWS_* here
#   rolecall env TARGET       sets the role's $Env:AWS_* here
#   rolecall env --unset      clears them again
#   rolecall exec TARGET      a subshell with the role (exit it to come back)
# Every other subcommand runs untouched. The function runs the real binary with its output
# captured (the app draws on the terminal itself) and runs what it printed only when the exit
# code is 0 and every line sets or removes an AWS_* or ROLECALL_* variable; anything else is shown as usual.
# Inside a pipeline (`rolecall env TARGET | Invoke-Expression`) it stays out of the way.
$global:__RolecallExe = (Get-Command rolecall -CommandType Application -ErrorAction Stop |
    Select-Object -First 1).Source

function global:rolecall {
    $sub = if ($args.Count -gt 0) { [string]$args[0] } else { '' }
    $captured = $sub -eq '' -or $sub -eq 'env' -or $sub.StartsWith('-')
    if (-not $captured) {
        & $global:__RolecallExe @args
        return
    }
    $previous = $Env:ROLECALL_SHELL
    $Env:ROLECALL_SHELL = 'powershell'
    try {
        if ($MyInvocation.PipelineLength -gt 1) {
            & $global:__RolecallExe @args
            return
        }
        $out = @(& $global:__RolecallExe @args)
        $code = $LASTEXITCODE
    } finally {
        $Env:ROLECALL_SHELL = $previous
    }
    $pattern = "^(\`$Env:(AWS|ROLECALL)_[A-Z_]+ = '.*'|Remove-Item Env:(AWS|ROLECALL)_[A-Z_]+ -ErrorAction SilentlyContinue)$"
    $ours = $out.Count -gt 0 -and -not ($out | Where-Object { $_ -cnotmatch $pattern })
    if ($code -eq 0 -and $ours) {
        Invoke-Expression ($out -join "`n")
    } else {
        $out
    }
    $global:LASTEXITCODE = $code
}

if (-not (Get-Command rc -ErrorAction SilentlyContinue)) {
    function global:rc { rolecall @args }
}
