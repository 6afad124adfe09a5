//! The SSO portal (REST-JSON, bearer token in `x-amz-sso_bearer_token`): ListAccounts,
//! ListAccountRoles, GetRoleCredentials and Logout.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::api::Api;
use super::aws_error::AwsError;
use super::clock::epoch_millis;
use super::ids;
use super::org::User;
use super::shared::Shared;
use super::store::{Grant, IssuedCredentials, Principal};

/// The largest page AWS allows since 2026-05.
pub(crate) const MAX_RESULT: usize = 100;
/// The page size when the caller does not ask for one.
pub(crate) const DEFAULT_MAX_RESULT: usize = 20;
/// Where Identity Center puts the roles it provisions for permission sets.
pub(crate) const SSO_ROLE_PATH: &str = "/aws-reserved/sso.amazonaws.com/";

type Reply = Result<Json<Value>, AwsError>;

fn invalid_request(message: impl Into<String>) -> AwsError {
    AwsError::portal(StatusCode::BAD_REQUEST, "InvalidRequestException", message)
}

fn unauthorized() -> AwsError {
    AwsError::portal(
        StatusCode::UNAUTHORIZED,
        "UnauthorizedException",
        "Session token not found or invalid",
    )
}

/// The role Identity Center provisions in an account for a permission set.
pub(crate) fn sso_role_name(account_id: &str, permission_set: &str) -> String {
    let digest = Sha256::digest(format!("{account_id}/{permission_set}").as_bytes());
    format!(
        "AWSReservedSSO_{permission_set}_{}",
        &hex::encode(digest)[..16]
    )
}

fn query(uri: &Uri) -> HashMap<String, String> {
    form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// Checks the bearer token; returns who it belongs to.
fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    now: SystemTime,
) -> Result<(String, Grant), AwsError> {
    let token = headers
        .get("x-amz-sso_bearer_token")
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty())
        .ok_or_else(unauthorized)?;
    let store = shared.store();
    let access = store
        .access_tokens
        .get(token)
        .filter(|t| !t.revoked && now < t.expires_at)
        .ok_or_else(unauthorized)?;
    Ok((token.to_owned(), access.grant.clone()))
}

fn user<'a>(shared: &'a Shared, grant: &Grant) -> Result<&'a User, AwsError> {
    shared
        .org
        .users
        .iter()
        .find(|u| u.name == grant.user)
        .ok_or_else(unauthorized)
}

/// Reads `max_result` and `next_token` into a page window.
fn page_window(params: &HashMap<String, String>) -> Result<(usize, usize), AwsError> {
    let size = match params.get("max_result") {
        None => DEFAULT_MAX_RESULT,
        Some(raw) => {
            let n: usize = raw
                .parse()
                .map_err(|_| invalid_request(format!("max_result {raw:?} is not a number")))?;
            if n == 0 || n > MAX_RESULT {
                return Err(invalid_request(format!(
                    "1 validation error detected: Value '{n}' at 'maxResult' failed to satisfy \
                     constraint: Member must have value less than or equal to {MAX_RESULT}"
                )));
            }
            n
        }
    };
    let offset = match params.get("next_token").filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => decode_token(token).ok_or_else(|| invalid_request("Invalid next token"))?,
    };
    Ok((offset, size))
}

fn encode_token(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("rolecall-emulator:{offset}"))
}

fn decode_token(token: &str) -> Option<usize> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix("rolecall-emulator:")?
        .parse()
        .ok()
}

/// One page of `items` plus `nextToken` when more remain; only the page is built.
/// `endless` (a fault) gives every page a `nextToken`.
fn paged(
    list_key: &str,
    items: impl Iterator<Item = Value>,
    offset: usize,
    size: usize,
    endless: bool,
) -> Value {
    let mut page: Vec<Value> = items.skip(offset).take(size + 1).collect();
    let more = page.len() > size;
    page.truncate(size);
    let mut out = json!({ list_key: page });
    if more || endless {
        out["nextToken"] = Value::String(encode_token(offset + size));
    }
    out
}

pub(crate) async fn list_accounts(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Reply {
    shared.admit(Api::ListAccounts).await?;
    let (_, grant) = authenticate(&shared, &headers, shared.clock.now())?;
    let params = query(&uri);
    let (offset, size) = page_window(&params)?;
    let user = user(&shared, &grant)?;
    let items = shared.org.accounts_for(user).map(|a| {
        let email = a
            .email
            .clone()
            .unwrap_or_else(|| format!("aws+{}@example.com", a.name));
        json!({ "accountId": a.id, "accountName": a.name, "emailAddress": email })
    });
    let endless = shared.faults().endless_page_tokens;
    Ok(Json(paged("accountList", items, offset, size, endless)))
}

fn visible_account<'a>(
    shared: &'a Shared,
    user: &'a User,
    account_id: &str,
) -> Result<&'a super::org::Account, AwsError> {
    shared
        .account(account_id)
        .filter(|a| super::org::user_sees(user, a))
        .ok_or_else(|| {
            AwsError::portal(
                StatusCode::NOT_FOUND,
                "ResourceNotFoundException",
                format!("Account {account_id} not found"),
            )
        })
}

