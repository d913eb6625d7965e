//! Demo Bank, the reference relying party (work in progress: being written in this session).
