/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "vrtc-codec.h"
#include "vrtc-engine.h"
#include "vrtc-error.h"
#include "vrtc-journal-entry-private.h"
#include "vrtc-node-private.h"
#include "vrtc-snapshot-private.h"
#include "vrtc-store-private.h"

#define SAVE_CHUNK (1u << 20)

/**
 * VrtcStore:
 *
 * A replica of a vuer-rtc scene graph: the GObject face of the CRDT engine.
 *
 * Local changes are previewed with [method@Store.edit] and turned into a message with
 * [method@Store.commit]; messages from peers go in through [method@Store.receive]. Two
 * stores that hold the same set of messages give byte-identical [method@Store.to_json],
 * whatever the order in which the messages arrived.
 *
 * The store hands out models rather than copies: one [class@Node] per key with stable
 * identity ([method@Store.get_node]), each with a children and a properties
 * [iface@Gio.ListModel], and the journal as a list model of [class@JournalEntry]. They are
 * updated in place, after each call into the store has finished its work, and the signals
 * [signal@Store::node-changed] and [signal@Store::property-changed] say exactly what
 * changed.
 *
 * A store made by [method@Store.get_state_at] is a read-only view of the past: the methods
 * that would change it are programmer errors, or fail with %VRTC_ERROR_FAILED when they
 * take a #GError.
 */

typedef enum {
  EVENT_NODE,
  EVENT_PROPERTY,
  EVENT_CHILDREN,
  EVENT_JOURNAL,
  EVENT_ENTRY,
  EVENT_RESET,
} EventKind;

/* An engine callback, held until the engine call returns. */
typedef struct {
  EventKind   kind;
  guint64     serial;
  char       *key;        /* node key, parent key or message id */
  char       *path;
  char       *dedupe;     /* its key in queued, if any */
  char      **keys;       /* children added, read when the event happened */
  guint       position;
  guint       removed;
  guint       added;
} Event;

struct _VrtcStore
{
  GObject            parent_instance;

  VrtcEngine        *engine;
  char              *session_id;
  gboolean           read_only;
  VrtcStore         *history_of;   /* a read-only view of this store's past: keeps it alive */
  guint              history_position;

  /* time stamped on commits */
  VrtcClockFunc      clock_func;
  gpointer           clock_data;
  GDestroyNotify     clock_destroy;
  double             fixed_time;      /* < 0: not fixed */

  /* objects handed out */
  GHashTable        *nodes;           /* key -> VrtcNode */
  VrtcJournalModel  *journal;

  /* engine events waiting to become model updates and signals */
  GQueue             events;
  GHashTable        *queued;          /* node and property events in events, to coalesce */
  GHashTable        *dirty_parents;   /* parents whose children changed since the last check */
  GHashTable        *dirty_nodes;     /* nodes whose change may change their subtree's visibility */
  guint64            serial;

  /* property values last notified */
  gint64             lamport;
  guint              pending_count;
  guint              journal_length;
  gboolean           can_undo;
  gboolean           can_redo;
  gboolean           reset_pending;   /* emit ::reset once the models are up to date */
};

G_DEFINE_FINAL_TYPE (VrtcStore, vrtc_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION_ID,
  PROP_LAMPORT_TIME,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_HAS_PENDING_EDITS,
  PROP_PENDING_COUNT,
  PROP_JOURNAL_LENGTH,
  PROP_READ_ONLY,
  PROP_HISTORY_POSITION,
  N_PROPS
};

