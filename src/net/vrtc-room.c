/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "vrtc-room.h"
#include "vrtc-snapshot-load.h"

/* The session of the relay's own replica; it never commits, it only receives. */
#define RELAY_SESSION "relay"

/* A batch never grows past this before it is committed, even under constant load. */
#define MAX_BATCH 4096

/* Longest frame text printed by --verbose. */
#define LOG_FRAME_MAX 400

/* Database schema. A message row stays after it is folded into a snapshot, with json set
 * to NULL, so that its id is still known: a client that resends it after a compaction (or
 * a restart) is acked again with the same serverSeq and the message is not applied twice. */
static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS messages ("
  "  server_seq INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  json TEXT"                              /* seed dialect; NULL once folded */
  ");"
  "CREATE TABLE IF NOT EXISTS snapshots ("
  "  journal_index INTEGER PRIMARY KEY,"     /* messages folded into it, in all */
  "  last_seq INTEGER NOT NULL,"             /* server_seq of the last one folded */
  "  json TEXT NOT NULL"
  ");"
  "PRAGMA user_version = 1;";

typedef struct {
  VrtcPeer    *peer;
  VrtcMessage *msg;      /* NULL: only an ack, for a resend of a message in this batch */
  char        *id;
  gint64       seq;
} Pending;

struct _VrtcRoom
{
  char               *name;
  char               *db_path;
  sqlite3            *db;
  sqlite3_stmt       *insert_stmt;
  sqlite3_stmt       *lookup_stmt;

  /* the relay's replica: the latest snapshot + every message after it, in server order */
  VrtcEngine         *engine;
  char               *snapshot_json;     /* latest snapshot row, or NULL */
  GArray             *journal_seqs;      /* gint64 server_seq of each engine journal entry */
  GHashTable         *ids;               /* id -> server_seq (gint64 *) of those entries */
  gint64              folded_total;      /* messages folded into snapshot_json */
  gint64              next_seq;
  gint64              committed_seq;     /* every seq up to this one is on disk */
  gboolean            has_folded;        /* some ids are only on disk: look them up there */
  guint               compact_threshold;
  guint               compact_floor;     /* journal entries a compaction could not fold */

  GPtrArray          *peers;             /* VrtcPeer, joined */

  /* group commit: messages accepted during this main-loop iteration */
  GArray             *pending;           /* Pending */
  guint               n_pending_new;
  guint               flush_id;

  VrtcRoomFailedFunc  failed_func;
  gpointer            failed_data;
  gboolean            failed;
};

/* ---- peers ---- */

VrtcPeer *
vrtc_peer_new (SoupWebsocketConnection *ws,
               const char              *session_id,
               const char              *address,
               VrtcDialect              dialect)
{
  VrtcPeer *peer = g_new0 (VrtcPeer, 1);

  peer->ref_count = 1;
  peer->ws = g_object_ref (ws);
  peer->session_id = g_strdup (session_id);
  peer->address = g_strdup (address);
  peer->dialect = dialect;
  peer->last_rx = peer->last_tx = g_get_monotonic_time ();
  return peer;
}

VrtcPeer *
vrtc_peer_ref (VrtcPeer *peer)
{
  g_atomic_int_inc (&peer->ref_count);
  return peer;
}

void
vrtc_peer_unref (VrtcPeer *peer)
{
  if (!g_atomic_int_dec_and_test (&peer->ref_count))
    return;
  g_assert (peer->room == NULL);
  g_clear_object (&peer->ws);
  g_free (peer->session_id);
  g_free (peer->address);
  g_free (peer);
}

void
vrtc_peer_log (VrtcPeer   *peer,
               const char *event,
               const char *format,
               ...)
{
  g_autofree char *details = NULL;
  va_list args;

  va_start (args, format);
  details = g_strdup_vprintf (format, args);
  va_end (args);
  g_message ("%s room=%s session=%s peer=%s%s%s", event,
             peer->room ? vrtc_room_get_name (peer->room) : "-",
             peer->session_id, peer->address, *details ? " " : "", details);
}

void
vrtc_peer_log_frame (VrtcPeer   *peer,
                     const char *direction,
                     const char *text,
                     gsize       len)
{
  if (len > LOG_FRAME_MAX)
    {
      int cut = LOG_FRAME_MAX;

      /* not in the middle of a UTF-8 sequence */
      while (cut > 0 && ((guchar) text[cut] & 0xC0) == 0x80)
        cut--;
      vrtc_peer_log (peer, "frame", "%s %" G_GSIZE_FORMAT " bytes: %.*s…", direction, len,
                     cut, text);
    }
  else
    vrtc_peer_log (peer, "frame", "%s %.*s", direction, (int) len, text);
}

void
vrtc_peer_send (VrtcPeer   *peer,
                const char *text)
{
  if (soup_websocket_connection_get_state (peer->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  if (peer->verbose)
    vrtc_peer_log_frame (peer, "out", text, strlen (text));
  soup_websocket_connection_send_text (peer->ws, text);
  peer->last_tx = g_get_monotonic_time ();
}

void
vrtc_peer_send_error (VrtcPeer   *peer,
                      const char *msg_id,
                      const char *error)
{
  g_autofree char *frame = vrtc_frame_new_error (msg_id, error);

  vrtc_peer_send (peer, frame);
}

/* ---- database ---- */

static gboolean
db_fail (VrtcRoom   *room,
         const char *what,
         GError    **error)
{
  g_set_error (error, VRTC_ERROR, VRTC_ERROR_FAILED, "%s: %s: %s", room->db_path, what,
               sqlite3_errmsg (room->db));
  return FALSE;
}

static gboolean
db_exec (VrtcRoom   *room,
         const char *sql,
         GError    **error)
{
  if (sqlite3_exec (room->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_fail (room, sql, error);
  return TRUE;
}

static gboolean
db_prepare (VrtcRoom      *room,
            const char    *sql,
            sqlite3_stmt **stmt,
            GError       **error)
{
  if (sqlite3_prepare_v2 (room->db, sql, -1, stmt, NULL) != SQLITE_OK)
    return db_fail (room, sql, error);
  return TRUE;
}

/* Looks a message id up on disk, for the ids folded into a snapshot (which the replica
 * no longer has in its journal): 1 found, 0 not, -1 on a database error. */
static int
db_lookup_id (VrtcRoom   *room,
              const char *id,
              gint64     *seq)
{
  int rc, found = 0;

  sqlite3_bind_text (room->lookup_stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (room->lookup_stmt);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (room->lookup_stmt, 0);
      found = 1;
    }
  else if (rc != SQLITE_DONE)
    found = -1;
  sqlite3_reset (room->lookup_stmt);
  sqlite3_clear_bindings (room->lookup_stmt);
  return found;
}

static void
room_index (VrtcRoom    *room,
            const char  *id,
            gint64       seq)
{
  g_array_append_val (room->journal_seqs, seq);
  g_hash_table_insert (room->ids, g_strdup (id), g_memdup2 (&seq, sizeof seq));
}

static gboolean
room_load (VrtcRoom *room,
           GError  **error)
{
  g_autoptr(GPtrArray) journal = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) local = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 last_seq = 0;
  gboolean ok = FALSE;
  int rc;

  /* WAL with synchronous=NORMAL: a transaction is in the WAL file when COMMIT returns, so
   * it survives the relay process being killed (kill -9, a crash), which is the promise an
   * ack makes. It does not fsync on every commit, so the last commits can be lost to a
   * power failure or an OS crash; synchronous=FULL would close that gap at a cost per
   * commit (group commits keep that cost per batch, not per message). */
  if (!db_prepare (room, "PRAGMA journal_mode=WAL", &stmt, error))
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW ||
      g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0)
    {
      sqlite3_finalize (stmt);
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_FAILED, "%s: cannot switch to WAL mode",
                   room->db_path);
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!db_exec (room, "PRAGMA synchronous=NORMAL", error) ||
      !db_exec (room, schema_sql, error))
    return FALSE;

  if (!db_prepare (room, "SELECT journal_index, last_seq, json FROM snapshots "
                         "ORDER BY journal_index DESC LIMIT 1", &stmt, error))
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *json = (const char *) sqlite3_column_text (stmt, 2);

      room->folded_total = sqlite3_column_int64 (stmt, 0);
      last_seq = sqlite3_column_int64 (stmt, 1);
      room->snapshot_json = g_strdup (json);
      if (json == NULL)
        {
          g_set_error (error, VRTC_ERROR, VRTC_ERROR_FAILED, "%s: stored snapshot: missing",
                       room->db_path);
          goto out;
        }
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!db_prepare (room, "SELECT COALESCE(MAX(server_seq), 0), COUNT(*) - COUNT(json) "
                         "FROM messages", &stmt, error))
    goto out;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      room->next_seq = sqlite3_column_int64 (stmt, 0) + 1;
      room->has_folded = sqlite3_column_int64 (stmt, 1) > 0;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!db_prepare (room, "SELECT server_seq, json FROM messages "
                         "WHERE server_seq > ?1 AND json IS NOT NULL ORDER BY server_seq",
                   &stmt, error))
    goto out;
  sqlite3_bind_int64 (stmt, 1, last_seq);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      const char *json = (const char *) sqlite3_column_text (stmt, 1);
      VrtcMessage *msg = vrtc_codec_parse_message (json, -1, &local);

      if (msg == NULL)
        {
          g_set_error (error, VRTC_ERROR, VRTC_ERROR_FAILED,
                       "%s: stored message %" G_GINT64_FORMAT ": %s",
                       room->db_path, seq, local->message);
          goto out;
        }
      g_ptr_array_add (journal, msg);
      g_array_append_val (seqs, seq);
    }
  if (rc != SQLITE_DONE)
    {
      db_fail (room, "reading the journal", error);
      goto out;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* streamed: the snapshot is never held as a value of the whole document */
  if (!vrtc_snapshot_init_engine (room->engine, room->snapshot_json, -1,
                                  (VrtcMessage **) journal->pdata, journal->len, &local))
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_FAILED, "%s: stored state: %s",
                   room->db_path, local->message);
      goto out;
    }
  for (guint i = 0; i < journal->len; i++)
    room_index (room, ((VrtcMessage *) g_ptr_array_index (journal, i))->id,
                g_array_index (seqs, gint64, i));
  room->committed_seq = room->next_seq - 1;

  if (!db_prepare (room, "INSERT INTO messages (server_seq, id, json) VALUES (?1, ?2, ?3)",
                   &room->insert_stmt, error) ||
      !db_prepare (room, "SELECT server_seq FROM messages WHERE id = ?1",
                   &room->lookup_stmt, error))
    goto out;
  ok = TRUE;

