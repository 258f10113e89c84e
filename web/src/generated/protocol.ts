// Generated from the Rust wire types (sync-protocol) by `UPDATE_GENERATED=1 cargo test -p sync-protocol --features ts --test typescript`. Do not edit.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

/**
 * `POST /v1/sync/push`, generic over the mutation representation: phones send
 * `PushRequest<Mutation>`; the server reads `PushRequest<RawMutation>` so that one malformed
 * mutation is rejected on its own instead of failing the whole request.
 */
export type PushRequest<M = Mutation> = { 
/**
 * The device (client id) whose log this is. Registered to the user at its first push.
 */
device_id: string, 
/**
 * The phone's clock when it sent this push; the server records the difference to its
 * own clock as the device's clock skew.
 */
sent_at?: string | null, 
/**
 * Consecutive mutations of the device's log, in seq order.
 */
mutations: Array<M>, };

/**
 * One entry of a device's mutation log.
 */
export type Mutation = { 
/**
 * Position in the device's log: 1, 2, 3… with no gaps.
 */
seq: number, 
/**
 * The device's hybrid logical clock when the change was made on the phone.
 */
hlc: Hlc, 
/**
 * The phone's wall-clock time when the change was made. Recorded, never trusted.
 */
device_time?: string | null, } & ({ "op": "create_household" } & CreateHousehold | { "op": "update_household" } & UpdateHousehold | { "op": "move_household" } & MoveHousehold | { "op": "delete_household" } & DeleteHousehold | { "op": "add_member" } & AddMember | { "op": "update_member" } & UpdateMember | { "op": "remove_member" } & RemoveMember | { "op": "put_family" } & PutFamily | { "op": "record_visit" } & RecordVisit);

/**
 * The kinds of mutation.
 */
export type Op = { "op": "create_household" } & CreateHousehold | { "op": "update_household" } & UpdateHousehold | { "op": "move_household" } & MoveHousehold | { "op": "delete_household" } & DeleteHousehold | { "op": "add_member" } & AddMember | { "op": "update_member" } & UpdateMember | { "op": "remove_member" } & RemoveMember | { "op": "put_family" } & PutFamily | { "op": "record_visit" } & RecordVisit;

/**
 * `create_household`.
 */
export type CreateHousehold = { 
/**
 * New household id, made on the phone.
 */
household_id: string, 
/**
 * Kemendagri code of the desa/kelurahan, e.g. `73.22.01.2001`.
 */
area_code: string, 
/**
 * The form the answers follow.
 */
form_id: string, 
/**
 * The form version the answers follow.
 */
form_version: number, 
/**
 * Household-level answers.
 */
fields: { [key in string]: JsonValue }, };

/**
 * `update_household`.
 */
export type UpdateHousehold = { 
/**
 * Household id.
 */
household_id: string, 
/**
 * The household version the phone last pulled (0 if it created the household itself and
 * has not pulled since).
 */
base_version: number, 
/**
 * Changed answers only. `null` clears an answer.
 */
fields: { [key in string]: JsonValue }, };

/**
 * `move_household`.
 */
export type MoveHousehold = { 
/**
 * Household id.
 */
household_id: string, 
/**
 * The household version the phone last pulled.
 */
base_version: number, 
/**
 * The new desa/kelurahan code.
 */
area_code: string, };

/**
 * `delete_household`.
 */
export type DeleteHousehold = { 
/**
 * Household id.
 */
household_id: string, 
/**
 * The household version the phone last pulled.
 */
base_version: number, };

/**
 * `add_member`.
 */
export type AddMember = { 
/**
 * Household id.
 */
household_id: string, 
/**
 * New member id, made on the phone.
 */
member_id: string, 
/**
 * The household version the phone last pulled.
 */
base_version: number, 
/**
 * The family (Kartu Keluarga) the member is listed on, if known.
 */
family_id?: string | null, 
/**
 * Member answers (NIK, name, relation to the head, sex, birth date…).
 */
fields: { [key in string]: JsonValue }, };

/**
 * `update_member`.
 */
export type UpdateMember = { 
/**
 * Household id.
 */
household_id: string, 
/**
 * Member id.
 */
member_id: string, 
/**
 * The household version the phone last pulled.
 */
base_version: number, 
/**
 * Changed answers only. `null` clears an answer.
 */
fields: { [key in string]: JsonValue }, };

/**
 * `remove_member`.
 */
export type RemoveMember = { 
/**
 * Household id.
 */
household_id: string, 
/**
 * Member id.
 */
member_id: string, 
/**
 * The household version the phone last pulled.
 */
base_version: number, };

/**
 * `put_family`.
 */
export type PutFamily = { 
/**
 * Household id.
 */
household_id: string, 
/**
 * Family id, made on the phone when the family was first recorded.
 */
family_id: string, 
/**
 * The household version the phone last pulled.
 */
base_version: number, 
/**
 * The 16-digit No KK, or `null` when not known yet.
 */
no_kk?: string | null, };

/**
 * `record_visit`.
 */
export type RecordVisit = { 
/**
 * New visit id, made on the phone.
 */
visit_id: string, 
/**
 * Household id.
 */
household_id: string, 
/**
 * The form used.
 */
form_id: string, 
/**
 * The form version used.
 */
form_version: number, 
/**
 * When the interview started, by the phone's clock.
 */
started_at: string, 
/**
 * When the interview ended, by the phone's clock.
 */
ended_at: string, 
/**
 * The answers as given in this visit (household-level fields).
 */
answers: { [key in string]: JsonValue }, 
/**
 * The GPS fix taken at the house, if any.
 */
gps?: GpsFix | null, 
/**
 * Photos taken in this visit.
 */
photos: Array<PhotoRef>, };

/**
 * A GPS fix as the phone reported it.
 */
export type GpsFix = { 
/**
 * Degrees, −90…90.
 */
latitude: number, 
/**
 * Degrees, −180…180.
 */
longitude: number, 
/**
 * Horizontal accuracy in metres as reported by the phone (≥ 0).
 */
accuracy_m: number, 
/**
 * Android's "mock location" flag.
 */
mock: boolean, 
/**
 * When the fix was taken, by the phone's clock.
 */
fixed_at?: string | null, };

/**
 * A photo referenced by a visit, by content hash.
 */
export type PhotoRef = { 
/**
 * Lower-case hex SHA-256 of the file.
 */
sha256: string, 
/**
 * What the photo shows: `tampak_depan`, `tampak_dalam`, `lantai`, `dinding`, `atap`,
 * `dapur`, `jamban`, `sumber_air`…
 */
kind: string, };

/**
 * The answer to a push.
 */
export type PushResponse = { 
/**
 * The server's time when it answered.
 */
server_time: string, 
/**
 * The server's clock after observing the pushed stamps.
 */
server_hlc: Hlc, 
/**
 * One receipt per pushed mutation, in seq order. Replays get the stored receipt.
 */
receipts: Array<Receipt>, 
/**
 * The seq the server expects next from this device.
 */
next_seq: number, };

