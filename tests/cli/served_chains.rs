//! A chain behind MFA served on the local credentials endpoint (`rolecall exec`'s shell,
//! `exec --server`, `rolecall serve`) and renewed while a botocore client keeps calling: with
//! `mfa_process` silently, without it said once and then refused (nobody may be asked inside
//! `exec`), and asked on `serve`'s own terminal. The fast org makes the chain's credentials last
//! nine seconds (role chaining's one hour at `time_scale = 400`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use common::cli_home::{BIN, Home, text};
use common::served::{BOTOCORE_LOOP, LIFETIME, fast_org};
use common::start;
use common::tmux::Tmux;
use rolecall::emulator::{Api, Emulator};

const SERIAL: &str = "arn:aws:iam::222222222222:mfa/alice";
const ROLE_ARN: &str = "arn:aws:iam::111111111111:role/break-glass";
/// The chain whose codes come from `mfa_process`.
const WITH_PROCESS: &str = "glass-auto";
/// The chain whose codes someone must type.
const TYPED: &str = "glass";

/// The fast org with a role in payments-prod that payments-dev may assume with an MFA code.
fn org() -> String {
    fast_org()
        + &format!(
            "\n[[iam_roles]]\naccount = \"111111111111\"\nname = \"break-glass\"\n\
             max_session_seconds = 3600\ntrust.principals = [\"222222222222\"]\n\
             trust.require_mfa = true\n\n[[mfa_devices]]\nserial = \"{SERIAL}\"\n"
        )
}

/// Both chains from alice's SSO role in payments-dev (whose credentials last nine seconds too);
/// `mfa_process` counts its runs in HOME/mfa-runs.
fn chains(home: &Path) -> String {
    let script = home.join("mfa.sh");
    let runs = home.join("mfa-runs");
    std::fs::write(
        &script,
        format!(
            "echo run >> '{}'\nexec '{BIN}' demo-mfa-code '{SERIAL}'\n",
            runs.display()
        ),
    )
    .unwrap();
    let chain = |name: &str| {
        format!(
            "\n[[chains]]\nname = \"{name}\"\nsource = \"222222222222/PowerUserAccess\"\n\
             role_arn = \"{ROLE_ARN}\"\nmfa_serial = \"{SERIAL}\"\n"
        )
    };
    format!(
        "{}mfa_process = \"sh '{}'\"\n{}",
        chain(WITH_PROCESS),
        script.display(),
        chain(TYPED)
    )
}

async fn signed_in() -> (Emulator, Home) {
    let emu = start(&org()).await;
    let home = Home::new(&emu, "", "");
    let config = home.path().join("rolecall.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&chains(home.path()));
    std::fs::write(&config, text).unwrap();
    home.login();
    (emu, home)
}

/// `rolecall args…` started in `home`'s directory with `stdin` written to it.
fn spawn(home: &Home, args: &[&str], stdin: &str) -> Child {
    let mut child = home
        .command(BIN, args)
        .current_dir(home.path())
        .env("SHELL", "/bin/sh")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child
}

fn report(out: &Output) -> serde_json::Value {
    let stdout = text(&out.stdout);
    stdout
        .lines()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("no report in {stdout}\nstderr: {}", text(&out.stderr)))
}

/// botocore calling until its first failure (at most `argv[1]` seconds): the calls before it,
/// the distinct keys, the seconds its credentials had left at the last good call, the failure.
const UNTIL_REFUSED: &str = r#"
import json, sys, time
import botocore.session
client = botocore.session.get_session().create_client("sts")
end = time.time() + float(sys.argv[1])
calls, expiries, failure, last_ok = 0, {}, None, None
while time.time() < end:
    try:
        client.get_caller_identity()
        calls += 1
        last_ok = time.time()
        creds = client._request_signer._credentials
        expiries[creds.get_frozen_credentials().access_key] = creds._expiry_time.timestamp()
    except Exception as e:
        failure = str(e)
        break
    time.sleep(0.2)
left = max(expiries.values()) - last_ok if expiries else None
print(json.dumps({"calls": calls, "keys": len(expiries), "failure": failure,
                  "left_at_last_call": left}))
"#;

