/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "inspector-sample.h"
#include "inspector-session.h"
#include "vrtc-codec.h"
#include "vrtc-json-reader.h"
#include "vrtc-protocol.h"
#include "vrtc-snapshot-private.h"

/* Loading a journal applies messages from an idle source for at most this long per turn
 * of the main loop, so the window keeps drawing and answering while a big file goes in. */
#define APPLY_BUDGET_USEC (8 * 1000)
/* A big journal of JSON lines is parsed in two parts: its first lines, which the window
 * shows while the rest is parsed in the background. */
#define SPLIT_MIN_BYTES   (2 * 1024 * 1024)
#define FIRST_PART_BYTES  (256 * 1024)
#define HOSTED_ROOM "scene"
/* How long a hosted room waits for the sample scene to reach the relay before joining. */
#define SEED_TIMEOUT_SECONDS 5

struct _InspectorSession
{
  GObject               parent_instance;

  InspectorSessionKind  kind;
  VrtcStore            *store;
  char                 *title;
  char                 *subtitle;

  /* a file */
  GFile                *file;
  GPtrArray            *pending;        /* VrtcMessage still to apply */
  gboolean              from_snapshot;  /* the store started from the file's snapshot */
  guint                 n_applied;
  guint                 n_refused;
  char                 *first_refusal;
  char                 *unread;         /* why the rest of a big file could not be read */
  guint                 apply_source;
  gboolean              loading;
  double                progress;
  gboolean              parsing_rest;   /* the file's lines after the first part */
  double                first_part;     /* its share of the file, for the progress */

  /* a room, joined or hosted */
  VrtcClient           *client;
  VrtcRelay            *relay;
  char                 *relay_dir;
  VrtcClient           *seeder;         /* hands the sample scene to a hosted room */
  guint                 seed_source;
  char                 *url;
  char                 *join_url;
  VrtcClientStatus      status;
  char                 *status_text;
  gboolean              ever_connected;
  gboolean              told_unreachable;
};

G_DEFINE_ENUM_TYPE (InspectorSessionKind, inspector_session_kind,
                    G_DEFINE_ENUM_VALUE (INSPECTOR_SESSION_LOCAL, "local"),
                    G_DEFINE_ENUM_VALUE (INSPECTOR_SESSION_FILE, "file"),
                    G_DEFINE_ENUM_VALUE (INSPECTOR_SESSION_ROOM, "room"),
                    G_DEFINE_ENUM_VALUE (INSPECTOR_SESSION_HOST, "host"))

G_DEFINE_FINAL_TYPE (InspectorSession, inspector_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_STORE,
  PROP_CLIENT,
  PROP_FILE,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_URL,
  PROP_JOIN_URL,
  PROP_STATUS,
  PROP_STATUS_TEXT,
  PROP_PEERS,
  PROP_LOADING,
  PROP_PROGRESS,
  N_PROPS
};

enum {
  TOAST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static char *
new_session_id (void)
{
  return g_strdup_printf ("inspector-%08x", g_random_int ());
}

static VrtcStore *
new_store (void)
{
  g_autofree char *session_id = new_session_id ();

  return vrtc_store_new (session_id);
}

static void
toast (InspectorSession *self,
       const char       *text)
{
  g_signal_emit (self, signals[TOAST], 0, text);
}

static void
set_status_text (InspectorSession *self)
{
  g_autofree char *text = inspector_session_dup_status_text (self);

  if (g_strcmp0 (text, self->status_text) == 0)
    return;

  g_free (self->status_text);
  self->status_text = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
}

/* The client */

static void
on_client_status (InspectorSession *self)
{
  VrtcClientStatus old = self->status;
  VrtcClientStatus status = vrtc_client_get_status (self->client);

  if (status == old)
    return;

  self->status = status;

  switch (status)
    {
    case VRTC_CLIENT_STATUS_CONNECTED:
      if (self->ever_connected)
        toast (self, _("Reconnected"));
      self->ever_connected = TRUE;
      self->told_unreachable = FALSE;
      break;

    case VRTC_CLIENT_STATUS_RECONNECTING:
      if (old == VRTC_CLIENT_STATUS_CONNECTED)
        {
          toast (self, _("Lost the connection to the server; trying again"));
        }
      else if (!self->told_unreachable)
        {
          g_autofree char *reason = inspector_session_dup_last_error (self);
          g_autofree char *text = NULL;

          /* Translators: %s is why, as the network layer says it */
          text = g_strdup_printf (_("Could not reach the server: %s"),
                                  reason ? reason : _("no answer"));
          toast (self, text);
          self->told_unreachable = TRUE;
        }
      break;

    case VRTC_CLIENT_STATUS_DISCONNECTED:
    case VRTC_CLIENT_STATUS_CONNECTING:
    default:
      break;
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  set_status_text (self);
}

static void
on_client_error (InspectorSession *self,
                 const char       *message,
                 const char       *msg_id)
{
  g_autofree char *text = NULL;
  g_autofree char *own_prefix = NULL;

  own_prefix = g_strdup_printf ("%s:", vrtc_store_get_session_id (self->store));
  if (msg_id != NULL && g_str_has_prefix (msg_id, own_prefix))
    /* Translators: %s is the server's reason, as it sent it */
    text = g_strdup_printf (_("The server refused your change: %s"), message);
  else
    /* Translators: %s is the reason, as the server or the store gives it */
    text = g_strdup_printf (_("A message was refused: %s"), message);
  toast (self, text);
}

static void
on_client_peers (InspectorSession *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEERS]);
}