out:
  if (stmt != NULL)
    sqlite3_finalize (stmt);
  return ok;
}

VrtcRoom *
vrtc_room_open (const char *name,
                const char *db_path,
                GError    **error)
{
  VrtcRoom *room = g_new0 (VrtcRoom, 1);

  room->name = g_strdup (name);
  room->db_path = g_strdup (db_path);
  room->engine = vrtc_engine_new (RELAY_SESSION);
  room->journal_seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  room->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  room->peers = g_ptr_array_new ();
  room->pending = g_array_new (FALSE, TRUE, sizeof (Pending));
  room->next_seq = 1;

  if (sqlite3_open_v2 (db_path, &room->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_FAILED, "%s: %s", db_path,
                   room->db ? sqlite3_errmsg (room->db) : "cannot open");
      vrtc_room_free (room);
      return NULL;
    }
  /* another process reading the file (sqlite3, a backup) may hold a lock for a moment */
  sqlite3_busy_timeout (room->db, 5000);
  if (!room_load (room, error))
    {
      vrtc_room_free (room);
      return NULL;
    }
  return room;
}

static void
pending_clear (Pending *p)
{
  g_clear_pointer (&p->peer, vrtc_peer_unref);
  g_clear_pointer (&p->msg, vrtc_msg_unref);
  g_clear_pointer (&p->id, g_free);
}

