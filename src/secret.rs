//! `Secret<T>`: a value that must never reach a log, a panic message or the screen.
//!
//! It has no `Display`, its `Debug` prints `Secret(***)`, and it is wiped from memory when
//! dropped. [`Secret::expose`] is called only where the value leaves the process for its
//! purpose (an HTTP request, a file written 0600, a child's environment).

use std::fmt;

use zeroize::Zeroize;

pub struct Secret<T: Zeroize>(T);

impl<T: Zeroize> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The value itself. Every call site is a place a secret leaves our hands.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> Drop for Secret<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<T: Zeroize + Clone> Clone for Secret<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Zeroize + PartialEq> PartialEq for Secret<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: Zeroize> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Says whether a type implements `Display`: the inherent method (only there for
    /// `Display` types) wins over the trait's fallback.
    struct Probe<T>(T);

    trait NoDisplay {
        fn has_display(&self) -> bool {
            false
        }
    }

    impl<T> NoDisplay for Probe<T> {}

    impl<T: fmt::Display> Probe<T> {
        fn has_display(&self) -> bool {
            true
        }
    }

    #[test]
    fn there_is_no_display() {
        assert!(!Probe(Secret::new("hunter2".to_owned())).has_display());
        // The probe can tell: a plain string has one.
        assert!(Probe("hunter2".to_owned()).has_display());
    }

    #[test]
    fn debug_is_redacted_in_every_form_and_inside_other_types() {
        let s = Secret::new("hunter2".to_owned());
        assert_eq!(format!("{s:#?}"), "Secret(***)");
        #[derive(Debug)]
        #[allow(dead_code)] // read through Debug only
        struct Keys {
            access_key_id: String,
            secret_access_key: Secret<String>,
            session_token: Option<Secret<String>>,
        }
        let creds = Keys {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("hunter2".into()),
            session_token: Some(Secret::new("tok3n".into())),
        };
        for shown in [format!("{creds:?}"), format!("{creds:#?}")] {
            assert!(shown.contains("ASIAEXAMPLE"), "{shown}");
            assert!(
                !shown.contains("hunter2") && !shown.contains("tok3n"),
                "{shown}"
            );
        }
    }

    /// A value that records being wiped.
    #[derive(Clone)]
    struct Wiped(Arc<AtomicBool>);

    impl Zeroize for Wiped {
        fn zeroize(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_value_is_wiped_when_dropped_and_each_clone_wipes_its_own() {
        let flag = Arc::new(AtomicBool::new(false));
        let secret = Secret::new(Wiped(flag.clone()));
        let copy = secret.clone();
        drop(secret);
        assert!(flag.swap(false, Ordering::SeqCst), "not wiped on drop");
        drop(copy);
        assert!(flag.load(Ordering::SeqCst), "the clone was not wiped");

        // And wiping a String leaves nothing of it.
        let mut text = "hunter2".to_owned();
        text.zeroize();
        assert!(text.is_empty());
    }

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("hunter2".to_owned());
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret(***))");
        assert_eq!(s.expose(), "hunter2");
    }
}