static void
watch_client (InspectorSession *self)
{
  g_signal_connect_object (self->client, "notify::status",
                           G_CALLBACK (on_client_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::reconnect-delay",
                           G_CALLBACK (set_status_text), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::last-error",
                           G_CALLBACK (set_status_text), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "error",
                           G_CALLBACK (on_client_error), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::peers",
                           G_CALLBACK (on_client_peers), self, G_CONNECT_SWAPPED);
}

/* Hosting */

static void
join_hosted_room (InspectorSession *self)
{
  self->client = vrtc_client_new (self->store, self->join_url);
  watch_client (self);
  vrtc_client_connect (self->client);
  self->status = vrtc_client_get_status (self->client);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  set_status_text (self);
}

static gboolean
seed_done (gpointer user_data)
{
  InspectorSession *self = user_data;

  self->seed_source = 0;
  if (self->seeder != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->seeder, self);
      vrtc_client_disconnect (self->seeder);
      g_clear_object (&self->seeder);
      join_hosted_room (self);
    }

  return G_SOURCE_REMOVE;
}

static void
on_seeder_acked (InspectorSession *self)
{
  g_autoptr(GPtrArray) unacked = vrtc_store_get_unacked (vrtc_client_get_store (self->seeder));

  /* Not from inside the client's own signal: finish from the main loop. */
  if (unacked->len == 0)
    {
      g_clear_handle_id (&self->seed_source, g_source_remove);
      self->seed_source = g_idle_add (seed_done, self);
    }
}

static gboolean
has_sample (VrtcStore *store)
{
  GListModel *journal = vrtc_store_get_journal (store);
  guint n = g_list_model_get_n_items (journal);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (journal, i);

      if (g_strcmp0 (vrtc_journal_entry_get_session_id (entry), INSPECTOR_SAMPLE_SESSION) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  /* The relay's SQLite files, a level or two down: no links to follow in there. */
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else if (g_remove (child) != 0)
        g_debug ("Could not remove %s", child);
    }
  g_rmdir (path);
}

/* Loading a file */

static void
finish_loading (InspectorSession *self)
{
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  g_clear_handle_id (&self->apply_source, g_source_remove);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  self->loading = FALSE;
  self->progress = 1.0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);

  name = g_file_get_basename (self->file);
  if (self->unread != NULL)
    {
      /* Translators: "Opened the first 1200 messages of “FILE”; the rest could not be read
       * (FILE:LINE: what is wrong)" */
      text = g_strdup_printf (ngettext ("Opened the first %u message of “%s”; the rest could not be read (%s)",
                                        "Opened the first %u messages of “%s”; the rest could not be read (%s)",
                                        self->n_applied),
                              self->n_applied, name, self->unread);
    }
  else if (self->n_refused == 0 && self->n_applied == 0 && self->from_snapshot)
    {
      /* Translators: %s is a file name */
      text = g_strdup_printf (_("Opened the snapshot “%s”"), name);
    }
  else if (self->n_refused == 0)
    {
      /* Translators: the first %s is a file name */
      text = g_strdup_printf (ngettext ("Opened “%s”: %u message",
                                        "Opened “%s”: %u messages", self->n_applied),
                              name, self->n_applied);
    }
  else
    {
      g_autofree char *refused = NULL;

      refused = g_strdup_printf (ngettext ("%u message was refused",
                                           "%u messages were refused", self->n_refused),
                                 self->n_refused);
      /* Translators: "Opened “FILE”: 12 messages; 2 messages were refused (WHY)" */
      text = g_strdup_printf (ngettext ("Opened “%s”: %u message; %s (%s)",
                                        "Opened “%s”: %u messages; %s (%s)", self->n_applied),
                              name, self->n_applied, refused, self->first_refusal);
    }
  toast (self, text);
}

