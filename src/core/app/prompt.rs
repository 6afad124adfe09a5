//! Questions the app asks in a box over the list: an MFA code, and the "assume another role"
//! form (role ARN with history, external ID, MFA serial, duration, session name). Editing is
//! pure: a key goes in, the prompt changes or says it is done.

use crate::core::chain::duration;
use crate::core::chain::{ChainOrigin, ChainSource, ChainSpec, RoleArn};

use crate::core::sso_setup::{self, NewSsoSession, SetupError};
use crate::core::start_url::StartUrl;

use super::command::{Command, Context};
use super::key::Key;
use super::keymap::Keymap;
use super::requests::PendingChain;

/// What the app is asking.
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    Mfa(MfaQuestion),
    Assume(AssumeForm),
    /// The first run: which identity center to write as `[sso-session]` and sign in to.
    Setup(SetupForm),
    Region(RegionQuestion),
}

impl Prompt {
    /// Pasted text goes into the line being edited as if typed, and is never read as keys
    /// (a paste cannot submit, cancel or move, whatever the keymap binds).
    pub fn paste(&mut self, text: &str) {
        match self {
            Prompt::Mfa(question) => {
                let input = &mut question.input;
                input.extend(text.chars().filter(char::is_ascii_digit));
                input.truncate(MFA_DIGITS);
            }
            Prompt::Assume(form) => {
                form.error = None;
                let line = form.values.get_mut(form.focus);
                line.extend(text.chars().filter(|c| !c.is_control()));
            }
            Prompt::Setup(form) => {
                form.error = None;
                form.values[form.focus].extend(text.chars().filter(|c| !c.is_control()));
            }
            Prompt::Region(question) => {
                question.error = None;
                question
                    .input
                    .extend(text.trim().chars().filter(|c| region_char(*c)));
            }
        }
    }
}

/// How many digits an MFA code has.
const MFA_DIGITS: usize = 6;

/// An MFA code for a chain that needs one.
#[derive(Debug, Clone, PartialEq)]
pub struct MfaQuestion {
    pub pending: PendingChain,
    pub serial: String,
    pub input: String,
    pub error: Option<MfaError>,
}

/// Why the MFA question is asked again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MfaError {
    #[error("an MFA code is 6 digits")]
    NotSixDigits,
    #[error("that code was not accepted (wrong or used already): type the next one")]
    NotAccepted,
}

/// Why the form cannot be assumed yet, with the check's own words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error(transparent)]
    RoleArn(crate::core::chain::RoleArnError),
    #[error(transparent)]
    Duration(crate::core::chain::DurationError),
    #[error(transparent)]
    Chain(crate::core::chain::InvalidChain),
}

/// What a key did to a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Continue,
    Cancel,
    Submit,
}

/// Edits one line of text with the [`Context::Prompt`] keys (submit, cancel, delete, clear);
/// a printable key not bound there types, when `accept` takes it.
fn edit_line(line: &mut String, key: Key, keymap: &Keymap, accept: impl Fn(char) -> bool) -> Edit {
    match keymap.command(key, Context::Prompt) {
        Some(Command::Submit) => Edit::Submit,
        Some(Command::Cancel) => Edit::Cancel,
        Some(Command::DeleteChar) => {
            line.pop();
            Edit::Continue
        }
        Some(Command::ClearLine) => {
            line.clear();
            Edit::Continue
        }
        Some(_) => Edit::Continue,
        None => {
            if let Key::Char(c) = key
                && accept(c)
            {
                line.push(c);
            }
            Edit::Continue
        }
    }
}

impl MfaQuestion {
    pub fn key(&mut self, key: Key, keymap: &Keymap) -> Edit {
        let edit = edit_line(&mut self.input, key, keymap, |c| c.is_ascii_digit());
        self.input.truncate(MFA_DIGITS);
        if edit == Edit::Submit && self.input.len() != MFA_DIGITS {
            self.error = Some(MfaError::NotSixDigits);
            return Edit::Continue;
        }
        edit
    }
}

/// The first-run form's fields, in order: what `aws configure sso` asks.
pub(crate) const SETUP_FIELDS: [&str; 3] = ["access portal URL", "region", "session name"];

/// The first run against a real identity center: the access portal URL, the region (the
/// URL's when it carries one) and a session name (the portal's own by default), checked as
/// typed; once submitted, the `[sso-session]` is written and the app signs in to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupForm {
    /// What is typed, field by field ([`SETUP_FIELDS`]).
    pub values: [String; 3],
    pub focus: usize,
    /// Why the answers were not taken (the check's words, or the identity center's).
    pub error: Option<String>,
    /// Submitted: being checked and written.
    pub writing: bool,
}

