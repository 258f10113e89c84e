//! The console's optional basemap: what its map draws under the desa polygons ([`describe`]),
//! and the PMTiles file an office keeps on the server for an offline basemap of its kabupaten,
//! read a byte range at a time (a map reads a PMTiles file by range requests: its header, its
//! directories, then each tile it shows).

use std::io::SeekFrom;
use std::path::Path;

use bytes::Bytes;
use futures::Stream;
use sync_protocol::v1::map::Basemap;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::config::MapConfig;

/// Where the console reads the PMTiles file.
pub const PMTILES_PATH: &str = "/v1/map/basemap.pmtiles";

/// Bytes read from the file per step of a response.
const STEP: u64 = 64 * 1024;

/// The basemap the configuration names.
#[must_use]
pub fn describe(config: &MapConfig) -> Basemap {
    let attribution = config.basemap_attribution.clone();
    if !config.basemap_tiles.is_empty() {
        Basemap::Tiles {
            url: config.basemap_tiles.clone(),
            attribution,
        }
    } else if !config.basemap_pmtiles.is_empty() {
        Basemap::Pmtiles {
            url: PMTILES_PATH.to_owned(),
            attribution,
        }
    } else {
        Basemap::None
    }
}

/// One range of bytes, as a `Range: bytes=…` header asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// `bytes=10-`: from an offset to the end.
    From(u64),
    /// `bytes=10-19`: both ends included.
    Between(u64, u64),
    /// `bytes=-500`: the last so many bytes.
    Last(u64),
}

impl ByteRange {
    /// Reads a `Range` header of one range; `None` for anything else (several ranges, other
    /// units, malformed).
    #[must_use]
    pub fn parse(header: &str) -> Option<Self> {
        let spec = header.trim().strip_prefix("bytes=")?;
        if spec.contains(',') {
            return None;
        }
        let (start, end) = spec.split_once('-')?;
        let number = |s: &str| s.trim().parse::<u64>().ok();
        match (start.trim().is_empty(), end.trim().is_empty()) {
            (true, false) => Some(Self::Last(number(end)?)),
            (false, true) => Some(Self::From(number(start)?)),
            (false, false) => {
                let (a, b) = (number(start)?, number(end)?);
                (a <= b).then_some(Self::Between(a, b))
            }
            (true, true) => None,
        }
    }

    /// The first and last byte (included) within a file of `len` bytes; `None` when the
    /// range lies outside it (`416`).
    #[must_use]
    pub fn within(self, len: u64) -> Option<(u64, u64)> {
        let last = len.checked_sub(1)?;
        match self {
            Self::From(a) if a <= last => Some((a, last)),
            Self::Between(a, b) if a <= last => Some((a, b.min(last))),
            Self::Last(n) if n > 0 => Some((len.saturating_sub(n), last)),
            _ => None,
        }
    }
}

/// The file's bytes `start..=end`, read a step at a time as they are sent.
pub async fn read(
    path: &Path,
    start: u64,
    end: u64,
) -> std::io::Result<impl Stream<Item = std::io::Result<Bytes>> + use<>> {
    let mut file = tokio::fs::File::open(path).await?;
    file.seek(SeekFrom::Start(start)).await?;
    let remaining = end + 1 - start;
    Ok(futures::stream::unfold(
        (file, remaining),
        |(mut file, remaining)| async move {
            if remaining == 0 {
                return None;
            }
            let want = usize::try_from(remaining.min(STEP)).unwrap_or(usize::MAX);
            let mut buffer = vec![0u8; want];
            match file.read_exact(&mut buffer).await {
                Ok(_) => Some((Ok(Bytes::from(buffer)), (file, remaining - want as u64))),
                Err(e) => Some((Err(e), (file, 0))),
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_are_read_as_http_says() {
        assert_eq!(
            ByteRange::parse("bytes=0-126"),
            Some(ByteRange::Between(0, 126))
        );
        assert_eq!(ByteRange::parse("bytes=500-"), Some(ByteRange::From(500)));
        assert_eq!(ByteRange::parse("bytes=-16"), Some(ByteRange::Last(16)));
        assert_eq!(ByteRange::parse("bytes=5-4"), None);
        assert_eq!(ByteRange::parse("bytes=0-1,5-6"), None);
        assert_eq!(ByteRange::parse("items=0-1"), None);
        assert_eq!(ByteRange::Between(0, 999).within(100), Some((0, 99)));
        assert_eq!(ByteRange::Last(16).within(100), Some((84, 99)));
        assert_eq!(ByteRange::Last(500).within(100), Some((0, 99)));
        assert_eq!(ByteRange::From(100).within(100), None);
        assert_eq!(ByteRange::Between(0, 0).within(0), None);
    }
}
