//! `GET /v1/exports/households`: the household list of an area as CSV (streamed) or XLSX.
//! Every export is written to the audit log with who, when and what.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures::TryStreamExt;
use serde::Deserialize;
use serde_json::json;
use tokio::io::AsyncReadExt;
use tracing::instrument;

use sync_protocol::v1::ErrorBody;

use super::extract::{ApiQuery, AuthUser};
use crate::domain::area::AreaCode;
use crate::error::ApiError;
use crate::exports::{self, XlsxError};
use crate::indicators::Disclosure;
use crate::state::AppState;
use crate::store::{StoreError, audit};

/// The request.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// An area of the user's (kabupaten, kecamatan or desa code).
    area: String,
    /// `csv` (the default) or `xlsx`.
    #[serde(default)]
    format: Option<String>,
    /// NIK and No KK in full (supervisors and admins only); masked by default.
    #[serde(default)]
    #[param(required = false)]
    unmasked: bool,
}

/// Bytes read from the finished XLSX per chunk sent.
const XLSX_CHUNK: usize = 64 * 1024;

/// `GET /v1/exports/households?area=…&format=csv|xlsx&unmasked=true|false`: the household
/// list of an area as a file, NIK and No KK masked unless asked for and allowed.
#[utoipa::path(
    get, path = "/v1/exports/households", tag = "exports", params(ExportQuery),
    responses(
        (status = 200, description = "The file, as an attachment.", content(
            (Vec<u8> = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 403, description = "`forbidden` (unmasked for a role that may not) or `area_out_of_scope`.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn households(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let role = user.actor.role;
    if !role.may_export() {
        return Err(ApiError::forbidden(
            "ekspor daftar rumah tangga hanya untuk supervisor, analis dan admin",
        ));
    }
    if query.unmasked && !role.may_see_identity() {
        return Err(ApiError::forbidden(
            "NIK dan No KK tanpa samaran hanya untuk supervisor dan admin",
        ));
    }
    let area = user.area_in_scope(&query.area)?;
    let format = export_format(query.format.as_deref())?;
    audit::record(
        &app.db,
        Utc::now(),
        Some(user.actor.id),
        "export.households",
        area.as_str(),
        json!({ "format": format, "unmasked": query.unmasked }),
    )
    .await?;
    let file_name = format!("rumah-tangga-{}.{format}", area.as_str().replace('.', ""));
    let desa_at_least = match Disclosure::for_role(role, &app.config.privacy) {
        Disclosure::AtLeast(min) => Some(min),
        Disclosure::Whole => None,
    };
    let (content_type, body) = if format == "csv" {
        let stream =
            exports::households_csv(app.db.clone(), area.clone(), query.unmasked, desa_at_least)
                .inspect_err(|e| tracing::warn!(error = %e, "CSV export cut short"));
        ("text/csv; charset=utf-8", Body::from_stream(stream))
    } else {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx_body(&app, &area, query.unmasked, desa_at_least).await?,
        )
    };
    Ok(attachment(body, content_type, &file_name))
}

/// Builds the workbook on a blocking thread, then streams the file.
async fn xlsx_body(
    app: &AppState,
    area: &AreaCode,
    unmasked: bool,
    desa_at_least: Option<u64>,
) -> Result<Body, ApiError> {
    let (db, area) = (app.db.clone(), area.clone());
    let handle = tokio::runtime::Handle::current();
    let file = tokio::task::spawn_blocking(move || {
        exports::households_xlsx(&handle, &db, &area, unmasked, desa_at_least)
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("XLSX export: {e}")))?
    .map_err(|e| match e {
        XlsxError::Store(e) => ApiError::from(e),
        XlsxError::Write(e) => ApiError::Internal(anyhow::anyhow!(e)),
    })?;
    let reader = tokio::fs::File::from_std(
        file.reopen()
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("XLSX export: {e}")))?,
    );
    // The temporary file lives (and is deleted) with the stream.
    let chunks = futures::stream::try_unfold((reader, file), |(mut reader, file)| async move {
        let mut buffer = vec![0u8; XLSX_CHUNK];
        let n = reader
            .read(&mut buffer)
            .await
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if n == 0 {
            return Ok::<_, StoreError>(None);
        }
        buffer.truncate(n);
        Ok(Some((bytes::Bytes::from(buffer), (reader, file))))
    });
    Ok(Body::from_stream(chunks))
}

/// `GET /v1/exports/indicators?area=…&level=kecamatan|desa&format=csv|xlsx`: the indicators
/// table (aggregates only, any role in scope), logged like every export.
#[utoipa::path(
    get, path = "/v1/exports/indicators", tag = "exports",
    params(super::indicators::IndicatorsQuery, ("format" = Option<String>, Query, description = "`csv` (the default) or `xlsx`.")),
    responses(
        (status = 200, description = "The file, as an attachment.", content(
            (Vec<u8> = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 403, description = "`area_out_of_scope`.", body = ErrorBody),
        (status = 404, description = "`not_found`: the area is not known.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn indicators(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<IndicatorsExportQuery>,
) -> Result<Response, ApiError> {
    let format = export_format(query.format.as_deref())?;
    let response = super::indicators::compute(&app, &user, &query.indicators).await?;
    let (area, level) = (&response.area.code, &response.level);
    audit::record(
        &app.db,
        Utc::now(),
        Some(user.actor.id),
        "export.indicators",
        area,
        json!({ "format": format, "level": level }),
    )
    .await?;
    let rows = exports::indicator_rows(&response);
    let file_name = format!("indikator-{}-{level}.{format}", area.replace('.', ""));
    let (content_type, body) = if format == "csv" {
        (
            "text/csv; charset=utf-8",
            Body::from(exports::rows_csv(&rows)),
        )
    } else {
        let bytes = exports::rows_xlsx("Indikator", &rows)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Body::from(bytes),
        )
    };
    Ok(attachment(body, content_type, &file_name))
}

/// The `format` asked for: `csv` (the default) or `xlsx`.
fn export_format(format: Option<&str>) -> Result<&'static str, ApiError> {
    match format.unwrap_or("csv") {
        "csv" => Ok("csv"),
        "xlsx" => Ok("xlsx"),
        other => Err(ApiError::invalid(format!(
            "format harus csv atau xlsx, bukan {other:?}"
        ))),
    }
}

/// A download: its type, its file name, and not to be kept in caches (exports hold personal
/// data).
fn attachment(body: Body, content_type: &'static str, file_name: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The indicators export request.
#[derive(Debug, Deserialize)]
pub struct IndicatorsExportQuery {
    #[serde(flatten)]
    indicators: super::indicators::IndicatorsQuery,
    #[serde(default)]
    format: Option<String>,
}