/**
 * The stored outcome of one mutation. Stored in the same transaction as the effect.
 */
export type Receipt = { 
/**
 * The mutation's seq.
 */
seq: number, 
/**
 * `applied` or `rejected`. Both advance the device's seq.
 */
status: ReceiptStatus, 
/**
 * The household the mutation touched.
 */
household_id?: string | null, 
/**
 * The household version after the mutation, when it changed the household.
 */
household_version?: number | null, 
/**
 * Same-field conflicts this mutation met; each is stored for a supervisor.
 */
conflicts?: Array<ConflictNote>, 
/**
 * Why the mutation was rejected.
 */
rejection?: Rejection | null, };

/**
 * Whether a mutation took effect.
 */
export type ReceiptStatus = "applied" | "rejected";

/**
 * Why a mutation was rejected.
 */
export type Rejection = { 
/**
 * Stable code.
 */
code: RejectCode, 
/**
 * A message for people, in Indonesian.
 */
message: string, 
/**
 * Field-level reasons.
 */
fields?: Array<FieldError>, };

/**
 * Mutation rejection codes.
 */
export type RejectCode = "malformed_mutation" | "validation_failed" | "area_out_of_scope" | "unknown_area" | "unknown_form" | "household_not_found" | "household_already_exists" | "household_deleted" | "member_not_found" | "member_already_exists" | "member_removed" | "family_not_found" | "visit_immutable" | "invalid_base_version" | "field_owned_by_supervisor";

/**
 * A same-field conflict met by a mutation.
 */
export type ConflictNote = { 
/**
 * Id of the stored conflict, for the supervisor's review.
 */
conflict_id: string, 
/**
 * What was in conflict.
 */
target: ConflictTarget, 
/**
 * Whose value the field now has.
 */
kept: Kept, 
/**
 * The value that was not kept.
 */
discarded_value: JsonValue, };

/**
 * The field a conflict is about.
 */
export type ConflictTarget = { "kind": "household", 
/**
 * Field name.
 */
field: string, } | { "kind": "member", 
/**
 * Member id.
 */
member_id: string, 
/**
 * Field name.
 */
field: string, } | { "kind": "family", 
/**
 * Family id.
 */
family_id: string, 
/**
 * Always `no_kk`.
 */
field: string, };

/**
 * The side whose value won a conflict.
 */
export type Kept = "yours" | "theirs";

/**
 * The answer to `GET /v1/sync/pull?cursor=…&limit=…`.
 */
export type PullResponse = { 
/**
 * The server's time when it answered.
 */
server_time: string, 
/**
 * The server's clock.
 */
server_hlc: Hlc, 
/**
 * Set when the cursor cannot be served. The phone pushes its outbox, drops its copy of
 * the households and pulls again without a cursor. `changes` is then empty.
 */
reset?: ResetReason | null, 
/**
 * Changes after the given cursor, in server order.
 */
changes: Array<Change>, 
/**
 * Opaque; pass it to the next pull. Store it together with the applied changes.
 */
cursor: string, 
/**
 * Whether more changes are ready now; pull again at once with the new cursor.
 */
has_more: boolean, 
/**
 * Photos that visits recorded by this user name and the server does not have yet
 * (lower-case hex SHA-256, at most [`MAX_MISSING_PHOTOS`](super::MAX_MISSING_PHOTOS)),
 * on the last page of a pull (`has_more` false). Upload those still on the phone (§7).
 */
missing_photos?: Array<string>, };

/**
 * Why a pull answers `reset`.
 */
export type ResetReason = "scope_changed" | "cursor_expired" | "server_restored";

/**
 * One entry of the pull log.
 */
export type Change = { "op": "put", 
/**
 * The household.
 */
household: HouseholdSnapshot, } | { "op": "remove", 
/**
 * Household id.
 */
household_id: string, };

/**
 * A household's current state as the server holds it.
 */
export type HouseholdSnapshot = { 
/**
 * Household id.
 */
id: string, 
/**
 * Kemendagri code of its desa/kelurahan.
 */
area_code: string, 
/**
 * The form its answers follow.
 */
form_id: string, 
/**
 * The form version its answers follow.
 */
form_version: number, 
/**
 * Increases by one with every applied mutation. Use it as `base_version`.
 */
version: number, 
/**
 * Soft-deleted households stay in the log as tombstones.
 */
deleted: boolean, 
/**
 * Review status, set by the server only (§11).
 */
review_status: ReviewStatus, 
/**
 * The household's last decision (§11): for a returned household, the supervisor's note
 * and notes per answer. Absent until a supervisor decides; it stays when the household
 * is edited after it (`review_status` then says it waits again).
 */
review?: ReviewView | null, 
/**
 * Household answers.
 */
fields: { [key in string]: JsonValue }, 
/**
 * Families (Kartu Keluarga) in the household.
 */
families: Array<FamilySnapshot>, 
/**
 * Members, including removed ones (tombstones).
 */
members: Array<MemberSnapshot>, 
/**
 * When the server last changed it.
 */
updated_at: string, };

/**
 * A member's current state.
 */
export type MemberSnapshot = { 
/**
 * Member id.
 */
id: string, 
/**
 * The family the member is listed on.
 */
family_id?: string | null, 
/**
 * Member answers.
 */
fields: { [key in string]: JsonValue }, 
/**
 * Soft-removed.
 */
removed: boolean, };

/**
 * A family's current state.
 */
export type FamilySnapshot = { 
/**
 * Family id.
 */
id: string, 
/**
 * Current No KK.
 */
no_kk?: string | null, };

/**
 * One hybrid logical clock stamp.
 */
export type Hlc = { 
/**
 * Milliseconds since the Unix epoch, as the node's clock saw them (or later).
 */
wall_ms: number, 
/**
 * Tie breaker for events within the same millisecond.
 */
counter: number, 
/**
 * The node that made the stamp: a device id, or a server instance id.
 */
node: string, };

/**
 * The stamp on a stored value: which version wrote it, and who.
 */
export type Stamp = { 
/**
 * The household version produced by the write.
 */
version: number, 
/**
 * The writer.
 */
writer: Writer, };

/**
 * Who made a write.
 */
export type Writer = { 
/**
 * The user.
 */
user_id: string, 
/**
 * The device (client id).
 */
device_id: string, 
/**
 * The user's authority.
 */
authority: Authority, 
/**
 * The device's clock stamp of the mutation. Recorded for people; never decides a winner.
 */
hlc: Hlc, };

/**
 * Whose authority a write carries when a field's policy prefers supervisors.
 */
export type Authority = "field_worker" | "supervisor";

/**
 * How a same-field conflict is decided.
 */
export type FieldPolicy = "last_writer_wins" | "prefer_supervisor";

/**
 * Which value a conflict kept.
 */
export type Winner = "incoming" | "stored";

