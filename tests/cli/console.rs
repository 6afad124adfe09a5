//! `rolecall console`: the real binary against the emulator's stand-in federation endpoint in
//! a throwaway HOME.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::cli_home::{BIN, Home, auto_approving_org, text};
use common::*;

const TARGET: &str = "payments-dev/PowerUserAccess";

fn query_of(url: &str) -> Vec<(String, String)> {
    let (_, q) = url.split_once('?').unwrap();
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

fn param<'a>(q: &'a [(String, String)], name: &str) -> &'a str {
    &q.iter().find(|(k, _)| k == name).unwrap().1
}

#[tokio::test(flavor = "multi_thread")]
async fn prints_a_login_url_the_federation_endpoint_accepts() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();

    let out = home.rolecall(&["console", TARGET, "--print"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let url = stdout.trim_end();
    assert!(
        url.starts_with(&format!("{}/federation?Action=login&", emu.url())),
        "{url}"
    );
    let q = query_of(url);
    assert_eq!(param(&q, "Issuer"), "rolecall");
    assert_eq!(param(&q, "Destination"), "https://console.aws.amazon.com/");
    let token = param(&q, "SigninToken").to_owned();
    assert!(!stderr.contains(&token), "the token stays off stderr");
    assert!(stderr.contains(TARGET), "{stderr}");

    // The login action takes the token and sends the browser to the console.
    let answer = browser().get(url).send().await.unwrap();
    assert_eq!(answer.status(), 302);
    assert_eq!(
        answer.headers()["location"].to_str().unwrap(),
        "https://console.aws.amazon.com/"
    );

    // A damaged token is refused.
    assert!(url.ends_with(&format!("SigninToken={token}")), "{url}");
    let bad = url.replace(&token, "x.y");
    let answer = browser().get(&bad).send().await.unwrap();
    assert_eq!(answer.status(), 400);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["error"], "InvalidSigninToken");

    // Nothing secret reached the log (the sign-in token is among the issued secrets).
    assert!(emu.issued_secrets().contains(&token));
    let log = home.log();
    for secret in emu.issued_secrets() {
        assert!(!log.contains(&secret), "a secret reached the log");
    }
    assert!(!home.browser_opened());
}

#[tokio::test(flavor = "multi_thread")]
async fn get_signin_token_checks_the_credentials() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    let out = home.rolecall(&["credential-process", TARGET]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ask = |key: &str, secret: &str, token: &str| {
        let session =
            serde_json::json!({"sessionId": key, "sessionKey": secret, "sessionToken": token});
        let url = format!(
            "{}/federation?{}",
            emu.url(),
            form_urlencoded::Serializer::new(String::new())
                .append_pair("Action", "getSigninToken")
                .append_pair("SessionDuration", "3600")
                .append_pair("Session", &session.to_string())
                .finish()
        );
        async move { browser().get(url).send().await.unwrap() }
    };
    let key = doc["AccessKeyId"].as_str().unwrap();
    let secret = doc["SecretAccessKey"].as_str().unwrap();
    let token = doc["SessionToken"].as_str().unwrap();

    let good = ask(key, secret, token).await;
    assert_eq!(good.status(), 200);
    let body: serde_json::Value = good.json().await.unwrap();
    assert!(!body["SigninToken"].as_str().unwrap().is_empty());

    let unknown = ask("ASIAUNKNOWN000000000", secret, token).await;
    assert_eq!(unknown.status(), 400);
    let body: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(body["error"], "InvalidSession");
    assert_eq!(ask(key, "wrong", token).await.status(), 400);

    // Past the credentials' expiry.
    emu.advance(std::time::Duration::from_secs(13 * 3600));
    let expired = ask(key, secret, token).await;
    assert_eq!(expired.status(), 400);
    let body: serde_json::Value = expired.json().await.unwrap();
    assert_eq!(body["error"], "ExpiredSession");
}

