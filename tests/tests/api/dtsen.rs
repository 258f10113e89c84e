//! Importing the national deciles (DTSEN): all or nothing, a re-import updates in place.

use ekemiskinan::cli::import_dtsen;
use ekemiskinan::store::dtsen;
use tests::{Backend, TestApp};

async fn deciles_are_imported_whole_or_not_at_all_and_updated_by_a_re_import(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let db = &app.state.db;
    let first = b"no_kk;desil\n7322012708150001;2\n7322021503100002;7\n";
    assert_eq!(import_dtsen(db, first).await.unwrap(), 2);
    assert_eq!(dtsen::find(db, "7322012708150001").await.unwrap(), Some(2));

    // One bad line: nothing of this file is stored, and the message names the line.
    let bad = b"no_kk,desil\n7322012708150001,9\n7322031503100003,0\n";
    let err = import_dtsen(db, bad).await.unwrap_err().to_string();
    assert!(err.contains("baris 3"), "{err}");
    assert_eq!(dtsen::find(db, "7322012708150001").await.unwrap(), Some(2));
    assert_eq!(app.count("dtsen_decile").await, 2);

    let again = b"no_kk,desil\n7322012708150001,9\n7322031503100003,1\n";
    assert_eq!(import_dtsen(db, again).await.unwrap(), 2);
    assert_eq!(dtsen::find(db, "7322012708150001").await.unwrap(), Some(9));
    assert_eq!(app.count("dtsen_decile").await, 3);
}

on_both_backends!(deciles_are_imported_whole_or_not_at_all_and_updated_by_a_re_import);
