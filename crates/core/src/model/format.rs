//! The model file, version 1. Binary, little-endian, read with every length checked against what
//! is left, so a truncated, corrupt or foreign file is an error, never a panic:
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `CHURNMDL` |
//! | 4 | format version (u32), 1 |
//! | 4 | flags (u32): bit 0 set when answers were normalized with accents folded; others 0 |
//! | 4 | classes `K` (u32), 1 to 129 |
//! | 4 | features `F` (u32) |
//! | 1, 1 | shortest and longest character n-gram (3 and 5 in version 1) |
//! | 2 | reserved, 0 |
//! | K × (2 + n) | class labels: length (u16), UTF-8 (reason ids, and `unclassified`) |
//! | K × 4 | bias per class (f32) |
//! | F × (2 + n) | feature keys, sorted by bytes, unique: length (u16), UTF-8 |
//! | F × K × 4 | weights (f32), by feature then class |
//! | 8 | FNV-1a 64 checksum of every byte before it |

use super::features::{CHAR_MAX, CHAR_MIN};
use super::Model;

pub const MAGIC: &[u8; 8] = b"CHURNMDL";
pub const VERSION: u32 = 1;
/// The most classes a model may have: every reason of a taxonomy, and `unclassified`.
pub const MAX_CLASSES: usize = crate::taxonomy::MAX_REASONS + 1;

/// Why bytes are not a model this version can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    NotAModel,
    Version(u32),
    Truncated(&'static str),
    TrailingBytes,
    Checksum,
    Flags(u32),
    Reserved,
    NGrams(u8, u8),
    TooManyClasses(u32),
    BadUtf8(&'static str),
    Shape,
    Unsorted(String),
    DuplicateLabel(String),
    NotFinite,
    Collision(String, String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::NotAModel => write!(f, "not a churn model (no `CHURNMDL` header)"),
            FormatError::Version(v) => write!(
                f,
                "model format version {v}; this churn reads version {VERSION}: retrain it with \
                 `churn train`"
            ),
            FormatError::Truncated(what) => write!(f, "the file ends inside the {what}"),
            FormatError::TrailingBytes => write!(f, "unexpected bytes after the checksum"),
            FormatError::Checksum => write!(f, "checksum mismatch: the file is corrupt"),
            FormatError::Flags(x) => write!(f, "unknown flags {x:#x}"),
            FormatError::Reserved => write!(f, "reserved header bytes are not 0"),
            FormatError::NGrams(a, b) => write!(
                f,
                "character n-grams {a} to {b}; this churn uses {CHAR_MIN} to {CHAR_MAX}"
            ),
            FormatError::TooManyClasses(k) => {
                write!(f, "{k} classes; a model has 1 to {MAX_CLASSES}")
            }
            FormatError::BadUtf8(what) => write!(f, "a {what} is not UTF-8"),
            FormatError::Shape => write!(f, "the weights do not fit the classes and features"),
            FormatError::Unsorted(k) => write!(f, "feature `{k}` is out of order or repeated"),
            FormatError::DuplicateLabel(l) => write!(f, "class `{l}` is listed twice"),
            FormatError::NotFinite => write!(f, "a weight is not a finite number"),
            FormatError::Collision(a, b) => {
                write!(f, "features `{a}` and `{b}` have the same hash")
            }
        }
    }
}

impl std::error::Error for FormatError {}

/// FNV-1a, 64 bits: tiny and the same everywhere.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    // Labels and keys are short (a key is a word or an n-gram of a clipped answer); a longer
    // one is cut at a character boundary rather than written wrong.
    let mut end = s.len().min(u16::MAX as usize);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out.extend_from_slice(&(end as u16).to_le_bytes());
    out.extend_from_slice(&s.as_bytes()[..end]);
}