enum {
  NODE_CHANGED,
  PROPERTY_CHANGED,
  MESSAGE_COMMITTED,
  MESSAGE_RECEIVED,
  OPS_REJECTED,
  RESET,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static guint notify_signal;
static GQuark lamport_quark;

static void
event_free (Event *ev)
{
  g_free (ev->key);
  g_free (ev->path);
  g_free (ev->dedupe);
  g_strfreev (ev->keys);
  g_free (ev);
}

static Event *
push_event (VrtcStore  *self,
            EventKind   kind,
            const char *key)
{
  Event *ev = g_new0 (Event, 1);

  ev->kind = kind;
  ev->serial = ++self->serial;
  ev->key = g_strdup (key);
  g_queue_push_tail (&self->events, ev);

  return ev;
}

/* Engine listener: record only what someone can observe. */

static void
on_node_changed (gpointer    data,
                 const char *key)
{
  VrtcStore *self = data;
  g_autofree char *dedupe = NULL;
  Event *ev;

  /* A node's liveness can change the visibility of cached descendants. */
  g_hash_table_add (self->dirty_nodes, g_strdup (key));

  if (!g_hash_table_contains (self->nodes, key) &&
      !g_signal_has_handler_pending (self, signals[NODE_CHANGED], 0, TRUE))
    return;

  dedupe = g_strconcat ("n", key, NULL);
  if (g_hash_table_contains (self->queued, dedupe))
    return;

  ev = push_event (self, EVENT_NODE, key);
  ev->dedupe = g_steal_pointer (&dedupe);
  g_hash_table_add (self->queued, ev->dedupe);
}

static void
on_property_changed (gpointer    data,
                     const char *key,
                     const char *path)
{
  VrtcStore *self = data;
  g_autofree char *dedupe = NULL;
  Event *ev;

  if (!g_hash_table_contains (self->nodes, key) &&
      !g_signal_has_handler_pending (self, signals[PROPERTY_CHANGED], 0, TRUE))
    return;

  dedupe = g_strdup_printf ("p%zu:%s%s", strlen (key), key, path);
  if (g_hash_table_contains (self->queued, dedupe))
    return;

  ev = push_event (self, EVENT_PROPERTY, key);
  ev->path = g_strdup (path);
  ev->dedupe = g_steal_pointer (&dedupe);
  g_hash_table_add (self->queued, ev->dedupe);
}

static void
on_children_changed (gpointer    data,
                     const char *parent_key,
                     guint       position,
                     guint       removed,
                     guint       added)
{
  VrtcStore *self = data;
  Event *ev;

  /* A children model made later reads the engine, so only existing models need events. */
  if (!g_hash_table_contains (self->nodes, parent_key))
    return;

  ev = push_event (self, EVENT_CHILDREN, parent_key);
  ev->position = position;
  ev->removed = removed;
  ev->added = added;
  ev->keys = g_new0 (char *, added + 1);
  for (guint i = 0; i < added; i++)
    ev->keys[i] = g_strdup (vrtc_engine_get_child (self->engine, parent_key, position + i));
}

static void
on_journal_changed (gpointer data,
                    guint    position,
                    guint    removed,
                    guint    added)
{
  VrtcStore *self = data;
  Event *ev;

  if (self->journal == NULL)
    return;

  ev = push_event (self, EVENT_JOURNAL, NULL);
  ev->position = position;
  ev->removed = removed;
  ev->added = added;
}

static void
on_entry_changed (gpointer data,
                  guint    position)
{
  VrtcStore *self = data;
  VrtcEntry *entry;
  Event *ev;

  if (self->journal == NULL)
    return;

  entry = vrtc_engine_journal_get (self->engine, position);
  if (entry == NULL)
    return;

  ev = push_event (self, EVENT_ENTRY, vrtc_entry_get_message (entry)->id);
  ev->position = position;
}

static void
on_reset (gpointer data)
{
  VrtcStore *self = data;

  push_event (self, EVENT_RESET, NULL);
}

static const VrtcEngineListener listener = {
  .node_changed = on_node_changed,
  .property_changed = on_property_changed,
  .children_changed = on_children_changed,
  .journal_changed = on_journal_changed,
  .entry_changed = on_entry_changed,
  .reset = on_reset,
};

/* Turning events into model updates and signals. */

static void
handle_event (VrtcStore *self,
              Event     *ev)
{
  VrtcNode *node;

  switch (ev->kind)
    {
    case EVENT_NODE:
      node = g_hash_table_lookup (self->nodes, ev->key);
      if (node != NULL)
        vrtc_node_refresh (node);
      else if (g_signal_has_handler_pending (self, signals[NODE_CHANGED], 0, FALSE))
        node = vrtc_store_get_node (self, ev->key);
      if (node != NULL)
        g_signal_emit (self, signals[NODE_CHANGED], 0, node);
      break;

    case EVENT_PROPERTY:
      node = g_hash_table_lookup (self->nodes, ev->key);
      if (node != NULL)
        vrtc_node_property_changed (node, ev->path);
      if (g_signal_has_handler_pending (self, signals[PROPERTY_CHANGED], 0, FALSE))
        {
          /* Registers of keys with no insert yet have no node to report. */
          node = vrtc_store_get_node (self, ev->key);
          if (node != NULL)
            g_signal_emit (self, signals[PROPERTY_CHANGED], g_quark_try_string (ev->path),
                           node, ev->path);
        }
      break;

    case EVENT_CHILDREN:
      node = g_hash_table_lookup (self->nodes, ev->key);
      if (node != NULL)
        {
          g_hash_table_add (self->dirty_parents, g_strdup (ev->key));
          vrtc_node_children_splice (node, ev->serial, ev->position, ev->removed,
                                     ev->keys, ev->added);
        }
      break;

    case EVENT_JOURNAL:
      if (self->journal != NULL)
        vrtc_journal_model_splice (self->journal, ev->serial, ev->position, ev->removed,
                                   ev->added);
      break;

    case EVENT_ENTRY:
      if (self->journal != NULL)
        vrtc_journal_model_entry_changed (self->journal, ev->serial, ev->position, ev->key);
      break;

    case EVENT_RESET:
      {
        GHashTableIter iter;
        g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

        /* Handlers may add nodes to the table, so walk a copy. */
        g_hash_table_iter_init (&iter, self->nodes);
        while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
          g_ptr_array_add (all, g_object_ref (node));
        for (guint i = 0; i < all->len; i++)
          {
            node = g_ptr_array_index (all, i);
            vrtc_node_refresh (node);
            vrtc_node_children_reconcile (node);
            vrtc_node_properties_reconcile (node);
          }
        if (self->journal != NULL)
          vrtc_journal_model_reconcile (self->journal, TRUE);
        self->reset_pending = TRUE;
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
sync_properties (VrtcStore *self)
{
  gint64 lamport = -1;
  guint pending_count = vrtc_engine_get_pending_count (self->engine);
  guint journal_length = vrtc_engine_journal_length (self->engine);
  gboolean can_undo = !self->read_only && vrtc_engine_can_undo (self->engine);
  gboolean can_redo = !self->read_only && vrtc_engine_can_redo (self->engine);

  /* A view's Lamport time is a walk of its journal: worth it only for someone listening.
   * Unknown (-1), it is notified to the next one. */
  if (!self->read_only ||
      g_signal_has_handler_pending (self, notify_signal, lamport_quark, FALSE))
    lamport = vrtc_engine_get_lamport (self->engine);

  g_object_freeze_notify (G_OBJECT (self));
  if (lamport < 0)
    {
      self->lamport = -1;
    }
  else if (self->lamport != lamport)
    {
      self->lamport = lamport;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAMPORT_TIME]);
    }
  if (self->pending_count != pending_count)
    {
      gboolean had_pending = self->pending_count > 0;

      self->pending_count = pending_count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
      if (had_pending != (pending_count > 0))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_PENDING_EDITS]);
    }
  if (self->journal_length != journal_length)
    {
      self->journal_length = journal_length;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOURNAL_LENGTH]);
    }
  if (self->can_undo != can_undo)
    {
      self->can_undo = can_undo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
    }
  if (self->can_redo != can_redo)
    {
      self->can_redo = can_redo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
refresh_all_nodes (VrtcStore *self)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  VrtcNode *node;

  /* Handlers may add nodes to the table, so walk a copy. */
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    g_ptr_array_add (all, g_object_ref (node));
  for (guint i = 0; i < all->len; i++)
    vrtc_node_refresh (g_ptr_array_index (all, i));
}

/*
 * A node that was removed, restored or moved changes the visibility of its live
 * descendants, which get no event of their own. Walk those subtrees, or every cached node
 * when that is cheaper.
 */
