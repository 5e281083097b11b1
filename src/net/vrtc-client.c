/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <libsoup/soup.h>

#include "vrtc-client.h"
#include "vrtc-error.h"
#include "vrtc-protocol.h"
#include "vrtc-snapshot-private.h"
#include "vrtc-store-private.h"

/**
 * VrtcClient:
 *
 * Keeps a [class@Store] in sync with a room of a vuer-rtc relay over a WebSocket, speaking
 * the protocol of SEMANTICS.md section 8.
 *
 * The URL names the relay and the room:
 *
 * ```
 * ws://HOST:PORT/ROOM?session=ID[&dialect=compact][&token=TOKEN]
 * wss://HOST:PORT/ROOM?...
 * ```
 *
 * - `ROOM` is the path: each room is a separate scene graph on the relay.
 * - `session` is this replica's session id. When it is absent it is filled in from the
 *   store's [property@Store:session-id], which is what you want almost always.
 * - `dialect=compact` asks the relay for the compact dialect (`client`, `lt`, `ts`, `ot`).
 *   When absent it is added if [property@Client:dialect] is %VRTC_DIALECT_COMPACT. The
 *   client writes its own messages in the dialect of the URL.
 * - A relay started with a shared token wants it either as `token=` in the URL or as an
 *   `Authorization: Bearer` header; the client sends the header when
 *   [property@Client:token] is set.
 *
 * After [method@Client.connect] the client opens the WebSocket, waits for the relay's
 * `state` frame and hands it to [method@Store.init_from_server] (the store's own unacked
 * messages survive that), then sends every unacked message again, in order, and from then
 * on sends each message the store commits. The store's unacked list is the queue: what is
 * committed while offline goes out after the next join, and the relay ignores what it
 * already has. Acks go to [method@Store.ack]; messages from peers to [method@Store.receive].
 * A message the relay refuses (an `error` frame naming it, or a close with code 1009 after
 * it was sent: over the relay's frame size limit) stays unacked in the store but is not sent
 * again by this client, so that it cannot make every reconnect fail.
 *
 * A lost connection is retried after 1 s, doubling up to 30 s (±20% jitter), back to 1 s
 * after a successful join. Both sides send `heartbeat` frames; when nothing at all arrives
 * from the relay for [property@Client:dead-timeout] seconds, the connection is dropped and
 * retried. All I/O is asynchronous; nothing here blocks the main loop.
 */

#define BACKOFF_INITIAL 1.0
#define BACKOFF_MAX     30.0
#define BACKOFF_JITTER  0.2
/* The state frame of a big room can be large; the relay limits what clients send. */
#define MAX_INCOMING_FRAME (256 * 1024 * 1024)

struct _VrtcClient
{
  GObject                  parent_instance;

  /* configuration */
  VrtcStore               *store;
  char                    *url;
  char                    *token;
  VrtcDialect              dialect;
  gboolean                 read_only;
  double                   heartbeat_interval;
  double                   dead_timeout;

  /* observable state */
  VrtcClientStatus         status;
  double                   reconnect_delay;
  guint                    peers;
  GError                  *last_error;

  /* the connection */
  SoupSession             *session;
  GCancellable            *cancellable;     /* cancelled by disconnect and dispose */
  SoupWebsocketConnection *conn;
  VrtcDialect              conn_dialect;    /* what this connection writes */
  gboolean                 connecting;      /* an attempt is in flight */
  gboolean                 joined;          /* `state` received on this connection */
  GHashTable              *in_flight;       /* id -> frame size: sent here, not acked yet */
  gint64                   last_frame;      /* monotonic µs of the last frame received */

  /* timers, in the main context the client was made in */
  GMainContext            *context;
  GSource                 *reconnect_source;
  gint64                   reconnect_at;    /* monotonic µs of the next attempt */
  double                   backoff;         /* the next delay before jitter */
  GSource                 *heartbeat_source;
  GSource                 *dead_source;

  /* session id -> monotonic µs last seen */
  GHashTable              *seen;
  /* ids of own messages the relay refused: they stay unacked but are not sent again */
  GHashTable              *refused;

  gulong                   committed_handler;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_URL,
  PROP_STATUS,
  PROP_DIALECT,
  PROP_TOKEN,
  PROP_READ_ONLY,
  PROP_RECONNECT_DELAY,
  PROP_HEARTBEAT_INTERVAL,
  PROP_DEAD_TIMEOUT,
  PROP_PEERS,
  PROP_LAST_ERROR,
  N_PROPS
};

