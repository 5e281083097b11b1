/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "vrtc-relay.h"
#include "vrtc-room.h"

/**
 * VrtcRelay:
 *
 * A WebSocket server hosting vuer-rtc rooms, speaking the protocol of the `crdt`,
 * `state`, `ack`, `broadcast`, `error` and `heartbeat` frames.
 *
 * Clients join a room at `ws://HOST:PORT/ROOM?session=ID`, optionally with
 * `&dialect=compact` to receive messages in the compact dialect and `&token=T` (or an
 * `Authorization: Bearer T` header) when the relay has a [property@Relay:token]. Room
 * names are 1 to 64 characters out of `A-Z a-z 0-9 . _ -` and do not start with a dot;
 * a room is created on its first join.
 *
 * Each room keeps its journal and its latest snapshot in an SQLite database,
 * `DATA_DIR/rooms/ROOM.sqlite`. A message is acked only once it is on disk; a message
 * seen before (the same id) is acked again with the same `serverSeq` and neither stored
 * nor broadcast again. A joining client receives `state`: the latest snapshot and the
 * messages after it. Once more than [property@Relay:compact-threshold] messages follow
 * the snapshot, the room writes a new one.
 *
 * The relay logs one line per join, leave and refusal with g_message() (and every frame
 * when [property@Relay:verbose] is set), in the form
 * `EVENT room=ROOM session=ID peer=ADDRESS key=value...`.
 */

/* An empty room stays open this long, so that a client reconnecting finds it warm. */
#define ROOM_LINGER_SECONDS 10

/* Frames up to this many times max-frame-size get an `error` frame and a 1009 close;
 * libsoup drops the connection on larger ones before reading them. */
#define HARD_FRAME_LIMIT_FACTOR 4

#define CLOSE_TRY_AGAIN_LATER 1013
#define CLOSE_HEARTBEAT_TIMEOUT 4408

typedef struct {
  VrtcRelay *relay;
  VrtcRoom  *room;
  guint      linger_id;
} RoomSlot;

typedef struct {
  char        *room;
  char        *session_id;
  char        *address;
  VrtcDialect  dialect;
} JoinRequest;

struct _VrtcRelay
{
  GObject      parent_instance;

  /* configuration */
  char        *data_dir;
  char        *rooms_dir;
  char        *token;
  guint        max_frame_size;
  guint        max_rooms;
  guint        max_clients;
  guint        compact_threshold;
  double       heartbeat_interval;
  double       heartbeat_timeout;
  gboolean     verbose;

  /* serving */
  SoupServer  *server;
  GSocketService *service;
  char        *host;
  guint        port;
  gboolean     stopped;
  guint        tick_id;
  GPtrArray   *stop_tasks;  /* GTask of vrtc_relay_stop_async(), waiting for the closes */
  guint        stop_timeout_id;

  GHashTable  *rooms;      /* name -> RoomSlot */
  GHashTable  *peers;      /* VrtcPeer (owned) of every connection not closed yet */
  guint        n_clients;  /* peers that are in a room */
};

G_DEFINE_FINAL_TYPE (VrtcRelay, vrtc_relay, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_TOKEN,
  PROP_MAX_FRAME_SIZE,
  PROP_MAX_ROOMS,
  PROP_MAX_CLIENTS_PER_ROOM,
  PROP_COMPACT_THRESHOLD,
  PROP_HEARTBEAT_INTERVAL,
  PROP_HEARTBEAT_TIMEOUT,
  PROP_VERBOSE,
  PROP_PORT,
  PROP_N_ROOMS,
  PROP_N_CLIENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- names ---- */

static gboolean
room_name_is_valid (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 64 || name[0] == '.')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
session_is_valid (const char *session)
{
  gsize len = strlen (session);

  if (len == 0 || len > 128 || !g_utf8_validate (session, len, NULL))
    return FALSE;
  for (const char *p = session; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_isspace (c))
        return FALSE;
    }
  return TRUE;
}

/* Compares without an early exit, so the time taken does not reveal the token. */
static gboolean
token_equal (const char *given,
             const char *token)
{
  gsize a = strlen (given), b = strlen (token);
  guint diff = a != b;

  for (gsize i = 0; i < b; i++)
    diff |= (guchar) token[i] ^ (guchar) (i < a ? given[i] : 0);
  return diff == 0;
}

static char *
address_to_string (GSocketAddress *address)
{
  g_autofree char *host = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("-");
  host = g_inet_address_to_string (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  return g_strdup_printf (strchr (host, ':') ? "[%s]:%u" : "%s:%u", host,
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

/* ---- rooms ---- */

static void
room_slot_free (RoomSlot *slot)
{
  g_clear_handle_id (&slot->linger_id, g_source_remove);
  vrtc_room_free (slot->room);
  g_free (slot);
}

static gboolean
linger_done_cb (gpointer data)
{
  RoomSlot *slot = data;
  VrtcRelay *self = slot->relay;

  slot->linger_id = 0;
  if (vrtc_room_get_n_peers (slot->room) == 0)
    {
      g_hash_table_remove (self->rooms, vrtc_room_get_name (slot->room));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ROOMS]);
    }
  return G_SOURCE_REMOVE;
}

static void
room_slot_linger (RoomSlot *slot)
{
  g_clear_handle_id (&slot->linger_id, g_source_remove);
  slot->linger_id = g_timeout_add_seconds (ROOM_LINGER_SECONDS, linger_done_cb, slot);
}

static gboolean
free_slot_idle_cb (gpointer data)
{
  room_slot_free (data);
  return G_SOURCE_REMOVE;
}

static void peer_leave (VrtcRelay  *self,
                        VrtcPeer   *peer,
                        gushort     code,
                        const char *reason);

static void
on_room_failed (VrtcRoom     *room,
                const GError *error,
                gpointer      data)
{
  RoomSlot *slot = data;
  VrtcRelay *self = slot->relay;
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_peer_unref);

  /* the replica is ahead of the disk: drop it, the next join reads the room back */
  for (guint i = 0; i < vrtc_room_get_n_peers (room); i++)
    g_ptr_array_add (peers, vrtc_peer_ref (vrtc_room_get_peer (room, i)));
  for (guint i = 0; i < peers->len; i++)
    peer_leave (self, g_ptr_array_index (peers, i), SOUP_WEBSOCKET_CLOSE_SERVER_ERROR,
                "storage failed");
  g_clear_handle_id (&slot->linger_id, g_source_remove);
  g_hash_table_steal (self->rooms, vrtc_room_get_name (room));
  g_idle_add (free_slot_idle_cb, slot);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ROOMS]);
}