static void
refresh_subtrees (VrtcStore *self)
{
  g_autoptr(GHashTable) dirty = g_steal_pointer (&self->dirty_nodes);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  guint budget = g_hash_table_size (self->nodes);
  GHashTableIter iter;
  const char *key;

  self->dirty_nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (budget == 0)
    return;

  g_hash_table_iter_init (&iter, dirty);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    g_ptr_array_add (stack, (gpointer) key);

  /* Collect first: refreshing notifies, and handlers may change the engine. */
  while (stack->len > 0)
    {
      VrtcNode *node;
      guint n;

      key = g_ptr_array_steal_index_fast (stack, stack->len - 1);
      node = g_hash_table_lookup (self->nodes, key);
      if (node != NULL)
        g_ptr_array_add (found, g_object_ref (node));

      n = vrtc_engine_get_n_children (self->engine, key);
      if (n > budget)
        {
          refresh_all_nodes (self);
          return;
        }
      budget -= n;
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (stack, (gpointer) vrtc_engine_get_child (self->engine, key, i));
    }

  for (guint i = 0; i < found->len; i++)
    vrtc_node_refresh (g_ptr_array_index (found, i));
}

/*
 * Called after every engine call. The engine is idle by now, so handlers may call back into
 * the store; a nested flush simply drains what is left of the queue.
 */
static void
flush (VrtcStore *self)
{
  Event *ev;

  g_object_ref (self);

  while ((ev = g_queue_pop_head (&self->events)) != NULL)
    {
      if (ev->dedupe != NULL)
        g_hash_table_remove (self->queued, ev->dedupe);
      handle_event (self, ev);
      event_free (ev);
    }

  /* Safety net: a children model that drifted from the engine is repaired minimally. */
  if (g_hash_table_size (self->dirty_parents) > 0)
    {
      g_autoptr(GHashTable) dirty = g_steal_pointer (&self->dirty_parents);
      GHashTableIter iter;
      const char *key;

      self->dirty_parents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_iter_init (&iter, dirty);
      while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
        {
          VrtcNode *node = g_hash_table_lookup (self->nodes, key);

          if (node != NULL)
            vrtc_node_children_reconcile (node);
        }
    }

  if (g_hash_table_size (self->dirty_nodes) > 0)
    refresh_subtrees (self);

  if (self->journal != NULL)
    vrtc_journal_model_reconcile (self->journal, FALSE);

  sync_properties (self);

  if (self->reset_pending)
    {
      self->reset_pending = FALSE;
      g_signal_emit (self, signals[RESET], 0);
    }

  g_object_unref (self);
}

static void
emit_message (VrtcStore   *self,
              guint        signal_id,
              VrtcMessage *message)
{
  VrtcEntry *entry;

  g_signal_emit (self, signals[signal_id], 0, message);

  entry = vrtc_engine_lookup_entry (self->engine, message->id);
  if (entry != NULL && vrtc_entry_get_n_rejected (entry) > 0)
    g_signal_emit (self, signals[OPS_REJECTED], 0, message, vrtc_entry_get_n_rejected (entry));
}

static VrtcMessage *
finish_meta (VrtcStore   *self,
             VrtcMessage *meta)
{
  flush (self);
  if (meta != NULL)
    emit_message (self, MESSAGE_COMMITTED, meta);
  return meta;
}

static double
now_ms (VrtcStore *self)
{
  if (self->fixed_time >= 0)
    return self->fixed_time;
  if (self->clock_func != NULL)
    return self->clock_func (self, self->clock_data);
  return g_get_real_time () / 1000.0;
}

static gboolean
check_writable (VrtcStore  *self,
                GError    **error)
{
  if (!self->read_only)
    return TRUE;

  g_set_error_literal (error, VRTC_ERROR, VRTC_ERROR_FAILED,
                       "the store is a read-only view of history");
  return FALSE;
}

/* Points a view at @position of the store it views: a view engine holds no data, so a new
 * one costs nothing. The old one goes after, as the listener moves. */
static void
view_engine_at (VrtcStore *self,
                guint      position)
{
  VrtcEngine *old = g_steal_pointer (&self->engine);

  self->engine = vrtc_engine_new_view (self->history_of->engine, position);
  vrtc_engine_set_listener (self->engine, &listener, self);
  self->history_position = position;
  vrtc_engine_free (old);
}

/* GObject */

static void
vrtc_store_constructed (GObject *object)
{
  VrtcStore *self = (VrtcStore *)object;

  G_OBJECT_CLASS (vrtc_store_parent_class)->constructed (object);

  if (self->session_id == NULL)
    self->session_id = g_uuid_string_random ();

  self->engine = vrtc_engine_new (self->session_id);
  vrtc_engine_set_listener (self->engine, &listener, self);
  sync_properties (self);
}

static void
vrtc_store_dispose (GObject *object)
{
  VrtcStore *self = (VrtcStore *)object;
  GHashTableIter iter;
  VrtcNode *node;

  if (self->engine != NULL)
    vrtc_engine_set_listener (self->engine, NULL, NULL);

  /* Nodes and models may outlive the store: cut them loose, emptied. */
  if (self->nodes != NULL)
    {
      g_hash_table_iter_init (&iter, self->nodes);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
        vrtc_node_detach (node);
      g_hash_table_remove_all (self->nodes);
    }
  if (self->journal != NULL)
    {
      vrtc_journal_model_detach (self->journal);
      g_clear_object (&self->journal);
    }

  g_queue_clear_full (&self->events, (GDestroyNotify) event_free);
  g_hash_table_remove_all (self->queued);

  G_OBJECT_CLASS (vrtc_store_parent_class)->dispose (object);
}

static void
vrtc_store_finalize (GObject *object)
{
  VrtcStore *self = (VrtcStore *)object;

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  g_clear_pointer (&self->engine, vrtc_engine_free);
  /* after the view's engine: it reads the other store's engine */
  g_clear_object (&self->history_of);
  g_clear_pointer (&self->session_id, g_free);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_pointer (&self->queued, g_hash_table_unref);
  g_clear_pointer (&self->dirty_parents, g_hash_table_unref);
  g_clear_pointer (&self->dirty_nodes, g_hash_table_unref);

  G_OBJECT_CLASS (vrtc_store_parent_class)->finalize (object);
}

