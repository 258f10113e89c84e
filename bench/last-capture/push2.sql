\set hid random(1, 999999999999)
\set fid random(1, 999999999999)
\set vid random(1, 999999999999)
\set mid1 random(1, 999999999999)
\set mid2 random(1, 999999999999)
\set mid3 random(1, 999999999999)
\set mid4 random(1, 999999999999)
\set nik1 random(1000000000000000, 9999999999999999)
\set nik2 random(1000000000000000, 9999999999999999)
\set nik3 random(1000000000000000, 9999999999999999)
\set nik4 random(1000000000000000, 9999999999999999)
\set photo1 random(1, 999999999999)
\set photo2 random(1, 999999999999)
\set photo3 random(1, 999999999999)
\set photo4 random(1, 999999999999)
\set lat -2.81 + random(0, 2000000) * 0.00000001
\set lon 120.39 + random(0, 2000000) * 0.00000001
\set h random(1, 10000)
\set seq random(1, 999999999999)
BEGIN;
INSERT INTO "device" ("id", "user_id", "last_seq", "clock_skew_ms", "created_at", "last_seen_at") VALUES (('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid, '01a22243-4592-716f-8e66-6c2aee8a61c4', '0', NULL, '2026-11-28 13:06:04.554329+00', '2026-11-28 13:06:04.554329+00') ON CONFLICT ("id") DO UPDATE SET "last_seen_at" = "excluded"."last_seen_at" RETURNING "id", "user_id", "last_seq", "clock_skew_ms", "created_at", "last_seen_at";
SELECT "household"."id", "household"."area_code", "household"."area_stamp", "household"."form_id", "household"."form_version", "household"."version", "household"."tombstone" FROM "household" WHERE "household"."id" = ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid LIMIT '1' FOR UPDATE;
SELECT "family"."id", "family"."household_id", "family"."no_kk", "family"."no_kk_stamp", "family"."created_at", "family"."updated_at" FROM "family" WHERE "family"."id" = ('00000000-0000-4000-b000-' || lpad(:fid::text, 12, '0'))::uuid LIMIT '1';
INSERT INTO "family" ("id", "household_id", "no_kk", "no_kk_stamp", "created_at", "updated_at") VALUES (('00000000-0000-4000-b000-' || lpad(:fid::text, 12, '0'))::uuid, ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid, '7322927552769458', '{"writer": {"hlc": {"node": "13fa280d-fb6c-4e27-b2c2-f6a52e0fc914", "counter": 0, "wall_ms": 1795871164495}, "user_id": "01a22243-4592-716f-8e66-6c2aee8a61c4", "authority": "field_worker", "device_id": "13fa280d-fb6c-4e27-b2c2-f6a52e0fc914"}, "version": 2}', '2026-11-28 13:06:04.554329+00', '2026-11-28 13:06:04.554329+00');
INSERT INTO "family_kk_history" ("family_id", "no_kk", "recorded_at", "user_id", "device_id") VALUES (('00000000-0000-4000-b000-' || lpad(:fid::text, 12, '0'))::uuid, '7322927552769458', '2026-11-28 13:06:04.554329+00', '01a22243-4592-716f-8e66-6c2aee8a61c4', ('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid);
WITH w0 AS (UPDATE "household" SET "version" = '2', "updated_at" = '2026-11-28 13:06:04.554329+00' WHERE "household"."id" = ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid), w1 AS (INSERT INTO "sync_change" ("household_id", "version", "area_code", "prev_area_code", "created_at") VALUES (('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid, '2', '73.22.01.2002', NULL, '2026-11-28 13:06:04.554329+00')), w2 AS (UPDATE "visit_check" SET "state" = 'pending', "generation" = "generation" + '1', "attempts" = '0', "run_after" = '2026-11-28 13:06:04.554329+00' WHERE "visit_check"."household_id" = ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid), w3 AS (INSERT INTO "receipt" ("device_id", "seq", "user_id", "op", "status", "household_id", "household_version", "body", "created_at") VALUES (('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid, :seq, '01a22243-4592-716f-8e66-6c2aee8a61c4', 'put_family', 'applied', ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid, '2', '{"seq": 16, "status": "applied", "household_id": "17251994-f5ea-4dcd-b8d5-8dffc9425bc1", "household_version": 2}', '2026-11-28 13:06:04.554329+00')) UPDATE "device" SET "last_seq" = '16', "clock_skew_ms" = '-59' WHERE "device"."id" = ('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid;
COMMIT;
