/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "inspector-diff-view.h"

/*
 * An InspectorDiff as a list: one row per change, its kind as an icon, the node and path,
 * and old → new. Activating a row says which node to look at and in which state: a removed
 * node in the earlier one, anything else in the later one.
 */

struct _InspectorDiffView
{
  GtkWidget           parent_instance;

  /* template children */
  GtkWidget          *main_box;
  GtkLabel           *title_label;
  GtkLabel           *range_label;
  GtkLabel           *summary_label;
  GtkStack           *stack;
  GtkListView        *list_view;

  /* what is shown */
  InspectorDiff      *diff;
  GtkNoSelection     *selection;
  gint                from;
  gint                to;
  guint               offset;
};

G_DEFINE_FINAL_TYPE (InspectorDiffView, inspector_diff_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DIFF,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGE_ACTIVATED,
  CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Numbered as the timeline numbers positions: from 1, counting the compacted messages. */
static char *
position_text (InspectorDiffView *self,
               gint               position)
{
  if (position == INSPECTOR_POSITION_SNAPSHOT)
    return g_strdup (_("Snapshot"));
  if (position < 0)
    return g_strdup (_("Live"));
  /* Translators: a position in the journal */
  return g_strdup_printf (_("Position %'u"), self->offset + (guint) position + 1);
}

/* Rows */

typedef struct
{
  GtkWidget *icon;
  GtkWidget *title;
  GtkWidget *detail;
} DiffRow;

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           InspectorDiffView        *self)
{
  DiffRow *row = g_new0 (DiffRow, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  row->icon = gtk_image_new ();
  gtk_widget_set_valign (row->icon, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);

  row->title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->title), PANGO_ELLIPSIZE_MIDDLE);

  /* Values can be long (arrays, objects): up to three lines, then the tooltip. */
  row->detail = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->detail), 0);
  gtk_label_set_wrap (GTK_LABEL (row->detail), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (row->detail), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (row->detail), 3);
  gtk_label_set_ellipsize (GTK_LABEL (row->detail), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (row->detail), 40);
  gtk_widget_add_css_class (row->detail, "caption");
  gtk_widget_add_css_class (row->detail, "monospace");

  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), row->title);
  gtk_box_append (GTK_BOX (text), row->detail);
  gtk_box_append (GTK_BOX (box), row->icon);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);

  g_object_set_data_full (G_OBJECT (item), "diff-row", row, g_free);
  gtk_list_item_set_child (item, box);
}

