-- The task list's default order (created_at DESC, id DESC) and its owner-filtered form (a
-- non-admin's list) read in index order and stop after the page, instead of sorting every
-- matching row. Both databases scan an index backwards for DESC. H2 reads an index in sort order
-- only when the ORDER BY is a prefix of its columns, so an owner-filtered list orders by the
-- (constant) owner first (TaskRepository.list). (owner, created_at, id) supersedes (owner, created_at).
CREATE INDEX tasks_created_id ON tasks (created_at, id);
CREATE INDEX tasks_owner_created_id ON tasks (owner, created_at, id);
DROP INDEX tasks_owner_created;
