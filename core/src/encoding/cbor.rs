//! The little of CBOR (RFC 8949) the client reads from a password manager's answer: it walks
//! data items to find where one ends, and reads a map's text keys and byte-string values. It
//! never builds a tree, so a hostile input costs at most one pass over its bytes; nesting is
//! limited to [`MAX_DEPTH`] and every length is checked against the bytes that are there.

/// The deepest nesting the reader follows (WebAuthn's structures nest 3 levels).
pub(crate) const MAX_DEPTH: u8 = 16;

const MAP: u8 = 5;

/// The head of a data item: major type and argument, or an indefinite length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    Definite(u8, u64),
    Indefinite(u8),
    Break,
}

/// Reads data items one after the other from a byte slice.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    /// How many bytes have been read.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Whether every byte has been read.
    pub(crate) fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    fn take(&mut self, n: u64) -> Option<&'a [u8]> {
        let n = usize::try_from(n).ok()?;
        let end = self.pos.checked_add(n)?;
        let taken = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(taken)
    }

    fn head(&mut self) -> Option<Head> {
        let initial = *self.take(1)?.first()?;
        let (major, info) = (initial >> 5, initial & 0x1f);
        let argument = match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.take(1)?[0]),
            25 => u64::from(u16::from_be_bytes(self.take(2)?.try_into().ok()?)),
            26 => u64::from(u32::from_be_bytes(self.take(4)?.try_into().ok()?)),
            27 => u64::from_be_bytes(self.take(8)?.try_into().ok()?),
            31 if major == 7 => return Some(Head::Break),
            // Indefinite lengths exist for strings, arrays and maps only.
            31 if (2..=5).contains(&major) => return Some(Head::Indefinite(major)),
            _ => return None,
        };
        Some(Head::Definite(major, argument))
    }

    /// Skip one whole data item, checking that it is well formed.
    pub(crate) fn skip(&mut self) -> Option<()> {
        self.skip_at(0)
    }

    fn skip_at(&mut self, depth: u8) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.head()? {
            Head::Definite(0 | 1 | 7, _) => Some(()),
            Head::Definite(2 | 3, len) => self.take(len).map(drop),
            Head::Definite(4, n) => (0..n).try_for_each(|_| self.skip_at(depth + 1)),
            Head::Definite(MAP, n) => (0..n).try_for_each(|_| {
                self.skip_at(depth + 1)?;
                self.skip_at(depth + 1)
            }),
            // A tag, then the item it tags.
            Head::Definite(_, _) => self.skip_at(depth + 1),
            Head::Indefinite(major) => loop {
                if self.peek_break() {
                    return Some(());
                }
                match major {
                    // Chunks of a string are definite strings of the same type.
                    2 | 3 => match self.head()? {
                        Head::Definite(m, len) if m == major => self.take(len).map(drop)?,
                        _ => return None,
                    },
                    MAP => {
                        self.skip_at(depth + 1)?;
                        self.skip_at(depth + 1)?
                    }
                    _ => self.skip_at(depth + 1)?,
                }
            },
            Head::Break => None,
        }
    }

    /// Consume a "break" if one is next.
    fn peek_break(&mut self) -> bool {
        if self.bytes.get(self.pos) == Some(&0xff) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Skip one data item that must be a map.
    pub(crate) fn skip_map(&mut self) -> Option<()> {
        let start = self.pos;
        let major = self.head()?;
        self.pos = start;
        matches!(major, Head::Definite(MAP, _) | Head::Indefinite(MAP)).then_some(())?;
        self.skip()
    }

    /// Read a map of definite length whose keys are read with `visit(key, value reader)`: the
    /// visitor reads the value it wants and returns `Some(true)`, or `Some(false)` to have it
    /// skipped. The whole map is checked.
    pub(crate) fn map_entries(
        &mut self,
        mut visit: impl FnMut(MapKey<'a>, &mut Self) -> Option<bool>,
    ) -> Option<()> {
        let Head::Definite(MAP, n) = self.head()? else {
            return None;
        };
        for _ in 0..n {
            let key_start = self.pos;
            let key = match self.head()? {
                Head::Definite(3, len) => MapKey::Text(self.take(len)?),
                _ => {
                    self.pos = key_start;
                    self.skip_at(1)?;
                    MapKey::Other
                }
            };
            if !visit(key, self)? {
                self.skip_at(1)?;
            }
        }
        Some(())
    }

    /// Read a byte string of definite length.
    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        match self.head()? {
            Head::Definite(2, len) => self.take(len),
            _ => None,
        }
    }
}