/// Two served chains at once, one emulator and sign-in: with `mfa_process`, the shell's botocore
/// loop runs across expiries without a failure and the process gave each renewal its code;
/// without it (nobody may be asked in `exec`), the reason is said once on stderr, the first
/// credentials are served until they run out, then botocore fails with the endpoint's 503.
#[tokio::test(flavor = "multi_thread")]
async fn exec_renews_an_mfa_chain_with_its_mfa_process_and_says_once_when_it_cannot() {
    let (emu, home) = signed_in().await;
    std::fs::write(home.path().join("loop.py"), BOTOCORE_LOOP).unwrap();
    std::fs::write(home.path().join("until_refused.py"), UNTIL_REFUSED).unwrap();
    let seconds = 2 * LIFETIME.as_secs();

    let shell = spawn(
        &home,
        &["exec", WITH_PROCESS],
        &format!("python3 loop.py {seconds}\n"),
    );
    let code = emu.mfa_code(SERIAL).unwrap();
    let limit = (seconds * 2).to_string();
    // The code for the first credentials on stdin, the shell's script after it.
    let command = spawn(
        &home,
        &["exec", TYPED],
        &format!("{code}\npython3 until_refused.py {limit}\n"),
    );

    // With mfa_process.
    let out = shell.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert!(
        out.status.success(),
        "{}\nstderr: {stderr}",
        text(&out.stdout)
    );
    let looped = report(&out);
    assert_eq!(looped["method"], "container-role", "{looped}");
    assert_eq!(looped["failures"], serde_json::json!([]), "{looped}");
    assert!(
        looped["expired"].as_u64().unwrap() >= 2,
        "two expiries passed: {looped}"
    );
    let runs = std::fs::read_to_string(home.path().join("mfa-runs")).unwrap();
    let keys = looped["keys"].as_u64().unwrap() as usize;
    assert!(
        runs.lines().count() >= keys && keys >= 3,
        "mfa_process ran for the first credentials and each renewal: {} runs, {looped}",
        runs.lines().count()
    );
    assert!(!stderr.contains("cannot renew"), "{stderr}");

    // Without: the first credentials until they ran out, then the 503's reason.
    let out = command.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    let refused = report(&out);
    assert_eq!(out.status.code(), Some(0), "{refused}\nstderr: {stderr}");
    assert_eq!(refused["keys"], 1, "no renewal: {refused}");
    assert!(refused["calls"].as_u64().unwrap() > 1, "{refused}");
    assert!(
        refused["left_at_last_call"].as_f64().unwrap() < 3.0,
        "served until they (nearly) ran out, not only until due (half their life): {refused}"
    );
    let failure = refused["failure"].as_str().unwrap();
    assert!(
        failure.contains("503")
            && failure.contains(&format!("cannot renew the credentials of {TYPED}"))
            && failure.contains("set the chain's mfa_process"),
        "{failure}"
    );
    let said = format!("rolecall: cannot renew the credentials of {TYPED}");
    assert_eq!(stderr.matches(&said).count(), 1, "said once: {stderr}");
    assert!(
        stderr.contains(&format!("{TYPED}: an MFA code from {SERIAL} is needed"))
            && stderr.contains("set the chain's mfa_process"),
        "{stderr}"
    );

    let assumed = emu.assumed();
    assert!(
        assumed.iter().all(|a| a.role_arn == ROLE_ARN && a.mfa),
        "every session with a code"
    );
    // Each AssumeRole fetched its source once; the hopeless renewal was tried once, not on
    // every request (each try costs a GetRoleCredentials).
    let fetched = emu.stats(Api::GetRoleCredentials).requests;
    assert!(
        fetched <= assumed.len() as u64 + 2,
        "{fetched} GetRoleCredentials for {} AssumeRole",
        assumed.len()
    );
    eprintln!(
        "served chains: {looped}, {} mfa_process runs; {refused}; {} AssumeRole, {} GetRoleCredentials",
        runs.lines().count(),
        assumed.len(),
        emu.stats(Api::GetRoleCredentials).requests
    );
}

