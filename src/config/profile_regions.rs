//! The `region` of the user's own AWS CLI profiles for an SSO account and role
//! (`sso_account_id` + `sso_role_name`), one of the sources of the region rule
//! ([`crate::core::region::hand_over_region`]). Profiles in rolecall's managed block are not
//! the user's word (rolecall wrote their region itself), so they are left out.

use super::ini::Section;
use super::profile_map;
use crate::core::ids::{AccountId, Region};
pub use crate::core::region::ProfileRegion;

/// The first line of rolecall's managed block in `~/.aws/config` (written by `aws_files`).
pub const MANAGED_BEGIN: &str = "# BEGIN rolecall managed profiles (do not edit)";
/// Its last line.
pub const MANAGED_END: &str = "# END rolecall managed profiles";

/// The profiles of `sections` (read from `text`) naming an account id, a role and a
/// well-formed region, outside the managed block, in file order.
pub(crate) fn from_sections(text: &str, sections: &[Section]) -> Vec<ProfileRegion> {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let begin = lines.iter().position(|l| *l == MANAGED_BEGIN);
    let end = lines.iter().position(|l| *l == MANAGED_END);
    let managed = |line: usize| match (begin, end) {
        // `Section::line` is 1-based.
        (Some(b), Some(e)) => line > b && line <= e + 1,
        _ => false,
    };
    let mut found: Vec<(usize, ProfileRegion)> = profile_map::profiles(sections)
        .into_values()
        .filter(|s| !managed(s.line))
        .filter_map(|s| {
            Some((
                s.line,
                ProfileRegion {
                    account_id: AccountId::parse(s.get("sso_account_id")?.trim())
                        .ok()?
                        .to_string(),
                    role: s.get("sso_role_name")?.trim().to_owned(),
                    region: Region::parse(s.get("region")?.trim()).ok()?,
                },
            ))
        })
        .collect();
    found.sort_by_key(|(line, _)| *line);
    found.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_profiles_count_and_the_managed_blocks_do_not() {
        let text = format!(
            "[profile mine]\nsso_session = acme\nsso_account_id = 111111111111\n\
             sso_role_name = Admin\nregion = eu-north-1\n\
             [profile bad-region]\nsso_account_id = 222222222222\nsso_role_name = Admin\nregion = EU\n\
             [profile no-region]\nsso_account_id = 333333333333\nsso_role_name = Admin\n\
             {MANAGED_BEGIN}\n[profile ours]\nsso_account_id = 444444444444\n\
             sso_role_name = Admin\nregion = us-east-1\n{MANAGED_END}\n"
        );
        let parsed = super::super::ini::read(&text);
        let found = from_sections(&text, &parsed.sections);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (
                found[0].account_id.as_str(),
                found[0].role.as_str(),
                found[0].region.as_str()
            ),
            ("111111111111", "Admin", "eu-north-1"),
            "neither rolecall's own nor a bad region"
        );
    }
}
