/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "inspector-list-util.h"
#include "inspector-timeline.h"

/*
 * The journal as a table: the store's journal model → GtkFilterListModel (incremental, so
 * a filter over 100,000 messages never blocks a frame) → GtkSingleSelection →
 * GtkColumnView. The journal model makes its entries on demand and an empty filter has no
 * function, so nothing reads an entry that is not on screen until the user filters.
 *
 * Cells are recycled: each bind reads only its own entry and connects to its notify, each
 * unbind lets go. Row state that depends on the timeline (undone, after the history
 * position, marked) lives in CSS classes and the cells' opacity, refreshed over the cells
 * on screen only.
 */

#define MAX_CHANGE_ROWS 500
#define MAX_TOOLTIP_CHARS 2000
/* The list scrolls to the history position's row, and the details show its message, once
 * the position rests this long. */
#define HISTORY_REST_MS 150
/* How much of a cell shows after the history position, and of an undone message's. */
#define FUTURE_OPACITY 0.4
#define UNDONE_OPACITY 0.55

enum {
  COL_POSITION,
  COL_ID,
  COL_SESSION,
  COL_LAMPORT,
  COL_TIME,
  COL_SUMMARY,
  COL_ACK,
  N_COLUMNS
};

typedef struct
{
  InspectorTimeline *self;
  GtkListItem       *item;
  guint              column;
  GtkWidget         *root;
  GtkWidget         *label;
  GtkWidget         *chip;
  GtkWidget         *icon;
  GtkWidget         *undone_tag;
  GtkWidget         *rejected_tag;
  GtkWidget         *lost_tag;

  int                acked;         /* what the ack icon shows: -1 nothing yet */
  gboolean           undone;        /* what the row shows */

  /* while bound */
  VrtcJournalEntry  *entry;
  gulong             notify_id;
} Cell;

/* A parsed filter: positive terms of one kind are alternatives, kinds must all match, and
 * any negative term hides. */
typedef struct
{
  GPtrArray *sessions;
  GPtrArray *not_sessions;
  GPtrArray *nodes;
  GPtrArray *not_nodes;
  GPtrArray *types;
  GPtrArray *not_types;
  GPtrArray *words;       /* ASCII lower case */
  GPtrArray *not_words;
} Filter;

/*
 * The journal as the list sees it. A journal being loaded or caught up grows by thousands
 * of single appends a second, and a list view pays for each items-changed: appends wait
 * here for one idle and arrive together. Any other change (compaction, a reset) goes
 * through at once; the entries the view holds are always a prefix of the journal.
 */
#define INSPECTOR_TYPE_TIMELINE_BATCH (inspector_timeline_batch_get_type ())
G_DECLARE_FINAL_TYPE (InspectorTimelineBatch, inspector_timeline_batch,
                      INSPECTOR, TIMELINE_BATCH, GObject)

struct _InspectorTimelineBatch
{
  GObject     parent_instance;

  GListModel *source;
  guint       n_items;
  guint       flush_id;
};

static GType
inspector_timeline_batch_get_item_type (GListModel *model)
{
  return VRTC_TYPE_JOURNAL_ENTRY;
}

static guint
inspector_timeline_batch_get_n_items (GListModel *model)
{
  return INSPECTOR_TIMELINE_BATCH (model)->n_items;
}

static gpointer
inspector_timeline_batch_get_item (GListModel *model,
                                   guint       position)
{
  InspectorTimelineBatch *self = INSPECTOR_TIMELINE_BATCH (model);

  if (self->source == NULL || position >= self->n_items)
    return NULL;
  return g_list_model_get_item (self->source, position);
}

static void
inspector_timeline_batch_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = inspector_timeline_batch_get_item_type;
  iface->get_n_items = inspector_timeline_batch_get_n_items;
  iface->get_item = inspector_timeline_batch_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (InspectorTimelineBatch, inspector_timeline_batch, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      inspector_timeline_batch_list_model_init))

static void
batch_flush (InspectorTimelineBatch *self)
{
  guint n = self->source ? g_list_model_get_n_items (self->source) : 0;
  guint old = self->n_items;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (n <= old)
    return;
  self->n_items = n;
  g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n - old);
}

static gboolean
batch_flush_cb (gpointer data)
{
  InspectorTimelineBatch *self = data;

  self->flush_id = 0;
  batch_flush (self);
  return G_SOURCE_REMOVE;
}

static void
batch_source_changed (GListModel             *source,
                      guint                   position,
                      guint                   removed,
                      guint                   added,
                      InspectorTimelineBatch *self)
{
  guint old = self->n_items;

  if (removed == 0 && position >= self->n_items)
    {
      if (self->flush_id == 0)
        self->flush_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, batch_flush_cb, self, NULL);
      return;
    }

  if (position + removed <= self->n_items)
    {
      self->n_items = self->n_items - removed + added;
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }

  /* The change reaches entries the view has not seen yet: start over. */
  g_clear_handle_id (&self->flush_id, g_source_remove);
  self->n_items = g_list_model_get_n_items (source);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
}

static void
batch_set_source (InspectorTimelineBatch *self,
                  GListModel             *source)
{
  guint old = self->n_items;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_func (self->source, batch_source_changed, self);
  g_set_object (&self->source, source);
  if (source != NULL)
    g_signal_connect (source, "items-changed", G_CALLBACK (batch_source_changed), self);

  self->n_items = source ? g_list_model_get_n_items (source) : 0;
  if (old > 0 || self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
}

static void
inspector_timeline_batch_dispose (GObject *object)
{
  InspectorTimelineBatch *self = INSPECTOR_TIMELINE_BATCH (object);

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_func (self->source, batch_source_changed, self);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (inspector_timeline_batch_parent_class)->dispose (object);
}

static void
inspector_timeline_batch_class_init (InspectorTimelineBatchClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = inspector_timeline_batch_dispose;
}

static void
inspector_timeline_batch_init (InspectorTimelineBatch *self)
{
}

struct _InspectorTimeline
{
  GtkWidget            parent_instance;

  /* template children */
  GtkWidget           *main_box;
  GtkSearchEntry      *filter_entry;
  GtkLabel            *hidden_label;
  GtkWidget           *show_all_button;
  GtkMenuButton       *snapshots_button;
  GtkWidget           *history_bar;
  GtkScale            *history_scale;
  GtkAdjustment       *history_adjustment;
  GtkLabel            *position_label;
  GtkWidget           *live_button;
  GtkStack            *view_stack;
  GtkPaned            *details_paned;
  GtkColumnView       *column_view;
  GtkStack            *details_stack;
  GtkLabel            *details_title;
  GtkWidget           *details_undone;
  GtkLabel            *details_subtitle;
  GtkWidget           *details_undo_button;
  GtkWidget           *details_state_button;
  GtkWidget           *copy_json_button;
  GtkTextView         *json_view;
  GtkLabel            *changes_heading;
  GtkListBox          *changes_list;
  InspectorPeers      *peers;
  GtkPopover          *snapshots_popover;
  GtkListBox          *snapshots_list;
  GtkLabel            *compact_label;
  GtkWidget           *compact_now_button;

  GtkWidget           *context_menu;

  /* models */
  VrtcStore           *store;
  GListModel          *journal;
  InspectorTimelineBatch *batch;
  GtkCustomFilter     *filter;
  GtkFilterListModel  *filter_model;
  GtkSingleSelection  *selection;

  /* state */
  int                  history_position;   /* -1: live */
  guint                scroll_id;          /* the list catching up with the position */
  guint                details_id;         /* the details catching up with the selection */
  gboolean             highlighting;       /* the selection follows the history position */
  char                *filter_text;
  gboolean             filter_active;
  guint                n_hidden;
  char                *dialect;           /* "seed" or "compact" */
  char                *view;              /* "messages" or "peers" */
  gboolean             updating_scale;
  guint                refresh_id;        /* labels to redo after journal changes */
  VrtcJournalEntry    *details_entry;
  gulong               details_notify_id;
  VrtcJournalEntry    *first_entry;       /* decides whether compacting can fold anything */
  gulong               first_notify_id;
  GHashTable          *bound;             /* Cell * on screen */
  GHashTable          *marks;             /* css class → set of message ids */
  GPtrArray           *mark_classes;      /* every class ever marked, to take off again */
  GHashTable          *index;             /* message id → VrtcJournalEntry, built on demand */
  guint                indexed;           /* journal positions 0..indexed-1 are in index */
};

G_DEFINE_FINAL_TYPE (InspectorTimeline, inspector_timeline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_HISTORY_POSITION,
  PROP_N_HIDDEN,
  PROP_FILTER_TEXT,
  PROP_DIALECT,
  PROP_VIEW,
  N_PROPS
};

enum {
  NODE_ACTIVATED,
  OPEN_SNAPSHOT,
  DIFF_REQUESTED,
  MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update_details (InspectorTimeline *self);
static void update_history_ui (InspectorTimeline *self);
static void refresh_cells (InspectorTimeline *self);

/* Session colors */

/*
 * Ten hues of the GNOME palette whose relative luminance sits between 0.15 and 0.30, so a
 * dot keeps a 3:1 contrast against both the light (#fafafa) and the dark (#242424) window
 * background. The hash is GLib's string hash, which is not seeded: a session keeps its
 * color across runs and windows.
 */
static const char * const session_colors[] = {
  "#3584e4", /* blue */
  "#e66100", /* orange */
  "#26a269", /* green */
  "#c061cb", /* purple */
  "#e01b24", /* red */
  "#2190a4", /* teal */
  "#c28200", /* amber */
  "#986a44", /* brown */
  "#d6336c", /* pink */
  "#7064d0", /* indigo */
};

static const char * const session_color_classes[] = {
  "session-color-0", "session-color-1", "session-color-2", "session-color-3",
  "session-color-4", "session-color-5", "session-color-6", "session-color-7",
  "session-color-8", "session-color-9",
};

G_STATIC_ASSERT (G_N_ELEMENTS (session_colors) == G_N_ELEMENTS (session_color_classes));

static guint
session_color_index (const char *session)
{
  if (session == NULL || *session == '\0')
    return 0;
  return g_str_hash (session) % G_N_ELEMENTS (session_colors);
}

/**
 * inspector_session_color:
 * @session: (nullable): a session id
 *
 * The color of @session's chips everywhere in the inspector: the timeline, the peers view,
 * provenance. It depends on the id only, so it is the same in every window and run.
 *
 * Returns: a color as `#rrggbb`
 */
const char *
inspector_session_color (const char *session)
{
  return session_colors[session_color_index (session)];
}

/**
 * inspector_session_color_class:
 * @session: (nullable): a session id
 *
 * The CSS class that paints a background in inspector_session_color(); the timeline installs
 * the rules for the display.
 *
 * Returns: a class name such as `session-color-3`
 */
const char *
inspector_session_color_class (const char *session)
{
  return session_color_classes[session_color_index (session)];
}

static void
ensure_style (void)
{
  static gboolean done;
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GtkCssProvider) provider = NULL;
  g_autoptr(GString) css = NULL;

  if (done || display == NULL)
    return;
  done = TRUE;

  css = g_string_new (
    ".session-dot { min-width: 10px; min-height: 10px; border-radius: 50%; }\n"
    ".session-chip .session-name { font-feature-settings: \"tnum\"; }\n"
    ".session-chip .you { font-size: smaller; opacity: 0.7; }\n"
    "timeline .timeline-toolbar, timeline .timeline-history { padding: 3px 6px; }\n"
    "timeline .timeline-history { border-top: 1px solid alpha(currentColor, 0.08);"
    "  border-bottom: 1px solid alpha(currentColor, 0.12); }\n"
    "timeline .timeline-history.in-history { background-color: alpha(@warning_bg_color, 0.14); }\n"
    "timeline .timeline-history.in-history image { color: @warning_color; }\n"
    "timeline .tag { font-size: smaller; font-weight: bold; padding: 0 5px;"
    "  border-radius: 4px; background-color: alpha(currentColor, 0.1); }\n"
    "timeline .tag.warning { color: @warning_color; background-color: alpha(@warning_color, 0.12); }\n"
    "timeline .tag.lost { color: @error_color; background-color: alpha(@error_color, 0.12); }\n"
    "timeline .timeline-cell.undone .summary { text-decoration-line: line-through; }\n"
    "timeline .timeline-cell.lost { color: @error_color; }\n"
    "timeline .timeline-cell.marked { color: @accent_color; font-weight: bold; }\n"
    "timeline .details { padding: 12px; }\n"
    "timeline .details textview { background: none; }\n"
    "timeline .change-row { padding: 6px 8px; }\n"
    "timeline .node-link { padding: 0 6px; min-height: 22px; font-weight: bold; }\n");
  for (guint i = 0; i < G_N_ELEMENTS (session_colors); i++)
    g_string_append_printf (css, ".%s { background-color: %s; }\n",
                            session_color_classes[i], session_colors[i]);

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, css->str, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

/**
 * inspector_session_chip_new:
 *
 * A small colored dot and a session id, as in the timeline and the peers view.
 *
 * Returns: (transfer floating): the chip
 */
GtkWidget *
inspector_session_chip_new (void)
{
  GtkWidget *chip = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *dot = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *name = gtk_inscription_new (NULL);
  GtkWidget *you = gtk_label_new (_("you"));

  ensure_style ();
  gtk_widget_add_css_class (chip, "session-chip");
  gtk_widget_add_css_class (dot, "session-dot");
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  /* An inscription, not a label: a chip rebound to another session (hundreds while the
   * journal scrolls) is drawn again, not measured and laid out again. */
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (name),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_MIDDLE);
  gtk_inscription_set_xalign (GTK_INSCRIPTION (name), 0);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (name), 0);
  gtk_widget_add_css_class (name, "session-name");
  gtk_widget_add_css_class (you, "you");
  gtk_widget_set_visible (you, FALSE);

  gtk_box_append (GTK_BOX (chip), dot);
  gtk_box_append (GTK_BOX (chip), name);
  gtk_box_append (GTK_BOX (chip), you);

  return chip;
}