impl Model {
    /// The model as file bytes (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let k = self.labels.len();
        let mut out = Vec::with_capacity(32 + self.weights.len() * 4 + self.keys.len() * 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&u32::from(self.fold_accents).to_le_bytes());
        out.extend_from_slice(&(k as u32).to_le_bytes());
        out.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        out.extend_from_slice(&[CHAR_MIN as u8, CHAR_MAX as u8, 0, 0]);
        for l in &self.labels {
            put_str(&mut out, l);
        }
        for b in &self.bias {
            out.extend_from_slice(&b.to_le_bytes());
        }
        for key in &self.keys {
            put_str(&mut out, key);
        }
        for w in &self.weights {
            out.extend_from_slice(&w.to_le_bytes());
        }
        let sum = fnv1a(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Read a model file's bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, FormatError> {
        let mut r = Reader(bytes);
        if r.take(8, "header").ok() != Some(&MAGIC[..]) {
            return Err(FormatError::NotAModel);
        }
        let version = r.u32("header")?;
        if version != VERSION {
            return Err(FormatError::Version(version));
        }
        let body = bytes
            .len()
            .checked_sub(8)
            .ok_or(FormatError::Truncated("checksum"))?;
        let stored = u64::from_le_bytes(bytes[body..].try_into().map_err(|_| FormatError::Shape)?);
        if fnv1a(&bytes[..body]) != stored {
            return Err(FormatError::Checksum);
        }
        let mut r = Reader(&bytes[12..body]);
        let flags = r.u32("header")?;
        if flags & !1 != 0 {
            return Err(FormatError::Flags(flags));
        }
        let k = r.u32("header")?;
        if k == 0 || k as usize > MAX_CLASSES {
            return Err(FormatError::TooManyClasses(k));
        }
        let (k, f) = (k as usize, r.u32("header")? as usize);
        let grams = r.take(4, "header")?;
        if (grams[0] as usize, grams[1] as usize) != (CHAR_MIN, CHAR_MAX) {
            return Err(FormatError::NGrams(grams[0], grams[1]));
        }
        if grams[2..] != [0, 0] {
            return Err(FormatError::Reserved);
        }
        let labels = (0..k)
            .map(|_| r.string("class label"))
            .collect::<Result<Vec<_>, _>>()?;
        let bias = r.floats(k, "biases")?;
        // Each key takes at least 2 bytes: a count larger than the rest allows is truncation,
        // found before allocating for it.
        if f > r.0.len() / 2 {
            return Err(FormatError::Truncated("feature keys"));
        }
        let keys = (0..f)
            .map(|_| r.string("feature key"))
            .collect::<Result<Vec<_>, _>>()?;
        let weights = r.floats(f.checked_mul(k).ok_or(FormatError::Shape)?, "weights")?;
        if !r.0.is_empty() {
            return Err(FormatError::TrailingBytes);
        }
        Model::new(labels, flags & 1 == 1, keys, weights, bias)
    }
}

/// A cursor over bytes that checks every length.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], FormatError> {
        if n > self.0.len() {
            return Err(FormatError::Truncated(what));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, FormatError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self, what: &'static str) -> Result<String, FormatError> {
        let len = self.take(2, what)?;
        let len = u16::from_le_bytes([len[0], len[1]]) as usize;
        let body = self.take(len, what)?;
        String::from_utf8(body.to_vec()).map_err(|_| FormatError::BadUtf8(what))
    }

    fn floats(&mut self, n: usize, what: &'static str) -> Result<Vec<f32>, FormatError> {
        let bytes = self.take(n.checked_mul(4).ok_or(FormatError::Shape)?, what)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8]) -> Option<FormatError> {
        Model::from_bytes(bytes).err()
    }

    fn tiny() -> Model {
        Model::new(
            vec!["price".into(), "unclassified".into()],
            true,
            vec!["c:<to".into(), "w:cheap".into()],
            vec![0.5, -0.5, 1.0, -1.0],
            vec![0.0, 0.25],
        )
        .unwrap()
    }

    #[test]
    fn a_model_reads_back_as_written() {
        let bytes = tiny().to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(back.labels(), tiny().labels());
    }

    #[test]
    fn foreign_truncated_and_corrupt_files_are_errors() {
        let bytes = tiny().to_bytes();
        assert_eq!(err(b""), Some(FormatError::NotAModel));
        assert_eq!(err(b"PK\x03\x04 a zip file"), Some(FormatError::NotAModel));
        let mut newer = bytes.clone();
        newer[8] = 2;
        assert_eq!(err(&newer), Some(FormatError::Version(2)));
        let mut flipped = bytes.clone();
        flipped[40] ^= 1;
        assert_eq!(err(&flipped), Some(FormatError::Checksum));
        // Every truncation and every single-byte change is an error or a model, never a panic.
        for cut in 0..bytes.len() {
            assert!(Model::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for at in 0..bytes.len() {
            for x in [1u8, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[at] ^= x;
                let _ = Model::from_bytes(&b);
            }
        }
    }

    /// Bytes with a valid checksum but lying counts: still errors, found before allocating.
    #[test]
    fn lying_counts_behind_a_valid_checksum_are_errors() {
        let resum = |mut b: Vec<u8>| {
            let body = b.len() - 8;
            let sum = fnv1a(&b[..body]);
            b[body..].copy_from_slice(&sum.to_le_bytes());
            b
        };
        let bytes = tiny().to_bytes();
        let mut many = bytes.clone();
        many[20..24].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(err(&resum(many)), Some(FormatError::Truncated(_))));
        let mut classes = bytes.clone();
        classes[16..20].copy_from_slice(&0u32.to_le_bytes());
        assert_eq!(err(&resum(classes)), Some(FormatError::TooManyClasses(0)));
        let mut nan = bytes.clone();
        let w = nan.len() - 8 - 4;
        nan[w..w + 4].copy_from_slice(&f32::NAN.to_le_bytes());
        assert_eq!(err(&resum(nan)), Some(FormatError::NotFinite));
    }
}