/* Closes one room that only lingers (no clients), to make space for another. */
static gboolean
evict_empty_room (VrtcRelay *self)
{
  GHashTableIter iter;
  RoomSlot *slot;

  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &slot))
    if (vrtc_room_get_n_peers (slot->room) == 0)
      {
        g_hash_table_iter_remove (&iter);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ROOMS]);
        return TRUE;
      }
  return FALSE;
}

static RoomSlot *
room_slot_open (VrtcRelay   *self,
                const char  *name,
                GError     **error)
{
  g_autofree char *file = g_strconcat (name, ".sqlite", NULL);
  g_autofree char *path = g_build_filename (self->rooms_dir, file, NULL);
  VrtcRoom *room;
  RoomSlot *slot;

  if ((room = vrtc_room_open (name, path, error)) == NULL)
    return NULL;
  slot = g_new0 (RoomSlot, 1);
  slot->relay = self;
  slot->room = room;
  vrtc_room_set_compact_threshold (room, self->compact_threshold);
  vrtc_room_set_failed_func (room, on_room_failed, slot);
  g_hash_table_insert (self->rooms, (char *) vrtc_room_get_name (room), slot);
  room_slot_linger (slot);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ROOMS]);
  return slot;
}

/* ---- stopping ---- */

static void
complete_stop_tasks (VrtcRelay *self)
{
  g_autoptr(GPtrArray) tasks = g_steal_pointer (&self->stop_tasks);

  g_clear_handle_id (&self->stop_timeout_id, g_source_remove);
  if (tasks == NULL)
    return;
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_boolean (g_ptr_array_index (tasks, i), TRUE);
}

static gboolean
stop_timeout_cb (gpointer data)
{
  VrtcRelay *self = data;

  self->stop_timeout_id = 0;
  complete_stop_tasks (self);
  return G_SOURCE_REMOVE;
}

/* ---- connections ---- */

static void
peer_leave (VrtcRelay  *self,
            VrtcPeer   *peer,
            gushort     code,
            const char *reason)
{
  VrtcRoom *room = peer->room;

  if (room != NULL)
    {
      RoomSlot *slot = g_hash_table_lookup (self->rooms, vrtc_room_get_name (room));

      /* no close frame at all (a dropped connection) shows as 1006, as in browsers */
      vrtc_peer_log (peer, "leave", "code=%u%s%s%s clients=%u", code ? code : 1006,
                     reason ? " reason=\"" : "", reason ? reason : "", reason ? "\"" : "",
                     vrtc_room_get_n_peers (room) - 1);
      vrtc_room_remove_peer (room, peer);
      self->n_clients--;
      if (slot != NULL && slot->room == room && vrtc_room_get_n_peers (room) == 0)
        room_slot_linger (slot);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CLIENTS]);
    }
  if (code != 0 && soup_websocket_connection_get_state (peer->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (peer->ws, code, reason);
}

static void
on_closed (SoupWebsocketConnection *ws,
           gpointer                 data)
{
  VrtcPeer *peer = data;
  VrtcRelay *self = peer->relay;
  const char *reason = soup_websocket_connection_get_close_data (ws);

  if (peer->room != NULL)
    peer_leave (self, peer, soup_websocket_connection_get_close_code (ws),
                reason && *reason ? reason : NULL);
  g_signal_handlers_disconnect_by_data (ws, peer);
  g_hash_table_remove (self->peers, peer);
  if (self->stopped && g_hash_table_size (self->peers) == 0)
    complete_stop_tasks (self);
}

static void
refuse_frame_too_large (VrtcRelay *self,
                        VrtcPeer  *peer,
                        guint64    size)
{
  g_autofree char *error = g_strdup_printf ("frame: %" G_GUINT64_FORMAT " bytes is over the "
                                            "limit of %u bytes", size, self->max_frame_size);

  vrtc_peer_send_error (peer, NULL, error);
  peer_leave (self, peer, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "frame too large");
}

static void
on_error (SoupWebsocketConnection *ws,
          GError                  *error,
          gpointer                 data)
{
  VrtcPeer *peer = data;

  /* Past the hard limit libsoup drops the connection right after this signal; the state
   * is still open here, so the error frame and the close frame can still be queued. */
  if (g_error_matches (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_CLOSE_TOO_BIG))
    refuse_frame_too_large (peer->relay, peer,
                            soup_websocket_connection_get_max_incoming_payload_size (ws));
  else if (peer->room != NULL)
    vrtc_peer_log (peer, "error", "reason=\"%s\"", error->message);
}

static void
on_message (SoupWebsocketConnection *ws,
            gint                     type,
            GBytes                  *message,
            gpointer                 data)
{
  VrtcPeer *peer = data;
  VrtcRelay *self = peer->relay;
  g_autoptr(GError) error = NULL;
  VrtcFrame frame = { 0 };
  gsize size;
  const char *text = g_bytes_get_data (message, &size);

  peer->last_rx = g_get_monotonic_time ();
  if (peer->room == NULL)
    return;
  if (size > self->max_frame_size)
    {
      refuse_frame_too_large (self, peer, size);
      return;
    }
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      vrtc_peer_send_error (peer, NULL, "frame: binary frames are not supported, "
                                        "send JSON text frames");
      return;
    }
  if (peer->verbose)
    vrtc_peer_log_frame (peer, "in", text, size);

  if (!vrtc_frame_parse (text, size, &frame, &error))
    {
      g_autofree char *why = NULL;

      if (g_error_matches (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON))
        why = g_strdup_printf ("frame: invalid JSON at %s", error->message);
      vrtc_peer_send_error (peer, NULL, why ? why : error->message);
      return;
    }

  switch (frame.type)
    {
    case VRTC_FRAME_CRDT:
      if (g_strcmp0 (frame.msg->session_id, peer->session_id) != 0)
        {
          g_autofree char *why =
            g_strdup_printf ("msg.sessionId: \"%s\" is not the session of this connection "
                             "(\"%s\")", frame.msg->session_id, peer->session_id);

          vrtc_peer_send_error (peer, frame.msg->id, why);
        }
      else
        vrtc_room_submit (peer->room, peer, frame.msg);
      break;

    case VRTC_FRAME_HEARTBEAT:
      vrtc_room_send_heartbeat (peer->room, peer);
      vrtc_room_forward_heartbeat (peer->room, peer, &frame.clock);
      break;

    case VRTC_FRAME_ERROR:
      /* not answered: two peers must not bounce errors at each other */
      vrtc_peer_log (peer, "client-error", "reason=\"%s\"", frame.error);
      break;

    case VRTC_FRAME_STATE:
    case VRTC_FRAME_BROADCAST:
    case VRTC_FRAME_ACK:
    case VRTC_FRAME_ROOM_RESET:
    default:
      {
        const char *names[] = { "state", "crdt", "broadcast", "ack", "error", "heartbeat",
                                "room-reset" };
        g_autofree char *why =
          g_strdup_printf ("mtype: \"%s\" is sent by the relay, not by clients",
                           frame.type < G_N_ELEMENTS (names) ? names[frame.type] : "?");

        vrtc_peer_send_error (peer, NULL, why);
        break;
      }
    }
  vrtc_frame_clear (&frame);
}