/**
 * inspector_session_chip_set_session:
 * @chip: a chip from inspector_session_chip_new()
 * @session: (nullable): the session id
 * @own: whether it is this window's own session
 *
 * Shows @session on @chip, in its color.
 */
void
inspector_session_chip_set_session (GtkWidget  *chip,
                                    const char *session,
                                    gboolean    own)
{
  GtkWidget *dot = gtk_widget_get_first_child (chip);
  GtkWidget *name = gtk_widget_get_next_sibling (dot);
  GtkWidget *you = gtk_widget_get_next_sibling (name);
  const char *color_class = inspector_session_color_class (session);

  for (guint i = 0; i < G_N_ELEMENTS (session_color_classes); i++)
    if (session_color_classes[i] != color_class)
      gtk_widget_remove_css_class (dot, session_color_classes[i]);
  gtk_widget_add_css_class (dot, color_class);

  /* As wide as the id, a character to spare: ids of one length cost no new measuring. */
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (name),
                                 session ? g_utf8_strlen (session, -1) + 1 : 0);
  gtk_inscription_set_text (GTK_INSCRIPTION (name), session);
  gtk_widget_set_visible (you, own);
}

/* Formatting, into the caller's buffer: binding a row allocates nothing of its own. */

static const char *
format_count (char    *buf,
              gsize    size,
              guint64  n)
{
  g_snprintf (buf, size, "%'" G_GUINT64_FORMAT, n);
  return buf;
}

static const char *
format_time (char     *buf,
             gsize     size,
             double    ms,
             gboolean  with_date)
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

  n = strftime (buf, size, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
  g_snprintf (buf + n, size - n, ".%03d", (int) (total % 1000));
  return buf;
}

/* Filter */

static void
filter_free (gpointer data)
{
  Filter *f = data;

  g_ptr_array_unref (f->sessions);
  g_ptr_array_unref (f->not_sessions);
  g_ptr_array_unref (f->nodes);
  g_ptr_array_unref (f->not_nodes);
  g_ptr_array_unref (f->types);
  g_ptr_array_unref (f->not_types);
  g_ptr_array_unref (f->words);
  g_ptr_array_unref (f->not_words);
  g_free (f);
}

static gboolean
has_prefix_take (const char  *token,
                 const char  *prefix,
                 const char **value)
{
  if (!g_str_has_prefix (token, prefix))
    return FALSE;
  *value = token + strlen (prefix);
  return TRUE;
}

static Filter *
filter_parse (const char *text)
{
  g_auto(GStrv) tokens = NULL;
  Filter *f;
  gboolean empty = TRUE;

  if (text == NULL)
    return NULL;

  /* Quotes let a value hold spaces; a stray quote falls back to plain words. */
  if (!g_shell_parse_argv (text, NULL, &tokens, NULL))
    tokens = g_strsplit_set (text, " \t\n", -1);

  f = g_new0 (Filter, 1);
  f->sessions = g_ptr_array_new_with_free_func (g_free);
  f->not_sessions = g_ptr_array_new_with_free_func (g_free);
  f->nodes = g_ptr_array_new_with_free_func (g_free);
  f->not_nodes = g_ptr_array_new_with_free_func (g_free);
  f->types = g_ptr_array_new_with_free_func (g_free);
  f->not_types = g_ptr_array_new_with_free_func (g_free);
  f->words = g_ptr_array_new_with_free_func (g_free);
  f->not_words = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = tokens[i];
      const char *value;
      gboolean negate = FALSE;

      if ((token[0] == '-' || token[0] == '!') && token[1] != '\0')
        {
          negate = TRUE;
          token++;
        }
      if (*token == '\0')
        continue;

      if (has_prefix_take (token, "session:", &value) || has_prefix_take (token, "from:", &value))
        {
          if (*value != '\0')
            g_ptr_array_add (negate ? f->not_sessions : f->sessions, g_strdup (value));
        }
      else if (has_prefix_take (token, "node:", &value) || has_prefix_take (token, "key:", &value))
        {
          if (*value != '\0')
            g_ptr_array_add (negate ? f->not_nodes : f->nodes, g_strdup (value));
        }
      else if (has_prefix_take (token, "type:", &value) ||
               has_prefix_take (token, "otype:", &value) ||
               has_prefix_take (token, "op:", &value))
        {
          if (*value != '\0')
            g_ptr_array_add (negate ? f->not_types : f->types, g_strdup (value));
        }
      else
        {
          g_ptr_array_add (negate ? f->not_words : f->words, g_ascii_strdown (token, -1));
        }
      empty = FALSE;
    }

  if (empty)
    {
      filter_free (f);
      return NULL;
    }

  return f;
}

static gboolean
any_equal (GPtrArray  *values,
           const char *s)
{
  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < values->len; i++)
    if (strcmp (g_ptr_array_index (values, i), s) == 0)
      return TRUE;
  return FALSE;
}

/* "vector3" matches vector3.set and vector3.add; "vector3.set" only itself. */
static gboolean
otype_matches (const char *otype,
               const char *pattern)
{
  gsize len = strlen (pattern);

  if (otype == NULL)
    return FALSE;
  if (len > 0 && (pattern[len - 1] == '*' || pattern[len - 1] == '.'))
    return strncmp (otype, pattern, len - 1) == 0;
  if (strncmp (otype, pattern, len) != 0)
    return FALSE;
  return otype[len] == '\0' || otype[len] == '.';
}

static gboolean
any_otype_matches (GPtrArray  *patterns,
                   const char *otype)
{
  for (guint i = 0; i < patterns->len; i++)
    if (otype_matches (otype, g_ptr_array_index (patterns, i)))
      return TRUE;
  return FALSE;
}

/* ASCII case-insensitive substring test against a lower-case needle, without copies. */
static gboolean
contains_nocase (const char *haystack,
                 const char *needle)
{
  gsize n = strlen (needle);

  if (haystack == NULL)
    return FALSE;
  for (const char *p = haystack; *p != '\0'; p++)
    {
      gsize i = 0;

      while (i < n && p[i] != '\0' && g_ascii_tolower (p[i]) == needle[i])
        i++;
      if (i == n)
        return TRUE;
    }
  return n == 0;
}

static gboolean
word_matches (VrtcJournalEntry *entry,
              const char       *word)
{
  return contains_nocase (vrtc_journal_entry_get_message_id (entry), word) ||
         contains_nocase (vrtc_journal_entry_get_summary (entry), word);
}

static gboolean
filter_match (gpointer item,
              gpointer user_data)
{
  VrtcJournalEntry *entry = item;
  Filter *f = user_data;
  const char *session = vrtc_journal_entry_get_session_id (entry);

  if (f->sessions->len > 0 && !any_equal (f->sessions, session))
    return FALSE;
  if (any_equal (f->not_sessions, session))
    return FALSE;

  if (f->nodes->len + f->not_nodes->len + f->types->len + f->not_types->len > 0)
    {
      VrtcMessage *message = vrtc_journal_entry_get_message (entry);
      guint n = vrtc_message_get_n_operations (message);
      gboolean node_ok = f->nodes->len == 0;
      gboolean type_ok = f->types->len == 0;

      for (guint i = 0; i < n; i++)
        {
          VrtcOperation *op = vrtc_message_get_operation (message, i);
          const char *key = vrtc_operation_get_key (op);
          const char *otype = vrtc_operation_get_otype (op);

          if (any_equal (f->not_nodes, key) || any_otype_matches (f->not_types, otype))
            return FALSE;
          if (!node_ok && any_equal (f->nodes, key))
            node_ok = TRUE;
          if (!type_ok && any_otype_matches (f->types, otype))
            type_ok = TRUE;
        }
      if (!node_ok || !type_ok)
        return FALSE;
    }

  for (guint i = 0; i < f->words->len; i++)
    if (!word_matches (entry, g_ptr_array_index (f->words, i)))
      return FALSE;
  for (guint i = 0; i < f->not_words->len; i++)
    if (word_matches (entry, g_ptr_array_index (f->not_words, i)))
      return FALSE;

  return TRUE;
}

static void
update_hidden (InspectorTimeline *self)
{
  guint total = self->batch->n_items;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  guint pending = gtk_filter_list_model_get_pending (self->filter_model);
  guint hidden = 0;

  if (self->filter_active && total >= shown + pending)
    hidden = total - shown - pending;

  if (self->filter_active && pending > 0)
    {
      gtk_label_set_label (self->hidden_label, _("Filtering…"));
      gtk_widget_set_visible (GTK_WIDGET (self->hidden_label), TRUE);
    }
  else if (self->filter_active)
    {
      char count[32];
      g_autofree char *text = NULL;

      /* Translators: how many journal rows the filter hides, e.g. "1,204 hidden" */
      text = g_strdup_printf (ngettext ("%s hidden", "%s hidden", hidden),
                              format_count (count, sizeof count, hidden));
      gtk_label_set_label (self->hidden_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->hidden_label), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->hidden_label), FALSE);
    }
  gtk_widget_set_visible (self->show_all_button, self->filter_active);

  if (self->n_hidden != hidden)
    {
      self->n_hidden = hidden;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_HIDDEN]);
    }
}