/**
 * The body of every error response: a stable machine code and a message for people.
 */
export type ErrorBody = { 
/**
 * Stable, machine-readable code. Clients branch on this, never on `message`.
 */
code: ErrorCode, 
/**
 * A message for people, in Indonesian.
 */
message: string, 
/**
 * With `sequence_gap`: the seq the server expects next.
 */
expected_seq?: number | null, 
/**
 * With `unsupported_protocol_version`: the versions this server speaks.
 */
supported_versions?: Array<number> | null, 
/**
 * With `service_unavailable` and `login_throttled`: seconds to wait before retrying.
 */
retry_after_seconds?: number | null, 
/**
 * With `invalid_request`: what is wrong, field by field.
 */
fields?: Array<FieldError>, 
/**
 * With `stale_version`: the household's current version and what changed after the
 * version the request named.
 */
stale?: StaleVersion | null, };

/**
 * Request-level error codes. A request that fails with one of these stored nothing.
 */
export type ErrorCode = "malformed_json" | "invalid_request" | "unsupported_media_type" | "unsupported_protocol_version" | "payload_too_large" | "unauthenticated" | "token_expired" | "invalid_credentials" | "login_throttled" | "forbidden" | "area_out_of_scope" | "device_belongs_to_another_user" | "sequence_gap" | "batch_not_contiguous" | "batch_too_large" | "invalid_cursor" | "not_found" | "already_exists" | "upload_offset_mismatch" | "checksum_mismatch" | "upload_complete" | "upload_stalled" | "tus_version_unsupported" | "not_an_image" | "image_too_large" | "image_polyglot" | "photo_not_ready" | "stale_version" | "four_eyes" | "household_deleted" | "conflict_resolved" | "service_unavailable" | "internal";

/**
 * A problem with one field of a request or a mutation.
 */
export type FieldError = { 
/**
 * The path of the field, e.g. `fields.luas_lantai`, `gps.latitude`, `members[2].nik`.
 */
field: string, 
/**
 * What is wrong with it.
 */
code: FieldErrorCode, 
/**
 * A message for people, in Indonesian.
 */
message: string, };

/**
 * Field-level error codes.
 */
export type FieldErrorCode = "required" | "wrong_type" | "out_of_range" | "invalid_choice" | "invalid_format" | "unknown_field" | "too_long" | "owned_by_supervisor";

/**
 * `POST /v1/auth/login`.
 */
export type LoginRequest = { 
/**
 * The username.
 */
username: string, 
/**
 * The password, in clear over TLS.
 */
password: string, };

/**
 * The answer to a successful login.
 */
export type LoginResponse = { 
/**
 * Opaque bearer token for the `Authorization: Bearer …` header.
 */
token: string, 
/**
 * When the token stops working.
 */
expires_at: string, 
/**
 * Who logged in.
 */
user: Me, };

/**
 * `GET /v1/me`: the authenticated user.
 */
export type Me = { 
/**
 * User id.
 */
id: string, 
/**
 * Username.
 */
username: string, 
/**
 * Name shown to people (the username when none was given).
 */
display_name: string, 
/**
 * `enumerator`, `supervisor`, `analyst` or `admin`.
 */
role: string, 
/**
 * Kemendagri codes of the areas assigned to the user; each covers its descendants.
 */
areas: Array<string>, };

/**
 * `POST /v1/users` (admin).
 */
export type CreateUserRequest = { 
/**
 * Login name: 3–64 characters, lower-case letters, digits, `.`, `_`, `-`.
 */
username: string, 
/**
 * Name shown to people.
 */
display_name: string, 
/**
 * `enumerator`, `supervisor`, `analyst` or `admin`.
 */
role: string, 
/**
 * Kemendagri codes of the assigned areas.
 */
areas: Array<string>, 
/**
 * Initial password, at least 8 characters.
 */
password: string, };

/**
 * `PUT /v1/users/{id}/areas` (admin).
 */
export type SetAreasRequest = { 
/**
 * Kemendagri codes of the assigned areas.
 */
areas: Array<string>, };

/**
 * A user as the office sees it.
 */
export type UserView = { 
/**
 * Id.
 */
id: string, 
/**
 * Login name.
 */
username: string, 
/**
 * Name shown to people.
 */
display_name: string, 
/**
 * Role.
 */
role: string, 
/**
 * Assigned areas.
 */
areas: Array<string>, 
/**
 * Whether the account may log in.
 */
active: boolean, };

/**
 * A form definition as published (the JSON in `fixtures/forms/`).
 */
export type FormDefinition = { 
/**
 * Stable form id, e.g. `survei-rt`.
 */
id: string, 
/**
 * Version number, increasing.
 */
version: number, 
/**
 * Title shown to people.
 */
title: string, 
/**
 * Household-level questions.
 */
household_fields: Array<FieldDef>, 
/**
 * Questions asked about each member.
 */
member_fields: Array<FieldDef>, 
/**
 * Photos the survey asks for.
 */
photos: Array<PhotoDef>, };

/**
 * One question. (No `deny_unknown_fields`: serde does not support it with `flatten`.)
 */
export type FieldDef = { 
/**
 * Machine name, `[a-z0-9_]`.
 */
name: string, 
/**
 * Question text.
 */
label: string, 
/**
 * Section of the form (lokasi, perumahan, aset…).
 */
section?: string | null, 
/**
 * Must be answered in a complete visit.
 */
required: boolean, 
/**
 * Who owns the answer when two people disagree.
 */
owner: FieldOwner, } & ({ "type": "text", 
/**
 * Longest accepted answer, in characters.
 */
max_length: number, 
/**
 * When set, the answer must be exactly this many digits (NIK, No KK: 16).
 */
digits?: number | null, } | { "type": "integer", 
/**
 * Smallest accepted value.
 */
min?: number | null, 
/**
 * Largest accepted value.
 */
max?: number | null, } | { "type": "decimal", 
/**
 * Smallest accepted value.
 */
min?: number | null, 
/**
 * Largest accepted value.
 */
max?: number | null, } | { "type": "select", 
/**
 * The choices with their national answer codes.
 */
choices: Array<Choice>, } | { "type": "multi_select", 
/**
 * The choices with their national answer codes.
 */
choices: Array<Choice>, } | { "type": "date" } | { "type": "boolean" });

/**
 * A question's type and constraints.
 */
export type FieldKind = { "type": "text", 
/**
 * Longest accepted answer, in characters.
 */
max_length: number, 
/**
 * When set, the answer must be exactly this many digits (NIK, No KK: 16).
 */
digits?: number | null, } | { "type": "integer", 
/**
 * Smallest accepted value.
 */
min?: number | null, 
/**
 * Largest accepted value.
 */
max?: number | null, } | { "type": "decimal", 
/**
 * Smallest accepted value.
 */
min?: number | null, 
/**
 * Largest accepted value.
 */
max?: number | null, } | { "type": "select", 
/**
 * The choices with their national answer codes.
 */
choices: Array<Choice>, } | { "type": "multi_select", 
/**
 * The choices with their national answer codes.
 */
choices: Array<Choice>, } | { "type": "date" } | { "type": "boolean" };

