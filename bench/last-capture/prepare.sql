INSERT INTO household (id, area_code, area_stamp, form_id, form_version, version, fields, stamps,
                       tombstone, review_status, created_by, created_at, updated_at)
SELECT ('00000000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid, area_code, area_stamp,
       form_id, form_version, version, fields, stamps, tombstone, review_status, created_by,
       created_at, updated_at
FROM household, generate_series(1, 10000) AS n
WHERE household.id = 'ac0aa9c4-e803-49ac-b604-b611b8a79f4e'
ON CONFLICT (id) DO NOTHING;