/// A map key as [`Reader::map_entries`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MapKey<'a> {
    /// A text key (its UTF-8 bytes, unchecked).
    Text(&'a [u8]),
    /// Any other key.
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skips_exactly(bytes: &[u8]) -> bool {
        let mut reader = Reader::new(bytes);
        reader.skip().is_some() && reader.at_end()
    }

    #[test]
    fn well_formed_items_are_skipped_whole() {
        for item in [
            &[0x00][..],                                 // 0
            &[0x38, 0x63],                               // -100
            &[0x1b, 0, 0, 0, 0, 0, 0, 0, 1],             // 1 in 8 bytes
            &[0x43, 1, 2, 3],                            // h'010203'
            &[0x62, b'h', b'i'],                         // "hi"
            &[0x82, 0x01, 0x82, 0x02, 0x03],             // [1, [2, 3]]
            &[0xa2, 0x01, 0x02, 0x61, b'a', 0x40],       // {1: 2, "a": h''}
            &[0xc2, 0x41, 0x01],                         // tag 2 (bignum) h'01'
            &[0xf5],                                     // true
            &[0xfb, 0, 0, 0, 0, 0, 0, 0, 0],             // 0.0 as a double
            &[0x5f, 0x41, 0x01, 0x42, 0x02, 0x03, 0xff], // indefinite byte string
            &[0xbf, 0x61, b'a', 0x01, 0xff],             // indefinite map
            &[0x9f, 0x01, 0x9f, 0xff, 0xff],             // indefinite arrays
        ] {
            assert!(skips_exactly(item), "{item:02x?}");
        }
    }

    #[test]
    fn malformed_items_are_refused_without_panic() {
        for bad in [
            &[][..],
            &[0x18],                                                 // argument byte missing
            &[0x44, 1, 2],                                           // 4 bytes announced, 2 there
            &[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // 2^64 - 1 bytes announced
            &[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // 2^64 - 1 items announced
            &[0xa1, 0x01],                                           // a map's value missing
            &[0x1c],                   // reserved additional information
            &[0x1f],                   // indefinite unsigned integer
            &[0xff],                   // a break outside an indefinite item
            &[0x5f, 0x61, b'a', 0xff], // a text chunk in a byte string
            &[0x9f, 0x01],             // indefinite array without its break
        ] {
            let mut reader = Reader::new(bad);
            assert!(reader.skip().is_none(), "{bad:02x?}");
        }
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused() {
        let deep = |levels: usize| {
            let mut bytes = vec![0x81; levels];
            bytes.push(0x00);
            bytes
        };
        assert!(skips_exactly(&deep(usize::from(MAX_DEPTH))));
        assert!(
            Reader::new(&deep(usize::from(MAX_DEPTH) + 1))
                .skip()
                .is_none()
        );
        // Far deeper than any stack would allow, were it followed.
        assert!(Reader::new(&deep(1_000_000)).skip().is_none());
    }

    #[test]
    fn map_entries_gives_text_keys_and_skips_the_rest() {
        // {"fmt": "none", 1: 2, "authData": h'0102'}
        let bytes = [
            0xa3, 0x63, b'f', b'm', b't', 0x64, b'n', b'o', b'n', b'e', 0x01, 0x02, 0x68, b'a',
            b'u', b't', b'h', b'D', b'a', b't', b'a', 0x42, 0x01, 0x02,
        ];
        let mut reader = Reader::new(&bytes);
        let mut keys = Vec::new();
        let mut auth_data = None;
        reader
            .map_entries(|key, value| {
                keys.push(key);
                if key == MapKey::Text(b"authData") {
                    auth_data = Some(value.bytes()?);
                    return Some(true);
                }
                Some(false)
            })
            .unwrap();
        assert!(reader.at_end());
        assert_eq!(auth_data, Some(&[1u8, 2][..]));
        assert_eq!(
            keys,
            [
                MapKey::Text(b"fmt"),
                MapKey::Other,
                MapKey::Text(b"authData")
            ]
        );
        // Not a map, or a map cut short: refused.
        assert!(
            Reader::new(&[0x80])
                .map_entries(|_, _| Some(false))
                .is_none()
        );
        assert!(
            Reader::new(&bytes[..20])
                .map_entries(|_, _| Some(false))
                .is_none()
        );
    }
}