/**
 * Who owns a field's value in a conflict.
 */
export type FieldOwner = "answer" | "supervisor";

/**
 * One answer choice.
 */
export type Choice = { 
/**
 * National answer code.
 */
code: number, 
/**
 * Text shown to people.
 */
label: string, };

/**
 * A photo the survey asks for.
 */
export type PhotoDef = { 
/**
 * Photo kind, e.g. `tampak_depan`.
 */
kind: string, 
/**
 * Text shown to people.
 */
label: string, 
/**
 * Must be taken in a complete visit.
 */
required: boolean, };

/**
 * A published form, without its questions.
 */
export type FormSummary = { 
/**
 * Stable form id, e.g. `survei-rt`.
 */
id: string, 
/**
 * Its newest published version.
 */
version: number, 
/**
 * Title shown to people.
 */
title: string, 
/**
 * When that version was published.
 */
published_at: string, };

/**
 * `GET /v1/forms`: the newest published version of every form, by id; new surveys use it.
 */
export type FormList = { 
/**
 * The forms.
 */
forms: Array<FormSummary>, };

/**
 * A stored same-field conflict, for a supervisor (`GET /v1/conflicts`).
 */
export type ConflictView = { 
/**
 * Id.
 */
id: string, 
/**
 * The household.
 */
household_id: string, 
/**
 * Its desa/kelurahan.
 */
area_code: string, 
/**
 * What was in conflict.
 */
target: ConflictTarget, 
/**
 * The policy that decided.
 */
policy: FieldPolicy, 
/**
 * Which value the field kept.
 */
winner: Winner, 
/**
 * The version the later edit was based on.
 */
base_version: number, 
/**
 * The value that was stored before the later edit.
 */
stored_value: JsonValue, 
/**
 * Who wrote it, when (HLC) and at which version.
 */
stored: Stamp, 
/**
 * The later edit's value.
 */
incoming_value: JsonValue, 
/**
 * Who wrote it, when (HLC) and at which version.
 */
incoming: Stamp, 
/**
 * When the server met the conflict.
 */
created_at: string, 
/**
 * Who wrote the stored value, by name.
 */
stored_by?: Person | null, 
/**
 * Who wrote the later edit's value, by name.
 */
incoming_by?: Person | null, 
/**
 * How a supervisor settled it; absent while it is open.
 */
resolution?: Resolution | null, };

/**
 * `GET /v1/households/{id}/score`: the local poverty score (BPS 14 criteria).
 */
export type HouseholdScore = { 
/**
 * The household.
 */
household_id: string, 
/**
 * The household version the score was computed from.
 */
version: number, 
/**
 * Criteria met.
 */
met: number, 
/**
 * Criteria whose answers are missing.
 */
unknown: number, 
/**
 * `poor` (at least the cut-off met), `not_poor` (cannot reach it), `undetermined`.
 */
verdict: string, 
/**
 * One per criterion, in BPS order.
 */
criteria: Array<CriterionView>, 
/**
 * When it was computed.
 */
computed_at: string, };

/**
 * One criterion's result and the answers that decided it.
 */
export type CriterionView = { 
/**
 * Stable code (`luas_lantai`, `jenis_lantai`, … `tabungan`).
 */
code: string, 
/**
 * Met, not met, or unknown (`null`).
 */
met?: boolean | null, 
/**
 * The answers read, by field name.
 */
evidence: { [key in string]: JsonValue }, };

/**
 * An area named by code and name.
 */
export type AreaRef = { 
/**
 * Kemendagri code.
 */
code: string, 
/**
 * Name.
 */
name: string, };

/**
 * `GET /v1/areas?under=…&level=…`: the kecamatan or desa below an area that the caller's
 * areas cover, in code order.
 */
export type AreaListing = { 
/**
 * The area asked about.
 */
under: string, 
/**
 * `kecamatan` or `desa` (desa and kelurahan).
 */
level: string, 
/**
 * The areas.
 */
areas: Array<AreaRef>, };

/**
 * `GET /v1/areas/locate?lat=…&lon=…`: the desa or kelurahan whose boundary holds a point.
 */
export type LocatedArea = { 
/**
 * The desa or kelurahan.
 */
desa: AreaRef, 
/**
 * `desa` or `kelurahan`.
 */
level: string, 
/**
 * Its kecamatan.
 */
kecamatan?: AreaRef | null, 
/**
 * Whether the caller's assigned areas cover it.
 */
in_scope: boolean, };

/**
 * One data-quality flag of a visit.
 */
export type QualityFlagView = { 
/**
 * How serious.
 */
severity: Severity, } & ({ "code": "gps_outside_desa", "evidence": { 
/**
 * The fix.
 */
latitude: number, 
/**
 * The fix.
 */
longitude: number, 
/**
 * The household's desa.
 */
desa: string, 
/**
 * The desa that holds the fix, if any.
 */
located_in: string | null, 
/**
 * How far outside the border, metres.
 */
distance_m: number, 
/**
 * The margin applied (the border margin or the fix's accuracy), metres.
 */
margin_m: number, } } | { "code": "gps_mock", "evidence": Record<symbol, never> } | { "code": "gps_accuracy_zero", "evidence": { 
/**
 * The accuracy reported.
 */
accuracy_m: number, } } | { "code": "gps_inaccurate", "evidence": { 
/**
 * The accuracy reported, metres.
 */
accuracy_m: number, 
/**
 * The threshold, metres.
 */
max_accuracy_m: number, } } | { "code": "impossible_travel", "evidence": { 
/**
 * The previous visit.
 */
previous_visit: string, 
/**
 * Distance between the fixes, km.
 */
km: number, 
/**
 * Time between the previous visit's end and this one's start, minutes.
 */
minutes: number, 
/**
 * The speed (`null` when no time passed).
 */
kmh: number | null, 
/**
 * The threshold, km/h.
 */
max_kmh: number, } } | { "code": "duplicate_coordinates", "evidence": { 
/**
 * The fix.
 */
latitude: number, 
/**
 * The fix.
 */
longitude: number, 
/**
 * The other households in the reader's areas.
 */
households: Array<string>, 
/**
 * The others, counted.
 */
households_outside_your_areas?: number, } } | { "code": "photo_gps_far", "evidence": { 
/**
 * The photo.
 */
photo: string, 
/**
 * Distance from the fix, metres.
 */
metres: number, 
/**
 * The threshold, metres.
 */
max_metres: number, } } | { "code": "photo_time_far", "evidence": { 
/**
 * The photo.
 */
photo: string, 
/**
 * The EXIF time as the camera wrote it.
 */
taken_at: string, 
/**
 * Hours outside the interview.
 */
hours: number, 
/**
 * The threshold, hours.
 */
max_hours: number, } } | { "code": "photo_reused", "evidence": { 
/**
 * This visit's photo.
 */
photo: string, 
/**
 * The look-alikes in the reader's areas.
 */
matches: Array<PhotoMatch>, 
/**
 * The others, counted.
 */
matches_outside_your_areas?: number, } } | { "code": "nik_invalid", "evidence": { 
/**
 * The member.
 */
member: string, 
/**
 * The NIK, masked.
 */
nik: string, 
/**
 * What is wrong, in Indonesian.
 */
reason: string, } } | { "code": "nik_sex_mismatch", "evidence": { 
/**
 * The member.
 */
member: string, 
/**
 * The NIK, masked.
 */
nik: string, 
/**
 * `laki-laki` or `perempuan`.
 */
nik_says: string, 
/**
 * `laki-laki` or `perempuan`.
 */
form_says: string, } } | { "code": "nik_birth_date_mismatch", "evidence": { 
/**
 * The member.
 */
member: string, 
/**
 * The NIK, masked.
 */
nik: string, 
/**
 * `YYYY-MM-DD`.
 */
nik_says: string, 
/**
 * `YYYY-MM-DD`.
 */
form_says: string, } } | { "code": "nik_region_elsewhere", "evidence": { 
/**
 * The member.
 */
member: string, 
/**
 * The NIK, masked.
 */
nik: string, 
/**
 * The six region digits of the NIK.
 */
nik_region: string, } } | { "code": "nik_duplicate", "evidence": { 
/**
 * The member.
 */
member: string, 
/**
 * The NIK, masked.
 */
nik: string, 
/**
 * The other households in the reader's areas.
 */
households: Array<string>, 
/**
 * The others, counted.
 */
households_outside_your_areas?: number, } } | { "code": "no_kk_invalid", "evidence": { 
/**
 * The No KK, masked.
 */
no_kk: string, 
/**
 * What is wrong, in Indonesian.
 */
reason: string, } } | { "code": "interview_too_short", "evidence": { 
/**
 * How long it lasted.
 */
minutes: number, 
/**
 * The threshold.
 */
min_minutes: number, } });