static const char * const kind_classes[] = { "success", "error", "accent" };

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          InspectorDiffView        *self)
{
  DiffRow *row = g_object_get_data (G_OBJECT (item), "diff-row");
  InspectorDiffItem *change = gtk_list_item_get_item (item);
  const char *key = inspector_diff_item_get_key (change);
  const char *path = inspector_diff_item_get_path (change);
  const char *old_value = inspector_diff_item_get_old_value (change);
  const char *new_value = inspector_diff_item_get_new_value (change);
  const char *tag = inspector_diff_item_get_tag (change);
  const char *name = inspector_diff_item_get_name (change);
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *accessible = NULL;
  const char *icon, *css_class, *what;

  switch (inspector_diff_item_get_kind (change))
    {
    case INSPECTOR_DIFF_NODE_ADDED:
      icon = "list-add-symbolic";
      css_class = "success";
      what = _("Node added");
      title = g_strdup (key);
      if (name != NULL && *name != '\0')
        /* Translators: a node's tag and name, "Mesh · Cube" */
        detail = g_strdup_printf (_("%s · %s"), tag ? tag : "?", name);
      else
        detail = g_strdup (tag ? tag : "");
      break;

    case INSPECTOR_DIFF_NODE_REMOVED:
      icon = "list-remove-symbolic";
      css_class = "error";
      what = _("Node removed");
      title = g_strdup (key);
      if (name != NULL && *name != '\0')
        detail = g_strdup_printf (_("%s · %s"), tag ? tag : "?", name);
      else
        detail = g_strdup (tag ? tag : "");
      break;

    case INSPECTOR_DIFF_NODE_CHANGED:
    case INSPECTOR_DIFF_PROPERTY_CHANGED:
    default:
      icon = "document-edit-symbolic";
      css_class = "accent";
      what = _("Changed");
      /* Translators: a node key and one of its property paths, "cube · position" */
      title = g_strdup_printf (_("%s · %s"), key, path);
      if (old_value == NULL)
        {
          what = _("Property added");
          /* Translators: a property that did not exist before, and its new value */
          detail = g_strdup_printf (_("(none) → %s"), new_value);
        }
      else if (new_value == NULL)
        {
          what = _("Property removed");
          detail = g_strdup_printf (_("%s → (none)"), old_value);
        }
      else
        {
          /* Translators: a value before and after, as JSON */
          detail = g_strdup_printf (_("%s → %s"), old_value, new_value);
        }
      break;
    }

  gtk_image_set_from_icon_name (GTK_IMAGE (row->icon), icon);
  for (guint i = 0; i < G_N_ELEMENTS (kind_classes); i++)
    gtk_widget_remove_css_class (row->icon, kind_classes[i]);
  gtk_widget_add_css_class (row->icon, css_class);
  gtk_widget_set_tooltip_text (row->icon, what);

  gtk_label_set_label (GTK_LABEL (row->title), title);
  gtk_label_set_label (GTK_LABEL (row->detail), detail);
  gtk_widget_set_tooltip_text (row->detail, detail);

  accessible = g_strdup_printf ("%s: %s, %s", what, title, detail);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_list_item_get_child (item)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
on_activate (GtkListView       *list_view,
             guint              position,
             InspectorDiffView *self)
{
  inspector_diff_view_activate_item (self, position);
}

/* Header */

static void
update_labels (InspectorDiffView *self)
{
  g_autofree char *range = inspector_diff_view_dup_range_text (self);
  g_autofree char *added = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *summary = NULL;
  guint n_added = self->diff ? inspector_diff_get_n_added (self->diff) : 0;
  guint n_removed = self->diff ? inspector_diff_get_n_removed (self->diff) : 0;
  guint n_changed = self->diff ? inspector_diff_get_n_changed (self->diff) : 0;

  gtk_label_set_label (self->range_label, range);

  added = g_strdup_printf (ngettext ("%'u node added", "%'u nodes added", n_added), n_added);
  removed = g_strdup_printf (ngettext ("%'u removed", "%'u removed", n_removed), n_removed);
  changed = g_strdup_printf (ngettext ("%'u value changed", "%'u values changed", n_changed),
                             n_changed);
  /* Translators: "2 nodes added · 1 removed · 5 values changed" */
  summary = g_strdup_printf (_("%s · %s · %s"), added, removed, changed);
  gtk_label_set_label (self->summary_label, summary);

  gtk_stack_set_visible_child_name (self->stack,
                                    self->diff != NULL &&
                                    g_list_model_get_n_items (G_LIST_MODEL (self->diff)) > 0
                                    ? "list" : "empty");
}

/* Actions */

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  InspectorDiffView *self = INSPECTOR_DIFF_VIEW (widget);
  g_autofree char *text = NULL;

  if (self->diff == NULL)
    return;

  text = inspector_diff_to_string (self->diff);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_signal_emit (widget, signals[CLOSE], 0);
}

/* GObject */

static void
inspector_diff_view_dispose (GObject *object)
{
  InspectorDiffView *self = INSPECTOR_DIFF_VIEW (object);

  g_clear_pointer (&self->main_box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), INSPECTOR_TYPE_DIFF_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->diff);

  G_OBJECT_CLASS (inspector_diff_view_parent_class)->dispose (object);
}

