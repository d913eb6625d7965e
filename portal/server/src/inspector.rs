//! The request inspector's store: one row per API request a sandbox answered, so its developers can see what
//! their integration sent and why it failed, in plain words.
//!
//! Rows hold the method, path, HTTP status, D-code, the protocol's message and the latency, and the request body
//! and response content as the sandbox's guest showed them: decrypted, with secrets, tokens, codes, identity
//! numbers and names masked, at most 4 KiB of JSON each (`mock_iamsmart::inspect`, checked by the runtime). Raw
//! bodies, headers and query strings are never stored — they carry signatures, codes and tokens. Each sandbox
//! keeps about its newest [`KEPT_PER_SANDBOX`] rows. Reading goes through the console, which checks membership
//! first; each recorded row is also pushed to open consoles through [`crate::live`].

use sqlx::{AnyPool, Row};

use crate::live::{LiveEvent, LiveFeed};

/// How many requests each sandbox keeps.
pub const KEPT_PER_SANDBOX: i64 = 500;

/// One request as the inspector shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// Empty for rows recorded before requests had IDs.
    pub request_id: String,
    pub logged_at_ms: i64,
    pub method: String,
    pub path: String,
    pub http_status: i64,
    pub code: String,
    pub message: String,
    pub latency_us: i64,
    /// The masked, decrypted request body (JSON), when the sandbox showed one.
    pub request_json: Option<String>,
    /// The masked, decrypted response content (JSON), when the answer carried one.
    pub response_json: Option<String>,
}

/// Which requests to list: paths containing `path`, exactly `code`, exactly `http_status`; empty or zero fields
/// match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestFilter {
    pub path: String,
    pub code: String,
    pub http_status: i64,
}

/// Where requests are recorded and announced.
#[derive(Clone)]
pub struct Inspector {
    pub pool: AnyPool,
    pub live: LiveFeed,
}

/// One insert in this many also trims the sandbox's log, so trimming is not a second write on every request; the
/// log may briefly hold a few dozen rows more than [`KEPT_PER_SANDBOX`].
const TRIM_EVERY: u32 = 32;

/// Stores one request, tells open consoles about it and, now and then, trims the sandbox's log to its newest
/// rows.
pub async fn record(
    inspector: &Inspector,
    sandbox_id: &str,
    request: &RequestRecord,
) -> Result<(), sqlx::Error> {
    let pool = &inspector.pool;
    sqlx::query(
        "INSERT INTO request_log (sandbox_id, logged_at_ms, method, path, http_status, code, message, latency_us, \
         request_id, request_json, response_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(sandbox_id)
    .bind(request.logged_at_ms)
    .bind(&request.method)
    .bind(&request.path)
    .bind(request.http_status)
    .bind(&request.code)
    .bind(&request.message)
    .bind(request.latency_us)
    .bind(&request.request_id)
    .bind(&request.request_json)
    .bind(&request.response_json)
    .execute(pool)
    .await?;
    let event = LiveEvent {
        sandbox_id: sandbox_id.to_owned(),
        request_id: request.request_id.clone(),
        logged_at_ms: request.logged_at_ms,
        method: request.method.clone(),
        path: request.path.clone(),
        http_status: request.http_status,
        code: request.code.clone(),
        message: request.message.clone(),
        latency_us: request.latency_us,
    };
    if let Err(error) = inspector.live.publish(pool, event).await {
        // The row is stored; consoles see it on their next refresh.
        tracing::warn!(error = %error, "could not announce a recorded request");
    }
    if !rand::random::<u32>().is_multiple_of(TRIM_EVERY) {
        return Ok(());
    }
    sqlx::query(
        "DELETE FROM request_log WHERE sandbox_id = $1 AND logged_at_ms < (\
         SELECT logged_at_ms FROM request_log WHERE sandbox_id = $1 \
         ORDER BY logged_at_ms DESC LIMIT 1 OFFSET $2)",
    )
    .bind(sandbox_id)
    .bind(KEPT_PER_SANDBOX)
    .execute(pool)
    .await?;
    Ok(())
}

/// The columns every read selects, as a literal so queries stay `&'static str` (sqlx's SQL-injection guard).
macro_rules! columns {
    () => {
        "logged_at_ms, method, path, http_status, code, message, latency_us, request_id, request_json, response_json"
    };
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<RequestRecord, sqlx::Error> {
    Ok(RequestRecord {
        request_id: row
            .try_get::<Option<String>, _>("request_id")?
            .unwrap_or_default(),
        logged_at_ms: row.try_get("logged_at_ms")?,
        method: row.try_get("method")?,
        path: row.try_get("path")?,
        http_status: row.try_get("http_status")?,
        code: row.try_get("code")?,
        message: row.try_get("message")?,
        latency_us: row.try_get("latency_us")?,
        request_json: row.try_get("request_json")?,
        response_json: row.try_get("response_json")?,
    })
}

/// The sandbox's newest requests that match `filter`, newest first.
pub async fn recent(
    pool: &AnyPool,
    sandbox_id: &str,
    filter: &RequestFilter,
    limit: i64,
) -> Result<Vec<RequestRecord>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM request_log WHERE sandbox_id = $1 \
         AND ($2 = '' OR path LIKE '%' || $2 || '%') AND ($3 = '' OR code = $3) AND ($4 = 0 OR http_status = $4) \
         ORDER BY logged_at_ms DESC LIMIT $5"
    ))
    .bind(sandbox_id)
    .bind(&filter.path)
    .bind(&filter.code)
    .bind(filter.http_status)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(from_row).collect()
}

