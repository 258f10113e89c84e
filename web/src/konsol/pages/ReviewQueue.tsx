import { useCallback, useEffect, useRef, useState } from "preact/hooks";

import type { AreaRef, BulkApproveResponse, QueueItem, QueuePage } from "../../generated/protocol";
import { id } from "../../i18n/id";
import type { QueueQuery } from "../../common/api";
import { errorText } from "../../common/errors";
import { formatNumber } from "../../common/format";
import { navigate } from "../../common/router";
import { Dialog } from "../../common/Dialog";
import { RiskBadge } from "../components/RiskBadge";
import { useSession } from "../context";

/** Households whose risk is below this are offered for selection in one click. */
const LOW_RISK = 20;
const PAGE_SIZE = 50;

/** The filters, kept in the address so that a reload or a link keeps them. */
function queryFrom(search: string): QueueQuery {
  const params = new URLSearchParams(search);
  const status = params.get("status");
  const order = params.get("order");
  return {
    area: params.get("area") ?? undefined,
    status: status === "pending" || status === "resubmitted" ? status : undefined,
    flag: params.get("flag") ?? undefined,
    overdue: params.get("overdue") === "true",
    order: order === "age" ? "age" : "risk",
  };
}

function searchFrom(query: QueueQuery): string {
  const params = new URLSearchParams();
  if (query.area) params.set("area", query.area);
  if (query.status) params.set("status", query.status);
  if (query.flag) params.set("flag", query.flag);
  if (query.overdue) params.set("overdue", "true");
  if (query.order === "age") params.set("order", "age");
  const text = params.toString();
  return text ? `?${text}` : "";
}

function count(n: number, cap: number): string {
  return cap > 0 && n >= cap ? `${formatNumber(cap)}+` : formatNumber(n);
}

