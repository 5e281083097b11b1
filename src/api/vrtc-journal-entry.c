/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "vrtc-journal-entry-private.h"
#include "vrtc-optable.h"
#include "vrtc-store-private.h"

/**
 * VrtcJournalEntry:
 *
 * One entry of a store's journal (see [method@Store.get_journal]): a message, where it sits
 * in the journal, whether the relay acknowledged it and whether it is undone.
 * [property@JournalEntry:acked] and [property@JournalEntry:undone] are notified when they
 * change.
 */

struct _VrtcJournalEntry
{
  GObject      parent_instance;

  VrtcMessage *message;
  char        *summary;
  guint        position;

  /* engine state last seen */
  double       deleted_at;
  guint        n_rejected;
  guint        n_unsupported;
  gboolean     acked;
  gboolean     undone;
  gboolean     own;
};

G_DEFINE_FINAL_TYPE (VrtcJournalEntry, vrtc_journal_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_POSITION,
  PROP_MESSAGE,
  PROP_MESSAGE_ID,
  PROP_SESSION_ID,
  PROP_LAMPORT_TIME,
  PROP_TIMESTAMP,
  PROP_ACKED,
  PROP_UNDONE,
  PROP_OWN,
  PROP_DELETED_AT,
  PROP_N_OPS,
  PROP_N_REJECTED,
  PROP_N_UNSUPPORTED,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vrtc_journal_entry_finalize (GObject *object)
{
  VrtcJournalEntry *self = (VrtcJournalEntry *)object;

  g_clear_pointer (&self->message, vrtc_msg_unref);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (vrtc_journal_entry_parent_class)->finalize (object);
}

static void
vrtc_journal_entry_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VrtcJournalEntry *self = VRTC_JOURNAL_ENTRY (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;

    case PROP_MESSAGE:
      g_value_set_boxed (value, self->message);
      break;

    case PROP_MESSAGE_ID:
      g_value_set_string (value, self->message->id);
      break;

    case PROP_SESSION_ID:
      g_value_set_string (value, self->message->session_id);
      break;

    case PROP_LAMPORT_TIME:
      g_value_set_int64 (value, self->message->lamport);
      break;

    case PROP_TIMESTAMP:
      g_value_set_double (value, self->message->timestamp);
      break;

    case PROP_ACKED:
      g_value_set_boolean (value, self->acked);
      break;

    case PROP_UNDONE:
      g_value_set_boolean (value, self->undone);
      break;

    case PROP_OWN:
      g_value_set_boolean (value, self->own);
      break;

    case PROP_DELETED_AT:
      g_value_set_double (value, self->deleted_at);
      break;

    case PROP_N_OPS:
      g_value_set_uint (value, self->message->n_ops);
      break;

    case PROP_N_REJECTED:
      g_value_set_uint (value, self->n_rejected);
      break;

    case PROP_N_UNSUPPORTED:
      g_value_set_uint (value, self->n_unsupported);
      break;

    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vrtc_journal_entry_class_init (VrtcJournalEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vrtc_journal_entry_finalize;
  object_class->get_property = vrtc_journal_entry_get_property;

  /**
   * VrtcJournalEntry:position:
   *
   * The entry's position in the journal model, which is also the history position
   * [method@Store.get_state_at] takes. Compaction removes entries from the front, so it
   * lowers the positions of the entries that remain.
   */
  properties[PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0, flags);

  /**
   * VrtcJournalEntry:message:
   *
   * The message.
   */
  properties[PROP_MESSAGE] =
    g_param_spec_boxed ("message", NULL, NULL, VRTC_TYPE_MESSAGE, flags);

  /**
   * VrtcJournalEntry:message-id:
   *
   * The message id, `<sessionId>:<seq>`.
   */
  properties[PROP_MESSAGE_ID] =
    g_param_spec_string ("message-id", NULL, NULL, NULL, flags);

  /**
   * VrtcJournalEntry:session-id:
   *
   * The session that committed the message.
   */
  properties[PROP_SESSION_ID] =
    g_param_spec_string ("session-id", NULL, NULL, NULL, flags);

  /**
   * VrtcJournalEntry:lamport-time:
   *
   * The message's Lamport time.
   */
  properties[PROP_LAMPORT_TIME] =
    g_param_spec_int64 ("lamport-time", NULL, NULL, 0, G_MAXINT64, 0, flags);

  /**
   * VrtcJournalEntry:timestamp:
   *
   * The message's wall-clock time, in milliseconds since the Unix epoch.
   */
  properties[PROP_TIMESTAMP] =
    g_param_spec_double ("timestamp", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);

  /**
   * VrtcJournalEntry:acked:
   *
   * Whether the relay acknowledged the message. Messages from other sessions arrive acked.
   */
  properties[PROP_ACKED] =
    g_param_spec_boolean ("acked", NULL, NULL, FALSE, flags);

  /**
   * VrtcJournalEntry:undone:
   *
   * Whether the message is undone (it then contributes nothing to the state).
   */
  properties[PROP_UNDONE] =
    g_param_spec_boolean ("undone", NULL, NULL, FALSE, flags);

  /**
   * VrtcJournalEntry:own:
   *
   * Whether the message was committed by this store's session.
   */
  properties[PROP_OWN] =
    g_param_spec_boolean ("own", NULL, NULL, FALSE, flags);

  /**
   * VrtcJournalEntry:deleted-at:
   *
   * The timestamp of the undo that undid the message, or 0.
   */
  properties[PROP_DELETED_AT] =
    g_param_spec_double ("deleted-at", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);

  /**
   * VrtcJournalEntry:n-ops:
   *
   * The number of operations in the message.
   */
  properties[PROP_N_OPS] =
    g_param_spec_uint ("n-ops", NULL, NULL, 0, G_MAXUINT, 0, flags);

  /**
   * VrtcJournalEntry:n-rejected:
   *
   * How many of the message's ops had no effect because of a type mismatch.
   */
  properties[PROP_N_REJECTED] =
    g_param_spec_uint ("n-rejected", NULL, NULL, 0, G_MAXUINT, 0, flags);

  /**
   * VrtcJournalEntry:n-unsupported:
   *
   * How many of the message's ops have an operation type this build does not know.
   */
  properties[PROP_N_UNSUPPORTED] =
    g_param_spec_uint ("n-unsupported", NULL, NULL, 0, G_MAXUINT, 0, flags);

  /**
   * VrtcJournalEntry:summary:
   *
   * A one-line description of the ops, such as
   * `vector3.add transform.position on cube-1` or `3 ops`.
   */
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vrtc_journal_entry_init (VrtcJournalEntry *self)
{
}

char *
vrtc_message_summarize (const VrtcMessage *message)
{
  const VrtcOperation *op;
  const char *otype;

  if (message->n_ops == 0)
    return g_strdup ("no ops");
  if (message->n_ops > 1)
    return g_strdup_printf ("%u ops", message->n_ops);

  op = &message->ops[0];
  otype = op->otype ? op->otype : "?";

  switch ((VrtcOpKind) (op->type ? op->type->kind : VRTC_OP_KIND_UNSUPPORTED))
    {
    case VRTC_OP_KIND_META_UNDO:
    case VRTC_OP_KIND_META_REDO:
      return g_strdup_printf ("%s %s", otype, op->target_msg_id ? op->target_msg_id : "?");

    case VRTC_OP_KIND_NODE_INSERT:
      return g_strdup_printf ("%s %s under %s", otype, op->key ? op->key : "?",
                              op->parent_key ? op->parent_key : "scene");

    case VRTC_OP_KIND_NODE_MOVE:
      return g_strdup_printf ("%s %s to %s", otype, op->key ? op->key : "?",
                              op->parent_key ? op->parent_key : "scene");

    case VRTC_OP_KIND_NODE_REMOVE:
    case VRTC_OP_KIND_SET:
    case VRTC_OP_KIND_DELTA:
    case VRTC_OP_KIND_UNSUPPORTED:
    default:
      if (op->path != NULL && op->path[0] != '\0')
        return g_strdup_printf ("%s %s on %s", otype, op->path, op->key ? op->key : "?");
      return g_strdup_printf ("%s %s", otype, op->key ? op->key : "?");
    }
}

VrtcJournalEntry *
vrtc_journal_entry_new (guint            position,
                        const VrtcEntry *entry)
{
  VrtcJournalEntry *self = g_object_new (VRTC_TYPE_JOURNAL_ENTRY, NULL);

  self->position = position;
  self->message = vrtc_msg_ref (vrtc_entry_get_message (entry));
  self->summary = vrtc_message_summarize (self->message);
  self->own = vrtc_entry_is_own (entry);
  self->acked = vrtc_entry_is_acked (entry);
  self->undone = vrtc_entry_is_undone (entry);
  self->deleted_at = vrtc_entry_get_deleted_at (entry);
  self->n_rejected = vrtc_entry_get_n_rejected (entry);
  self->n_unsupported = vrtc_entry_get_n_unsupported (entry);

  return self;
}

void
vrtc_journal_entry_set_position (VrtcJournalEntry *self,
                                 guint             position)
{
  if (self->position == position)
    return;
  self->position = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

#define UPDATE(field, value, prop)                                         \
  G_STMT_START {                                                           \
    if (self->field != (value))                                            \
      {                                                                    \
        self->field = (value);                                             \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);      \
      }                                                                    \
  } G_STMT_END

void
vrtc_journal_entry_update (VrtcJournalEntry *self,
                           const VrtcEntry  *entry)
{
  g_object_freeze_notify (G_OBJECT (self));
  UPDATE (acked, !!vrtc_entry_is_acked (entry), PROP_ACKED);
  UPDATE (undone, !!vrtc_entry_is_undone (entry), PROP_UNDONE);
  UPDATE (deleted_at, vrtc_entry_get_deleted_at (entry), PROP_DELETED_AT);
  UPDATE (n_rejected, vrtc_entry_get_n_rejected (entry), PROP_N_REJECTED);
  UPDATE (n_unsupported, vrtc_entry_get_n_unsupported (entry), PROP_N_UNSUPPORTED);
  g_object_thaw_notify (G_OBJECT (self));
}

#undef UPDATE

/**
 * vrtc_journal_entry_get_position:
 * @self: a #VrtcJournalEntry
 *
 * Returns: the entry's position in the journal model
 */
guint
vrtc_journal_entry_get_position (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), 0);

  return self->position;
}

/**
 * vrtc_journal_entry_get_message:
 * @self: a #VrtcJournalEntry
 *
 * Returns: (transfer none): the message
 */
VrtcMessage *
vrtc_journal_entry_get_message (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), NULL);

  return self->message;
}

