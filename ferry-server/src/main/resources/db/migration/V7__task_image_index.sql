-- GET /v2/images/{id}/tasks (interoperable import): the tasks of one image, newest first.
CREATE INDEX tasks_image_created ON tasks (image_id, created_at);
