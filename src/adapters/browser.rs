//! `Opener` for the user's browser (the `webbrowser` crate, which honours `$BROWSER`).
//!
//! Every URL passes [`check_web_url`] first. A URL that is a credential goes through a private
//! page ([`redirect_page`]) in `<state dir>/console/`, handed over as a `file:` URL, so only the
//! page's path is on the browser's command line.

use std::path::PathBuf;

use super::redirect_page;
use crate::environment::Environment;
use crate::paths::Paths;
use crate::ports::opener::{OpenError, Opener, check_web_url};
use crate::secret::Secret;

/// Where the private redirect pages go, under the state directory.
pub(crate) const PAGES_DIR: &str = "console";

/// Opens URLs in the system browser when one can be used here.
#[derive(Debug, Clone, Default)]
pub(crate) struct SystemBrowser {
    /// A browser can be shown here ([`browser_available`], from the environment read at start).
    available: bool,
    /// rolecall's state directory, where the private redirect pages go.
    state_dir: Option<PathBuf>,
}

impl SystemBrowser {
    /// The browser as the environment and the paths say.
    pub(crate) fn new(env: &Environment, paths: &Paths) -> Self {
        Self {
            available: env.browser_available(),
            state_dir: Some(paths.state_dir.clone()),
        }
    }
}

impl Opener for SystemBrowser {
    fn can_open(&self) -> bool {
        self.available
    }

    fn open(&self, url: &str) -> Result<(), OpenError> {
        let url = check_web_url(url).inspect_err(|_| {
            tracing::info!("refused to open a URL the policy does not allow");
        })?;
        launch(&url)
    }

    fn open_secret(&self, url: &Secret<String>) -> Result<(), OpenError> {
        let checked = Secret::new(check_web_url(url.expose())?);
        let dir = self
            .state_dir
            .as_ref()
            .ok_or_else(|| OpenError::NoPageDir(crate::paths::NoHome.into()))?
            .join(PAGES_DIR);
        let page = redirect_page::write(&dir, &checked).map_err(OpenError::Page)?;
        let page = url::Url::from_file_path(&page).map_err(|()| OpenError::PagePath)?;
        launch(page.as_str())
    }
}

fn launch(url: &str) -> Result<(), OpenError> {
    webbrowser::open(url).map_err(OpenError::Launch)
}

#[cfg(test)]
mod tests {
    use crate::environment::browser_available;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn never_over_ssh() {
        assert!(!browser_available(env(&[
            ("SSH_CONNECTION", "1 2 3 4"),
            ("DISPLAY", ":0")
        ])));
        assert!(!browser_available(env(&[
            ("SSH_TTY", "/dev/pts/1"),
            ("BROWSER", "firefox")
        ])));
    }

    #[test]
    fn an_explicit_browser_counts() {
        assert!(browser_available(env(&[("BROWSER", "/usr/bin/true")])));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_needs_a_display() {
        assert!(!browser_available(env(&[])));
        assert!(browser_available(env(&[("WAYLAND_DISPLAY", "wayland-0")])));
    }
}

#[cfg(test)]
mod policy_tests {
    use super::*;

    // The policy holds in the real opener: a refused URL never reaches the browser.
    #[test]
    fn the_system_browser_refuses_what_the_policy_refuses() {
        let e = SystemBrowser::default()
            .open("file:///etc/passwd")
            .unwrap_err();
        assert!(matches!(e, OpenError::Refused(_)), "{e:?}");
        assert!(
            e.to_string().starts_with("not opening file:///etc/passwd"),
            "{e}"
        );
    }
}