void
vrtc_room_free (VrtcRoom *room)
{
  if (room == NULL)
    return;
  if (room->db != NULL && !room->failed)
    {
      g_autoptr(GError) error = NULL;

      room->failed_func = NULL;
      if (!vrtc_room_flush (room, &error))
        g_warning ("room %s: %s", room->name, error->message);
    }
  g_clear_handle_id (&room->flush_id, g_source_remove);
  for (guint i = 0; i < room->pending->len; i++)
    pending_clear (&g_array_index (room->pending, Pending, i));
  g_array_unref (room->pending);
  for (guint i = 0; i < room->peers->len; i++)
    ((VrtcPeer *) g_ptr_array_index (room->peers, i))->room = NULL;
  g_ptr_array_unref (room->peers);
  g_clear_pointer (&room->insert_stmt, sqlite3_finalize);
  g_clear_pointer (&room->lookup_stmt, sqlite3_finalize);
  if (room->db != NULL)
    sqlite3_close_v2 (room->db);
  vrtc_engine_free (room->engine);
  g_array_unref (room->journal_seqs);
  g_hash_table_unref (room->ids);
  g_free (room->snapshot_json);
  g_free (room->db_path);
  g_free (room->name);
  g_free (room);
}

void
vrtc_room_set_failed_func (VrtcRoom           *room,
                           VrtcRoomFailedFunc  func,
                           gpointer            user_data)
{
  room->failed_func = func;
  room->failed_data = user_data;
}