static void
join_request_free (JoinRequest *req)
{
  g_free (req->room);
  g_free (req->session_id);
  g_free (req->address);
  g_free (req);
}

static void
refuse (SoupServerMessage *msg,
        guint              status,
        const char        *room,
        const char        *session,
        const char        *address,
        const char        *reason)
{
  g_autofree char *body = g_strconcat (reason, "\n", NULL);

  g_message ("refuse room=%s session=%s peer=%s status=%u reason=\"%s\"",
             room && *room ? room : "-", session && *session ? session : "-", address,
             status, reason);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

/* Runs before the WebSocket handshake: a status set here means no upgrade. */
static void
http_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           data)
{
  VrtcRelay *self = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *address = address_to_string (soup_server_message_get_remote_address (msg));
  const char *room = path[0] == '/' ? path + 1 : path;
  const char *session = query ? g_hash_table_lookup (query, "session") : NULL;
  const char *dialect = query ? g_hash_table_lookup (query, "dialect") : NULL;
  const char *auth;
  RoomSlot *slot;
  JoinRequest *req;

  if (self->stopped)
    return refuse (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, room, session, address,
                   "the relay is stopping");
  if (!room_name_is_valid (room))
    return refuse (msg, SOUP_STATUS_BAD_REQUEST, NULL, session, address,
                   "bad room name: expected 1 to 64 of A-Z a-z 0-9 . _ -, not starting "
                   "with a dot");

  if (self->token != NULL)
    {
      const char *given = query ? g_hash_table_lookup (query, "token") : NULL;

      if (given == NULL && (auth = soup_message_headers_get_one (headers, "Authorization")) &&
          g_ascii_strncasecmp (auth, "Bearer ", 7) == 0)
        given = auth + 7;
      if (given == NULL || !token_equal (given, self->token))
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "WWW-Authenticate", "Bearer realm=\"vrtc-relay\"");
          return refuse (msg, SOUP_STATUS_UNAUTHORIZED, room, session, address,
                         given == NULL ? "missing token" : "wrong token");
        }
    }

  if (session == NULL || !session_is_valid (session))
    return refuse (msg, SOUP_STATUS_BAD_REQUEST, room, NULL, address,
                   session == NULL ? "missing session: join ws://HOST:PORT/ROOM?session=ID"
                                   : "bad session id");
  if (dialect != NULL && strcmp (dialect, "seed") != 0 && strcmp (dialect, "compact") != 0)
    return refuse (msg, SOUP_STATUS_BAD_REQUEST, room, session, address,
                   "bad dialect: expected seed or compact");
  if (!soup_message_headers_header_contains (headers, "Upgrade", "websocket"))
    return refuse (msg, SOUP_STATUS_BAD_REQUEST, room, session, address,
                   "expected a WebSocket upgrade");

  slot = g_hash_table_lookup (self->rooms, room);
  if (slot == NULL)
    {
      g_autoptr(GError) error = NULL;

      if (self->max_rooms > 0 && g_hash_table_size (self->rooms) >= self->max_rooms &&
          !evict_empty_room (self))
        return refuse (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, room, session, address,
                       "too many rooms");
      if ((slot = room_slot_open (self, room, &error)) == NULL)
        {
          g_warning ("room %s: %s", room, error->message);
          return refuse (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, room, session, address,
                         "the room cannot be opened");
        }
    }
  if (self->max_clients > 0 && vrtc_room_get_n_peers (slot->room) >= self->max_clients)
    return refuse (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, room, session, address,
                   "room is full");

  req = g_new0 (JoinRequest, 1);
  req->room = g_strdup (room);
  req->session_id = g_strdup (session);
  req->address = g_steal_pointer (&address);
  req->dialect = g_strcmp0 (dialect, "compact") == 0 ? VRTC_DIALECT_COMPACT : VRTC_DIALECT_SEED;
  g_object_set_data_full (G_OBJECT (msg), "vrtc-join", req, (GDestroyNotify) join_request_free);
}