/**
 * vrtc_journal_entry_get_message_id:
 * @self: a #VrtcJournalEntry
 *
 * Returns: (transfer none): the message id
 */
const char *
vrtc_journal_entry_get_message_id (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), NULL);

  return self->message->id;
}

/**
 * vrtc_journal_entry_get_session_id:
 * @self: a #VrtcJournalEntry
 *
 * Returns: (transfer none): the session that committed the message
 */
const char *
vrtc_journal_entry_get_session_id (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), NULL);

  return self->message->session_id;
}

/**
 * vrtc_journal_entry_get_lamport_time:
 * @self: a #VrtcJournalEntry
 *
 * Returns: the message's Lamport time
 */
gint64
vrtc_journal_entry_get_lamport_time (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), 0);

  return self->message->lamport;
}

/**
 * vrtc_journal_entry_get_timestamp:
 * @self: a #VrtcJournalEntry
 *
 * Returns: the message's wall-clock time, in milliseconds since the Unix epoch
 */
double
vrtc_journal_entry_get_timestamp (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), 0);

  return self->message->timestamp;
}

/**
 * vrtc_journal_entry_get_acked:
 * @self: a #VrtcJournalEntry
 *
 * Returns: whether the relay acknowledged the message
 */
gboolean
vrtc_journal_entry_get_acked (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), FALSE);

  return self->acked;
}