void
vrtc_room_set_compact_threshold (VrtcRoom *room,
                                 guint     threshold)
{
  room->compact_threshold = threshold;
}

const char *
vrtc_room_get_name (VrtcRoom *room)
{
  return room->name;
}

guint
vrtc_room_get_n_peers (VrtcRoom *room)
{
  return room->peers->len;
}

VrtcPeer *
vrtc_room_get_peer (VrtcRoom *room,
                    guint     i)
{
  return g_ptr_array_index (room->peers, i);
}

static void
room_fail (VrtcRoom     *room,
           const GError *error)
{
  room->failed = TRUE;
  g_clear_handle_id (&room->flush_id, g_source_remove);
  if (room->failed_func)
    room->failed_func (room, error, room->failed_data);
}

/* ---- joining ---- */

void
vrtc_room_add_peer (VrtcRoom *room,
                    VrtcPeer *peer)
{
  g_autoptr(GPtrArray) journal = g_ptr_array_new ();
  g_autofree char *frame = NULL;
  guint n;

  g_return_if_fail (peer->room == NULL);

  /* only what is on disk: messages of the batch in flight reach the peer as broadcasts */
  n = vrtc_engine_journal_length (room->engine) - room->n_pending_new;
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (journal,
                     vrtc_entry_get_message (vrtc_engine_journal_get (room->engine, i)));
  frame = vrtc_frame_new_state (room->snapshot_json, (VrtcMessage **) journal->pdata,
                                journal->len, peer->dialect);

  g_ptr_array_add (room->peers, vrtc_peer_ref (peer));
  peer->room = room;
  vrtc_peer_send (peer, frame);

  /* presence: the newcomer hears of everyone here, and they of it, before anyone edits */
  for (guint i = 0; i + 1 < room->peers->len; i++)
    {
      VrtcPeer *other = g_ptr_array_index (room->peers, i);
      g_autofree char *hello = vrtc_frame_new_heartbeat (other->session_id,
                                                         vrtc_engine_get_clock (room->engine));

      vrtc_peer_send (peer, hello);
    }
  vrtc_room_forward_heartbeat (room, peer, vrtc_engine_get_clock (room->engine));
}

/* A client's heartbeat, passed on to the room's other clients: a quiet client is still
 * counted among the connected ones (VrtcClient:peers). */
void
vrtc_room_forward_heartbeat (VrtcRoom        *room,
                             VrtcPeer        *from,
                             const VrtcClock *clock)
{
  g_autofree char *frame = NULL;

  for (guint i = 0; i < room->peers->len; i++)
    {
      VrtcPeer *other = g_ptr_array_index (room->peers, i);

      if (other == from)
        continue;
      if (frame == NULL)
        frame = vrtc_frame_new_heartbeat (from->session_id, clock);
      vrtc_peer_send (other, frame);
    }
}

void
vrtc_room_remove_peer (VrtcRoom *room,
                       VrtcPeer *peer)
{
  g_return_if_fail (peer->room == room);

  peer->room = NULL;
  if (g_ptr_array_remove (room->peers, peer))
    vrtc_peer_unref (peer);
}

void
vrtc_room_send_heartbeat (VrtcRoom *room,
                          VrtcPeer *peer)
{
  g_autofree char *frame = vrtc_frame_new_heartbeat (RELAY_SESSION,
                                                     vrtc_engine_get_clock (room->engine));

  vrtc_peer_send (peer, frame);
}

/* ---- messages ---- */

static void
send_ack (VrtcPeer   *peer,
          const char *id,
          gint64      seq)
{
  g_autofree char *frame = vrtc_frame_new_ack (id, seq);

  vrtc_peer_send (peer, frame);
}

static gboolean
flush_cb (gpointer data)
{
  VrtcRoom *room = data;

  room->flush_id = 0;
  vrtc_room_flush (room, NULL);
  return G_SOURCE_REMOVE;
}