static void
websocket_handler (SoupServer              *server,
                   SoupServerMessage       *msg,
                   const char              *path,
                   SoupWebsocketConnection *ws,
                   gpointer                 data)
{
  VrtcRelay *self = data;
  JoinRequest *req = g_object_get_data (G_OBJECT (msg), "vrtc-join");
  g_autoptr(GError) error = NULL;
  RoomSlot *slot;
  VrtcPeer *peer;

  g_return_if_fail (req != NULL);

  /* the room may have lingered out, or filled up, since the request was checked */
  slot = g_hash_table_lookup (self->rooms, req->room);
  if (slot == NULL && !self->stopped &&
      (self->max_rooms == 0 || g_hash_table_size (self->rooms) < self->max_rooms ||
       evict_empty_room (self)))
    slot = room_slot_open (self, req->room, &error);
  if (slot == NULL || self->stopped ||
      (self->max_clients > 0 && vrtc_room_get_n_peers (slot->room) >= self->max_clients))
    {
      g_message ("refuse room=%s session=%s peer=%s code=%u reason=\"%s\"", req->room,
                 req->session_id, req->address, CLOSE_TRY_AGAIN_LATER,
                 error ? error->message : "room is full");
      soup_websocket_connection_close (ws, CLOSE_TRY_AGAIN_LATER, "try again later");
      return;
    }

  soup_websocket_connection_set_max_incoming_payload_size (
    ws, (guint64) self->max_frame_size * HARD_FRAME_LIMIT_FACTOR);
  /* libsoup's own pings would count as traffic for neither side: heartbeats do that */
  soup_websocket_connection_set_keepalive_interval (ws, 0);

  peer = vrtc_peer_new (ws, req->session_id, req->address, req->dialect);
  peer->relay = self;
  peer->verbose = self->verbose;
  g_hash_table_add (self->peers, peer);
  g_signal_connect (ws, "message", G_CALLBACK (on_message), peer);
  g_signal_connect (ws, "error", G_CALLBACK (on_error), peer);
  g_signal_connect (ws, "closed", G_CALLBACK (on_closed), peer);

  g_clear_handle_id (&slot->linger_id, g_source_remove);
  vrtc_room_add_peer (slot->room, peer);
  self->n_clients++;
  vrtc_peer_log (peer, "join", "dialect=%s clients=%u",
                 peer->dialect == VRTC_DIALECT_COMPACT ? "compact" : "seed",
                 vrtc_room_get_n_peers (slot->room));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CLIENTS]);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           data)
{
  VrtcRelay *self = data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;

  if (local == NULL || remote == NULL)
    return TRUE;
  /* acks are small frames: send them now, not after Nagle's delay */
  g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP, TCP_NODELAY,
                       TRUE, NULL);
  if (!soup_server_accept_iostream (self->server, G_IO_STREAM (connection), local, remote,
                                    &error))
    g_warning ("cannot accept a connection: %s", error->message);
  return TRUE;
}

/* ---- heartbeats ---- */

static gboolean
tick_cb (gpointer data)
{
  VrtcRelay *self = data;
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_peer_unref);
  gint64 now = g_get_monotonic_time ();
  gint64 timeout = (gint64) (self->heartbeat_timeout * G_USEC_PER_SEC);
  gint64 interval = (gint64) (self->heartbeat_interval * G_USEC_PER_SEC);
  GHashTableIter iter;
  VrtcPeer *peer;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &peer, NULL))
    if (peer->room != NULL)
      g_ptr_array_add (peers, vrtc_peer_ref (peer));

  for (guint i = 0; i < peers->len; i++)
    {
      peer = g_ptr_array_index (peers, i);
      if (timeout > 0 && now - peer->last_rx > timeout)
        {
          vrtc_peer_log (peer, "timeout", "silent=%.1fs",
                         (double) (now - peer->last_rx) / G_USEC_PER_SEC);
          peer_leave (self, peer, CLOSE_HEARTBEAT_TIMEOUT, "heartbeat timeout");
        }
      else if (interval > 0 && now - peer->last_tx >= interval && peer->room != NULL)
        vrtc_room_send_heartbeat (peer->room, peer);
    }
  return G_SOURCE_CONTINUE;
}

static void
update_tick (VrtcRelay *self)
{
  double period = 0;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->port == 0 || self->stopped)
    return;
  if (self->heartbeat_interval > 0)
    period = self->heartbeat_interval;
  if (self->heartbeat_timeout > 0 && (period == 0 || self->heartbeat_timeout < period))
    period = self->heartbeat_timeout;
  if (period == 0)
    return;
  period = CLAMP (period / 4, 0.02, 1.0);
  self->tick_id = g_timeout_add ((guint) (period * 1000), tick_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->tick_id),
                            "[vrtc] relay heartbeat");
}

