#!/usr/bin/env python3
"""Turn the server's own PostgreSQL query log of single-mutation pushes into pgbench scripts.

Input: a PostgreSQL log written with log_statement=all and log_line_prefix='%p|', captured while
the load generator made surveys one mutation per push (a survey is 7 pushes: the household, its
family, 4 members, the visit). The last survey's 7 pushes are used: by then the server's caches
(session, areas, forms) are warm, as in the steady state the benchmark measures.

Two replays of the same statements are written:

1. push1.sql … push7.sql, the *literal* replay: each push's statements with their bound values
   inlined as literals; pgbench picks one of the 7 scripts per transaction, and the pushes that
   edit a household edit one of POOL households pre-created by prepare.sql (:h). Under
   `-M prepared`, PostgreSQL parses the inlined values (the answers' JSON among them) once per
   connection, not per transaction.
2. survey.sql with vars.txt, the *bound* replay: the 7 pushes in order, one transaction each,
   on the survey's own household, as the phone sends them; every other value is a pgbench
   variable (vars.txt, given to pgbench as `-D name=value`), so under `-M prepared` it is bound
   at every execution, as the server binds it. pgbench counts one run of survey.sql as one
   "transaction": the rate of database transactions is 7 × its tps.

In both, only the ids that must differ between runs become pgbench expressions:

- the device id -> one device per pgbench client (:client_id), as one phone per connection;
- the household created by the first push -> a fresh id per run (:hid);
- the family id -> a fresh id per run (:fid), shared by the family and its history row;
- member and visit ids -> fresh ids per run, the same in the lookup and the insert;
- the receipt's seq -> a fresh number per run, as (device, seq) is unique;
- a member's NIK -> a fresh 16-digit number per run (a constant one would make every run a
  duplicate of all before it; the copy inside the answers' JSON is left as it is: nothing
  looks it up);
- the visit's GPS fix and its photos' SHA-256 -> fresh ones per run, for the same reason: the
  server looks up other visits at the same fix and naming the same photo, and re-queues their
  checks (the copies inside the visit's photo list are left as they are).
"""

import json
import re
import sys
from pathlib import Path

POOL = 10000


def parse_params(detail: str) -> dict:
    """Parses `$1 = 'a', $2 = NULL, …` (quotes doubled inside values)."""
    params, i = {}, 0
    while i < len(detail):
        m = re.compile(r"\$(\d+) = ").match(detail, i)
        if not m:
            raise ValueError(f"cannot parse parameters at {detail[i:i + 40]!r}")
        n, i = int(m.group(1)), m.end()
        if detail.startswith("NULL", i):
            params[n], i = None, i + 4
        else:
            assert detail[i] == "'", detail[i:i + 20]
            j, value = i + 1, []
            while True:
                k = detail.index("'", j)
                value.append(detail[j:k])
                if detail.startswith("''", k):
                    value.append("'")
                    j = k + 2
                else:
                    i = k + 1
                    break
            params[n] = "".join(value)
        if detail.startswith(", ", i):
            i += 2
    return params


def read_log(path: Path) -> list:
    """(sql, params) of every statement, in order."""
    statements, current = [], None
    for line in path.read_text().splitlines():
        body = line.split("|", 1)[1] if "|" in line else line
        m = re.match(r"\s*LOG:\s+(?:statement|execute [^:]*):\s(.*)$", body)
        if m:
            current = [m.group(1), {}]
            statements.append(current)
            continue
        m = re.match(r"\s*DETAIL:\s+[Pp]arameters: (.*)$", body)
        if m and current is not None:
            current[1] = parse_params(m.group(1))
    return statements


def split_pushes(statements: list) -> list:
    """Cuts the log after every COMMIT; the pieces that store a receipt are pushes. Statements
    run before a push's BEGIN (the token lookup, when the session is not cached) belong to it."""
    pieces, current = [], []
    for sql, params in statements:
        current.append((sql, params))
        if sql.strip().upper() == "COMMIT":
            pieces.append(current)
            current = []
    return [p for p in pieces if any(insert_placeholders(sql, "receipt") for sql, _ in p)]