static void
vrtc_store_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VrtcStore *self = VRTC_STORE (object);

  switch (prop_id)
    {
    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;

    case PROP_LAMPORT_TIME:
      g_value_set_int64 (value, vrtc_engine_get_lamport (self->engine));
      break;

    case PROP_CAN_UNDO:
      g_value_set_boolean (value, self->can_undo);
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, self->can_redo);
      break;

    case PROP_HAS_PENDING_EDITS:
      g_value_set_boolean (value, self->pending_count > 0);
      break;

    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->pending_count);
      break;

    case PROP_JOURNAL_LENGTH:
      g_value_set_uint (value, self->journal_length);
      break;

    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;

    case PROP_HISTORY_POSITION:
      g_value_set_uint (value, self->history_position);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vrtc_store_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VrtcStore *self = VRTC_STORE (object);

  switch (prop_id)
    {
    case PROP_SESSION_ID:
      g_assert (self->session_id == NULL);
      self->session_id = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vrtc_store_class_init (VrtcStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = vrtc_store_constructed;
  object_class->dispose = vrtc_store_dispose;
  object_class->finalize = vrtc_store_finalize;
  object_class->get_property = vrtc_store_get_property;
  object_class->set_property = vrtc_store_set_property;

  /**
   * VrtcStore:session-id:
   *
   * The session this replica commits as. A random UUID when not given.
   */
  properties[PROP_SESSION_ID] =
    g_param_spec_string ("session-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * VrtcStore:lamport-time:
   *
   * The replica's Lamport time: the highest seen, and the last committed.
   */
  properties[PROP_LAMPORT_TIME] =
    g_param_spec_int64 ("lamport-time", NULL, NULL, 0, G_MAXINT64, 0, flags);

  /**
   * VrtcStore:can-undo:
   *
   * Whether [method@Store.undo] has a message of this session to undo.
   */
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, flags);

  /**
   * VrtcStore:can-redo:
   *
   * Whether [method@Store.redo] has an undone message of this session to redo.
   */
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE, flags);

  /**
   * VrtcStore:has-pending-edits:
   *
   * Whether there are edits waiting for [method@Store.commit].
   */
  properties[PROP_HAS_PENDING_EDITS] =
    g_param_spec_boolean ("has-pending-edits", NULL, NULL, FALSE, flags);

  /**
   * VrtcStore:pending-count:
   *
   * How many operations are waiting for [method@Store.commit].
   */
  properties[PROP_PENDING_COUNT] =
    g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0, flags);

  /**
   * VrtcStore:journal-length:
   *
   * The number of entries in the journal model (entries after the last compaction).
   */
  properties[PROP_JOURNAL_LENGTH] =
    g_param_spec_uint ("journal-length", NULL, NULL, 0, G_MAXUINT, 0, flags);

  /**
   * VrtcStore:read-only:
   *
   * Whether the store is a view of history made by [method@Store.get_state_at].
   */
  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, FALSE, flags);

  /**
   * VrtcStore:history-position:
   *
   * The journal position a view of history shows (see [method@Store.get_state_at] and
   * [method@Store.set_history_position]), or %G_MAXUINT for a store that is not a view.
   */
  properties[PROP_HISTORY_POSITION] =
    g_param_spec_uint ("history-position", NULL, NULL, 0, G_MAXUINT, G_MAXUINT, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
  notify_signal = g_signal_lookup ("notify", G_TYPE_OBJECT);
  lamport_quark = g_quark_from_static_string ("lamport-time");

  /**
   * VrtcStore::node-changed:
   * @self: the store
   * @node: the node
   *
   * A node appeared or disappeared, or its tag, name, parent or liveness changed. Emitted
   * once per node per call into the store, after the models are updated.
   */
  signals[NODE_CHANGED] =
    g_signal_new ("node-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VRTC_TYPE_NODE);

  /**
   * VrtcStore::property-changed:
   * @self: the store
   * @node: the node
   * @path: the property path
   *
   * A property of @node was added, changed or removed. The signal detail is the path, so
   * `property-changed::transform.position` follows one property.
   */
  signals[PROPERTY_CHANGED] =
    g_signal_new ("property-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, VRTC_TYPE_NODE, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * VrtcStore::message-committed:
   * @self: the store
   * @message: the message
   *
   * The store made a message: by [method@Store.commit], [method@Store.undo],
   * [method@Store.redo] or [method@Store.undo_message]. It is what a client sends to its
   * relay.
   */
  signals[MESSAGE_COMMITTED] =
    g_signal_new ("message-committed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VRTC_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * VrtcStore::message-received:
   * @self: the store
   * @message: the message
   *
   * A message from [method@Store.receive] was applied (duplicates are not reported).
   */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VRTC_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * VrtcStore::ops-rejected:
   * @self: the store
   * @message: the message just committed or received
   * @n_rejected: how many of its ops had no effect
   *
   * Some operations of a message had no effect because they did not fit the type of the
   * value they target (`vector3.add` on a string, say). The message is kept; the
   * provenance of the property shows the op as `rejected`.
   */
  signals[OPS_REJECTED] =
    g_signal_new ("ops-rejected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, VRTC_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_UINT);

  /**
   * VrtcStore::reset:
   * @self: the store
   *
   * Anything may have changed at once: the store was re-initialised by
   * [method@Store.init_from_server], or a view of history was moved by
   * [method@Store.set_history_position]. Emitted once every node, model and property of
   * the store is up to date; [signal@Store::node-changed] and
   * [signal@Store::property-changed] are not emitted for the individual changes.
   */
  signals[RESET] =
    g_signal_new ("reset",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
vrtc_store_init (VrtcStore *self)
{
  self->fixed_time = -1;
  self->history_position = G_MAXUINT;
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->queued = g_hash_table_new (g_str_hash, g_str_equal);
  self->dirty_parents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->dirty_nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->events);
}

/* Private API */

VrtcEngine *
vrtc_store_get_engine (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);

  return self->engine;
}

VrtcNode *
vrtc_store_ensure_node (VrtcStore  *self,
                        const char *key)
{
  VrtcNode *node = g_hash_table_lookup (self->nodes, key);

  if (node == NULL)
    {
      node = vrtc_node_new (self, key);
      /* The node owns the key string the table uses. */
      g_hash_table_insert (self->nodes, (gpointer) vrtc_node_get_key (node), node);
    }

  return node;
}

guint64
vrtc_store_get_serial (VrtcStore *self)
{
  return self->serial;
}

/* Public API */

/**
 * vrtc_store_new:
 * @session_id: (nullable): the session this replica commits as, or %NULL for a random one
 *
 * Creates an empty store: just the root node `scene`. This is the seed's `create_graph()`.
 *
 * Returns: (transfer full): a new #VrtcStore
 */
VrtcStore *
vrtc_store_new (const char *session_id)
{
  return g_object_new (VRTC_TYPE_STORE, "session-id", session_id, NULL);
}

/**
 * vrtc_store_get_session_id:
 * @self: a #VrtcStore
 *
 * Returns: (transfer none): the session this replica commits as
 */
const char *
vrtc_store_get_session_id (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);

  return self->session_id;
}

/**
 * vrtc_store_get_lamport_time:
 * @self: a #VrtcStore
 *
 * Returns: the replica's Lamport time
 */
gint64
vrtc_store_get_lamport_time (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), 0);

  return vrtc_engine_get_lamport (self->engine);
}

/**
 * vrtc_store_get_read_only:
 * @self: a #VrtcStore
 *
 * Returns: whether the store is a read-only view of history
 */
gboolean
vrtc_store_get_read_only (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), FALSE);

  return self->read_only;
}

