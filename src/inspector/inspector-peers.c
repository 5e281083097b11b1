/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "inspector-peers.h"
#include "inspector-timeline.h"

/*
 * The sessions seen: one row per session that wrote a message in the journal or has an
 * entry in the store's vector clock. The journal is counted once, in idle chunks, and after
 * that only its new entries are read; a compaction or a reset counts again.
 */

#define SCAN_CHUNK 4000

enum {
  COL_SESSION,
  COL_MESSAGES,
  COL_LAST_SEEN,
  COL_CLOCK,
  N_COLUMNS
};

/* One session's numbers, a row of the view. */

#define INSPECTOR_TYPE_PEER_ITEM (inspector_peer_item_get_type ())
G_DECLARE_FINAL_TYPE (InspectorPeerItem, inspector_peer_item, INSPECTOR, PEER_ITEM, GObject)

struct _InspectorPeerItem
{
  GObject   parent_instance;

  char     *session;
  guint     n_messages;
  double    last_seen;    /* ms since the epoch; 0 when none in the journal */
  gint64    clock;        /* -1: not in the vector clock */
  gboolean  own;
};

G_DEFINE_FINAL_TYPE (InspectorPeerItem, inspector_peer_item, G_TYPE_OBJECT)

enum {
  ITEM_CHANGED,
  N_ITEM_SIGNALS
};

static guint item_signals[N_ITEM_SIGNALS];

static void
inspector_peer_item_finalize (GObject *object)
{
  InspectorPeerItem *self = INSPECTOR_PEER_ITEM (object);

  g_free (self->session);

  G_OBJECT_CLASS (inspector_peer_item_parent_class)->finalize (object);
}

