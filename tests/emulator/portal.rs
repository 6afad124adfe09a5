//! The SSO portal against the emulator, driven by the real `aws-sdk-sso` client: pagination,
//! the 100-item page limit, bearer checks, role credentials, logout, throttling and 5xx.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_sso::config::retry::RetryConfig;
use aws_sdk_sso::error::ProvideErrorMetadata;
use common::*;
use rolecall::emulator::{Api, Faults};

#[tokio::test]
async fn list_accounts_shows_only_the_users_accounts() {
    let emu = start(&small_org_toml()).await;
    let (token, _) = device_sign_in(&emu).await;
    let out = sso(&emu)
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap();
    let names: Vec<_> = out
        .account_list()
        .iter()
        .map(|a| {
            (
                a.account_id().unwrap(),
                a.account_name().unwrap(),
                a.email_address(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (
                "111111111111",
                "payments-prod",
                Some("aws+payments-prod@acme.example")
            ),
            (
                "222222222222",
                "payments-dev",
                Some("aws+payments-dev@example.com")
            ),
        ]
    );
    assert!(out.next_token().is_none());
}

#[tokio::test]
async fn pagination_walks_every_account_in_pages_of_at_most_100() {
    let emu = start(&org_with_accounts(250)).await;
    let (token, _) = device_sign_in(&emu).await;
    let client = sso(&emu);
    let pages: Vec<_> = client
        .list_accounts()
        .access_token(&token)
        .max_results(100)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let sizes: Vec<_> = pages.iter().map(|p| p.account_list().len()).collect();
    assert_eq!(sizes, [100, 100, 50]);
    let ids: BTreeSet<_> = pages
        .iter()
        .flat_map(|p| p.account_list())
        .map(|a| a.account_id().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 250);
    assert_eq!(emu.stats(Api::ListAccounts).requests, 3);
}

#[tokio::test]
async fn max_result_above_100_is_an_invalid_request() {
    let emu = start(&small_org_toml()).await;
    let (token, _) = device_sign_in(&emu).await;
    let err = sso(&emu)
        .list_accounts()
        .access_token(&token)
        .max_results(101)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_request_exception(), "{err:?}");
    assert!(err.message().unwrap().contains("less than or equal to 100"));
}

#[tokio::test]
async fn a_garbage_next_token_is_an_invalid_request() {
    let emu = start(&small_org_toml()).await;
    let (token, _) = device_sign_in(&emu).await;
    let err = sso(&emu)
        .list_accounts()
        .access_token(&token)
        .next_token("not-a-token")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_request_exception(), "{err:?}");
}

#[tokio::test]
async fn roles_paginate_and_unknown_accounts_are_not_found() {
    let emu = start(&small_org_toml()).await;
    let (token, _) = device_sign_in(&emu).await;
    let client = sso(&emu);
    let pages: Vec<_> = client
        .list_account_roles()
        .access_token(&token)
        .account_id("222222222222")
        .max_results(2)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let roles: Vec<_> = pages
        .iter()
        .flat_map(|p| p.role_list())
        .map(|r| r.role_name().unwrap().to_owned())
        .collect();
    assert_eq!(
        roles,
        ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess"]
    );
    assert_eq!(pages.len(), 2);

    // security-audit exists but is not assigned to alice.
    let err = client
        .list_account_roles()
        .access_token(&token)
        .account_id("333333333333")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
}

#[tokio::test]
async fn role_credentials_work_with_sts_and_expire_on_time() {
    let emu = start(&small_org_toml()).await;
    let (token, _) = device_sign_in(&emu).await;
    let out = sso(&emu)
        .get_role_credentials()
        .access_token(&token)
        .account_id("111111111111")
        .role_name("AdministratorAccess")
        .send()
        .await
        .unwrap();
    let creds = out.role_credentials().unwrap();
    let akid = creds.access_key_id().unwrap();
    assert!(akid.starts_with("ASIA") && akid.len() == 20);
    assert_eq!(creds.secret_access_key().unwrap().len(), 40);
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let lifetime_s = (creds.expiration() - now_ms) / 1000;
    assert!((3590..=3600).contains(&lifetime_s), "{lifetime_s}");
    assert!(
        emu.issued_secrets()
            .iter()
            .any(|s| Some(s.as_str()) == creds.session_token())
    );
}

