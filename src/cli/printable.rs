//! Standard output that never carries a control character to the terminal.

use std::io::Write;

/// Standard output as the commands write to it: whatever text a case holds (typed
/// before the rules were tightened, or from an older kit) reaches the terminal
/// printable, never as an escape sequence. Line breaks and tabs pass.
pub struct Printable<W: Write> {
    inner: W,
    /// The start of a character cut between two writes.
    pending: Vec<u8>,
}

impl<W: Write> Printable<W> {
    pub fn new(inner: W) -> Printable<W> {
        Printable { inner, pending: Vec::new() }
    }
}

impl<W: Write> Write for Printable<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.pending.is_empty()
            && let Ok(text) = std::str::from_utf8(buf)
        {
            // Whole characters, as nearly every write is: no copy unless one must be replaced.
            self.inner.write_all(crate::domain::printable(text).as_bytes())?;
            return Ok(buf.len());
        }
        self.pending.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(text) => text.len(),
            // An incomplete character at the end waits for the next write.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(e) => e.valid_up_to() + e.error_len().unwrap_or(1),
        };
        let text = String::from_utf8_lossy(&self.pending[..valid]).into_owned();
        self.inner.write_all(crate::domain::printable(&text).as_bytes())?;
        self.pending.drain(..valid);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let rest = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
            self.inner.write_all(crate::domain::printable(&rest).as_bytes())?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Printable<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}