export function ReviewQueue(props: { search: string }) {
  const { api, me } = useSession();
  const query = queryFrom(props.search);
  const [kecamatan, setKecamatan] = useState<AreaRef[]>([]);
  const [desa, setDesa] = useState<AreaRef[]>([]);
  const [page, setPage] = useState<QueuePage | null>(null);
  // The pages' cursors belong to one filter: another filter starts again at page 1.
  const [paging, setPaging] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: "",
    cursors: [undefined],
  });
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [focus, setFocus] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState<BulkApproveResponse | null>(null);
  const table = useRef<HTMLTableElement>(null);
  const moved = useRef(false);
  const latest = useRef(0);
  const queryKey = searchFrom(query);
  const cursors = paging.key === queryKey ? paging.cursors : [undefined];
  const cursor = cursors[cursors.length - 1];
  const setCursors = (next: (string | undefined)[]) => setPaging({ key: queryKey, cursors: next });

  useEffect(() => {
    Promise.all(me.areas.map((area) => api.areas(area, "kecamatan")))
      .then((lists) => setKecamatan(lists.flatMap((l) => l.areas)))
      .catch((error) => setProblem(errorText(error)));
  }, [api, me]);

  const chosenKecamatan = query.area?.split(".").slice(0, 3).join(".");
  useEffect(() => {
    if (!chosenKecamatan || chosenKecamatan.split(".").length < 3) {
      setDesa([]);
      return;
    }
    api
      .areas(chosenKecamatan, "desa")
      .then((l) => setDesa(l.areas))
      .catch((error) => setProblem(errorText(error)));
  }, [api, chosenKecamatan]);

  const load = useCallback(() => {
    setProblem(null);
    // Only the answer to the latest request is shown.
    const request = ++latest.current;
    api
      .queue({ ...query, cursor, limit: PAGE_SIZE })
      .then((p) => {
        if (request !== latest.current) return;
        setPage(p);
        setFocus(0);
        setSelected(new Set());
      })
      .catch((error) => request === latest.current && setProblem(errorText(error)));
    // The query is read from the address: its text is the dependency.
  }, [api, queryKey, cursor]);

  useEffect(load, [load]);

  function setFilter(change: Partial<QueueQuery>) {
    navigate(`/antrean${searchFrom({ ...query, ...change })}`, true);
  }

  const items = page?.items ?? [];

  async function approve(list: QueueItem[]) {
    setConfirming(false);
    setNotice(null);
    try {
      const answer = await api.approveMany({
        items: list.map((i) => ({ household_id: i.household_id, version: i.version })),
      });
      const approved = answer.results.filter((r) => r.outcome === "approved").length;
      setOutcome(answer);
      setNotice(id.queue.bulkDone(approved, list.length));
      load();
    } catch (error) {
      setProblem(errorText(error));
    }
  }

  function onKey(event: KeyboardEvent) {
    // Shortcuts act on the row that has the focus itself, never from a field, a button or a
    // link inside the page.
    const row = (event.target as HTMLElement).closest<HTMLElement>("tr[data-row]");
    if (!row || row !== event.target) return;
    const at = Number(row.dataset.row);
    const item = items[at];
    if (event.key === "ArrowDown" || event.key === "j" || event.key === "J") {
      moved.current = true;
      setFocus(Math.min(at + 1, items.length - 1));
    } else if (event.key === "ArrowUp") {
      moved.current = true;
      setFocus(Math.max(at - 1, 0));
    } else if (event.key === "Enter" && item) {
      navigate(`/rumah-tangga/${item.household_id}`);
    } else if ((event.key === "s" || event.key === "S") && item) {
      void approve([item]);
    } else if ((event.key === "k" || event.key === "K") && item) {
      navigate(`/rumah-tangga/${item.household_id}?keputusan=return`);
    } else {
      return;
    }
    event.preventDefault();
  }

  // Focus follows the keys only: loading a page or changing a filter leaves it where it is.
  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    table.current?.querySelector<HTMLElement>(`tr[data-row="${focus}"]`)?.focus();
  }, [focus]);

  const chosen = items.filter((i) => selected.has(i.household_id));
  const toggle = (householdId: string) => {
    const next = new Set(selected);
    if (next.has(householdId)) next.delete(householdId);
    else next.add(householdId);
    setSelected(next);
  };

  return (
    <main id="isi" class="queue" onKeyDown={onKey}>
      <h1>{id.queue.title}</h1>
      {page && (
        <p class="counts">
          {id.queue.counts(
            count(page.counts.pending, page.counts.counted_up_to),
            count(page.counts.resubmitted, page.counts.counted_up_to),
            count(page.counts.overdue, page.counts.counted_up_to),
          )}
        </p>
      )}
      <form class="filters" aria-label={id.queue.filters} onSubmit={(e) => e.preventDefault()}>
        <label>
          {id.queue.kecamatan}
          <select
            value={chosenKecamatan ?? ""}
            onChange={(e) => setFilter({ area: e.currentTarget.value || undefined })}
          >
            <option value="">{id.queue.all}</option>
            {kecamatan.map((k) => (
              <option key={k.code} value={k.code}>
                {k.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {id.queue.desa}
          <select
            value={query.area && query.area.split(".").length === 4 ? query.area : ""}
            disabled={desa.length === 0}
            onChange={(e) => setFilter({ area: e.currentTarget.value || chosenKecamatan })}
          >
            <option value="">{id.queue.all}</option>
            {desa.map((d) => (
              <option key={d.code} value={d.code}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {id.queue.status}
          <select
            value={query.status ?? ""}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setFilter({
                status: value === "pending" || value === "resubmitted" ? value : undefined,
              });
            }}
          >
            <option value="">{id.queue.all}</option>
            <option value="pending">{id.status.pending}</option>
            <option value="resubmitted">{id.status.resubmitted}</option>
          </select>
        </label>
        <label>
          {id.queue.flag}
          <select
            value={query.flag ?? ""}
            onChange={(e) => setFilter({ flag: e.currentTarget.value || undefined })}
          >
            <option value="">{id.queue.all}</option>
            {Object.entries(id.flagCode).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          {id.queue.order}
          <select
            value={query.order ?? "risk"}
            onChange={(e) => setFilter({ order: e.currentTarget.value === "age" ? "age" : "risk" })}
          >
            <option value="risk">{id.queue.byRisk}</option>
            <option value="age">{id.queue.byAge}</option>
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={query.overdue ?? false}
            onChange={(e) => setFilter({ overdue: e.currentTarget.checked })}
          />
          {id.queue.overdueOnly(page?.due_days ?? 14)}
        </label>
      </form>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {outcome && outcome.results.some((r) => r.outcome !== "approved") && (
        <ul class="outcomes">
          {outcome.results
            .filter((r) => r.outcome !== "approved")
            .map((r) => (
              <li key={r.household_id}>
                {id.bulkOutcome[r.outcome]}: {r.message}
              </li>
            ))}
        </ul>
      )}
      <div class="bulk">
        <button
          type="button"
          onClick={() => setSelected(new Set(items.filter((i) => i.risk < LOW_RISK).map((i) => i.household_id)))}
        >
          {id.queue.selectLowRisk(LOW_RISK)}
        </button>
        <span>{id.queue.selected(chosen.length)}</span>
        <button
          type="button"
          class="primary"
          disabled={chosen.length === 0}
          onClick={() => setConfirming(true)}
        >
          {id.queue.approveSelected(chosen.length)}
        </button>
      </div>
      {confirming && (
        <Dialog labelledBy="confirm-bulk" onClose={() => setConfirming(false)}>
          <p id="confirm-bulk">{id.queue.confirmBulk(chosen.length)}</p>
          <button type="button" class="primary" onClick={() => void approve(chosen)}>
            {id.queue.approveSelected(chosen.length)}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {id.app.cancel}
          </button>
        </Dialog>
      )}
      <p class="hint">{id.queue.shortcuts}</p>
      {page && items.length === 0 && <p>{id.queue.empty}</p>}
      {items.length > 0 && (
        <table ref={table} class="rows">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label={id.queue.selectAll}
                  checked={chosen.length === items.length}
                  onChange={(e) =>
                    setSelected(
                      e.currentTarget.checked ? new Set(items.map((i) => i.household_id)) : new Set(),
                    )
                  }
                />
              </th>
              <th scope="col">{id.queue.head}</th>
              <th scope="col">{id.queue.desa}</th>
              <th scope="col">{id.queue.risk}</th>
              <th scope="col">{id.queue.flags}</th>
              <th scope="col">{id.queue.photos}</th>
              <th scope="col">{id.queue.waiting}</th>
              <th scope="col">{id.queue.status}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item, row) => {
              const name = item.head_name || id.queue.noName;
              return (
                <tr
                  key={item.household_id}
                  data-row={row}
                  tabIndex={row === focus ? 0 : -1}
                  class={row === focus ? "focused" : undefined}
                  onClick={() => setFocus(row)}
                  onFocus={() => setFocus(row)}
                  onDblClick={() => navigate(`/rumah-tangga/${item.household_id}`)}
                >
                  <td>
                    <input
                      type="checkbox"
                      aria-label={id.queue.select(name)}
                      checked={selected.has(item.household_id)}
                      onChange={() => toggle(item.household_id)}
                    />
                  </td>
                  <td>
                    <a
                      href={`/rumah-tangga/${item.household_id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/rumah-tangga/${item.household_id}`);
                      }}
                    >
                      {name}
                    </a>
                  </td>
                  <td>
                    {item.desa.name}
                    <span class="sub">{item.kecamatan?.name}</span>
                  </td>
                  <td>
                    <RiskBadge risk={item.risk} />
                  </td>
                  <td>{item.flags.map((f) => id.flagCode[f] ?? id.flagText.unknownCode).join(", ") || id.app.none}</td>
                  <td>{formatNumber(item.photos)}</td>
                  <td>
                    {id.queue.days(item.waiting_days)}
                    {item.overdue && <span class="late"> ({id.queue.overdue})</span>}
                  </td>
                  <td>{id.status[item.review_status]}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label={id.queue.page(cursors.length)}>
        <button
          type="button"
          disabled={cursors.length === 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          {id.queue.previous}
        </button>
        <span>{id.queue.page(cursors.length)}</span>
        <button
          type="button"
          disabled={!page?.next_cursor}
          onClick={() => page?.next_cursor && setCursors([...cursors, page.next_cursor])}
        >
          {id.queue.next}
        </button>
      </nav>
    </main>
  );
}
