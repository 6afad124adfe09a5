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

    // The AWS CLI's files never fail to read: every problem is a one-line notice naming a line
    // (lines end at \n, \r\n or \r, as Python reads them).
    let aws_lines = text.replace("\r\n", "\n").split(['\n', '\r']).count();
    let found = aws_config::from_text(text, "config", &Default::default());
    for s in &found.sessions {
        assert!(!s.start_url.is_empty() && !s.region.is_empty(), "{s:?}");
    }
    for notice in &found.notices {
        assert!(
            !notice.contains('\n') && !notice.contains('\r'),
            "one line: {notice:?}"
        );
        let line: usize = notice
            .strip_prefix("config:")
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse().ok())
            .expect("config:LINE: why");
        assert!(
            (1..=aws_lines).contains(&line),
            "{notice} of {aws_lines} lines"
        );
    }
    if let Err(e) = ini::parse(text) {
        assert!((1..=aws_lines).contains(&e.line));
    }

    let _ = Org::parse(text, "org.toml");
});
