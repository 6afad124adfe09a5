//! The MFA prompt of the subcommands: a code piped on stdin when stdin is not a terminal, else
//! asked on the terminal itself (`/dev/tty`, so it works under `eval "$(…)"` and
//! credential_process) when this process is in its foreground: a background job reading it
//! would be stopped (SIGTTIN), and with it `rolecall serve`'s endpoint, so nobody is asked there.

use std::io::{BufRead, IsTerminal, Write};

use crate::core::terminal_text::Shown;
use crate::ports::mfa_prompt::{MfaPrompt, NoCode, check_code};
use crate::secret::Secret;

/// Asks for MFA codes on the terminal (or reads a piped one).
pub(crate) struct TtyPrompt;

impl MfaPrompt for TtyPrompt {
    fn ask(&self, chain: &str, serial: &str) -> Result<Secret<String>, NoCode> {
        let question = format!("rolecall: {chain}: MFA code for {serial}: ");
        let line = if std::io::stdin().is_terminal() {
            ask_tty(&question)
        } else {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{}", Shown(&question));
            let _ = err.flush();
            let line = piped_line();
            // Nothing echoed the piped answer: end the question's line.
            let _ = writeln!(err);
            line
        };
        let code = line.ok_or(NoCode::Nobody)?.trim().to_owned();
        check_code(&code).map_err(|_| NoCode::NotACode)?;
        Ok(Secret::new(code))
    }
}

/// The longest line read as a code (six digits and some spaces; what is longer is not one).
const LONGEST_LINE: usize = 64;

/// One line of standard input (`None` at its end), read a byte at a time from its descriptor:
/// what follows the code stays for the command that inherits stdin (`exec`'s shell reading a
/// script after it), where std's buffered stdin would take all a pipe holds.
#[cfg(unix)]
fn piped_line() -> Option<String> {
    use std::io::Read;
    use std::os::fd::AsFd;
    let mut stdin = std::fs::File::from(std::io::stdin().as_fd().try_clone_to_owned().ok()?);
    let (mut line, mut byte, mut any) = (Vec::new(), [0u8; 1], false);
    while line.len() < LONGEST_LINE {
        match stdin.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => {
                any = true;
                if byte[0] == b'\n' {
                    break;
                }
                line.push(byte[0]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    any.then(|| String::from_utf8_lossy(&line).into_owned())
}

#[cfg(not(unix))]
fn piped_line() -> Option<String> {
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line).ok();
    read.filter(|n| *n > 0).map(|_| line)
}

fn ask_tty(question: &str) -> Option<String> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    if !in_foreground(&tty) {
        return None;
    }
    let mut writer = tty.try_clone().ok()?;
    writer
        .write_all(crate::core::terminal_text::shown(question).as_bytes())
        .ok()?;
    writer.flush().ok()?;
    let mut line = String::new();
    std::io::BufReader::new(tty).read_line(&mut line).ok()?;
    Some(line)
}

/// Whether this process's group is the terminal's foreground one (may read it).
#[cfg(unix)]
fn in_foreground(tty: &std::fs::File) -> bool {
    rustix::termios::tcgetpgrp(tty).is_ok_and(|group| group == rustix::process::getpgrp())
}

#[cfg(not(unix))]
fn in_foreground(_tty: &std::fs::File) -> bool {
    true
}
