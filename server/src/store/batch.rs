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

use std::fmt::Write;

use sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement, Values};

use super::StoreError;

/// Pending writes of one transaction.
#[derive(Debug)]
pub struct WriteBatch {
    backend: DbBackend,
    statements: Vec<Statement>,
}

impl WriteBatch {
    /// An empty batch for a connection's backend.
    #[must_use]
    pub fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            statements: Vec::new(),
        }
    }

    /// Queues a write.
    pub fn push(&mut self, query: &impl QueryTrait) {
        self.statements.push(query.build(self.backend));
    }

    /// Queues a write written out as SQL for [`Self::backend`].
    pub fn push_statement(&mut self, statement: Statement) {
        self.statements.push(statement);
    }

    /// The backend the queued statements are written for.
    #[must_use]
    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    /// Sends the queued writes (in one round trip on PostgreSQL) and empties the batch.
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
        let renumbered = renumber(&statement.sql, offset);
        if i < last {
            if i > 0 {
                sql.push_str(", ");
            }
            write!(sql, "w{i} AS ({renumbered})").expect("writing to a String cannot fail");
        } else {
            sql.push(' ');
            sql.push_str(&renumbered);
        }
        values.extend(statement.values.map(|v| v.0).unwrap_or_default());
    }
    Statement::from_sql_and_values(DbBackend::Postgres, sql, Values(values))
}

/// Adds `offset` to every `$n` placeholder outside quoted identifiers and string literals.
fn renumber(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut digits = String::new();
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    digits.push(d);
                }
                let n: usize = digits.parse().expect("a run of ASCII digits parses");
                out.push('$');
                out.push_str(&(n + offset).to_string());
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_renumbered_outside_quotes_only() {
        let sql = r#"UPDATE "t$1" SET "a" = $1, "b" = '$2' WHERE "id" = $2 AND x = $10"#;
        assert_eq!(
            renumber(sql, 3),
            r#"UPDATE "t$1" SET "a" = $4, "b" = '$2' WHERE "id" = $5 AND x = $13"#
        );
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
