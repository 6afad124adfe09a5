//! STS against the emulator, driven by the real `aws-sdk-sts` client: SigV4 verification,
//! GetCallerIdentity, AssumeRole with trust policies (principals, external id, MFA, tags, source
//! identity, duration limits and role chaining), GetSessionToken, and the errors AWS sends for
//! unknown, wrong and expired keys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::{Duration, SystemTime};

use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_sdk_sts::types::{Credentials, Tag};
use common::{REGION, START_URL, device_sign_in, sso, start, sts};
use rolecall::emulator::Emulator;

const TOOLS: &str = "111111111111";
const JENKINS_KEY: &str = "AKIAEMULATORJENKINS1";
const JENKINS_SECRET: &str = "jenkinsSecretAccessKey0000000000000000000";
const OUTSIDER_KEY: &str = "AKIAEMULATOROUTSIDER";
const OUTSIDER_SECRET: &str = "outsiderSecretAccessKey000000000000000000";
const JENKINS_MFA: &str = "arn:aws:iam::111111111111:mfa/jenkins";

const DEPLOY: &str = "arn:aws:iam::222222222222:role/deploy";
const PARTNER: &str = "arn:aws:iam::222222222222:role/partner";
const BREAK_GLASS: &str = "arn:aws:iam::222222222222:role/break-glass";
const SSO_ONLY: &str = "arn:aws:iam::222222222222:role/sso-only";
const NO_TAGS: &str = "arn:aws:iam::222222222222:role/no-tags";
const CHAIN_TARGET: &str = "arn:aws:iam::444444444444:role/chain-target";

fn org() -> String {
    format!(
        r#"
[[identity_centers]]
id = "d-1111111111"
start_url = "{START_URL}"
region = "{REGION}"

[[accounts]]
id = "{TOOLS}"
name = "tools"
permission_sets = ["AdministratorAccess"]

[[accounts]]
id = "222222222222"
name = "deploy-target"

[[accounts]]
id = "333333333333"
name = "elsewhere"

[[accounts]]
id = "444444444444"
name = "chain-end"

[[users]]
name = "alice"

[[iam_users]]
account = "{TOOLS}"
name = "jenkins"
access_key_id = "{JENKINS_KEY}"
secret_access_key = "{JENKINS_SECRET}"

[[iam_users]]
account = "333333333333"
name = "outsider"
access_key_id = "{OUTSIDER_KEY}"
secret_access_key = "{OUTSIDER_SECRET}"

[[iam_roles]]
account = "222222222222"
name = "deploy"
max_session_seconds = 7200
trust.principals = ["{TOOLS}"]

[[iam_roles]]
account = "222222222222"
name = "partner"
trust.principals = ["arn:aws:iam::{TOOLS}:user/jenkins"]
trust.external_id = "partner-42"

[[iam_roles]]
account = "222222222222"
name = "break-glass"
trust.principals = ["arn:aws:iam::{TOOLS}:root"]
trust.require_mfa = true

[[iam_roles]]
account = "222222222222"
name = "sso-only"
trust.principal_arn_like = ["arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_*"]

[[iam_roles]]
account = "222222222222"
name = "no-tags"
trust.principals = ["*"]
trust.allow_tag_session = false
trust.allow_source_identity = false

[[iam_roles]]
account = "444444444444"
name = "chain-target"
trust.principals = ["{DEPLOY}"]

[[mfa_devices]]
serial = "{JENKINS_MFA}"
"#
    )
}

fn jenkins(emu: &Emulator) -> aws_sdk_sts::Client {
    sts(emu, JENKINS_KEY, JENKINS_SECRET, None)
}

/// An STS client signing with temporary credentials.
fn session(emu: &Emulator, creds: &Credentials) -> aws_sdk_sts::Client {
    sts(
        emu,
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token()),
    )
}

/// Signs in through the device flow and fetches role credentials for AdministratorAccess in
/// the tools account: (access key id, secret, session token).
async fn sso_session(emu: &Emulator) -> aws_sdk_sts::Client {
    let (token, _) = device_sign_in(emu).await;
    let out = sso(emu)
        .get_role_credentials()
        .access_token(token)
        .account_id(TOOLS)
        .role_name("AdministratorAccess")
        .send()
        .await
        .expect("GetRoleCredentials");
    let creds = out.role_credentials().expect("role credentials");
    sts(
        emu,
        creds.access_key_id().unwrap(),
        creds.secret_access_key().unwrap(),
        creds.session_token(),
    )
}

