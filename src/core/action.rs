//! An `[[actions]]` command made ready for `/bin/sh -c`: the role's names reach it as data,
//! never as code. The values travel only in the environment, as `ROLECALL_ACCOUNT_ID`,
//! `ROLECALL_ACCOUNT_NAME`, `ROLECALL_ROLE_NAME`, `ROLECALL_REGION` and `ROLECALL_PROFILE`;
//! a placeholder `{account_id}`, `{account_name}`, `{role_name}`, `{region}` or `{profile}`
//! becomes a reference to its variable, quoted for where it stands in the command (found by
//! [`fill_shell`]'s lexer): `"${ROLECALL_X}"` bare, `${ROLECALL_X}` inside `"…"`,
//! `'"${ROLECALL_X}"'` inside `'…'`. The value itself is never part of the script, so whatever
//! it holds (`$()`, backticks, quotes, newlines) the shell never parses it; at worst a misread
//! context word-splits it.
//!
//! The CLI (`rolecall action`) and the app's hand-over menu both build it here.

use super::template::{Quoting, fill_shell, quote_for};

/// What a role gives an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionFields<'a> {
    pub account_id: &'a str,
    pub account_name: &'a str,
    pub role_name: &'a str,
    pub region: &'a str,
    /// The default profile name of the role.
    pub profile: &'a str,
}

impl<'a> ActionFields<'a> {
    /// Each placeholder with its environment variable and value.
    fn table(&self) -> [(&'static str, &'static str, &'a str); 5] {
        [
            ("account_id", "ROLECALL_ACCOUNT_ID", self.account_id),
            ("account_name", "ROLECALL_ACCOUNT_NAME", self.account_name),
            ("role_name", "ROLECALL_ROLE_NAME", self.role_name),
            ("region", "ROLECALL_REGION", self.region),
            ("profile", "ROLECALL_PROFILE", self.profile),
        ]
    }
}

/// A shell script and the variables it runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionCommand {
    /// The command with its placeholders replaced by references to the `ROLECALL_*`
    /// variables: for `sh -c`.
    pub script: String,
    /// The command with its placeholders replaced by their values, quoted where they stand:
    /// for showing to the user (`--print`, "running …"), not for running.
    pub shown: String,
    /// `ROLECALL_*` variables for the command's environment.
    pub env: Vec<(&'static str, String)>,
}

/// A reference to `variable` that expands to exactly its value where `quoting` says it stands.
fn reference(variable: &str, quoting: Quoting) -> String {
    match quoting {
        Quoting::Bare => format!("\"${{{variable}}}\""),
        Quoting::Double => format!("${{{variable}}}"),
        Quoting::Single => format!("'\"${{{variable}}}\"'"),
    }
}

impl ActionCommand {
    pub fn new(template: &str, fields: &ActionFields<'_>) -> Self {
        let table = fields.table();
        let fill = |to_text: &dyn Fn(&str, &str, Quoting) -> String| {
            fill_shell(template, |name, quoting| {
                table
                    .iter()
                    .find(|(placeholder, _, _)| *placeholder == name)
                    .map(|(_, variable, value)| to_text(variable, value, quoting))
            })
        };
        let script = fill(&|variable, _, quoting| reference(variable, quoting));
        let shown = fill(&|_, value, quoting| quote_for(value, quoting));
        let env = table
            .iter()
            .map(|(_, variable, value)| (*variable, (*value).to_owned()))
            .collect();
        Self { script, shown, env }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: ActionFields<'static> = ActionFields {
        account_id: "111111111111",
        account_name: "sandbox$(touch x)",
        role_name: "Ops'`id`\n{region}",
        region: "us-east-1",
        profile: "p",
    };

    #[test]
    fn placeholders_become_quoted_words_and_variables_carry_the_values() {
        let c = ActionCommand::new(
            "echo {account_name} {role_name} {account_id}.dkr.ecr.{region}.amazonaws.com ${HOME} {other}",
            &HOSTILE,
        );
        assert_eq!(
            c.script,
            "echo \"${ROLECALL_ACCOUNT_NAME}\" \"${ROLECALL_ROLE_NAME}\" \"${ROLECALL_ACCOUNT_ID}\".dkr.ecr.\"${ROLECALL_REGION}\".amazonaws.com ${HOME} {other}"
        );
        assert_eq!(
            c.shown,
            "echo 'sandbox$(touch x)' 'Ops'\\''`id`\n{region}' '111111111111'.dkr.ecr.'us-east-1'.amazonaws.com ${HOME} {other}"
        );
        assert_eq!(
            c.env,
            [
                ("ROLECALL_ACCOUNT_ID", "111111111111".to_owned()),
                ("ROLECALL_ACCOUNT_NAME", "sandbox$(touch x)".to_owned()),
                ("ROLECALL_ROLE_NAME", "Ops'`id`\n{region}".to_owned()),
                ("ROLECALL_REGION", "us-east-1".to_owned()),
                ("ROLECALL_PROFILE", "p".to_owned()),
            ]
        );
    }