static void
inspector_peer_item_class_init (InspectorPeerItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inspector_peer_item_finalize;

  item_signals[ITEM_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
inspector_peer_item_init (InspectorPeerItem *self)
{
  self->clock = -1;
}

/* The view */

typedef struct
{
  InspectorPeers    *self;
  guint              column;
  GtkWidget         *root;
  InspectorPeerItem *item;
  gulong             changed_id;
} PeerCell;

struct _InspectorPeers
{
  GtkWidget           parent_instance;

  /* template children */
  GtkStack           *stack;
  GtkLabel           *summary_label;
  GtkColumnView      *column_view;

  /* models */
  VrtcStore          *store;
  GListModel         *journal;
  GListStore         *items;
  GtkSingleSelection *selection;

  /* state */
  GHashTable         *by_session;   /* session → InspectorPeerItem, owned by items */
  GHashTable         *dirty;        /* items whose numbers changed in this pass */
  GHashTable         *bound;        /* PeerCell * on screen */
  guint               scanned;      /* journal entries counted */
  guint               scan_id;
};

G_DEFINE_FINAL_TYPE (InspectorPeers, inspector_peers, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_BUSY,
  N_PROPS
};

enum {
  SESSION_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
format_time (char   *buf,
             gsize   size,
             double  ms)
{
  struct tm tm;
  time_t secs;
  gint64 total;
  gsize n;

  if (!(ms > 0) || ms > 1e15)
    {
      g_strlcpy (buf, "—", size);
      return buf;
    }

  total = (gint64) floor (ms);
  secs = (time_t) (total / 1000);
  if (localtime_r (&secs, &tm) == NULL)
    {
      g_strlcpy (buf, "—", size);
      return buf;
    }
  n = strftime (buf, size, "%H:%M:%S", &tm);
  g_snprintf (buf + n, size - n, ".%03d", (int) (total % 1000));
  return buf;
}

static InspectorPeerItem *
ensure_item (InspectorPeers *self,
             const char     *session)
{
  InspectorPeerItem *item = g_hash_table_lookup (self->by_session, session);

  if (item == NULL)
    {
      item = g_object_new (INSPECTOR_TYPE_PEER_ITEM, NULL);
      item->session = g_strdup (session);
      item->own = self->store != NULL &&
                  g_strcmp0 (vrtc_store_get_session_id (self->store), session) == 0;
      g_hash_table_insert (self->by_session, item->session, item);
      g_list_store_append (self->items, item);
      g_object_unref (item);
    }

  return item;
}

static void
update_summary (InspectorPeers *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  guint folded = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(InspectorPeerItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (item->n_messages == 0)
        folded++;
    }

  if (folded > 0)
    /* Translators: the peers view's summary; the second number counts sessions whose
     * messages all went into the snapshot */
    text = g_strdup_printf (ngettext ("%u session seen; %u of them only in the snapshot's "
                                      "vector clock",
                                      "%u sessions seen; %u of them only in the snapshot's "
                                      "vector clock", n),
                            n, folded);
  else
    /* Translators: the peers view's summary */
    text = g_strdup_printf (ngettext ("%u session seen. Activate one to show only its messages.",
                                      "%u sessions seen. Activate one to show only its messages.",
                                      n),
                            n);

  gtk_label_set_label (self->summary_label, text);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

static void
read_clock (InspectorPeers *self)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GList) members = NULL;
  JsonObject *object;
  guint n;

  if (self->store == NULL)
    return;

  json = vrtc_store_get_vector_clock_json (self->store);
  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;

  object = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      InspectorPeerItem *item = ensure_item (self, l->data);
      gint64 clock = json_object_get_int_member (object, l->data);

      if (item->clock != clock)
        {
          item->clock = clock;
          g_hash_table_add (self->dirty, item);
        }
    }

  /* A session that left the clock (a reset to a server's state) has no entry any more. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(InspectorPeerItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (item->clock >= 0 && !json_object_has_member (object, item->session))
        {
          item->clock = -1;
          g_hash_table_add (self->dirty, item);
        }
    }
}

static void
flush_dirty (InspectorPeers *self)
{
  GHashTableIter iter;
  InspectorPeerItem *item;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_hash_table_iter_init (&iter, self->dirty);
  while (g_hash_table_iter_next (&iter, (gpointer *) &item, NULL))
    g_ptr_array_add (items, g_object_ref (item));
  g_hash_table_remove_all (self->dirty);

  for (guint i = 0; i < items->len; i++)
    g_signal_emit (g_ptr_array_index (items, i), item_signals[ITEM_CHANGED], 0);
}

static gboolean
scan_cb (gpointer data)
{
  InspectorPeers *self = data;
  guint n = self->journal ? g_list_model_get_n_items (self->journal) : 0;
  guint end = MIN (n, self->scanned + SCAN_CHUNK);

  for (; self->scanned < end; self->scanned++)
    {
      g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (self->journal, self->scanned);
      InspectorPeerItem *item;
      double timestamp;

      if (entry == NULL)
        continue;

      item = ensure_item (self, vrtc_journal_entry_get_session_id (entry));
      item->n_messages++;
      timestamp = vrtc_journal_entry_get_timestamp (entry);
      if (timestamp > item->last_seen)
        item->last_seen = timestamp;
      if (vrtc_journal_entry_get_own (entry))
        item->own = TRUE;
      g_hash_table_add (self->dirty, item);
    }

  if (self->scanned < n)
    {
      flush_dirty (self);
      return G_SOURCE_CONTINUE;
    }

  self->scan_id = 0;
  read_clock (self);
  flush_dirty (self);
  update_summary (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  return G_SOURCE_REMOVE;
}

static void
schedule_scan (InspectorPeers *self)
{
  if (self->scan_id != 0)
    return;
  self->scan_id = g_idle_add_full (G_PRIORITY_LOW, scan_cb, self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
reset (InspectorPeers *self)
{
  g_hash_table_remove_all (self->dirty);
  g_hash_table_remove_all (self->by_session);
  g_list_store_remove_all (self->items);
  self->scanned = 0;
  update_summary (self);
}

static void
on_journal_items_changed (GListModel     *model,
                          guint           position,
                          guint           removed,
                          guint           added,
                          InspectorPeers *self)
{
  /* Only appends keep the counts; anything else is counted again. */
  if (removed > 0 || position < self->scanned)
    reset (self);
  schedule_scan (self);
}

/* Cells */

static void
peer_cell_update (PeerCell *cell)
{
  InspectorPeerItem *item = cell->item;
  char buf[64];

  switch (cell->column)
    {
    case COL_SESSION:
      inspector_session_chip_set_session (cell->root, item->session, item->own);
      break;

    case COL_MESSAGES:
      g_snprintf (buf, sizeof buf, "%'u", item->n_messages);
      gtk_label_set_label (GTK_LABEL (cell->root), buf);
      break;

    case COL_LAST_SEEN:
      gtk_label_set_label (GTK_LABEL (cell->root), format_time (buf, sizeof buf, item->last_seen));
      break;

    case COL_CLOCK:
      if (item->clock >= 0)
        g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, item->clock);
      else
        g_strlcpy (buf, "—", sizeof buf);
      gtk_label_set_label (GTK_LABEL (cell->root), buf);
      break;

    default:
      break;
    }
}

static void
on_peer_item_changed (InspectorPeerItem *item,
                      PeerCell          *cell)
{
  if (cell->item != NULL)
    peer_cell_update (cell);
}