/// AssumeRole with only the required parameters, returning the credentials.
async fn assume(client: &aws_sdk_sts::Client, role: &str) -> Credentials {
    client
        .assume_role()
        .role_arn(role)
        .role_session_name("test")
        .send()
        .await
        .expect("AssumeRole")
        .credentials()
        .expect("credentials")
        .clone()
}

/// The error code and message of a failed call.
fn code_and_message<E: ProvideErrorMetadata>(e: &E) -> (String, String) {
    (
        e.code().unwrap_or_default().to_owned(),
        e.message().unwrap_or_default().to_owned(),
    )
}

fn not_authorized(caller: &str, role: &str) -> (String, String) {
    (
        "AccessDenied".to_owned(),
        format!("User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role}"),
    )
}

const JENKINS_ARN: &str = "arn:aws:iam::111111111111:user/jenkins";
const INVALID_MFA: &str = "MultiFactorAuthentication failed with invalid MFA one time pass code.";

/// A code that is not the device's current one.
fn wrong_code(right: &str) -> String {
    let n: u32 = right.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

#[tokio::test]
async fn get_caller_identity_for_an_iam_user() {
    let emu = start(&org()).await;
    let me = jenkins(&emu).get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some(JENKINS_ARN));
    assert_eq!(me.account(), Some(TOOLS));
    assert!(me.user_id().unwrap().starts_with("AIDA"), "{me:?}");
}

#[tokio::test]
async fn get_caller_identity_for_an_sso_role_session() {
    let emu = start(&org()).await;
    let me = sso_session(&emu)
        .await
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    let arn = me.arn().unwrap();
    assert!(
        arn.starts_with(
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_"
        ),
        "{arn}"
    );
    assert!(arn.ends_with("/alice"), "{arn}");
    assert_eq!(me.account(), Some(TOOLS));
    let user_id = me.user_id().unwrap();
    assert!(
        user_id.starts_with("AROA") && user_id.ends_with(":alice"),
        "{user_id}"
    );
}

#[tokio::test]
#[allow(deprecated)] // PackedPolicySize: the SDK now prefers SessionTokenUtilization.
async fn assume_role_issues_a_session_of_that_role() {
    let emu = start(&org()).await;
    let before = SystemTime::now();
    let out = jenkins(&emu)
        .assume_role()
        .role_arn(DEPLOY)
        .role_session_name("build-1234")
        .send()
        .await
        .unwrap();
    let user = out.assumed_role_user().unwrap();
    assert_eq!(
        user.arn(),
        "arn:aws:sts::222222222222:assumed-role/deploy/build-1234"
    );
    assert!(user.assumed_role_id().starts_with("AROA"));
    assert!(user.assumed_role_id().ends_with(":build-1234"));
    assert_eq!(out.source_identity(), None);
    assert_eq!(out.packed_policy_size(), None);
    let creds = out.credentials().unwrap();
    assert!(creds.access_key_id().starts_with("ASIA"));
    let issued = emu.issued_secrets();
    assert!(issued.iter().any(|s| s == creds.secret_access_key()));
    assert!(issued.iter().any(|s| s == creds.session_token()));
    // Default duration: one hour.
    let expires = SystemTime::try_from(*creds.expiration()).unwrap();
    let lasts = expires.duration_since(before).unwrap();
    assert!(
        lasts > Duration::from_secs(3590) && lasts <= Duration::from_secs(3601),
        "{lasts:?}"
    );

    let me = session(&emu, creds)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some(user.arn()));
    assert_eq!(me.user_id(), Some(user.assumed_role_id()));
    assert_eq!(me.account(), Some("222222222222"));
}