/**
 * vrtc_store_set_clock_func:
 * @self: a #VrtcStore
 * @func: (nullable) (scope notified) (closure user_data) (destroy destroy): the clock, or
 *   %NULL for the wall clock
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 *
 * Sets where the timestamps of committed messages come from. By default they are the wall
 * clock, `g_get_real_time() / 1000.0` milliseconds. Only the messages' `timestamp` fields
 * and what is derived from them (`createdAt`, `updatedAt`, `deletedAt`) depend on it.
 */
void
vrtc_store_set_clock_func (VrtcStore      *self,
                           VrtcClockFunc   func,
                           gpointer        user_data,
                           GDestroyNotify  destroy)
{
  g_return_if_fail (VRTC_IS_STORE (self));

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);

  self->clock_func = func;
  self->clock_data = user_data;
  self->clock_destroy = destroy;
  self->fixed_time = -1;
}

/**
 * vrtc_store_set_fixed_time:
 * @self: a #VrtcStore
 * @ms: milliseconds since the Unix epoch, or a negative number to go back to the clock
 *
 * Makes every message committed from now on carry the timestamp @ms, so that tests and
 * replays give the same bytes on every run. A negative @ms goes back to the clock set with
 * vrtc_store_set_clock_func() (by default the wall clock).
 */
void
vrtc_store_set_fixed_time (VrtcStore *self,
                           double     ms)
{
  g_return_if_fail (VRTC_IS_STORE (self));

  self->fixed_time = ms >= 0 ? ms : -1;
}

/**
 * vrtc_store_edit:
 * @self: a #VrtcStore
 * @op: the operation
 *
 * Adds a pending edit. The state shows it at once, as if it were committed with the next
 * stamp, and the models and signals follow; [method@Store.commit] turns the pending edits
 * into one message and [method@Store.cancel_edits] drops them.
 */
void
vrtc_store_edit (VrtcStore     *self,
                 VrtcOperation *op)
{
  g_return_if_fail (VRTC_IS_STORE (self));
  g_return_if_fail (op != NULL);
  g_return_if_fail (!self->read_only);

  vrtc_engine_edit (self->engine, op);
  flush (self);
}

/**
 * vrtc_store_edit_batch:
 * @self: a #VrtcStore
 * @ops: (array length=n_ops): the operations
 * @n_ops: the number of operations
 *
 * Adds several pending edits at once, in order, with one round of model updates.
 */
void
vrtc_store_edit_batch (VrtcStore      *self,
                       VrtcOperation **ops,
                       guint           n_ops)
{
  g_return_if_fail (VRTC_IS_STORE (self));
  g_return_if_fail (ops != NULL || n_ops == 0);
  g_return_if_fail (!self->read_only);

  for (guint i = 0; i < n_ops; i++)
    {
      g_return_if_fail (ops[i] != NULL);
      vrtc_engine_edit (self->engine, ops[i]);
    }
  flush (self);
}

/**
 * vrtc_store_cancel_edits:
 * @self: a #VrtcStore
 *
 * Drops the pending edits. The state goes back exactly to what it was before them.
 */
void
vrtc_store_cancel_edits (VrtcStore *self)
{
  g_return_if_fail (VRTC_IS_STORE (self));

  if (self->read_only)
    return;

  vrtc_engine_cancel_edits (self->engine);
  flush (self);
}

/**
 * vrtc_store_has_pending_edits:
 * @self: a #VrtcStore
 *
 * Returns: whether there are edits waiting for [method@Store.commit]
 */
gboolean
vrtc_store_has_pending_edits (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), FALSE);

  return vrtc_engine_get_pending_count (self->engine) > 0;
}

/**
 * vrtc_store_get_pending_count:
 * @self: a #VrtcStore
 *
 * Returns: how many operations wait for [method@Store.commit]
 */
guint
vrtc_store_get_pending_count (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), 0);

  return vrtc_engine_get_pending_count (self->engine);
}

/**
 * vrtc_store_commit:
 * @self: a #VrtcStore
 *
 * Turns the pending edits into a message: the next sequence number of this session, the
 * Lamport time plus one, the clock's timestamp. The message enters the journal unacked
 * and [signal@Store::message-committed] is emitted; send it to the relay and pass the
 * relay's acknowledgement to [method@Store.ack].
 *
 * Returns: (transfer full) (nullable): the message, or %NULL when there was nothing to
 *   commit
 */
VrtcMessage *
vrtc_store_commit (VrtcStore *self)
{
  VrtcMessage *message;

  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);
  g_return_val_if_fail (!self->read_only, NULL);

  message = vrtc_engine_commit (self->engine, now_ms (self));
  flush (self);

  if (message != NULL)
    emit_message (self, MESSAGE_COMMITTED, message);

  return message;
}