pub(crate) async fn list_account_roles(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Reply {
    shared.admit(Api::ListAccountRoles).await?;
    let (_, grant) = authenticate(&shared, &headers, shared.clock.now())?;
    let params = query(&uri);
    let (offset, size) = page_window(&params)?;
    let account_id = params
        .get("account_id")
        .filter(|a| !a.is_empty())
        .ok_or_else(|| invalid_request("account_id is required"))?;
    let user = user(&shared, &grant)?;
    let account = visible_account(&shared, user, account_id)?;
    let items = shared
        .org
        .roles_for(user, account)
        .map(|role| json!({ "roleName": role, "accountId": account.id }));
    Ok(Json(paged("roleList", items, offset, size, false)))
}

pub(crate) async fn get_role_credentials(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Reply {
    shared.admit(Api::GetRoleCredentials).await?;
    let now = shared.clock.now();
    let (_, grant) = authenticate(&shared, &headers, now)?;
    let params = query(&uri);
    let (Some(role_name), Some(account_id)) = (
        params.get("role_name").filter(|r| !r.is_empty()),
        params.get("account_id").filter(|a| !a.is_empty()),
    ) else {
        return Err(invalid_request("role_name and account_id are required"));
    };
    let user = user(&shared, &grant)?;
    let account = visible_account(&shared, user, account_id)?;
    if !shared.org.roles_for(user, account).any(|r| r == role_name) {
        return Err(AwsError::portal(
            StatusCode::FORBIDDEN,
            "ForbiddenException",
            "No access",
        ));
    }
    let expires_at = now
        + shared
            .clock
            .lifetime(shared.org.permission_set_seconds(role_name));
    let access_key_id = ids::temporary_access_key_id();
    let mut store = shared.store();
    let secret_access_key = store.remember(ids::secret_access_key());
    let session_token = store.remember(ids::session_token());
    store.credentials.insert(
        access_key_id.clone(),
        IssuedCredentials {
            secret_access_key: secret_access_key.clone(),
            session_token: Some(session_token.clone()),
            expires_at: Some(expires_at),
            principal: Principal::AssumedRole {
                account: account.id.clone(),
                role_path: SSO_ROLE_PATH.to_owned(),
                role_name: sso_role_name(&account.id, role_name),
                session_name: user.name.clone(),
            },
            mfa_present: false,
            source_identity: None,
            transitive_tags: Vec::new(),
            tags: Vec::new(),
        },
    );
    tracing::debug!(api = "GetRoleCredentials", account = %account.id, role = %role_name, "role credentials issued");
    Ok(Json(json!({
        "roleCredentials": {
            "accessKeyId": access_key_id,
            "secretAccessKey": secret_access_key,
            "sessionToken": session_token,
            "expiration": if shared.faults().far_future_expiry {
                super::faults::FAR_FUTURE_EPOCH_SECS * 1000
            } else {
                epoch_millis(expires_at)
            },
        }
    })))
}

pub(crate) async fn logout(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
) -> Result<(), AwsError> {
    shared.admit(Api::Logout).await?;
    let (token, grant) = authenticate(&shared, &headers, shared.clock.now())?;
    let mut store = shared.store();
    if let Some(t) = store.access_tokens.get_mut(&token) {
        t.revoked = true;
    }
    for refresh in store.refresh_tokens.values_mut() {
        if refresh.grant == grant {
            refresh.revoked = true;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_tokens_round_trip_and_reject_garbage() {
        assert_eq!(decode_token(&encode_token(300)), Some(300));
        assert_eq!(decode_token("garbage!"), None);
    }

    #[test]
    fn pages_carry_a_token_until_the_end() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let first = paged("l", items.clone().into_iter(), 0, 2, false);
        assert_eq!(first["l"], json!([0, 1]));
        let token = first["nextToken"].as_str().unwrap();
        let offset = decode_token(token).unwrap();
        let last = paged("l", items.into_iter(), offset + 2, 2, false);
        assert_eq!(last["l"], json!([4]));
        assert!(last.get("nextToken").is_none());
    }

    #[test]
    fn sso_role_names_are_stable() {
        let name = sso_role_name("111111111111", "AdministratorAccess");
        assert!(name.starts_with("AWSReservedSSO_AdministratorAccess_"));
        assert_eq!(name, sso_role_name("111111111111", "AdministratorAccess"));
    }
}
