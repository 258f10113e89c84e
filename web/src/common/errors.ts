// What to tell a person about a failed request, in words.

import { id } from "../i18n/id";
import { ApiError, NetworkError } from "./api";

export function errorText(error: unknown): string {
  if (error instanceof NetworkError) return id.errors.network;
  if (error instanceof ApiError) {
    const body = error.body;
    if (!body) return id.errors.generic;
    switch (body.code) {
      case "service_unavailable":
        return id.errors.unavailable;
      case "forbidden":
        return body.message || id.errors.forbidden;
      case "not_found":
        return id.errors.notFound;
      default:
        // The server's messages are written in Indonesian for people.
        return body.message || id.errors.generic;
    }
  }
  return id.errors.generic;
}

/** "2 menit" or "45 detik" for a wait in seconds. */
export function waitText(seconds: number): string {
  if (seconds >= 60) return id.wait.minutes(Math.ceil(seconds / 60));
  return id.wait.seconds(Math.max(1, Math.round(seconds)));
}

/** Why a login failed, in words; `offline` when the server could not be reached. */
export function loginProblem(error: unknown, offline: string): string {
  if (error instanceof NetworkError) return offline;
  if (error instanceof ApiError) {
    if (error.body?.code === "invalid_credentials") return id.login.invalid;
    if (error.body?.code === "login_throttled") {
      return id.login.throttled(waitText(error.body.retry_after_seconds ?? 60));
    }
  }
  return errorText(error);
}