/* ---- GObject ---- */

static void
vrtc_relay_dispose (GObject *object)
{
  VrtcRelay *self = VRTC_RELAY (object);
  GHashTableIter iter;
  VrtcPeer *peer;

  vrtc_relay_stop (self);
  complete_stop_tasks (self);
  if (self->peers != NULL)
    {
      g_hash_table_iter_init (&iter, self->peers);
      while (g_hash_table_iter_next (&iter, (gpointer *) &peer, NULL))
        g_signal_handlers_disconnect_by_data (peer->ws, peer);
      g_clear_pointer (&self->peers, g_hash_table_unref);
    }
  g_clear_object (&self->server);

  G_OBJECT_CLASS (vrtc_relay_parent_class)->dispose (object);
}

static void
vrtc_relay_finalize (GObject *object)
{
  VrtcRelay *self = VRTC_RELAY (object);

  g_clear_pointer (&self->rooms, g_hash_table_unref);
  g_free (self->data_dir);
  g_free (self->rooms_dir);
  g_free (self->token);
  g_free (self->host);

  G_OBJECT_CLASS (vrtc_relay_parent_class)->finalize (object);
}

static void
vrtc_relay_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VrtcRelay *self = VRTC_RELAY (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_MAX_FRAME_SIZE:
      g_value_set_uint (value, self->max_frame_size);
      break;
    case PROP_MAX_ROOMS:
      g_value_set_uint (value, self->max_rooms);
      break;
    case PROP_MAX_CLIENTS_PER_ROOM:
      g_value_set_uint (value, self->max_clients);
      break;
    case PROP_COMPACT_THRESHOLD:
      g_value_set_uint (value, self->compact_threshold);
      break;
    case PROP_HEARTBEAT_INTERVAL:
      g_value_set_double (value, self->heartbeat_interval);
      break;
    case PROP_HEARTBEAT_TIMEOUT:
      g_value_set_double (value, self->heartbeat_timeout);
      break;
    case PROP_VERBOSE:
      g_value_set_boolean (value, self->verbose);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_N_ROOMS:
      g_value_set_uint (value, vrtc_relay_get_n_rooms (self));
      break;
    case PROP_N_CLIENTS:
      g_value_set_uint (value, self->n_clients);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vrtc_relay_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VrtcRelay *self = VRTC_RELAY (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;
    case PROP_TOKEN:
      vrtc_relay_set_token (self, g_value_get_string (value));
      break;
    case PROP_MAX_FRAME_SIZE:
      vrtc_relay_set_max_frame_size (self, g_value_get_uint (value));
      break;
    case PROP_MAX_ROOMS:
      vrtc_relay_set_max_rooms (self, g_value_get_uint (value));
      break;
    case PROP_MAX_CLIENTS_PER_ROOM:
      vrtc_relay_set_max_clients_per_room (self, g_value_get_uint (value));
      break;
    case PROP_COMPACT_THRESHOLD:
      vrtc_relay_set_compact_threshold (self, g_value_get_uint (value));
      break;
    case PROP_HEARTBEAT_INTERVAL:
      vrtc_relay_set_heartbeat_interval (self, g_value_get_double (value));
      break;
    case PROP_HEARTBEAT_TIMEOUT:
      vrtc_relay_set_heartbeat_timeout (self, g_value_get_double (value));
      break;
    case PROP_VERBOSE:
      vrtc_relay_set_verbose (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vrtc_relay_class_init (VrtcRelayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = vrtc_relay_dispose;
  object_class->finalize = vrtc_relay_finalize;
  object_class->get_property = vrtc_relay_get_property;
  object_class->set_property = vrtc_relay_set_property;

  /**
   * VrtcRelay:data-dir:
   *
   * The directory holding the rooms' databases, in its `rooms` subdirectory.
   */
  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * VrtcRelay:token:
   *
   * The shared secret clients must present on the WebSocket upgrade, as a `token` query
   * parameter or an `Authorization: Bearer` header; without it they get 401 and no
   * upgrade. %NULL lets everyone in.
   */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL, rw);

  /**
   * VrtcRelay:max-frame-size:
   *
   * The largest frame, in bytes, a client may send. A larger one gets an `error` frame
   * and the connection is closed with code 1009.
   */
  properties[PROP_MAX_FRAME_SIZE] =
    g_param_spec_uint ("max-frame-size", NULL, NULL, 256, G_MAXUINT / HARD_FRAME_LIMIT_FACTOR,
                       1024 * 1024, rw);

  /**
   * VrtcRelay:max-rooms:
   *
   * How many rooms may have clients at once; a join that would open one more gets 503.
   * (An empty room stays open for a few seconds, unless the space is needed.) 0 means no
   * limit.
   */
  properties[PROP_MAX_ROOMS] =
    g_param_spec_uint ("max-rooms", NULL, NULL, 0, G_MAXUINT, 256, rw);

  /**
   * VrtcRelay:max-clients-per-room:
   *
   * How many clients one room takes; one more gets 503. 0 means no limit.
   */
  properties[PROP_MAX_CLIENTS_PER_ROOM] =
    g_param_spec_uint ("max-clients-per-room", NULL, NULL, 0, G_MAXUINT, 64, rw);

  /**
   * VrtcRelay:compact-threshold:
   *
   * Once more messages than this follow a room's latest snapshot, the room folds them
   * into a new snapshot. 0 means never.
   */
  properties[PROP_COMPACT_THRESHOLD] =
    g_param_spec_uint ("compact-threshold", NULL, NULL, 0, G_MAXUINT, 10000, rw);

  /**
   * VrtcRelay:heartbeat-interval:
   *
   * Seconds of silence towards a client after which the relay sends it a `heartbeat`.
   * 0 turns these off (clients' heartbeats are still answered).
   */
  properties[PROP_HEARTBEAT_INTERVAL] =
    g_param_spec_double ("heartbeat-interval", NULL, NULL, 0, 86400, 15, rw);

  /**
   * VrtcRelay:heartbeat-timeout:
   *
   * Seconds without any frame from a client after which its connection is closed
   * (code 4408). 0 means never.
   */
  properties[PROP_HEARTBEAT_TIMEOUT] =
    g_param_spec_double ("heartbeat-timeout", NULL, NULL, 0, 86400, 45, rw);

  /**
   * VrtcRelay:verbose:
   *
   * Whether every frame in and out is logged too.
   */
  properties[PROP_VERBOSE] =
    g_param_spec_boolean ("verbose", NULL, NULL, FALSE, rw);

  /**
   * VrtcRelay:port:
   *
   * The port listened on, once [method@Relay.listen] succeeded; 0 before.
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0, ro);

  /**
   * VrtcRelay:n-rooms:
   *
   * How many rooms are open.
   */
  properties[PROP_N_ROOMS] =
    g_param_spec_uint ("n-rooms", NULL, NULL, 0, G_MAXUINT, 0, ro);

  /**
   * VrtcRelay:n-clients:
   *
   * How many clients are in a room, over all rooms.
   */
  properties[PROP_N_CLIENTS] =
    g_param_spec_uint ("n-clients", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vrtc_relay_init (VrtcRelay *self)
{
  self->max_frame_size = 1024 * 1024;
  self->max_rooms = 256;
  self->max_clients = 64;
  self->compact_threshold = 10000;
  self->heartbeat_interval = 15;
  self->heartbeat_timeout = 45;
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) room_slot_free);
  self->peers = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) vrtc_peer_unref, NULL);

  self->server = soup_server_new ("server-header", "vrtc-relay/" PACKAGE_VERSION " ", NULL);
  /* Without compression a frame's size on the wire is its size: max-frame-size then
   * bounds the memory a client can make the relay use (no inflation bombs). */
  soup_server_remove_websocket_extension (self->server, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  soup_server_add_handler (self->server, NULL, http_handler, self, NULL);
  soup_server_add_websocket_handler (self->server, NULL, NULL, NULL, websocket_handler,
                                     self, NULL);
}

/**
 * vrtc_relay_new:
 * @data_dir: (type filename): the directory for the rooms' databases; created if needed
 * @error: return location for a #GError
 *
 * Creates a relay storing its rooms under @data_dir. It serves nothing until
 * [method@Relay.listen].
 *
 * Returns: (transfer full) (nullable): the new relay, or %NULL when @data_dir cannot be
 *   created
 */
VrtcRelay *
vrtc_relay_new (const char  *data_dir,
                GError     **error)
{
  g_autoptr(VrtcRelay) self = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (VRTC_TYPE_RELAY, "data-dir", data_dir, NULL);
  self->rooms_dir = g_build_filename (data_dir, "rooms", NULL);
  if (g_mkdir_with_parents (self->rooms_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the data directory “%s”: %s"), self->rooms_dir,
                   g_strerror (saved_errno));
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * vrtc_relay_listen:
 * @self: a #VrtcRelay
 * @host: (nullable): the address to listen on (an IP address or a host name);
 *   %NULL for 127.0.0.1
 * @port: the TCP port, or 0 for any free one (see [method@Relay.get_port])
 * @error: return location for a #GError
 *
 * Starts serving rooms on the main context of the calling thread. A relay listens on one
 * address only, once.
 *
 * Returns: %TRUE when listening
 */
gboolean
vrtc_relay_listen (VrtcRelay   *self,
                   const char  *host,
                   guint        port,
                   GError     **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GObject) effective = NULL;

  g_return_val_if_fail (VRTC_IS_RELAY (self), FALSE);
  g_return_val_if_fail (port <= 65535, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->port != 0 || self->stopped)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   self->stopped ? _("The relay is stopped") : _("The relay is already listening"));
      return FALSE;
    }
  if (host == NULL || *host == '\0')
    host = "127.0.0.1";
  inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();
      GList *found = g_resolver_lookup_by_name (resolver, host, NULL, error);

      if (found == NULL)
        return FALSE;
      inet = g_object_ref (found->data);
      g_resolver_free_addresses (found);
    }
  address = g_inet_socket_address_new (inet, port);

  /* Our own listening socket rather than soup_server_listen(): libsoup 3.2's listener
   * keeps a reference to every socket it accepts, so a long-running relay would grow by
   * one GSocket per connection. */
  service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      (GSocketAddress **) &effective, error))
    return FALSE;
  bound = G_SOCKET_ADDRESS (g_steal_pointer (&effective));
  g_signal_connect_object (service, "incoming", G_CALLBACK (on_incoming), self, 0);
  g_socket_service_start (service);
  self->service = g_steal_pointer (&service);

  g_free (self->host);
  self->host = g_strdup (host);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  update_tick (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  return TRUE;
}

