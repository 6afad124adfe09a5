//! The AWS CLI SSO token cache reader on arbitrary bytes: a file `aws sso login` (or anything
//! else) left in `~/.aws/sso/cache` is a login or a reason, never a panic; a login's expiry is
//! one rolecall can write back (`format_expiry`) and read again to the second (a time before
//! 1970 or after the year 9999 is written as the nearest of those, `time_bounds`' range).
#![no_main]

use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;
use rolecall::adapters::aws_sso_cache::{format_expiry, parse_cache_file, parse_expiry};
use rolecall::core::sso::SsoSession;
use rolecall::core::time_bounds::latest;

/// `t` without its fraction of a second.
fn whole_seconds(t: SystemTime) -> SystemTime {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => SystemTime::UNIX_EPOCH + Duration::from_secs(d.as_secs()),
        Err(e) => {
            let before = e.duration();
            let secs = before.as_secs() + u64::from(before.subsec_nanos() > 0);
            SystemTime::UNIX_EPOCH - Duration::from_secs(secs)
        }
    }
}

fn round_trip(t: SystemTime) {
    let written = format_expiry(t);
    assert_eq!(
        parse_expiry(&written),
        Some(whole_seconds(t.clamp(SystemTime::UNIX_EPOCH, latest()))),
        "{written} reads back"
    );
}

fuzz_target!(|bytes: &[u8]| {
    if let Ok(login) = parse_cache_file(bytes) {
        round_trip(login.token.expires_at);
        if let Some(registration) = &login.registration {
            round_trip(registration.expires_at);
        }
        let session = SsoSession {
            name: "acme".into(),
            start_url: "https://acme.awsapps.com/start".into(),
            region: "us-east-1".into(),
            scopes: vec!["sso:account:access".into()],
            legacy: false,
        };
        let _ = login.is_for(&session);
        assert_eq!(login.signed_in().is_some(), login.registration.is_some());
    }
    if let Ok(text) = std::str::from_utf8(bytes)
        && let Some(t) = parse_expiry(text)
    {
        round_trip(t);
    }
});
