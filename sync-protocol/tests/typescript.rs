//! The web apps' TypeScript types are generated from the wire types: this test writes every
//! declaration into `web/src/generated/protocol.ts` when `UPDATE_GENERATED=1`, and otherwise
//! fails when that file differs from what the types generate (a wire type changed and the
//! file was not regenerated). It also fails when a listed type refers to one not listed.
#![cfg(feature = "ts")]

use std::collections::BTreeSet;
use std::fmt::Write;

use sync_protocol::hlc::Hlc;
use sync_protocol::merge::{Authority, FieldPolicy, Stamp, Winner, Writer};
use sync_protocol::v1::form::{
    Choice, FieldDef, FieldKind, FieldOwner, FormDefinition, FormList, FormSummary, PhotoDef,
};
use sync_protocol::v1::map::{
    Basemap, DesaFeature, DesaMap, FeatureCollectionType, FeatureType, Geometry, HouseholdFeature,
    HouseholdMap, HouseholdMark, HouseholdPlaces, Place, PlaceFeature,
};
use sync_protocol::v1::office::{
    AreaIndicators, AreaListing, AreaRef, CheckState, ConflictView, CreateUserRequest,
    CriterionView, FlagEvidence, HouseholdQuality, HouseholdScore, IndicatorsResponse, LocatedArea,
    PhotoMatch, QualityFlagView, SetAreasRequest, Severity, UserView, VisitQuality,
};
use sync_protocol::v1::*;
use ts_rs::{Config, TS};

/// Appends a type's declaration (with its documentation) and notes its name and dependencies.
fn declare<T: TS + ?Sized + 'static>(
    cfg: &Config,
    out: &mut String,
    declared: &mut BTreeSet<String>,
    used: &mut BTreeSet<String>,
) {
    if let Some(docs) = T::docs() {
        out.push_str(&docs);
    }
    writeln!(out, "export {}\n", T::decl(cfg)).expect("writing to a String");
    declared.insert(T::ident(cfg));
    used.extend(T::dependencies(cfg).into_iter().map(|d| d.ts_name));
}

macro_rules! declare_all {
    ($cfg:expr, $out:expr, $declared:expr, $used:expr; $($ty:ty),* $(,)?) => {
        $(declare::<$ty>($cfg, $out, $declared, $used);)*
    };
}

fn generate() -> (String, BTreeSet<String>) {
    // JSON numbers are doubles in JavaScript: versions, seqs and clocks stay far below 2^53.
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust wire types (sync-protocol) by `UPDATE_GENERATED=1 cargo test \
         -p sync-protocol --features ts --test typescript`. Do not edit.\n\n\
         export type JsonValue = number | string | boolean | Array<JsonValue> | \
         { [key in string]?: JsonValue } | null;\n\n",
    );
    let (mut declared, mut used) = (BTreeSet::new(), BTreeSet::new());
    declared.insert("JsonValue".to_owned());
    let (o, d, u) = (&mut out, &mut declared, &mut used);
    declare_all!(&cfg, o, d, u;
        // Sync: push and pull.
        PushRequest<Mutation>, Mutation, Op, CreateHousehold, UpdateHousehold, MoveHousehold,
        DeleteHousehold, AddMember, UpdateMember, RemoveMember, PutFamily, RecordVisit, GpsFix,
        PhotoRef, PushResponse, Receipt, ReceiptStatus, Rejection, RejectCode, ConflictNote,
        ConflictTarget, Kept, PullResponse, ResetReason, Change, HouseholdSnapshot,
        MemberSnapshot, FamilySnapshot, Hlc, Stamp, Writer, Authority, FieldPolicy, Winner,
        // Errors and accounts.
        ErrorBody, ErrorCode, FieldError, FieldErrorCode, LoginRequest, LoginResponse, Me,
        CreateUserRequest, SetAreasRequest, UserView,
        // Forms.
        FormDefinition, FieldDef, FieldKind, FieldOwner, Choice, PhotoDef, FormSummary, FormList,
        // Office reads.
        ConflictView, HouseholdScore, CriterionView, AreaRef, AreaListing, LocatedArea, QualityFlagView,
        FlagEvidence, PhotoMatch, Severity, CheckState, VisitQuality, HouseholdQuality,
        IndicatorsResponse,
        AreaIndicators,
        // Photos.
        PhotoInfo, PhotoStatus, HouseholdPhoto, Processing, PhotoDetails, SimilarPhoto,
        // Review.
        ReviewStatus, Decision, RejectReason, NoteTarget, FieldNote, DecideRequest, ReviewView,
        DecideResponse, ChangeKind, FieldChange, Person, VersionEntry, Keep, ResolveRequest,
        Resolution, ResolveResponse, HouseholdHistory, StaleVersion, QueueOrder, QueueItem,
        QueueCounts, QueuePage, BulkItem, BulkApproveRequest, BulkOutcome, BulkResult,
        BulkApproveResponse, ReviewCounts,
        // The map.
        FeatureCollectionType, FeatureType, Geometry, HouseholdMark, HouseholdFeature,
        HouseholdMap, DesaFeature, DesaMap, Place, PlaceFeature, HouseholdPlaces, Basemap,
    );
    let missing = used.difference(&declared).cloned().collect();
    (out, missing)
}

#[test]
fn the_generated_typescript_types_match_the_wire_types() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src/generated/protocol.ts");
    let (generated, missing) = generate();
    assert!(
        missing.is_empty(),
        "types referred to but not generated: {missing:?}; add them to the list"
    );
    #[expect(
        clippy::disallowed_methods,
        reason = "a test told through its environment to write the file"
    )]
    let update = std::env::var("UPDATE_GENERATED").is_ok_and(|v| v == "1");
    if update {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, &generated).expect("write");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run `UPDATE_GENERATED=1 cargo test -p sync-protocol --features ts --test \
         typescript` and commit it",
        path.display()
    );
}
