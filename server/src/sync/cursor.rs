//! Pull cursors: opaque to the phone; they name a log position, the user and their scope.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::store::changes::LogPosition;

/// A decoded cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The store's generation when it was issued (`store::generation`): positions of an
    /// earlier generation name other changes after a restore.
    pub generation: i64,
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
            "2.{}.{}.{}.{:016x}.{}",
            self.generation,
            self.position.tx,
            self.position.id,
            self.scope,
            self.user.simple()
        );
        URL_SAFE_NO_PAD.encode(text)
    }

    /// Parses a cursor's text form. Cursors of the first form (`1.…`, issued before
    /// generations) belong to generation 0.
    pub fn decode(s: &str) -> Result<Self, InvalidCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| InvalidCursor)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| InvalidCursor)?;
        let parts: Vec<&str> = text.split('.').collect();
        let (generation, [tx, id, scope, user]) = (match parts[..] {
            ["1", tx, id, scope, user] => Some(("0", [tx, id, scope, user])),
            ["2", generation, tx, id, scope, user] => Some((generation, [tx, id, scope, user])),
            _ => None,
        })
        .ok_or(InvalidCursor)?;
        let number = |text: &str| text.parse::<i64>().ok().filter(|n| *n >= 0);
        let (Some(generation), Some(tx), Some(id)) = (number(generation), number(tx), number(id))
        else {
            return Err(InvalidCursor);
        };
        Ok(Cursor {
            generation,
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
            generation: 3,
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
            &URL_SAFE_NO_PAD.encode("2.-1.1.2.0.00000000000000000000000000000063"),
            &URL_SAFE_NO_PAD.encode("3.0.1.2.0.00000000000000000000000000000063"),
        ] {
            assert_eq!(Cursor::decode(bad), Err(InvalidCursor), "{bad:?}");
        }
    }

    #[test]
    fn a_cursor_issued_before_generations_belongs_to_the_first() {
        let old =
            URL_SAFE_NO_PAD.encode("1.7301.42.0000000000000007.00000000000000000000000000000063");
        let cursor = Cursor::decode(&old).unwrap();
        assert_eq!(cursor.generation, 0);
        assert_eq!(cursor.position, LogPosition { tx: 7_301, id: 42 });
        assert_eq!((cursor.scope, cursor.user), (7, Uuid::from_u128(99)));
    }
}