static void
apply_filter_text (InspectorTimeline *self,
                   const char        *text)
{
  Filter *f;

  if (g_strcmp0 (self->filter_text, text) == 0)
    return;

  g_free (self->filter_text);
  self->filter_text = g_strdup (text ? text : "");

  f = filter_parse (self->filter_text);
  self->filter_active = f != NULL;
  /* Without a function the filter matches all, and the model reads no entry at all. */
  if (f != NULL)
    gtk_custom_filter_set_filter_func (self->filter, filter_match, f, filter_free);
  else
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);

  update_hidden (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_TEXT]);
}

static void
on_filter_search_changed (InspectorTimeline *self,
                          GtkSearchEntry    *entry)
{
  apply_filter_text (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_filter_stop_search (InspectorTimeline *self,
                       GtkSearchEntry    *entry)
{
  inspector_timeline_set_filter_text (self, "");
}

static char *
filter_term (const char *prefix,
             const char *value)
{
  g_autofree char *quoted = NULL;

  if (strpbrk (value, " \t\"'\\") != NULL)
    quoted = g_shell_quote (value);
  return g_strconcat (prefix, quoted ? quoted : value, NULL);
}

/* Journal lookups */

static VrtcJournalEntry *
journal_entry (InspectorTimeline *self,
               guint              position)
{
  /* The journal model keeps its entries, so a borrowed pointer outlives this call. */
  g_autoptr(VrtcJournalEntry) entry = NULL;

  if (self->journal == NULL)
    return NULL;
  entry = g_list_model_get_item (self->journal, position);
  return entry;
}

static guint
journal_length (InspectorTimeline *self)
{
  return self->journal ? g_list_model_get_n_items (self->journal) : 0;
}

static guint
journal_offset (InspectorTimeline *self)
{
  return self->store ? vrtc_store_get_journal_offset (self->store) : 0;
}

static void
clear_index (InspectorTimeline *self)
{
  g_hash_table_remove_all (self->index);
  self->indexed = 0;
}

/* Builds the id index up to the journal's end, once: later lookups only read new entries. */
static VrtcJournalEntry *
lookup_entry (InspectorTimeline *self,
              const char        *message_id)
{
  guint n = journal_length (self);

  if (message_id == NULL)
    return NULL;

  while (self->indexed < n)
    {
      VrtcJournalEntry *entry = g_list_model_get_item (self->journal, self->indexed);

      self->indexed++;
      if (entry == NULL)
        continue;
      /* the key belongs to the entry's message, which the entry keeps */
      g_hash_table_replace (self->index, (gpointer) vrtc_journal_entry_get_message_id (entry),
                            entry);
    }

  return g_hash_table_lookup (self->index, message_id);
}

static VrtcJournalEntry *
selected_entry (InspectorTimeline *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

/*
 * Where journal position @position is in the filtered list: the filter keeps the journal's
 * order, so a binary search finds it. When it is hidden, @exact says whether to give up or
 * take the nearest shown row before it (the last message the state at @position includes).
 */
static guint
shown_position (InspectorTimeline *self,
                guint              position,
                gboolean           exact)
{
  GListModel *model = G_LIST_MODEL (self->filter_model);
  guint n = g_list_model_get_n_items (model);
  guint lo = 0, hi = n;

  if (!self->filter_active)
    return position < n ? position : GTK_INVALID_LIST_POSITION;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (model, mid);

      if (vrtc_journal_entry_get_position (entry) < position)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo < n)
    {
      g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (model, lo);

      if (vrtc_journal_entry_get_position (entry) == position)
        return lo;
    }

  if (exact || lo == 0)
    return GTK_INVALID_LIST_POSITION;
  return lo - 1;
}

static GtkWidget *
inner_list_view (InspectorTimeline *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

/* Selects a shown row and scrolls just enough to show it; focus stays where it is. */
static void
select_shown (InspectorTimeline *self,
              guint              shown)
{
  GtkWidget *list_view;

  if (shown == GTK_INVALID_LIST_POSITION)
    return;

  inspector_single_selection_select (self->selection, shown);
  list_view = inner_list_view (self);
  if (list_view != NULL)
    gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", shown);
}

/* Cells */

static gboolean
is_marked (InspectorTimeline *self,
           const char        *css_class,
           const char        *message_id)
{
  GHashTable *ids = g_hash_table_lookup (self->marks, css_class);

  return ids != NULL && g_hash_table_contains (ids, message_id);
}

static void
set_class (GtkWidget  *widget,
           const char *css_class,
           gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

static gboolean
is_future (InspectorTimeline *self,
           VrtcJournalEntry  *entry)
{
  return self->history_position >= 0 &&
         vrtc_journal_entry_get_position (entry) > (guint) self->history_position;
}

/* Scrubbed, a message shows whether it was undone then; one yet to come, as it is now. */
static gboolean
is_undone (InspectorTimeline *self,
           VrtcJournalEntry  *entry)
{
  if (self->history_position >= 0 && !is_future (self, entry) && self->store != NULL)
    return vrtc_store_get_undone_at (self->store, vrtc_journal_entry_get_position (entry),
                                     self->history_position);
  return vrtc_journal_entry_get_undone (entry);
}

static void
cell_update_state (Cell *cell)
{
  InspectorTimeline *self = cell->self;
  VrtcJournalEntry *entry = cell->entry;
  const char *id = vrtc_journal_entry_get_message_id (entry);
  gboolean future = is_future (self, entry);
  gboolean undone = is_undone (self, entry);

  cell->undone = undone;
  set_class (cell->root, "undone", undone);
  /* Past and future swap on hundreds of cells at each step of the history scale: a new
   * opacity only redraws a cell, where a new class would restyle it and all it holds. */
  gtk_widget_set_opacity (cell->root, future ? FUTURE_OPACITY : undone ? UNDONE_OPACITY : 1);
  for (guint i = 0; i < self->mark_classes->len; i++)
    {
      const char *css_class = g_ptr_array_index (self->mark_classes, i);

      set_class (cell->root, css_class, is_marked (self, css_class, id));
    }

  switch (cell->column)
    {
    case COL_SUMMARY:
      gtk_widget_set_visible (cell->undone_tag, undone);
      gtk_widget_set_visible (cell->lost_tag, is_marked (self, "lost", id));
      break;

    case COL_ACK:
      /* Every bound cell is refreshed on each history step: only a change costs. */
      if (cell->acked == (int) vrtc_journal_entry_get_acked (entry))
        break;
      cell->acked = vrtc_journal_entry_get_acked (entry);
      if (cell->acked)
        {
          gtk_image_set_from_icon_name (GTK_IMAGE (cell->icon), "emblem-ok-symbolic");
          inspector_set_tooltip_text (cell->icon, _("Acknowledged by the server"));
          gtk_accessible_update_property (GTK_ACCESSIBLE (cell->icon),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, _("Acknowledged"),
                                          -1);
          gtk_widget_remove_css_class (cell->icon, "dim-label");
        }
      else
        {
          gtk_image_set_from_icon_name (GTK_IMAGE (cell->icon), "network-transmit-symbolic");
          inspector_set_tooltip_text (cell->icon, _("Not acknowledged by a server yet"));
          gtk_accessible_update_property (GTK_ACCESSIBLE (cell->icon),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, _("Not acknowledged"),
                                          -1);
          gtk_widget_add_css_class (cell->icon, "dim-label");
        }
      break;

    case COL_POSITION:
    case COL_ID:
    case COL_SESSION:
    case COL_LAMPORT:
    case COL_TIME:
    default:
      break;
    }
}

static void
cell_update_content (Cell *cell)
{
  VrtcJournalEntry *entry = cell->entry;
  char buf[64];

  switch (cell->column)
    {
    case COL_POSITION:
      gtk_inscription_set_text (GTK_INSCRIPTION (cell->label),
                                format_count (buf, sizeof buf,
                                              (guint64) journal_offset (cell->self) +
                                              vrtc_journal_entry_get_position (entry) + 1));
      break;

    case COL_ID:
      gtk_inscription_set_text (GTK_INSCRIPTION (cell->label),
                                vrtc_journal_entry_get_message_id (entry));
      break;

    case COL_SESSION:
      inspector_session_chip_set_session (cell->chip, vrtc_journal_entry_get_session_id (entry),
                                          vrtc_journal_entry_get_own (entry));
      break;

    case COL_LAMPORT:
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT,
                  vrtc_journal_entry_get_lamport_time (entry));
      gtk_inscription_set_text (GTK_INSCRIPTION (cell->label), buf);
      break;

    case COL_TIME:
      gtk_inscription_set_text (GTK_INSCRIPTION (cell->label),
                                format_time (buf, sizeof buf,
                                             vrtc_journal_entry_get_timestamp (entry), FALSE));
      break;

    case COL_SUMMARY:
      {
        guint rejected = vrtc_journal_entry_get_n_rejected (entry);
        guint unsupported = vrtc_journal_entry_get_n_unsupported (entry);

        gtk_inscription_set_text (GTK_INSCRIPTION (cell->label),
                                  vrtc_journal_entry_get_summary (entry));
        if (rejected > 0)
          {
            /* Translators: a tag on a journal row: how many ops had no effect */
            g_snprintf (buf, sizeof buf, ngettext ("%u rejected", "%u rejected", rejected),
                        rejected);
            gtk_label_set_label (GTK_LABEL (cell->rejected_tag), buf);
          }
        else if (unsupported > 0)
          {
            /* Translators: a tag on a journal row: ops of a type this build does not know */
            g_snprintf (buf, sizeof buf, ngettext ("%u unsupported", "%u unsupported",
                                                   unsupported), unsupported);
            gtk_label_set_label (GTK_LABEL (cell->rejected_tag), buf);
          }
        gtk_widget_set_visible (cell->rejected_tag, rejected > 0 || unsupported > 0);
      }
      break;

    case COL_ACK:
    default:
      break;
    }
}

static void
on_cell_entry_notify (VrtcJournalEntry *entry,
                      GParamSpec       *pspec,
                      Cell             *cell)
{
  if (cell->entry == NULL)
    return;
  cell_update_content (cell);
  cell_update_state (cell);
}

static void
popup_menu_at (InspectorTimeline *self,
               VrtcJournalEntry  *entry,
               GtkWidget         *anchor,
               double             x,
               double             y);

static void
on_cell_pressed (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 Cell            *cell)
{
  if (cell->entry == NULL)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_menu_at (cell->self, cell->entry, cell->root, x, y);
}

static void
cell_free (gpointer data)
{
  g_free (data);
}

static GtkWidget *
new_tag (const char *text,
         const char *extra_class)
{
  GtkWidget *tag = gtk_label_new (text);

  gtk_widget_add_css_class (tag, "tag");
  if (extra_class != NULL)
    gtk_widget_add_css_class (tag, extra_class);
  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (tag, FALSE);
  return tag;
}

/*
 * The text of a cell. The columns have their widths, so a cell needs no width of its own,
 * and one line of text is as high as any other: unlike a label, an inscription measures
 * without laying its text out, and new text costs it no new measuring. Scrolling to another
 * page of the journal binds a few hundred rows at once.
 */
static GtkWidget *
new_cell_text (float                  xalign,
               GtkInscriptionOverflow overflow)
{
  GtkWidget *text = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (text), xalign);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (text), overflow);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (text), 0);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (text), 0);
  return text;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            InspectorTimeline        *self)
{
  Cell *cell = g_new0 (Cell, 1);

  cell->acked = -1;
  GtkGesture *click;

  cell->self = self;
  cell->item = item;
  cell->column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "timeline-column"));

  switch (cell->column)
    {
    case COL_SESSION:
      cell->chip = inspector_session_chip_new ();
      cell->root = cell->chip;
      break;

    case COL_SUMMARY:
      cell->root = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      cell->label = new_cell_text (0, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
      gtk_widget_set_hexpand (cell->label, TRUE);
      gtk_widget_add_css_class (cell->label, "summary");
      /* Translators: a tag on a journal row whose message is undone */
      cell->undone_tag = new_tag (_("undone"), NULL);
      cell->rejected_tag = new_tag (NULL, "warning");
      /* Translators: a tag on a journal row: a concurrent write that lost to another */
      cell->lost_tag = new_tag (_("lost"), "lost");
      gtk_box_append (GTK_BOX (cell->root), cell->label);
      gtk_box_append (GTK_BOX (cell->root), cell->lost_tag);
      gtk_box_append (GTK_BOX (cell->root), cell->rejected_tag);
      gtk_box_append (GTK_BOX (cell->root), cell->undone_tag);
      break;

    case COL_ACK:
      cell->icon = gtk_image_new ();
      cell->root = cell->icon;
      break;

    case COL_POSITION:
    case COL_LAMPORT:
      cell->label = new_cell_text (1, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
      gtk_widget_add_css_class (cell->label, "numeric");
      cell->root = cell->label;
      break;

    case COL_TIME:
      cell->label = new_cell_text (0, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
      gtk_widget_add_css_class (cell->label, "numeric");
      cell->root = cell->label;
      break;

    case COL_ID:
    default:
      cell->label = new_cell_text (0, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_MIDDLE);
      cell->root = cell->label;
      break;
    }

  gtk_widget_add_css_class (cell->root, "timeline-cell");

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_cell_pressed), cell);
  gtk_widget_add_controller (cell->root, GTK_EVENT_CONTROLLER (click));

  gtk_list_item_set_child (item, cell->root);
  g_object_set_data_full (G_OBJECT (item), "timeline-cell", cell, cell_free);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           InspectorTimeline        *self)
{
  Cell *cell = g_object_get_data (G_OBJECT (item), "timeline-cell");
  VrtcJournalEntry *entry = gtk_list_item_get_item (item);

  if (cell == NULL || entry == NULL)
    return;

  cell->entry = entry;
  cell_update_content (cell);
  cell_update_state (cell);
  cell->notify_id = g_signal_connect (entry, "notify", G_CALLBACK (on_cell_entry_notify), cell);
  g_hash_table_add (self->bound, cell);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             InspectorTimeline        *self)
{
  Cell *cell = g_object_get_data (G_OBJECT (item), "timeline-cell");

  if (cell == NULL || cell->entry == NULL)
    return;

  g_clear_signal_handler (&cell->notify_id, cell->entry);
  cell->entry = NULL;
  g_hash_table_remove (self->bound, cell);
}

