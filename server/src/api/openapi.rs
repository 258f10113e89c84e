//! `GET /v1/openapi.json`: the HTTP API as OpenAPI 3.1, generated from the handlers'
//! `#[utoipa::path]` attributes and the wire types of `sync-protocol`. The test
//! `openapi::the_document_names_every_route_the_server_has` fails when a route is missing.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sync_protocol::v1::ErrorBody;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::{
    areas, auth, conflicts, exports, forms, health, households, indicators, map, photos, reviews,
    sync, uploads, users,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "e-Kemiskinan",
        description = "Sync, photos, review and figures of the e-Kemiskinan poverty survey. \
            PROTOCOL.md in the repository explains the rules behind each route. Every error \
            answers with an `ErrorBody` whose `code` is stable; its `message` is for people, \
            in Indonesian.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        auth::login, auth::logout, auth::get_me,
        sync::push, sync::pull,
        uploads::options, uploads::create, uploads::head, uploads::patch, uploads::terminate,
        photos::exists, photos::original, photos::details, photos::similar, photos::thumbnail,
        photos::of_household,
        households::get, households::score, households::flags, households::places,
        reviews::history, reviews::queue, reviews::decide, reviews::approve_many,
        conflicts::list, conflicts::resolve,
        forms::list, forms::get,
        areas::list, areas::locate,
        map::households, map::desa, map::basemap, map::basemap_file,
        indicators::get,
        exports::households, exports::indicators,
        users::list, users::create, users::set_areas, users::revoke_sessions,
        health::live, health::ready, health::metrics,
        document,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Conventions),
    tags(
        (name = "sync", description = "Phones: push their mutations, pull the changes of their areas."),
        (name = "photos", description = "Resumable photo uploads (tus 1.0) and what the server made of them."),
        (name = "households", description = "One household: answers, score, quality flags, places, history."),
        (name = "review", description = "Supervisors: the queue, decisions, conflicts."),
        (name = "forms", description = "Published survey forms."),
        (name = "areas", description = "Kecamatan and desa, and which desa holds a point."),
        (name = "map", description = "GeoJSON for the office map."),
        (name = "indicators", description = "Figures per kecamatan or desa."),
        (name = "exports", description = "CSV and XLSX files, every one logged."),
        (name = "accounts", description = "Sign-in, and user management for admins."),
        (name = "operations", description = "Probes and metrics for the operator."),
    ),
)]
struct ApiDoc;

/// The household a route names in its path.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(
    dead_code,
    reason = "it describes a path; the handlers read `ApiPath<Uuid>`"
)]
pub(super) struct HouseholdPath {
    /// The household.
    id: uuid::Uuid,
}

/// The photo a route names in its path.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(
    dead_code,
    reason = "it describes a path; the handlers read `ApiPath<String>`"
)]
pub(super) struct PhotoPath {
    /// The photo's SHA-256, 64 lowercase hex digits.
    sha256: String,
}

/// What a read of one household or its photos answers when it is not for this user.
#[derive(utoipa::IntoResponses)]
#[expect(
    dead_code,
    reason = "it describes answers; the handlers answer `ApiError`s"
)]
pub(super) enum NotForThisUser {
    /// `forbidden`: analysts read figures, never a household or its photos.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// `not_found` in the user's areas.
    #[response(status = 404)]
    NotFound(ErrorBody),
}

/// What every route shares, added once instead of on each handler: the bearer token (unless
/// the route says `security(())`), and the answers any route may give.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = || SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer));
        components.add_security_scheme("bearer", bearer());
        components.add_security_scheme("metrics_token", bearer());
        openapi.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                add_shared_answers(operation);
            }
        }
    }
}

fn add_shared_answers(operation: &mut Operation) {
    let public = operation
        .security
        .as_ref()
        .is_some_and(|s| s.iter().all(|r| *r == SecurityRequirement::default()));
    let has_input = operation.request_body.is_some()
        || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let mut shared = vec![
        ("500", "`internal`: retry later."),
        (
            "503",
            "`service_unavailable`: a dependency is down or slow; nothing was stored, send the \
             same request again after `Retry-After` seconds.",
        ),
    ];
    if !public {
        shared.push((
            "401",
            "`unauthenticated` (no or unknown token) or `token_expired`: sign in again.",
        ));
    }
    if has_input {
        shared.push((
            "400",
            "`invalid_request` or `malformed_json`: `fields` says what is wrong.",
        ));
    }
    let responses = &mut operation.responses.responses;
    for (status, description) in shared {
        responses.entry(status.to_owned()).or_insert_with(|| {
            let body = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build();
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", body)
                    .build(),
            )
        });
    }
}

/// The document, rendered once.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_json()
        .expect("the OpenAPI document serialises")
});

/// `GET /v1/openapi.json`: this document.
#[utoipa::path(
    get, path = "/v1/openapi.json", tag = "operations", security(()),
    responses((status = 200, description = "OpenAPI 3.1.", body = Object)),
)]
pub async fn document() -> Response {
    let mut response = DOCUMENT.as_str().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
