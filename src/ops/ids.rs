//! Resource ids in Alibaba Cloud's formats: `<kind>-<region prefix><17 random lower-case chars>`.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::{Arc, Mutex};

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A source of ids: random in production, seeded in tests and demos for repeatable ids.
#[derive(Clone)]
pub struct IdGen(Arc<Mutex<StdRng>>);

impl IdGen {
    pub fn random() -> Self {
        Self(Arc::new(Mutex::new(StdRng::from_os_rng())))
    }

    pub fn seeded(seed: u64) -> Self {
        Self(Arc::new(Mutex::new(StdRng::seed_from_u64(seed))))
    }

    /// `kind-` + the region prefix + random characters, 20 characters after the dash.
    pub fn make(&self, kind: &str, region_prefix: &str) -> String {
        let mut rng = self.0.lock().expect("id generator poisoned");
        let tail: String = (0..20 - region_prefix.len())
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        format!("{kind}-{region_prefix}{tail}")
    }

    /// `kind-` + 20 random characters (ids not tied to a region, such as resource groups).
    pub fn plain(&self, kind: &str) -> String {
        self.make(kind, "")
    }
}

/// A request id in the cloud's upper-case UUID form.
pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string().to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_alibaba_shape() {
        let g = IdGen::seeded(7);
        let id = g.make("epsrv", "bp1");
        assert!(id.starts_with("epsrv-bp1"));
        assert_eq!(id.len(), "epsrv-".len() + 20);
        assert!(
            id[6..]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert_eq!(
            IdGen::seeded(7).make("epsrv", "bp1"),
            id,
            "seeded ids repeat"
        );
        assert_eq!(request_id().len(), 36);
    }
}
