//! An `[[actions]]` command made ready for `/bin/sh -c`: the role's names reach it as data,
//! never as code. Each value is passed twice, and the user picks either:
//! - in the environment, as `ROLECALL_ACCOUNT_ID`, `ROLECALL_ACCOUNT_NAME`,
//!   `ROLECALL_ROLE_NAME`, `ROLECALL_REGION` and `ROLECALL_PROFILE` (write `"$ROLECALL_…"`);
//! - as `{account_id}`, `{account_name}`, `{role_name}`, `{region}`, `{profile}`, each replaced by
//!   its value shell-quoted (one word, whatever it holds: `$()`, backticks, quotes, newlines).
//!
//! The CLI (`rolecall action`) and the app's hand-over menu both build it here.

use super::template::{fill_known, shell_quote};

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
    /// The command with its placeholders replaced by quoted values: for `sh -c`.
    pub script: String,
    /// `ROLECALL_*` variables for the command's environment.
    pub env: Vec<(&'static str, String)>,
}

impl ActionCommand {
    pub fn new(template: &str, fields: &ActionFields<'_>) -> Self {
        let table = fields.table();
        let script = fill_known(template, |name| {
            table
                .iter()
                .find(|(placeholder, _, _)| *placeholder == name)
                .map(|(_, _, value)| shell_quote(value))
        });
        let env = table
            .iter()
            .map(|(_, variable, value)| (*variable, (*value).to_owned()))
            .collect();
        Self { script, env }
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

    #[test]
    fn an_empty_value_is_still_one_word() {
        let fields = ActionFields {
            account_name: "",
            ..HOSTILE
        };
        assert_eq!(
            ActionCommand::new("f {account_name} x", &fields).script,
            "f '' x"
        );
    }
}