static void
refresh_cells (InspectorTimeline *self)
{
  GHashTableIter iter;
  Cell *cell;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, (gpointer *) &cell, NULL))
    cell_update_state (cell);
}

/* After the history position moved from @old to @now (-1: live): only the rows between the
 * two change from past to future or back, of the thousands of cells a column view binds,
 * and those of messages undone or redone between the two. */
static void
refresh_future (InspectorTimeline *self,
                int                old,
                int                now)
{
  gint64 a = old < 0 ? G_MAXINT64 : old;
  gint64 b = now < 0 ? G_MAXINT64 : now;
  gint64 lo = MIN (a, b), hi = MAX (a, b);
  GHashTableIter iter;
  Cell *cell;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, (gpointer *) &cell, NULL))
    {
      gint64 position = vrtc_journal_entry_get_position (cell->entry);

      if ((position > lo && position <= hi) || is_undone (self, cell->entry) != cell->undone)
        cell_update_state (cell);
    }
}

static void
refresh_cell_content (InspectorTimeline *self)
{
  GHashTableIter iter;
  Cell *cell;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, (gpointer *) &cell, NULL))
    cell_update_content (cell);
}

static void
add_column (InspectorTimeline *self,
            guint              column,
            const char        *title,
            int                fixed_width,
            gboolean           expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_object_set_data (G_OBJECT (factory), "timeline-column", GUINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), self);

  col = gtk_column_view_column_new (title, factory);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  gtk_column_view_append_column (self->column_view, col);
  g_object_unref (col);
}

/* History */

static void
update_scale (InspectorTimeline *self)
{
  guint n = journal_length (self);
  double value = self->history_position < 0 ? (double) n : (double) self->history_position;

  /* The last slot, n, is live: the range grows with the journal, a past position stays. */
  self->updating_scale = TRUE;
  gtk_adjustment_configure (self->history_adjustment, value, 0, n, 1, MAX (1, n / 20), 0);
  self->updating_scale = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->history_scale), n > 0);
}

static void
update_history_ui (InspectorTimeline *self)
{
  guint n = journal_length (self);
  guint offset = journal_offset (self);
  gboolean in_history = self->history_position >= 0;
  g_autofree char *text = NULL;
  char pos_buf[32], total_buf[32], time_buf[64];

  if (n == 0)
    {
      text = g_strdup (_("No messages yet"));
    }
  else if (in_history)
    {
      VrtcJournalEntry *entry = journal_entry (self, self->history_position);

      /* Translators: where the history scale is: "Position 123 of 4,567 · 12:03:04.567" */
      text = g_strdup_printf (_("Position %s of %s · %s"),
                              format_count (pos_buf, sizeof pos_buf,
                                            (guint64) offset + self->history_position + 1),
                              format_count (total_buf, sizeof total_buf, (guint64) offset + n),
                              format_time (time_buf, sizeof time_buf,
                                           entry ? vrtc_journal_entry_get_timestamp (entry) : 0,
                                           FALSE));
    }
  else
    {
      VrtcJournalEntry *entry = journal_entry (self, n - 1);

      /* Translators: the history scale at its end: "Live · 4,567 messages · last 12:03:04.567" */
      text = g_strdup_printf (ngettext ("Live · %s message · last %s",
                                        "Live · %s messages · last %s", offset + n),
                              format_count (total_buf, sizeof total_buf, (guint64) offset + n),
                              format_time (time_buf, sizeof time_buf,
                                           entry ? vrtc_journal_entry_get_timestamp (entry) : 0,
                                           FALSE));
    }

  gtk_label_set_label (self->position_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->history_scale),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text,
                                  -1);
  set_class (self->history_bar, "in-history", in_history);
  gtk_widget_set_visible (self->live_button, in_history);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.back-to-live", in_history);
}

static void
scroll_to_selected (InspectorTimeline *self)
{
  guint shown = gtk_single_selection_get_selected (self->selection);
  GtkWidget *list_view = inner_list_view (self);

  if (shown != GTK_INVALID_LIST_POSITION && list_view != NULL)
    gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", shown);
}

static gboolean
scroll_to_selected_cb (gpointer data)
{
  InspectorTimeline *self = data;

  self->scroll_id = 0;
  scroll_to_selected (self);

  return G_SOURCE_REMOVE;
}

/*
 * The row of the position is selected at once; scrolling to it shows a new page of rows,
 * all bound and measured again (a GTK 4.8 column view keeps about 200 rows of 7 cells),
 * which costs more than the rest of a history step. So the list follows once the position
 * rests: not while the scale is dragged or a key held, which would make every fourth or
 * fifth frame a long one.
 */
static void
highlight_history_row (InspectorTimeline *self)
{
  guint shown;

  if (self->history_position < 0)
    return;

  shown = shown_position (self, self->history_position, FALSE);
  if (shown == GTK_INVALID_LIST_POSITION)
    return;
  self->highlighting = TRUE;
  inspector_single_selection_select (self->selection, shown);
  self->highlighting = FALSE;

  g_clear_handle_id (&self->scroll_id, g_source_remove);
  self->scroll_id = g_timeout_add (HISTORY_REST_MS, scroll_to_selected_cb, self);
}

static void
set_history_position_internal (InspectorTimeline *self,
                               int                position,
                               gboolean           highlight)
{
  guint n = journal_length (self);
  int old;

  /* The row to highlight may still wait in the batch. */
  batch_flush (self->batch);
  if (position < 0 || (guint) position >= n)
    position = -1;

  if (position == self->history_position)
    {
      update_scale (self);
      return;
    }

  old = self->history_position;
  self->history_position = position;
  update_scale (self);
  update_history_ui (self);
  refresh_future (self, old, position);
  if (highlight)
    highlight_history_row (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY_POSITION]);
}

static void
on_scale_value_changed (InspectorTimeline *self,
                        GtkAdjustment     *adjustment)
{
  guint n = journal_length (self);
  double value;

  if (self->updating_scale || n == 0)
    return;

  /* The last slot is live, even when the journal grew since the scale was last set. */
  value = round (gtk_adjustment_get_value (adjustment));
  if (value >= gtk_adjustment_get_upper (adjustment) || value >= n)
    set_history_position_internal (self, -1, TRUE);
  else
    set_history_position_internal (self, (int) value, TRUE);
}

static gboolean
step_history (InspectorTimeline *self,
              int                delta)
{
  guint n = journal_length (self);
  gint64 position;

  if (n == 0)
    return FALSE;

  position = self->history_position < 0 ? (gint64) n : self->history_position;
  if ((delta > 0 && position >= n) || (delta < 0 && position == 0))
    return self->history_position >= 0;

  position = CLAMP (position + delta, 0, (gint64) n);
  set_history_position_internal (self, position >= n ? -1 : (int) position, TRUE);
  return TRUE;
}

static gboolean
back_to_live_shortcut (GtkWidget *widget,
                       GVariant  *args,
                       gpointer   user_data)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (widget);

  if (self->history_position < 0)
    return FALSE;
  set_history_position_internal (self, -1, FALSE);
  return TRUE;
}

static gboolean
step_back_shortcut (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  return step_history (INSPECTOR_TIMELINE (widget), -1);
}

static gboolean
step_forward_shortcut (GtkWidget *widget,
                       GVariant  *args,
                       gpointer   user_data)
{
  return step_history (INSPECTOR_TIMELINE (widget), 1);
}

/* Compaction */

static void
update_compact (InspectorTimeline *self);

static void
on_first_entry_notify (InspectorTimeline *self)
{
  update_compact (self);
}

static void
update_compact (InspectorTimeline *self)
{
  VrtcJournalEntry *first = journal_length (self) > 0 ? journal_entry (self, 0) : NULL;
  const char *reason = NULL;

  if (first != self->first_entry)
    {
      if (self->first_entry != NULL)
        g_clear_signal_handler (&self->first_notify_id, self->first_entry);
      g_set_object (&self->first_entry, first);
      if (first != NULL)
        self->first_notify_id = g_signal_connect_swapped (first, "notify",
                                                          G_CALLBACK (on_first_entry_notify),
                                                          self);
    }

  if (self->store == NULL || first == NULL)
    reason = _("There are no messages to fold.");
  else if (!vrtc_journal_entry_get_acked (first))
    reason = _("Only messages a server acknowledged can be folded, and the first message "
               "is not acknowledged yet.");
  else if (vrtc_journal_entry_get_undone (first))
    reason = _("The first message is undone: folding stops at undone messages.");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.compact", reason == NULL);
  inspector_set_tooltip_text (self->compact_now_button,
                               reason ? reason
                                      : _("Fold the acknowledged messages at the start of the "
                                          "journal into the snapshot"));
  gtk_label_set_label (self->compact_label,
                       reason ? reason
                              : _("Compacting folds the acknowledged, not undone messages at "
                                  "the start of the journal into the snapshot. The state does "
                                  "not change; those rows leave the list."));
}

static void
on_snapshot_open_clicked (InspectorTimeline *self)
{
  gtk_popover_popdown (self->snapshots_popover);
  g_signal_emit (self, signals[OPEN_SNAPSHOT], 0);
}

