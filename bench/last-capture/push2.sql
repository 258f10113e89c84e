\set hid random(1, 999999999999)
\set h random(1, 10000)
\set fid random(1, 999999999999)
\set seq random(1, 999999999999)
\set mid random(1, 999999999999)
\set vid random(1, 999999999999)
BEGIN;
INSERT INTO "device" ("id", "user_id", "last_seq", "clock_skew_ms", "created_at", "last_seen_at") VALUES (('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid, '01a21f10-7db6-7246-b2d3-5ccd6fe2da6a', '0', NULL, '2026-11-27 22:11:44.873232+00', '2026-11-27 22:11:44.873232+00') ON CONFLICT ("id") DO UPDATE SET "last_seen_at" = "excluded"."last_seen_at" RETURNING "id", "user_id", "last_seq", "clock_skew_ms", "created_at", "last_seen_at";
SELECT "household"."id", "household"."area_code", "household"."area_stamp", "household"."form_id", "household"."form_version", "household"."version", "household"."tombstone", "household"."review_status" FROM "household" WHERE "household"."id" = ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid LIMIT '1' FOR UPDATE;
SELECT "family"."id", "family"."household_id", "family"."no_kk", "family"."no_kk_stamp", "family"."created_at", "family"."updated_at" FROM "family" WHERE "family"."id" = ('00000000-0000-4000-b000-' || lpad(:fid::text, 12, '0'))::uuid LIMIT '1';
INSERT INTO "family" ("id", "household_id", "no_kk", "no_kk_stamp", "created_at", "updated_at") VALUES (('00000000-0000-4000-b000-' || lpad(:fid::text, 12, '0'))::uuid, ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid, '7322483164656499', '{"writer": {"hlc": {"node": "c4695b71-77cb-4d0a-a965-fc051864f126", "counter": 0, "wall_ms": 1795817504860}, "user_id": "01a21f10-7db6-7246-b2d3-5ccd6fe2da6a", "authority": "field_worker", "device_id": "c4695b71-77cb-4d0a-a965-fc051864f126"}, "version": 2}', '2026-11-27 22:11:44.873232+00', '2026-11-27 22:11:44.873232+00');
INSERT INTO "family_kk_history" ("family_id", "no_kk", "recorded_at", "user_id", "device_id") VALUES (('00000000-0000-4000-b000-' || lpad(:fid::text, 12, '0'))::uuid, '7322483164656499', '2026-11-27 22:11:44.873232+00', '01a21f10-7db6-7246-b2d3-5ccd6fe2da6a', ('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid);
UPDATE "household" SET "version" = '2', "updated_at" = '2026-11-27 22:11:44.873232+00' WHERE "household"."id" = ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid;
INSERT INTO "sync_change" ("household_id", "version", "area_code", "prev_area_code", "created_at") VALUES (('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid, '2', '73.22.01.2002', NULL, '2026-11-27 22:11:44.873232+00');
INSERT INTO "receipt" ("device_id", "seq", "user_id", "op", "status", "household_id", "household_version", "body", "created_at") VALUES (('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid, :seq, '01a21f10-7db6-7246-b2d3-5ccd6fe2da6a', 'put_family', 'applied', ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid, '2', '{"seq": 2, "status": "applied", "household_id": "e6226116-d9cc-4310-bfe7-50366b97a5d3", "household_version": 2}', '2026-11-27 22:11:44.873232+00');
UPDATE "device" SET "last_seq" = '2', "clock_skew_ms" = '-13' WHERE "device"."id" = ('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid;
COMMIT;