/**
 * vrtc_store_receive:
 * @self: a #VrtcStore
 * @message: a message from a peer (or the relay)
 * @error: return location for a #GError
 *
 * Applies a message. A message that was already applied (same id) changes nothing and is
 * not an error. A message that does not validate (an id that does not match its session,
 * say) is refused and the store is left exactly as it was.
 *
 * Returns: %TRUE when the message was applied or already known
 */
gboolean
vrtc_store_receive (VrtcStore    *self,
                    VrtcMessage  *message,
                    GError      **error)
{
  VrtcReceiveResult result = VRTC_RECEIVE_DUPLICATE;
  gboolean ok;

  g_return_val_if_fail (VRTC_IS_STORE (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;

  vrtc_msg_ref (message);
  ok = vrtc_engine_receive (self->engine, message, &result, error);
  flush (self);

  if (ok && result == VRTC_RECEIVE_APPLIED)
    emit_message (self, MESSAGE_RECEIVED, message);
  vrtc_msg_unref (message);

  return ok;
}

/**
 * vrtc_store_receive_json:
 * @self: a #VrtcStore
 * @text: a message as JSON, in either dialect
 * @error: return location for a #GError
 *
 * Parses a message and applies it, as [method@Store.receive]. Errors name the field that
 * is wrong.
 *
 * Returns: %TRUE when the message was applied or already known
 */
gboolean
vrtc_store_receive_json (VrtcStore   *self,
                         const char  *text,
                         GError     **error)
{
  g_autoptr(VrtcMessage) message = NULL;

  g_return_val_if_fail (VRTC_IS_STORE (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;

  message = vrtc_codec_parse_message (text, -1, error);
  if (message == NULL)
    return FALSE;

  return vrtc_store_receive (self, message, error);
}

/**
 * vrtc_store_ack:
 * @self: a #VrtcStore
 * @message_id: the id of one of this store's messages
 *
 * Records that the relay stored a message durably. Acked messages are no longer returned
 * by [method@Store.get_unacked] and can be compacted.
 *
 * Returns: %TRUE when the message is in the journal
 */
gboolean
vrtc_store_ack (VrtcStore  *self,
                const char *message_id)
{
  gboolean found;

  g_return_val_if_fail (VRTC_IS_STORE (self), FALSE);
  g_return_val_if_fail (message_id != NULL, FALSE);
  g_return_val_if_fail (!self->read_only, FALSE);

  found = vrtc_engine_ack (self->engine, message_id);
  flush (self);

  return found;
}

/**
 * vrtc_store_get_unacked:
 * @self: a #VrtcStore
 *
 * Gets this session's messages that the relay has not acknowledged yet and that are not
 * undone, in journal order: what a client sends again after reconnecting.
 *
 * Returns: (transfer container) (element-type VrtcMessage): the messages, valid until the
 *   store next changes
 */
GPtrArray *
vrtc_store_get_unacked (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);

  return vrtc_engine_get_unacked (self->engine);
}

/**
 * vrtc_store_get_can_undo:
 * @self: a #VrtcStore
 *
 * Returns: whether [method@Store.undo] would do something
 */
gboolean
vrtc_store_get_can_undo (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), FALSE);

  return !self->read_only && vrtc_engine_can_undo (self->engine);
}

/**
 * vrtc_store_get_can_redo:
 * @self: a #VrtcStore
 *
 * Returns: whether [method@Store.redo] would do something
 */
gboolean
vrtc_store_get_can_redo (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), FALSE);

  return !self->read_only && vrtc_engine_can_redo (self->engine);
}

/**
 * vrtc_store_undo:
 * @self: a #VrtcStore
 *
 * Undoes this session's latest message that is not undone, by committing a `meta.undo`
 * message. Peers that receive it undo the same message. Pending edits stay pending: they
 * are not part of the undo and are still previewed on top of it.
 *
 * Returns: (transfer full) (nullable): the `meta.undo` message, or %NULL when there is
 *   nothing to undo
 */
VrtcMessage *
vrtc_store_undo (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);
  g_return_val_if_fail (!self->read_only, NULL);

  return finish_meta (self, vrtc_engine_undo (self->engine, now_ms (self)));
}

/**
 * vrtc_store_redo:
 * @self: a #VrtcStore
 *
 * Redoes this session's latest undone message, by committing a `meta.redo` message.
 *
 * Returns: (transfer full) (nullable): the `meta.redo` message, or %NULL when there is
 *   nothing to redo
 */
VrtcMessage *
vrtc_store_redo (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);
  g_return_val_if_fail (!self->read_only, NULL);

  return finish_meta (self, vrtc_engine_redo (self->engine, now_ms (self)));
}

/**
 * vrtc_store_undo_message:
 * @self: a #VrtcStore
 * @message_id: the id of any message in the journal, from any session
 * @redo: %TRUE to redo the message instead
 * @error: return location for a #GError
 *
 * Undoes (or redoes) one particular message by committing a `meta.undo` (or `meta.redo`)
 * message that targets it.
 *
 * Returns: (transfer full): the meta message, or %NULL with @error set (for instance
 *   %VRTC_ERROR_NOT_FOUND)
 */
VrtcMessage *
vrtc_store_undo_message (VrtcStore   *self,
                         const char  *message_id,
                         gboolean     redo,
                         GError     **error)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);
  g_return_val_if_fail (message_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_writable (self, error))
    return NULL;

  return finish_meta (self, vrtc_engine_undo_message (self->engine, message_id, redo,
                                                      now_ms (self), error));
}

/**
 * vrtc_store_compact:
 * @self: a #VrtcStore
 *
 * Folds the longest prefix of acked, not undone journal entries into the snapshot. The
 * state does not change; the journal model loses those entries from its front.
 *
 * Returns: how many entries were folded
 */
guint
vrtc_store_compact (VrtcStore *self)
{
  guint n;

  g_return_val_if_fail (VRTC_IS_STORE (self), 0);
  g_return_val_if_fail (!self->read_only, 0);

  n = vrtc_engine_compact (self->engine);
  flush (self);

  return n;
}