static void
on_snapshot_copy_clicked (InspectorTimeline *self)
{
  g_autoptr(VrtcSnapshot) snapshot = NULL;
  g_autofree char *json = NULL;

  if (self->store == NULL)
    return;

  snapshot = vrtc_store_get_snapshot (self->store);
  json = snapshot ? vrtc_snapshot_to_json (snapshot) : NULL;
  if (json == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), json);
  gtk_popover_popdown (self->snapshots_popover);
  g_signal_emit (self, signals[MESSAGE], 0, _("Snapshot of the live state copied"));
}

static GtkWidget *
snapshot_row (const char *title,
              const char *subtitle,
              const char *button_label,
              const char *button_tooltip)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (button_label);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, button_tooltip);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_object_set_data (G_OBJECT (row), "button", button);

  return row;
}

static void
update_snapshots (InspectorTimeline *self)
{
  GtkWidget *child;
  guint offset = journal_offset (self);
  char count[32], clock_buf[32];

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->snapshots_list))) != NULL)
    gtk_list_box_remove (self->snapshots_list, child);

  if (self->store == NULL)
    return;

  if (offset > 0)
    {
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      /* Translators: the compaction point: "Snapshot at 1,234 (folded)" */
      title = g_strdup_printf (_("Snapshot at %s (folded)"),
                               format_count (count, sizeof count, offset));
      subtitle = g_strdup_printf (ngettext ("The first %s message is folded into it; the "
                                            "journal goes on from there",
                                            "The first %s messages are folded into it; the "
                                            "journal goes on from there", offset),
                                  count);
      row = snapshot_row (title, subtitle, _("_Open"),
                          _("Browse the state of this snapshot, read-only"));
      g_signal_connect_object (g_object_get_data (G_OBJECT (row), "button"), "clicked",
                               G_CALLBACK (on_snapshot_open_clicked), self, G_CONNECT_SWAPPED);
      gtk_list_box_append (self->snapshots_list, row);
    }
  else
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No snapshot yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("The journal holds every message since the start"));
      gtk_list_box_append (self->snapshots_list, row);
    }

  {
    g_autoptr(VrtcSnapshot) snapshot = vrtc_store_get_snapshot (self->store);
    g_autofree char *clock_json = vrtc_store_get_vector_clock_json (self->store);
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autofree char *subtitle = NULL;
    guint n_sessions = 0;
    GtkWidget *row;

    if (json_parser_load_from_data (parser, clock_json, -1, NULL) &&
        JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
      n_sessions = json_object_get_size (json_node_get_object (json_parser_get_root (parser)));

    /* Translators: the live state as a snapshot: "Lamport time 120 · 3 sessions in its clock" */
    subtitle = g_strdup_printf (ngettext ("Lamport time %s · %u session in its vector clock",
                                          "Lamport time %s · %u sessions in its vector clock",
                                          n_sessions),
                                format_count (clock_buf, sizeof clock_buf,
                                              snapshot ? vrtc_snapshot_get_lamport_time (snapshot)
                                                       : 0),
                                n_sessions);
    row = snapshot_row (_("Live state"), subtitle, _("Co_py"),
                        _("Copy the live state as snapshot JSON"));
    g_signal_connect_object (g_object_get_data (G_OBJECT (row), "button"), "clicked",
                             G_CALLBACK (on_snapshot_copy_clicked), self, G_CONNECT_SWAPPED);
    gtk_list_box_append (self->snapshots_list, row);
  }

  update_compact (self);
}

static void
on_snapshots_popover_visible (InspectorTimeline *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->snapshots_popover)))
    update_snapshots (self);
}

/* Details */

static char *
pretty_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = NULL;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return g_strdup (text ? text : "");

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

static VrtcDialect
current_dialect (InspectorTimeline *self)
{
  return g_strcmp0 (self->dialect, "compact") == 0 ? VRTC_DIALECT_COMPACT : VRTC_DIALECT_SEED;
}

static void
update_details_json (InspectorTimeline *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->json_view);
  g_autofree char *json = NULL;
  g_autofree char *pretty = NULL;

  if (self->details_entry == NULL)
    {
      gtk_text_buffer_set_text (buffer, "", -1);
      return;
    }

  json = vrtc_message_to_json (vrtc_journal_entry_get_message (self->details_entry),
                               current_dialect (self));
  pretty = pretty_json (json);
  gtk_text_buffer_set_text (buffer, pretty, -1);
}

static void
on_node_link_clicked (GtkButton         *button,
                      InspectorTimeline *self)
{
  const char *key = g_object_get_data (G_OBJECT (button), "node-key");
  const char *message_id = g_object_get_data (G_OBJECT (button), "message-id");

  if (key != NULL)
    g_signal_emit (self, signals[NODE_ACTIVATED], 0, key);
  else if (message_id != NULL)
    inspector_timeline_select_message (self, message_id);
}

static GtkWidget *
change_row (InspectorTimeline *self,
            VrtcOperation     *op)
{
  const char *key = vrtc_operation_get_key (op);
  const char *otype = vrtc_operation_get_otype (op);
  const char *path = vrtc_operation_get_path (op);
  const char *target = vrtc_operation_get_target_msg_id (op);
  g_autofree char *value = vrtc_operation_get_value_json (op);
  g_autofree char *where = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button = NULL;
  GtkWidget *path_label;
  GtkWidget *otype_label;
  GtkWidget *row;

  gtk_widget_add_css_class (box, "change-row");

  if (key != NULL && *key != '\0')
    {
      g_autofree char *tooltip = NULL;

      button = gtk_button_new_with_label (key);
      g_object_set_data_full (G_OBJECT (button), "node-key", g_strdup (key), g_free);
      /* Translators: tooltip of a node key in the message details */
      tooltip = g_strdup_printf (_("Select node “%s” in the scene tree"), key);
      inspector_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                      -1);
    }
  else if (target != NULL)
    {
      g_autofree char *tooltip = NULL;

      button = gtk_button_new_with_label (target);
      g_object_set_data_full (G_OBJECT (button), "message-id", g_strdup (target), g_free);
      /* Translators: tooltip of the target of an undo or redo in the message details */
      tooltip = g_strdup_printf (_("Show message %s in the journal"), target);
      inspector_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                      -1);
    }

  if (button != NULL)
    {
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "node-link");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_signal_connect (button, "clicked", G_CALLBACK (on_node_link_clicked), self);
      gtk_box_append (GTK_BOX (line), button);
    }

  if (path != NULL && *path != '\0')
    where = g_strdup (path);
  else if (vrtc_operation_get_tag (op) != NULL || vrtc_operation_get_parent_key (op) != NULL)
    /* Translators: what a node.insert makes: "Mesh under table" */
    where = g_strdup_printf (_("%s under %s"),
                             vrtc_operation_get_tag (op) ? vrtc_operation_get_tag (op) : "?",
                             vrtc_operation_get_parent_key (op) ? vrtc_operation_get_parent_key (op)
                                                                : "scene");
  else
    where = g_strdup ("");

  path_label = gtk_label_new (where);
  gtk_label_set_xalign (GTK_LABEL (path_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (path_label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_selectable (GTK_LABEL (path_label), TRUE);
  gtk_widget_set_hexpand (path_label, TRUE);
  gtk_box_append (GTK_BOX (line), path_label);

  otype_label = gtk_label_new (otype ? otype : "?");
  gtk_widget_add_css_class (otype_label, "tag");
  if (!vrtc_operation_is_supported (op))
    gtk_widget_add_css_class (otype_label, "warning");
  gtk_widget_set_valign (otype_label, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (line), otype_label);
  gtk_box_append (GTK_BOX (box), line);

  if (value != NULL)
    {
      GtkWidget *value_label = gtk_label_new (value);

      gtk_label_set_xalign (GTK_LABEL (value_label), 0);
      gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_lines (GTK_LABEL (value_label), 3);
      gtk_label_set_ellipsize (GTK_LABEL (value_label), PANGO_ELLIPSIZE_END);
      gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
      gtk_widget_add_css_class (value_label, "monospace");
      gtk_widget_add_css_class (value_label, "caption");
      if (strlen (value) > 60)
        {
          g_autofree char *tip = g_utf8_substring (value, 0, MIN (g_utf8_strlen (value, -1),
                                                                  MAX_TOOLTIP_CHARS));
          inspector_set_tooltip_text (value_label, tip);
        }
      gtk_box_append (GTK_BOX (box), value_label);
    }

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static void
update_details_header (InspectorTimeline *self)
{
  VrtcJournalEntry *entry = self->details_entry;
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;
  const char *id;
  gboolean undone;
  char time_buf[64];
  GVariant *target;

  if (entry == NULL)
    return;

  id = vrtc_journal_entry_get_message_id (entry);
  undone = vrtc_journal_entry_get_undone (entry);

  /* Translators: the heading of the message details */
  title = g_strdup_printf (_("Message %s"), id);
  gtk_label_set_label (self->details_title, title);
  gtk_widget_set_visible (self->details_undone, undone);

  /* Translators: "from alice · Lamport 12 · 2024-05-01 12:03:04.567 · acknowledged" */
  subtitle = g_strdup_printf (_("from %s%s · Lamport %" G_GINT64_FORMAT " · %s · %s"),
                              vrtc_journal_entry_get_session_id (entry),
                              vrtc_journal_entry_get_own (entry) ? _(" (you)") : "",
                              vrtc_journal_entry_get_lamport_time (entry),
                              format_time (time_buf, sizeof time_buf,
                                           vrtc_journal_entry_get_timestamp (entry), TRUE),
                              vrtc_journal_entry_get_acked (entry) ? _("acknowledged")
                                                                   : _("not acknowledged"));
  gtk_label_set_label (self->details_subtitle, subtitle);

  /* The target first: a parametrized action without one would warn. */
  target = g_variant_new_string (id);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->details_undo_button), target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->details_undo_button),
                                  undone ? "timeline.redo-message" : "timeline.undo-message");
  gtk_button_set_icon_name (GTK_BUTTON (self->details_undo_button),
                            undone ? "edit-redo-symbolic" : "edit-undo-symbolic");
  inspector_set_tooltip_text (self->details_undo_button,
                               undone ? _("Redo this message: commit a meta.redo for it")
                                      : _("Undo this message: commit a meta.undo for it"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->details_undo_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  undone ? _("Redo this message") : _("Undo this message"),
                                  -1);

  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->details_state_button),
                                          g_variant_new_string (id));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->details_state_button),
                                  "timeline.show-state");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->copy_json_button),
                                          g_variant_new_string (id));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->copy_json_button), "timeline.copy-json");
}

static void
update_details (InspectorTimeline *self)
{
  VrtcJournalEntry *entry = selected_entry (self);
  GtkWidget *child;
  VrtcMessage *message;
  guint n_ops;
  g_autofree char *heading = NULL;

  if (entry != self->details_entry)
    {
      if (self->details_entry != NULL)
        g_clear_signal_handler (&self->details_notify_id, self->details_entry);
      g_set_object (&self->details_entry, entry);
      if (entry != NULL)
        self->details_notify_id = g_signal_connect_swapped (entry, "notify",
                                                            G_CALLBACK (update_details_header),
                                                            self);
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->changes_list))) != NULL)
    gtk_list_box_remove (self->changes_list, child);

  if (entry == NULL)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "empty");
      update_details_json (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->details_stack, "details");
  update_details_header (self);
  update_details_json (self);

  message = vrtc_journal_entry_get_message (entry);
  n_ops = vrtc_message_get_n_operations (message);
  /* Translators: heading over the ops of the selected message */
  heading = g_strdup_printf (ngettext ("%u Change", "%u Changes", n_ops), n_ops);
  gtk_label_set_label (self->changes_heading, heading);

  for (guint i = 0; i < MIN (n_ops, MAX_CHANGE_ROWS); i++)
    gtk_list_box_append (self->changes_list,
                         change_row (self, vrtc_message_get_operation (message, i)));
  if (n_ops > MAX_CHANGE_ROWS)
    {
      g_autofree char *more = NULL;
      GtkWidget *label;

      /* Translators: the last row of a long list of ops; the JSON above has them all */
      more = g_strdup_printf (_("%u more in the JSON above"), n_ops - MAX_CHANGE_ROWS);
      label = gtk_label_new (more);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "change-row");
      gtk_list_box_append (self->changes_list, label);
    }
}

