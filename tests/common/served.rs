//! The local credentials endpoint's tests (`rolecall exec`, `serve`, the app's subshell): an
//! org whose credentials last seconds, a botocore client calling across their expiries, and
//! what an endpoint's address answers once it is gone.

use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use std::process::Child;

use super::cli_home::{BIN, Home, auto_approving_org, with_stdin};

/// How long the fast org's role credentials last (3600 s at scale 400).
pub const LIFETIME: Duration = Duration::from_secs(9);

/// The small org, approving at once, its lifetimes 400 times shorter: role credentials last 9 s,
/// the sign-in's access token 20 s (renewed with the refresh token meanwhile); the device code's
/// lengthened so signing in still works.
pub fn fast_org() -> String {
    auto_approving_org().replace(
        "device_poll_interval = 1",
        "device_poll_interval = 1\ntime_scale = 400.0\ndevice_code_seconds = 40000\n\
         access_token_seconds = 8000",
    )
}

/// A botocore client calling GetCallerIdentity in a loop for `argv[1]` seconds; prints one JSON
/// line (calls, failures, distinct access keys, expiries passed, the provider used) and exits
/// 1 on any failure.
pub const BOTOCORE_LOOP: &str = r#"
import json, os, sys, time
import botocore.session
session = botocore.session.get_session()
client = session.create_client("sts")
assert "AWS_ACCESS_KEY_ID" not in os.environ, "static keys would win over the endpoint"
end = time.time() + float(sys.argv[1])
calls, failures, expiries = 0, [], {}
while time.time() < end:
    try:
        client.get_caller_identity()
        calls += 1
        creds = client._request_signer._credentials
        expiries[creds.get_frozen_credentials().access_key] = creds._expiry_time.timestamp()
    except Exception as e:
        failures.append(repr(e))
    time.sleep(0.2)
passed = sum(1 for t in expiries.values() if t < time.time())
print(json.dumps({"calls": calls, "failures": failures, "keys": len(expiries),
                  "expired": passed, "method": client._request_signer._credentials.method}))
sys.exit(1 if failures else 0)
"#;

/// Whether connecting to `addr` is refused (nothing listens there).
pub fn refused(addr: SocketAddr) -> bool {
    matches!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused
    )
}

/// The address of an endpoint URI `http://HOST:PORT/…`.
pub fn address(uri: &str) -> SocketAddr {
    let rest = uri.strip_prefix("http://").unwrap();
    rest.split('/').next().unwrap().parse().unwrap()
}

/// `rolecall args…` started in `home`'s directory, its shell `/bin/sh`, with `stdin` written
/// to it.
pub fn spawn(home: &Home, args: &[&str], stdin: &str) -> Child {
    let mut cmd = home.command(BIN, args);
    cmd.current_dir(home.path()).env("SHELL", "/bin/sh");
    with_stdin(cmd, stdin)
}