static void
queue (VrtcRoom    *room,
       VrtcPeer    *peer,
       VrtcMessage *msg,
       const char  *id,
       gint64       seq)
{
  Pending p = { vrtc_peer_ref (peer), msg ? vrtc_msg_ref (msg) : NULL, g_strdup (id), seq };

  g_array_append_val (room->pending, p);
  if (msg != NULL)
    room->n_pending_new++;
  /* Every message that arrives during one main-loop iteration goes into one transaction:
   * the idle runs after the frames already read have been dispatched. */
  if (room->flush_id == 0)
    {
      room->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, flush_cb, room, NULL);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, room->flush_id),
                                "[vrtc] room commit");
    }
}

void
vrtc_room_submit (VrtcRoom    *room,
                  VrtcPeer    *peer,
                  VrtcMessage *msg)
{
  g_autoptr(GError) error = NULL;
  VrtcReceiveResult result;
  const gint64 *known;
  gint64 seq;

  g_return_if_fail (!room->failed);

  /* a message seen before: acked again with its serverSeq, neither stored nor broadcast */
  if ((known = g_hash_table_lookup (room->ids, msg->id)) != NULL)
    {
      if (*known > room->committed_seq)
        queue (room, peer, NULL, msg->id, *known);
      else
        send_ack (peer, msg->id, *known);
      return;
    }
  if (room->has_folded)
    {
      switch (db_lookup_id (room, msg->id, &seq))
        {
        case 1:
          send_ack (peer, msg->id, seq);
          return;
        case -1:
          vrtc_peer_send_error (peer, msg->id, "relay: the room's database cannot be read");
          return;
        default:
          break;
        }
    }

  if (!vrtc_engine_receive (room->engine, msg, &result, &error))
    {
      vrtc_peer_send_error (peer, msg->id, error->message);
      return;
    }
  if (result == VRTC_RECEIVE_DUPLICATE)
    {
      /* the replica knows it but the index does not: only the database can say its seq */
      if (db_lookup_id (room, msg->id, &seq) == 1)
        send_ack (peer, msg->id, seq);
      else
        vrtc_peer_send_error (peer, msg->id, "relay: the message is known but not stored");
      return;
    }

  seq = room->next_seq++;
  room_index (room, msg->id, seq);
  queue (room, peer, msg, msg->id, seq);
  if (room->n_pending_new >= MAX_BATCH)
    vrtc_room_flush (room, NULL);
}

static gboolean
compact (VrtcRoom *room,
         GError  **error)
{
  g_autoptr(GPtrArray) journal = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);
  g_autoptr(GError) local = NULL;
  guint length = vrtc_engine_journal_length (room->engine);
  const char *json;
  gint64 last_seq;
  sqlite3_stmt *stmt = NULL;
  guint n;
  int rc;

  for (guint i = 0; i < length; i++)
    g_ptr_array_add (journal, vrtc_msg_ref (vrtc_entry_get_message (
                                vrtc_engine_journal_get (room->engine, i))));
  n = vrtc_engine_compact (room->engine);
  if (n == 0)
    {
      /* an undone entry at the front: nothing folds until the journal grows again */
      room->compact_floor = length;
      return TRUE;
    }
  json = vrtc_engine_get_snapshot_json (room->engine);
  last_seq = g_array_index (room->journal_seqs, gint64, n - 1);

  /* One transaction: the snapshot row and the folding of its messages commit together,
   * so a crash leaves either the old snapshot with its journal or the new one. */
  if (!db_exec (room, "BEGIN", error))
    return FALSE;
  if (!db_prepare (room, "INSERT INTO snapshots (journal_index, last_seq, json) "
                         "VALUES (?1, ?2, ?3)", &stmt, error))
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, room->folded_total + n);
  sqlite3_bind_int64 (stmt, 2, last_seq);
  sqlite3_bind_text (stmt, 3, json, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc != SQLITE_DONE)
    {
      db_fail (room, "storing the snapshot", error);
      goto rollback;
    }
  if (!db_prepare (room, "UPDATE messages SET json = NULL "
                         "WHERE server_seq <= ?1 AND json IS NOT NULL", &stmt, error))
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, last_seq);
  rc = sqlite3_step (stmt);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc != SQLITE_DONE)
    {
      db_fail (room, "folding the journal", error);
      goto rollback;
    }
  if (!db_prepare (room, "DELETE FROM snapshots WHERE journal_index < ?1", &stmt, error))
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, room->folded_total + n);
  rc = sqlite3_step (stmt);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc != SQLITE_DONE)
    {
      db_fail (room, "dropping the old snapshot", error);
      goto rollback;
    }
  if (!db_exec (room, "COMMIT", error))
    goto rollback;

  g_free (room->snapshot_json);
  room->snapshot_json = g_strdup (json);
  room->folded_total += n;
  room->has_folded = TRUE;
  for (guint i = 0; i < n; i++)
    g_hash_table_remove (room->ids, ((VrtcMessage *) g_ptr_array_index (journal, i))->id);
  g_array_remove_range (room->journal_seqs, 0, n);
  g_ptr_array_remove_range (journal, 0, n);
  room->compact_floor = journal->len;

  /* Start the replica again from the snapshot it just wrote, as a joining client does:
   * the engine keeps every entry it ever received, so this bounds its memory and the
   * cost of the next compaction. */
  if (!vrtc_snapshot_init_engine (room->engine, room->snapshot_json, -1,
                                  (VrtcMessage **) journal->pdata, journal->len, &local))
    g_warning ("room %s: the new snapshot does not load back: %s", room->name,
               local->message);
  g_info ("compact room=%s folded=%u total=%" G_GINT64_FORMAT " journal=%u", room->name, n,
          room->folded_total, journal->len);
  return TRUE;