/**
 * vrtc_journal_entry_get_undone:
 * @self: a #VrtcJournalEntry
 *
 * Returns: whether the message is undone
 */
gboolean
vrtc_journal_entry_get_undone (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), FALSE);

  return self->undone;
}

/**
 * vrtc_journal_entry_get_own:
 * @self: a #VrtcJournalEntry
 *
 * Returns: whether the message was committed by the store's own session
 */
gboolean
vrtc_journal_entry_get_own (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), FALSE);

  return self->own;
}

/**
 * vrtc_journal_entry_get_deleted_at:
 * @self: a #VrtcJournalEntry
 *
 * Returns: the timestamp of the undo that undid the message, or 0
 */
double
vrtc_journal_entry_get_deleted_at (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), 0);

  return self->deleted_at;
}

/**
 * vrtc_journal_entry_get_n_ops:
 * @self: a #VrtcJournalEntry
 *
 * Returns: the number of operations in the message
 */
guint
vrtc_journal_entry_get_n_ops (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), 0);

  return self->message->n_ops;
}

/**
 * vrtc_journal_entry_get_n_rejected:
 * @self: a #VrtcJournalEntry
 *
 * Returns: how many of the message's ops had no effect because of a type mismatch
 */
guint
vrtc_journal_entry_get_n_rejected (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), 0);

  return self->n_rejected;
}