def literal(value) -> str:
    if value is None:
        return "NULL"
    if value.startswith(("{", "[")):
        # pgbench reads `:name` anywhere in a script as a variable, even inside a quoted
        # literal, so compact JSON (`"aset_ac":true`) cannot be inlined as it is. A space after
        # every separator, as PostgreSQL prints jsonb, gives the same JSON value. (A string
        # value holding `:` and a letter would still be read as a variable; no capture has
        # one.)
        try:
            value = json.dumps(json.loads(value), ensure_ascii=False)
        except ValueError:
            pass
    return "'" + value.replace("'", "''") + "'"


def insert_placeholders(sql: str, table: str) -> list:
    """Column -> placeholder ("$n", or an inlined literal), for each row of an
    INSERT INTO "table" (...) VALUES (...), (...); names quoted (sea-query) or not (SQL the
    server writes out itself)."""
    m = re.search(rf'INSERT INTO "?{table}"? \(([^)]*)\) VALUES ((?:\([^)]*\)(?:, )?)+)', sql)
    if not m:
        return []
    columns = [c.strip().strip('"') for c in m.group(1).split(",")]
    return [dict(zip(columns, (v.strip() for v in row.split(","))))
            for row in re.findall(r"\(([^)]*)\)", m.group(2))]


def insert_rows(sql: str, params: dict, table: str) -> list:
    """Column -> bound value, for each row of an INSERT INTO "table" (...) VALUES ($1, ...), ....
    A placeholder may carry a cast ($3::json)."""
    return [{c: params.get(int(m.group(1))) for c, v in row.items()
             if (m := re.match(r"\$(\d+)", v))}
            for row in insert_placeholders(sql, table)]


def uuid_expr(prefix: str, var: str) -> str:
    return f"('00000000-0000-4000-{prefix}-' || lpad(:{var}::text, 12, '0'))::uuid"


def survey_ids(pushes: list) -> dict:
    """Every id a survey's pushes insert, by kind, in the order first inserted."""
    ids = {}
    for push in pushes:
        for sql, params in push:
            for table, column, key in [
                ("device", "id", "device"),
                ("household", "id", "household"),
                ("family", "id", "family"),
                ("member", "id", "member"),
                ("visit", "id", "visit"),
                ("member", "nik", "nik"),
                ("visit", "latitude", "lat"),
                ("visit", "longitude", "lon"),
                ("visit_photo", "sha256", "photo"),
            ]:
                for row in insert_rows(sql, params, table):
                    value = row.get(column)
                    if value and value not in ids.setdefault(key, []):
                        ids[key].append(value)
    return ids


def id_expressions(ids: dict, household: str) -> dict:
    """Bound value -> the pgbench expression that replaces it."""
    (device,) = ids["device"]
    exprs = {device: uuid_expr("a000", "client_id"), ids["household"][0]: household}
    for family in ids.get("family", []):
        exprs[family] = uuid_expr("b000", "fid")
    for k, member in enumerate(ids.get("member", []), start=1):
        exprs[member] = uuid_expr("c000", f"mid{k}")
    for visit in ids.get("visit", []):
        exprs[visit] = uuid_expr("d000", "vid")
    for k, nik in enumerate(ids.get("nik", []), start=1):
        exprs[nik] = f":nik{k}::text"
    for k, photo in enumerate(ids.get("photo", []), start=1):
        exprs[photo] = f"lpad(:photo{k}::text, 64, '0')"
    for lat in ids.get("lat", []):
        exprs[lat] = ":lat"
    for lon in ids.get("lon", []):
        exprs[lon] = ":lon"
    return exprs


def receipt_seq_param(sql: str) -> int | None:
    """The parameter number bound to the receipt's seq in an INSERT INTO "receipt"."""
    rows = insert_placeholders(sql, "receipt")
    seq = rows[0].get("seq", "") if rows else ""
    return int(seq[1:]) if seq.startswith("$") else None


def substitute(sql: str, params: dict, replace) -> str:
    """Replaces each bound $n by replace(n, value), in one pass: what a replacement holds is
    never read again as a placeholder."""

    def one(m: re.Match) -> str:
        n = int(m.group(1))
        return replace(n, params[n]) if n in params else m.group(0)

    return re.sub(r"\$(\d+)", one, sql)


