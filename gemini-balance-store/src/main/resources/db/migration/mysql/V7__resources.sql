-- gemini-balance store, schema 7 (MySQL/MariaDB): gb_file becomes gb_resource, the Gemini resources that live
-- with one pool key (only that key can see them at Gemini): uploaded files (files/{id}), cached contents
-- (cachedContents/{id}), batches (batches/{id}) and resumable uploads under way (uploads/{session}). The kind
-- is the name's first segment; the columns are those of schema 6. Rows of schema 6 are kept as they are.
RENAME TABLE gb_file TO gb_resource;
ALTER TABLE gb_resource RENAME INDEX gb_file_expires TO gb_resource_expires, RENAME INDEX gb_file_owner TO gb_resource_owner;
