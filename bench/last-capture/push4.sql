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
INSERT INTO "device" ("id", "user_id", "last_seq", "clock_skew_ms", "created_at", "last_seen_at") VALUES (('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid, '01a22243-4592-716f-8e66-6c2aee8a61c4', '0', NULL, '2026-11-28 13:06:04.560019+00', '2026-11-28 13:06:04.560019+00') ON CONFLICT ("id") DO UPDATE SET "last_seen_at" = "excluded"."last_seen_at" RETURNING "id", "user_id", "last_seq", "clock_skew_ms", "created_at", "last_seen_at";
SELECT "household"."id", "household"."area_code", "household"."area_stamp", "household"."form_id", "household"."form_version", "household"."version", "household"."tombstone" FROM "household" WHERE "household"."id" = ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid LIMIT '1' FOR UPDATE;
SELECT "family"."id", "family"."household_id", "family"."no_kk", "family"."no_kk_stamp", "family"."created_at", "family"."updated_at" FROM "family" WHERE "family"."id" = ('00000000-0000-4000-b000-' || lpad(:fid::text, 12, '0'))::uuid LIMIT '1';
INSERT INTO "member" ("id", "household_id", "family_id", "nik", "fields", "stamps", "tombstone", "created_at", "updated_at") VALUES (('00000000-0000-4000-c000-' || lpad(:mid2::text, 12, '0'))::uuid, ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid, ('00000000-0000-4000-b000-' || lpad(:fid::text, 12, '0'))::uuid, :nik2::text, '{"nik": "7416524737351718", "nama": "Dusun Tengah 95", "disabilitas": [2], "sedang_hamil": true, "jenis_kelamin": 2, "tanggal_lahir": "1955-04-08", "lapangan_usaha": 7, "status_sekolah": 3, "hubungan_kepala": 1, "penyakit_kronis": true, "status_perkawinan": 3, "pendidikan_tertinggi": 3}', '{"fields": {"nik": [4, 0], "nama": [4, 0], "disabilitas": [4, 0], "sedang_hamil": [4, 0], "jenis_kelamin": [4, 0], "tanggal_lahir": [4, 0], "lapangan_usaha": [4, 0], "status_sekolah": [4, 0], "hubungan_kepala": [4, 0], "penyakit_kronis": [4, 0], "status_perkawinan": [4, 0], "pendidikan_tertinggi": [4, 0]}, "writers": [{"hlc": {"node": "13fa280d-fb6c-4e27-b2c2-f6a52e0fc914", "counter": 0, "wall_ms": 1795871164495}, "user_id": "01a22243-4592-716f-8e66-6c2aee8a61c4", "authority": "field_worker", "device_id": "13fa280d-fb6c-4e27-b2c2-f6a52e0fc914"}]}', NULL, '2026-11-28 13:06:04.560019+00', '2026-11-28 13:06:04.560019+00') ON CONFLICT ("id") DO NOTHING;
WITH w0 AS (UPDATE "household" SET "version" = '4', "updated_at" = '2026-11-28 13:06:04.560019+00' WHERE "household"."id" = ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid), w1 AS (INSERT INTO "sync_change" ("household_id", "version", "area_code", "prev_area_code", "created_at") VALUES (('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid, '4', '73.22.01.2002', NULL, '2026-11-28 13:06:04.560019+00')), w2 AS (UPDATE "visit_check" SET "state" = 'pending', "generation" = "generation" + '1', "attempts" = '0', "run_after" = '2026-11-28 13:06:04.560019+00' WHERE "visit_check"."household_id" = ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid), w3 AS (UPDATE "visit_check" SET "state" = 'pending', "generation" = "generation" + '1', "attempts" = '0', "run_after" = '2026-11-28 13:06:04.560019+00' WHERE "visit_check"."household_id" IN (SELECT "household_id" FROM "member" WHERE "member"."nik" IN (:nik2::text) AND "member"."household_id" <> ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid LIMIT '11')), w4 AS (INSERT INTO "receipt" ("device_id", "seq", "user_id", "op", "status", "household_id", "household_version", "body", "created_at") VALUES (('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid, :seq, '01a22243-4592-716f-8e66-6c2aee8a61c4', 'add_member', 'applied', ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid, '4', '{"seq": 18, "status": "applied", "household_id": "17251994-f5ea-4dcd-b8d5-8dffc9425bc1", "household_version": 4}', '2026-11-28 13:06:04.560019+00')) UPDATE "device" SET "last_seq" = '18', "clock_skew_ms" = '-64' WHERE "device"."id" = ('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid;
COMMIT;