/**
 * vrtc_store_get_snapshot:
 * @self: a #VrtcStore
 *
 * Captures the whole current state (graph, vector clock, Lamport time, register stamps),
 * for instance for a relay to send to a joining client.
 *
 * Returns: (transfer full): a snapshot of the current state
 */
VrtcSnapshot *
vrtc_store_get_snapshot (VrtcStore *self)
{
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);

  out = g_string_new (NULL);
  vrtc_engine_write_snapshot (self->engine, out);
  /* kept as the text the engine wrote, which is canonical: parsed only if asked */
  return vrtc_snapshot_new_take_canonical_text (g_string_free_to_bytes (g_steal_pointer (&out)));
}

typedef struct {
  GOutputStream *stream;
  GError        *error;
} SaveData;

static gboolean
save_chunk (GString  *out,
            gpointer  user_data)
{
  SaveData *data = user_data;

  if (!g_output_stream_write_all (data->stream, out->str, out->len, NULL, NULL, &data->error))
    return FALSE;
  g_string_truncate (out, 0);
  return TRUE;
}

/**
 * vrtc_store_save_snapshot:
 * @self: a #VrtcStore
 * @path: (type filename): where to write
 * @error: return location for a #GError
 *
 * Writes the store's current state as a snapshot (the JSON of vrtc_store_get_snapshot()) to
 * @path, a megabyte at a time, so that a big scene is never held as one text. The file is
 * replaced only once all of it is written; on error it is left as it was.
 * vrtc_snapshot_new_from_file() reads it back.
 *
 * Returns: %TRUE on success
 */
gboolean
vrtc_store_save_snapshot (VrtcStore   *self,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GString) out = NULL;
  g_autoptr(GCancellable) abandon = NULL;
  SaveData data = { NULL, NULL };

  g_return_val_if_fail (VRTC_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  file = g_file_new_for_path (path);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, error);
  if (stream == NULL)
    return FALSE;
  data.stream = G_OUTPUT_STREAM (stream);
  out = g_string_sized_new (SAVE_CHUNK + 64 * 1024);
  if (vrtc_engine_write_snapshot_chunked (self->engine, out, SAVE_CHUNK, save_chunk, &data))
    return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);

  /* closing with a cancelled cancellable leaves the file as it was */
  abandon = g_cancellable_new ();
  g_cancellable_cancel (abandon);
  g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
  g_propagate_error (error, data.error);
  return FALSE;
}

/**
 * vrtc_store_init_from_server:
 * @self: a #VrtcStore
 * @snapshot: (nullable): the relay's snapshot, or %NULL to start empty
 * @messages: (array length=n_messages) (nullable): the journal after the snapshot
 * @n_messages: the number of messages
 * @error: return location for a #GError
 *
 * Replaces the state with what a relay sent on join (the `state` frame): the snapshot and
 * the messages after it, all acked. This session's unacked messages are kept and applied
 * again on top. On error the store is left as it was.
 *
 * Every model is brought up to date, with the nodes keeping their identity, then
 * [signal@Store::reset] is emitted; the [signal@Store::node-changed] and
 * [signal@Store::property-changed] signals are not emitted for the individual changes.
 *
 * Returns: %TRUE on success
 */
gboolean
vrtc_store_init_from_server (VrtcStore     *self,
                             VrtcSnapshot  *snapshot,
                             VrtcMessage  **messages,
                             guint          n_messages,
                             GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (VRTC_IS_STORE (self), FALSE);
  g_return_val_if_fail (messages != NULL || n_messages == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;

  /* a snapshot made from text (a state frame's) streams into the engine */
  ok = vrtc_snapshot_load (snapshot, self->engine, messages, n_messages, error);
  flush (self);

  return ok;
}

/**
 * vrtc_store_to_json:
 * @self: a #VrtcStore
 *
 * Describes the whole graph as canonical JSON (`{"nodes": {...}, "rootKey": "scene"}`,
 * sorted keys, shortest numbers). Replicas holding the same messages give the same bytes.
 *
 * Returns: (transfer full): the JSON text
 */
char *
vrtc_store_to_json (VrtcStore *self)
{
  GString *out;

  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);

  out = g_string_new (NULL);
  vrtc_engine_write_graph (self->engine, out);

  return g_string_free (out, FALSE);
}

/**
 * vrtc_store_get_vector_clock_json:
 * @self: a #VrtcStore
 *
 * Gets the replica's vector clock, as sent in heartbeats.
 *
 * Returns: (transfer full): a JSON object mapping session ids to counts
 */
char *
vrtc_store_get_vector_clock_json (VrtcStore *self)
{
  GString *out;

  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);

  out = g_string_new (NULL);
  vrtc_clock_write_json (vrtc_engine_get_clock (self->engine), out);

  return g_string_free (out, FALSE);
}

/**
 * vrtc_store_get_node:
 * @self: a #VrtcStore
 * @key: a node key
 *
 * Gets the node for @key. The store makes one #VrtcNode per key, on first request, and
 * returns that same object for as long as it lives.
 *
 * Returns: (transfer none) (nullable): the node, or %NULL when no insert for @key has
 *   been applied
 */
VrtcNode *
vrtc_store_get_node (VrtcStore  *self,
                     const char *key)
{
  VrtcNodeInfo info;

  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  /* Ask the engine: a cached node may not have heard of its latest change yet. */
  if (!vrtc_engine_get_node (self->engine, key, &info) || !info.exists)
    return NULL;

  return vrtc_store_ensure_node (self, key);
}

/**
 * vrtc_store_get_root:
 * @self: a #VrtcStore
 *
 * Returns: (transfer none): the root node, `scene`
 */
VrtcNode *
vrtc_store_get_root (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);

  return vrtc_store_ensure_node (self, "scene");
}

/**
 * vrtc_store_get_journal:
 * @self: a #VrtcStore
 *
 * Gets the journal (the entries after the last compaction, in arrival order) as a list
 * model. Items are made on demand; position `i` of the model is history position `i` of
 * [method@Store.get_state_at].
 *
 * Returns: (transfer none): a #GListModel of #VrtcJournalEntry
 */
GListModel *
vrtc_store_get_journal (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);

  if (self->journal == NULL)
    self->journal = vrtc_journal_model_new (self);

  return G_LIST_MODEL (self->journal);
}

