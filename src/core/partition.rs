//! AWS partitions and the web hosts that differ between them: the console federation (sign-in)
//! endpoint and the console itself. A region belongs to a partition by its name's form (the
//! `regionRegex` of the SDK's partitions.json); a well-formed region no partition claims is in
//! `aws`, as the SDK resolves it. The SSO OIDC host is not here: the SDK's endpoint resolver
//! knows it (see `engine::pkce::authorize_endpoint`).

/// A partition whose console rolecall can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    /// `aws`: the commercial regions.
    Aws,
    /// `aws-us-gov`: AWS GovCloud (US).
    UsGov,
    /// `aws-cn`: the China regions.
    China,
    /// `aws-eusc`: the AWS European Sovereign Cloud.
    EuropeanSovereign,
    /// An isolated partition (`aws-iso*`), whose console hosts rolecall does not know.
    Isolated(&'static str),
}

impl Partition {
    /// The partition of `region` (case and surrounding spaces ignored).
    pub fn of_region(region: &str) -> Self {
        let region = region.trim().to_ascii_lowercase();
        let under = |prefix: &str| {
            region
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.split('-').count() == 2)
        };
        if under("us-gov-") {
            Partition::UsGov
        } else if under("cn-") {
            Partition::China
        } else if under("eusc-de-") {
            Partition::EuropeanSovereign
        } else if under("us-iso-") {
            Partition::Isolated("aws-iso")
        } else if under("us-isob-") {
            Partition::Isolated("aws-iso-b")
        } else if under("eu-isoe-") {
            Partition::Isolated("aws-iso-e")
        } else if under("us-isof-") {
            Partition::Isolated("aws-iso-f")
        } else {
            Partition::Aws
        }
    }

    /// The partition named in an ARN (`aws`, `aws-us-gov`, `aws-cn`, `aws-eusc`, …).
    pub fn from_id(id: &str) -> Option<Self> {
        Some(match id {
            "aws" => Partition::Aws,
            "aws-us-gov" => Partition::UsGov,
            "aws-cn" => Partition::China,
            "aws-eusc" => Partition::EuropeanSovereign,
            "aws-iso" => Partition::Isolated("aws-iso"),
            "aws-iso-b" => Partition::Isolated("aws-iso-b"),
            "aws-iso-e" => Partition::Isolated("aws-iso-e"),
            "aws-iso-f" => Partition::Isolated("aws-iso-f"),
            _ => return None,
        })
    }

    /// The partition's id, as in ARNs.
    pub fn id(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::UsGov => "aws-us-gov",
            Partition::China => "aws-cn",
            Partition::EuropeanSovereign => "aws-eusc",
            Partition::Isolated(id) => id,
        }
    }
}

/// The console's web hosts in one partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConsoleHosts {
    /// The federation endpoint (`getSigninToken`, `login`).
    pub federation: String,
    /// Where the console opens.
    pub console: String,
}

/// The console hosts for credentials of `partition` (`region` names the regional sign-in host
/// where the partition has no global one). `None` for a partition whose hosts are not known.
pub(crate) fn console_hosts(partition: Partition, region: &str) -> Option<ConsoleHosts> {
    let (signin, console) = match partition {
        Partition::Aws => ("signin.aws.amazon.com".to_owned(), "console.aws.amazon.com"),
        Partition::UsGov => (
            "signin.amazonaws-us-gov.com".to_owned(),
            "console.amazonaws-us-gov.com",
        ),
        Partition::China => ("signin.amazonaws.cn".to_owned(), "console.amazonaws.cn"),
        Partition::EuropeanSovereign => {
            let region = region.trim().to_ascii_lowercase();
            let region = if Partition::of_region(&region) == partition {
                region
            } else {
                "eusc-de-east-1".to_owned()
            };
            (
                format!("{region}.signin.amazonaws-eusc.eu"),
                "console.amazonaws-eusc.eu",
            )
        }
        Partition::Isolated(_) => return None,
    };
    Some(ConsoleHosts {
        federation: format!("https://{signin}/federation"),
        console: format!("https://{console}/"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_fall_in_their_partitions() {
        for (region, partition) in [
            ("us-east-1", Partition::Aws),
            ("eu-west-3", Partition::Aws),
            ("us-gov-west-1", Partition::UsGov),
            ("US-GOV-EAST-1", Partition::UsGov),
            ("cn-north-1", Partition::China),
            ("cn-northwest-1", Partition::China),
            ("eusc-de-east-1", Partition::EuropeanSovereign),
            ("us-iso-east-1", Partition::Isolated("aws-iso")),
            ("us-isob-east-1", Partition::Isolated("aws-iso-b")),
            // Well-formed but unknown: `aws`, as the SDK decides.
            ("mars-north-1", Partition::Aws),
            ("cn-north", Partition::Aws),
        ] {
            assert_eq!(Partition::of_region(region), partition, "{region}");
        }
    }

    #[test]
    fn each_partition_has_its_own_console() {
        let hosts = |region: &str| {
            let h = console_hosts(Partition::of_region(region), region).unwrap();
            (h.federation, h.console)
        };
        assert_eq!(
            hosts("us-east-1"),
            (
                "https://signin.aws.amazon.com/federation".into(),
                "https://console.aws.amazon.com/".into()
            )
        );
        assert_eq!(
            hosts("us-gov-west-1"),
            (
                "https://signin.amazonaws-us-gov.com/federation".into(),
                "https://console.amazonaws-us-gov.com/".into()
            )
        );
        assert_eq!(
            hosts("cn-north-1"),
            (
                "https://signin.amazonaws.cn/federation".into(),
                "https://console.amazonaws.cn/".into()
            )
        );
        assert_eq!(
            hosts("eusc-de-east-1"),
            (
                "https://eusc-de-east-1.signin.amazonaws-eusc.eu/federation".into(),
                "https://console.amazonaws-eusc.eu/".into()
            )
        );
        assert_eq!(hosts("mars-north-1"), hosts("us-east-1"));
        assert_eq!(
            console_hosts(Partition::of_region("us-iso-east-1"), "us-iso-east-1"),
            None
        );
    }

    #[test]
    fn arn_partitions_by_id() {
        for p in [
            Partition::Aws,
            Partition::UsGov,
            Partition::China,
            Partition::EuropeanSovereign,
            Partition::Isolated("aws-iso-f"),
        ] {
            assert_eq!(Partition::from_id(p.id()), Some(p));
        }
        assert_eq!(Partition::from_id("moon"), None);
    }
}