/**
 * A flag's code with its evidence. Evidence naming other households names only those in the
 * reader's areas; the others are counted (`…_outside_your_areas`). NIK and No KK are masked.
 */
export type FlagEvidence = { "code": "gps_outside_desa", "evidence": { 
/**
 * The fix.
 */
latitude: number, 
/**
 * The fix.
 */
longitude: number, 
/**
 * The household's desa.
 */
desa: string, 
/**
 * The desa that holds the fix, if any.
 */
located_in: string | null, 
/**
 * How far outside the border, metres.
 */
distance_m: number, 
/**
 * The margin applied (the border margin or the fix's accuracy), metres.
 */
margin_m: number, } } | { "code": "gps_mock", "evidence": Record<symbol, never> } | { "code": "gps_accuracy_zero", "evidence": { 
/**
 * The accuracy reported.
 */
accuracy_m: number, } } | { "code": "gps_inaccurate", "evidence": { 
/**
 * The accuracy reported, metres.
 */
accuracy_m: number, 
/**
 * The threshold, metres.
 */
max_accuracy_m: number, } } | { "code": "impossible_travel", "evidence": { 
/**
 * The previous visit.
 */
previous_visit: string, 
/**
 * Distance between the fixes, km.
 */
km: number, 
/**
 * Time between the previous visit's end and this one's start, minutes.
 */
minutes: number, 
/**
 * The speed (`null` when no time passed).
 */
kmh: number | null, 
/**
 * The threshold, km/h.
 */
max_kmh: number, } } | { "code": "duplicate_coordinates", "evidence": { 
/**
 * The fix.
 */
latitude: number, 
/**
 * The fix.
 */
longitude: number, 
/**
 * The other households in the reader's areas.
 */
households: Array<string>, 
/**
 * The others, counted.
 */
households_outside_your_areas?: number, } } | { "code": "photo_gps_far", "evidence": { 
/**
 * The photo.
 */
photo: string, 
/**
 * Distance from the fix, metres.
 */
metres: number, 
/**
 * The threshold, metres.
 */
max_metres: number, } } | { "code": "photo_time_far", "evidence": { 
/**
 * The photo.
 */
photo: string, 
/**
 * The EXIF time as the camera wrote it.
 */
taken_at: string, 
/**
 * Hours outside the interview.
 */
hours: number, 
/**
 * The threshold, hours.
 */
max_hours: number, } } | { "code": "photo_reused", "evidence": { 
/**
 * This visit's photo.
 */
photo: string, 
/**
 * The look-alikes in the reader's areas.
 */
matches: Array<PhotoMatch>, 
/**
 * The others, counted.
 */
matches_outside_your_areas?: number, } } | { "code": "nik_invalid", "evidence": { 
/**
 * The member.
 */
member: string, 
/**
 * The NIK, masked.
 */
nik: string, 
/**
 * What is wrong, in Indonesian.
 */
reason: string, } } | { "code": "nik_sex_mismatch", "evidence": { 
/**
 * The member.
 */
member: string, 
/**
 * The NIK, masked.
 */
nik: string, 
/**
 * `laki-laki` or `perempuan`.
 */
nik_says: string, 
/**
 * `laki-laki` or `perempuan`.
 */
form_says: string, } } | { "code": "nik_birth_date_mismatch", "evidence": { 
/**
 * The member.
 */
member: string, 
/**
 * The NIK, masked.
 */
nik: string, 
/**
 * `YYYY-MM-DD`.
 */
nik_says: string, 
/**
 * `YYYY-MM-DD`.
 */
form_says: string, } } | { "code": "nik_region_elsewhere", "evidence": { 
/**
 * The member.
 */
member: string, 
/**
 * The NIK, masked.
 */
nik: string, 
/**
 * The six region digits of the NIK.
 */
nik_region: string, } } | { "code": "nik_duplicate", "evidence": { 
/**
 * The member.
 */
member: string, 
/**
 * The NIK, masked.
 */
nik: string, 
/**
 * The other households in the reader's areas.
 */
households: Array<string>, 
/**
 * The others, counted.
 */
households_outside_your_areas?: number, } } | { "code": "no_kk_invalid", "evidence": { 
/**
 * The No KK, masked.
 */
no_kk: string, 
/**
 * What is wrong, in Indonesian.
 */
reason: string, } } | { "code": "interview_too_short", "evidence": { 
/**
 * How long it lasted.
 */
minutes: number, 
/**
 * The threshold.
 */
min_minutes: number, } };

/**
 * A photo of another household that looks like one of this visit's.
 */
export type PhotoMatch = { 
/**
 * The other photo's SHA-256.
 */
photo: string, 
/**
 * The household whose visit names it.
 */
household: string, 
/**
 * Hamming distance of the perceptual hashes (bits).
 */
distance: number, };