static void
setup_peer_cell (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 InspectorPeers           *self)
{
  PeerCell *cell = g_new0 (PeerCell, 1);

  cell->self = self;
  cell->column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "peers-column"));

  if (cell->column == COL_SESSION)
    {
      cell->root = inspector_session_chip_new ();
    }
  else
    {
      cell->root = gtk_label_new (NULL);
      gtk_widget_add_css_class (cell->root, "numeric");
      gtk_label_set_xalign (GTK_LABEL (cell->root),
                            cell->column == COL_LAST_SEEN ? 0 : 1);
    }

  gtk_list_item_set_child (list_item, cell->root);
  g_object_set_data_full (G_OBJECT (list_item), "peers-cell", cell, g_free);
}

static void
bind_peer_cell (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                InspectorPeers           *self)
{
  PeerCell *cell = g_object_get_data (G_OBJECT (list_item), "peers-cell");

  cell->item = gtk_list_item_get_item (list_item);
  if (cell->item == NULL)
    return;
  peer_cell_update (cell);
  cell->changed_id = g_signal_connect (cell->item, "changed",
                                       G_CALLBACK (on_peer_item_changed), cell);
  g_hash_table_add (self->bound, cell);
}

static void
unbind_peer_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  InspectorPeers           *self)
{
  PeerCell *cell = g_object_get_data (G_OBJECT (list_item), "peers-cell");

  if (cell->item == NULL)
    return;
  g_clear_signal_handler (&cell->changed_id, cell->item);
  cell->item = NULL;
  g_hash_table_remove (self->bound, cell);
}

static void
add_column (InspectorPeers *self,
            guint           column,
            const char     *title,
            int             fixed_width,
            gboolean        expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_object_set_data (G_OBJECT (factory), "peers-column", GUINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_peer_cell), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_peer_cell), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_peer_cell), self);

  col = gtk_column_view_column_new (title, factory);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  gtk_column_view_append_column (self->column_view, col);
  g_object_unref (col);
}

static void
on_activate (InspectorPeers *self,
             guint           position)
{
  g_autoptr(InspectorPeerItem) item = g_list_model_get_item (G_LIST_MODEL (self->items),
                                                             position);

  if (item != NULL)
    g_signal_emit (self, signals[SESSION_ACTIVATED], 0, item->session);
}

/* GtkWidget, GObject */

static void
inspector_peers_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  InspectorPeers *self = INSPECTOR_PEERS (widget);

  gtk_widget_measure (GTK_WIDGET (self->stack), orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static void
inspector_peers_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  InspectorPeers *self = INSPECTOR_PEERS (widget);

  gtk_widget_allocate (GTK_WIDGET (self->stack), width, height, baseline, NULL);
}

static gboolean
inspector_peers_grab_focus (GtkWidget *widget)
{
  InspectorPeers *self = INSPECTOR_PEERS (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
detach (InspectorPeers *self)
{
  g_clear_handle_id (&self->scan_id, g_source_remove);
  if (self->journal != NULL)
    g_signal_handlers_disconnect_by_data (self->journal, self);
  g_clear_object (&self->journal);
}

static void
inspector_peers_dispose (GObject *object)
{
  InspectorPeers *self = INSPECTOR_PEERS (object);

  detach (self);
  if (self->stack != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->stack));
      self->stack = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), INSPECTOR_TYPE_PEERS);

  g_clear_object (&self->selection);
  g_clear_object (&self->items);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (inspector_peers_parent_class)->dispose (object);
}

static void
inspector_peers_finalize (GObject *object)
{
  InspectorPeers *self = INSPECTOR_PEERS (object);

  g_clear_pointer (&self->by_session, g_hash_table_unref);
  g_clear_pointer (&self->dirty, g_hash_table_unref);
  g_clear_pointer (&self->bound, g_hash_table_unref);

  G_OBJECT_CLASS (inspector_peers_parent_class)->finalize (object);
}

