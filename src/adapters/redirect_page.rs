//! A private local page that sends the browser on to a URL that is a credential (the console's
//! sign-in URL), so the URL itself never appears on the browser's command line, where any local
//! user can read it (`ps`, `/proc/*/cmdline`).
//!
//! The page is `console-<random>.html`, mode 0600, in a directory of mode 0700; it redirects at
//! once (`<meta http-equiv="refresh">` and `location.replace`). The browser reads it after we
//! hand it over, so it cannot be removed at once: every write removes the pages older than
//! [`PAGE_LIFETIME`] (the sign-in token inside is useless after 15 minutes anyway).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::secret::Secret;

/// How long a page is kept for the browser to read it.
pub(crate) const PAGE_LIFETIME: Duration = Duration::from_secs(60);
const PREFIX: &str = "console-";
const SUFFIX: &str = ".html";

/// The page that redirects to `url`: the URL escaped for an HTML attribute and for a script.
pub(crate) fn page(url: &str) -> Secret<String> {
    let attribute = html_escape(url);
    let script = serde_json::to_string(url)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    Secret::new(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <meta http-equiv=\"refresh\" content=\"0;url={attribute}\">\
         <title>rolecall: AWS console</title>\
         <script>location.replace({script});</script></head>\
         <body><p>Opening the AWS console… <a href=\"{attribute}\">continue</a></p></body></html>\n"
    ))
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Writes a page redirecting to `url` into `dir` (created 0700, and made 0700 if it was not),
/// after removing pages older than [`PAGE_LIFETIME`]. Returns the page's path.
pub(crate) fn write(dir: &Path, url: &Secret<String>) -> io::Result<PathBuf> {
    super::atomic_file::create_private_dir(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    remove_old_pages(dir, SystemTime::now());
    // tempfile creates the file 0600, with a name nobody can guess or take first.
    let mut file = tempfile::Builder::new()
        .prefix(PREFIX)
        .suffix(SUFFIX)
        .tempfile_in(dir)?;
    file.write_all(page(url.expose()).expose().as_bytes())?;
    file.as_file().sync_all()?;
    let (_, path) = file.keep().map_err(|e| e.error)?;
    Ok(path)
}

/// Removes this module's pages in `dir` last modified more than [`PAGE_LIFETIME`] before `now`.
pub(crate) fn remove_old_pages(dir: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name
            .to_str()
            .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX));
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).unwrap_or_default() > PAGE_LIFETIME);
        if ours && old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_redirects_to_the_url_escaped() {
        let url =
            "https://signin.aws.amazon.com/federation?Action=login&SigninToken=a\"b</script><x>'";
        let page = page(url);
        let text = page.expose();
        assert!(text.contains("content=\"0;url=https://signin.aws.amazon.com/federation?Action=login&amp;SigninToken=a&quot;b&lt;/script&gt;&lt;x&gt;&#39;\""), "{text}");
        assert!(text.contains("location.replace(\"https://signin.aws.amazon.com/federation?Action=login\\u0026SigninToken=a\\\"b\\u003c/script\\u003e\\u003cx\\u003e'\")"), "{text}");
        assert_eq!(text.matches("</script>").count(), 1, "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn pages_are_private_and_old_ones_go() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("console");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let url = Secret::new("https://example.com/?SigninToken=abc".to_owned());
        let first = write(&dir, &url).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&first), 0o600);
        assert!(
            std::fs::read_to_string(&first)
                .unwrap()
                .contains("SigninToken=abc")
        );
        let second = write(&dir, &url).unwrap();
        assert_ne!(first, second);
        remove_old_pages(&dir, SystemTime::now());
        assert!(first.exists(), "a fresh page is kept for the browser");
        remove_old_pages(&dir, SystemTime::now() + PAGE_LIFETIME * 2);
        assert!(!first.exists() && !second.exists());
    }
}