#[tokio::test]
async fn unassigned_role_is_forbidden() {
    let emu = start(&small_org_toml()).await;
    let (token, _) = device_sign_in(&emu).await;
    let err = sso(&emu)
        .get_role_credentials()
        .access_token(&token)
        .account_id("111111111111")
        .role_name("PowerUserAccess")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.code(), Some("ForbiddenException"));
}

#[tokio::test]
async fn bad_expired_revoked_and_logged_out_tokens_are_unauthorized() {
    let emu = start(&small_org_toml()).await;
    let client = sso(&emu);
    let unauthorized = |token: String| {
        let client = client.clone();
        async move {
            let err = client
                .list_accounts()
                .access_token(token)
                .send()
                .await
                .unwrap_err()
                .into_service_error();
            assert!(err.is_unauthorized_exception(), "{err:?}");
        }
    };
    unauthorized("aoa-made-up".into()).await;

    let (token, _) = device_sign_in(&emu).await;
    client.logout().access_token(&token).send().await.unwrap();
    unauthorized(token).await;

    let (token, _) = device_sign_in(&emu).await;
    emu.revoke_tokens();
    unauthorized(token).await;

    let (token, _) = device_sign_in(&emu).await;
    emu.advance(Duration::from_secs(8 * 3600 + 1));
    unauthorized(token).await;
}

#[tokio::test]
async fn the_rate_limit_answers_429_too_many_requests() {
    let emu = start(&small_org_toml()).await;
    let (token, _) = device_sign_in(&emu).await;
    emu.set_faults(Faults {
        rate_limit_rps: Some(0.001),
        rate_limit_burst: Some(2.0),
        ..Faults::default()
    });
    let client = sso_with_retries(&emu, RetryConfig::disabled());
    for _ in 0..2 {
        client
            .list_accounts()
            .access_token(&token)
            .send()
            .await
            .unwrap();
    }
    let err = client
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 429);
    let err = err.into_service_error();
    assert!(err.is_too_many_requests_exception(), "{err:?}");
    assert_eq!(emu.stats(Api::ListAccounts).throttled, 1);
}

#[tokio::test]
async fn the_sdk_retries_through_throttling() {
    let emu = start(&small_org_toml()).await;
    let (token, _) = device_sign_in(&emu).await;
    // 20 rps with a burst of 1: a burst of calls is throttled, and the SDK's retries get through.
    emu.set_faults(Faults {
        rate_limit_rps: Some(20.0),
        rate_limit_burst: Some(1.0),
        ..Faults::default()
    });
    let client = sso_with_retries(&emu, RetryConfig::standard().with_max_attempts(10));
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..4 {
        calls.spawn(client.list_accounts().access_token(&token).send());
    }
    while let Some(result) = calls.join_next().await {
        assert_eq!(result.unwrap().unwrap().account_list().len(), 2);
    }
    let stats = emu.stats(Api::ListAccounts);
    assert!(stats.throttled >= 1, "{stats:?}");
    assert_eq!(stats.requests - stats.throttled, 4);
}

#[tokio::test]
async fn injected_5xx_and_latency() {
    let emu = start(&small_org_toml()).await;
    let (token, _) = device_sign_in(&emu).await;
    let mut faults = Faults {
        error_5xx_ratio: 1.0,
        ..Faults::default()
    };
    emu.set_faults(faults.clone());
    let client = sso_with_retries(&emu, RetryConfig::disabled());
    let err = client
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 500);

    faults.error_5xx_ratio = 0.0;
    faults.latency_ms.insert("ListAccounts".into(), 150);
    emu.set_faults(faults);
    let started = std::time::Instant::now();
    client
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn faults_can_be_changed_through_the_admin_route() {
    let emu = start(&small_org_toml()).await;
    let answer = reqwest::Client::new()
        .put(format!("{}/_emulator/faults", emu.url()))
        .json(&serde_json::json!({ "rate_limit_rps": 5.0, "error_5xx_ratio": 0.25 }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());
    let faults = emu.faults();
    assert_eq!(faults.rate_limit_rps, Some(5.0));
    assert_eq!(faults.error_5xx_ratio, 0.25);
}
