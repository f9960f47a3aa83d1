//! The byte layout of a bundle artifact (format version 2). All integers are little-endian.
//!
//! ```text
//! offset  size  field
//! 0       8     magic "RGBUNDLE"
//! 8       2     format version (u16), currently 2
//! 10      2     flags (u16), always 0
//! 12      4     total artifact length in bytes (u32), header included
//! 16      32    artifact SHA-256 over bytes 0..16 followed by bytes 48..end
//! 48      ...   sections, in this order: META, SIGS, CNST, POLS, SRCS
//! ```
//!
//! Each section is a 4-byte ASCII tag, a `u32` payload length and the payload. Inside payloads a
//! string is a `u32` byte length and UTF-8 bytes; a list is a `u32` count and the items; an
//! optional value is a `u8` flag (0 absent, 1 present) and the value.
//!
//! - `META`: compiler version (string), bundle hash (32 raw bytes).
//! - `SIGS`: count, then per signal: name (string), type tag (`u8`: 0 bool, 1 int, 2 number,
//!   3 string, 4 enum, 5 list<string>, 6 list<int>), for an enum its values (list of strings),
//!   and `required` (`u8`).
//! - `CNST`: count, then per constant a tag (`u8`) and payload: 0 bool (`u8`), 1 int (`i64`),
//!   2 number (`f64` bits), 3 string, 4 string set, 5 int set (count + `i64`s), 6 number set
//!   (count + `f64` bits), 7 bool set (count + `u8`s). Sets are sorted and free of duplicates.
//! - `POLS`: count, then per policy its record (see `codec::write_policy`) followed by its
//!   32-byte policy hash.
//! - `SRCS`: one entry per policy, in policy order: optional (file string, start `u32`,
//!   end `u32`, line `u32`).

pub const MAGIC: [u8; 8] = *b"RGBUNDLE";
pub const FORMAT_VERSION: u16 = 2;
pub const HEADER_LEN: usize = 48;
/// Offset of the total artifact length (`u32`) in the header.
pub const LENGTH_OFFSET: usize = 12;
pub const HASH_RANGE: std::ops::Range<usize> = 16..48;

pub const SECTION_META: [u8; 4] = *b"META";
pub const SECTION_SIGNALS: [u8; 4] = *b"SIGS";
pub const SECTION_CONSTANTS: [u8; 4] = *b"CNST";
pub const SECTION_POLICIES: [u8; 4] = *b"POLS";
pub const SECTION_SOURCES: [u8; 4] = *b"SRCS";

/// The sections every artifact holds, in file order.
pub const SECTION_ORDER: [[u8; 4]; 5] =
    [SECTION_META, SECTION_SIGNALS, SECTION_CONSTANTS, SECTION_POLICIES, SECTION_SOURCES];