static gboolean
update_details_cb (gpointer data)
{
  InspectorTimeline *self = data;

  self->details_id = 0;
  update_details (self);

  return G_SOURCE_REMOVE;
}

/* The details of a message are new widgets: when the history position selects the row,
 * they follow it as the list does, once the position rests. */
static void
on_selected_item (InspectorTimeline *self)
{
  g_clear_handle_id (&self->details_id, g_source_remove);
  if (self->highlighting)
    self->details_id = g_timeout_add (HISTORY_REST_MS, update_details_cb, self);
  else
    update_details_cb (self);
}

/* Journal changes */

static gboolean
refresh_cb (gpointer data)
{
  InspectorTimeline *self = data;

  self->refresh_id = 0;
  batch_flush (self->batch);
  update_scale (self);
  update_history_ui (self);
  update_hidden (self);
  update_compact (self);

  return G_SOURCE_REMOVE;
}

static void
on_journal_items_changed (GListModel        *model,
                          guint              position,
                          guint              removed,
                          guint              added,
                          InspectorTimeline *self)
{
  int history = self->history_position;

  if (removed > 0 || position < self->indexed)
    clear_index (self);

  /* A past position follows its entry; if the entry itself went (compaction, a reset), the
   * view returns to live rather than show another state under the same number. */
  if (history >= 0 && (guint) history >= position)
    {
      if ((guint) history < position + removed)
        {
          history = -1;
          g_signal_emit (self, signals[MESSAGE], 0,
                         _("Back to live: the message you were looking at left the journal"));
        }
      else
        {
          history = history - removed + added;
        }
    }

  if (history != self->history_position)
    {
      self->history_position = history;
      refresh_cells (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY_POSITION]);
    }

  /* Compaction renumbers the rows; absolute numbers stay the same, shown ones may not. */
  if (removed > 0)
    refresh_cell_content (self);

  /* A journal being loaded changes thousands of times a second, and each change of the
   * scale or a label costs a trip to the display: they follow once per main loop turn. */
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, refresh_cb, self, NULL);
}

static void
on_filter_model_changed (InspectorTimeline *self)
{
  update_hidden (self);
}

/* Context menu */

static void
append_item (GMenu      *section,
             const char *label,
             const char *action,
             const char *target)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (target));
  g_menu_append_item (section, item);
}

static void
popup_menu_at (InspectorTimeline *self,
               VrtcJournalEntry  *entry,
               GtkWidget         *anchor,
               double             x,
               double             y)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) undo = g_menu_new ();
  g_autoptr(GMenu) history = g_menu_new ();
  g_autoptr(GMenu) filter = g_menu_new ();
  g_autoptr(GMenu) copy = g_menu_new ();
  VrtcJournalEntry *selected = selected_entry (self);
  const char *id = vrtc_journal_entry_get_message_id (entry);
  const char *session = vrtc_journal_entry_get_session_id (entry);
  guint position = vrtc_journal_entry_get_position (entry);
  graphene_point_t point;

  if (vrtc_journal_entry_get_undone (entry))
    append_item (undo, _("_Redo This Message"), "timeline.redo-message", id);
  else
    append_item (undo, _("_Undo This Message"), "timeline.undo-message", id);

  append_item (history, _("Show _State After This Message"), "timeline.show-state", id);
  append_item (history, _("Compare With _Live"), "timeline.compare-with-live", id);
  if (selected != NULL && selected != entry)
    append_item (history, _("Compare With _Selected"), "timeline.compare-with-selected", id);
  if (self->history_position >= 0 && (guint) self->history_position != position)
    append_item (history, _("Compare With _History Position"),
                 "timeline.compare-with-history", id);

  append_item (filter, _("Show _Only This Session"), "timeline.only-session", session);
  append_item (filter, _("_Hide This Session"), "timeline.hide-session", session);

  append_item (copy, _("Copy Message _ID"), "timeline.copy-message-id", id);
  append_item (copy, _("Copy _JSON"), "timeline.copy-json", id);

  g_menu_append_section (menu, NULL, G_MENU_MODEL (undo));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (history));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (filter));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (copy));

  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->context_menu), G_MENU_MODEL (menu));

  if (anchor == NULL ||
      !gtk_widget_compute_point (anchor, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    point = GRAPHENE_POINT_INIT (0, 0);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) point.x, (int) point.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static Cell *
bound_cell (InspectorTimeline *self,
            VrtcJournalEntry  *entry,
            guint              column)
{
  GHashTableIter iter;
  Cell *cell;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, (gpointer *) &cell, NULL))
    if (cell->entry == entry && cell->column == column)
      return cell;
  return NULL;
}

/* Actions */

static VrtcJournalEntry *
entry_for_param (InspectorTimeline *self,
                 GVariant          *param)
{
  const char *id = param ? g_variant_get_string (param, NULL) : NULL;
  VrtcJournalEntry *entry = lookup_entry (self, id);

  if (entry == NULL && id != NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: a toast; the message id */
      text = g_strdup_printf (_("Message %s is not in the journal"), id);
      g_signal_emit (self, signals[MESSAGE], 0, text);
    }
  return entry;
}

static void
undo_redo (InspectorTimeline *self,
           GVariant          *param,
           gboolean           redo)
{
  g_autoptr(GError) error = NULL;
  VrtcMessage *meta;
  const char *id = g_variant_get_string (param, NULL);

  if (self->store == NULL)
    return;

  meta = vrtc_store_undo_message (self->store, id, redo, &error);
  if (meta == NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: a toast: the message id, then why */
      text = g_strdup_printf (redo ? _("Could not redo %s: %s") : _("Could not undo %s: %s"),
                              id, error ? error->message : "?");
      g_signal_emit (self, signals[MESSAGE], 0, text);
      return;
    }
  vrtc_message_unref (meta);
}

static void
undo_message_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  undo_redo (INSPECTOR_TIMELINE (widget), param, FALSE);
}

static void
redo_message_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  undo_redo (INSPECTOR_TIMELINE (widget), param, TRUE);
}

static void
copy_message_id_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), g_variant_get_string (param, NULL));
  g_signal_emit (self, signals[MESSAGE], 0, _("Message ID copied"));
}

static void
copy_json_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (widget);
  VrtcJournalEntry *entry = entry_for_param (self, param);
  g_autofree char *json = NULL;

  if (entry == NULL)
    return;

  json = vrtc_message_to_json (vrtc_journal_entry_get_message (entry), current_dialect (self));
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), json);
  g_signal_emit (self, signals[MESSAGE], 0, _("Message JSON copied"));
}

static void
show_state_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (widget);
  VrtcJournalEntry *entry = entry_for_param (self, param);

  if (entry != NULL)
    set_history_position_internal (self, vrtc_journal_entry_get_position (entry), TRUE);
}

static void
compare_with_live_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (widget);
  VrtcJournalEntry *entry = entry_for_param (self, param);

  if (entry != NULL)
    g_signal_emit (self, signals[DIFF_REQUESTED], 0,
                   (int) vrtc_journal_entry_get_position (entry), -1);
}

static void
emit_diff (InspectorTimeline *self,
           guint              a,
           guint              b)
{
  if (a == b)
    return;
  g_signal_emit (self, signals[DIFF_REQUESTED], 0, (int) MIN (a, b), (int) MAX (a, b));
}

static void
compare_with_selected_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (widget);
  VrtcJournalEntry *entry = entry_for_param (self, param);
  VrtcJournalEntry *selected = selected_entry (self);

  if (entry != NULL && selected != NULL)
    emit_diff (self, vrtc_journal_entry_get_position (entry),
               vrtc_journal_entry_get_position (selected));
}

static void
compare_with_history_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (widget);
  VrtcJournalEntry *entry = entry_for_param (self, param);

  if (entry != NULL && self->history_position >= 0)
    emit_diff (self, vrtc_journal_entry_get_position (entry), self->history_position);
}

static void
only_session_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  inspector_timeline_set_filter (INSPECTOR_TIMELINE (widget),
                                 g_variant_get_string (param, NULL), NULL, NULL);
}

static void
hide_session_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (widget);
  g_autofree char *term = filter_term ("-session:", g_variant_get_string (param, NULL));
  g_autofree char *text = NULL;

  if (self->filter_text != NULL && *self->filter_text != '\0')
    text = g_strconcat (self->filter_text, " ", term, NULL);
  else
    text = g_strdup (term);
  inspector_timeline_set_filter_text (self, text);
}

static void
select_message_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  inspector_timeline_select_message (INSPECTOR_TIMELINE (widget),
                                     g_variant_get_string (param, NULL));
}

static void
back_to_live_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  set_history_position_internal (INSPECTOR_TIMELINE (widget), -1, FALSE);
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  step_history (INSPECTOR_TIMELINE (widget), g_variant_get_int32 (param));
}

static void
clear_filter_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  inspector_timeline_set_filter_text (INSPECTOR_TIMELINE (widget), "");
}

static void
compact_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (widget);
  g_autofree char *text = NULL;
  char count[32];
  guint n;

  if (self->store == NULL || vrtc_store_get_read_only (self->store))
    return;

  n = vrtc_store_compact (self->store);
  if (n == 0)
    text = g_strdup (_("Nothing to fold: the first message is not acknowledged or is undone"));
  else
    /* Translators: a toast after compaction */
    text = g_strdup_printf (ngettext ("Folded %s message into the snapshot",
                                      "Folded %s messages into the snapshot", n),
                            format_count (count, sizeof count, n));
  g_signal_emit (self, signals[MESSAGE], 0, text);
  if (gtk_widget_get_visible (GTK_WIDGET (self->snapshots_popover)))
    update_snapshots (self);
}

static void
open_snapshot_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  g_signal_emit (widget, signals[OPEN_SNAPSHOT], 0);
}

static void
popup_menu_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  inspector_timeline_popup_menu (INSPECTOR_TIMELINE (widget));
}

static void
on_column_view_activate (InspectorTimeline *self,
                         guint              position)
{
  g_autoptr(VrtcJournalEntry) entry =
    g_list_model_get_item (G_LIST_MODEL (self->filter_model), position);

  if (entry != NULL)
    set_history_position_internal (self, vrtc_journal_entry_get_position (entry), FALSE);
}

