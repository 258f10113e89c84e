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
INSERT INTO device (id, user_id, last_seq, clock_skew_ms, created_at, last_seen_at) VALUES (('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid, '01a2242c-284d-7020-9067-e95615c7cd7c', 0, NULL, '2026-11-28 22:00:04.206554+00', '2026-11-28 22:00:04.206554+00') ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at RETURNING user_id, last_seq;
SELECT id, area_code, area_stamp, form_id, form_version, version, tombstone FROM household WHERE id = ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid FOR UPDATE;
SELECT household_id, no_kk, no_kk_stamp FROM family WHERE id = ('00000000-0000-4000-b000-' || lpad(:fid::text, 12, '0'))::uuid;
INSERT INTO member (id, household_id, family_id, nik, fields, stamps, tombstone, created_at, updated_at) VALUES (('00000000-0000-4000-c000-' || lpad(:mid3::text, 12, '0'))::uuid, ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid, ('00000000-0000-4000-b000-' || lpad(:fid::text, 12, '0'))::uuid, :nik3::text, '{"disabilitas": [2], "hubungan_kepala": 4, "jenis_kelamin": 1, "lapangan_usaha": 4, "nama": "Lorong Masjid 108", "nik": "9781418003276319", "pendidikan_tertinggi": 6, "penyakit_kronis": false, "sedang_hamil": false, "status_perkawinan": 1, "status_sekolah": 3, "tanggal_lahir": "1972-04-11"}'::jsonb, '{"writers": [{"user_id": "01a2242c-284d-7020-9067-e95615c7cd7c", "device_id": "71c9c55f-4c79-4dc6-ba4f-91ec3d99caf8", "authority": "field_worker", "hlc": {"wall_ms": 1795903204137, "counter": 0, "node": "71c9c55f-4c79-4dc6-ba4f-91ec3d99caf8"}}], "fields": {"disabilitas": [5, 0], "hubungan_kepala": [5, 0], "jenis_kelamin": [5, 0], "lapangan_usaha": [5, 0], "nama": [5, 0], "nik": [5, 0], "pendidikan_tertinggi": [5, 0], "penyakit_kronis": [5, 0], "sedang_hamil": [5, 0], "status_perkawinan": [5, 0], "status_sekolah": [5, 0], "tanggal_lahir": [5, 0]}}'::json, NULL::json, '2026-11-28 22:00:04.206554+00', '2026-11-28 22:00:04.206554+00') ON CONFLICT (id) DO NOTHING;
WITH w0 AS (UPDATE household SET version = '5', updated_at = '2026-11-28 22:00:04.206554+00' WHERE id = ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid), w1 AS (INSERT INTO sync_change (household_id, version, area_code, prev_area_code, created_at) VALUES (('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid, '5', '73.22.01.2001', NULL, '2026-11-28 22:00:04.206554+00')), w2 AS (UPDATE visit_check SET state = 'pending', generation = generation + 1, attempts = 0, run_after = '2026-11-28 22:00:04.206554+00' WHERE household_id = ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid), w3 AS (UPDATE visit_check SET state = 'pending', generation = generation + 1, attempts = 0, run_after = '2026-11-28 22:00:04.206554+00' WHERE household_id IN (SELECT household_id FROM member WHERE nik IN (:nik3::text) AND household_id <> ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid LIMIT 11)), w4 AS (INSERT INTO receipt (device_id, seq, user_id, op, status, household_id, household_version, body, created_at) VALUES (('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid, :seq, '01a2242c-284d-7020-9067-e95615c7cd7c', 'add_member', 'applied', ('00000000-0000-4000-9000-' || lpad(:h::text, 12, '0'))::uuid, '5', '{"seq": 19, "status": "applied", "household_id": "ac0aa9c4-e803-49ac-b604-b611b8a79f4e", "household_version": 5}'::json, '2026-11-28 22:00:04.206554+00')) UPDATE device SET last_seq = '19', clock_skew_ms = COALESCE('-68', clock_skew_ms) WHERE id = ('00000000-0000-4000-a000-' || lpad(:client_id::text, 12, '0'))::uuid;
COMMIT;
