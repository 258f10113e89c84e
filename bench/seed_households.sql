-- Synthetic households for the export and review benchmarks, numbered :first … :last: the
-- survey answers of `:'fields'` (every household field of the form), a family with a No KK,
-- four members (the first the head) with NIK, a local score, a visit check (risk 0–100) and a
-- map position. Spread over the six desa of the demo region; each waiting for review since
-- 0–29 days ago. Stamps are empty (in the compact form the server reads).
INSERT INTO household (id, area_code, form_id, form_version, version, fields, stamps,
                       review_status, created_by, created_at, updated_at, review_since, risk)
SELECT md5('h' || i)::uuid,
       (ARRAY['73.22.01.2001', '73.22.01.2002', '73.22.01.2003',
              '73.22.02.1001', '73.22.02.2002', '73.22.02.2007'])[1 + i % 6],
       'survei-rt', 1, 1,
       :'fields'::jsonb || jsonb_build_object('nama_kepala_rumah_tangga', 'Kepala Rumah Tangga ' || i,
                                              'jumlah_anggota', 4),
       '{"writers": [], "fields": {}}'::json, 'pending',
       (SELECT id FROM app_user WHERE username = 'demo-admin'), now(), now(),
       now() - (i % 30) * interval '1 day' - (i % 86400) * interval '1 second', i % 101
FROM generate_series(:first, :last) AS i;

INSERT INTO family (id, household_id, no_kk, created_at, updated_at)
SELECT md5('f' || i)::uuid, md5('h' || i)::uuid, '732201270815' || lpad((i % 10000)::text, 4, '0'),
       now(), now()
FROM generate_series(:first, :last) AS i;

INSERT INTO member (id, household_id, family_id, nik, fields, stamps, created_at, updated_at)
SELECT md5('m' || i || '-' || j)::uuid, md5('h' || i)::uuid, md5('f' || i)::uuid,
       '732201450985' || lpad(((i * 4 + j) % 10000)::text, 4, '0'),
       jsonb_build_object('nama', 'Anggota ' || j, 'hubungan_kepala', CASE WHEN j = 1 THEN 1 ELSE 3 END,
                          'jenis_kelamin', 1 + j % 2, 'tanggal_lahir', '1985-09-05'),
       '{"writers": [], "fields": {}}'::json, now(), now()
FROM generate_series(:first, :last) AS i, generate_series(1, 4) AS j;

INSERT INTO household_score (household_id, version, met, unknown, verdict, criteria, met_mask, computed_at)
SELECT md5('h' || i)::uuid, 1, i % 15, 0,
       CASE WHEN i % 15 >= 9 THEN 'poor' ELSE 'not_poor' END, '[]'::jsonb, i % 16384, now()
FROM generate_series(:first, :last) AS i;

INSERT INTO visit_check (visit_id, household_id, state, generation, attempts, run_after, risk, checked_at)
SELECT md5('v' || i)::uuid, md5('h' || i)::uuid, 'done', 0, 0, now(), i % 101, now()
FROM generate_series(:first, :last) AS i;

-- Positions inside the desa's demo rectangle (fixtures/areas/demo.geojson), spread by a
-- multiplicative hash of the number.
INSERT INTO household_position (household_id, latitude, longitude, visit_ended_at)
SELECT md5('h' || i)::uuid,
       r.south + (r.north - r.south) * ((i::bigint * 7919) % 1000) / 1000.0,
       r.west + (r.east - r.west) * ((i::bigint * 104729) % 997) / 997.0,
       now()
FROM generate_series(:first, :last) AS i
JOIN (VALUES (0, 120.37, -2.83, 120.415, -2.75), (1, 120.415, -2.83, 120.44, -2.75),
             (2, 120.44, -2.83, 120.48, -2.75), (3, 120.50, -2.61, 120.58, -2.57),
             (4, 120.50, -2.68, 120.58, -2.64), (5, 120.50, -2.64, 120.58, -2.61))
     AS r(k, west, south, east, north) ON r.k = i % 6;

-- As autovacuum leaves a table that has settled: statistics and the visibility map.
VACUUM ANALYZE;