static gboolean
apply_pending (gpointer user_data)
{
  InspectorSession *self = user_data;
  gint64 deadline = g_get_monotonic_time () + APPLY_BUDGET_USEC;
  guint done = self->n_applied + self->n_refused;

  while (done < self->pending->len && g_get_monotonic_time () < deadline)
    {
      g_autoptr(GError) error = NULL;

      if (vrtc_store_receive (self->store, self->pending->pdata[done], &error))
        {
          self->n_applied++;
        }
      else
        {
          self->n_refused++;
          if (self->first_refusal == NULL)
            self->first_refusal = g_strdup (error->message);
        }
      done++;
    }

  if (done >= self->pending->len && self->parsing_rest)
    {
      /* Until the rest is parsed: rest_parsed_cb() starts again. */
      self->apply_source = 0;
      return G_SOURCE_REMOVE;
    }

  if (done >= self->pending->len)
    {
      self->apply_source = 0;
      finish_loading (self);
      return G_SOURCE_REMOVE;
    }

  self->progress = (double) done / self->pending->len;
  if (self->parsing_rest)
    self->progress *= self->first_part;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);

  return G_SOURCE_CONTINUE;
}

typedef struct {
  GFile        *file;
  GBytes       *bytes;
  GPtrArray    *messages;
  VrtcSnapshot *snapshot;
  gboolean      bare;         /* snapshot is the whole file, not a state frame's */
  VrtcStore    *store;        /* the snapshot loaded, in the worker thread */
  gsize         rest;         /* where the part left to parse starts; 0: none */
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_clear_pointer (&data->messages, g_ptr_array_unref);
  g_clear_pointer (&data->snapshot, vrtc_snapshot_unref);
  g_clear_object (&data->store);
  g_free (data);
}

static void
message_ptr_unref (gpointer msg)
{
  vrtc_message_unref (msg);
}

/*
 * Where to cut a big journal of JSON lines, so that its first lines can be applied and
 * shown while the rest is parsed: after a line, once FIRST_PART_BYTES are in; 0 when it
 * is not worth it or not safe (a JSON array, or a state frame further on, which must come
 * first).
 */
static gsize
find_first_part (const char *text,
                 gsize       len)
{
  const char *cut;
  gsize i = 0;

  if (text == NULL || len < SPLIT_MIN_BYTES)
    return 0;
  while (i < len && g_ascii_isspace (text[i]))
    i++;
  if (i >= len || text[i] != '{')
    return 0;

  cut = memchr (text + FIRST_PART_BYTES, '\n', len - FIRST_PART_BYTES);
  if (cut == NULL || cut + 1 >= text + len)
    return 0;
  if (g_strstr_len (cut, len - (cut - text), "\"state\"") != NULL)
    return 0;

  return cut + 1 - text;
}

/*
 * A file whose first line is a state frame (what Save writes for a compacted session, or a
 * relay's state as captured): the frame is read with its snapshot kept as text, which the
 * store then loads as a stream, so a 100,000-node scene is never held as one value. The
 * lines after it are parsed as a journal. FALSE (nothing set) when the first line is not a
 * plain state frame or anything in the file is wrong: the caller parses the whole file then,
 * and its errors are the ones to show.
 */
static gboolean
parse_state_frame (LoadData   *data,
                   const char *name)
{
  gsize len = 0;
  const char *text = g_bytes_get_data (data->bytes, &len);
  const char *nl;
  gsize first_len, i = 0;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  VrtcFrame frame = { 0 };
  VrtcValue none = VRTC_VALUE_INIT;
  gboolean ok;

  while (i < len && g_ascii_isspace (text[i]))
    i++;
  if (i >= len || text[i] != '{' || g_strstr_len (text + i, MIN (len - i, 64), "\"mtype\"") == NULL)
    return FALSE;
  nl = memchr (text, '\n', len);
  first_len = nl ? (gsize) (nl - text) : len;
  first = g_bytes_new_from_bytes (data->bytes, 0, first_len);
  if (!vrtc_frame_parse_bytes (first, &frame, NULL) || frame.type != VRTC_FRAME_STATE ||
      frame.snapshot_text == NULL)
    {
      vrtc_frame_clear (&frame);
      return FALSE;
    }
  rest = g_ptr_array_new_with_free_func (message_ptr_unref);
  ok = nl == NULL || vrtc_codec_parse_journal (nl + 1, len - first_len - 1, name, rest, &none, NULL);
  /* a second state frame further on is the journal parser's to explain */
  ok = ok && none.kind == VRTC_VALUE_NONE;
  vrtc_value_clear (&none);
  if (ok)
    {
      data->snapshot = vrtc_snapshot_new_take_text (g_steal_pointer (&frame.snapshot_text));
      data->messages = g_steal_pointer (&frame.journal);
      g_ptr_array_set_free_func (data->messages, message_ptr_unref);
      g_ptr_array_extend_and_steal (data->messages, g_steal_pointer (&rest));
    }
  vrtc_frame_clear (&frame);
  return ok;
}

