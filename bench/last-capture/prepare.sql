INSERT INTO household (id, area_code, area_stamp, form_id, form_version, version, fields, stamps,
                       tombstone, review_status, created_by, created_at, updated_at)
SELECT ('00000000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid, area_code, area_stamp,
       form_id, form_version, version, fields, stamps, tombstone, review_status, created_by,
       created_at, updated_at
FROM household, generate_series(1, 10000) AS n
WHERE household.id = 'da73650b-da75-4c84-ae31-73f69b3cb01e'
ON CONFLICT (id) DO NOTHING;