    /// What `/bin/sh -c` does with the script, in a fresh directory: (stdout, files created).
    fn run_in_sh(command: &ActionCommand) -> (std::process::Output, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(&command.script)
            .envs(command.env.iter().map(|(k, v)| (k, v)))
            .current_dir(dir.path())
            .output()
            .unwrap();
        let created = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        (out, created)
    }

    /// A placeholder bare, inside double quotes, inside single quotes and inside `$(…)` (bare
    /// and double-quoted): the hostile name arrives exactly and runs nothing.
    #[test]
    fn a_placeholder_is_data_in_every_quoting_context() {
        let name = "sandbox$(touch MARKER)`touch TICK`'\"\\ ${HOME} \n;touch SEMI";
        let fields = ActionFields {
            account_name: name,
            ..HOSTILE
        };
        let cases = [
            ("printf '%s|' {account_name}", format!("{name}|")),
            (
                "printf '%s|' \"working in {account_name}\"",
                format!("working in {name}|"),
            ),
            (
                "printf '%s|' 'working in {account_name}'",
                format!("working in {name}|"),
            ),
            ("printf '%s|' $(printf '%s' {account_name}x)", String::new()),
            (
                "printf '%s|' \"$(printf '%s' {account_name})\"",
                format!("{name}|"),
            ),
            (
                "printf '%s|' \"`printf '%s' {account_name}`\"",
                format!("{name}|"),
            ),
            (
                "printf '%s|' \"a'{account_name}'b\"",
                format!("a'{name}'b|"),
            ),
            (
                "printf '%s|' 'x'\"{account_name}\"'y'{account_name}",
                format!("x{name}y{name}|"),
            ),
            ("printf '%s|' \\'{account_name}", format!("'{name}|")),
            (
                "printf '%s|' \"$(printf '%s' '{account_name}')\"",
                format!("{name}|"),
            ),
            ("printf '%s|' ${UNSET:-{account_name}}x", String::new()),
            (
                "printf '%s|' \"${UNSET:-{account_name}}\"",
                format!("{name}|"),
            ),
            ("# don't\nprintf '%s|' {account_name}", format!("{name}|")),
            ("cat <<EOF\n{account_name}\nEOF", String::new()),
            ("cat <<'EOF'\n{account_name}\nEOF", String::new()),
            ("printf '%s|' \"\\\"{account_name}\"", format!("\"{name}|")),
        ];
        for (template, expected) in cases {
            let command = ActionCommand::new(template, &fields);
            let (out, created) = run_in_sh(&command);
            assert_eq!(
                created,
                Vec::<String>::new(),
                "{template}: a name ran as code"
            );
            assert!(out.status.success(), "{:?}: {out:?}", command.script);
            let stdout = String::from_utf8(out.stdout).unwrap();
            if !expected.is_empty() {
                assert_eq!(stdout, expected, "{template} -> {}", command.script);
            }
        }
    }

    #[test]
    fn an_empty_value_is_still_one_word() {
        let fields = ActionFields {
            account_name: "",
            ..HOSTILE
        };
        let command = ActionCommand::new("printf '[%s]' {account_name} x", &fields);
        assert_eq!(command.shown, "printf '[%s]' '' x");
        let (out, _) = run_in_sh(&command);
        assert_eq!(String::from_utf8(out.stdout).unwrap(), "[][x]");
    }

    /// Where each placeholder stands, as the lexer sees it, and what is shown for it.
    #[test]
    fn the_reference_and_the_shown_value_follow_the_quoting() {
        let fields = ActionFields {
            account_name: "a'b\"c$d",
            ..HOSTILE
        };
        let c = ActionCommand::new(
            "x {account_name} \"{account_name}\" '{account_name}' # it's {account_name}\necho ${X:-{account_name}} \"${X:-{account_name}}\" \\'{account_name}",
            &fields,
        );
        let v = "${ROLECALL_ACCOUNT_NAME}";
        assert_eq!(
            c.script,
            format!(
                "x \"{v}\" \"{v}\" ''\"{v}\"'' # it's {{account_name}}\necho ${{X:-\"{v}\"}} \"${{X:-{v}}}\" \\'\"{v}\""
            )
        );
        assert_eq!(
            c.shown,
            "x 'a'\\''b\"c$d' \"a'b\\\"c\\$d\" 'a'\\''b\"c$d' # it's {account_name}\necho ${X:-'a'\\''b\"c$d'} \"${X:-a'b\\\"c\\$d}\" \\''a'\\''b\"c$d'"
        );
    }
}
