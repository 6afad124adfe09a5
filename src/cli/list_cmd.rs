//! `rolecall list`: every account × role, from the cache when it is fresh, else listed anew
//! with a progress line on stderr. Data on stdout: a table, or `--json`.

use std::io::Write;

use serde::Serialize;

use super::context::Context;
use super::{CliError, ListArgs};
use crate::core::catalog::Catalog;
use crate::core::sso::SsoSession;
use crate::core::terminal_text::{self, shown};

/// One line of `rolecall list --json`.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub(crate) struct Row {
    pub account_id: String,
    pub account_name: String,
    pub role_name: String,
    pub session: String,
    pub email: Option<String>,
    /// For a chain: its name (then `account_*` and `role_name` are the assumed role's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    /// For a chain: where its credentials come from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

pub(crate) fn rows(session: &SsoSession, catalog: &Catalog) -> Vec<Row> {
    catalog
        .rows()
        .map(|(account, role)| Row {
            account_id: account.id.to_string(),
            account_name: account.name.clone(),
            role_name: role.to_owned(),
            session: session.name.clone(),
            email: account.email.clone(),
            chain: None,
            source: None,
        })
        .collect()
}

/// One row per chain, after the roles: the assumed role's account and name.
fn chain_rows(ctx: &Context) -> Vec<Row> {
    ctx.config
        .chains
        .iter()
        .filter_map(|spec| {
            let role = spec.role()?;
            Some(Row {
                account_name: format!("{} {}", crate::core::app::state::CHAIN_MARK, spec.name),
                account_id: role.account_id().to_string(),
                role_name: role.name().to_owned(),
                session: String::new(),
                email: None,
                chain: Some(spec.name.clone()),
                source: Some(spec.source.label()),
            })
        })
        .collect()
}

/// The table's columns, each capped (by display width, cut with `…`) so that one huge name
/// can neither pad every row nor overflow the formatter: AWS allows 50 characters in an account
/// name and 64 in a role name; `--json` has every name whole.
const COLUMNS: [(&str, usize); 3] = [("ACCOUNT", 50), ("ID", 20), ("ROLE", 64)];

fn print_table(rows: &[Row], out: &mut impl Write) -> std::io::Result<()> {
    let cells: Vec<[String; 3]> = rows
        .iter()
        .map(|r| {
            let cell = |i: usize, text: &str| terminal_text::cut(&shown(text), COLUMNS[i].1);
            [
                cell(0, &r.account_name),
                cell(1, &r.account_id),
                cell(2, &r.role_name),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..2)
        .map(|i| {
            cells
                .iter()
                .map(|c| terminal_text::width(&c[i]))
                .chain([COLUMNS[i].0.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let pad =
        |text: &str, columns: usize| " ".repeat(columns.saturating_sub(terminal_text::width(text)));
    let line = |out: &mut dyn Write, [a, i, r]: [&str; 3]| {
        writeln!(
            out,
            "{a}{}  {i}{}  {r}",
            pad(a, widths[0]),
            pad(i, widths[1])
        )
    };
    line(out, COLUMNS.map(|(title, _)| title))?;
    for [a, i, r] in &cells {
        line(out, [a, i, r])?;
    }
    Ok(())
}

pub(crate) async fn run_list(args: ListArgs) -> Result<(), CliError> {
    let ctx = super::context::load()?;
    let mut all = Vec::new();
    let mut failure = None;
    for session in ctx.sessions(args.session.as_deref())? {
        match ctx
            .catalog(&session, args.refresh)
            .await
            .map_err(CliError::from)
        {
            Ok(catalog) => all.extend(rows(&session, &catalog)),
            Err(e) => {
                note!("rolecall: {}: {e}", session.name);
                failure.get_or_insert(e);
            }
        }
    }
    if args.session.is_none() {
        all.extend(chain_rows(&ctx));
    }
    if let (true, Some(e)) = (all.is_empty(), &failure) {
        // Nothing listed: no empty table on stdout, only the reason (already on stderr).
        return Err(CliError::Reported(e.exit_code()));
    }
    let text = if args.json {
        serde_json::to_string_pretty(&all)
            .map(|json| json + "\n")
            .map_err(|e| CliError::Other(format!("cannot write the rows as JSON: {e}")))?
    } else {
        let mut table = Vec::new();
        print_table(&all, &mut table).map_err(CliError::Stdout)?;
        String::from_utf8_lossy(&table).into_owned()
    };
    super::write_stdout(&text)?;
    match failure {
        Some(e) => Err(CliError::Reported(e.exit_code())),
        None => Ok(()),
    }
}
