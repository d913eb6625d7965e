//! The sandbox CA checked by tools nobody here wrote: `openssl verify` chains persona certificates to
//! the sandbox root and finds revoked ones on the CRL, `openssl dgst`/`pkeyutl` verify hash signatures,
//! `openssl cms` and poppler's `pdfsig` verify detached PKCS#7 signatures of PDFs.
//!
//! The tests need `openssl` and `pdfsig` (Debian `poppler-utils`; `cargo xtask test` installs it) and
//! fail with that advice when they are missing. They write only into their own temporary directory.

mod chain;
mod pdf;
mod tools;