/*
 * A bare snapshot ({graph, stamps, vectorClock, ...}, as vrtc_snapshot_to_json, a relay's room
 * or the Python module writes one) is the whole file: its top-level object has a graph, and
 * before it nothing a message or a frame has. Only the members before the graph are read
 * here: loading reads the rest as a stream and reports what is wrong in it. FALSE when the
 * file is not one (the journal parser reads it, and its errors are the ones to show).
 */
static gboolean
parse_bare_snapshot (LoadData *data)
{
  static const char *const not_snapshot[] = {
    "ops", "mtype", "msg", "etype", "id", "sessionId", "client", "otype",
  };
  g_auto(VrtcJsonReader) r = { 0 };
  gsize len = 0;
  const char *text = g_bytes_get_data (data->bytes, &len);
  const char *key;
  gsize key_len;

  vrtc_json_reader_init (&r, text ? text : "", len);
  if (vrtc_json_reader_peek (&r) != VRTC_JSON_OBJECT || !vrtc_json_reader_begin_object (&r, NULL))
    return FALSE;
  while (vrtc_json_reader_next_member (&r, &key, &key_len, NULL))
    {
      if (strcmp (key, "graph") == 0)
        {
          data->snapshot = vrtc_snapshot_new_take_text (g_bytes_ref (data->bytes));
          data->bare = TRUE;
          data->messages = g_ptr_array_new_with_free_func (message_ptr_unref);
          return TRUE;
        }
      for (guint i = 0; i < G_N_ELEMENTS (not_snapshot); i++)
        if (strcmp (key, not_snapshot[i]) == 0)
          return FALSE;
      if (!vrtc_json_reader_skip (&r, NULL))
        return FALSE;
    }
  return FALSE;
}

/* The file's snapshot, loaded into the session's store in the worker thread (nothing else
 * knows the store yet), so that a 100,000-node scene does not hold up the window. */
static gboolean
load_snapshot_in_thread (LoadData   *data,
                         const char *name,
                         GError    **error)
{
  g_autoptr(VrtcSnapshot) snapshot = g_steal_pointer (&data->snapshot);
  g_autoptr(GError) inner = NULL;

  data->store = new_store ();
  if (vrtc_store_init_from_server (data->store, snapshot, NULL, 0, &inner))
    return TRUE;
  g_clear_object (&data->store);
  if (data->bare)
    g_set_error (error, inner->domain, inner->code,
                 g_ascii_isdigit (inner->message[0]) ? "%s:%s" : "%s: %s", name, inner->message);
  else
    /* Translators: "FILE: the snapshot: what is wrong" */
    g_set_error (error, inner->domain, inner->code, _("%s: the snapshot: %s"), name, inner->message);
  return FALSE;
}