/// A `$BROWSER` that keeps its command line in `home/browser-argv`.
fn recording_browser(home: &Home) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let argv = home.path().join("browser-argv");
    let browser = home.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}.tmp'\nmv '{0}.tmp' '{0}'\n",
            argv.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    argv
}

// The sign-in URL is a credential: the browser's command line (readable by every local user)
// gets a private page's path, never the URL; the page (0600, in a 0700 directory) redirects to
// a URL the federation endpoint accepts.
#[tokio::test(flavor = "multi_thread")]
async fn opens_the_browser_without_print_and_prints_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();
    let argv_file = recording_browser(&home);
    let out = home.rolecall(&["console", TARGET]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "", "the URL goes to the browser only");
    assert!(
        text(&out.stderr).contains("opened the AWS console"),
        "{}",
        text(&out.stderr)
    );
    wait_until(std::time::Duration::from_secs(10), || argv_file.exists()).await;
    let argv = std::fs::read_to_string(&argv_file).unwrap();
    assert!(!argv.contains("SigninToken"), "the browser's argv: {argv}");
    for secret in emu.issued_secrets() {
        assert!(!argv.contains(&secret), "a secret in the browser's argv");
    }
    let page_url = argv.trim_end();
    assert_eq!(argv.lines().count(), 1, "{argv}");
    let page = url::Url::parse(page_url)
        .unwrap()
        .to_file_path()
        .unwrap_or_else(|()| panic!("not a file URL: {page_url}"));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&page), 0o600);
    assert_eq!(mode(page.parent().unwrap()), 0o700);
    let html = std::fs::read_to_string(&page).unwrap();
    let start_of_url = html.find("location.replace(\"").unwrap() + "location.replace(\"".len();
    let url = html[start_of_url..]
        .split('"')
        .next()
        .unwrap()
        .replace("\\u0026", "&");
    assert!(url.contains("SigninToken="), "{html}");
    // The page leads where `--print` would: the federation endpoint takes it.
    let answer = browser().get(&url).send().await.unwrap();
    assert_eq!(answer.status(), 302, "{url}");

    // Without a browser it says how to get the URL instead.
    let out = home
        .command(BIN, &["console", TARGET])
        .env_remove("BROWSER")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--print"),
        "{}",
        text(&out.stderr)
    );
}

/// The chains of the demo organisation: from an SSO role (role chaining) and from an IAM user's
/// long-term keys (not role chaining: up to the role's 12 h).
const CHAINS: &str = "[[chains]]\nname = \"pipeline\"\nsource = \"tools-ci/DevOps\"\n\
    role_arn = \"arn:aws:iam::011403187894:role/pipeline-service\"\n\
    [[chains]]\nname = \"reader\"\nsource_profile = \"jenkins\"\n\
    role_arn = \"arn:aws:iam::295922081140:role/s3-reader\"\nduration = \"12h\"\n";

async fn chains_home() -> (rolecall::emulator::Emulator, Home) {
    let emu = start(&demo_org_toml()).await;
    let home = Home::new(&emu, "", CHAINS);
    std::fs::write(
        home.path().join(".aws/credentials"),
        "[jenkins]\naws_access_key_id = AKIAEXAMPLEJENKINS01\n\
         aws_secret_access_key = jenkinsEXAMPLEsecretKEY/doNotUse/0000001\n",
    )
    .unwrap();
    home.login();
    (emu, home)
}

/// The console session (seconds) the emulator's sign-in token in `url` grants.
fn console_seconds(url: &str) -> u64 {
    use base64::Engine;
    let q = query_of(url);
    let token = param(&q, "SigninToken");
    let payload = token.split('.').next().unwrap();
    let json: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    json["d"].as_u64().unwrap()
}