#[tokio::test]
async fn untrusted_callers_and_unknown_roles_are_denied() {
    let emu = start(&org()).await;
    let outsider = sts(&emu, OUTSIDER_KEY, OUTSIDER_SECRET, None);
    let err = outsider
        .assume_role()
        .role_arn(DEPLOY)
        .role_session_name("x1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_and_message(&err),
        not_authorized("arn:aws:iam::333333333333:user/outsider", DEPLOY)
    );

    let missing = "arn:aws:iam::222222222222:role/does-not-exist";
    let err = jenkins(&emu)
        .assume_role()
        .role_arn(missing)
        .role_session_name("x1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_and_message(&err), not_authorized(JENKINS_ARN, missing));

    // A principal-ARN pattern admits SSO sessions, not IAM users.
    let err = jenkins(&emu)
        .assume_role()
        .role_arn(SSO_ONLY)
        .role_session_name("x1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_and_message(&err),
        not_authorized(JENKINS_ARN, SSO_ONLY)
    );
    assume(&sso_session(&emu).await, SSO_ONLY).await;
}

#[tokio::test]
async fn the_external_id_must_match() {
    let emu = start(&org()).await;
    let client = jenkins(&emu);
    for wrong in [None, Some("partner-43")] {
        let err = client
            .assume_role()
            .role_arn(PARTNER)
            .role_session_name("x1")
            .set_external_id(wrong.map(str::to_owned))
            .send()
            .await
            .unwrap_err();
        assert_eq!(code_and_message(&err), not_authorized(JENKINS_ARN, PARTNER));
    }
    client
        .assume_role()
        .role_arn(PARTNER)
        .role_session_name("x1")
        .external_id("partner-42")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_role_requiring_mfa_needs_a_valid_code() {
    let emu = start(&org()).await;
    let client = jenkins(&emu);
    let err = client
        .assume_role()
        .role_arn(BREAK_GLASS)
        .role_session_name("x1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_and_message(&err),
        not_authorized(JENKINS_ARN, BREAK_GLASS)
    );

    let code = emu.mfa_code(JENKINS_MFA).expect("the org lists the device");
    assert_eq!(code.len(), 6);
    let err = client
        .assume_role()
        .role_arn(BREAK_GLASS)
        .role_session_name("x1")
        .serial_number(JENKINS_MFA)
        .token_code(wrong_code(&code))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_and_message(&err),
        ("AccessDenied".to_owned(), INVALID_MFA.to_owned())
    );

    let unknown_device = client
        .assume_role()
        .role_arn(BREAK_GLASS)
        .role_session_name("x1")
        .serial_number("arn:aws:iam::111111111111:mfa/nobody")
        .token_code(&code)
        .send()
        .await
        .unwrap_err();
    assert_eq!(unknown_device.message(), Some(INVALID_MFA));

    let out = client
        .assume_role()
        .role_arn(BREAK_GLASS)
        .role_session_name("x1")
        .serial_number(JENKINS_MFA)
        .token_code(emu.mfa_code(JENKINS_MFA).unwrap())
        .send()
        .await
        .unwrap();
    assert!(out.credentials().is_some());
}

#[tokio::test]
async fn durations_are_bounded_by_the_role_and_by_role_chaining() {
    let emu = start(&org()).await;
    let client = jenkins(&emu);
    let with_duration = |seconds: i32| {
        client
            .assume_role()
            .role_arn(DEPLOY)
            .role_session_name("x1")
            .duration_seconds(seconds)
            .send()
    };
    let err = with_duration(899).await.unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"));
    assert!(
        err.message()
            .unwrap()
            .contains("greater than or equal to 900"),
        "{err:?}"
    );
    let err = with_duration(7201).await.unwrap_err();
    assert_eq!(
        code_and_message(&err),
        (
            "ValidationError".to_owned(),
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                .to_owned()
        )
    );
    let before = SystemTime::now();
    let out = with_duration(7200).await.unwrap();
    let expires = SystemTime::try_from(*out.credentials().unwrap().expiration()).unwrap();
    assert!(expires.duration_since(before).unwrap() > Duration::from_secs(7190));
    with_duration(900).await.unwrap();

    // Role chaining: an SSO session (an assumed role) is limited to one hour.
    let chained = sso_session(&emu).await;
    let err = chained
        .assume_role()
        .role_arn(DEPLOY)
        .role_session_name("x1")
        .duration_seconds(3601)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_and_message(&err),
        (
            "ValidationError".to_owned(),
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by \
             role chaining."
                .to_owned()
        )
    );
    chained
        .assume_role()
        .role_arn(DEPLOY)
        .role_session_name("x1")
        .duration_seconds(3600)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
#[allow(deprecated)] // PackedPolicySize: the SDK now prefers SessionTokenUtilization.
async fn session_tags_and_source_identity_carry_through_a_chain() {
    let emu = start(&org()).await;
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build().unwrap();
    let out = jenkins(&emu)
        .assume_role()
        .role_arn(DEPLOY)
        .role_session_name("x1")
        .tags(tag("team", "payments"))
        .tags(tag("project", "a<b&c"))
        .transitive_tag_keys("team")
        .source_identity("jenkins-ci")
        .send()
        .await
        .unwrap();
    assert_eq!(out.source_identity(), Some("jenkins-ci"));
    let packed = out.packed_policy_size().expect("tags are packed");
    assert!((1..=100).contains(&packed), "{packed}");
    let deploy = session(&emu, out.credentials().unwrap());

    // The role session's transitive tag and source identity need a trust policy allowing them.
    let err = deploy
        .assume_role()
        .role_arn(NO_TAGS)
        .role_session_name("x2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_and_message(&err),
        not_authorized("arn:aws:sts::222222222222:assumed-role/deploy/x1", NO_TAGS)
    );

    // Trusted by role ARN; the source identity stays.
    let chained = deploy
        .assume_role()
        .role_arn(CHAIN_TARGET)
        .role_session_name("x2")
        .send()
        .await
        .unwrap();
    assert_eq!(chained.source_identity(), Some("jenkins-ci"));
    assert_eq!(
        chained.assumed_role_user().unwrap().arn(),
        "arn:aws:sts::444444444444:assumed-role/chain-target/x2"
    );
    assert!(chained.packed_policy_size().is_some(), "the transitive tag");

    // Once set, the source identity cannot change.
    let err = deploy
        .assume_role()
        .role_arn(CHAIN_TARGET)
        .role_session_name("x2")
        .source_identity("someone-else")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));

    // Without sts:TagSession / sts:SetSourceIdentity in the trust policy.
    let client = jenkins(&emu);
    let err = client
        .assume_role()
        .role_arn(NO_TAGS)
        .role_session_name("x1")
        .tags(tag("team", "payments"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_and_message(&err), not_authorized(JENKINS_ARN, NO_TAGS));
    let err = client
        .assume_role()
        .role_arn(NO_TAGS)
        .role_session_name("x1")
        .source_identity("jenkins-ci")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_and_message(&err), not_authorized(JENKINS_ARN, NO_TAGS));
    assume(&client, NO_TAGS).await;
}

