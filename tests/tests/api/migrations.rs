//! Migrations that change how stored data is kept, run over data stored before them.

use ekemiskinan::store::entities::{family, household, household_score, member, receipt, visit};
use rand::SeedableRng;
use rand::rngs::StdRng;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryOrder, Statement};
use secrecy::ExposeSecret;
use sync_protocol::v1::{DeleteHousehold, Op, RemoveMember};
use tests::TestApp;
use tests::fixtures::{self, KEC_MALANGKE, MALANGKE};

/// Every row of the tables whose JSON columns the migration retypes, decoded.
#[derive(Debug, PartialEq)]
struct Stored {
    households: Vec<household::Model>,
    families: Vec<family::Model>,
    members: Vec<member::Model>,
    visits: Vec<visit::Model>,
    receipts: Vec<receipt::Model>,
    scores: Vec<household_score::Model>,
}

/// Every row of one table, in `order`.
async fn rows<E: EntityTrait>(db: &DatabaseConnection, order: E::Column) -> Vec<E::Model> {
    E::find().order_by_asc(order).all(db).await.unwrap()
}

async fn stored(db: &DatabaseConnection) -> Stored {
    let mut households = rows::<household::Entity>(db, household::Column::Id).await;
    // A household's risk follows its visits' checks, which the server runs in the background,
    // between these reads too. The migration does not touch it.
    for h in &mut households {
        h.risk = 0;
    }
    Stored {
        households,
        families: rows::<family::Entity>(db, family::Column::Id).await,
        members: rows::<member::Entity>(db, member::Column::Id).await,
        visits: rows::<visit::Entity>(db, visit::Column::Id).await,
        receipts: rows::<receipt::Entity>(db, receipt::Column::Seq).await,
        scores: rows::<household_score::Entity>(db, household_score::Column::HouseholdId).await,
    }
}

/// The type PostgreSQL gives a column.
async fn column_type(db: &DatabaseConnection, table: &str, column: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT data_type FROM information_schema.columns \
             WHERE table_name = $1 AND column_name = $2",
            [table.into(), column.into()],
        ))
        .await
        .unwrap()
        .expect("the column exists");
    row.try_get("", "data_type").unwrap()
}

/// Undoes the one migration named `suffix` (the later ones stay), on a connection of its own:
/// the server's next start applies it again.
async fn undo_only(url: &str, suffix: &str) {
    use migrations::{Migrator, MigratorTrait, SchemaManager};

    let db = Database::connect(url).await.unwrap();
    let migration = Migrator::migrations()
        .into_iter()
        .find(|m| m.name().ends_with(suffix))
        .expect("the migration exists");
    migration.down(&SchemaManager::new(&db)).await.unwrap();
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "DELETE FROM seaql_migrations WHERE version = $1",
        [migration.name().into()],
    ))
    .await
    .unwrap();
    db.close().await.unwrap();
}

/// (Each read takes a new connection: PostgreSQL refuses to run a statement prepared before
/// the types of its result changed.)
#[tokio::test]
async fn json_values_stored_as_jsonb_read_back_the_same_once_migrated_to_json_and_back() {
    const MIGRATION: &str = "json_for_whole_values";
    let mut app = TestApp::spawn().await;
    let url = app.config.database.url.expose_secret().to_owned();
    // The columns as they were before the migration, with the server running on them (what it
    // binds is cast to jsonb on the way in).
    undo_only(&url, MIGRATION).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let mut phone = app.client(&worker);
    let mut rng = StdRng::seed_from_u64(27);
    // A whole survey with a member then removed (a tombstone), and a household deleted.
    let (kept, ops) = fixtures::survey(MALANGKE, 3, &mut rng);
    let removed_member = ops
        .iter()
        .find_map(|op| match op {
            Op::AddMember(m) => Some(m.member_id),
            _ => None,
        })
        .unwrap();
    for op in ops {
        phone.enqueue(op).unwrap();
    }
    let (deleted, ops) = fixtures::survey(MALANGKE, 1, &mut rng);
    for op in ops {
        phone.enqueue(op).unwrap();
    }
    phone.sync().await.unwrap();
    phone
        .enqueue(Op::RemoveMember(RemoveMember {
            household_id: kept,
            member_id: removed_member,
            base_version: phone.base_version(kept),
        }))
        .unwrap();
    phone
        .enqueue(Op::DeleteHousehold(DeleteHousehold {
            household_id: deleted,
            base_version: phone.base_version(deleted),
        }))
        .unwrap();
    phone.sync().await.unwrap();

    let db = Database::connect(&url).await.unwrap();
    assert_eq!(column_type(&db, "visit", "hlc").await, "jsonb");
    let before = stored(&db).await;
    db.close().await.unwrap();
    assert_eq!(before.visits.len(), 2);
    assert!(
        before.members.iter().any(|m| m.tombstone.is_some())
            && before.households.iter().any(|h| h.tombstone.is_some()),
        "a tombstone of each kind is stored"
    );

    // The server's start migrates them to json.
    app.restart().await;
    let db = Database::connect(&url).await.unwrap();
    for (table, column) in [
        ("household", "stamps"),
        ("family", "no_kk_stamp"),
        ("member", "tombstone"),
        ("visit", "answers"),
        ("receipt", "body"),
        ("household_score", "criteria"),
    ] {
        assert_eq!(
            column_type(&db, table, column).await,
            "json",
            "{table}.{column}"
        );
    }
    assert_eq!(column_type(&db, "household", "fields").await, "jsonb");
    assert_eq!(stored(&db).await, before, "as json");
    db.close().await.unwrap();

    // The server reads them: a pull from a new phone sees what the first one has.
    let mut other = app.client(&worker);
    other.pull().await.unwrap();
    assert!(other.view(kept).is_some());
    assert_eq!(other.view(kept), phone.view(kept));

    // And back, with the server stopped.
    app.trigger_shutdown();
    app.take_server().unwrap().await.unwrap().unwrap();
    undo_only(&url, MIGRATION).await;
    let db = Database::connect(&url).await.unwrap();
    assert_eq!(column_type(&db, "receipt", "body").await, "jsonb");
    assert_eq!(stored(&db).await, before, "as jsonb again");
}
