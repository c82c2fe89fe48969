/*
 * store_schema: versioned migrations of the SQLite schema.
 *
 * The version is PRAGMA user_version. Migration N takes the schema from
 * version N-1 to N and runs in its own BEGIN IMMEDIATE transaction together
 * with the user_version bump, so a crash leaves the store at N-1 or N, and
 * two processes opening a fresh file at once cannot both apply a step (the
 * version is re-read after the write lock is taken). Migrations are only
 * ever appended; an applied one is never edited. The schema is described in
 * docs/internals/store.md.
 */
#include <stdio.h>

#include "core/err.h"
#include "core/log.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

static const char *const migrations[] = {
	/* 1: sections, sources with fetch state, items, full-text index */
	"CREATE TABLE sections ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  position INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE sources ("
	"  id INTEGER PRIMARY KEY,"
	"  url TEXT NOT NULL UNIQUE,"
	"  title TEXT,"
	"  site_url TEXT,"
	"  language TEXT,"
	"  section_id INTEGER REFERENCES sections(id) ON DELETE SET NULL,"
	"  is_enabled INTEGER NOT NULL DEFAULT 1,"
	"  etag TEXT,"
	"  last_modified TEXT,"
	"  last_status INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  error_count INTEGER NOT NULL DEFAULT 0,"
	"  last_fetch INTEGER NOT NULL DEFAULT 0,"
	"  last_success INTEGER NOT NULL DEFAULT 0,"
	"  next_fetch INTEGER NOT NULL DEFAULT 0,"
	"  interval_s INTEGER NOT NULL DEFAULT 0,"
	"  avg_ms REAL NOT NULL DEFAULT 0,"
	"  redirect_url TEXT,"
	"  redirect_seen INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX sources_due ON sources(next_fetch) WHERE is_enabled;"
	"CREATE INDEX sources_section ON sources(section_id);"
	"CREATE TABLE items ("
	"  id INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
	"  dedup_key TEXT NOT NULL,"
	"  guid TEXT,"
	"  url TEXT,"
	"  canonical_url TEXT,"
	"  title TEXT,"
	"  summary TEXT,"
	"  content TEXT,"
	"  author TEXT,"
	"  language TEXT,"
	"  tags TEXT,"
	"  published INTEGER NOT NULL DEFAULT 0,"
	"  updated INTEGER NOT NULL DEFAULT 0,"
	"  first_seen INTEGER NOT NULL,"
	"  sort_time INTEGER NOT NULL,"
	"  image_url TEXT,"
	"  image_caption TEXT,"
	"  image_credit TEXT,"
	"  image_thumb TEXT,"
	"  content_hash BLOB NOT NULL,"
	"  fields_hash BLOB NOT NULL,"
	"  UNIQUE (source_id, dedup_key)"
	");"
	"CREATE INDEX items_sort ON items(sort_time, id);"
	"CREATE INDEX items_source_sort ON items(source_id, sort_time);"
	"CREATE INDEX items_canonical ON items(canonical_url);"
	"CREATE INDEX items_content_hash ON items(content_hash);"
	/* Internal-content FTS5 table keyed by items.id: it holds the only
	 * copy of the HTML-stripped text, which snippet() needs. */
	"CREATE VIRTUAL TABLE item_fts USING fts5("
	"  title, summary, content, tokenize = 'nd', detail = full);"
	/* Items also go away by ON DELETE CASCADE from sources, which the C
	 * code never sees, so the index follows by trigger. */
	"CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN"
	"  DELETE FROM item_fts WHERE rowid = old.id;"
	"END;",
	/* 2: the local photo cache (store_media.c). Keyed by a hash of the
	 * photo URL; data last, so reading the other columns of a row never
	 * touches the overflow pages of its bytes. */
	"CREATE TABLE media ("
	"  key TEXT PRIMARY KEY,"
	"  url TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  type TEXT,"
	"  len INTEGER NOT NULL DEFAULT 0,"
	"  width INTEGER NOT NULL DEFAULT 0,"
	"  height INTEGER NOT NULL DEFAULT 0,"
	"  error TEXT,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  fetched INTEGER NOT NULL DEFAULT 0,"
	"  next_try INTEGER NOT NULL DEFAULT 0,"
	"  data BLOB"
	");"
	"CREATE INDEX media_url ON media(url);",
	/* 3: a fourth, unranked index column "meta" with filter tokens
	 * (source, year, month, day of sort_time), so a filtered search
	 * intersects doclists instead of looking up every match's item
	 * (store_search). The stripped text exists only in the index, so it
	 * is copied out and back. The tokens must stay exactly what
	 * ITEM_FTS_META in store_int.h makes. */
	"DROP TRIGGER items_fts_delete;"
	"CREATE TEMP TABLE item_fts_copy AS"
	"  SELECT rowid AS id, title, summary, content FROM item_fts;"
	"DROP TABLE item_fts;"
	"CREATE VIRTUAL TABLE item_fts USING fts5("
	"  title, summary, content, meta, tokenize = 'nd', detail = full);"
	"INSERT INTO item_fts (rowid, title, summary, content, meta)"
	"  SELECT c.id, c.title, c.summary, c.content,"
	"  's' || i.source_id"
	"  || ' y' || strftime('%Y', i.sort_time, 'unixepoch')"
	"  || ' m' || strftime('%Y%m', i.sort_time, 'unixepoch')"
	"  || ' d' || strftime('%Y%m%d', i.sort_time, 'unixepoch')"
	"  FROM item_fts_copy c JOIN items i ON i.id = c.id;"
	"DROP TABLE item_fts_copy;"
	"CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN"
	"  DELETE FROM item_fts WHERE rowid = old.id;"
	"END;",
	/* 4: a content version (store_data_version): one counter bumped by
	 * triggers on every change a page can show, so a web node re-renders
	 * after an ingest but not after the fetcher writes fetch state.
	 * UPDATE OF fires whenever a column is in the SET list (and
	 * store_source_update sets them all), hence the WHEN clauses; photo
	 * failures are never shown, so only rows that are or were images
	 * count. */
	"CREATE TABLE content_version ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  n INTEGER NOT NULL"
	");"
	"INSERT INTO content_version (id, n) VALUES (1, 1);"
	"CREATE TRIGGER cv_items_insert AFTER INSERT ON items BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_items_update AFTER UPDATE ON items BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_items_delete AFTER DELETE ON items BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_sections_insert AFTER INSERT ON sections BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_sections_update AFTER UPDATE ON sections BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_sections_delete AFTER DELETE ON sections BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_sources_insert AFTER INSERT ON sources BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_sources_update AFTER UPDATE OF url, title, site_url,"
	"  language, section_id, is_enabled ON sources"
	"  WHEN old.url IS NOT new.url OR old.title IS NOT new.title"
	"  OR old.site_url IS NOT new.site_url"
	"  OR old.language IS NOT new.language"
	"  OR old.section_id IS NOT new.section_id"
	"  OR old.is_enabled IS NOT new.is_enabled BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_sources_delete AFTER DELETE ON sources BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_media_insert AFTER INSERT ON media"
	"  WHEN new.status = 1 BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_media_update AFTER UPDATE ON media"
	"  WHEN old.status = 1 OR new.status = 1 BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_media_delete AFTER DELETE ON media"
	"  WHEN old.status = 1 BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;",
	/* 5: a cheaper write path. No query reads items by canonical URL or
	 * content hash (de-duplication goes by (source_id, dedup_key)), and
	 * an index of random 16-byte hashes costs a random b-tree page per
	 * insert; the stories stage adds what it needs. FTS5 merges segments
	 * 16 at a time instead of 4: about half the merge work on ingest,
	 * for a few more segments per search (bench/ingest.c --search). */
	"DROP INDEX items_canonical;"
	"DROP INDEX items_content_hash;"
	"INSERT INTO item_fts (item_fts, rank) VALUES ('automerge', 16);",
	/* 6: a change log for page caches (store_changes.c): kind 1 an
	 * updated item, 4 a deleted one (inserted ones are found by id, so
	 * the ingest path writes nothing more per new item), 2 a photo that
	 * is or was cached, 3 a change every page shows (sections, a
	 * source's shown columns or its removal). Pruned by trigger once every 1024
	 * entries to the last 8192; a reader that fell further behind
	 * treats everything as changed. */
	"CREATE TABLE change_log ("
	"  seq INTEGER PRIMARY KEY,"
	"  kind INTEGER NOT NULL,"
	"  item_id INTEGER NOT NULL DEFAULT 0,"
	"  source_id INTEGER NOT NULL DEFAULT 0,"
	"  t1 INTEGER NOT NULL DEFAULT 0,"
	"  t2 INTEGER NOT NULL DEFAULT 0,"
	"  key TEXT"
	");"
	"CREATE TRIGGER cl_items_update AFTER UPDATE ON items BEGIN"
	"  INSERT INTO change_log (kind, item_id, source_id, t1, t2)"
	"  VALUES (1, new.id, new.source_id, old.sort_time, new.sort_time);"
	"END;"
	"CREATE TRIGGER cl_items_delete AFTER DELETE ON items BEGIN"
	"  INSERT INTO change_log (kind, item_id, source_id, t1, t2)"
	"  VALUES (4, old.id, old.source_id, old.sort_time, old.sort_time);"
	"END;"
	"CREATE TRIGGER cl_sections_insert AFTER INSERT ON sections BEGIN"
	"  INSERT INTO change_log (kind) VALUES (3);"
	"END;"
	"CREATE TRIGGER cl_sections_update AFTER UPDATE ON sections BEGIN"
	"  INSERT INTO change_log (kind) VALUES (3);"
	"END;"
	"CREATE TRIGGER cl_sections_delete AFTER DELETE ON sections BEGIN"
	"  INSERT INTO change_log (kind) VALUES (3);"
	"END;"
	"CREATE TRIGGER cl_sources_update AFTER UPDATE OF url, title, site_url,"
	"  language, section_id, is_enabled ON sources"
	"  WHEN old.url IS NOT new.url OR old.title IS NOT new.title"
	"  OR old.site_url IS NOT new.site_url"
	"  OR old.language IS NOT new.language"
	"  OR old.section_id IS NOT new.section_id"
	"  OR old.is_enabled IS NOT new.is_enabled BEGIN"
	"  INSERT INTO change_log (kind) VALUES (3);"
	"END;"
	"CREATE TRIGGER cl_sources_delete AFTER DELETE ON sources BEGIN"
	"  INSERT INTO change_log (kind) VALUES (3);"
	"END;"
	"CREATE TRIGGER cl_media_insert AFTER INSERT ON media"
	"  WHEN new.status = 1 BEGIN"
	"  INSERT INTO change_log (kind, key) VALUES (2, new.key);"
	"END;"
	"CREATE TRIGGER cl_media_update AFTER UPDATE ON media"
	"  WHEN old.status = 1 OR new.status = 1 BEGIN"
	"  INSERT INTO change_log (kind, key) VALUES (2, new.key);"
	"END;"
	"CREATE TRIGGER cl_media_delete AFTER DELETE ON media"
	"  WHEN old.status = 1 BEGIN"
	"  INSERT INTO change_log (kind, key) VALUES (2, old.key);"
	"END;"
	"CREATE TRIGGER cl_prune AFTER INSERT ON change_log"
	"  WHEN new.seq % 1024 = 0 BEGIN"
	"  DELETE FROM change_log WHERE seq <= new.seq - 8192;"
	"END;",
	/* 7: full text (issue 12). Per source, when to fetch an item's
	 * article page (0 auto: when the feed's text is short, 1 always,
	 * 2 never); per item, the extracted text and where the attempt
	 * stands (0 not tried, 1 text, 2 not an article, 3 failed: tried
	 * again after full_text_next, up to a few attempts). */
	"ALTER TABLE sources ADD COLUMN full_text INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE items ADD COLUMN full_text TEXT;"
	"ALTER TABLE items ADD COLUMN full_text_state INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE items ADD COLUMN full_text_reason TEXT;"
	"ALTER TABLE items ADD COLUMN full_text_tries INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE items ADD COLUMN full_text_next INTEGER NOT NULL DEFAULT 0;",
	/* 8: stories (issue 9, store_story.c). A story's id is handed out by
	 * the clusterer (analyze/) or by an editor's split; merged_into
	 * points a merged story at the one that absorbed it, and assignments
	 * to it follow that pointer. story_items.is_locked marks an editor's
	 * placement, which the clusterer never changes. A story change
	 * (first report, title, pin) changes what the home page shows, so it
	 * bumps the content version. */
	"CREATE TABLE stories ("
	"  id INTEGER PRIMARY KEY,"
	"  title TEXT NOT NULL DEFAULT '',"
	"  editor_title TEXT,"
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  status INTEGER NOT NULL DEFAULT 1,"
	"  is_pinned INTEGER NOT NULL DEFAULT 0,"
	"  merged_into INTEGER"
	");"
	"CREATE INDEX stories_last ON stories(status, last_seen);"
	"CREATE TABLE story_items ("
	"  item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,"
	"  story_id INTEGER NOT NULL REFERENCES stories(id),"
	"  is_locked INTEGER NOT NULL DEFAULT 0,"
	"  similarity REAL NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX story_items_story ON story_items(story_id);"
	"CREATE TRIGGER cv_stories_insert AFTER INSERT ON stories BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_stories_update AFTER UPDATE ON stories BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_story_items_insert AFTER INSERT ON story_items BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cv_story_items_update AFTER UPDATE ON story_items"
	"  WHEN old.story_id IS NOT new.story_id BEGIN"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;",
	/* 9 (issue 8): an item's headline is plain text made by ingest, and
	 * marked when it was derived from the text of an entry without a
	 * title (ingest/policy.c). Items stored before keep their titles
	 * until their feed changes them. */
	"ALTER TABLE items ADD COLUMN title_derived INTEGER NOT NULL"
	"  DEFAULT 0;",
	/* 10 (issue 8): the nd tokenizer drops the Arabic definite article
	 * (core/text.c), so every indexed document is tokenized again. The
	 * index holds its own text (title, summary, content, meta): copied
	 * out and back into a new table, as in migration 3, because a
	 * regular FTS5 table cannot 'rebuild' and deleting rows tokenized
	 * the old way with the new tokenizer would corrupt it. */
	"DROP TRIGGER items_fts_delete;"
	"CREATE TEMP TABLE item_fts_copy AS"
	"  SELECT rowid AS id, title, summary, content, meta FROM item_fts;"
	"DROP TABLE item_fts;"
	"CREATE VIRTUAL TABLE item_fts USING fts5("
	"  title, summary, content, meta, tokenize = 'nd', detail = full);"
	"INSERT INTO item_fts (rowid, title, summary, content, meta)"
	"  SELECT id, title, summary, content, meta FROM item_fts_copy;"
	"DROP TABLE item_fts_copy;"
	"INSERT INTO item_fts (item_fts, rank) VALUES ('automerge', 16);"
	"INSERT INTO item_fts (item_fts) VALUES ('optimize');"
	"CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN"
	"  DELETE FROM item_fts WHERE rowid = old.id;"
	"END;",
	/* 11 (issue 8): an outlet's description (its feed's subtitle, plain
	 * text), shown on its page. Learnt by ingest like the title. */
	"ALTER TABLE sources ADD COLUMN description TEXT;",
	/* (issue 11) tips: sealed bytes only. A thread has a random id, a
	 * day, the receipt's lookup tag and the public key replies are
	 * sealed to; a message has its day and sealed bytes (to the desk's
	 * key, and for a desk reply also to the thread's key). No address,
	 * agent, referrer or exact time, by design. */
	"CREATE TABLE tip_threads ("
	"  id TEXT PRIMARY KEY,"
	"  day TEXT NOT NULL,"
	"  lookup BLOB UNIQUE,"
	"  reply_pk BLOB"
	");"
	"CREATE TABLE tip_messages ("
	"  id INTEGER PRIMARY KEY,"
	"  thread_id TEXT NOT NULL REFERENCES tip_threads(id)"
	"    ON DELETE CASCADE,"
	"  day TEXT NOT NULL,"
	"  sealed BLOB NOT NULL,"
	"  for_source BLOB"
	");"
	"CREATE INDEX tip_messages_thread ON tip_messages (thread_id, id);"
	/* (issue 12, in the same migration) robots.txt per origin, as last
	 * fetched; an article page's validators and when it was last
	 * fetched, for a refresh with a conditional GET */
	"CREATE TABLE robots_txt ("
	"  origin TEXT PRIMARY KEY,"
	"  expires INTEGER NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  body BLOB"
	");"
	"ALTER TABLE items ADD COLUMN full_text_etag TEXT;"
	"ALTER TABLE items ADD COLUMN full_text_lm TEXT;"
	"ALTER TABLE items ADD COLUMN full_text_at INTEGER NOT NULL DEFAULT 0;",
	/* desk accounts and curation (issue 10, sqlite_user.c,
	 * sqlite_curate.c). users: an argon2id hash string
	 * (crypto_pwhash_str), a role (enum user_role), a disabled flag.
	 * sessions: only a BLAKE2b hash of the random id a cookie carries,
	 * so a copy of the store signs nobody in. login_throttle: failures
	 * per key (a hash of the email; an all-zero key is the global
	 * budget), no address. audit_log: who did what. items gain an
	 * editor's decisions: hidden (off every public page, out of the
	 * search index), a pin, a headline of the desk's (the outlet's stays
	 * in title) and a section of the desk's; an UPDATE of these fires
	 * the change log's item trigger, so cached pages follow. */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  name TEXT NOT NULL,"
	"  role INTEGER NOT NULL,"
	"  pwhash TEXT NOT NULL,"
	"  is_disabled INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  password_changed_at INTEGER NOT NULL,"
	"  last_login INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE sessions ("
	"  hash BLOB PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  created INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE login_throttle ("
	"  key BLOB PRIMARY KEY,"
	"  failures INTEGER NOT NULL,"
	"  last_failure INTEGER NOT NULL,"
	"  locked_until INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL DEFAULT 0,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL DEFAULT '',"
	"  detail TEXT NOT NULL DEFAULT ''"
	");"
	"ALTER TABLE items ADD COLUMN is_hidden INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE items ADD COLUMN pinned_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE items ADD COLUMN editor_title TEXT;"
	"ALTER TABLE items ADD COLUMN editor_section_id INTEGER"
	"  REFERENCES sections(id) ON DELETE SET NULL;"
	"CREATE INDEX items_pinned ON items(pinned_at) WHERE pinned_at > 0;"
	"CREATE INDEX items_hidden ON items(is_hidden) WHERE is_hidden = 1;"
	"CREATE INDEX items_editor_section ON items(editor_section_id, sort_time)"
	"  WHERE editor_section_id IS NOT NULL;",
	/* mail (issue 11): readers' subscriptions, the mail queue, digest
	 * runs. Tokens are stored only as hashes (a token is made when the
	 * mail that carries it is sent); the queue row is the unit of
	 * delivery: queued -> sending (leased) -> sent | failed, its
	 * Message-ID fixed when queued so a retry is the same message. */
	"CREATE TABLE subscribers ("
	"  id INTEGER PRIMARY KEY,"
	"  email TEXT NOT NULL UNIQUE,"
	"  status INTEGER NOT NULL DEFAULT 0,"      /* enum sub_status */
	"  created INTEGER NOT NULL,"
	"  confirmed_at INTEGER NOT NULL DEFAULT 0,"
	"  last_mailed INTEGER NOT NULL DEFAULT 0," /* list bombing window */
	"  soft_bounces INTEGER NOT NULL DEFAULT 0,"
	"  hard_bounces INTEGER NOT NULL DEFAULT 0,"
	"  last_bounce INTEGER NOT NULL DEFAULT 0,"
	"  last_bounce_status TEXT);"
	"CREATE INDEX subscribers_status ON subscribers (status, created);"
	"CREATE TABLE subscriptions ("
	"  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id)"
	"    ON DELETE CASCADE,"
	"  list TEXT NOT NULL,"
	"  PRIMARY KEY (subscriber_id, list)) WITHOUT ROWID;"
	"CREATE INDEX subscriptions_list ON subscriptions (list, subscriber_id);"
	"CREATE TABLE sub_tokens ("
	"  hash TEXT PRIMARY KEY,"                  /* hex BLAKE2b of the token */
	"  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id)"
	"    ON DELETE CASCADE,"
	"  kind INTEGER NOT NULL,"                  /* enum sub_token_kind */
	"  expires INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX sub_tokens_sub ON sub_tokens (subscriber_id);"
	"CREATE INDEX sub_tokens_expires ON sub_tokens (expires);"
	"CREATE TABLE mail_content ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  list TEXT,"
	"  created INTEGER NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  html TEXT NOT NULL);"
	"CREATE TABLE mail_queue ("
	"  id INTEGER PRIMARY KEY,"
	"  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id)"
	"    ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"                     /* confirm notice digest */
	"  content_id INTEGER REFERENCES mail_content (id),"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  state INTEGER NOT NULL DEFAULT 0,"       /* enum mail_state */
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
	"  lease_until INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  last_code INTEGER NOT NULL DEFAULT 0,"
	"  last_error_at INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  sent_at INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (subscriber_id, content_id));"
	"CREATE INDEX mail_queue_due ON mail_queue (state, next_attempt_at);"
	"CREATE INDEX mail_queue_lease ON mail_queue (state, lease_until);"
	"CREATE TABLE mail_windows ("
	"  name TEXT PRIMARY KEY,"                  /* minute hour day */
	"  start INTEGER NOT NULL,"
	"  n INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE digest_runs ("
	"  list TEXT PRIMARY KEY,"
	"  last_at INTEGER NOT NULL,"
	"  content_id INTEGER) WITHOUT ROWID;"
	"CREATE TABLE mail_secret (id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  key BLOB NOT NULL);"
	"INSERT INTO mail_secret (id, key) VALUES (1, randomblob(32));",
	/* 15 (issue 10, the desk's posts: sqlite_post.c): posts with their
	 * bylines (a user id, kept without a foreign key until the users
	 * table lands, or a free-text name), roundup entries and related
	 * items (post_picks), every earlier version (post_revisions) and
	 * corrections, which are only ever appended; columns; desk photos,
	 * whose public variants are rows of media and whose original stays
	 * here, never served. A change to a post that is or was published
	 * is logged (change_log kind 5, item_id = the post) and bumps the
	 * content version, so page caches drop only the pages that show
	 * posts; drafts change nothing public. */
	"CREATE TABLE columns ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  description TEXT"
	");"
	"CREATE TABLE desk_photos ("
	"  id INTEGER PRIMARY KEY,"
	"  token TEXT NOT NULL UNIQUE,"
	"  width INTEGER NOT NULL,"
	"  height INTEGER NOT NULL,"
	"  widths TEXT NOT NULL,"
	"  original_type TEXT NOT NULL,"
	"  original BLOB NOT NULL,"
	"  created INTEGER NOT NULL"
	");"
	"CREATE TABLE posts ("
	"  id INTEGER PRIMARY KEY,"
	"  kind INTEGER NOT NULL DEFAULT 1,"
	"  status INTEGER NOT NULL DEFAULT 1,"
	"  slug TEXT NOT NULL,"
	"  headline TEXT NOT NULL,"
	"  deck TEXT,"
	"  body TEXT NOT NULL DEFAULT '',"
	"  body_html TEXT NOT NULL DEFAULT '',"
	"  dateline TEXT,"
	"  section_id INTEGER REFERENCES sections(id) ON DELETE SET NULL,"
	"  column_id INTEGER REFERENCES columns(id) ON DELETE SET NULL,"
	"  tags TEXT,"
	"  photo_id INTEGER REFERENCES desk_photos(id) ON DELETE SET NULL,"
	"  photo_caption TEXT,"
	"  photo_credit TEXT,"
	"  story_id INTEGER NOT NULL DEFAULT 0,"
	"  publish_at INTEGER NOT NULL DEFAULT 0,"
	"  published_at INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX posts_status ON posts(status, published_at);"
	"CREATE INDEX posts_due ON posts(publish_at) WHERE status = 2;"
	"CREATE TABLE post_bylines ("
	"  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL DEFAULT 0,"
	"  name TEXT NOT NULL,"
	"  slug TEXT NOT NULL,"
	"  PRIMARY KEY (post_id, position)"
	");"
	"CREATE INDEX post_bylines_slug ON post_bylines(slug);"
	"CREATE TABLE post_picks ("
	"  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL,"
	"  item_id INTEGER NOT NULL DEFAULT 0,"
	"  story_id INTEGER NOT NULL DEFAULT 0,"
	"  summary TEXT,"
	"  PRIMARY KEY (post_id, position)"
	");"
	"CREATE TABLE post_revisions ("
	"  id INTEGER PRIMARY KEY,"
	"  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  time INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL DEFAULT 0,"
	"  status INTEGER NOT NULL,"
	"  headline TEXT NOT NULL,"
	"  deck TEXT,"
	"  body TEXT NOT NULL,"
	"  dateline TEXT"
	");"
	"CREATE INDEX post_revisions_post ON post_revisions(post_id, id);"
	"CREATE TABLE post_corrections ("
	"  id INTEGER PRIMARY KEY,"
	"  post_id INTEGER NOT NULL REFERENCES posts(id),"
	"  time INTEGER NOT NULL,"
	"  note TEXT NOT NULL,"
	"  user_id INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX post_corrections_post ON post_corrections(post_id, id);"
	"CREATE TRIGGER post_corrections_keep BEFORE DELETE ON post_corrections"
	"  BEGIN SELECT RAISE(ABORT, 'corrections are never removed'); END;"
	"CREATE TRIGGER post_corrections_fixed BEFORE UPDATE ON post_corrections"
	"  BEGIN SELECT RAISE(ABORT, 'corrections are never edited'); END;"
	"CREATE TRIGGER cl_posts_insert AFTER INSERT ON posts"
	"  WHEN new.status = 3 BEGIN"
	"  INSERT INTO change_log (kind, item_id) VALUES (5, new.id);"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cl_posts_update AFTER UPDATE ON posts"
	"  WHEN old.status = 3 OR new.status = 3 BEGIN"
	"  INSERT INTO change_log (kind, item_id) VALUES (5, new.id);"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cl_posts_delete AFTER DELETE ON posts"
	"  WHEN old.status = 3 BEGIN"
	"  INSERT INTO change_log (kind, item_id) VALUES (5, old.id);"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cl_columns_insert AFTER INSERT ON columns BEGIN"
	"  INSERT INTO change_log (kind, item_id) VALUES (5, 0);"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;"
	"CREATE TRIGGER cl_columns_update AFTER UPDATE ON columns BEGIN"
	"  INSERT INTO change_log (kind, item_id) VALUES (5, 0);"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;",
	/* 16: automatic sections and the beat (issue 9): the desk's rules
	 * (section_id 0 with kind 4: the beat's profile words); an item's
	 * section filed by ingest is in editor_section_id with section_auto
	 * = 1 (an editor's filing clears it); review: 0 not scored, 1 waits
	 * for an editor (held hidden), 2 kept, 3 hidden by an editor, 4
	 * passed the beat's threshold; relevance: its score; dup_of: the
	 * first copy of a near-duplicate (analyze's MinHash). */
	"CREATE TABLE desk_rules ("
	"  id INTEGER PRIMARY KEY,"
	"  section_id INTEGER NOT NULL,"
	"  kind INTEGER NOT NULL,"
	"  value TEXT NOT NULL,"
	"  UNIQUE (section_id, kind, value)"
	");"
	"CREATE TRIGGER desk_rules_section AFTER DELETE ON sections BEGIN"
	"  DELETE FROM desk_rules WHERE section_id = old.id; END;"
	"ALTER TABLE items ADD COLUMN section_auto INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE items ADD COLUMN review INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE items ADD COLUMN relevance REAL;"
	/* a near-duplicate (wire copy, a re-post): the first copy's id */
	"ALTER TABLE items ADD COLUMN dup_of INTEGER;"
	"CREATE INDEX items_dup_of ON items(dup_of) WHERE dup_of IS NOT NULL;"
	"CREATE INDEX items_review ON items(review, sort_time)"
	"  WHERE review IN (1, 2, 3);"
	/* the editors' filings (the classifier's labels; the items a
	 * section's outlets no longer hold) among many automatic ones */
	"CREATE INDEX items_desk_filed ON items(sort_time)"
	"  WHERE editor_section_id IS NOT NULL AND section_auto = 0;",
	/* 17: what a source's terms allow on the item page (issue 12):
	 * 0 the site's [web] item_text, 1 an excerpt, 2 the full text. A
	 * change is logged (kind 6, the source) and bumps the content
	 * version (migration 4), so the page caches drop the pages of the
	 * source's items. */
	"ALTER TABLE sources ADD COLUMN show_text INTEGER NOT NULL DEFAULT 0;"
	"CREATE TRIGGER cl_sources_show AFTER UPDATE OF show_text ON sources"
	"  WHEN old.show_text IS NOT new.show_text BEGIN"
	"  INSERT INTO change_log (kind, source_id) VALUES (6, new.id);"
	"  UPDATE content_version SET n = n + 1 WHERE id = 1;"
	"END;",
	/* 18: the desk's gaps (issues 10 and 11): who wrote a post
	 * (posts.created_by, the user who created it, 0 = the command line;
	 * existing posts get their first byline's user), so a writer edits
	 * only their own drafts; and breaking-news alerts (post_breaking):
	 * an editor's request to mail a post to the breaking list, queued
	 * once (queued_at set in the same transaction as the queue rows),
	 * so a post is sent as breaking news at most once. */
	"ALTER TABLE posts ADD COLUMN created_by INTEGER NOT NULL DEFAULT 0;"
	"UPDATE posts SET created_by = coalesce((SELECT b.user_id FROM"
	"  post_bylines b WHERE b.post_id = posts.id AND b.user_id != 0"
	"  ORDER BY b.position LIMIT 1), 0);"
	"CREATE TABLE post_breaking ("
	"  post_id INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,"
	"  requested_at INTEGER NOT NULL,"
	"  requested_by INTEGER NOT NULL DEFAULT 0,"
	"  queued_at INTEGER NOT NULL DEFAULT 0,"
	"  content_id INTEGER REFERENCES mail_content(id),"
	"  n_queued INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX post_breaking_pending ON post_breaking(post_id)"
	"  WHERE queued_at = 0;",
	/* 19: daily upkeep (issue 8): when `run` last merged the search index,
	 * and which process holds the task until when (one at a time, a
	 * restart does not do it twice a day) */
	"CREATE TABLE upkeep ("
	"  task TEXT PRIMARY KEY,"
	"  last_done INTEGER NOT NULL DEFAULT 0,"
	"  owner TEXT NOT NULL DEFAULT '',"
	"  lease_until INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;",
	/* 20: items waiting for the clusterer (issue 9): written with the item
	 * (new, or its headline changed), taken off when it is assigned a
	 * story, so a fetch cycle clusters what it stored in one order (time,
	 * source, key) whatever order its fetches ended in, and an item
	 * stored by a process killed before clustering is clustered next
	 * time. No backfill: before this, items and their stories were
	 * written in one savepoint. */
	"CREATE TABLE story_pending ("
	"  item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE"
	");",
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int
store_schema_latest(void)
{
	return N_MIGRATIONS;
}

static int
user_version(struct store *st, int *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(SQ(st)->db, "PRAGMA user_version", -1, &stmt,
	    NULL) != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
		rc = store_db_err(st, "read schema version");
		goto out;
	}
	*out = sqlite3_column_int(stmt, 0);
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
store_migrate(struct store *st)
{
	int rc, v;

	if ((rc = user_version(st, &v)) < 0)
		return rc;
	if (v > N_MIGRATIONS)
		return err_set(ND_EIO, "store: %s: schema version %d is newer "
		    "than this program (%d)", SQ(st)->path, v, N_MIGRATIONS);
	while (v < N_MIGRATIONS) {
		char bump[64];

		if ((rc = store_exec(st, "BEGIN IMMEDIATE", "begin migration")) < 0)
			return rc;
		/* Another process may have migrated while we waited. */
		if ((rc = user_version(st, &v)) < 0)
			goto fail;
		if (v >= N_MIGRATIONS) {
			rc = store_exec(st, "COMMIT", "commit migration");
			break;
		}
		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", v + 1);
		if ((rc = store_exec(st, migrations[v], "migrate")) < 0 ||
		    (rc = store_exec(st, bump, "set schema version")) < 0 ||
		    (rc = store_exec(st, "COMMIT", "commit migration")) < 0)
			goto fail;
		log_info(LOG_STORE, "migrated path=%s version=%d", SQ(st)->path,
		    v + 1);
		v++;
	}
	if (rc < 0)
		return rc;
	SQ(st)->schema_version = v;
	return 0;
fail:
	sqlite3_exec(SQ(st)->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
