//! The static catalogue of regions and zones Linkyard models.

use serde::{Deserialize, Serialize};

/// A region with its zones and the three-letter prefix its resource ids carry (`bp1` for cn-hangzhou).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Region {
    pub id: &'static str,
    pub local_name: &'static str,
    pub id_prefix: &'static str,
    pub zones: &'static [&'static str],
}

/// Every region in the catalogue.
pub const REGIONS: &[Region] = &[
    Region {
        id: "cn-hangzhou",
        local_name: "China (Hangzhou)",
        id_prefix: "bp1",
        zones: &[
            "cn-hangzhou-h",
            "cn-hangzhou-i",
            "cn-hangzhou-j",
            "cn-hangzhou-k",
        ],
    },
    Region {
        id: "cn-shanghai",
        local_name: "China (Shanghai)",
        id_prefix: "uf6",
        zones: &[
            "cn-shanghai-e",
            "cn-shanghai-f",
            "cn-shanghai-g",
            "cn-shanghai-l",
        ],
    },
    Region {
        id: "cn-beijing",
        local_name: "China (Beijing)",
        id_prefix: "2ze",
        zones: &[
            "cn-beijing-g",
            "cn-beijing-h",
            "cn-beijing-i",
            "cn-beijing-k",
        ],
    },
    Region {
        id: "ap-southeast-1",
        local_name: "Singapore",
        id_prefix: "t4n",
        zones: &["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"],
    },
    Region {
        id: "eu-central-1",
        local_name: "Germany (Frankfurt)",
        id_prefix: "gw8",
        zones: &["eu-central-1a", "eu-central-1b", "eu-central-1c"],
    },
    Region {
        id: "us-east-1",
        local_name: "US (Virginia)",
        id_prefix: "0xi",
        zones: &["us-east-1a", "us-east-1b"],
    },
];

/// The region the console opens in.
pub const DEFAULT_REGION: &str = "cn-hangzhou";

/// The region the console opens in for an account that has not chosen one: the first region of
/// the catalogue in which it has anything (`used`), else [`DEFAULT_REGION`].
pub fn home_region<S: AsRef<str>>(used: &[S]) -> &'static str {
    REGIONS
        .iter()
        .find(|r| used.iter().any(|u| u.as_ref() == r.id))
        .map_or(DEFAULT_REGION, |r| r.id)
}

/// Looks a region up by id.
pub fn region(id: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.id == id)
}

/// True when `zone` is one of `region`'s zones.
pub fn zone_in_region(region_id: &str, zone: &str) -> bool {
    region(region_id).is_some_and(|r| r.zones.contains(&zone))
}

/// A region as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionView {
    pub id: String,
    pub local_name: String,
}

/// Every region, ready for a picker.
pub fn region_views() -> Vec<RegionView> {
    REGIONS
        .iter()
        .map(|r| RegionView {
            id: r.id.into(),
            local_name: r.local_name.into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_region_follows_the_catalogue_order() {
        assert_eq!(home_region::<&str>(&[]), DEFAULT_REGION);
        assert_eq!(home_region(&["eu-central-1", "cn-beijing"]), "cn-beijing");
        assert_eq!(home_region(&["us-east-1", "cn-hangzhou"]), "cn-hangzhou");
        assert_eq!(home_region(&["mars-1"]), DEFAULT_REGION);
    }

    #[test]
    fn zones_belong_to_their_region() {
        assert!(zone_in_region("cn-hangzhou", "cn-hangzhou-h"));
        assert!(!zone_in_region("cn-hangzhou", "cn-shanghai-e"));
        assert!(!zone_in_region("nowhere", "cn-hangzhou-h"));
        for r in REGIONS {
            assert_eq!(r.id_prefix.len(), 3);
            assert!(r.zones.iter().all(|z| z.starts_with(r.id)));
        }
    }
}
