INSERT INTO household (id, area_code, area_stamp, form_id, form_version, version, fields, stamps,
                       tombstone, review_status, created_by, created_at, updated_at)
SELECT ('00000000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid, area_code, area_stamp,
       form_id, form_version, version, fields, stamps, tombstone, review_status, created_by,
       created_at, updated_at
FROM household, generate_series(1, 10000) AS n
WHERE household.id = '3652d517-1c7b-4189-b363-de589d6a6ee2'
ON CONFLICT (id) DO NOTHING;
