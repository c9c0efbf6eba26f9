//! The reference relying party (BRIEF §4).
