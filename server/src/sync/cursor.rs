//! Pull cursors: opaque to the phone; they name a log position, the user and their scope.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::store::changes::LogPosition;

/// A decoded cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The store's epoch when it was issued (`store::epoch`): after a restore, positions of
    /// another epoch name other changes.
    pub epoch: i64,
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
        let (tx, id, scope, user) = (
            self.position.tx,
            self.position.id,
            self.scope,
            self.user.simple(),
        );
        // In epoch 0 (never restored), the first form, which the release before epochs reads.
        let text = match self.epoch {
            0 => format!("1.{tx}.{id}.{scope:016x}.{user}"),
            epoch => format!("2.{epoch}.{tx}.{id}.{scope:016x}.{user}"),
        };
        URL_SAFE_NO_PAD.encode(text)
    }

    /// Parses a cursor's text form. Cursors of the first form (`1.…`) belong to epoch 0.
    pub fn decode(s: &str) -> Result<Self, InvalidCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| InvalidCursor)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| InvalidCursor)?;
        let parts: Vec<&str> = text.split('.').collect();
        let (epoch, [tx, id, scope, user]) = (match parts[..] {
            ["1", tx, id, scope, user] => Some(("0", [tx, id, scope, user])),
            ["2", epoch, tx, id, scope, user] => Some((epoch, [tx, id, scope, user])),
            _ => None,
        })
        .ok_or(InvalidCursor)?;
        let number = |text: &str| text.parse::<i64>().ok().filter(|n| *n >= 0);
        let (Some(epoch), Some(tx), Some(id)) = (number(epoch), number(tx), number(id)) else {
            return Err(InvalidCursor);
        };
        Ok(Cursor {
            epoch,
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
            epoch: 3_141_592_653_589,
            position: LogPosition { tx: 7_301, id: 42 },
            scope: u64::MAX - 3,
            user: Uuid::from_u128(99),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
        let never_restored = Cursor { epoch: 0, ..cursor };
        assert_eq!(Cursor::decode(&never_restored.encode()), Ok(never_restored));
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
    fn a_cursor_of_the_first_form_belongs_to_epoch_0_and_epoch_0_keeps_that_form() {
        let old =
            URL_SAFE_NO_PAD.encode("1.7301.42.0000000000000007.00000000000000000000000000000063");
        let cursor = Cursor::decode(&old).unwrap();
        assert_eq!(cursor.encode(), old, "read by the release before epochs");
        assert_eq!(cursor.epoch, 0);
        assert_eq!(cursor.position, LogPosition { tx: 7_301, id: 42 });
        assert_eq!((cursor.scope, cursor.user), (7, Uuid::from_u128(99)));
    }
}