enum {
  STATE_RECEIVED,
  ERROR,
  FRAME_RECEIVED,
  ACKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VrtcClient, vrtc_client, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (VrtcClientStatus, vrtc_client_status,
  G_DEFINE_ENUM_VALUE (VRTC_CLIENT_STATUS_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (VRTC_CLIENT_STATUS_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (VRTC_CLIENT_STATUS_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (VRTC_CLIENT_STATUS_RECONNECTING, "reconnecting"))

static void attempt_connect      (VrtcClient *self);
static void schedule_reconnect   (VrtcClient *self);
static void restart_timers       (VrtcClient *self);

/* Observable state */

/* g_set_str() is GLib 2.76 */
static gboolean
set_str (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
set_status (VrtcClient       *self,
            VrtcClientStatus  status)
{
  if (self->status == status)
    return;
  g_debug ("client %s: status %d -> %d", vrtc_store_get_session_id (self->store),
           self->status, status);
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_reconnect_delay (VrtcClient *self,
                     double      seconds)
{
  if (self->reconnect_delay == seconds)
    return;
  self->reconnect_delay = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_DELAY]);
}

static void
take_last_error (VrtcClient *self,
                 GError     *error)
{
  g_clear_error (&self->last_error);
  self->last_error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

/* A problem the relay reported, or one with what it sent: the signal and last-error. */
static void
report_error (VrtcClient *self,
              GError     *error,
              const char *msg_id)
{
  g_autofree char *message = g_strdup (error->message);

  take_last_error (self, error);
  g_signal_emit (self, signals[ERROR], 0, message, msg_id);
}

static void
update_peers (VrtcClient *self)
{
  guint n = g_hash_table_size (self->seen);

  if (self->peers == n)
    return;
  self->peers = n;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEERS]);
}

static void
saw_session (VrtcClient *self,
             const char *session_id)
{
  if (session_id == NULL || *session_id == '\0' ||
      g_strcmp0 (session_id, vrtc_store_get_session_id (self->store)) == 0)
    return;
  g_hash_table_insert (self->seen, g_strdup (session_id),
                       g_memdup2 (&self->last_frame, sizeof self->last_frame));
  update_peers (self);
}

static void
prune_peers (VrtcClient *self,
             gint64      now)
{
  GHashTableIter iter;
  gpointer value;
  gint64 horizon = now - (gint64) (self->dead_timeout * G_USEC_PER_SEC);

  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (*(gint64 *) value < horizon)
      g_hash_table_iter_remove (&iter);
  update_peers (self);
}

/* Sending */

static gboolean
can_send (VrtcClient *self)
{
  return self->conn != NULL &&
         soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN;
}

static void
send_text (VrtcClient *self,
           char       *text)
{
  if (can_send (self))
    soup_websocket_connection_send_text (self->conn, text);
  g_free (text);
}

static void
send_message (VrtcClient        *self,
              const VrtcMessage *msg)
{
  char *text;

  if (!can_send (self) || g_hash_table_contains (self->refused, msg->id))
    return;
  text = vrtc_frame_new_crdt (msg, self->conn_dialect);
  g_hash_table_insert (self->in_flight, g_strdup (msg->id), GSIZE_TO_POINTER (strlen (text)));
  send_text (self, text);
}

/* Sending it again would only be refused again, after every reconnect. */
static void
refuse_message (VrtcClient *self,
                const char *msg_id)
{
  g_debug ("client %s: the relay refused %s, not sending it again",
           vrtc_store_get_session_id (self->store), msg_id);
  g_hash_table_add (self->refused, g_strdup (msg_id));
}

/* The relay closes with 1009 after a frame over its size limit, without saying which.
 * The largest frame in flight is over the limit, whatever the limit is. */
static char *
largest_in_flight (VrtcClient *self,
                   gsize      *size)
{
  GHashTableIter iter;
  gpointer key, value;
  const char *largest = NULL;

  *size = 0;
  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_SIZE (value) > *size)
      {
        largest = key;
        *size = GPOINTER_TO_SIZE (value);
      }
  return g_strdup (largest);
}

static void
send_heartbeat (VrtcClient *self)
{
  VrtcEngine *engine = vrtc_store_get_engine (self->store);

  send_text (self, vrtc_frame_new_heartbeat (vrtc_store_get_session_id (self->store),
                                             vrtc_engine_get_clock (engine)));
}

static void
resend_unacked (VrtcClient *self)
{
  g_autoptr(GPtrArray) unacked = NULL;

  if (self->read_only)
    return;
  unacked = vrtc_store_get_unacked (self->store);
  for (guint i = 0; i < unacked->len; i++)
    send_message (self, g_ptr_array_index (unacked, i));
}

static void
on_message_committed (VrtcStore   *store,
                      VrtcMessage *msg,
                      VrtcClient  *self)
{
  /* Until the next join the message waits in the store's unacked list. */
  if (self->joined && !self->read_only)
    send_message (self, msg);
}

/* Timers */

static GSource *
add_timeout (VrtcClient  *self,
             guint        ms,
             GSourceFunc  func)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  return source;
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
stop_timers (VrtcClient *self)
{
  clear_source (&self->heartbeat_source);
  clear_source (&self->dead_source);
}

static gboolean
on_heartbeat (gpointer data)
{
  send_heartbeat (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_dead_check (gpointer data)
{
  VrtcClient *self = data;
  gint64 now = g_get_monotonic_time ();

  prune_peers (self, now);
  if (now - self->last_frame > (gint64) (self->dead_timeout * G_USEC_PER_SEC))
    {
      g_debug ("client %s: nothing from the relay for %g s",
               vrtc_store_get_session_id (self->store), self->dead_timeout);
      g_clear_pointer (&self->dead_source, g_source_unref);
      take_last_error (self, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                          "No frame from the relay for %g s",
                                          self->dead_timeout));
      schedule_reconnect (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static guint
interval_ms (double seconds)
{
  return (guint) CLAMP (seconds * 1000, 1, G_MAXINT);
}

static void
restart_timers (VrtcClient *self)
{
  stop_timers (self);
  if (self->conn == NULL)
    return;
  self->heartbeat_source = add_timeout (self, interval_ms (self->heartbeat_interval),
                                        on_heartbeat);
  /* checked a few times per timeout, so a dead connection is noticed at most 25% late */
  self->dead_source = add_timeout (self, interval_ms (self->dead_timeout / 4), on_dead_check);
}

/* The connection */

static gboolean
unref_idle (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
unref_later (gpointer object)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, unref_idle, object, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
}

/* libsoup may still be inside the connection's own code (this can run from its "message"
 * signal), so the last reference is dropped from the main loop, after the close handshake. */
static void
on_closed_unref (SoupWebsocketConnection *conn,
                 gpointer                 data)
{
  g_signal_handlers_disconnect_by_func (conn, on_closed_unref, data);
  unref_later (conn);
}

static void
teardown_connection (VrtcClient *self,
                     gushort     code)
{
  stop_timers (self);
  self->joined = FALSE;
  g_hash_table_remove_all (self->in_flight);
  if (self->conn != NULL)
    {
      SoupWebsocketConnection *conn = g_steal_pointer (&self->conn);

      g_signal_handlers_disconnect_by_data (conn, self);
      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        {
          g_signal_connect (conn, "closed", G_CALLBACK (on_closed_unref), NULL);
          soup_websocket_connection_close (conn, code, NULL);
        }
      else if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_CLOSING)
        g_signal_connect (conn, "closed", G_CALLBACK (on_closed_unref), NULL);
      else
        unref_later (conn);
    }
  g_hash_table_remove_all (self->seen);
  update_peers (self);
}

static gboolean
on_reconnect_tick (gpointer data)
{
  VrtcClient *self = data;
  gint64 remaining = self->reconnect_at - g_get_monotonic_time ();

  g_clear_pointer (&self->reconnect_source, g_source_unref);
  if (remaining > 1000)
    {
      /* count down in whole-second steps, for the "Reconnecting in 5 s" of a UI */
      gint64 step = remaining % G_USEC_PER_SEC ? remaining % G_USEC_PER_SEC : G_USEC_PER_SEC;

      set_reconnect_delay (self, remaining / (double) G_USEC_PER_SEC);
      self->reconnect_source = add_timeout (self, (guint) MAX (step / 1000, 1),
                                            on_reconnect_tick);
      return G_SOURCE_REMOVE;
    }
  set_reconnect_delay (self, 0);
  attempt_connect (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (VrtcClient *self)
{
  double delay;

  teardown_connection (self, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  if (self->status == VRTC_CLIENT_STATUS_DISCONNECTED)
    return;

  delay = self->backoff * (1.0 + BACKOFF_JITTER * (2 * g_random_double () - 1));
  self->backoff = MIN (self->backoff * 2, BACKOFF_MAX);
  self->reconnect_at = g_get_monotonic_time () + (gint64) (delay * G_USEC_PER_SEC);
  g_debug ("client %s: reconnecting in %.2f s", vrtc_store_get_session_id (self->store), delay);

  /* the countdown first, so that it is right when the status change is notified */
  clear_source (&self->reconnect_source);
  on_reconnect_tick (self);
  set_status (self, VRTC_CLIENT_STATUS_RECONNECTING);
}

static void
rejoin_now (VrtcClient *self)
{
  teardown_connection (self, SOUP_WEBSOCKET_CLOSE_NORMAL);
  clear_source (&self->reconnect_source);
  set_reconnect_delay (self, 0);
  set_status (self, VRTC_CLIENT_STATUS_RECONNECTING);
  attempt_connect (self);
}

static void
handle_state (VrtcClient *self,
              VrtcFrame  *frame)
{
  g_autoptr(VrtcSnapshot) snapshot = NULL;
  GError *error = NULL;

  if (frame->snapshot_text != NULL)
    snapshot = vrtc_snapshot_new_take_text (g_steal_pointer (&frame->snapshot_text));
  else if (frame->snapshot.kind == VRTC_VALUE_OBJECT)
    {
      snapshot = vrtc_snapshot_new_take_value (&frame->snapshot, &error);
      if (snapshot == NULL)
        goto failed;
    }
  if (!vrtc_store_init_from_server (self->store, snapshot,
                                    (VrtcMessage **) frame->journal->pdata, frame->journal->len,
                                    &error))
    goto failed;

  self->joined = TRUE;
  self->backoff = BACKOFF_INITIAL;
  /* what was committed offline goes first, so that the order of commits is kept */
  resend_unacked (self);
  set_reconnect_delay (self, 0);
  set_status (self, VRTC_CLIENT_STATUS_CONNECTED);
  g_signal_emit (self, signals[STATE_RECEIVED], 0);
  return;

failed:
  g_prefix_error (&error, "state: ");
  report_error (self, error, NULL);
  if (self->conn != NULL)
    schedule_reconnect (self);
}

static void
handle_frame (VrtcClient *self,
              VrtcFrame  *frame)
{
  g_autoptr(GError) error = NULL;

  switch (frame->type)
    {
    case VRTC_FRAME_STATE:
      handle_state (self, frame);
      break;

    case VRTC_FRAME_CRDT:
    case VRTC_FRAME_BROADCAST:
      saw_session (self, frame->msg->session_id);
      if (!vrtc_store_receive (self->store, frame->msg, &error))
        report_error (self, g_steal_pointer (&error), frame->msg->id);
      break;

    case VRTC_FRAME_ACK:
      g_hash_table_remove (self->in_flight, frame->msg_id);
      if (!self->read_only)
        vrtc_store_ack (self->store, frame->msg_id);
      g_signal_emit (self, signals[ACKED], 0, frame->msg_id);
      break;

    case VRTC_FRAME_ERROR:
      if (frame->msg_id != NULL && g_hash_table_remove (self->in_flight, frame->msg_id))
        refuse_message (self, frame->msg_id);
      report_error (self, g_error_new_literal (VRTC_ERROR, VRTC_ERROR_FAILED, frame->error),
                    frame->msg_id);
      break;

    case VRTC_FRAME_HEARTBEAT:
      /* a relay answers heartbeats with its own; a server that forwards its clients'
       * heartbeats tells of peers that are connected but quiet */
      if (g_strcmp0 (frame->session_id, VRTC_RELAY_SESSION_ID) != 0)
        saw_session (self, frame->session_id);
      break;

    case VRTC_FRAME_ROOM_RESET:
      g_debug ("client %s: room reset, joining again",
               vrtc_store_get_session_id (self->store));
      rejoin_now (self);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
on_ws_message (SoupWebsocketConnection *conn,
               int                      type,
               GBytes                  *bytes,
               VrtcClient              *self)
{
  g_autoptr(VrtcClient) hold = g_object_ref (self);
  VrtcFrame frame = { 0 };
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  self->last_frame = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      report_error (self, g_error_new_literal (VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                                               "frame: expected a text frame"), NULL);
      return;
    }

  if (g_signal_has_handler_pending (self, signals[FRAME_RECEIVED], 0, FALSE))
    {
      g_autofree char *text = g_strndup (data, len);

      g_signal_emit (self, signals[FRAME_RECEIVED], 0, text);
      if (self->conn != conn)
        return;
    }

  /* a state frame's snapshot stays text, loaded as a stream by the store */
  if (!vrtc_frame_parse_bytes (bytes, &frame, &error))
    {
      report_error (self, g_steal_pointer (&error), NULL);
      return;
    }
  handle_frame (self, &frame);
  vrtc_frame_clear (&frame);
}

static void
on_ws_error (SoupWebsocketConnection *conn,
             GError                  *error,
             VrtcClient              *self)
{
  take_last_error (self, g_error_copy (error));
}

static void
on_ws_closed (SoupWebsocketConnection *conn,
              VrtcClient              *self)
{
  gushort code = soup_websocket_connection_get_close_code (conn);

  g_debug ("client %s: connection closed (%u)", vrtc_store_get_session_id (self->store), code);
  if (code == SOUP_WEBSOCKET_CLOSE_TOO_BIG)
    {
      gsize size;
      g_autofree char *id = largest_in_flight (self, &size);

      if (id != NULL)
        {
          refuse_message (self, id);
          report_error (self, g_error_new (VRTC_ERROR, VRTC_ERROR_TOO_LARGE,
                                           "%s: %" G_GSIZE_FORMAT " bytes is over the relay's "
                                           "frame size limit; it stays unacked and is not "
                                           "sent again", id, size),
                        id);
        }
    }
  schedule_reconnect (self);
}

typedef struct {
  GWeakRef      client;
  GCancellable *cancellable;
  SoupMessage  *msg;
} Attempt;

static void
attempt_free (Attempt *attempt)
{
  g_weak_ref_clear (&attempt->client);
  g_clear_object (&attempt->cancellable);
  g_clear_object (&attempt->msg);
  g_free (attempt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Attempt, attempt_free)

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(Attempt) attempt = data;
  g_autoptr(SoupWebsocketConnection) conn = NULL;
  g_autoptr(VrtcClient) self = NULL;
  GError *error = NULL;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (g_cancellable_is_cancelled (attempt->cancellable) ||
      (self = g_weak_ref_get (&attempt->client)) == NULL)
    {
      g_clear_error (&error);
      return;
    }
  self->connecting = FALSE;

  if (conn == NULL)
    {
      guint status = soup_message_get_status (attempt->msg);

      /* "did not accept the handshake" says less than the HTTP status does */
      if (status >= 300)
        {
          GError *http = g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                                      "HTTP %u %s: %s", status,
                                      soup_message_get_reason_phrase (attempt->msg),
                                      error->message);
          g_error_free (error);
          error = http;
        }
      g_debug ("client %s: cannot connect: %s", vrtc_store_get_session_id (self->store),
               error->message);
      take_last_error (self, error);
      schedule_reconnect (self);
      return;
    }

  self->conn = g_steal_pointer (&conn);
  self->last_frame = g_get_monotonic_time ();
  soup_websocket_connection_set_max_incoming_payload_size (self->conn, MAX_INCOMING_FRAME);
  g_signal_connect (self->conn, "message", G_CALLBACK (on_ws_message), self);
  g_signal_connect (self->conn, "error", G_CALLBACK (on_ws_error), self);
  g_signal_connect (self->conn, "closed", G_CALLBACK (on_ws_closed), self);
  restart_timers (self);
  send_heartbeat (self);
}

/* The URL with the session (and dialect) filled in; sets conn_dialect. */
static char *
build_url (VrtcClient  *self,
           GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GString) query = NULL;
  const char *scheme, *dialect;

  if (self->url == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No URL to connect to");
      return NULL;
    }
  uri = g_uri_parse (self->url, G_URI_FLAGS_ENCODED, error);
  if (uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "ws") != 0 && g_ascii_strcasecmp (scheme, "wss") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s”: expected a ws:// or wss:// URL", self->url);
      return NULL;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s”: the URL has no host", self->url);
      return NULL;
    }

  query = g_string_new (g_uri_get_query (uri));
  if (g_uri_get_query (uri) != NULL)
    {
      params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, error);
      if (params == NULL)
        return NULL;
    }
  if (params == NULL || !g_hash_table_contains (params, "session"))
    {
      g_autofree char *escaped = g_uri_escape_string (vrtc_store_get_session_id (self->store),
                                                      NULL, FALSE);

      g_string_append_printf (query, "%ssession=%s", query->len ? "&" : "", escaped);
    }
  dialect = params ? g_hash_table_lookup (params, "dialect") : NULL;
  if (dialect != NULL)
    self->conn_dialect = g_str_equal (dialect, "compact") ? VRTC_DIALECT_COMPACT
                                                          : VRTC_DIALECT_SEED;
  else
    {
      self->conn_dialect = self->dialect;
      if (self->dialect == VRTC_DIALECT_COMPACT)
        g_string_append_printf (query, "%sdialect=compact", query->len ? "&" : "");
    }

  return g_uri_join (G_URI_FLAGS_ENCODED, scheme, g_uri_get_userinfo (uri),
                     g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri),
                     query->str, NULL);
}

static void
attempt_connect (VrtcClient *self)
{
  g_autofree char *url = NULL;
  GError *error = NULL;
  Attempt *attempt;
  SoupMessage *msg;

  g_assert (self->conn == NULL);
  if (self->connecting)
    return;

  url = build_url (self, &error);
  msg = url ? soup_message_new (SOUP_METHOD_GET, url) : NULL;
  if (msg == NULL)
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "“%s”: not a valid URL", self->url);
      /* retrying will not make the URL any better */
      clear_source (&self->reconnect_source);
      set_status (self, VRTC_CLIENT_STATUS_DISCONNECTED);
      take_last_error (self, error);
      return;
    }
  if (self->token != NULL && *self->token != '\0')
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", bearer);
    }

  g_debug ("client %s: connecting to %s", vrtc_store_get_session_id (self->store), url);
  attempt = g_new0 (Attempt, 1);
  g_weak_ref_init (&attempt->client, self);
  attempt->cancellable = g_object_ref (self->cancellable);
  attempt->msg = msg;
  self->connecting = TRUE;
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, on_connected, attempt);
}