/* Runs in a worker thread: parsing touches no GTK object, and no store anyone else knows. */
static void
parse_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (data->file);
  VrtcValue snapshot = VRTC_VALUE_INIT;
  gsize len = 0;
  const char *text = g_bytes_get_data (data->bytes, &len);

  if (parse_state_frame (data, name) || parse_bare_snapshot (data))
    {
      if (!load_snapshot_in_thread (data, name, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  data->rest = find_first_part (text, len);
  data->messages = g_ptr_array_new_with_free_func (message_ptr_unref);
  if (!vrtc_codec_parse_journal (text ? text : "", data->rest ? data->rest : len, name,
                                 data->messages, &snapshot, &error))
    {
      vrtc_value_clear (&snapshot);
      /* The error the whole file gives: an invalid byte further on is reported first. */
      if (data->rest != 0)
        {
          g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (message_ptr_unref);

          g_clear_error (&error);
          vrtc_codec_parse_journal (text, len, name, all, &snapshot, &error);
          vrtc_value_clear (&snapshot);
          g_assert (error != NULL);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (snapshot.kind != VRTC_VALUE_NONE)
    {
      data->snapshot = vrtc_snapshot_new_take_value (&snapshot, &error);
      vrtc_value_clear (&snapshot);
      if (data->snapshot == NULL || !load_snapshot_in_thread (data, name, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  g_task_return_boolean (task, TRUE);
}

/* The rest of a big journal, parsed in a worker thread while the first part is applied. */
typedef struct {
  GBytes    *bytes;
  gsize      offset;
  char      *name;
  GPtrArray *messages;
} RestData;

static void
rest_data_free (RestData *data)
{
  g_bytes_unref (data->bytes);
  g_free (data->name);
  g_clear_pointer (&data->messages, g_ptr_array_unref);
  g_free (data);
}

static void
parse_rest_in_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  RestData *data = task_data;
  g_autoptr(GError) error = NULL;
  VrtcValue snapshot = VRTC_VALUE_INIT;
  gsize len = 0;
  const char *text = g_bytes_get_data (data->bytes, &len);

  data->messages = g_ptr_array_new_with_free_func (message_ptr_unref);
  if (!vrtc_codec_parse_journal (text + data->offset, len - data->offset, data->name,
                                 data->messages, &snapshot, &error))
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (message_ptr_unref);

      /* Named as the whole file names it: the line counted from its start. */
      vrtc_value_clear (&snapshot);
      g_clear_error (&error);
      vrtc_codec_parse_journal (text, len, data->name, all, &snapshot, &error);
      vrtc_value_clear (&snapshot);
      g_assert (error != NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  vrtc_value_clear (&snapshot);
  g_task_return_boolean (task, TRUE);
}

static void
rest_parsed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(InspectorSession) self = user_data;
  RestData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->parsing_rest = FALSE;
  if (self->pending == NULL)
    return;

  /* Too late to refuse the file: its first part is shown; the toast says the rest is not */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    self->unread = g_strdup (error->message);
  else
    {
      g_ptr_array_extend_and_steal (self->pending, g_steal_pointer (&data->messages));
    }

  if (self->apply_source == 0)
    self->apply_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, apply_pending, self, NULL);
}

static void
parse_rest (InspectorSession *self,
            GBytes           *bytes,
            gsize             offset)
{
  RestData *data = g_new0 (RestData, 1);
  GTask *task;

  data->bytes = g_bytes_ref (bytes);
  data->offset = offset;
  data->name = g_file_get_basename (self->file);

  self->parsing_rest = TRUE;
  self->first_part = (double) offset / g_bytes_get_size (bytes);
  task = g_task_new (NULL, NULL, rest_parsed_cb, g_object_ref (self));
  g_task_set_source_tag (task, parse_rest);
  g_task_set_task_data (task, data, (GDestroyNotify) rest_data_free);
  g_task_run_in_thread (task, parse_rest_in_thread);
  g_object_unref (task);
}

static void
parsed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  InspectorSession *self;
  g_autofree char *name = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  name = g_file_get_basename (data->file);
  self = g_object_new (INSPECTOR_TYPE_SESSION, "kind", INSPECTOR_SESSION_FILE, NULL);
  self->from_snapshot = data->store != NULL;
  self->store = data->store != NULL ? g_steal_pointer (&data->store) : new_store ();
  self->file = g_object_ref (data->file);
  self->title = g_strdup (name);
  self->subtitle = g_file_get_parse_name (data->file);
  self->pending = g_steal_pointer (&data->messages);
  self->loading = TRUE;
  self->apply_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, apply_pending, self, NULL);
  if (data->rest != 0)
    parse_rest (self, data->bytes, data->rest);

  g_task_return_pointer (task, self, g_object_unref);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GFile *file = G_FILE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  GTask *parse;
  LoadData *data;

  if (!g_file_load_contents_finish (file, result, &contents, &len, NULL, &error))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_task_return_new_error (task, error->domain, error->code,
                               /* Translators: %s is a file name, then the reason */
                               _("Could not read “%s”: %s"), name, error->message);
      return;
    }

  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (file);
  data->bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

  parse = g_task_new (NULL, g_task_get_cancellable (task), parsed_cb, g_object_ref (task));
  g_task_set_source_tag (parse, parse_in_thread);
  g_task_set_task_data (parse, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (parse, parse_in_thread);
  g_object_unref (parse);
}

/* GObject */

static void
inspector_session_dispose (GObject *object)
{
  InspectorSession *self = INSPECTOR_SESSION (object);

  g_clear_handle_id (&self->apply_source, g_source_remove);
  g_clear_handle_id (&self->seed_source, g_source_remove);

  if (self->seeder != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->seeder, self);
      vrtc_client_disconnect (self->seeder);
      g_clear_object (&self->seeder);
    }

  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      vrtc_client_disconnect (self->client);
      g_clear_object (&self->client);
    }

  if (self->relay != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->relay, self);
      vrtc_relay_stop (self->relay);
      g_clear_object (&self->relay);
    }

  if (self->relay_dir != NULL)
    {
      remove_tree (self->relay_dir);
      g_clear_pointer (&self->relay_dir, g_free);
    }

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (inspector_session_parent_class)->dispose (object);
}

static void
inspector_session_finalize (GObject *object)
{
  InspectorSession *self = INSPECTOR_SESSION (object);

  g_free (self->title);
  g_free (self->subtitle);
  g_free (self->first_refusal);
  g_free (self->unread);
  g_free (self->url);
  g_free (self->join_url);
  g_free (self->status_text);

  G_OBJECT_CLASS (inspector_session_parent_class)->finalize (object);
}

