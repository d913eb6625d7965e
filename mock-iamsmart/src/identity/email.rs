//! E-mail addresses for personas, on reserved example domains only (RFC 2606 / RFC 6761:
//! `example.com`, `example.org`, `example.net` and anything under the `.example` top-level domain), so
//! that no sandbox can ever send mail to, or look like, a real mailbox.
//!
//! Validation applies the same rule to personas developers import: a real-looking domain is refused.
//! This module must never log an address.

use super::names::PersonName;
use super::seed::Draw;
use super::validate::FieldProblem;

/// The domains the generator uses.
pub const GENERATED_DOMAINS: [&str; 5] = [
    "example.com",
    "example.org",
    "example.net",
    "mail.example",
    "inbox.example",
];

/// The longest address accepted (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Whether `domain` is reserved for examples: `example.com`, `example.org`, `example.net` or a name
/// under one of them, or a name under the `.example` top-level domain.
pub fn is_reserved_example_domain(domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    ["example.com", "example.org", "example.net"]
        .iter()
        .any(|reserved| domain == *reserved || domain.ends_with(&format!(".{reserved}")))
        || (domain.ends_with(".example") && domain.len() > ".example".len())
}

/// Checks an address: `local@domain`, plain ASCII, a dotted domain of letters, digits and hyphens, and
/// a reserved example domain.
pub fn check_email(address: &str) -> Result<(), (FieldProblem, &'static str)> {
    let malformed = |message| Err((FieldProblem::Malformed, message));
    if address.len() > MAX_EMAIL_CHARS {
        return malformed("is longer than 254 characters");
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return malformed("must look like name@domain");
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    if !local_ok {
        return malformed("has a local part (before @) that is not a plain ASCII mailbox name");
    }
    let domain_ok = domain.split('.').count() >= 2
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !domain_ok {
        return malformed("has a domain that is not a valid host name");
    }
    if !is_reserved_example_domain(domain) {
        return Err((
            FieldProblem::DomainNotReserved,
            "must use a reserved example domain (example.com, example.org, example.net or *.example)",
        ));
    }
    Ok(())
}

/// An address built from the persona's English name, such as `taiman.chan88@example.com`.
pub fn generate(draw: &mut Draw, name: &PersonName) -> String {
    let (surname, given) = name
        .english
        .split_once(", ")
        .unwrap_or((name.english.as_str(), ""));
    let squash = |part: &str| -> String {
        part.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    // Long names make unwieldy mailboxes; people shorten them, and so does the generator.
    let given: String = squash(given).chars().take(16).collect();
    let surname: String = squash(surname).chars().take(16).collect();
    let separator = *draw.pick(&[".", "_", ""]).unwrap_or(&".");
    let local = match (given.is_empty(), surname.is_empty()) {
        (false, false) => format!("{given}{separator}{surname}"),
        (true, false) => surname,
        (false, true) => given,
        (true, true) => "persona".to_owned(),
    };
    let suffix = if draw.chance(60) {
        draw.between(1, 99).to_string()
    } else {
        String::new()
    };
    let domain = *draw.pick(&GENERATED_DOMAINS).unwrap_or(&"example.com");
    format!("{local}{suffix}@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::seed::IdentitySeed;

    #[test]
    fn only_reserved_example_domains_are_accepted() {
        for good in [
            "taiman.chan@example.com",
            "a@example.org",
            "a@EXAMPLE.NET",
            "a@mail.example",
            "a@sub.example.com",
        ] {
            assert_eq!(check_email(good), Ok(()), "{good}");
        }
        assert_eq!(
            check_email("a@gmail.com").map_err(|(problem, _)| problem),
            Err(FieldProblem::DomainNotReserved)
        );
        for real in [
            "a@gmail.com",
            "a@example.com.hk",
            "a@notexample.com",
            "a@myexample.com",
            "a@example",
            "a@.example",
        ] {
            assert!(check_email(real).is_err(), "{real}");
        }
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for bad in [
            "",
            "no-at-sign",
            "@example.com",
            "a..b@example.com",
            ".a@example.com",
            "a b@example.com",
            "陳@example.com",
            "a@-x.example",
            "a@exa_mple.com",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(check_email(&long).is_err());
    }

    #[test]
    fn generated_addresses_are_on_reserved_domains_and_valid() {
        let names = [
            "CHAN, Tai Man",
            "AU YEUNG, Ka Lok",
            "O'BRIEN, Sean",
            "VAN DER WESTHUIZEN-FERNANDES DE ALBUQUERQUE, Maximilian Alexander Christopher Jonathan",
            "SITI",
        ];
        for seed in 0..50u8 {
            for english in names {
                let name = PersonName {
                    english: english.to_owned(),
                    chinese: None,
                };
                let mut draw = IdentitySeed::new([seed; 32]).draw("email");
                let address = generate(&mut draw, &name);
                assert_eq!(check_email(&address), Ok(()), "{address}");
            }
        }
    }
}