static void
inspector_diff_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  InspectorDiffView *self = INSPECTOR_DIFF_VIEW (object);

  switch (prop_id)
    {
    case PROP_DIFF:
      g_value_set_object (value, self->diff);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_diff_view_class_init (InspectorDiffViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inspector_diff_view_dispose;
  object_class->get_property = inspector_diff_view_get_property;

  properties[PROP_DIFF] =
    g_param_spec_object ("diff", NULL, NULL, INSPECTOR_TYPE_DIFF,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InspectorDiffView::change-activated:
   * @self: the view
   * @item: the change
   * @position: the history position to look at it in, -1 for live
   *
   * A row was activated: show @item's node as it was at @position.
   */
  signals[CHANGE_ACTIVATED] =
    g_signal_new ("change-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, INSPECTOR_TYPE_DIFF_ITEM, G_TYPE_INT);

  /**
   * InspectorDiffView::close:
   * @self: the view
   *
   * The user asked to close the comparison.
   */
  signals[CLOSE] =
    g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/vrtc/Inspector/inspector-diff-view.ui");
  gtk_widget_class_bind_template_child (widget_class, InspectorDiffView, main_box);
  gtk_widget_class_bind_template_child (widget_class, InspectorDiffView, title_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorDiffView, range_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorDiffView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorDiffView, stack);
  gtk_widget_class_bind_template_child (widget_class, InspectorDiffView, list_view);

  gtk_widget_class_install_action (widget_class, "diff.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "diff.close", NULL, close_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "diffview");
}

static void
inspector_diff_view_init (InspectorDiffView *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->from = -1;
  self->to = -1;
  self->selection = gtk_no_selection_new (NULL);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  g_signal_connect (self->list_view, "activate", G_CALLBACK (on_activate), self);

  update_labels (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "diff.copy", FALSE);
}

/* Public */

GtkWidget *
inspector_diff_view_new (void)
{
  return g_object_new (INSPECTOR_TYPE_DIFF_VIEW, NULL);
}

/**
 * inspector_diff_view_get_diff:
 * @self: an #InspectorDiffView
 *
 * Returns: (transfer none) (nullable): the changes shown
 */
InspectorDiff *
inspector_diff_view_get_diff (InspectorDiffView *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF_VIEW (self), NULL);

  return self->diff;
}

/**
 * inspector_diff_view_set_diff:
 * @self: an #InspectorDiffView
 * @diff: (nullable): the changes
 * @from: the history position of @diff's earlier state, -1 for live,
 *   %INSPECTOR_POSITION_SNAPSHOT for the snapshot
 * @to: the history position of its later state, likewise
 * @offset: how many messages compaction folded, to number positions as the timeline does
 *
 * Shows @diff, saying which two states it compares.
 */
void
inspector_diff_view_set_diff (InspectorDiffView *self,
                              InspectorDiff     *diff,
                              gint               from,
                              gint               to,
                              guint              offset)
{
  g_return_if_fail (INSPECTOR_IS_DIFF_VIEW (self));
  g_return_if_fail (diff == NULL || INSPECTOR_IS_DIFF (diff));

  self->from = from;
  self->to = to;
  self->offset = offset;
  if (g_set_object (&self->diff, diff))
    {
      gtk_no_selection_set_model (self->selection, G_LIST_MODEL (diff));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIFF]);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "diff.copy",
                                 diff != NULL &&
                                 g_list_model_get_n_items (G_LIST_MODEL (diff)) > 0);
  update_labels (self);
}

gint
inspector_diff_view_get_from (InspectorDiffView *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF_VIEW (self), -1);

  return self->from;
}

gint
inspector_diff_view_get_to (InspectorDiffView *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF_VIEW (self), -1);

  return self->to;
}

/**
 * inspector_diff_view_dup_range_text:
 * @self: an #InspectorDiffView
 *
 * Returns: (transfer full): the two states compared, "Position 12 → Live"
 */
char *
inspector_diff_view_dup_range_text (InspectorDiffView *self)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_return_val_if_fail (INSPECTOR_IS_DIFF_VIEW (self), NULL);

  from = position_text (self, self->from);
  to = position_text (self, self->to);
  /* Translators: the two states a comparison is between, "Position 12 → Live" */
  return g_strdup_printf (_("%s → %s"), from, to);
}

/**
 * inspector_diff_view_activate_item:
 * @self: an #InspectorDiffView
 * @position: a row
 *
 * Does what clicking the row does: emits #InspectorDiffView::change-activated.
 */
void
inspector_diff_view_activate_item (InspectorDiffView *self,
                                   guint              position)
{
  g_autoptr(InspectorDiffItem) item = NULL;
  gint state;

  g_return_if_fail (INSPECTOR_IS_DIFF_VIEW (self));

  if (self->diff == NULL ||
      (item = g_list_model_get_item (G_LIST_MODEL (self->diff), position)) == NULL)
    return;

  state = inspector_diff_item_get_kind (item) == INSPECTOR_DIFF_NODE_REMOVED ? self->from
                                                                              : self->to;
  g_signal_emit (self, signals[CHANGE_ACTIVATED], 0, item, state);
}