static void
inspector_session_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  InspectorSession *self = INSPECTOR_SESSION (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;

    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_JOIN_URL:
      g_value_set_string (value, self->join_url);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_STATUS_TEXT:
      g_value_set_string (value, self->status_text);
      break;

    case PROP_PEERS:
      g_value_set_uint (value, inspector_session_get_peers (self));
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_session_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  InspectorSession *self = INSPECTOR_SESSION (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_session_class_init (InspectorSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = inspector_session_dispose;
  object_class->finalize = inspector_session_finalize;
  object_class->get_property = inspector_session_get_property;
  object_class->set_property = inspector_session_set_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, INSPECTOR_TYPE_SESSION_KIND,
                       INSPECTOR_SESSION_LOCAL,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VRTC_TYPE_STORE, ro);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, VRTC_TYPE_CLIENT, ro);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, ro);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL, NULL, ro);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL, ro);
  properties[PROP_JOIN_URL] =
    g_param_spec_string ("join-url", NULL, NULL, NULL, ro);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, VRTC_TYPE_CLIENT_STATUS,
                       VRTC_CLIENT_STATUS_DISCONNECTED, ro);
  properties[PROP_STATUS_TEXT] =
    g_param_spec_string ("status-text", NULL, NULL, NULL, ro);
  properties[PROP_PEERS] =
    g_param_spec_uint ("peers", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InspectorSession::toast:
   * @self: the session
   * @text: what happened, in a short sentence for a toast
   *
   * Transient news: reconnected, a message refused, a file loaded.
   */
  signals[TOAST] =
    g_signal_new ("toast",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
inspector_session_init (InspectorSession *self)
{
  self->status = VRTC_CLIENT_STATUS_DISCONNECTED;
}

/* Constructors */

/**
 * inspector_session_new_local:
 *
 * A store of this window only, holding the sample scene, editable at once.
 *
 * Returns: (transfer full): the session
 */
InspectorSession *
inspector_session_new_local (void)
{
  InspectorSession *self;

  self = g_object_new (INSPECTOR_TYPE_SESSION, "kind", INSPECTOR_SESSION_LOCAL, NULL);
  self->store = new_store ();
  inspector_sample_populate (self->store);
  self->title = g_strdup (_("Local session"));
  self->subtitle = g_strdup (_("Sample scene, not shared"));
  set_status_text (self);

  return self;
}

/**
 * inspector_session_check_url:
 * @url: what the user typed
 * @error: where to say what is wrong, in plain words
 *
 * Whether @url names a room on a relay: `ws://HOST[:PORT]/ROOM` or `wss://...`.
 *
 * Returns: %TRUE if it does
 */
gboolean
inspector_session_check_url (const char  *url,
                             GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *path;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an address. Server addresses look like "
                     "ws://localhost:8080/room."), url);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "ws") != 0 && g_ascii_strcasecmp (scheme, "wss") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The address must start with ws:// or wss://, like "
                     "ws://localhost:8080/room."));
      return FALSE;
    }

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The address has no server name, as in ws://localhost:8080/room."));
      return FALSE;
    }

  path = g_uri_get_path (uri);
  if (path == NULL || path[0] == '\0' || (path[0] == '/' && path[1] == '\0'))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The address names no room: add one after the server, as in "
                     "ws://localhost:8080/room."));
      return FALSE;
    }

  return TRUE;
}

static void
set_room_titles (InspectorSession *self,
                 const char       *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *path = g_uri_get_path (uri);
  int port = g_uri_get_port (uri);

  while (*path == '/')
    path++;

  self->title = g_uri_unescape_string (path, NULL);
  if (self->title == NULL)
    self->title = g_strdup (path);

  if (port > 0)
    self->subtitle = g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri),
                                      g_uri_get_host (uri), port);
  else
    self->subtitle = g_strdup_printf ("%s://%s", g_uri_get_scheme (uri), g_uri_get_host (uri));
}

/**
 * inspector_session_new_for_url:
 * @url: a room, `ws://HOST:PORT/ROOM`
 * @error: where to say why @url is not a room
 *
 * A new store joined to a room through a #VrtcClient, connecting at once.
 *
 * Returns: (transfer full) (nullable): the session, or %NULL if @url is not a room address
 */
InspectorSession *
inspector_session_new_for_url (const char  *url,
                               GError     **error)
{
  InspectorSession *self;

  g_return_val_if_fail (url != NULL, NULL);

  if (!inspector_session_check_url (url, error))
    return NULL;

  self = g_object_new (INSPECTOR_TYPE_SESSION, "kind", INSPECTOR_SESSION_ROOM, NULL);
  self->store = new_store ();
  self->url = g_strdup (url);
  set_room_titles (self, url);

  self->client = vrtc_client_new (self->store, url);
  watch_client (self);
  vrtc_client_connect (self->client);
  self->status = vrtc_client_get_status (self->client);
  set_status_text (self);

  return self;
}