impl SetupForm {
    /// The [`Context::Form`] keys move between fields, then the line is edited; submitting
    /// checks the answers ([`sso_setup::from_answers`]).
    pub fn key(&mut self, key: Key, keymap: &Keymap) -> Edit {
        if self.writing {
            return Edit::Continue;
        }
        self.error = None;
        let count = SETUP_FIELDS.len();
        match keymap.command(key, Context::Form) {
            Some(Command::NextField | Command::Down) => {
                self.focus = (self.focus + 1) % count;
                return Edit::Continue;
            }
            Some(Command::PrevField | Command::Up) => {
                self.focus = (self.focus + count - 1) % count;
                return Edit::Continue;
            }
            _ => {}
        }
        let edit = edit_line(&mut self.values[self.focus], key, keymap, |c| {
            !c.is_control()
        });
        if edit == Edit::Submit {
            if let Err(e) = self.answers() {
                self.error = Some(e.to_string());
                return Edit::Continue;
            }
            self.writing = true;
        }
        edit
    }

    /// Esc (cancel): nothing is behind this form, so it never quits: it clears the field, and
    /// on an empty one says which key does (`quit`: the key from the live map).
    pub fn back(&mut self, quit: Option<String>) {
        let field = &mut self.values[self.focus];
        if field.is_empty() {
            self.error = Some(match quit {
                Some(key) => format!("nothing is configured yet: {key} quits"),
                None => "nothing is configured yet".to_owned(),
            });
        } else {
            field.clear();
        }
    }

    /// The `[sso-session]` the answers make.
    pub fn answers(&self) -> Result<NewSsoSession, SetupError> {
        let [url, region, name] = &self.values;
        sso_setup::from_answers(url, region, name)
    }

    /// What an empty field will mean, for the form to show: the URL's region (or the usual
    /// one to type), the default session name.
    pub fn placeholder(&self, field: usize) -> Option<String> {
        let url = StartUrl::parse(&self.values[0]).ok();
        match field {
            1 => Some(match url.as_ref().and_then(StartUrl::region) {
                Some(region) => format!("({region}, from the URL)"),
                None => "(such as us-east-1)".to_owned(),
            }),
            2 => Some(format!(
                "({})",
                sso_setup::default_name(url.as_ref().map_or("", StartUrl::as_str))
            )),
            _ => Some("(such as https://my-company.awsapps.com/start)".to_owned()),
        }
    }
}

/// A character a region name may have.
fn region_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// The region for a role or a held session (`r`), prefilled with the one it has now. An empty
/// answer forgets the region picked, so the rule decides again.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionQuestion {
    /// Whose region it is ([`crate::core::app::state::region_key`]).
    pub key: String,
    /// The role or chain, as shown.
    pub label: String,
    pub input: String,
    pub error: Option<crate::core::ids::RegionError>,
}

impl RegionQuestion {
    /// A key typed; on submit the answer is checked: a region name, or nothing.
    pub fn key(&mut self, key: Key, keymap: &Keymap) -> Edit {
        self.error = None;
        let edit = edit_line(&mut self.input, key, keymap, region_char);
        if edit == Edit::Submit
            && let Err(e) = self.answer()
        {
            self.error = Some(e);
            return Edit::Continue;
        }
        edit
    }

    /// The region typed (`None`: forget the one picked).
    pub fn answer(
        &self,
    ) -> Result<Option<crate::core::ids::Region>, crate::core::ids::RegionError> {
        let text = self.input.trim();
        if text.is_empty() {
            return Ok(None);
        }
        crate::core::ids::Region::parse(text).map(Some)
    }
}

/// A field of the "assume another role" form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    RoleArn,
    ExternalId,
    MfaSerial,
    Duration,
    SessionName,
}

impl Field {
    /// The fields, in the order the form shows them.
    pub const ALL: [Field; 5] = [
        Field::RoleArn,
        Field::ExternalId,
        Field::MfaSerial,
        Field::Duration,
        Field::SessionName,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::RoleArn => "role ARN",
            Field::ExternalId => "external ID",
            Field::MfaSerial => "MFA serial",
            Field::Duration => "duration",
            Field::SessionName => "session name",
        }
    }

    /// The next field (after the last, the first); `back`: the previous one.
    fn step(self, back: bool) -> Field {
        let count = Field::ALL.len();
        let at = if back { count - 1 } else { 1 };
        Field::ALL[(self as usize + at) % count]
    }
}

/// What is typed in the form, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormValues {
    pub role_arn: String,
    pub external_id: String,
    pub mfa_serial: String,
    pub duration: String,
    pub session_name: String,
}

impl FormValues {
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::RoleArn => &self.role_arn,
            Field::ExternalId => &self.external_id,
            Field::MfaSerial => &self.mfa_serial,
            Field::Duration => &self.duration,
            Field::SessionName => &self.session_name,
        }
    }

    fn get_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::RoleArn => &mut self.role_arn,
            Field::ExternalId => &mut self.external_id,
            Field::MfaSerial => &mut self.mfa_serial,
            Field::Duration => &mut self.duration,
            Field::SessionName => &mut self.session_name,
        }
    }
}

