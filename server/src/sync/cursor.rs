//! Pull cursors: opaque to the phone; they name a log position, the user and their scope.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::store::changes::LogPosition;

/// A decoded cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The last log position served.
    pub position: LogPosition,
    /// The scope fingerprint when it was issued.
    pub scope: u64,
    /// The user it was issued to.
    pub user: Uuid,
}

/// The text is not a cursor made by this server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cursor tidak valid")]
pub struct InvalidCursor;

impl Cursor {
    /// The cursor's text form.
    #[must_use]
    pub fn encode(&self) -> String {
        let text = format!(
            "1.{}.{}.{:016x}.{}",
            self.position.tx,
            self.position.id,
            self.scope,
            self.user.simple()
        );
        URL_SAFE_NO_PAD.encode(text)
    }

    /// Parses a cursor's text form.
    pub fn decode(s: &str) -> Result<Self, InvalidCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| InvalidCursor)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| InvalidCursor)?;
        let parts: Vec<&str> = text.split('.').collect();
        let [version, tx, id, scope, user] = parts[..] else {
            return Err(InvalidCursor);
        };
        if version != "1" {
            return Err(InvalidCursor);
        }
        let tx: i64 = tx.parse().map_err(|_| InvalidCursor)?;
        let id: i64 = id.parse().map_err(|_| InvalidCursor)?;
        if tx < 0 || id < 0 {
            return Err(InvalidCursor);
        }
        Ok(Cursor {
            position: LogPosition { tx, id },
            scope: u64::from_str_radix(scope, 16).map_err(|_| InvalidCursor)?,
            user: Uuid::parse_str(user).map_err(|_| InvalidCursor)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_encoding_and_garbage_is_refused() {
        let cursor = Cursor {
            position: LogPosition { tx: 7_301, id: 42 },
            scope: u64::MAX - 3,
            user: Uuid::from_u128(99),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
        for bad in [
            "",
            "!!!",
            "MQ",
            &URL_SAFE_NO_PAD.encode("1.-1.2.0.00000000000000000000000000000063"),
        ] {
            assert_eq!(Cursor::decode(bad), Err(InvalidCursor), "{bad:?}");
        }
    }
}