/**
 * inspector_session_new_hosted:
 * @store: (nullable): the store to share, or %NULL for a new one with the sample scene
 * @error: where to say why the relay could not start
 *
 * Starts a relay in this process on 127.0.0.1, with a port chosen by the system and its
 * rooms in a temporary directory, and joins @store to a room of it. What @store committed
 * itself and the relay has not acknowledged goes to the room after the join.
 *
 * Returns: (transfer full) (nullable): the session
 */
InspectorSession *
inspector_session_new_hosted (VrtcStore  *store,
                              GError    **error)
{
  g_autoptr(InspectorSession) self = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (store == NULL || VRTC_IS_STORE (store), NULL);

  self = g_object_new (INSPECTOR_TYPE_SESSION, "kind", INSPECTOR_SESSION_HOST, NULL);
  if (store != NULL)
    {
      self->store = g_object_ref (store);
    }
  else
    {
      self->store = new_store ();
      inspector_sample_populate (self->store);
    }

  self->relay_dir = g_dir_make_tmp ("vrtc-inspector-XXXXXX", error);
  if (self->relay_dir == NULL)
    return NULL;

  self->relay = vrtc_relay_new (self->relay_dir, error);
  if (self->relay == NULL)
    return NULL;

  if (!vrtc_relay_listen (self->relay, "127.0.0.1", 0, error))
    return NULL;

  g_signal_connect_object (self->relay, "notify::n-clients",
                           G_CALLBACK (on_client_peers), self, G_CONNECT_SWAPPED);
  self->join_url = vrtc_relay_get_url (self->relay, HOSTED_ROOM);
  self->url = g_strdup (self->join_url);
  /* Translators: %s is the name of a room */
  self->title = g_strdup_printf (_("Hosting “%s”"), HOSTED_ROOM);
  self->subtitle = g_strdup (self->join_url);

  /* The relay takes a session's own messages only: the sample scene, written by the
   * session "sample", goes in through a client of that session before this store joins. */
  if (has_sample (self->store))
    {
      g_autoptr(VrtcStore) author = inspector_sample_new_author_store ();

      self->seeder = vrtc_client_new (author, self->join_url);
      g_signal_connect_object (self->seeder, "acked",
                               G_CALLBACK (on_seeder_acked), self, G_CONNECT_SWAPPED);
      vrtc_client_connect (self->seeder);
      self->seed_source = g_timeout_add_seconds (SEED_TIMEOUT_SECONDS, seed_done, self);
      self->status = VRTC_CLIENT_STATUS_CONNECTING;
      set_status_text (self);
    }
  else
    {
      join_hosted_room (self);
    }

  return g_steal_pointer (&self);
}

/**
 * inspector_session_new_for_file_async:
 * @file: a saved journal: JSON lines, a JSON array of messages, or a `state` frame
 * @cancellable: (nullable): to stop reading and parsing
 * @callback: called once the file is read and parsed
 * @user_data: for @callback
 *
 * Reads and parses @file without blocking. The session handed to @callback has an empty
 * store and applies the messages from an idle source, a slice per main loop turn, with
 * #InspectorSession:loading and #InspectorSession:progress to show for it.
 */
void
inspector_session_new_for_file_async (GFile               *file,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inspector_session_new_for_file_async);
  g_file_load_contents_async (file, cancellable, loaded_cb, task);
}

/**
 * inspector_session_new_for_file_finish:
 * @result: the result given to the callback
 * @error: why the file could not be read or parsed, naming the line
 *
 * Returns: (transfer full) (nullable): the session, still loading
 */
InspectorSession *
inspector_session_new_for_file_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Accessors */

InspectorSessionKind
inspector_session_get_kind (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), INSPECTOR_SESSION_LOCAL);

  return self->kind;
}

/**
 * inspector_session_get_store:
 * @self: a session
 *
 * Returns: (transfer none): the store the window looks at
 */
VrtcStore *
inspector_session_get_store (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), NULL);

  return self->store;
}

/**
 * inspector_session_get_client:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the client of a joined or hosted room
 */
VrtcClient *
inspector_session_get_client (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), NULL);

  return self->client;
}

/**
 * inspector_session_get_file:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the journal file of a file session
 */
GFile *
inspector_session_get_file (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), NULL);

  return self->file;
}

const char *
inspector_session_get_title (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), NULL);

  return self->title;
}

const char *
inspector_session_get_subtitle (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), NULL);

  return self->subtitle;
}

const char *
inspector_session_get_url (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), NULL);

  return self->url;
}

/**
 * inspector_session_get_join_url:
 * @self: a session
 *
 * Returns: (nullable): the address others can join when hosting
 */
const char *
inspector_session_get_join_url (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), NULL);

  return self->join_url;
}