/// "Assume another role…" from a held session.
#[derive(Debug, Clone, PartialEq)]
pub struct AssumeForm {
    /// The held session whose credentials are the source.
    pub source_held: u64,
    pub source: ChainSource,
    pub source_label: String,
    /// The source is a role session: AssumeRole is role chaining (1 h cap).
    pub chained: bool,
    pub values: FormValues,
    pub focus: Field,
    /// Where Up/Down are in the role ARN history.
    pub history_at: Option<usize>,
    pub error: Option<FormError>,
}

impl AssumeForm {
    pub fn new(source_held: u64, source: ChainSource, source_label: String, chained: bool) -> Self {
        Self {
            source_held,
            source,
            source_label,
            chained,
            values: FormValues::default(),
            focus: Field::RoleArn,
            history_at: None,
            error: None,
        }
    }

    /// The [`Context::Form`] keys move between fields (up/down walk the ARN history on the
    /// first), then the line is edited; submitting checks the form.
    pub fn key(&mut self, key: Key, keymap: &Keymap, history: &[String]) -> Edit {
        self.error = None;
        match keymap.command(key, Context::Form) {
            Some(walk @ (Command::Up | Command::Down))
                if self.focus == Field::RoleArn && !history.is_empty() =>
            {
                let next = match (walk == Command::Up, self.history_at) {
                    (true, None) => 0,
                    (true, Some(i)) => (i + 1).min(history.len() - 1),
                    (false, Some(0) | None) => {
                        self.history_at = None;
                        self.values.role_arn.clear();
                        return Edit::Continue;
                    }
                    (false, Some(i)) => i - 1,
                };
                self.history_at = Some(next);
                self.values.role_arn = history[next].clone();
                return Edit::Continue;
            }
            Some(Command::NextField | Command::Down) => {
                self.focus = self.focus.step(false);
                return Edit::Continue;
            }
            Some(Command::PrevField | Command::Up) => {
                self.focus = self.focus.step(true);
                return Edit::Continue;
            }
            _ => {}
        }
        let edit = edit_line(self.values.get_mut(self.focus), key, keymap, |c| {
            !c.is_control()
        });
        if edit == Edit::Submit
            && let Err(e) = self.spec()
        {
            self.error = Some(e);
            return Edit::Continue;
        }
        edit
    }

    /// The chain the form describes.
    pub fn spec(&self) -> Result<ChainSpec, FormError> {
        let v = &self.values;
        let arn = &v.role_arn;
        let role = RoleArn::parse(arn).map_err(FormError::RoleArn)?;
        let some = |v: &String| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut spec = ChainSpec::new(
            &format!("{}@{}", role.name(), role.account_id()),
            self.source.clone(),
            arn.trim(),
        );
        spec.origin = ChainOrigin::AdHoc;
        spec.external_id = some(&v.external_id);
        spec.mfa_serial = some(&v.mfa_serial);
        spec.duration = some(&v.duration)
            .map(|d| duration::parse(&d))
            .transpose()
            .map_err(FormError::Duration)?;
        spec.session_name = some(&v.session_name);
        spec.validate().map_err(FormError::Chain)?;
        Ok(spec)
    }