/**
 * vrtc_journal_entry_get_n_unsupported:
 * @self: a #VrtcJournalEntry
 *
 * Returns: how many of the message's ops have an unknown operation type
 */
guint
vrtc_journal_entry_get_n_unsupported (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), 0);

  return self->n_unsupported;
}

/**
 * vrtc_journal_entry_get_summary:
 * @self: a #VrtcJournalEntry
 *
 * Returns: (transfer none): a one-line description of the message's ops
 */
const char *
vrtc_journal_entry_get_summary (VrtcJournalEntry *self)
{
  g_return_val_if_fail (VRTC_IS_JOURNAL_ENTRY (self), NULL);

  return self->summary;
}

/* The journal model. */

struct _VrtcJournalModel
{
  GObject    parent_instance;

  VrtcStore *store;     /* not owned: the store owns the model */
  GPtrArray *items;     /* VrtcJournalEntry, or NULL until asked for */
  guint      offset;    /* engine journal offset that position 0 had when last synced */
  guint64    serial;
};

static void vrtc_journal_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VrtcJournalModel, vrtc_journal_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      vrtc_journal_model_list_model_init))

static GType
vrtc_journal_model_get_item_type (GListModel *model)
{
  return VRTC_TYPE_JOURNAL_ENTRY;
}

static guint
vrtc_journal_model_get_n_items (GListModel *model)
{
  return VRTC_JOURNAL_MODEL (model)->items->len;
}

static gpointer
vrtc_journal_model_get_item (GListModel *model,
                             guint       position)
{
  VrtcJournalModel *self = VRTC_JOURNAL_MODEL (model);
  VrtcJournalEntry *item;

  if (position >= self->items->len)
    return NULL;

  item = g_ptr_array_index (self->items, position);
  if (item == NULL && self->store != NULL)
    {
      VrtcEngine *engine = vrtc_store_get_engine (self->store);
      /* Compactions the model has not heard of yet shift the engine's positions. */
      gint64 engine_position = (gint64) position + self->offset
                               - vrtc_engine_journal_offset (engine);
      VrtcEntry *entry = NULL;

      if (engine_position >= 0 && engine_position < vrtc_engine_journal_length (engine))
        entry = vrtc_engine_journal_get (engine, engine_position);
      if (entry == NULL)
        return NULL;

      item = vrtc_journal_entry_new (position, entry);
      g_ptr_array_index (self->items, position) = item;
    }

  return item ? g_object_ref (item) : NULL;
}

