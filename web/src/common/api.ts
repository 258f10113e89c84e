// The one typed client of the server's JSON API: every request and answer shape comes from
// the Rust wire types (src/generated/protocol.ts). The bearer token travels in a header, never
// in a cookie, so the API has no CSRF surface.

import type {
  AreaListing,
  Basemap,
  BulkApproveRequest,
  BulkApproveResponse,
  ConflictView,
  CreateUserRequest,
  DecideRequest,
  DesaMap,
  DecideResponse,
  ErrorBody,
  FormDefinition,
  FormList,
  HouseholdHistory,
  HouseholdMap,
  HouseholdPhoto,
  HouseholdQuality,
  HouseholdPlaces,
  HouseholdScore,
  HouseholdSnapshot,
  IndicatorsResponse,
  LoginResponse,
  Me,
  PhotoDetails,
  PullResponse,
  PushRequest,
  PushResponse,
  QueueOrder,
  QueuePage,
  ResolveRequest,
  ResolveResponse,
  SetAreasRequest,
  UserView,
} from "../generated/protocol";

/** An answer other than 2xx, with the server's error body when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
    /** Seconds to wait before asking again, from the `Retry-After` header (`503`, `429`). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(body?.message ?? `HTTP ${status}`);
  }

  /** The token is missing, unknown, expired or revoked: the user logs in again. */
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

/** The seconds of a `Retry-After` header; `null` when absent or not a number of seconds (the
 * server never sends the date form). */