    /// What the duration field will mean, for the form to show: the cap when chained.
    pub fn duration_hint(&self) -> Option<String> {
        let seconds = duration::parse(&self.values.duration).ok()?;
        if let Err(e) = duration::check_range(seconds) {
            return Some(e.to_string());
        }
        duration::plan_duration(Some(seconds), self.chained)
            .ok()
            .and_then(|p| p.note())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AssumeForm {
        AssumeForm::new(1, ChainSource::Environment, "x".into(), true)
    }

    fn type_text(form: &mut AssumeForm, text: &str) {
        for c in text.chars() {
            form.key(Key::Char(c), &Keymap::default(), &[]);
        }
    }

    #[test]
    fn a_form_builds_a_chain_and_refuses_bad_input() {
        let mut f = form();
        assert_eq!(
            f.key(Key::Enter, &Keymap::default(), &[]),
            Edit::Continue,
            "empty ARN"
        );
        assert!(
            f.error
                .as_ref()
                .unwrap()
                .to_string()
                .contains("not a role ARN")
        );
        type_text(&mut f, "arn:aws:iam::123456789012:role/ops");
        f.key(Key::Tab, &Keymap::default(), &[]);
        type_text(&mut f, "ext-1");
        f.key(Key::Tab, &Keymap::default(), &[]);
        f.key(Key::Tab, &Keymap::default(), &[]);
        type_text(&mut f, "10m");
        assert!(f.duration_hint().unwrap().contains("15 min to 12 h"));
        assert_eq!(f.key(Key::Enter, &Keymap::default(), &[]), Edit::Continue);
        assert!(f.error.as_ref().unwrap().to_string().contains("10m"));
        for _ in 0..3 {
            f.key(Key::Backspace, &Keymap::default(), &[]);
        }
        type_text(&mut f, "4h");
        assert!(f.duration_hint().unwrap().contains("capped at 1h"));
        assert_eq!(f.key(Key::Enter, &Keymap::default(), &[]), Edit::Submit);
        let spec = f.spec().unwrap();
        assert_eq!(spec.name, "ops@123456789012");
        assert_eq!(spec.external_id.as_deref(), Some("ext-1"));
        assert_eq!(spec.duration, Some(4 * 3600));
        assert_eq!(spec.origin, ChainOrigin::AdHoc);
    }

    #[test]
    fn up_and_down_walk_the_arn_history() {
        let history = vec!["arn:a".to_owned(), "arn:b".to_owned()];
        let mut f = form();
        f.key(Key::Up, &Keymap::default(), &history);
        assert_eq!(f.values.role_arn, "arn:a");
        f.key(Key::Up, &Keymap::default(), &history);
        f.key(Key::Up, &Keymap::default(), &history);
        assert_eq!(f.values.role_arn, "arn:b");
        f.key(Key::Down, &Keymap::default(), &history);
        assert_eq!(f.values.role_arn, "arn:a");
        f.key(Key::Down, &Keymap::default(), &history);
        assert_eq!(f.values.role_arn, "");
    }

    #[test]
    fn the_setup_form_checks_as_typed_and_offers_the_urls_region_and_name() {
        let keymap = Keymap::default();
        let mut f = SetupForm::default();
        let type_in = |f: &mut SetupForm, text: &str| {
            for c in text.chars() {
                f.key(Key::Char(c), &keymap);
            }
        };
        assert_eq!(f.key(Key::Enter, &keymap), Edit::Continue);
        assert!(
            f.error
                .as_ref()
                .unwrap()
                .contains("access portal URL is needed")
        );
        type_in(&mut f, "http://acme.awsapps.com/start");
        f.key(Key::Enter, &keymap);
        assert!(
            f.error.as_ref().unwrap().contains("not an https URL"),
            "{f:?}"
        );
        f.key(Key::Ctrl('u'), &keymap);
        type_in(&mut f, "https://acme.awsapps.com/start");
        assert_eq!(f.placeholder(2).unwrap(), "(acme)");
        f.key(Key::Enter, &keymap);
        assert!(
            f.error.as_ref().unwrap().contains("region is needed"),
            "{f:?}"
        );
        f.key(Key::Tab, &keymap);
        type_in(&mut f, "Mars");
        f.key(Key::Enter, &keymap);
        assert!(f.error.as_ref().unwrap().contains("\"Mars\""), "{f:?}");
        f.key(Key::Ctrl('u'), &keymap);
        type_in(&mut f, "eu-west-1");
        assert_eq!(f.key(Key::Enter, &keymap), Edit::Submit);
        assert!(f.writing);
        let s = f.answers().unwrap();
        assert_eq!((s.name.as_str(), s.region.as_str()), ("acme", "eu-west-1"));
        assert_eq!(
            f.key(Key::Char('x'), &keymap),
            Edit::Continue,
            "no edits while writing"
        );
        assert_eq!(f.values[1], "eu-west-1");
        let mut regional = SetupForm::default();
        regional.values[0] = "https://ssoins-1.portal.ap-south-1.app.aws".into();
        assert_eq!(
            regional.placeholder(1).unwrap(),
            "(ap-south-1, from the URL)"
        );
    }

    #[test]
    fn mfa_codes_are_six_digits() {
        let mut q = MfaQuestion {
            pending: PendingChain {
                spec: ChainSpec::new(
                    "c",
                    ChainSource::Environment,
                    "arn:aws:iam::123456789012:role/r",
                ),
                refreshing: None,
                fresh: false,
            },
            serial: "s".into(),
            input: String::new(),
            error: None,
        };
        for c in "12a34".chars() {
            q.key(Key::Char(c), &Keymap::default());
        }
        assert_eq!(q.input, "1234");
        assert_eq!(q.key(Key::Enter, &Keymap::default()), Edit::Continue);
        assert!(q.error.is_some());
        for c in "5678".chars() {
            q.key(Key::Char(c), &Keymap::default());
        }
        assert_eq!(q.input, "123456");
        assert_eq!(q.key(Key::Enter, &Keymap::default()), Edit::Submit);
        assert_eq!(q.key(Key::Esc, &Keymap::default()), Edit::Cancel);
    }
}
