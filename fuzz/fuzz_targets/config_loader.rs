//! The configuration readers on arbitrary text: rolecall's `config.toml`, the AWS CLI's
//! `~/.aws/config` (its identity centers) and the emulator's organization file. None may
//! panic; an error names a line of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolecall::config::{ConfigFile, aws_config, ini};
use rolecall::emulator::Org;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    // A line number may point one past the last line (an error at the very end).
    let lines = text.split('\n').count();

    if let Err((line, cause)) = ConfigFile::parse(text) {
        assert!(
            (1..=lines).contains(&line),
            "config.toml error at line {line} of {lines}"
        );
        assert!(!cause.contains('\n'), "one-line message: {cause:?}");
    }

    match aws_config::from_text(text, "config") {
        Ok(sessions) => {
            for s in &sessions {
                assert!(!s.start_url.is_empty() && !s.region.is_empty(), "{s:?}");
            }
        }
        Err(aws_config::AwsConfigError::Malformed { line, .. }) => {
            assert!(
                (1..=lines).contains(&line),
                "~/.aws/config error at line {line} of {lines}"
            );
        }
        Err(e) => panic!("reading text cannot fail with {e}"),
    }
    if let Err(e) = ini::parse(text) {
        assert!((1..=lines).contains(&e.line));
    }

    let _ = Org::parse(text, "org.toml");
});