// AWS's federation endpoint answers 400 to `SessionDuration` with credentials from role
// chaining (here an SSO role's credentials assumed another role): rolecall leaves it out and
// says the console session follows the credentials.
#[tokio::test(flavor = "multi_thread")]
async fn console_on_a_role_chain_sends_no_session_duration() {
    let (emu, home) = chains_home().await;
    let out = home.rolecall(&["console", "pipeline", "--print"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("the console session lasts as long as the credentials"),
        "{stderr}"
    );
    let seconds = console_seconds(text(&out.stdout).trim_end());
    assert!((3000..=3600).contains(&seconds), "{seconds}");

    // The emulator refuses SessionDuration with those credentials, as AWS does.
    let doc = home.rolecall(&["credential-process", "pipeline"]);
    let doc: serde_json::Value = serde_json::from_slice(&doc.stdout).unwrap();
    let session = serde_json::json!({
        "sessionId": doc["AccessKeyId"], "sessionKey": doc["SecretAccessKey"],
        "sessionToken": doc["SessionToken"],
    });
    let url = format!(
        "{}/federation?{}",
        emu.url(),
        form_urlencoded::Serializer::new(String::new())
            .append_pair("Action", "getSigninToken")
            .append_pair("SessionDuration", "900")
            .append_pair("Session", &session.to_string())
            .finish()
    );
    assert_eq!(browser().get(url).send().await.unwrap().status(), 400);
}

// A chain from an IAM user's long-term keys is not role chaining: the console session is as
// long as STS gave (12 h), not capped at 1 h, and nothing says "chained".
#[tokio::test(flavor = "multi_thread")]
async fn console_on_a_chain_from_an_iam_user_is_not_role_chaining() {
    let (_emu, home) = chains_home().await;
    let out = home.rolecall(&["console", "reader", "--print"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("chain"), "{stderr}");
    let seconds = console_seconds(text(&out.stdout).trim_end());
    assert!(seconds > 11 * 3600, "a console session of {seconds} s");
}

/// `--service` and `--destination` choose the page the console opens; a page off the console,
/// a non-https URL or a bad service name is a usage error (exit 2) before any credentials are
/// asked for or any sign-in token is made.
#[tokio::test(flavor = "multi_thread")]
async fn service_and_destination_choose_the_page_and_nothing_else_is_opened() {
    let emu = start(&auto_approving_org()).await;
    let home = Home::new(&emu, "", "");
    home.login();

    let out = home.rolecall(&["console", TARGET, "--print", "--service", "s3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let q = query_of(text(&out.stdout).trim_end());
    assert_eq!(
        param(&q, "Destination"),
        format!("https://console.aws.amazon.com/s3/home?region={REGION}")
    );

    let page = "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:";
    let out = home.rolecall(&["console", TARGET, "--print", "--destination", page]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = text(&out.stdout);
    let q = query_of(url.trim_end());
    assert_eq!(param(&q, "Destination"), page);
    let answer = browser().get(url.trim_end()).send().await.unwrap();
    assert_eq!(answer.headers()["location"].to_str().unwrap(), page);

    let tokens = emu.issued_secrets().len();
    for bad in [
        &["--destination", "https://evil.example/"][..],
        &[
            "--destination",
            "https://console.aws.amazon.com.evil.example/",
        ],
        &["--destination", "http://console.aws.amazon.com/"],
        &["--service", "s3/../../evil"],
        &["--service", "S3"],
    ] {
        let mut args = vec!["console", TARGET, "--print"];
        args.extend_from_slice(bad);
        let out = home.rolecall(&args);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out.stderr));
        assert!(out.stdout.is_empty(), "{bad:?}");
        assert_eq!(
            text(&out.stderr).lines().count(),
            1,
            "{}",
            text(&out.stderr)
        );
    }
    let out = home.rolecall(&[
        "console",
        TARGET,
        "--print",
        "--service",
        "s3",
        "--destination",
        "https://console.aws.amazon.com/",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        emu.issued_secrets().len(),
        tokens,
        "no sign-in token for a refused page"
    );
}