static void
set_view (InspectorTimeline *self,
          const char        *view)
{
  gboolean messages;

  if (g_strcmp0 (view, "peers") != 0)
    view = "messages";
  if (g_strcmp0 (self->view, view) == 0)
    return;

  g_free (self->view);
  self->view = g_strdup (view);
  messages = g_str_equal (view, "messages");
  gtk_stack_set_visible_child_name (self->view_stack, view);
  /* The filter is the messages' own: the peers view counts every message. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->filter_entry), messages);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

static void
on_session_activated (InspectorTimeline *self,
                      const char        *session)
{
  inspector_timeline_set_filter (self, session, NULL, NULL);
  set_view (self, "messages");
}

/* GtkWidget */

static void
inspector_timeline_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (widget);

  gtk_widget_measure (self->main_box, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static void
inspector_timeline_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (widget);

  gtk_widget_allocate (self->main_box, width, height, baseline, NULL);
  if (self->context_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static gboolean
inspector_timeline_grab_focus (GtkWidget *widget)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (widget);

  if (g_strcmp0 (self->view, "peers") == 0)
    return gtk_widget_grab_focus (GTK_WIDGET (self->peers));
  return gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

/* GObject */

static void
detach_store (InspectorTimeline *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->journal != NULL)
    g_signal_handlers_disconnect_by_data (self->journal, self);
  if (self->first_entry != NULL)
    g_clear_signal_handler (&self->first_notify_id, self->first_entry);
  g_clear_object (&self->first_entry);
  if (self->details_entry != NULL)
    g_clear_signal_handler (&self->details_notify_id, self->details_entry);
  g_clear_object (&self->details_entry);
  clear_index (self);
  g_clear_object (&self->journal);
}

static void
inspector_timeline_dispose (GObject *object)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (object);

  g_clear_handle_id (&self->scroll_id, g_source_remove);
  g_clear_handle_id (&self->details_id, g_source_remove);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->filter_model != NULL)
    g_signal_handlers_disconnect_by_data (self->filter_model, self);
  if (self->batch != NULL)
    batch_set_source (self->batch, NULL);
  detach_store (self);

  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_pointer (&self->main_box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), INSPECTOR_TYPE_TIMELINE);

  g_clear_object (&self->selection);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->batch);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (inspector_timeline_parent_class)->dispose (object);
}

static void
inspector_timeline_finalize (GObject *object)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (object);

  g_clear_pointer (&self->bound, g_hash_table_unref);
  g_clear_pointer (&self->marks, g_hash_table_unref);
  g_clear_pointer (&self->mark_classes, g_ptr_array_unref);
  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->filter_text, g_free);
  g_clear_pointer (&self->dialect, g_free);
  g_clear_pointer (&self->view, g_free);

  G_OBJECT_CLASS (inspector_timeline_parent_class)->finalize (object);
}

static void
inspector_timeline_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_HISTORY_POSITION:
      g_value_set_int (value, self->history_position);
      break;

    case PROP_N_HIDDEN:
      g_value_set_uint (value, self->n_hidden);
      break;

    case PROP_FILTER_TEXT:
      g_value_set_string (value, self->filter_text);
      break;

    case PROP_DIALECT:
      g_value_set_string (value, self->dialect);
      break;

    case PROP_VIEW:
      g_value_set_string (value, self->view);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_timeline_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  InspectorTimeline *self = INSPECTOR_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      inspector_timeline_set_store (self, g_value_get_object (value));
      break;

    case PROP_HISTORY_POSITION:
      inspector_timeline_set_history_position (self, g_value_get_int (value));
      break;

    case PROP_FILTER_TEXT:
      inspector_timeline_set_filter_text (self, g_value_get_string (value));
      break;

    case PROP_DIALECT:
      {
        const char *dialect = g_value_get_string (value);

        if (g_strcmp0 (dialect, "compact") != 0)
          dialect = "seed";
        if (g_strcmp0 (self->dialect, dialect) != 0)
          {
            g_free (self->dialect);
            self->dialect = g_strdup (dialect);
            update_details_json (self);
            g_object_notify_by_pspec (object, pspec);
          }
      }
      break;

    case PROP_VIEW:
      set_view (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_timeline_class_init (InspectorTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = inspector_timeline_dispose;
  object_class->finalize = inspector_timeline_finalize;
  object_class->get_property = inspector_timeline_get_property;
  object_class->set_property = inspector_timeline_set_property;

  widget_class->measure = inspector_timeline_measure;
  widget_class->size_allocate = inspector_timeline_size_allocate;
  widget_class->grab_focus = inspector_timeline_grab_focus;

  /**
   * InspectorTimeline:store:
   *
   * The live store whose journal is shown.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VRTC_TYPE_STORE, rw);

  /**
   * InspectorTimeline:history-position:
   *
   * The journal position the history scale shows (the state right after that entry), or
   * -1 to follow the live state.
   */
  properties[PROP_HISTORY_POSITION] =
    g_param_spec_int ("history-position", NULL, NULL, -1, G_MAXINT, -1, rw);

  /**
   * InspectorTimeline:n-hidden:
   *
   * How many journal entries the filter hides (counting only those it has looked at).
   */
  properties[PROP_N_HIDDEN] =
    g_param_spec_uint ("n-hidden", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * InspectorTimeline:filter-text:
   *
   * The filter, as typed: `session:ID`, `node:KEY`, `type:OTYPE`, words; `-` hides.
   */
  properties[PROP_FILTER_TEXT] =
    g_param_spec_string ("filter-text", NULL, NULL, "", rw);

  /**
   * InspectorTimeline:dialect:
   *
   * The JSON dialect of the message details: `seed` or `compact`.
   */
  properties[PROP_DIALECT] =
    g_param_spec_string ("dialect", NULL, NULL, "seed", rw);

  /**
   * InspectorTimeline:view:
   *
   * What the pane shows: `messages` or `peers`.
   */
  properties[PROP_VIEW] =
    g_param_spec_string ("view", NULL, NULL, "messages", rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InspectorTimeline::node-activated:
   * @self: the timeline
   * @key: a node key
   *
   * The user asked to see a node a message changed.
   */
  signals[NODE_ACTIVATED] =
    g_signal_new ("node-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * InspectorTimeline::open-snapshot:
   * @self: the timeline
   *
   * The user asked to browse the compaction snapshot.
   */
  signals[OPEN_SNAPSHOT] =
    g_signal_new ("open-snapshot", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * InspectorTimeline::diff-requested:
   * @self: the timeline
   * @from: a journal position
   * @to: a later journal position, or -1 for the live state
   *
   * The user asked to compare two moments.
   */
  signals[DIFF_REQUESTED] =
    g_signal_new ("diff-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

  /**
   * InspectorTimeline::message:
   * @self: the timeline
   * @text: a short sentence
   *
   * Transient news for a toast: an undo that failed, a compaction, a copy.
   */
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (INSPECTOR_TYPE_PEERS);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/vrtc/Inspector/inspector-timeline.ui");
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, main_box);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, hidden_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, show_all_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, snapshots_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, history_bar);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, history_scale);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, history_adjustment);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, position_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, live_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, view_stack);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, details_paned);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, column_view);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, details_stack);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, details_title);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, details_undone);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, details_subtitle);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, details_undo_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, details_state_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, copy_json_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, json_view);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, changes_heading);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, changes_list);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, peers);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, snapshots_popover);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, snapshots_list);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, compact_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorTimeline, compact_now_button);

  gtk_widget_class_install_property_action (widget_class, "timeline.view", "view");
  gtk_widget_class_install_property_action (widget_class, "timeline.dialect", "dialect");
  gtk_widget_class_install_action (widget_class, "timeline.back-to-live", NULL,
                                   back_to_live_action);
  gtk_widget_class_install_action (widget_class, "timeline.step", "i", step_action);
  gtk_widget_class_install_action (widget_class, "timeline.clear-filter", NULL,
                                   clear_filter_action);
  gtk_widget_class_install_action (widget_class, "timeline.compact", NULL, compact_action);
  gtk_widget_class_install_action (widget_class, "timeline.open-snapshot", NULL,
                                   open_snapshot_action);
  gtk_widget_class_install_action (widget_class, "timeline.undo-message", "s",
                                   undo_message_action);
  gtk_widget_class_install_action (widget_class, "timeline.redo-message", "s",
                                   redo_message_action);
  gtk_widget_class_install_action (widget_class, "timeline.copy-message-id", "s",
                                   copy_message_id_action);
  gtk_widget_class_install_action (widget_class, "timeline.copy-json", "s", copy_json_action);
  gtk_widget_class_install_action (widget_class, "timeline.show-state", "s", show_state_action);
  gtk_widget_class_install_action (widget_class, "timeline.compare-with-live", "s",
                                   compare_with_live_action);
  gtk_widget_class_install_action (widget_class, "timeline.compare-with-selected", "s",
                                   compare_with_selected_action);
  gtk_widget_class_install_action (widget_class, "timeline.compare-with-history", "s",
                                   compare_with_history_action);
  gtk_widget_class_install_action (widget_class, "timeline.only-session", "s",
                                   only_session_action);
  gtk_widget_class_install_action (widget_class, "timeline.hide-session", "s",
                                   hide_session_action);
  gtk_widget_class_install_action (widget_class, "timeline.select-message", "s",
                                   select_message_action);
  gtk_widget_class_install_action (widget_class, "timeline.popup-menu", NULL, popup_menu_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "timeline.popup-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK,
                                       "timeline.popup-menu", NULL);

  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
add_global_shortcut (GtkShortcutController *controller,
                     guint                  key,
                     GdkModifierType        modifiers,
                     GtkShortcutFunc        func)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (key, modifiers),
                                                          gtk_callback_action_new (func, NULL,
                                                                                   NULL)));
}

static void
inspector_timeline_init (InspectorTimeline *self)
{
  GtkEventController *shortcuts;

  ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->history_position = -1;
  self->filter_text = g_strdup ("");
  self->dialect = g_strdup ("seed");
  self->view = g_strdup ("messages");
  self->bound = g_hash_table_new (NULL, NULL);
  self->marks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_hash_table_unref);
  self->mark_classes = g_ptr_array_new_with_free_func (g_free);
  self->index = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);

  self->batch = g_object_new (INSPECTOR_TYPE_TIMELINE_BATCH, NULL);
  self->filter = gtk_custom_filter_new (NULL, NULL, NULL);
  self->filter_model = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->batch)),
                                                  GTK_FILTER (g_object_ref (self->filter)));
  gtk_filter_list_model_set_incremental (self->filter_model, TRUE);
  g_signal_connect_swapped (self->filter_model, "items-changed",
                            G_CALLBACK (on_filter_model_changed), self);
  g_signal_connect_swapped (self->filter_model, "notify::pending",
                            G_CALLBACK (on_filter_model_changed), self);

  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->filter_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (on_selected_item), self);

  /* Translators: column headers of the journal */
  add_column (self, COL_POSITION, C_("journal column", "#"), 64, FALSE);
  add_column (self, COL_ID, C_("journal column", "Message"), 130, FALSE);
  add_column (self, COL_SESSION, C_("journal column", "Session"), 130, FALSE);
  add_column (self, COL_LAMPORT, C_("journal column", "Lamport"), 72, FALSE);
  add_column (self, COL_TIME, C_("journal column", "Time"), 104, FALSE);
  add_column (self, COL_SUMMARY, C_("journal column", "Operations"), -1, TRUE);
  add_column (self, COL_ACK, C_("journal column", "Ack"), 44, FALSE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->column_view, "activate",
                            G_CALLBACK (on_column_view_activate), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Journal"),
                                  -1);

  self->context_menu = gtk_popover_menu_new_from_model (NULL);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));

  gtk_search_entry_set_search_delay (self->filter_entry, 150);
  g_signal_connect_swapped (self->filter_entry, "search-changed",
                            G_CALLBACK (on_filter_search_changed), self);
  g_signal_connect_swapped (self->filter_entry, "stop-search",
                            G_CALLBACK (on_filter_stop_search), self);

  g_signal_connect_swapped (self->history_adjustment, "value-changed",
                            G_CALLBACK (on_scale_value_changed), self);
  g_signal_connect_swapped (self->snapshots_popover, "notify::visible",
                            G_CALLBACK (on_snapshots_popover_visible), self);
  g_signal_connect_swapped (self->peers, "session-activated",
                            G_CALLBACK (on_session_activated), self);

  /* Escape and Alt+arrows work from anywhere in the window, after the focused widget had
   * its chance (an entry's Escape, the property editor's cancel). */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                     GTK_SHORTCUT_SCOPE_GLOBAL);
  add_global_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Escape, 0,
                       back_to_live_shortcut);
  add_global_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Left, GDK_ALT_MASK,
                       step_back_shortcut);
  add_global_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Right, GDK_ALT_MASK,
                       step_forward_shortcut);
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  update_scale (self);
  update_history_ui (self);
  update_hidden (self);
  update_compact (self);
  update_details (self);
}

