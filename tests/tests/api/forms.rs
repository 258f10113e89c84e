//! Published forms: a phone asks which version new surveys use, then fetches it.

use chrono::Utc;
use ekemiskinan::seed::survey_form;
use ekemiskinan::store::forms::{self, Published};
use sync_protocol::v1::form::FormList;
use tests::fixtures::KEC_MALANGKE;
use tests::{Backend, TestApp};

async fn the_newest_version_of_each_form_is_listed_for_new_surveys(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let listed: FormList = app.get_json("/v1/forms", &worker).await;
    let versions: Vec<(String, i32)> = listed
        .forms
        .iter()
        .map(|f| (f.id.clone(), f.version))
        .collect();
    assert_eq!(versions, [("survei-rt".to_owned(), 1)]);
    assert_eq!(listed.forms[0].title, survey_form().unwrap().title);

    // A second version (with fewer questions) takes the place of the first in the list.
    let mut next = survey_form().unwrap();
    next.version = 2;
    next.household_fields.truncate(5);
    let published = forms::publish(&app.db, &next, Utc::now()).await.unwrap();
    assert_eq!(published, Published::Created);
    let listed: FormList = app.get_json("/v1/forms", &worker).await;
    let versions: Vec<(String, i32)> = listed
        .forms
        .iter()
        .map(|f| (f.id.clone(), f.version))
        .collect();
    assert_eq!(versions, [("survei-rt".to_owned(), 2)]);
    let fetched = app.get("/v1/forms/survei-rt/2", &worker.token).await;
    assert_eq!(fetched.status(), 200);

    let anonymous = app.http.get(app.url("/v1/forms")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}

on_both_backends!(the_newest_version_of_each_form_is_listed_for_new_surveys);