rollback:
  sqlite3_exec (room->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

gboolean
vrtc_room_flush (VrtcRoom *room,
                 GError  **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GString) json = NULL;
  GArray *batch;

  g_clear_handle_id (&room->flush_id, g_source_remove);
  if (room->failed)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_FAILED, "room %s: storage failed", room->name);
      return FALSE;
    }
  if (room->pending->len == 0)
    return TRUE;

  if (room->n_pending_new > 0)
    {
      json = g_string_new (NULL);
      if (!db_exec (room, "BEGIN", &local))
        goto fail;
      for (guint i = 0; i < room->pending->len; i++)
        {
          Pending *p = &g_array_index (room->pending, Pending, i);
          int rc;

          if (p->msg == NULL)
            continue;
          g_string_truncate (json, 0);
          vrtc_codec_write_message (p->msg, VRTC_DIALECT_SEED, json);
          sqlite3_bind_int64 (room->insert_stmt, 1, p->seq);
          sqlite3_bind_text (room->insert_stmt, 2, p->id, -1, SQLITE_STATIC);
          sqlite3_bind_text (room->insert_stmt, 3, json->str, json->len, SQLITE_STATIC);
          rc = sqlite3_step (room->insert_stmt);
          sqlite3_reset (room->insert_stmt);
          sqlite3_clear_bindings (room->insert_stmt);
          if (rc != SQLITE_DONE)
            {
              db_fail (room, "storing a message", &local);
              sqlite3_exec (room->db, "ROLLBACK", NULL, NULL, NULL);
              goto fail;
            }
        }
      if (!db_exec (room, "COMMIT", &local))
        {
          sqlite3_exec (room->db, "ROLLBACK", NULL, NULL, NULL);
          goto fail;
        }
    }

  /* on disk: now the acks and broadcasts may go out */
  room->committed_seq = room->next_seq - 1;
  batch = room->pending;
  room->pending = g_array_new (FALSE, TRUE, sizeof (Pending));
  room->n_pending_new = 0;
  for (guint i = 0; i < batch->len; i++)
    {
      Pending *p = &g_array_index (batch, Pending, i);
      char *frames[2] = { NULL, NULL };

      send_ack (p->peer, p->id, p->seq);
      if (p->msg != NULL)
        for (guint j = 0; j < room->peers->len; j++)
          {
            VrtcPeer *other = g_ptr_array_index (room->peers, j);

            if (other == p->peer)
              continue;
            if (frames[other->dialect] == NULL)
              frames[other->dialect] = vrtc_frame_new_broadcast (p->msg, other->dialect);
            vrtc_peer_send (other, frames[other->dialect]);
          }
      g_free (frames[0]);
      g_free (frames[1]);
      pending_clear (p);
    }
  g_array_unref (batch);

  if (room->compact_threshold > 0 &&
      vrtc_engine_journal_length (room->engine) > room->compact_floor + room->compact_threshold &&
      !compact (room, &local))
    goto fail;
  return TRUE;

fail:
  g_warning ("room %s: %s", room->name, local->message);
  room_fail (room, local);
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}