/**
 * vrtc_relay_stop:
 * @self: a #VrtcRelay
 *
 * Stops serving: commits and acks the messages waiting for their group commit, closes
 * every client connection with code 1001, closes the rooms' databases and the listening
 * socket. Everything acked is on disk when this returns. A stopped relay does not listen
 * again.
 */
void
vrtc_relay_stop (VrtcRelay *self)
{
  g_autoptr(GPtrArray) peers = NULL;
  GHashTableIter iter;
  RoomSlot *slot;
  VrtcPeer *peer;
  gboolean had_rooms;

  g_return_if_fail (VRTC_IS_RELAY (self));

  if (self->stopped)
    return;
  self->stopped = TRUE;
  g_clear_handle_id (&self->tick_id, g_source_remove);

  /* acks first, then the close frames behind them */
  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &slot))
    vrtc_room_flush (slot->room, NULL);

  peers = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_peer_unref);
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &peer, NULL))
    g_ptr_array_add (peers, vrtc_peer_ref (peer));
  for (guint i = 0; i < peers->len; i++)
    peer_leave (self, g_ptr_array_index (peers, i), SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                "relay stopping");

  had_rooms = g_hash_table_size (self->rooms) > 0;
  g_hash_table_remove_all (self->rooms);
  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  if (had_rooms)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ROOMS]);
}

