//! The committed `api-specs/openapi.json` must be exactly what the wire types generate now.

use std::path::Path;

#[test]
fn the_committed_document_matches_the_wire_types() -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let generated = api_specs::document_json()?;
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &generated)?;
        return Ok(());
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "api-specs/openapi.json is stale: a wire type changed without regenerating the document. Run \
         `UPDATE_SNAPSHOTS=1 cargo test -p api-specs` (or `cargo run -p api-specs`) and commit the result."
    );
    Ok(())
}

#[test]
fn the_document_is_openapi_3_1_and_covers_every_api_the_mock_routes()
-> Result<(), Box<dyn std::error::Error>> {
    let document: serde_json::Value = serde_json::from_str(&api_specs::document_json()?)?;
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"]
        .as_object()
        .ok_or("the document has paths")?;
    for path in [
        mock_iamsmart::api::GET_KEY_PATH,
        mock_iamsmart::api::REVOKE_KEY_PATH,
        mock_iamsmart::api::GET_TOKEN_PATH,
        mock_iamsmart::automation::APPROVE_TICKET_PATH,
        mock_iamsmart::automation::REJECT_TICKET_PATH,
        mock_iamsmart::automation::PENDING_TICKETS_PATH,
        "/api/v1/auth/getQR",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    let codes = document["components"]["schemas"]["DCode"]["enum"]
        .as_array()
        .ok_or("DCode is an enumeration")?;
    assert_eq!(codes.len(), mock_iamsmart::DCode::all().len());
    let headers: Vec<&str> = document["paths"]["/api/v1/security/getKey"]["post"]["parameters"]
        .as_array()
        .ok_or("getKey has parameters")?
        .iter()
        .filter(|parameter| parameter["in"] == "header")
        .filter_map(|parameter| parameter["name"].as_str())
        .collect();
    assert_eq!(
        headers,
        [
            "clientID",
            "signatureMethod",
            "timestamp",
            "nonce",
            "signature"
        ]
    );
    Ok(())
}