static void
vrtc_journal_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = vrtc_journal_model_get_item_type;
  iface->get_n_items = vrtc_journal_model_get_n_items;
  iface->get_item = vrtc_journal_model_get_item;
}

static void
vrtc_journal_model_finalize (GObject *object)
{
  VrtcJournalModel *self = (VrtcJournalModel *)object;

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (vrtc_journal_model_parent_class)->finalize (object);
}

static void
vrtc_journal_model_class_init (VrtcJournalModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vrtc_journal_model_finalize;
}

static void
unref_item (gpointer item)
{
  /* Slots stay NULL until an item is asked for. */
  if (item != NULL)
    g_object_unref (item);
}

static void
vrtc_journal_model_init (VrtcJournalModel *self)
{
  self->items = g_ptr_array_new_with_free_func (unref_item);
}

VrtcJournalModel *
vrtc_journal_model_new (VrtcStore *store)
{
  VrtcJournalModel *self = g_object_new (VRTC_TYPE_JOURNAL_MODEL, NULL);
  VrtcEngine *engine = vrtc_store_get_engine (store);

  self->store = store;
  self->serial = vrtc_store_get_serial (store);
  self->offset = vrtc_engine_journal_offset (engine);
  g_ptr_array_set_size (self->items, vrtc_engine_journal_length (engine));

  return self;
}

static void
renumber (VrtcJournalModel *self,
          guint             from)
{
  for (guint i = from; i < self->items->len; i++)
    {
      VrtcJournalEntry *item = g_ptr_array_index (self->items, i);

      if (item != NULL)
        vrtc_journal_entry_set_position (item, i);
    }
}

void
vrtc_journal_model_splice (VrtcJournalModel *self,
                           guint64           serial,
                           guint             position,
                           guint             removed,
                           guint             added)
{
  if (self->store == NULL || serial <= self->serial)
    return;

  if (position > self->items->len || removed > self->items->len - position)
    {
      vrtc_journal_model_reconcile (self, TRUE);
      return;
    }

  self->serial = serial;
  if (position == 0)
    self->offset += removed;
  if (removed > 0)
    g_ptr_array_remove_range (self->items, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (self->items, position + i, NULL);
  if (removed != added)
    renumber (self, position + added);

  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

void
vrtc_journal_model_entry_changed (VrtcJournalModel *self,
                                  guint64           serial,
                                  guint             position,
                                  const char       *message_id)
{
  VrtcJournalEntry *item;
  VrtcEntry *entry;

  /* Items made after the event was queued already show its effect. */
  if (self->store == NULL || serial <= self->serial || position >= self->items->len)
    return;

  item = g_ptr_array_index (self->items, position);
  if (item == NULL)
    return;

  entry = vrtc_engine_lookup_entry (vrtc_store_get_engine (self->store), message_id);
  if (entry != NULL)
    vrtc_journal_entry_update (item, entry);
}

void
vrtc_journal_model_reconcile (VrtcJournalModel *self,
                              gboolean          force)
{
  VrtcEngine *engine;
  guint old_len, new_len;

  if (self->store == NULL)
    return;

  engine = vrtc_store_get_engine (self->store);
  old_len = self->items->len;
  new_len = vrtc_engine_journal_length (engine);
  self->serial = vrtc_store_get_serial (self->store);

  if (!force && old_len == new_len && self->offset == vrtc_engine_journal_offset (engine))
    return;

  self->offset = vrtc_engine_journal_offset (engine);
  g_ptr_array_set_size (self->items, 0);
  g_ptr_array_set_size (self->items, new_len);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, new_len);
}

void
vrtc_journal_model_detach (VrtcJournalModel *self)
{
  guint old_len = self->items->len;

  self->store = NULL;
  g_ptr_array_set_size (self->items, 0);
  if (old_len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, 0);
}