/**
 * vrtc_relay_stop_async:
 * @self: a #VrtcRelay
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the connections are closed
 * @user_data: data for @callback
 *
 * Like [method@Relay.stop], which it calls at once, and then waits (a few seconds at
 * most) until every client has answered the close, so that a program can exit without
 * cutting a close handshake short.
 */
void
vrtc_relay_stop_async (VrtcRelay           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VRTC_IS_RELAY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vrtc_relay_stop_async);
  vrtc_relay_stop (self);
  if (g_hash_table_size (self->peers) == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->stop_tasks == NULL)
    self->stop_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->stop_tasks, g_steal_pointer (&task));
  if (self->stop_timeout_id == 0)
    self->stop_timeout_id = g_timeout_add_seconds (3, stop_timeout_cb, self);
}

/**
 * vrtc_relay_stop_finish:
 * @self: a #VrtcRelay
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Relay.stop_async].
 *
 * Returns: %TRUE, unless it was cancelled
 */
gboolean
vrtc_relay_stop_finish (VrtcRelay     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vrtc_relay_get_port:
 * @self: a #VrtcRelay
 *
 * Returns: the port listened on, or 0 before [method@Relay.listen]
 */
guint
vrtc_relay_get_port (VrtcRelay *self)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), 0);
  return self->port;
}

/**
 * vrtc_relay_get_url:
 * @self: a #VrtcRelay
 * @room: (nullable): a room name
 *
 * The URL of a room, `ws://HOST:PORT/ROOM`, to which a client adds `?session=ID`.
 *
 * Returns: (transfer full) (nullable): the URL, or %NULL before [method@Relay.listen]
 */
char *
vrtc_relay_get_url (VrtcRelay  *self,
                    const char *room)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), NULL);

  if (self->port == 0)
    return NULL;
  return g_strdup_printf (strchr (self->host, ':') ? "ws://[%s]:%u/%s" : "ws://%s:%u/%s",
                          self->host, self->port, room ? room : "");
}

/**
 * vrtc_relay_get_data_dir:
 * @self: a #VrtcRelay
 *
 * Returns: (type filename): the data directory
 */
const char *
vrtc_relay_get_data_dir (VrtcRelay *self)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), NULL);
  return self->data_dir;
}

/**
 * vrtc_relay_get_token:
 * @self: a #VrtcRelay
 *
 * Returns: (nullable): the token clients must present, or %NULL
 */
const char *
vrtc_relay_get_token (VrtcRelay *self)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), NULL);
  return self->token;
}

/**
 * vrtc_relay_set_token:
 * @self: a #VrtcRelay
 * @token: (nullable): the token clients must present, or %NULL for none
 *
 * Sets [property@Relay:token]. It is checked on later joins; an empty string is %NULL.
 */
void
vrtc_relay_set_token (VrtcRelay  *self,
                      const char *token)
{
  g_return_if_fail (VRTC_IS_RELAY (self));

  if (token != NULL && *token == '\0')
    token = NULL;
  if (g_strcmp0 (self->token, token) == 0)
    return;
  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

/**
 * vrtc_relay_get_max_frame_size:
 * @self: a #VrtcRelay
 *
 * Returns: [property@Relay:max-frame-size]
 */
guint
vrtc_relay_get_max_frame_size (VrtcRelay *self)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), 0);
  return self->max_frame_size;
}

/**
 * vrtc_relay_set_max_frame_size:
 * @self: a #VrtcRelay
 * @max_frame_size: bytes, at least 256
 *
 * Sets [property@Relay:max-frame-size], for the connections open too.
 */
void
vrtc_relay_set_max_frame_size (VrtcRelay *self,
                               guint      max_frame_size)
{
  GHashTableIter iter;
  VrtcPeer *peer;

  g_return_if_fail (VRTC_IS_RELAY (self));
  g_return_if_fail (max_frame_size >= 256 &&
                    max_frame_size <= G_MAXUINT / HARD_FRAME_LIMIT_FACTOR);

  if (self->max_frame_size == max_frame_size)
    return;
  self->max_frame_size = max_frame_size;
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &peer, NULL))
    soup_websocket_connection_set_max_incoming_payload_size (
      peer->ws, (guint64) max_frame_size * HARD_FRAME_LIMIT_FACTOR);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_FRAME_SIZE]);
}

/**
 * vrtc_relay_get_max_rooms:
 * @self: a #VrtcRelay
 *
 * Returns: [property@Relay:max-rooms]
 */
guint
vrtc_relay_get_max_rooms (VrtcRelay *self)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), 0);
  return self->max_rooms;
}

/**
 * vrtc_relay_set_max_rooms:
 * @self: a #VrtcRelay
 * @max_rooms: how many rooms may be open at once, 0 for no limit
 *
 * Sets [property@Relay:max-rooms]. Rooms already open stay open.
 */
