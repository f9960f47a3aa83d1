//! Little-endian primitive writer used by the artifact writer and the policy hash.

/// Appends primitives to a byte buffer. Integers are little-endian, strings are a `u32` byte
/// length followed by UTF-8, and lists are a `u32` count followed by the items.
#[derive(Default)]
pub(crate) struct ByteWriter {
    pub(crate) bytes: Vec<u8>,
}

impl ByteWriter {
    /// Starts an empty buffer with room for `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> ByteWriter {
        ByteWriter { bytes: Vec::with_capacity(capacity) }
    }

    pub(crate) fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub(crate) fn u16(&mut self, value: u16) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    pub(crate) fn u32(&mut self, value: u32) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    pub(crate) fn i64(&mut self, value: i64) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    pub(crate) fn f64(&mut self, value: f64) {
        self.bytes.extend_from_slice(&value.to_bits().to_le_bytes());
    }

    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    /// Writes a length or count as `u32`, saturating at `u32::MAX`, because no bundle comes near 4 GiB.
    pub(crate) fn len(&mut self, len: usize) {
        self.u32(u32::try_from(len).unwrap_or(u32::MAX));
    }

    pub(crate) fn str(&mut self, value: &str) {
        self.len(value.len());
        self.raw(value.as_bytes());
    }

    pub(crate) fn opt_str(&mut self, value: Option<&str>) {
        match value {
            Some(text) => {
                self.u8(1);
                self.str(text);
            }
            None => self.u8(0),
        }
    }

    pub(crate) fn strs(&mut self, values: &[String]) {
        self.len(values.len());
        for value in values {
            self.str(value);
        }
    }

    /// Writes what `write` appends, preceded by its byte length as `u32` (saturating like
    /// [`ByteWriter::len`]). The length is patched in afterwards, so nothing is copied.
    pub(crate) fn len_prefixed(&mut self, write: impl FnOnce(&mut ByteWriter)) {
        let at = self.bytes.len();
        self.u32(0);
        write(self);
        let len = self.bytes.len() - at - 4;
        self.patch_u32(at, u32::try_from(len).unwrap_or(u32::MAX));
    }

    /// Overwrites the four bytes at `at` with `value`, little-endian. Offsets outside the
    /// buffer are ignored, because callers only patch placeholders they wrote.
    pub(crate) fn patch_u32(&mut self, at: usize, value: u32) {
        self.patch(at, &value.to_le_bytes());
    }

    /// Overwrites the bytes at `at` with `bytes`. Offsets outside the buffer are ignored, as
    /// in [`ByteWriter::patch_u32`].
    pub(crate) fn patch(&mut self, at: usize, bytes: &[u8]) {
        if let Some(slot) = self.bytes.get_mut(at..at + bytes.len()) {
            slot.copy_from_slice(bytes);
        }
    }

    /// Writes a section: a 4-byte tag, the payload length as `u32`, then the payload that
    /// `write` appends.
    pub(crate) fn section(&mut self, tag: [u8; 4], write: impl FnOnce(&mut ByteWriter)) {
        self.raw(&tag);
        self.len_prefixed(write);
    }
}
