//! A relying-party client for the iAM Smart API (work in progress: being written in this session).