/// One request of the sandbox, by its ID.
pub async fn one(
    pool: &AnyPool,
    sandbox_id: &str,
    request_id: &str,
) -> Result<Option<RequestRecord>, sqlx::Error> {
    if request_id.is_empty() {
        return Ok(None);
    }
    let row = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM request_log WHERE sandbox_id = $1 AND request_id = $2"
    ))
    .bind(sandbox_id)
    .bind(request_id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}
/// What a D-code usually means for the developer who got it, and what to do.
pub fn explain(code: &str) -> &'static str {
    match code {
        "D00000" => "Success.",
        "D20001" => {
            "A required parameter is missing: send clientID, signatureMethod, timestamp, nonce and signature as headers."
        }
        "D20002" => "A parameter is present but empty.",
        "D20003" => {
            "A parameter has the wrong form (for example a timestamp not in epoch milliseconds, more than 5 minutes from now, or a nonce longer than 36 characters)."
        }
        "D20004" => {
            "Duplicated request: this nonce was used before, or the timestamp is earlier than your previous request's. Use a fresh nonce every time."
        }
        "D20005" => "Unsupported signature method: send signatureMethod HmacSHA256.",
        "D20006" => {
            "Signature mismatch: sign clientID + signatureMethod + timestamp + nonce + the raw body with HMAC-SHA256 and your client secret, Base64-encode it, then URL-encode the Base64."
        }
        "D20007" => "Unsupported source value.",
        "D20008" => {
            "The redirect URI is not on this sandbox's allow-list (exact match, including the path and trailing slash)."
        }
        "D20015" => "A requested scope is not granted to this sandbox.",
        "D30002" => {
            "The content encryption key (CEK) is missing or expired: call getKey again and retry."
        }
        "D30004" => {
            "Decryption failed: encrypt with the CEK from your latest getKey, AES-256-GCM with a 12-byte IV, as [IV length][IV][ciphertext+tag] in Base64."
        }
        "D40004" => {
            "The authorisation code does not exist, was already used, or expired (codes live 60 seconds and work once)."
        }
        "D99990" => "There is no API at this path and method.",
        "D99992" => "Authorisation failed: no sandbox has this client ID.",
        "D20000" => "The sandbox could not process the request; see the message.",
        _ => "See the error code table in the guides.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_mistakes_are_explained_in_plain_words() {
        assert!(explain("D20006").contains("URL-encode"));
        assert!(explain("D30002").contains("getKey"));
        assert!(explain("D99999").contains("guides"));
    }
}
