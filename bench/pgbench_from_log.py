#!/usr/bin/env python3
"""Turn the server's own PostgreSQL query log of single-mutation pushes into pgbench scripts.

Input: a PostgreSQL log written with log_statement=all and log_line_prefix='%p|', captured while
the load generator made one survey's pushes at one mutation per push (the household, its
family, 4 members, the visit: 7 pushes). Every statement of a push is kept verbatim with its
bound parameters inlined as literals. Only the ids that must differ between runs are replaced
by pgbench expressions:

- the device id -> one device per pgbench client (:client_id), as one phone per connection;
- the household created by the first push -> a fresh id per run (:hid);
- the household the other pushes edit -> one of the households pre-created by prepare.sql
  (:h), since those pushes need an existing household;
- the family id -> a fresh id per run (:fid), shared by the family and its history row;
- member and visit ids -> fresh ids per run (:mid, :vid), the same in the lookup and the insert;
- the receipt's seq -> a fresh number per run (:seq), as (device, seq) is unique;
- a member's NIK -> a fresh 16-digit number per run (:nik).

Output: push1.sql … push7.sql, and prepare.sql that creates POOL households to edit.
"""

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
    return [p for p in pieces if any('INSERT INTO "receipt"' in sql for sql, _ in p)]


def literal(value) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def inline(sql: str, params: dict) -> str:
    for n in sorted(params, reverse=True):
        sql = sql.replace(f"${n}", literal(params[n]))
    return sql


def insert_values(sql: str, params: dict, table: str) -> dict:
    """Column -> bound value of an INSERT INTO "table" (...) VALUES ($1, ...)."""
    m = re.search(rf'INSERT INTO "{table}" \(([^)]*)\) VALUES \(([^)]*)\)', sql)
    if not m:
        return {}
    columns = [c.strip().strip('"') for c in m.group(1).split(",")]
    values = [v.strip() for v in m.group(2).split(",")]
    return {c: params.get(int(v[1:])) for c, v in zip(columns, values) if v.startswith("$")}


def uuid_expr(prefix: str, var: str) -> str:
    return f"('00000000-0000-4000-{prefix}-' || lpad(:{var}::text, 12, '0'))::uuid"


def main() -> None:
    log, out = Path(sys.argv[1]), Path(sys.argv[2])
    pushes = split_pushes(read_log(log))
    if len(pushes) < 7:
        sys.exit(f"expected 7 pushes in {log}, found {len(pushes)}")
    pushes = pushes[:7]
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
            ]:
                value = insert_values(sql, params, table).get(column)
                if value:
                    ids.setdefault(key, set()).add(value)
    (device,), (household,) = ids["device"], ids["household"]
    out.mkdir(parents=True, exist_ok=True)
    for index, push in enumerate(pushes, start=1):
        creates = index == 1
        lines = [
            "\\set hid random(1, 999999999999)",
            f"\\set h random(1, {POOL})",
            "\\set fid random(1, 999999999999)",
            "\\set seq random(1, 999999999999)",
            "\\set mid random(1, 999999999999)",
            "\\set vid random(1, 999999999999)",
            "\\set nik random(1000000000000000, 9999999999999999)",
        ]
        for sql, params in push:
            receipt = insert_values(sql, params, "receipt")
            text = inline(sql, params)
            if receipt.get("seq"):
                text = text.replace(f"'{device}', '{receipt['seq']}'", f"'{device}', :seq")
            text = text.replace(f"'{device}'", uuid_expr("a000", "client_id"))
            text = text.replace(f"'{household}'", uuid_expr("8000", "hid") if creates else uuid_expr("9000", "h"))
            for family in ids.get("family", ()):
                text = text.replace(f"'{family}'", uuid_expr("b000", "fid"))
            for key, prefix, var in (("member", "c000", "mid"), ("visit", "d000", "vid")):
                for value in ids.get(key, ()):
                    text = text.replace(f"'{value}'", uuid_expr(prefix, var))
            # A fresh NIK per run, as each surveyed person has their own: a constant one would
            # make every run a duplicate of all before it. (The copy inside the answers' JSON
            # is left as it is: nothing looks it up.)
            for nik in ids.get("nik", ()):
                text = text.replace(f"'{nik}'", ":nik::text")
            lines.append(text + ";")
        (out / f"push{index}.sql").write_text("\n".join(lines) + "\n")
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
    print(f"wrote {len(pushes)} push scripts and prepare.sql to {out}")
    for index, push in enumerate(pushes, start=1):
        print(f"  push{index}.sql: {len(push)} statements")


if __name__ == "__main__":
    main()