/* GObject */

static void
vrtc_client_constructed (GObject *object)
{
  VrtcClient *self = VRTC_CLIENT (object);

  G_OBJECT_CLASS (vrtc_client_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  self->committed_handler = g_signal_connect (self->store, "message-committed",
                                              G_CALLBACK (on_message_committed), self);
}

static void
vrtc_client_dispose (GObject *object)
{
  VrtcClient *self = VRTC_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  clear_source (&self->reconnect_source);
  teardown_connection (self, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  if (self->store != NULL)
    g_clear_signal_handler (&self->committed_handler, self->store);
  g_clear_object (&self->store);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (vrtc_client_parent_class)->dispose (object);
}

static void
vrtc_client_finalize (GObject *object)
{
  VrtcClient *self = VRTC_CLIENT (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->refused, g_hash_table_unref);
  g_clear_error (&self->last_error);
  g_free (self->url);
  g_free (self->token);

  G_OBJECT_CLASS (vrtc_client_parent_class)->finalize (object);
}

static void
vrtc_client_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VrtcClient *self = VRTC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_DIALECT:
      g_value_set_enum (value, self->dialect);
      break;

    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;

    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;

    case PROP_RECONNECT_DELAY:
      g_value_set_double (value, self->reconnect_delay);
      break;

    case PROP_HEARTBEAT_INTERVAL:
      g_value_set_double (value, self->heartbeat_interval);
      break;

    case PROP_DEAD_TIMEOUT:
      g_value_set_double (value, self->dead_timeout);
      break;

    case PROP_PEERS:
      g_value_set_uint (value, self->peers);
      break;

    case PROP_LAST_ERROR:
      g_value_set_boxed (value, self->last_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vrtc_client_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VrtcClient *self = VRTC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_URL:
      vrtc_client_set_url (self, g_value_get_string (value));
      break;

    case PROP_DIALECT:
      vrtc_client_set_dialect (self, g_value_get_enum (value));
      break;

    case PROP_TOKEN:
      vrtc_client_set_token (self, g_value_get_string (value));
      break;

    case PROP_READ_ONLY:
      vrtc_client_set_read_only (self, g_value_get_boolean (value));
      break;

    case PROP_HEARTBEAT_INTERVAL:
      vrtc_client_set_heartbeat_interval (self, g_value_get_double (value));
      break;

    case PROP_DEAD_TIMEOUT:
      vrtc_client_set_dead_timeout (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vrtc_client_class_init (VrtcClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = vrtc_client_constructed;
  object_class->dispose = vrtc_client_dispose;
  object_class->finalize = vrtc_client_finalize;
  object_class->get_property = vrtc_client_get_property;
  object_class->set_property = vrtc_client_set_property;

  /**
   * VrtcClient:store:
   *
   * The store kept in sync with the room.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VRTC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * VrtcClient:url:
   *
   * The room to join, `ws://HOST:PORT/ROOM?session=ID` (see [class@Client]). A change
   * applies to the next connection.
   */
  properties[PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL, rw);

  /**
   * VrtcClient:status:
   *
   * Whether the client is connected, trying to be, or neither.
   */
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, VRTC_TYPE_CLIENT_STATUS,
                       VRTC_CLIENT_STATUS_DISCONNECTED, ro);

  /**
   * VrtcClient:dialect:
   *
   * The JSON dialect the connection asks for and writes, unless the URL says otherwise with
   * `dialect=`. A change applies to the next connection.
   */
  properties[PROP_DIALECT] =
    g_param_spec_enum ("dialect", NULL, NULL, VRTC_TYPE_DIALECT, VRTC_DIALECT_SEED, rw);

  /**
   * VrtcClient:token:
   *
   * The relay's shared token, sent as an `Authorization: Bearer` header, or %NULL.
   */
  properties[PROP_TOKEN] = g_param_spec_string ("token", NULL, NULL, NULL, rw);

  /**
   * VrtcClient:read-only:
   *
   * Watch mode: the client receives but never sends the store's messages.
   */
  properties[PROP_READ_ONLY] = g_param_spec_boolean ("read-only", NULL, NULL, FALSE, rw);

  /**
   * VrtcClient:reconnect-delay:
   *
   * While the status is %VRTC_CLIENT_STATUS_RECONNECTING, the seconds until the next
   * attempt, updated every second for a countdown; 0 while an attempt is under way or
   * when not reconnecting.
   */
  properties[PROP_RECONNECT_DELAY] =
    g_param_spec_double ("reconnect-delay", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);

  /**
   * VrtcClient:heartbeat-interval:
   *
   * Seconds between the `heartbeat` frames the client sends.
   */
  properties[PROP_HEARTBEAT_INTERVAL] =
    g_param_spec_double ("heartbeat-interval", NULL, NULL, 0.001, G_MAXINT / 1000, 15, rw);

  /**
   * VrtcClient:dead-timeout:
   *
   * Seconds without any frame from the relay after which the connection is considered dead,
   * dropped and retried. Also how long a peer counts in [property@Client:peers] after it
   * was last heard of.
   */
  properties[PROP_DEAD_TIMEOUT] =
    g_param_spec_double ("dead-timeout", NULL, NULL, 0.001, G_MAXINT / 1000, 45, rw);

  /**
   * VrtcClient:peers:
   *
   * How many other sessions were heard of (by their messages or heartbeats) within the last
   * [property@Client:dead-timeout] seconds on this connection.
   */
  properties[PROP_PEERS] = g_param_spec_uint ("peers", NULL, NULL, 0, G_MAXUINT, 0, ro);

  /**
   * VrtcClient:last-error:
   *
   * The last problem: a connection that failed or died, an `error` frame from the relay, a
   * message the store refused. %NULL until then.
   */
  properties[PROP_LAST_ERROR] = g_param_spec_boxed ("last-error", NULL, NULL, G_TYPE_ERROR, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VrtcClient::state-received:
   * @self: the client
   *
   * The relay's `state` was applied to the store and the unacked messages were sent again:
   * the client has joined the room.
   */
  signals[STATE_RECEIVED] =
    g_signal_new ("state-received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * VrtcClient::error:
   * @self: the client
   * @message: what went wrong
   * @msg_id: (nullable): the message concerned, if any
   *
   * The relay sent an `error` frame, or sent something the client or the store refused
   * (a malformed frame, a message that does not validate). The connection goes on. The same
   * error is in [property@Client:last-error].
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * VrtcClient::frame-received:
   * @self: the client
   * @text: the frame as received
   *
   * A text frame arrived from the relay, before the client acts on it. For debugging tools
   * such as `vrtc watch`.
   */
  signals[FRAME_RECEIVED] =
    g_signal_new ("frame-received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * VrtcClient::acked:
   * @self: the client
   * @msg_id: the id of the message
   *
   * The relay stored one of this session's messages durably; [method@Store.ack] was called.
   */
  signals[ACKED] =
    g_signal_new ("acked",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
vrtc_client_init (VrtcClient *self)
{
  self->heartbeat_interval = 15;
  self->dead_timeout = 45;
  self->backoff = BACKOFF_INITIAL;
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->refused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->session = soup_session_new_with_options ("user-agent", "vrtc/" PACKAGE_VERSION, NULL);
}

/* Public API */

/**
 * vrtc_client_new:
 * @store: the store to keep in sync
 * @url: the room, `ws://HOST:PORT/ROOM?session=ID` (see [class@Client])
 *
 * Creates a client. It does nothing until [method@Client.connect].
 *
 * Returns: (transfer full): a new #VrtcClient
 */
VrtcClient *
vrtc_client_new (VrtcStore  *store,
                 const char *url)
{
  g_return_val_if_fail (VRTC_IS_STORE (store), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (VRTC_TYPE_CLIENT, "store", store, "url", url, NULL);
}

/**
 * vrtc_client_get_store:
 * @self: a #VrtcClient
 *
 * Returns: (transfer none): the store
 */
VrtcStore *
vrtc_client_get_store (VrtcClient *self)
{
  g_return_val_if_fail (VRTC_IS_CLIENT (self), NULL);

  return self->store;
}

/**
 * vrtc_client_get_url:
 * @self: a #VrtcClient
 *
 * Returns: (nullable): the URL, as given
 */
const char *
vrtc_client_get_url (VrtcClient *self)
{
  g_return_val_if_fail (VRTC_IS_CLIENT (self), NULL);

  return self->url;
}

/**
 * vrtc_client_set_url:
 * @self: a #VrtcClient
 * @url: the room, `ws://HOST:PORT/ROOM?session=ID`
 *
 * Sets the URL used by the next connection attempt.
 */
void
vrtc_client_set_url (VrtcClient *self,
                     const char *url)
{
  g_return_if_fail (VRTC_IS_CLIENT (self));

  if (set_str (&self->url, url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

/**
 * vrtc_client_get_status:
 * @self: a #VrtcClient
 *
 * Returns: the connection status
 */
VrtcClientStatus
vrtc_client_get_status (VrtcClient *self)
{
  g_return_val_if_fail (VRTC_IS_CLIENT (self), VRTC_CLIENT_STATUS_DISCONNECTED);

  return self->status;
}

/**
 * vrtc_client_get_dialect:
 * @self: a #VrtcClient
 *
 * Returns: the dialect asked for
 */
VrtcDialect
vrtc_client_get_dialect (VrtcClient *self)
{
  g_return_val_if_fail (VRTC_IS_CLIENT (self), VRTC_DIALECT_SEED);

  return self->dialect;
}

/**
 * vrtc_client_set_dialect:
 * @self: a #VrtcClient
 * @dialect: the dialect
 *
 * Sets the dialect the next connection asks for and writes.
 */
void
vrtc_client_set_dialect (VrtcClient  *self,
                         VrtcDialect  dialect)
{
  g_return_if_fail (VRTC_IS_CLIENT (self));

  if (self->dialect == dialect)
    return;
  self->dialect = dialect;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIALECT]);
}

/**
 * vrtc_client_get_token:
 * @self: a #VrtcClient
 *
 * Returns: (nullable): the token
 */
const char *
vrtc_client_get_token (VrtcClient *self)
{
  g_return_val_if_fail (VRTC_IS_CLIENT (self), NULL);

  return self->token;
}

/**
 * vrtc_client_set_token:
 * @self: a #VrtcClient
 * @token: (nullable): the relay's shared token
 *
 * Sets the token sent as `Authorization: Bearer` by the next connection attempts.
 */
void
vrtc_client_set_token (VrtcClient *self,
                       const char *token)
{
  g_return_if_fail (VRTC_IS_CLIENT (self));

  if (set_str (&self->token, token))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

/**
 * vrtc_client_get_read_only:
 * @self: a #VrtcClient
 *
 * Returns: whether the client is in watch mode
 */
gboolean
vrtc_client_get_read_only (VrtcClient *self)
{
  g_return_val_if_fail (VRTC_IS_CLIENT (self), FALSE);

  return self->read_only;
}

/**
 * vrtc_client_set_read_only:
 * @self: a #VrtcClient
 * @read_only: %TRUE to never send the store's messages
 *
 * Turns watch mode on or off. Turning it off while connected sends the unacked messages.
 */
void
vrtc_client_set_read_only (VrtcClient *self,
                           gboolean    read_only)
{
  g_return_if_fail (VRTC_IS_CLIENT (self));

  read_only = !!read_only;
  if (self->read_only == read_only)
    return;
  self->read_only = read_only;
  if (!read_only && self->joined)
    resend_unacked (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
}

/**
 * vrtc_client_get_reconnect_delay:
 * @self: a #VrtcClient
 *
 * Returns: the seconds until the next connection attempt, or 0
 */
double
vrtc_client_get_reconnect_delay (VrtcClient *self)
{
  g_return_val_if_fail (VRTC_IS_CLIENT (self), 0);

  return self->reconnect_delay;
}

/**
 * vrtc_client_get_heartbeat_interval:
 * @self: a #VrtcClient
 *
 * Returns: the seconds between heartbeats
 */
double
vrtc_client_get_heartbeat_interval (VrtcClient *self)
{
  g_return_val_if_fail (VRTC_IS_CLIENT (self), 0);

  return self->heartbeat_interval;
}

/**
 * vrtc_client_set_heartbeat_interval:
 * @self: a #VrtcClient
 * @seconds: the seconds between heartbeats, more than 0
 *
 * Sets how often the client sends a `heartbeat`. The default is 15 s.
 */
void
vrtc_client_set_heartbeat_interval (VrtcClient *self,
                                    double      seconds)
{
  g_return_if_fail (VRTC_IS_CLIENT (self));
  g_return_if_fail (seconds > 0);

  if (self->heartbeat_interval == seconds)
    return;
  self->heartbeat_interval = seconds;
  if (self->conn != NULL)
    restart_timers (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEARTBEAT_INTERVAL]);
}

/**
 * vrtc_client_get_dead_timeout:
 * @self: a #VrtcClient
 *
 * Returns: the seconds of silence after which the connection is dropped
 */
double
vrtc_client_get_dead_timeout (VrtcClient *self)
{
  g_return_val_if_fail (VRTC_IS_CLIENT (self), 0);

  return self->dead_timeout;
}

/**
 * vrtc_client_set_dead_timeout:
 * @self: a #VrtcClient
 * @seconds: the seconds, more than 0
 *
 * Sets how long the relay may stay silent before the connection is considered dead and
 * retried. The default is 45 s, three heartbeat intervals.
 */
void
vrtc_client_set_dead_timeout (VrtcClient *self,
                              double      seconds)
{
  g_return_if_fail (VRTC_IS_CLIENT (self));
  g_return_if_fail (seconds > 0);

  if (self->dead_timeout == seconds)
    return;
  self->dead_timeout = seconds;
  if (self->conn != NULL)
    restart_timers (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEAD_TIMEOUT]);
}

/**
 * vrtc_client_get_peers:
 * @self: a #VrtcClient
 *
 * Returns: how many other sessions were heard of recently
 */
guint
vrtc_client_get_peers (VrtcClient *self)
{
  g_return_val_if_fail (VRTC_IS_CLIENT (self), 0);

  return self->peers;
}

/**
 * vrtc_client_get_last_error:
 * @self: a #VrtcClient
 *
 * Gets the last problem: a connection that failed or died (a #GIOError, or a
 * `SoupWebsocketError`), an `error` frame from the relay (%VRTC_ERROR_FAILED), or a message
 * the store refused (its #VrtcError).
 *
 * Returns: (transfer none) (nullable): the error, or %NULL
 */
const GError *
vrtc_client_get_last_error (VrtcClient *self)
{
  g_return_val_if_fail (VRTC_IS_CLIENT (self), NULL);

  return self->last_error;
}

/**
 * vrtc_client_connect: (rename-to vrtc_client_start)
 * @self: a #VrtcClient
 *
 * Starts connecting, and returns at once. The status becomes
 * %VRTC_CLIENT_STATUS_CONNECTING, then %VRTC_CLIENT_STATUS_CONNECTED once the relay's
 * state is in the store; a failed attempt is retried (%VRTC_CLIENT_STATUS_RECONNECTING)
 * until [method@Client.disconnect]. An invalid URL sets [property@Client:last-error] and
 * leaves the client disconnected. Does nothing when already connecting or connected.
 *
 * Bindings see this as `start()` ([method@Client.start]), so that it does not hide
 * `GObject.Object.connect()`.
 */
void
vrtc_client_connect (VrtcClient *self)
{
  g_return_if_fail (VRTC_IS_CLIENT (self));

  if (self->status != VRTC_CLIENT_STATUS_DISCONNECTED)
    return;

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  self->backoff = BACKOFF_INITIAL;
  self->connecting = FALSE;
  set_status (self, VRTC_CLIENT_STATUS_CONNECTING);
  attempt_connect (self);
}

/**
 * vrtc_client_disconnect: (rename-to vrtc_client_stop)
 * @self: a #VrtcClient
 *
 * Closes the connection, stops retrying, and sets the status to
 * %VRTC_CLIENT_STATUS_DISCONNECTED. The store keeps its state and its unacked messages,
 * which a later [method@Client.connect] sends.
 *
 * Bindings see this as `stop()` ([method@Client.stop]), so that it does not hide
 * `GObject.Object.disconnect()`.
 */
void
vrtc_client_disconnect (VrtcClient *self)
{
  g_return_if_fail (VRTC_IS_CLIENT (self));

  g_cancellable_cancel (self->cancellable);
  self->connecting = FALSE;
  clear_source (&self->reconnect_source);
  teardown_connection (self, SOUP_WEBSOCKET_CLOSE_NORMAL);
  set_reconnect_delay (self, 0);
  set_status (self, VRTC_CLIENT_STATUS_DISCONNECTED);
}

/**
 * vrtc_client_start:
 * @self: a #VrtcClient
 *
 * The same as [method@Client.connect], under the name that bindings use.
 */
void
vrtc_client_start (VrtcClient *self)
{
  vrtc_client_connect (self);
}

/**
 * vrtc_client_stop:
 * @self: a #VrtcClient
 *
 * The same as [method@Client.disconnect], under the name that bindings use.
 */
void
vrtc_client_stop (VrtcClient *self)
{
  vrtc_client_disconnect (self);
}