/**
 * How serious a flag is.
 */
export type Severity = "low" | "medium" | "high";

/**
 * Where a visit's data-quality check stands.
 */
export type CheckState = "pending" | "done" | "failed" | "unknown";

/**
 * The data-quality check of one visit.
 */
export type VisitQuality = { 
/**
 * The visit.
 */
visit_id: string, 
/**
 * Where its check stands.
 */
state: CheckState, 
/**
 * Risk score 0–100 of the last check (the sum of its flags' points).
 */
risk?: number | null, 
/**
 * When it was last checked.
 */
checked_at?: string | null, 
/**
 * Flags of the last check.
 */
flags: Array<QualityFlagView>, };

/**
 * `GET /v1/households/{id}/flags`: the checks of the household's visits.
 */
export type HouseholdQuality = { 
/**
 * The household.
 */
household_id: string, 
/**
 * One per visit, the most recently checked first.
 */
visits: Array<VisitQuality>, };

/**
 * `GET /v1/indicators?area=…&level=…`: administrative indicators of every kecamatan or desa
 * under an area.
 */
export type IndicatorsResponse = { 
/**
 * The area asked about.
 */
area: AreaRef, 
/**
 * `kecamatan` or `desa` (desa and kelurahan).
 */
level: string, 
/**
 * What `poor_share` divides by, in Indonesian, to be shown with the figure.
 */
poor_share_basis: string, 
/**
 * One per area at `level`, in code order, including areas without households.
 */
areas: Array<AreaIndicators>, };

/**
 * The figures of one area.
 */
export type AreaIndicators = { 
/**
 * Code.
 */
code: string, 
/**
 * Name.
 */
name: string, 
/**
 * Households surveyed (not deleted).
 */
households_surveyed: number, 
/**
 * Of those, approved by a supervisor.
 */
households_approved: number, 
/**
 * Meeting the local cut-off (`scoring.poor_at_least` of the BPS 14 criteria).
 */
poor: number, 
/**
 * Decided not poor.
 */
not_poor: number, 
/**
 * Not decidable yet (answers missing) or not scored.
 */
undetermined: number, 
/**
 * `poor / (poor + not_poor)`; `null` when no household is decided.
 */
poor_share?: number | null, 
/**
 * Households meeting each criterion, by criterion code.
 */
criteria_met: { [key in string]: number }, 
/**
 * Households with at least one quality flag.
 */
households_flagged: number, 
/**
 * Households with each flag, by code.
 */
flags: { [key in string]: number }, 
/**
 * Households by review status, and those waiting longer than `review.due_days`.
 */
review: ReviewCounts, 
/**
 * For analysts: the area has households, but too few to show (`privacy.min_cell`); every
 * figure above is withheld (0).
 */
suppressed: boolean, };

/**
 * `GET /v1/photos/{sha256}` when the server has the photo.
 */
export type PhotoInfo = { 
/**
 * Lower-case hex SHA-256 of the file.
 */
sha256: string, 
/**
 * Size in bytes.
 */
size: number, 
/**
 * When the server stored it.
 */
stored_at: string, };

/**
 * Whether the server has a photo a visit names.
 */
export type PhotoStatus = "pending" | "stored";

/**
 * One photo of a household's visits: `GET /v1/households/{id}/photos`.
 */
export type HouseholdPhoto = { 
/**
 * The visit that names it.
 */
visit_id: string, 
/**
 * What it shows (`tampak_depan`, `lantai`…).
 */
kind: string, 
/**
 * Lower-case hex SHA-256 of the file.
 */
sha256: string, 
/**
 * `pending` until the phone has uploaded it.
 */
status: PhotoStatus, 
/**
 * Size in bytes, once stored.
 */
size?: number | null, 
/**
 * When the visit ended on the phone.
 */
visit_ended_at: string, };

/**
 * Where a stored photo stands in the image pipeline.
 */
export type Processing = "queued" | "done" | "unsupported" | "failed";

/**
 * `GET /v1/photos/{sha256}/details`: what the server learned from a photo.
 */
export type PhotoDetails = { 
/**
 * Lower-case hex SHA-256 of the file.
 */
sha256: string, 
/**
 * Size in bytes.
 */
size: number, 
/**
 * When the server stored it.
 */
stored_at: string, 
/**
 * Pipeline state.
 */
processing: Processing, 
/**
 * Why processing failed or is limited.
 */
error?: string | null, 
/**
 * Real format read from the bytes: `jpeg`, `png`, `webp`, `heic`.
 */
format?: string | null, 
/**
 * Width as seen (EXIF orientation applied).
 */
width?: number | null, 
/**
 * Height as seen (EXIF orientation applied).
 */
height?: number | null, 
/**
 * EXIF time taken, camera clock: `YYYY-MM-DDTHH:MM:SS`, with `±HH:MM` when the camera
 * recorded its offset.
 */
taken_at?: string | null, 
/**
 * EXIF GPS latitude.
 */
latitude?: number | null, 
/**
 * EXIF GPS longitude.
 */
longitude?: number | null, 
/**
 * EXIF orientation (1–8).
 */
orientation?: number | null, 
/**
 * EXIF make and model.
 */
camera?: string | null, 
/**
 * Why the EXIF could not be read (the photo is processed anyway).
 */
exif_error?: string | null, 
/**
 * 64-bit perceptual hash, 16 hex digits.
 */
phash?: string | null, };

/**
 * `GET /v1/photos/{sha256}/similar`: a photo of another household that looks alike.
 */
export type SimilarPhoto = { 
/**
 * The similar photo.
 */
sha256: string, 
/**
 * Bits its perceptual hash differs in (0 = the same picture).
 */
distance: number, 
/**
 * The household whose visit names it.
 */
household_id: string, 
/**
 * The visit that names it.
 */
visit_id: string, 
/**
 * What it shows.
 */
kind: string, };

/**
 * Where a household stands in review. Set by the server only: push cannot write it.
 */
export type ReviewStatus = "pending" | "approved" | "returned" | "rejected" | "resubmitted" | "unknown";

/**
 * A supervisor's decision.
 */
export type Decision = "approve" | "return" | "reject";

/**
 * Why a household was rejected.
 */
export type RejectReason = "duplicate" | "not_found" | "moved_away" | "refused" | "not_eligible" | "fabricated" | "other";

/**
 * What a note of a returned household is about.
 */
export type NoteTarget = { "kind": "household", 
/**
 * The answer's key.
 */
field: string, } | { "kind": "member", 
/**
 * The member.
 */
member_id: string, 
/**
 * The answer's key; the whole member when absent.
 */
field?: string | null, } | { "kind": "photo", 
/**
 * Lower-case hex SHA-256.
 */
sha256: string, };

/**
 * A note on one answer, member or photo of a returned household.
 */
export type FieldNote = { 
/**
 * What it is about.
 */
target: NoteTarget, 
/**
 * The note, for the field worker.
 */
note: string, };