/**
 * vrtc_store_get_journal_length:
 * @self: a #VrtcStore
 *
 * Returns: the number of journal entries after the last compaction
 */
guint
vrtc_store_get_journal_length (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), 0);

  return vrtc_engine_journal_length (self->engine);
}

/**
 * vrtc_store_get_journal_offset:
 * @self: a #VrtcStore
 *
 * Returns: how many entries all compactions so far folded into the snapshot
 */
guint
vrtc_store_get_journal_offset (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), 0);

  return vrtc_engine_journal_offset (self->engine);
}

/**
 * vrtc_store_get_state_at:
 * @self: a #VrtcStore
 * @position: a position in the journal model, less than its length
 *
 * Makes a read-only store holding the state this replica had right after journal entry
 * @position arrived: the merge of entries `0..position`, with undo status as of then. Its
 * nodes, models and JSON work as for any store; the methods that would change it are
 * refused. It is a view of @self, not a copy: making one costs nothing and reads fold only
 * what they touch; messages that arrive later do not change it, and
 * [method@Store.set_history_position] moves it to another position. It keeps @self alive;
 * after @self is re-initialised from a server it reads as empty until it is moved.
 *
 * Returns: (transfer full): a new read-only #VrtcStore
 */
VrtcStore *
vrtc_store_get_state_at (VrtcStore *self,
                         guint      position)
{
  VrtcStore *view;

  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);
  g_return_val_if_fail (position < vrtc_engine_journal_length (self->engine), NULL);

  view = g_object_new (VRTC_TYPE_STORE, "session-id", self->session_id, NULL);
  view->history_of = g_object_ref (self->history_of ? self->history_of : self);
  view->read_only = TRUE;
  /* the length checked is a view's own: a view of a view sees no further than it */
  view_engine_at (view, position);
  sync_properties (view);

  return view;
}

/**
 * vrtc_store_set_history_position:
 * @self: a store made by [method@Store.get_state_at]
 * @position: a position in the journal model of the store it views, less than its length
 * @error: return location for a #GError
 *
 * Moves a view of history to the state right after journal entry @position arrived, as if
 * it had been made there by [method@Store.get_state_at], but keeping its identity and that
 * of everything it handed out: its nodes, their children and properties models and the
 * properties in them read the new position, and are updated in place. Nothing is replayed:
 * moving costs about what the reads that follow it fold.
 *
 * Every model is brought up to date, then [signal@Store::reset] is emitted and
 * [property@Store:history-position] notified; [signal@Store::node-changed] and
 * [signal@Store::property-changed] are not emitted for the individual changes.
 *
 * Returns: %TRUE on success; %FALSE with %VRTC_ERROR_FAILED when @self is not a view of
 *   history or @position is out of range, the view left as it was
 */
gboolean
vrtc_store_set_history_position (VrtcStore  *self,
                                 guint       position,
                                 GError    **error)
{
  guint length;

  g_return_val_if_fail (VRTC_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->history_of == NULL)
    {
      g_set_error_literal (error, VRTC_ERROR, VRTC_ERROR_FAILED,
                           "the store is not a view of history");
      return FALSE;
    }

  length = vrtc_engine_journal_length (self->history_of->engine);
  if (position >= length)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_FAILED,
                   "history position %u is out of range: the journal has %u entries",
                   position, length);
      return FALSE;
    }

  if (position == self->history_position &&
      vrtc_engine_journal_length (self->engine) == position + 1)
    return TRUE;

  view_engine_at (self, position);
  push_event (self, EVENT_RESET, NULL);
  flush (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY_POSITION]);

  return TRUE;
}

/**
 * vrtc_store_get_history_position:
 * @self: a #VrtcStore
 *
 * Returns: the journal position a view of history shows, or %G_MAXUINT when @self is not
 *   a view
 */
guint
vrtc_store_get_history_position (VrtcStore *self)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), G_MAXUINT);

  return self->history_position;
}

/**
 * vrtc_store_get_child_keys:
 * @self: a #VrtcStore
 * @key: a node key
 *
 * Gets the keys of the live children of a node, in the order of
 * [method@Node.get_children], without making a #VrtcNode for each: what a view that shows
 * only some of them needs.
 *
 * Returns: (transfer container) (element-type utf8): the keys, empty when @key has no
 *   children or no insert; valid until the store (or the store it views) next changes
 */
GPtrArray *
vrtc_store_get_child_keys (VrtcStore  *self,
                           const char *key)
{
  guint n;
  GPtrArray *keys;

  g_return_val_if_fail (VRTC_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  n = vrtc_engine_get_n_children (self->engine, key);
  keys = g_ptr_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (keys, (gpointer) vrtc_engine_get_child (self->engine, key, i));

  return keys;
}

/**
 * vrtc_store_get_undone_at:
 * @self: a #VrtcStore
 * @position: the journal position of a message
 * @at: a journal position (past the end: the last)
 *
 * Whether the message at @position was undone right after the message at @at arrived: the
 * newest `meta.undo` or `meta.redo` aimed at it by then decides. What a journal shows of a
 * message while it is scrubbed to @at; [method@JournalEntry.get_undone] is the state now.
 *
 * Returns: whether it was undone then; %FALSE when @position is out of range
 */
gboolean
vrtc_store_get_undone_at (VrtcStore *self,
                          guint      position,
                          guint      at)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), FALSE);

  if (position >= vrtc_engine_journal_length (self->engine))
    return FALSE;
  return vrtc_engine_journal_undone_at (self->engine, position, at);
}

/**
 * vrtc_store_has_children:
 * @self: a #VrtcStore
 * @key: a node key
 *
 * Whether a node has a live child: what a tree row needs to know to draw an arrow. In a
 * store of history (vrtc_store_set_history_position()), this stops at the first child
 * that is live then, where vrtc_store_get_child_keys() works out the state of every child.
 *
 * Returns: %TRUE when [method@Store.get_child_keys] would not be empty
 */
gboolean
vrtc_store_has_children (VrtcStore  *self,
                         const char *key)
{
  g_return_val_if_fail (VRTC_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return vrtc_engine_has_children (self->engine, key);
}