void
vrtc_relay_set_max_rooms (VrtcRelay *self,
                          guint      max_rooms)
{
  g_return_if_fail (VRTC_IS_RELAY (self));

  if (self->max_rooms == max_rooms)
    return;
  self->max_rooms = max_rooms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ROOMS]);
}

/**
 * vrtc_relay_get_max_clients_per_room:
 * @self: a #VrtcRelay
 *
 * Returns: [property@Relay:max-clients-per-room]
 */
guint
vrtc_relay_get_max_clients_per_room (VrtcRelay *self)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), 0);
  return self->max_clients;
}

/**
 * vrtc_relay_set_max_clients_per_room:
 * @self: a #VrtcRelay
 * @max_clients: how many clients one room takes, 0 for no limit
 *
 * Sets [property@Relay:max-clients-per-room]. Clients already in stay.
 */
void
vrtc_relay_set_max_clients_per_room (VrtcRelay *self,
                                     guint      max_clients)
{
  g_return_if_fail (VRTC_IS_RELAY (self));

  if (self->max_clients == max_clients)
    return;
  self->max_clients = max_clients;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CLIENTS_PER_ROOM]);
}

/**
 * vrtc_relay_get_compact_threshold:
 * @self: a #VrtcRelay
 *
 * Returns: [property@Relay:compact-threshold]
 */
guint
vrtc_relay_get_compact_threshold (VrtcRelay *self)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), 0);
  return self->compact_threshold;
}

/**
 * vrtc_relay_set_compact_threshold:
 * @self: a #VrtcRelay
 * @threshold: messages after a snapshot that trigger a new one, 0 for never
 *
 * Sets [property@Relay:compact-threshold], for the open rooms too.
 */
void
vrtc_relay_set_compact_threshold (VrtcRelay *self,
                                  guint      threshold)
{
  GHashTableIter iter;
  RoomSlot *slot;

  g_return_if_fail (VRTC_IS_RELAY (self));

  if (self->compact_threshold == threshold)
    return;
  self->compact_threshold = threshold;
  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &slot))
    vrtc_room_set_compact_threshold (slot->room, threshold);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPACT_THRESHOLD]);
}

/**
 * vrtc_relay_get_heartbeat_interval:
 * @self: a #VrtcRelay
 *
 * Returns: [property@Relay:heartbeat-interval], in seconds
 */
double
vrtc_relay_get_heartbeat_interval (VrtcRelay *self)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), 0);
  return self->heartbeat_interval;
}

/**
 * vrtc_relay_set_heartbeat_interval:
 * @self: a #VrtcRelay
 * @seconds: seconds of silence before the relay sends a heartbeat, 0 for never
 *
 * Sets [property@Relay:heartbeat-interval].
 */
void
vrtc_relay_set_heartbeat_interval (VrtcRelay *self,
                                   double     seconds)
{
  g_return_if_fail (VRTC_IS_RELAY (self));
  g_return_if_fail (seconds >= 0);

  if (self->heartbeat_interval == seconds)
    return;
  self->heartbeat_interval = seconds;
  update_tick (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEARTBEAT_INTERVAL]);
}

/**
 * vrtc_relay_get_heartbeat_timeout:
 * @self: a #VrtcRelay
 *
 * Returns: [property@Relay:heartbeat-timeout], in seconds
 */
double
vrtc_relay_get_heartbeat_timeout (VrtcRelay *self)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), 0);
  return self->heartbeat_timeout;
}

/**
 * vrtc_relay_set_heartbeat_timeout:
 * @self: a #VrtcRelay
 * @seconds: seconds without a frame from a client before it is dropped, 0 for never
 *
 * Sets [property@Relay:heartbeat-timeout].
 */
void
vrtc_relay_set_heartbeat_timeout (VrtcRelay *self,
                                  double     seconds)
{
  g_return_if_fail (VRTC_IS_RELAY (self));
  g_return_if_fail (seconds >= 0);

  if (self->heartbeat_timeout == seconds)
    return;
  self->heartbeat_timeout = seconds;
  update_tick (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEARTBEAT_TIMEOUT]);
}

/**
 * vrtc_relay_get_verbose:
 * @self: a #VrtcRelay
 *
 * Returns: whether every frame is logged
 */
gboolean
vrtc_relay_get_verbose (VrtcRelay *self)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), FALSE);
  return self->verbose;
}

/**
 * vrtc_relay_set_verbose:
 * @self: a #VrtcRelay
 * @verbose: whether to log every frame
 *
 * Sets [property@Relay:verbose], for the connections open too.
 */
void
vrtc_relay_set_verbose (VrtcRelay *self,
                        gboolean   verbose)
{
  GHashTableIter iter;
  VrtcPeer *peer;

  g_return_if_fail (VRTC_IS_RELAY (self));

  verbose = !!verbose;
  if (self->verbose == verbose)
    return;
  self->verbose = verbose;
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &peer, NULL))
    peer->verbose = verbose;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERBOSE]);
}

/**
 * vrtc_relay_get_n_rooms:
 * @self: a #VrtcRelay
 *
 * Returns: how many rooms are open
 */
guint
vrtc_relay_get_n_rooms (VrtcRelay *self)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), 0);
  return self->rooms ? g_hash_table_size (self->rooms) : 0;
}

/**
 * vrtc_relay_get_n_clients:
 * @self: a #VrtcRelay
 *
 * Returns: how many clients are in a room, over all rooms
 */
guint
vrtc_relay_get_n_clients (VrtcRelay *self)
{
  g_return_val_if_fail (VRTC_IS_RELAY (self), 0);
  return self->n_clients;
}