static void
inspector_peers_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  InspectorPeers *self = INSPECTOR_PEERS (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->scan_id != 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_peers_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  InspectorPeers *self = INSPECTOR_PEERS (object);

  switch (prop_id)
    {
    case PROP_STORE:
      inspector_peers_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_peers_class_init (InspectorPeersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inspector_peers_dispose;
  object_class->finalize = inspector_peers_finalize;
  object_class->get_property = inspector_peers_get_property;
  object_class->set_property = inspector_peers_set_property;

  widget_class->measure = inspector_peers_measure;
  widget_class->size_allocate = inspector_peers_size_allocate;
  widget_class->grab_focus = inspector_peers_grab_focus;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VRTC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * InspectorPeers:busy:
   *
   * Whether the journal is still being counted.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InspectorPeers::session-activated:
   * @self: the view
   * @session: a session id
   *
   * The user activated a session's row (Enter, double click).
   */
  signals[SESSION_ACTIVATED] =
    g_signal_new ("session-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/vrtc/Inspector/inspector-peers.ui");
  gtk_widget_class_bind_template_child (widget_class, InspectorPeers, stack);
  gtk_widget_class_bind_template_child (widget_class, InspectorPeers, summary_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorPeers, column_view);

  gtk_widget_class_set_css_name (widget_class, "peers");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
inspector_peers_init (InspectorPeers *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->by_session = g_hash_table_new (g_str_hash, g_str_equal);
  self->dirty = g_hash_table_new (NULL, NULL);
  self->bound = g_hash_table_new (NULL, NULL);
  self->items = g_list_store_new (INSPECTOR_TYPE_PEER_ITEM);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->items)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);

  /* Translators: column headers of the peers view */
  add_column (self, COL_SESSION, C_("peers column", "Session"), -1, TRUE);
  add_column (self, COL_MESSAGES, C_("peers column", "Messages"), 100, FALSE);
  add_column (self, COL_LAST_SEEN, C_("peers column", "Last Seen"), 120, FALSE);
  add_column (self, COL_CLOCK, C_("peers column", "Vector Clock"), 110, FALSE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->column_view, "activate", G_CALLBACK (on_activate), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sessions seen"),
                                  -1);

  update_summary (self);
}

/* Public */

/**
 * inspector_peers_new:
 *
 * Returns: (transfer floating): a peers view with no store
 */
GtkWidget *
inspector_peers_new (void)
{
  return g_object_new (INSPECTOR_TYPE_PEERS, NULL);
}

/**
 * inspector_peers_get_store:
 * @self: a #InspectorPeers
 *
 * Returns: (transfer none) (nullable): the store
 */
VrtcStore *
inspector_peers_get_store (InspectorPeers *self)
{
  g_return_val_if_fail (INSPECTOR_IS_PEERS (self), NULL);

  return self->store;
}

/**
 * inspector_peers_set_store:
 * @self: a #InspectorPeers
 * @store: (nullable): the live store
 *
 * Lists the sessions of @store's journal and vector clock.
 */
void
inspector_peers_set_store (InspectorPeers *self,
                           VrtcStore      *store)
{
  g_return_if_fail (INSPECTOR_IS_PEERS (self));
  g_return_if_fail (store == NULL || VRTC_IS_STORE (store));

  if (store == self->store)
    return;

  detach (self);
  reset (self);
  g_set_object (&self->store, store);

  if (store != NULL)
    {
      self->journal = g_object_ref (vrtc_store_get_journal (store));
      g_signal_connect (self->journal, "items-changed",
                        G_CALLBACK (on_journal_items_changed), self);
      schedule_scan (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * inspector_peers_get_n_sessions:
 * @self: a #InspectorPeers
 *
 * Returns: how many sessions are listed
 */
guint
inspector_peers_get_n_sessions (InspectorPeers *self)
{
  g_return_val_if_fail (INSPECTOR_IS_PEERS (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

/**
 * inspector_peers_get_busy:
 * @self: a #InspectorPeers
 *
 * Returns: whether the journal is still being counted
 */
gboolean
inspector_peers_get_busy (InspectorPeers *self)
{
  g_return_val_if_fail (INSPECTOR_IS_PEERS (self), FALSE);

  return self->scan_id != 0;
}

/**
 * inspector_peers_lookup:
 * @self: a #InspectorPeers
 * @session: a session id
 * @n_messages: (out) (optional): its messages in the journal
 * @last_seen: (out) (optional): the wall time of its newest message, ms since the epoch
 * @clock: (out) (optional): its vector clock entry, or -1
 *
 * Returns: whether @session is listed
 */
gboolean
inspector_peers_lookup (InspectorPeers *self,
                        const char     *session,
                        guint          *n_messages,
                        double         *last_seen,
                        gint64         *clock)
{
  InspectorPeerItem *item;

  g_return_val_if_fail (INSPECTOR_IS_PEERS (self), FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  item = g_hash_table_lookup (self->by_session, session);
  if (item == NULL)
    return FALSE;

  if (n_messages != NULL)
    *n_messages = item->n_messages;
  if (last_seen != NULL)
    *last_seen = item->last_seen;
  if (clock != NULL)
    *clock = item->clock;
  return TRUE;
}

/**
 * inspector_peers_get_row_widget:
 * @self: a #InspectorPeers
 * @session: a session id
 *
 * Returns: (transfer none) (nullable): the session chip of @session's row, when on screen
 */
GtkWidget *
inspector_peers_get_row_widget (InspectorPeers *self,
                                const char     *session)
{
  GHashTableIter iter;
  PeerCell *cell;

  g_return_val_if_fail (INSPECTOR_IS_PEERS (self), NULL);
  g_return_val_if_fail (session != NULL, NULL);

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, (gpointer *) &cell, NULL))
    if (cell->column == COL_SESSION && g_strcmp0 (cell->item->session, session) == 0)
      return cell->root;

  return NULL;
}