export function retryAfterHeader(value: string | null | undefined): number | null {
  if (!value || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** The server could not be reached at all. */
export class NetworkError extends Error {}

/** A filter of the review queue, as the page holds it. */
export interface QueueQuery {
  area?: string;
  status?: "pending" | "resubmitted";
  flag?: string;
  overdue?: boolean;
  order?: QueueOrder;
  cursor?: string;
  limit?: number;
}

export class Api {
  /**
   * @param token the bearer token, read at each request (it changes at login)
   * @param unauthorized called when the server says the token no longer works
   */
  constructor(
    private readonly token: () => string | null,
    private readonly unauthorized: () => void,
  ) {}

  private async send(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new NetworkError("server tidak dapat dihubungi");
    }
    if (response.ok) return response;
    let error: ErrorBody | null = null;
    try {
      error = (await response.json()) as ErrorBody;
    } catch {
      error = null;
    }
    const failure = new ApiError(response.status, error, retryAfterHeader(response.headers.get("retry-after")));
    if (failure.unauthorized && token) this.unauthorized();
    throw failure;
  }

  private async json<T>(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const response = await this.send(method, path, body, signal);
    return (await response.json()) as T;
  }

  login(username: string, password: string): Promise<LoginResponse> {
    return this.json("POST", "/v1/auth/login", { username, password });
  }

  async logout(): Promise<void> {
    await this.send("POST", "/v1/auth/logout");
  }

  /** Sends mutations of the phone's outbox (PROTOCOL.md §4). */
  push(request: PushRequest): Promise<PushResponse> {
    return this.json("POST", "/v1/sync/push", request);
  }

  /** Whether the server has the photo (`404` when not: an `ApiError`). */
  async photoStored(sha256: string): Promise<void> {
    await this.send("GET", `/v1/photos/${sha256}`);
  }

  /** The newest published version of every form. */
  forms(): Promise<FormList> {
    return this.json("GET", "/v1/forms");
  }

  /** One page of the changes in the user's areas after `cursor` (PROTOCOL.md §6). */
  pull(cursor: string | undefined, limit = 200): Promise<PullResponse> {
    const params = new URLSearchParams({ limit: String(limit) });
    if (cursor) params.set("cursor", cursor);
    return this.json("GET", `/v1/sync/pull?${params}`);
  }

  me(): Promise<Me> {
    return this.json("GET", "/v1/me");
  }

  queue(query: QueueQuery): Promise<QueuePage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== "" && value !== false) params.set(key, String(value));
    }
    const text = params.toString();
    return this.json("GET", `/v1/reviews/queue${text ? `?${text}` : ""}`);
  }

  approveMany(request: BulkApproveRequest): Promise<BulkApproveResponse> {
    return this.json("POST", "/v1/reviews/approve", request);
  }

  household(id: string): Promise<HouseholdSnapshot> {
    return this.json("GET", `/v1/households/${id}`);
  }

  decide(id: string, request: DecideRequest): Promise<DecideResponse> {
    return this.json("POST", `/v1/households/${id}/review`, request);
  }

  history(id: string): Promise<HouseholdHistory> {
    return this.json("GET", `/v1/households/${id}/history`);
  }

  flags(id: string): Promise<HouseholdQuality> {
    return this.json("GET", `/v1/households/${id}/flags`);
  }

  places(id: string): Promise<HouseholdPlaces> {
    return this.json("GET", `/v1/households/${id}/places`);
  }

  score(id: string): Promise<HouseholdScore> {
    return this.json("GET", `/v1/households/${id}/score`);
  }

  photos(id: string): Promise<HouseholdPhoto[]> {
    return this.json("GET", `/v1/households/${id}/photos`);
  }

  photoDetails(sha256: string): Promise<PhotoDetails> {
    return this.json("GET", `/v1/photos/${sha256}/details`);
  }

  conflicts(householdId: string): Promise<ConflictView[]> {
    return this.json("GET", `/v1/conflicts?household_id=${householdId}`);
  }

  resolve(conflictId: string, request: ResolveRequest): Promise<ResolveResponse> {
    return this.json("POST", `/v1/conflicts/${conflictId}/resolve`, request);
  }

  form(id: string, version: number): Promise<FormDefinition> {
    return this.json("GET", `/v1/forms/${id}/${version}`);
  }

  areas(under: string, level: "kecamatan" | "desa"): Promise<AreaListing> {
    return this.json("GET", `/v1/areas?under=${encodeURIComponent(under)}&level=${level}`);
  }

  indicators(area: string, level: "kecamatan" | "desa"): Promise<IndicatorsResponse> {
    return this.json("GET", `/v1/indicators?area=${encodeURIComponent(area)}&level=${level}`);
  }

  /** The households of a viewport (`west,south,east,north`), as points or clusters. */
  mapHouseholds(area: string, bbox: readonly number[], signal?: AbortSignal): Promise<HouseholdMap> {
    const params = new URLSearchParams({ area, bbox: bbox.map((n) => n.toFixed(6)).join(",") });
    return this.json("GET", `/v1/map/households?${params.toString()}`, undefined, signal);
  }

  /** The desa under an area with their boundaries and figures. */
  /** What the map draws under the desa: nothing, a tile server, or a PMTiles file. */
  basemap(): Promise<Basemap> {
    return this.json("GET", "/v1/map/basemap");
  }

  /** The bearer token, for requests a library makes itself (the map's basemap file). */
  bearer(): string | null {
    return this.token();
  }

  mapDesa(area: string): Promise<DesaMap> {
    return this.json("GET", `/v1/map/desa?area=${encodeURIComponent(area)}`);
  }

  /** Downloads an export as a file the browser saves (fetched with the token). */
  async download(
    kind: "households" | "indicators",
    query: { area: string; level: string; format: "csv" | "xlsx"; unmasked: boolean },
  ): Promise<void> {
    const params = new URLSearchParams({ area: query.area, format: query.format });
    if (kind === "indicators") params.set("level", query.level);
    if (query.unmasked) params.set("unmasked", "true");
    const response = await this.send("GET", `/v1/exports/${kind}?${params.toString()}`);
    const blob = await response.blob();
    const disposition = response.headers.get("content-disposition") ?? "";
    const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `${kind}.${query.format}`;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  users(): Promise<UserView[]> {
    return this.json("GET", "/v1/users");
  }

  createUser(request: CreateUserRequest): Promise<UserView> {
    return this.json("POST", "/v1/users", request);
  }

  setAreas(userId: string, request: SetAreasRequest): Promise<UserView> {
    return this.json("PUT", `/v1/users/${userId}/areas`, request);
  }

  async revokeSessions(userId: string): Promise<void> {
    await this.send("DELETE", `/v1/users/${userId}/sessions`);
  }

  /** A file the API serves (a photo), as a blob, fetched with the token. */
  async blob(path: string): Promise<Blob> {
    const response = await this.send("GET", path);
    return response.blob();
  }
}