/* Public */

/**
 * inspector_timeline_new:
 *
 * Returns: (transfer floating): a timeline with no store
 */
GtkWidget *
inspector_timeline_new (void)
{
  return g_object_new (INSPECTOR_TYPE_TIMELINE, NULL);
}

/**
 * inspector_timeline_get_store:
 * @self: a #InspectorTimeline
 *
 * Returns: (transfer none) (nullable): the live store shown
 */
VrtcStore *
inspector_timeline_get_store (InspectorTimeline *self)
{
  g_return_val_if_fail (INSPECTOR_IS_TIMELINE (self), NULL);

  return self->store;
}

/**
 * inspector_timeline_set_store:
 * @self: a #InspectorTimeline
 * @store: (nullable): the live store
 *
 * Shows @store's journal, live, unfiltered marks cleared; the filter text stays.
 */
void
inspector_timeline_set_store (InspectorTimeline *self,
                              VrtcStore         *store)
{
  gboolean was_history;

  g_return_if_fail (INSPECTOR_IS_TIMELINE (self));
  g_return_if_fail (store == NULL || VRTC_IS_STORE (store));

  if (store == self->store)
    return;

  detach_store (self);
  g_set_object (&self->store, store);

  was_history = self->history_position >= 0;
  self->history_position = -1;
  g_hash_table_remove_all (self->marks);

  if (store != NULL)
    {
      self->journal = g_object_ref (vrtc_store_get_journal (store));
      batch_set_source (self->batch, self->journal);
      /* after the batch, so that a removal has reached the view when this runs */
      g_signal_connect (self->journal, "items-changed",
                        G_CALLBACK (on_journal_items_changed), self);
    }
  else
    {
      batch_set_source (self->batch, NULL);
    }

  inspector_peers_set_store (self->peers, store);

  update_scale (self);
  update_history_ui (self);
  update_hidden (self);
  update_compact (self);
  update_details (self);
  refresh_cells (self);

  if (was_history)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY_POSITION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * inspector_timeline_get_history_position:
 * @self: a #InspectorTimeline
 *
 * Returns: the journal position shown, or -1 when live
 */
int
inspector_timeline_get_history_position (InspectorTimeline *self)
{
  g_return_val_if_fail (INSPECTOR_IS_TIMELINE (self), -1);

  return self->history_position;
}

/**
 * inspector_timeline_set_history_position:
 * @self: a #InspectorTimeline
 * @position: a journal position, or -1 for live
 *
 * Moves the history scale, and selects the row of @position (or the last shown row before
 * it, when the filter hides it), scrolling only as far as needed. A position past the
 * journal's end means live.
 */
void
inspector_timeline_set_history_position (InspectorTimeline *self,
                                         int                position)
{
  g_return_if_fail (INSPECTOR_IS_TIMELINE (self));

  set_history_position_internal (self, position, TRUE);
}

/**
 * inspector_timeline_select_message:
 * @self: a #InspectorTimeline
 * @message_id: a message id
 *
 * Selects the row of @message_id and scrolls to it, clearing the filter if it hides the
 * row. Focus does not move.
 *
 * Returns: %FALSE when the message is not in the journal (never seen, or compacted)
 */
gboolean
inspector_timeline_select_message (InspectorTimeline *self,
                                   const char        *message_id)
{
  VrtcJournalEntry *entry;
  guint shown;

  g_return_val_if_fail (INSPECTOR_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (message_id != NULL, FALSE);

  entry = lookup_entry (self, message_id);
  if (entry == NULL)
    return FALSE;

  batch_flush (self->batch);

  set_view (self, "messages");

  shown = shown_position (self, vrtc_journal_entry_get_position (entry), TRUE);
  if (shown == GTK_INVALID_LIST_POSITION && self->filter_active)
    {
      inspector_timeline_set_filter_text (self, "");
      shown = shown_position (self, vrtc_journal_entry_get_position (entry), TRUE);
    }
  if (shown == GTK_INVALID_LIST_POSITION)
    return FALSE;

  select_shown (self, shown);
  return TRUE;
}

/**
 * inspector_timeline_mark_messages:
 * @self: a #InspectorTimeline
 * @ids: (nullable) (array zero-terminated=1): message ids, or %NULL to clear
 * @css_class: (nullable): the class the rows get, such as `lost`; %NULL means `marked`,
 *   or every class when @ids is %NULL too
 *
 * Marks the rows of @ids with @css_class, replacing the rows marked with it before. The
 * timeline styles `lost` (a concurrent write that lost, tagged "lost") and `marked`.
 */
void
inspector_timeline_mark_messages (InspectorTimeline  *self,
                                  const char * const *ids,
                                  const char         *css_class)
{
  g_return_if_fail (INSPECTOR_IS_TIMELINE (self));

  if (ids == NULL && css_class == NULL)
    {
      g_hash_table_remove_all (self->marks);
    }
  else
    {
      GHashTable *set;
      gboolean known = FALSE;

      if (css_class == NULL)
        css_class = "marked";

      for (guint i = 0; i < self->mark_classes->len; i++)
        if (g_str_equal (g_ptr_array_index (self->mark_classes, i), css_class))
          known = TRUE;
      if (!known)
        g_ptr_array_add (self->mark_classes, g_strdup (css_class));

      if (ids == NULL || ids[0] == NULL)
        {
          g_hash_table_remove (self->marks, css_class);
        }
      else
        {
          set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          for (guint i = 0; ids[i] != NULL; i++)
            g_hash_table_add (set, g_strdup (ids[i]));
          g_hash_table_replace (self->marks, g_strdup (css_class), set);
        }
    }

  refresh_cells (self);
}

/**
 * inspector_timeline_set_filter:
 * @self: a #InspectorTimeline
 * @session: (nullable): keep only this session's messages
 * @node: (nullable): keep only messages with an op on this node key
 * @otype: (nullable): keep only messages with an op of this type (`vector3` takes in
 *   `vector3.set` and `vector3.add`)
 *
 * Sets the filter, as if typed; %NULL or empty for all three shows every message. Hidden
 * rows still count in the state.
 */
void
inspector_timeline_set_filter (InspectorTimeline *self,
                               const char        *session,
                               const char        *node,
                               const char        *otype)
{
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;

  g_return_if_fail (INSPECTOR_IS_TIMELINE (self));

  if (session != NULL && *session != '\0')
    g_ptr_array_add (terms, filter_term ("session:", session));
  if (node != NULL && *node != '\0')
    g_ptr_array_add (terms, filter_term ("node:", node));
  if (otype != NULL && *otype != '\0')
    g_ptr_array_add (terms, filter_term ("type:", otype));
  g_ptr_array_add (terms, NULL);

  text = g_strjoinv (" ", (char **) terms->pdata);
  inspector_timeline_set_filter_text (self, text);
}

/**
 * inspector_timeline_get_filter_text:
 * @self: a #InspectorTimeline
 *
 * Returns: (transfer none): the filter as typed
 */
const char *
inspector_timeline_get_filter_text (InspectorTimeline *self)
{
  g_return_val_if_fail (INSPECTOR_IS_TIMELINE (self), NULL);

  return self->filter_text;
}

/**
 * inspector_timeline_set_filter_text:
 * @self: a #InspectorTimeline
 * @text: (nullable): a filter, as the user would type it
 *
 * Sets the filter entry and applies it at once.
 */
void
inspector_timeline_set_filter_text (InspectorTimeline *self,
                                    const char        *text)
{
  g_return_if_fail (INSPECTOR_IS_TIMELINE (self));

  if (text == NULL)
    text = "";

  g_signal_handlers_block_by_func (self->filter_entry, on_filter_search_changed, self);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->filter_entry)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), text);
  g_signal_handlers_unblock_by_func (self->filter_entry, on_filter_search_changed, self);

  apply_filter_text (self, text);
}

/**
 * inspector_timeline_get_n_hidden:
 * @self: a #InspectorTimeline
 *
 * Returns: how many journal entries the filter hides; see
 *   inspector_timeline_get_filtering() for whether it is still counting
 */
guint
inspector_timeline_get_n_hidden (InspectorTimeline *self)
{
  g_return_val_if_fail (INSPECTOR_IS_TIMELINE (self), 0);

  if (self->batch->flush_id != 0)
    {
      batch_flush (self->batch);
      update_hidden (self);
    }
  return self->n_hidden;
}

/**
 * inspector_timeline_get_filtering:
 * @self: a #InspectorTimeline
 *
 * Returns: whether the filter is still going through the journal
 */
gboolean
inspector_timeline_get_filtering (InspectorTimeline *self)
{
  g_return_val_if_fail (INSPECTOR_IS_TIMELINE (self), FALSE);

  return self->batch->flush_id != 0 || gtk_filter_list_model_get_pending (self->filter_model) > 0;
}

/**
 * inspector_timeline_get_model:
 * @self: a #InspectorTimeline
 *
 * Returns: (transfer none): the rows shown: the journal entries the filter keeps
 */
GListModel *
inspector_timeline_get_model (InspectorTimeline *self)
{
  g_return_val_if_fail (INSPECTOR_IS_TIMELINE (self), NULL);

  batch_flush (self->batch);
  return G_LIST_MODEL (self->filter_model);
}

/**
 * inspector_timeline_get_selected_entry:
 * @self: a #InspectorTimeline
 *
 * Returns: (transfer none) (nullable): the selected journal entry
 */
VrtcJournalEntry *
inspector_timeline_get_selected_entry (InspectorTimeline *self)
{
  g_return_val_if_fail (INSPECTOR_IS_TIMELINE (self), NULL);

  return selected_entry (self);
}

/**
 * inspector_timeline_get_row_widget:
 * @self: a #InspectorTimeline
 * @message_id: a message id
 *
 * Returns: (transfer none) (nullable): the operations cell of @message_id's row, when it
 *   is on screen
 */
GtkWidget *
inspector_timeline_get_row_widget (InspectorTimeline *self,
                                   const char        *message_id)
{
  GHashTableIter iter;
  Cell *cell;

  g_return_val_if_fail (INSPECTOR_IS_TIMELINE (self), NULL);
  g_return_val_if_fail (message_id != NULL, NULL);

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, (gpointer *) &cell, NULL))
    if (cell->column == COL_SUMMARY &&
        g_strcmp0 (vrtc_journal_entry_get_message_id (cell->entry), message_id) == 0)
      return cell->root;

  return NULL;
}

/**
 * inspector_timeline_get_peers:
 * @self: a #InspectorTimeline
 *
 * Returns: (transfer none): the peers view of the pane
 */
InspectorPeers *
inspector_timeline_get_peers (InspectorTimeline *self)
{
  g_return_val_if_fail (INSPECTOR_IS_TIMELINE (self), NULL);

  return self->peers;
}

/**
 * inspector_timeline_popup_menu:
 * @self: a #InspectorTimeline
 *
 * Opens the context menu of the selected row (Menu key, Shift+F10).
 */
void
inspector_timeline_popup_menu (InspectorTimeline *self)
{
  VrtcJournalEntry *entry;
  Cell *cell;

  g_return_if_fail (INSPECTOR_IS_TIMELINE (self));

  entry = selected_entry (self);
  if (entry == NULL)
    return;

  cell = bound_cell (self, entry, COL_SUMMARY);
  if (cell != NULL)
    popup_menu_at (self, entry, cell->root, 24, gtk_widget_get_height (cell->root));
  else
    popup_menu_at (self, entry, GTK_WIDGET (self->column_view), 24, 24);
}