VrtcClientStatus
inspector_session_get_status (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), VRTC_CLIENT_STATUS_DISCONNECTED);

  return self->status;
}

double
inspector_session_get_reconnect_delay (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), 0);

  return self->client ? vrtc_client_get_reconnect_delay (self->client) : 0;
}

guint
inspector_session_get_peers (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), 0);

  /* Hosting, the relay knows who is in the room, quiet or not; a joined room only hears
   * of the sessions that sent something lately. */
  if (self->relay != NULL)
    {
      guint n = vrtc_relay_get_n_clients (self->relay);

      if (self->seeder != NULL || self->client == NULL || n == 0)
        return 0;
      return n - 1;
    }

  return self->client ? vrtc_client_get_peers (self->client) : 0;
}

/**
 * inspector_session_dup_status_text:
 * @self: a session
 *
 * Returns: (transfer full): the connection state in a word or three: "Connected",
 *   "Reconnecting in 4 s", "Offline", or "Local" when it is not bound to a room
 */
char *
inspector_session_dup_status_text (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), NULL);

  if (self->seeder != NULL)
    return g_strdup (_("Connecting…"));

  if (self->client == NULL)
    return g_strdup (_("Local"));  /* not connected to anything: nothing is offline */

  switch (self->status)
    {
    case VRTC_CLIENT_STATUS_CONNECTED:
      return g_strdup (_("Connected"));

    case VRTC_CLIENT_STATUS_CONNECTING:
      return g_strdup (_("Connecting…"));

    case VRTC_CLIENT_STATUS_RECONNECTING:
      {
        double delay = inspector_session_get_reconnect_delay (self);
        guint seconds = (guint) ceil (delay);

        if (seconds == 0)
          return g_strdup (_("Reconnecting…"));
        /* Translators: a countdown to the next attempt; "s" for seconds */
        return g_strdup_printf (ngettext ("Reconnecting in %u s", "Reconnecting in %u s",
                                          seconds), seconds);
      }

    case VRTC_CLIENT_STATUS_DISCONNECTED:
    default:
      return g_strdup (_("Offline"));
    }
}

/**
 * inspector_session_dup_last_error:
 * @self: a session
 *
 * Returns: (transfer full) (nullable): the client's last problem, in its words
 */
char *
inspector_session_dup_last_error (InspectorSession *self)
{
  const GError *error;

  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), NULL);

  if (self->client == NULL)
    return NULL;

  error = vrtc_client_get_last_error (self->client);
  return error ? g_strdup (error->message) : NULL;
}

gboolean
inspector_session_get_loading (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), FALSE);

  return self->loading;
}

double
inspector_session_get_progress (InspectorSession *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), 0);

  return self->progress;
}

/**
 * inspector_session_has_own_messages:
 * @self: a session
 *
 * Whether the journal holds only messages this store committed itself, which is what
 * a hosted room can take over (the relay accepts a session's own messages only).
 *
 * Returns: %TRUE when every journal entry is the store's own
 */
gboolean
inspector_session_has_own_messages (InspectorSession *self)
{
  GListModel *journal;
  guint n;

  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), FALSE);

  if (vrtc_store_get_journal_offset (self->store) > 0)
    return FALSE;

  journal = vrtc_store_get_journal (self->store);
  n = g_list_model_get_n_items (journal);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (journal, i);

      if (!vrtc_journal_entry_get_own (entry))
        return FALSE;
    }

  return TRUE;
}

/**
 * inspector_session_export_journal:
 * @self: a session
 *
 * The journal as JSON lines, one message per line in the seed dialect, which
 * `vrtc-inspector FILE` and `vrtc replay` read back. When compaction folded the start of
 * the journal away, the messages no longer exist: the file is then one `state` frame with
 * the current state as its snapshot.
 *
 * Returns: (transfer full): the text
 */
char *
inspector_session_export_journal (InspectorSession *self)
{
  GString *out;
  GListModel *journal;
  guint n;

  g_return_val_if_fail (INSPECTOR_IS_SESSION (self), NULL);

  out = g_string_new (NULL);

  if (vrtc_store_get_journal_offset (self->store) > 0)
    {
      g_autoptr(VrtcSnapshot) snapshot = vrtc_store_get_snapshot (self->store);
      g_autofree char *json = vrtc_snapshot_to_json (snapshot);

      g_string_append_printf (out, "{\"mtype\":\"state\",\"snapshot\":%s,\"journal\":[]}\n",
                              json);
      return g_string_free (out, FALSE);
    }

  journal = vrtc_store_get_journal (self->store);
  n = g_list_model_get_n_items (journal);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (journal, i);
      g_autofree char *json = NULL;

      json = vrtc_message_to_json (vrtc_journal_entry_get_message (entry), VRTC_DIALECT_SEED);
      g_string_append (out, json);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}