/**
 * `POST /v1/households/{id}/review`: a decision on the household as it is at `version`.
 */
export type DecideRequest = { 
/**
 * The household version the supervisor looked at. A decision on any other version than
 * the current one is refused (`409 stale_version`).
 */
version: number, 
/**
 * The decision.
 */
decision: Decision, 
/**
 * Required to return; optional otherwise.
 */
note?: string | null, 
/**
 * Notes on single answers, members or photos (returns only).
 */
field_notes?: Array<FieldNote>, 
/**
 * Required to reject.
 */
reason?: RejectReason | null, };

/**
 * A decision as stored: in pull (the household's last decision), in the answer to a
 * decision, and in a household's history.
 */
export type ReviewView = { 
/**
 * Id of the decision.
 */
id: string, 
/**
 * The decision.
 */
decision: Decision, 
/**
 * Why it was rejected.
 */
reason?: RejectReason | null, 
/**
 * The supervisor's note.
 */
note?: string | null, 
/**
 * Notes on single answers, members or photos.
 */
field_notes?: Array<FieldNote>, 
/**
 * The household version the decision was made on (the decision itself made the next).
 */
version: number, 
/**
 * The supervisor's name as shown to people (never the username).
 */
decided_by: string, 
/**
 * When.
 */
decided_at: string, };

/**
 * The answer to a decision.
 */
export type DecideResponse = { 
/**
 * The household.
 */
household_id: string, 
/**
 * Its version after the decision.
 */
version: number, 
/**
 * Its review status now.
 */
review_status: ReviewStatus, 
/**
 * The decision as stored.
 */
review: ReviewView, };

/**
 * What made one household version, as a household's history and a stale decision's answer
 * list them.
 */
export type ChangeKind = "create" | "update" | "move" | "delete" | "add_member" | "update_member" | "remove_member" | "put_family" | "visit" | "review" | "resolve" | "unknown";

/**
 * One value changed by a version.
 */
export type FieldChange = { 
/**
 * Which value (a household answer, a member's answer, a family's No KK, or a pseudo-field
 * such as `@deleted`, `@area`, `@removed`).
 */
target: ConflictTarget, 
/**
 * Before the version (`null`: not answered, or the record did not exist).
 */
before: JsonValue, 
/**
 * After it.
 */
after: JsonValue, };

/**
 * A person named in a history or a conflict.
 */
export type Person = { 
/**
 * User id.
 */
id: string, 
/**
 * Name shown to people.
 */
name: string, };

/**
 * One household version.
 */
export type VersionEntry = { 
/**
 * The version.
 */
version: number, 
/**
 * When the server made it.
 */
at: string, 
/**
 * What made it.
 */
kind: ChangeKind, 
/**
 * Who (absent for versions written before histories were kept).
 */
by?: Person | null, 
/**
 * The values it changed. A `create` lists none: its answers are the first values.
 */
changes?: Array<FieldChange>, 
/**
 * With `visit`: the visit.
 */
visit_id?: string | null, 
/**
 * With `review`: the decision.
 */
review_id?: string | null, 
/**
 * With `resolve`: the conflict settled.
 */
conflict_id?: string | null, };

/**
 * Which value a settlement keeps.
 */
export type Keep = "stored" | "incoming" | "value";

/**
 * `POST /v1/conflicts/{id}/resolve`.
 */
export type ResolveRequest = { 
/**
 * The household version the supervisor looked at (`409 stale_version` otherwise).
 */
version: number, 
/**
 * Which value to keep.
 */
keep: Keep, 
/**
 * With `keep: value`: the value (`null` clears an answer). Absent otherwise; a `null`
 * that is sent is a value (`Some(Value::Null)`), not an absent one.
 */
value?: JsonValue | null, };

/**
 * How a conflict was settled.
 */
export type Resolution = { 
/**
 * Which value was kept.
 */
keep: Keep, 
/**
 * The value the field holds now.
 */
value: JsonValue, 
/**
 * The household version the settlement made; absent when the field already held it.
 */
version?: number | null, 
/**
 * Who settled it.
 */
by: Person, 
/**
 * When.
 */
at: string, };

/**
 * The answer to a settlement.
 */
export type ResolveResponse = { 
/**
 * The conflict.
 */
conflict_id: string, 
/**
 * Its household.
 */
household_id: string, 
/**
 * The household's version now.
 */
household_version: number, 
/**
 * How it was settled.
 */
resolution: Resolution, };

/**
 * A household's history (`GET /v1/households/{id}/history`): its versions, decisions and
 * conflicts, oldest first.
 */
export type HouseholdHistory = { 
/**
 * The household.
 */
household_id: string, 
/**
 * Its current version.
 */
version: number, 
/**
 * Its review status now.
 */
review_status: ReviewStatus, 
/**
 * Every version.
 */
versions: Array<VersionEntry>, 
/**
 * Every decision.
 */
reviews: Array<ReviewView>, 
/**
 * Every conflict, settled or not.
 */
conflicts: Array<ConflictView>, };

/**
 * The body of `409 stale_version`: the decision named a version that is no longer current.
 */
export type StaleVersion = { 
/**
 * The household's current version.
 */
current_version: number, 
/**
 * What changed after the version the decision named.
 */
changes: Array<VersionEntry>, };

/**
 * In what order the queue lists households.
 */
export type QueueOrder = "risk" | "age";

/**
 * One household waiting for a decision.
 */
export type QueueItem = { 
/**
 * The household.
 */
household_id: string, 
/**
 * Its current version (what a decision names).
 */
version: number, 
/**
 * `pending` or `resubmitted`.
 */
review_status: ReviewStatus, 
/**
 * Its desa or kelurahan.
 */
desa: AreaRef, 
/**
 * The desa's kecamatan.
 */
kecamatan?: AreaRef | null, 
/**
 * The head of household's name, as answered.
 */
head_name?: string | null, 
/**
 * The highest risk score (0–100) of its visits' checks.
 */
risk: number, 
/**
 * The flag codes of its visits' checks, each once.
 */
flags: Array<string>, 
/**
 * Photos its visits name.
 */
photos: number, 
/**
 * Since when it has waited.
 */
waiting_since: string, 
/**
 * Whole days it has waited.
 */
waiting_days: number, 
/**
 * Waiting longer than `review.due_days`.
 */
overdue: boolean, };

/**
 * Households waiting, by status, in the queue's scope and filters (without the cursor). Each
 * count stops at `counted_up_to`: a count equal to it means at least that many.
 */
export type QueueCounts = { 
/**
 * `pending`.
 */
pending: number, 
/**
 * `resubmitted`.
 */
resubmitted: number, 
/**
 * Of those, waiting longer than `review.due_days`.
 */
overdue: number, 
/**
 * Where counting stops.
 */
counted_up_to: number, };

/**
 * `GET /v1/reviews/queue`.
 */
