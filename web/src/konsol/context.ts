// What every page of the console reaches: the API client and the signed-in user.

import { createContext } from "preact";
import { useContext } from "preact/hooks";

import type { Me } from "../generated/protocol";
import type { Api } from "../common/api";

export interface Session {
  api: Api;
  me: Me;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in console");
  return session;
}

/** Supervisors and admins decide; they also see NIK and No KK unmasked. */
export function mayReview(me: Me): boolean {
  return me.role === "supervisor" || me.role === "admin";
}
