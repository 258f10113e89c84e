//! Writes whose results nothing reads, sent to the database together.
//!
//! A mutation ends with several such writes: the household's new version, the change-log row,
//! its conflicts and its receipt; a push ends with the device's sequence. Each round trip to
//! the database costs more than the write itself, so on PostgreSQL a flush sends them as one
//! statement: all but the last become data-modifying `WITH` clauses of the last, with their
//! parameters renumbered. They see the same snapshot and touch different rows. SQLite, which
//! runs in-process and has no such clauses, executes them one by one.
//!
//! The push flushes before every read of the next mutation, so reads always see earlier writes.
//!
//! Quality checks queued again are gathered until the transaction ends ([`WriteBatch::finish`]):
//! their rows are the ones other transactions lock too, and one statement at the end locks
//! them all in one order.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement, Value, Values};

use super::{StoreError, quality};

/// Pending writes of one transaction.
#[derive(Debug)]
pub struct WriteBatch {
    backend: DbBackend,
    statements: Vec<Statement>,
    /// Visit checks to queue again when the transaction ends, and when they are due.
    requeued: Vec<Statement>,
    requeue_at: Option<DateTime<Utc>>,
}

impl WriteBatch {
    /// An empty batch for a connection's backend.
    #[must_use]
    pub fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            statements: Vec::new(),
            requeued: Vec::new(),
            requeue_at: None,
        }
    }

    /// Queues a write.
    pub fn push(&mut self, query: &impl QueryTrait) {
        self.statements.push(query.build(self.backend));
    }

    /// Queues a write written out as SQL for PostgreSQL (see [`super::statement`]).
    pub fn push_sql(&mut self, sql: &str, values: impl IntoIterator<Item = Value>) {
        self.statements
            .push(super::statement(self.backend, sql, values));
    }

    /// Queues again, due `now`, the checks of the visits that `targets` selects (see
    /// [`quality::requeue_statement`]), when the transaction ends: [`Self::finish`] sends them
    /// all in one statement, the last one to lock `visit_check` rows.
    pub fn requeue(&mut self, targets: Statement, now: DateTime<Utc>) {
        self.requeued.push(targets);
        self.requeue_at = Some(now);
    }

    /// Sends what is left, the checks queued again last, when the transaction is about to
    /// commit.
    pub async fn finish(mut self, db: &impl ConnectionTrait) -> Result<(), StoreError> {
        self.flush(db).await?;
        let targets = std::mem::take(&mut self.requeued);
        if let Some(now) = self.requeue_at.take()
            && !targets.is_empty()
        {
            db.execute_raw(quality::requeue_statement(self.backend, targets, now))
                .await?;
        }
        Ok(())
    }

    /// Sends the queued writes (in one round trip on PostgreSQL) and empties the batch; the
    /// checks to queue again wait for [`Self::finish`].
    pub async fn flush(&mut self, db: &impl ConnectionTrait) -> Result<(), StoreError> {
        let statements = std::mem::take(&mut self.statements);
        if self.backend != DbBackend::Postgres || statements.len() < 2 {
            for statement in statements {
                db.execute_raw(statement).await?;
            }
            return Ok(());
        }
        db.execute_raw(combine(statements)).await?;
        Ok(())
    }
}

/// `WITH w0 AS (s0), w1 AS (s1), … sN`, parameters renumbered in order.
fn combine(statements: Vec<Statement>) -> Statement {
    let last = statements.len() - 1;
    let mut sql = String::from("WITH ");
    let mut values = Vec::new();
    for (i, statement) in statements.into_iter().enumerate() {
        let offset = values.len();
        if i < last {
            if i > 0 {
                sql.push_str(", ");
            }
            write!(sql, "w{i} AS (").expect("writing to a String cannot fail");
            renumber_into(&mut sql, &statement.sql, offset);
            sql.push(')');
        } else {
            sql.push(' ');
            renumber_into(&mut sql, &statement.sql, offset);
        }
        values.extend(statement.values.map(|v| v.0).unwrap_or_default());
    }
    Statement::from_sql_and_values(DbBackend::Postgres, sql, Values(values))
}

/// Appends `sql` to `out` with `offset` added to every `$n` placeholder outside quoted
/// identifiers and string literals. The text between placeholders is copied whole: a combined
/// statement is built on every push.
pub(crate) fn renumber_into(out: &mut String, sql: &str, offset: usize) {
    let bytes = sql.as_bytes();
    let mut quote: Option<u8> = None;
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'$' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let digits = i + 1;
                let end = digits
                    + bytes[digits..]
                        .iter()
                        .take_while(|d| d.is_ascii_digit())
                        .count();
                let n: usize = sql[digits..end]
                    .parse()
                    .expect("a run of ASCII digits parses");
                out.push_str(&sql[copied..i]);
                write!(out, "${}", n + offset).expect("writing to a String cannot fail");
                (copied, i) = (end, end);
                continue;
            }
            Some(_) | None => {}
        }
        i += 1;
    }
    out.push_str(&sql[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_renumbered_outside_quotes_only() {
        let sql = r#"UPDATE "t$1" SET "a" = $1, "b" = '$2' WHERE "id" = $2 AND x = $10"#;
        let mut out = String::from("> ");
        renumber_into(&mut out, sql, 3);
        assert_eq!(
            out,
            r#"> UPDATE "t$1" SET "a" = $4, "b" = '$2' WHERE "id" = $5 AND x = $13"#
        );
        // Multi-byte text and a doubled quote inside a literal.
        let mut out = String::new();
        renumber_into(&mut out, "SELECT 'é$1''x', $1", 1);
        assert_eq!(out, "SELECT 'é$1''x', $2");
    }

    #[test]
    fn writes_combine_into_one_statement_with_all_values_in_order() {
        let a = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO a VALUES ($1, $2)",
            [1.into(), 2.into()],
        );
        let b =
            Statement::from_sql_and_values(DbBackend::Postgres, "UPDATE b SET x = $1", [3.into()]);
        let c =
            Statement::from_sql_and_values(DbBackend::Postgres, "UPDATE c SET y = $1", [4.into()]);
        let combined = combine(vec![a, b, c]);
        assert_eq!(
            combined.sql,
            "WITH w0 AS (INSERT INTO a VALUES ($1, $2)), w1 AS (UPDATE b SET x = $3) UPDATE c SET y = $4"
        );
        assert_eq!(combined.values.map(|v| v.0.len()), Some(4));
    }
}