export type QueuePage = { 
/**
 * One page, in the asked order.
 */
items: Array<QueueItem>, 
/**
 * Pass as `cursor` for the next page; absent on the last page.
 */
next_cursor?: string | null, 
/**
 * Households waiting under the same filters.
 */
counts: QueueCounts, 
/**
 * The `review.due_days` the server counts overdue from.
 */
due_days: number, };

/**
 * One household of a bulk approval, at the version the supervisor looked at.
 */
export type BulkItem = { 
/**
 * The household.
 */
household_id: string, 
/**
 * The version looked at.
 */
version: number, };

/**
 * `POST /v1/reviews/approve`: approve many households in one request.
 */
export type BulkApproveRequest = { 
/**
 * At most `MAX_BULK_APPROVE` households, each once.
 */
items: Array<BulkItem>, };

/**
 * What became of one household of a bulk approval.
 */
export type BulkOutcome = "approved" | "stale_version" | "not_found" | "four_eyes" | "household_deleted";

/**
 * One answer of a bulk approval.
 */
export type BulkResult = { 
/**
 * The household.
 */
household_id: string, 
/**
 * What became of it.
 */
outcome: BulkOutcome, 
/**
 * Its version now (absent when not found).
 */
version?: number | null, 
/**
 * For people, in Indonesian.
 */
message: string, };

/**
 * The answer to a bulk approval: one result per item, in the request's order.
 */
export type BulkApproveResponse = { 
/**
 * One per item.
 */
results: Array<BulkResult>, };

/**
 * Households of an area by review status (in indicators).
 */
export type ReviewCounts = { 
/**
 * Waiting, new or changed since the last decision.
 */
pending: number, 
/**
 * Waiting, fixed after a return.
 */
resubmitted: number, 
/**
 * Approved.
 */
approved: number, 
/**
 * Returned to the field worker.
 */
returned: number, 
/**
 * Rejected.
 */
rejected: number, 
/**
 * Waiting longer than `review.due_days`.
 */
overdue: number, };

/**
 * `"FeatureCollection"`.
 */
export type FeatureCollectionType = "FeatureCollection";

/**
 * `"Feature"`.
 */
export type FeatureType = "Feature";

/**
 * A GeoJSON geometry.
 */
export type Geometry = { "type": "Point", 
/**
 * Where.
 */
coordinates: [number, number], } | { "type": "Polygon", 
/**
 * The rings.
 */
coordinates: Array<Array<[number, number]>>, } | { "type": "MultiPolygon", 
/**
 * The polygons.
 */
coordinates: Array<Array<Array<[number, number]>>>, };

/**
 * What a point of the household map stands for.
 */
export type HouseholdMark = { 
/**
 * The household.
 */
id: string, 
/**
 * Its desa or kelurahan.
 */
desa: string, 
/**
 * `pending`, `approved`, …
 */
review_status: ReviewStatus, 
/**
 * The local verdict (`poor`, `not_poor`, `undetermined`), when scored.
 */
verdict: string | null, 
/**
 * Criteria met, when scored.
 */
criteria_met: number | null, } | { 
/**
 * Always `true`.
 */
cluster: boolean, 
/**
 * How many.
 */
households: number, 
/**
 * Of which poor by the local score.
 */
poor: number, };

/**
 * One point of the household map.
 */
export type HouseholdFeature = { 
/**
 * `"Feature"`.
 */
type: FeatureType, 
/**
 * A point.
 */
geometry: Geometry, 
/**
 * A household or a cluster.
 */
properties: HouseholdMark, };

/**
 * `GET /v1/map/households`: the households of a viewport, as points or as clusters.
 */
export type HouseholdMap = { 
/**
 * `"FeatureCollection"`.
 */
type: FeatureCollectionType, 
/**
 * Households in the viewport (for analysts: in the whole cells it covers).
 */
households: number, 
/**
 * Whether the features are clusters.
 */
clustered: boolean, 
/**
 * Households left out. Always 0 for analysts: their cells of too few households are left
 * out of every count, `households` included, so that no viewport reveals one.
 */
suppressed: number, 
/**
 * The points.
 */
features: Array<HouseholdFeature>, };

/**
 * One desa or kelurahan of the desa map.
 */
export type DesaFeature = { 
/**
 * `"Feature"`.
 */
type: FeatureType, 
/**
 * Its boundary.
 */
geometry: Geometry, 
/**
 * Its figures, as in the indicators.
 */
properties: AreaIndicators, };

/**
 * `GET /v1/map/desa`: the desa and kelurahan under an area that have a boundary, with their
 * figures, for a choropleth.
 */
export type DesaMap = { 
/**
 * `"FeatureCollection"`.
 */
type: FeatureCollectionType, 
/**
 * What `poor_share` divides by, in Indonesian, to be shown with the figure.
 */
poor_share_basis: string, 
/**
 * The desa.
 */
features: Array<DesaFeature>, };

/**
 * What a feature of a household's places stands for.
 */
export type Place = { "place": "desa", 
/**
 * Its code.
 */
code: string, } | { "place": "visit", 
/**
 * The visit.
 */
visit_id: string, 
/**
 * When it ended.
 */
ended_at: string, 
/**
 * The fix's accuracy in metres, when the phone gave one.
 */
accuracy_m: number | null, 
/**
 * Whether the phone said the position was mocked.
 */
mock: boolean, } | { "place": "photo", 
/**
 * The visit naming it.
 */
visit_id: string, 
/**
 * Its kind (`depan`, `dalam`, …).
 */
kind: string, 
/**
 * Its hash.
 */
sha256: string, 
/**
 * The EXIF time it was taken, as the camera wrote it.
 */
taken_at: string | null, };

/**
 * One feature of a household's places.
 */
export type PlaceFeature = { 
/**
 * `"Feature"`.
 */
type: FeatureType, 
/**
 * A polygon for the desa, a point otherwise.
 */
geometry: Geometry, 
/**
 * What it stands for.
 */
properties: Place, };

/**
 * `GET /v1/households/{id}/places`: where a household was surveyed — its desa's boundary
 * (when the server has it), each visit's GPS fix (oldest first) and each photo's EXIF
 * position — for the small map of the household page.
 */
export type HouseholdPlaces = { 
/**
 * `"FeatureCollection"`.
 */
type: FeatureCollectionType, 
/**
 * The desa first, then the visits, then the photos.
 */
features: Array<PlaceFeature>, };

/**
 * `GET /v1/map/basemap`: what the console's map draws under the desa polygons.
 */
export type Basemap = { "kind": "none" } | { "kind": "tiles", 
/**
 * The URL template, with `{z}`, `{x}` and `{y}`.
 */
url: string, 
/**
 * Who to credit.
 */
attribution: string, } | { "kind": "pmtiles", 
/**
 * Where: `/v1/map/basemap.pmtiles`.
 */
url: string, 
/**
 * Who to credit.
 */
attribution: string, };

