//! The login name of this process's user, as the system gives it.

/// `id -un`: the login name of this process's user (asks NSS as `whoami` does, so LDAP and
/// sssd users are found too).
pub(crate) fn login_name() -> Option<String> {
    let out = std::process::Command::new("id")
        .arg("-un")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let name = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !name.is_empty()).then_some(name)
}