#[tokio::test]
async fn expired_credentials_get_expired_token() {
    let emu = start(&org()).await;
    let out = jenkins(&emu)
        .assume_role()
        .role_arn(DEPLOY)
        .role_session_name("x1")
        .duration_seconds(900)
        .send()
        .await
        .unwrap();
    let client = session(&emu, out.credentials().unwrap());
    client.get_caller_identity().send().await.unwrap();
    emu.advance(Duration::from_secs(901));
    let err = client.get_caller_identity().send().await.unwrap_err();
    assert_eq!(
        code_and_message(&err),
        (
            "ExpiredToken".to_owned(),
            "The security token included in the request is expired".to_owned()
        )
    );
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 400);
}

#[tokio::test]
async fn unknown_keys_wrong_secrets_and_missing_tokens_are_rejected() {
    let emu = start(&org()).await;
    let err = sts(&emu, "AKIAUNKNOWNKEY000000", JENKINS_SECRET, None)
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_and_message(&err),
        (
            "InvalidClientTokenId".to_owned(),
            "The security token included in the request is invalid.".to_owned()
        )
    );
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);

    let err = sts(&emu, JENKINS_KEY, "not-the-secret", None)
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);

    // Temporary keys need their session token, and only theirs.
    let creds = assume(&jenkins(&emu), DEPLOY).await;
    for token in [None, Some("IQoJb3JpZ2luX2VjWRONG")] {
        let err = sts(
            &emu,
            creds.access_key_id(),
            creds.secret_access_key(),
            token,
        )
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
        assert_eq!(err.code(), Some("InvalidClientTokenId"), "{token:?}");
    }
    // A wrong secret with the right token still fails the signature.
    let err = sts(
        &emu,
        creds.access_key_id(),
        "wrong",
        Some(creds.session_token()),
    )
    .get_caller_identity()
    .send()
    .await
    .unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
}