/// The credentials `serve` answers with (its variables read from `env`), or its status.
async fn ask_serve(env: &str, timeout: Duration) -> Result<serde_json::Value, String> {
    let value = |name: &str| {
        env.lines()
            .find_map(|l| l.strip_prefix(&format!("export {name}=")))
            .map(|v| v.trim_matches('\'').to_owned())
            .unwrap()
    };
    let response = reqwest::Client::new()
        .get(value("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
        .header("Authorization", value("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| format!("{e} (timed out: {})", e.is_timeout()))?;
    if response.status() != 200 {
        return Err(format!(
            "{}: {}",
            response.status(),
            response.text().await.unwrap()
        ));
    }
    Ok(response.json().await.unwrap())
}

/// Asks `serve` for credentials until its terminal shows `prompt` the `times`th time; each answer
/// is `served`'s keys, within the two seconds botocore waits.
async fn until_asked(
    tmux: &Tmux,
    env: &str,
    prompt: &str,
    times: usize,
    served: &serde_json::Value,
) {
    let limit = Instant::now() + LIFETIME;
    loop {
        let answer = ask_serve(env, Duration::from_secs(2)).await.unwrap();
        assert_eq!(answer["AccessKeyId"], served["AccessKeyId"]);
        let screen = tmux.screen();
        if screen.matches(prompt).count() >= times {
            return;
        }
        assert!(Instant::now() < limit, "not asked: {screen}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// `rolecall serve CHAIN` on a terminal asks there for the code of the first credentials and of
/// each renewal; while it waits the credentials still good are served (botocore gives the
/// endpoint two seconds), and once typed the next request gets new keys.
#[tokio::test(flavor = "multi_thread")]
async fn serve_asks_its_terminal_for_the_code_a_renewal_needs() {
    let (emu, home) = signed_in().await;
    let tmux = Tmux::start_with("served-chain", home.path(), home.environment());
    let env_file = home.path().join("serve.env");
    tmux.run_app(
        BIN,
        &format!("serve {TYPED} --shell bash > {}", env_file.display()),
    );
    let prompt = format!("rolecall: {TYPED}: MFA code for {SERIAL}:");
    tmux.wait_text(&prompt, Duration::from_secs(20));
    tmux.type_text(&emu.mfa_code(SERIAL).unwrap());
    tmux.send(&["Enter"]);
    tmux.wait_text("serving the credentials of", Duration::from_secs(20));
    let env = std::fs::read_to_string(&env_file).unwrap();
    let patient = Duration::from_secs(30);
    let first = ask_serve(&env, patient).await.unwrap();

    // Asked again once the credentials are due for renewal.
    until_asked(&tmux, &env, &prompt, 2, &first).await;
    let waiting = ask_serve(&env, Duration::from_secs(2)).await;
    assert_eq!(
        waiting.map(|c| c["AccessKeyId"].clone()),
        Ok(first["AccessKeyId"].clone()),
        "the still-good credentials while the code is asked"
    );
    tmux.type_text(&emu.mfa_code(SERIAL).unwrap());
    tmux.send(&["Enter"]);
    let limit = Instant::now() + LIFETIME;
    let renewed = loop {
        let served = ask_serve(&env, patient).await.unwrap();
        if served["AccessKeyId"] != first["AccessKeyId"] {
            break served;
        }
        assert!(Instant::now() < limit, "never renewed: {}", tmux.screen());
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(emu.assumed().iter().all(|a| a.mfa));
    assert_eq!(emu.assumed().len(), 2, "{renewed}");

    // Ctrl-C while it asks ends it (the prompt holds no thread the end waits for).
    until_asked(&tmux, &env, &prompt, 3, &renewed).await;
    tmux.send(&["C-c"]);
    tmux.wait_text("EXITED=0", Duration::from_secs(10));

    // In the background (`serve T > file &`, job control on) reading the terminal would stop
    // it (SIGTTIN) with its endpoint: it says nobody can be asked and ends instead.
    let err_file = home.path().join("serve.err");
    tmux.send(&[
        &format!(
            "'{BIN}' serve {TYPED} --shell bash > /dev/null 2> '{}' & p=$!; echo BG=$p; wait $p; echo BG-$((4+2))-EXITED=$?",
            err_file.display()
        ),
        "Enter",
    ]);
    let screen = tmux.wait_text("BG-6-EXITED=", Duration::from_secs(20));
    assert!(
        screen.contains("BG-6-EXITED=2") && !screen.contains("Stopped"),
        "{screen}"
    );
    let stderr = std::fs::read_to_string(&err_file).unwrap();
    assert!(
        stderr.contains(&format!(
            "{TYPED}: an MFA code from {SERIAL} is needed and nobody can be asked here"
        )),
        "{stderr}"
    );
}