def set_lines(ids: dict) -> list:
    lines = ["\\set hid random(1, 999999999999)", "\\set fid random(1, 999999999999)",
             "\\set vid random(1, 999999999999)"]
    lines += [f"\\set mid{k} random(1, 999999999999)" for k in range(1, len(ids.get("member", [])) + 1)]
    lines += [f"\\set nik{k} random(1000000000000000, 9999999999999999)"
              for k in range(1, len(ids.get("nik", [])) + 1)]
    lines += [f"\\set photo{k} random(1, 999999999999)"
              for k in range(1, len(ids.get("photo", [])) + 1)]
    # The fix within the survey area, as the load generator draws it (±0.01° around the centre).
    lines += ["\\set lat -2.81 + random(0, 2000000) * 0.00000001",
              "\\set lon 120.39 + random(0, 2000000) * 0.00000001"]
    return lines


def literal_replay(pushes: list, ids: dict, out: Path) -> None:
    for index, push in enumerate(pushes, start=1):
        household = uuid_expr("8000", "hid") if index == 1 else uuid_expr("9000", "h")
        exprs = id_expressions(ids, household)
        lines = set_lines(ids) + [f"\\set h random(1, {POOL})", "\\set seq random(1, 999999999999)"]
        for sql, params in push:
            seq = receipt_seq_param(sql)

            def replace(n, value, seq=seq):
                if n == seq:
                    return ":seq"
                return exprs.get(value, literal(value))

            lines.append(substitute(sql, params, replace) + ";")
        (out / f"push{index}.sql").write_text("\n".join(lines) + "\n")


def bound_replay(pushes: list, ids: dict, out: Path) -> None:
    exprs = id_expressions(ids, uuid_expr("8000", "hid"))
    names = {}
    lines = set_lines(ids) + [f"\\set seq{k} random(1, 999999999999)" for k in range(1, len(pushes) + 1)]
    for index, push in enumerate(pushes, start=1):
        for sql, params in push:
            seq = receipt_seq_param(sql)

            def replace(n, value, seq=seq, index=index):
                if n == seq:
                    return f":seq{index}"
                if value in exprs:
                    return exprs[value]
                if value is None:
                    return "NULL"
                if "\n" in value:
                    sys.exit(f"a bound value holds a line break, which vars.txt cannot carry: {value[:60]!r}")
                return ":" + names.setdefault(value, f"v{len(names) + 1}")

            lines.append(substitute(sql, params, replace) + ";")
    (out / "survey.sql").write_text("\n".join(lines) + "\n")
    (out / "vars.txt").write_text("".join(f"{name}={value}\n" for value, name in names.items()))


def main() -> None:
    log, out = Path(sys.argv[1]), Path(sys.argv[2])
    pushes = split_pushes(read_log(log))
    if len(pushes) < 7 or len(pushes) % 7:
        sys.exit(f"expected whole surveys of 7 pushes in {log}, found {len(pushes)} pushes")
    pushes = pushes[-7:]
    ids = survey_ids(pushes)
    out.mkdir(parents=True, exist_ok=True)
    literal_replay(pushes, ids, out)
    bound_replay(pushes, ids, out)
    household = ids["household"][0]
    (out / "prepare.sql").write_text(
        f"""INSERT INTO household (id, area_code, area_stamp, form_id, form_version, version, fields, stamps,
                       tombstone, review_status, created_by, created_at, updated_at)
SELECT ('00000000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid, area_code, area_stamp,
       form_id, form_version, version, fields, stamps, tombstone, review_status, created_by,
       created_at, updated_at
FROM household, generate_series(1, {POOL}) AS n
WHERE household.id = '{household}'
ON CONFLICT (id) DO NOTHING;
"""
    )
    print(f"wrote push1.sql … push7.sql, survey.sql, vars.txt and prepare.sql to {out}")
    for index, push in enumerate(pushes, start=1):
        print(f"  push {index}: {len(push)} statements")


if __name__ == "__main__":
    main()
