//! Synthetic identities that obey Hong Kong's rules: HKID numbers with correct check digits, names in
//! HKID style with real Chinese characters and their commercial codes, structured addresses in English
//! and Chinese, phone numbers in valid ranges, e-mail on reserved example domains, the e-ME code
//! tables, and an address-proof e-bill with a real PDF — all in the exact JSON shapes of PROTOCOL §3.1,
//! and all checked by the same rules that validate the personas developers import.
//!
//! Everything here is a pure function of a seed and a date passed in: no clock, no ambient randomness,
//! no I/O, no hash-ordered maps. Identity data, even synthetic, is never logged.

pub mod address;
pub mod address_proof;
pub mod codes;
pub mod date;
pub mod email;
pub mod generator;
pub mod hkid;
pub mod names;
pub mod pdf;
pub mod phone;
pub mod plain_text;
pub mod profile;
pub mod seed;
pub mod validate;

pub use address::{Address, AddressUse};
pub use codes::{EducationLevel, Gender, MaritalStatus, NameVerification, Prefix};
pub use date::CivilDate;
pub use generator::Recipe;
pub use hkid::{IdNumber, hkid_check_digit, is_valid_hkid};
pub use phone::PhoneNumber;
pub use profile::{EmeField, PersonaProfile, ProfileField};
pub use seed::IdentitySeed;
pub use validate::{FieldError, FieldProblem, validate_profile};
