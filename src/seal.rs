//! Secrets sealed at rest: AccessKey secrets are stored encrypted with a server key
//! (ChaCha20-Poly1305, a fresh 96-bit nonce per secret, the AccessKey id as associated data so a
//! sealed secret cannot be moved to another key's row).
//!
//! Stored form: `sealed:v1:<base64 of nonce ‖ ciphertext ‖ tag>`. A value without the prefix is a
//! plaintext secret from before sealing; [`crate::ops::Ops::seal_secrets`] seals those at start.
//!
//! The key is 32 bytes, from `LINKYARD_SEAL_KEY` (base64) or from a key file (base64, one line),
//! by default next to the SQLite database (`<db>.key`), created with mode 0600 on first start.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use std::path::{Path, PathBuf};

/// Prefix of a sealed value (format version 1).
pub const PREFIX: &str = "sealed:v1:";

/// The environment variable holding the key itself (base64 of 32 bytes).
pub const KEY_ENV: &str = "LINKYARD_SEAL_KEY";

const NONCE_LEN: usize = 12;

/// The server key that seals and opens secrets.
#[derive(Clone)]
pub struct SealKey {
    cipher: ChaCha20Poly1305,
    /// Where the key came from, for messages (never the key itself).
    pub source: String,
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealKey({})", self.source)
    }
}

/// A sealed value that does not open with this key (another key, or damaged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unopenable;

impl SealKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32], source: impl Into<String>) -> Self {
        Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&bytes)),
            source: source.into(),
        }
    }

    /// A random key that lives as long as this process (in-memory databases, tests).
    pub fn ephemeral() -> Self {
        Self::from_bytes(rand::random(), "an ephemeral key")
    }

    /// A key from base64 text (surrounding whitespace ignored).
    pub fn from_base64(text: &str, source: impl Into<String>) -> Result<Self, String> {
        let source = source.into();
        let bytes = STANDARD
            .decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| format!("the seal key in {source} must be 32 bytes in base64"))?;
        Ok(Self::from_bytes(bytes, source))
    }

    /// Reads the key file at `path`, or creates it (mode 0600) with a random key when missing.
    pub fn load_or_create(path: &Path) -> Result<Self, String> {
        let source = format!("the key file {}", path.display());
        match std::fs::read_to_string(path) {
            Ok(text) => {
                warn_if_readable_by_others(path);
                Self::from_base64(&text, source)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let bytes: [u8; 32] = rand::random();
                write_new_key_file(path, &format!("{}\n", STANDARD.encode(bytes)))
                    .map_err(|e| format!("cannot create {source}: {e}"))?;
                tracing::info!(path = %path.display(), "created a new seal key file for AccessKey secrets");
                Ok(Self::from_bytes(bytes, source))
            }
            Err(e) => Err(format!("cannot read {source}: {e}")),
        }
    }

    /// The key from `LINKYARD_SEAL_KEY` when set, else from `file`, else from the file next to
    /// the database of `database_url` (`<db>.key`); an in-memory database gets an ephemeral key.
    pub fn configured(database_url: &str, file: Option<&Path>) -> Result<Self, String> {
        if let Ok(text) = std::env::var(KEY_ENV) {
            return Self::from_base64(&text, KEY_ENV);
        }
        match file
            .map(Path::to_path_buf)
            .or_else(|| default_key_file(database_url))
        {
            Some(path) => Self::load_or_create(&path),
            None if crate::store::Backend::of_url(database_url)
                == Some(crate::store::Backend::Postgres) =>
            {
                Err(format!(
                    "a PostgreSQL store needs a secret-sealing key that every replica shares: set {KEY_ENV} \
                     (32 bytes in base64, for example from `openssl rand -base64 32`) or pass --seal-key-file"
                ))
            }
            None => Ok(Self::ephemeral()),
        }
    }

    /// Seals `secret`, bound to `id` (the AccessKey id).
    pub fn seal(&self, id: &str, secret: &str) -> String {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: secret.as_bytes(),
                    aad: id.as_bytes(),
                },
            )
            .expect("ChaCha20-Poly1305 seals any message of this size");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    /// Opens a stored value of `id`: a sealed one with this key, a plaintext one as it is.
    pub fn open(&self, id: &str, stored: &str) -> Result<String, Unopenable> {
        let Some(body) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_string());
        };
        let raw = STANDARD.decode(body).map_err(|_| Unopenable)?;
        if raw.len() < NONCE_LEN {
            return Err(Unopenable);
        }
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: id.as_bytes(),
                },
            )
            .map_err(|_| Unopenable)?;
        String::from_utf8(plain).map_err(|_| Unopenable)
    }
}

/// True for a stored value that is sealed.
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// `<db>.key` for a SQLite file URL (`sqlite://PATH`, `sqlite:PATH`, options after `?` ignored);
/// `None` for an in-memory database.
pub fn default_key_file(database_url: &str) -> Option<PathBuf> {
    let rest = database_url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" || database_url.contains("mode=memory") {
        return None;
    }
    Some(PathBuf::from(format!("{path}.key")))
}

fn write_new_key_file(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "the seal key file is readable by other users; chmod 600 it");
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_bound_to_the_id() {
        let k = SealKey::ephemeral();
        let s = k.seal("LTAI5tExample0001", "very-secret");
        assert!(s.starts_with(PREFIX));
        assert!(!s.contains("very-secret"));
        assert_ne!(s, k.seal("LTAI5tExample0001", "very-secret"), "fresh nonce");
        assert_eq!(k.open("LTAI5tExample0001", &s).unwrap(), "very-secret");
        assert_eq!(k.open("LTAI5tOther000001", &s), Err(Unopenable));
        assert_eq!(
            SealKey::ephemeral().open("LTAI5tExample0001", &s),
            Err(Unopenable)
        );
        assert_eq!(k.open("x", "plain").unwrap(), "plain");
    }

    #[test]
    fn key_files_sit_next_to_the_database() {
        assert_eq!(
            default_key_file("sqlite://data/linkyard.db"),
            Some(PathBuf::from("data/linkyard.db.key"))
        );
        assert_eq!(
            default_key_file("sqlite:///var/lib/ly.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/ly.db.key"))
        );
        assert_eq!(default_key_file("sqlite::memory:"), None);
        assert!(SealKey::from_base64("c2hvcnQ=", "x").is_err());
    }
}
