//! Scope names (PROTOCOL §2.1) and the parsing of a requested scope list.
//!
//! Parsing only says which scopes were asked for; whether they are granted is the caller's decision.
//! It must never accept a scope name the protocol does not define, so typos surface as `D20003`.

use crate::codes::ProtocolError;

/// A scope an RP can request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Auth,
    Profiles,
    FormFilling,
    Sign,
    FaceRecognition,
    BulkSign,
    /// `eidapi_sua`, listed only in the sandbox documentation.
    Sua,
}

impl Scope {
    pub const ALL: [Scope; 7] = [
        Scope::Auth,
        Scope::Profiles,
        Scope::FormFilling,
        Scope::Sign,
        Scope::FaceRecognition,
        Scope::BulkSign,
        Scope::Sua,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Auth => "eidapi_auth",
            Scope::Profiles => "eidapi_profiles",
            Scope::FormFilling => "eidapi_formFilling",
            Scope::Sign => "eidapi_sign",
            Scope::FaceRecognition => "eidapi_fr",
            Scope::BulkSign => "eidapi_bulksign",
            Scope::Sua => "eidapi_sua",
        }
    }

    /// The scope with exactly this name (scope names are case-sensitive).
    pub fn from_name(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == name)
    }
}

/// Splits a requested scope list into scopes, in request order and without repeats.
///
/// Names are separated by spaces; a `+` is also accepted as a separator because a caller that forgot
/// to form-decode the query (PROTOCOL §11.9: "spaces encoded as `+`") would otherwise fail, and no scope
/// name contains a `+`.
pub fn parse_scope_list(raw: &str) -> Result<Vec<Scope>, ProtocolError> {
    let mut scopes = Vec::new();
    for name in raw
        .split(|c: char| c == '+' || c.is_ascii_whitespace())
        .filter(|name| !name.is_empty())
    {
        let scope = Scope::from_name(name).ok_or_else(|| ProtocolError::invalid("scope"))?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        return Err(ProtocolError::empty("scope"));
    }
    Ok(scopes)
}

/// The space-delimited wire form of a scope list.
pub fn join_scopes(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|scope| scope.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::DCode;

    #[test]
    fn scope_lists_split_on_spaces_and_plus_signs_and_drop_repeats() {
        let scopes =
            parse_scope_list("eidapi_auth eidapi_profiles+eidapi_formFilling  eidapi_auth")
                .expect("valid list");
        assert_eq!(scopes, [Scope::Auth, Scope::Profiles, Scope::FormFilling]);
        assert_eq!(
            join_scopes(&scopes),
            "eidapi_auth eidapi_profiles eidapi_formFilling"
        );
    }

    #[test]
    fn unknown_or_miscased_scope_names_are_invalid_parameters() {
        let error = parse_scope_list("eidapi_auth eidapi_formfilling").expect_err("miscased");
        assert_eq!(error.code, DCode::InvalidParameter);
        assert_eq!(error.message, "invalid parameter scope");
    }

    #[test]
    fn a_blank_scope_list_is_an_empty_parameter() {
        let error = parse_scope_list(" + ").expect_err("blank");
        assert_eq!(error.code, DCode::EmptyParameter);
    }

    #[test]
    fn every_scope_name_round_trips() {
        for scope in Scope::ALL {
            assert_eq!(Scope::from_name(scope.as_str()), Some(scope));
        }
    }
}