#[tokio::test]
async fn get_session_token_with_mfa_opens_a_role_requiring_mfa() {
    let emu = start(&org()).await;
    let client = jenkins(&emu);

    let err = client
        .get_session_token()
        .serial_number(JENKINS_MFA)
        .token_code(wrong_code(&emu.mfa_code(JENKINS_MFA).unwrap()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_and_message(&err),
        ("AccessDenied".to_owned(), INVALID_MFA.to_owned())
    );

    let before = SystemTime::now();
    let out = client
        .get_session_token()
        .serial_number(JENKINS_MFA)
        .token_code(emu.mfa_code(JENKINS_MFA).unwrap())
        .send()
        .await
        .unwrap();
    let creds = out.credentials().unwrap();
    assert!(creds.access_key_id().starts_with("ASIA"));
    // Default: 12 hours.
    let expires = SystemTime::try_from(*creds.expiration()).unwrap();
    assert!(expires.duration_since(before).unwrap() > Duration::from_secs(43190));
    let mfa_session = session(&emu, creds);

    // The session still acts as the user.
    let me = mfa_session.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some(JENKINS_ARN));

    // MFA was present when the session was made, so the role needs no code now.
    let out = mfa_session
        .assume_role()
        .role_arn(BREAK_GLASS)
        .role_session_name("oncall")
        .send()
        .await
        .unwrap();
    let role_session = session(&emu, out.credentials().unwrap());

    // A session token without MFA does not open it.
    let plain = client.get_session_token().send().await.unwrap();
    let err = session(&emu, plain.credentials().unwrap())
        .assume_role()
        .role_arn(BREAK_GLASS)
        .role_session_name("oncall")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_and_message(&err),
        not_authorized(JENKINS_ARN, BREAK_GLASS)
    );

    // Session credentials cannot call GetSessionToken.
    for creds_client in [mfa_session, role_session] {
        let err = creds_client.get_session_token().send().await.unwrap_err();
        assert_eq!(
            code_and_message(&err),
            (
                "AccessDenied".to_owned(),
                "Cannot call GetSessionToken with session credentials".to_owned()
            )
        );
    }

    let err = client
        .get_session_token()
        .duration_seconds(129_601)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"));
}

#[tokio::test]
async fn malformed_and_unsigned_requests_get_query_protocol_errors() {
    let emu = start(&org()).await;
    let http = reqwest::Client::new();
    let post = |body: &'static [u8]| {
        http.post(emu.url())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let unknown = post(b"Action=Frobnicate&Version=2011-06-15").await.unwrap();
    assert_eq!(unknown.status().as_u16(), 400);
    let text = unknown.text().await.unwrap();
    assert!(text.contains("<Code>InvalidAction</Code>"), "{text}");

    let unsigned = post(b"Action=GetCallerIdentity&Version=2011-06-15")
        .await
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), 403);
    let text = unsigned.text().await.unwrap();
    assert!(
        text.contains("<Code>MissingAuthenticationToken</Code>"),
        "{text}"
    );

    let garbage = post(b"\xff\xfe%%%&&==Action").await.unwrap();
    assert_eq!(garbage.status().as_u16(), 400);

    let get = http
        .get(format!(
            "{}/?Action=GetCallerIdentity&Version=2011-06-15",
            emu.url()
        ))
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAEMULATORJENKINS1/20150830/us-east-1/sts/aws4_request",
        )
        .header("x-amz-date", "20150830T123600Z")
        .send()
        .await
        .unwrap();
    assert_eq!(get.status().as_u16(), 400);
    assert!(get.text().await.unwrap().contains("IncompleteSignature"));
}

/// Like AWS, a request signed more than 15 minutes away from the service's clock is refused.
/// (With retries on, the SDK reads the emulator's `Date` header, corrects its clock and succeeds
/// on the retry, as it does against AWS.)
#[tokio::test]
async fn a_skewed_request_time_is_refused() {
    let emu = start(&org()).await;
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new(REGION))
        .endpoint_url(emu.url())
        .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled())
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            JENKINS_KEY,
            JENKINS_SECRET,
            None,
            None,
            "test",
        ))
        .build();
    let client = aws_sdk_sts::Client::from_conf(config);
    client.get_caller_identity().send().await.unwrap();
    emu.advance(Duration::from_secs(20 * 60));
    let err = client.get_caller_identity().send().await.unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    let message = err.message().unwrap();
    assert!(message.starts_with("Signature expired: "), "{message}");
    assert!(message.ends_with(" - 15 min.)"), "{message}");
}

/// An inline session policy: JSON of at most 2,048 characters, as AWS takes it (the AWS SDK for
/// Rust sends it; the emulator answers AWS's errors).
#[tokio::test]
async fn an_inline_session_policy_is_json_of_at_most_2048_characters() {
    let emu = start(&org()).await;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    jenkins(&emu)
        .assume_role()
        .role_arn(DEPLOY)
        .role_session_name("x1")
        .policy(policy)
        .send()
        .await
        .unwrap();
    let long = format!("{{\"Version\":\"{}\"}}", "x".repeat(2048));
    for (bad, code) in [
        (long.as_str(), "ValidationError"),
        ("not json", "MalformedPolicyDocument"),
    ] {
        let err = jenkins(&emu)
            .assume_role()
            .role_arn(DEPLOY)
            .role_session_name("x1")
            .policy(bad)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert_eq!(err.code(), Some(code), "{err:?}");
    }
}
