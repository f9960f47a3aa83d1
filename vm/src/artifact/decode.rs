//! Bounds-checked little-endian reader; every read that would pass the end is a
//! [`LoadError::Truncated`] naming what was being read.

use crate::error::LoadError;

pub(crate) struct ByteReader<'a> {
    bytes: &'a [u8],
    /// Offset of `bytes[0]` inside the whole artifact, for error messages.
    base: usize,
    pos: usize,
}

impl<'a> ByteReader<'a> {
    pub(crate) fn new(bytes: &'a [u8], base: usize) -> ByteReader<'a> {
        ByteReader { bytes, base, pos: 0 }
    }

    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub(crate) fn take(&mut self, count: usize, context: &str) -> Result<&'a [u8], LoadError> {
        self.take_with(count, || context.to_string())
    }

    /// Reads `count` bytes like [`ByteReader::take`], but builds the context text only when the
    /// read fails.
    pub(crate) fn take_with(&mut self, count: usize, context: impl FnOnce() -> String) -> Result<&'a [u8], LoadError> {
        let end = self.pos.checked_add(count);
        match end.and_then(|end| self.bytes.get(self.pos..end)) {
            Some(slice) => {
                self.pos += count;
                Ok(slice)
            }
            None => Err(LoadError::Truncated {
                context: context(),
                offset: self.offset(),
                needed: count,
                available: self.bytes.len().saturating_sub(self.pos),
            }),
        }
    }

    fn array<const N: usize>(&mut self, context: &str) -> Result<[u8; N], LoadError> {
        let slice = self.take(N, context)?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, context: &str) -> Result<u8, LoadError> {
        Ok(u8::from_le_bytes(self.array(context)?))
    }

    pub(crate) fn u16(&mut self, context: &str) -> Result<u16, LoadError> {
        Ok(u16::from_le_bytes(self.array(context)?))
    }

    pub(crate) fn u32(&mut self, context: &str) -> Result<u32, LoadError> {
        Ok(u32::from_le_bytes(self.array(context)?))
    }

    /// Reads a `u32` like [`ByteReader::u32`], but builds the context text only when the read
    /// fails.
    pub(crate) fn u32_with(&mut self, context: impl FnOnce() -> String) -> Result<u32, LoadError> {
        let mut out = [0u8; 4];
        out.copy_from_slice(self.take_with(4, context)?);
        Ok(u32::from_le_bytes(out))
    }

    pub(crate) fn i64(&mut self, context: &str) -> Result<i64, LoadError> {
        Ok(i64::from_le_bytes(self.array(context)?))
    }

    pub(crate) fn f64(&mut self, context: &str) -> Result<f64, LoadError> {
        Ok(f64::from_bits(u64::from_le_bytes(self.array(context)?)))
    }

    pub(crate) fn hash(&mut self, context: &str) -> Result<[u8; 32], LoadError> {
        self.array(context)
    }

    /// Reads a `u32` count and checks that at least `count * min_item` bytes remain, so a
    /// forged count cannot make the reader reserve huge vectors.
    pub(crate) fn count(&mut self, min_item: usize, context: &str) -> Result<usize, LoadError> {
        let count = self.u32(context)? as usize;
        let remaining = self.bytes.len().saturating_sub(self.pos);
        if count.saturating_mul(min_item) > remaining {
            return Err(LoadError::Truncated {
                context: format!("{context} ({count} items)"),
                offset: self.offset(),
                needed: count.saturating_mul(min_item),
                available: remaining,
            });
        }
        Ok(count)
    }

    pub(crate) fn bool(&mut self, context: &str) -> Result<bool, LoadError> {
        let offset = self.offset();
        match self.u8(context)? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(malformed(offset, format!("{context}: flag byte {other} is neither 0 nor 1"))),
        }
    }

    pub(crate) fn str(&mut self, context: &str) -> Result<String, LoadError> {
        let len = self.u32(context)? as usize;
        let offset = self.offset();
        let bytes = self.take(len, context)?;
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_string()),
            Err(_) => Err(malformed(offset, format!("{context} is not valid UTF-8"))),
        }
    }

    pub(crate) fn opt_str(&mut self, context: &str) -> Result<Option<String>, LoadError> {
        match self.bool(context)? {
            true => Ok(Some(self.str(context)?)),
            false => Ok(None),
        }
    }

    pub(crate) fn strs(&mut self, context: &str) -> Result<Vec<String>, LoadError> {
        let count = self.count(4, context)?;
        (0..count).map(|_| self.str(context)).collect()
    }

    /// Fails unless every byte was consumed.
    pub(crate) fn finish(&self, context: &str) -> Result<(), LoadError> {
        if self.is_empty() {
            return Ok(());
        }
        let extra = self.bytes.len().saturating_sub(self.pos);
        Err(malformed(self.offset(), format!("{extra} unexpected bytes after {context}")))
    }
}

pub(crate) fn malformed(offset: usize, reason: String) -> LoadError {
    LoadError::Malformed { offset, reason }
}
