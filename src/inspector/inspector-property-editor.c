/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "inspector-property-editor.h"

/*
 * The selected node's properties: a GtkListBox bound to vrtc_node_get_properties(), one
 * InspectorPropertyRow per path. Rows hand their edits here; they preview in the store
 * until Commit (Ctrl+Enter) or Cancel (Escape).
 */

struct _InspectorPropertyEditor
{
  GtkWidget                 parent_instance;

  /* template children */
  GtkStack                 *stack;
  GtkLabel                 *key_label;
  GtkLabel                 *subtitle_label;
  GtkLabel                 *state_label;
  GtkLabel                 *parent_label;
  GtkMenuButton            *add_button;
  GtkPopover               *add_popover;
  GtkEntry                 *add_path_entry;
  GtkDropDown              *add_type_dropdown;
  GtkLabel                 *add_error_label;
  GtkButton                *add_confirm_button;
  GtkListBox               *list_box;
  GtkActionBar             *pending_bar;
  GtkLabel                 *pending_label;

  /* what is shown */
  VrtcStore                *store;
  VrtcNode                 *node;
  GListModel               *properties;   /* the node's, which the rows follow */
  gboolean                  read_only;
};

G_DEFINE_FINAL_TYPE (InspectorPropertyEditor, inspector_property_editor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_NODE,
  PROP_READ_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const property_types[] = {
  "number", "vector3", "euler", "quaternion", "color", "boolean", "string", "array", "object",
  NULL
};

static const char * const default_values[] = {
  "0", "[0,0,0]", "[0,0,0]", "[0,0,0,1]", "\"#ffffff\"", "false", "\"\"", "[]", "{}",
};

static gboolean
is_read_only (InspectorPropertyEditor *self)
{
  return self->read_only || self->store == NULL || vrtc_store_get_read_only (self->store);
}

static void
update_actions (InspectorPropertyEditor *self)
{
  gboolean writable = !is_read_only (self);
  guint pending = self->store ? vrtc_store_get_pending_count (self->store) : 0;
  g_autofree char *text = NULL;

  /* On even with nothing pending: text typed and not applied yet counts as an edit. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.commit", writable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.cancel", writable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-property",
                                 writable && self->node != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), writable && self->node != NULL);

  text = g_strdup_printf (ngettext ("%u edit", "%u edits", pending), pending);
  gtk_label_set_label (self->pending_label, text);
  gtk_action_bar_set_revealed (self->pending_bar, writable && pending > 0);
}

static void
foreach_row (InspectorPropertyEditor *self,
             void                   (*func) (InspectorPropertyRow *row))
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (INSPECTOR_IS_PROPERTY_ROW (child))
      func (INSPECTOR_PROPERTY_ROW (child));
}

static void
update_rows (InspectorPropertyEditor *self)
{
  gboolean read_only = is_read_only (self);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (INSPECTOR_IS_PROPERTY_ROW (child))
      {
        inspector_property_row_set_read_only (INSPECTOR_PROPERTY_ROW (child), read_only);
        inspector_property_row_set_store (INSPECTOR_PROPERTY_ROW (child), self->store);
      }
}

/* Header */

static void
update_header (InspectorPropertyEditor *self)
{
  const char *tag, *name, *parent;
  g_autofree char *subtitle = NULL;
  g_autofree char *parent_text = NULL;
  g_autofree char *accessible = NULL;
  const char *state;

  if (self->node == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  tag = vrtc_node_get_tag (self->node);
  name = vrtc_node_get_name (self->node);
  parent = vrtc_node_get_parent_key (self->node);

  gtk_label_set_label (self->key_label, vrtc_node_get_key (self->node));
  if (name != NULL && *name != '\0')
    /* Translators: a node's tag and name, "Mesh · Cube" */
    subtitle = g_strdup_printf (_("%s · %s"), tag ? tag : "?", name);
  else
    subtitle = g_strdup (tag ? tag : "");
  gtk_label_set_label (self->subtitle_label, subtitle);

  if (parent != NULL)
    parent_text = g_strdup_printf (_("Parent: %s"), parent);
  else
    parent_text = g_strdup (_("Root of the scene"));
  gtk_label_set_label (self->parent_label, parent_text);

  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");
  if (!vrtc_node_is_live (self->node))
    {
      state = _("Removed");
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
    }
  else if (!vrtc_node_is_visible (self->node))
    {
      state = _("Hidden (an ancestor is removed)");
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "warning");
    }
  else
    {
      state = _("Live");
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "success");
    }
  gtk_label_set_label (self->state_label, state);

  /* Translators: the node header's accessible name: key, tag and name, state, parent */
  accessible = g_strdup_printf (_("%s, %s, %s, %s"), vrtc_node_get_key (self->node), subtitle,
                                state, parent_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->key_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);

  gtk_stack_set_visible_child_name (self->stack, "node");
}

static void
on_node_notify (VrtcNode                *node,
                GParamSpec              *pspec,
                InspectorPropertyEditor *self)
{
  update_header (self);
}

/* Rows */

static void
on_row_edit (InspectorPropertyRow    *row,
             VrtcOperation           *op,
             InspectorPropertyEditor *self)
{
  if (is_read_only (self))
    return;

  vrtc_store_edit (self->store, op);
}

static GtkWidget *
create_row (InspectorPropertyEditor *self,
            VrtcProperty            *property)
{
  GtkWidget *row = inspector_property_row_new (property);

  inspector_property_row_set_read_only (INSPECTOR_PROPERTY_ROW (row), is_read_only (self));
  inspector_property_row_set_store (INSPECTOR_PROPERTY_ROW (row), self->store);
  g_signal_connect_object (row, "edit", G_CALLBACK (on_row_edit), self, 0);

  return row;
}

/*
 * The rows follow the node's properties model, one row per item in its order, as
 * gtk_list_box_bind_model() would, but are kept by hand: when the node is the same node in
 * another state (a history step), the rows of the same paths are pointed at the new values
 * instead of being made again.
 */

static const char *
row_path (GtkListBoxRow *row)
{
  VrtcProperty *property = inspector_property_row_get_property (INSPECTOR_PROPERTY_ROW (row));

  return vrtc_property_get_path (property);
}

static void
on_properties_changed (GListModel              *model,
                       guint                    position,
                       guint                    removed,
                       guint                    added,
                       InspectorPropertyEditor *self)
{
  for (guint i = 0; i < removed; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list_box, position);

      g_assert (row != NULL);
      gtk_list_box_remove (self->list_box, GTK_WIDGET (row));
    }

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(VrtcProperty) property = g_list_model_get_item (model, position + i);

      gtk_list_box_insert (self->list_box, create_row (self, property), position + i);
    }
}

/* Shows @model's properties, re-pointing the rows whose path is at the same place. */
static void
follow_properties (InspectorPropertyEditor *self,
                   GListModel              *model,
                   gboolean                 same_node)
{
  guint n_old = 0, n_new = model ? g_list_model_get_n_items (model) : 0;
  guint prefix = 0, suffix = 0;

  if (self->properties != NULL)
    g_signal_handlers_disconnect_by_func (self->properties, on_properties_changed, self);
  g_set_object (&self->properties, model);

  while (gtk_list_box_get_row_at_index (self->list_box, n_old) != NULL)
    n_old++;

  if (same_node)
    {
      while (prefix < MIN (n_old, n_new))
        {
          GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list_box, prefix);
          g_autoptr(VrtcProperty) property = g_list_model_get_item (model, prefix);

          if (!g_str_equal (row_path (row), vrtc_property_get_path (property)))
            break;
          inspector_property_row_set_property (INSPECTOR_PROPERTY_ROW (row), property);
          prefix++;
        }
      while (suffix < MIN (n_old, n_new) - prefix)
        {
          GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list_box,
                                                              n_old - 1 - suffix);
          g_autoptr(VrtcProperty) property = g_list_model_get_item (model, n_new - 1 - suffix);

          if (!g_str_equal (row_path (row), vrtc_property_get_path (property)))
            break;
          inspector_property_row_set_property (INSPECTOR_PROPERTY_ROW (row), property);
          suffix++;
        }
    }

  if (n_old > prefix + suffix || n_new > prefix + suffix)
    on_properties_changed (model, prefix, n_old - prefix - suffix, n_new - prefix - suffix,
                           self);

  if (model != NULL)
    g_signal_connect (model, "items-changed", G_CALLBACK (on_properties_changed), self);
}

/* Actions */

static void
commit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  InspectorPropertyEditor *self = INSPECTOR_PROPERTY_EDITOR (widget);
  g_autoptr(VrtcMessage) message = NULL;

  if (is_read_only (self))
    return;

  /* Text typed but not applied yet is part of what the user commits. */
  foreach_row (self, inspector_property_row_apply_pending);

  if (vrtc_store_has_pending_edits (self->store))
    message = vrtc_store_commit (self->store);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  InspectorPropertyEditor *self = INSPECTOR_PROPERTY_EDITOR (widget);

  if (is_read_only (self))
    return;

  if (vrtc_store_has_pending_edits (self->store))
    vrtc_store_cancel_edits (self->store);
  /* Even the focused editor goes back: cancelling is the user's own request. */
  foreach_row (self, inspector_property_row_refresh);
}

static void
add_property_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  InspectorPropertyEditor *self = INSPECTOR_PROPERTY_EDITOR (widget);

  gtk_menu_button_popup (self->add_button);
}

static void
show_add_error (InspectorPropertyEditor *self,
                const char              *message)
{
  gtk_label_set_label (self->add_error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->add_error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->add_path_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->add_path_entry), "error");
}

static void
on_add_confirm (InspectorPropertyEditor *self)
{
  g_autoptr(GError) error = NULL;
  guint selected = gtk_drop_down_get_selected (self->add_type_dropdown);
  const char *path = gtk_editable_get_text (GTK_EDITABLE (self->add_path_entry));

  if (selected >= G_N_ELEMENTS (default_values))
    selected = 0;

  if (!inspector_property_editor_add_property (self, path, property_types[selected], &error))
    {
      show_add_error (self, error->message);
      return;
    }

  show_add_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->add_path_entry), "");
  gtk_popover_popdown (self->add_popover);
}

static void
on_add_path_changed (InspectorPropertyEditor *self)
{
  show_add_error (self, NULL);
}

static void
on_add_popover_show (InspectorPropertyEditor *self)
{
  show_add_error (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->add_path_entry));
}

/* Store */

static void
on_store_pending (VrtcStore               *store,
                  GParamSpec              *pspec,
                  InspectorPropertyEditor *self)
{
  update_actions (self);
}

/* GObject */

static void
inspector_property_editor_dispose (GObject *object)
{
  InspectorPropertyEditor *self = INSPECTOR_PROPERTY_EDITOR (object);
  GtkWidget *child;

  inspector_property_editor_set_node (self, NULL);
  inspector_property_editor_set_store (self, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), INSPECTOR_TYPE_PROPERTY_EDITOR);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (inspector_property_editor_parent_class)->dispose (object);
}

static void
inspector_property_editor_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  InspectorPropertyEditor *self = INSPECTOR_PROPERTY_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_NODE:
      g_value_set_object (value, self->node);
      break;

    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_property_editor_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  InspectorPropertyEditor *self = INSPECTOR_PROPERTY_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      inspector_property_editor_set_store (self, g_value_get_object (value));
      break;

    case PROP_NODE:
      inspector_property_editor_set_node (self, g_value_get_object (value));
      break;

    case PROP_READ_ONLY:
      inspector_property_editor_set_read_only (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_property_editor_class_init (InspectorPropertyEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inspector_property_editor_dispose;
  object_class->get_property = inspector_property_editor_get_property;
  object_class->set_property = inspector_property_editor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VRTC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL, VRTC_TYPE_NODE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/vrtc/Inspector/inspector-property-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, key_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, state_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, parent_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, add_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, add_popover);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, add_path_entry);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, add_type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, add_error_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, add_confirm_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, list_box);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, pending_bar);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyEditor, pending_label);

  gtk_widget_class_install_action (widget_class, "editor.commit", NULL, commit_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "editor.add-property", NULL,
                                   add_property_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "editor.commit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "editor.commit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0,
                                       "editor.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "editor.add-property", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "propertyeditor");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
inspector_property_editor_init (InspectorPropertyEditor *self)
{
  g_autoptr(GtkStringList) types = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  types = gtk_string_list_new ((const char * const *) property_types);
  gtk_drop_down_set_model (self->add_type_dropdown, G_LIST_MODEL (types));

  g_signal_connect_swapped (self->add_confirm_button, "clicked",
                            G_CALLBACK (on_add_confirm), self);
  g_signal_connect_swapped (self->add_path_entry, "activate",
                            G_CALLBACK (on_add_confirm), self);
  g_signal_connect_swapped (self->add_path_entry, "changed",
                            G_CALLBACK (on_add_path_changed), self);
  g_signal_connect_swapped (self->add_popover, "show",
                            G_CALLBACK (on_add_popover_show), self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_type_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Type of the new property"),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_path_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Path of the new property"),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Add Property"),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Properties"),
                                  -1);

  update_header (self);
  update_actions (self);
}

/* Public */

GtkWidget *
inspector_property_editor_new (void)
{
  return g_object_new (INSPECTOR_TYPE_PROPERTY_EDITOR, NULL);
}

/**
 * inspector_property_editor_get_store:
 * @self: a #InspectorPropertyEditor
 *
 * Returns: (transfer none) (nullable): the store edits go to
 */
VrtcStore *
inspector_property_editor_get_store (InspectorPropertyEditor *self)
{
  g_return_val_if_fail (INSPECTOR_IS_PROPERTY_EDITOR (self), NULL);

  return self->store;
}

void
inspector_property_editor_set_store (InspectorPropertyEditor *self,
                                     VrtcStore               *store)
{
  g_return_if_fail (INSPECTOR_IS_PROPERTY_EDITOR (self));
  g_return_if_fail (store == NULL || VRTC_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "notify::pending-count",
                             G_CALLBACK (on_store_pending), self, 0);

  update_rows (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * inspector_property_editor_get_node:
 * @self: a #InspectorPropertyEditor
 *
 * Returns: (transfer none) (nullable): the node whose properties are shown
 */
VrtcNode *
inspector_property_editor_get_node (InspectorPropertyEditor *self)
{
  g_return_val_if_fail (INSPECTOR_IS_PROPERTY_EDITOR (self), NULL);

  return self->node;
}

void
inspector_property_editor_set_node (InspectorPropertyEditor *self,
                                    VrtcNode                *node)
{
  gboolean same_node;

  g_return_if_fail (INSPECTOR_IS_PROPERTY_EDITOR (self));
  g_return_if_fail (node == NULL || VRTC_IS_NODE (node));

  if (self->node == node)
    return;

  /* The same key: the node in another state of the scene. */
  same_node = self->node != NULL && node != NULL &&
              g_str_equal (vrtc_node_get_key (self->node), vrtc_node_get_key (node));

  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_set_object (&self->node, node);

  if (node != NULL)
    g_signal_connect_object (node, "notify", G_CALLBACK (on_node_notify), self, 0);
  follow_properties (self, node ? vrtc_node_get_properties (node) : NULL, same_node);

  if (gtk_widget_get_visible (GTK_WIDGET (self->add_popover)))
    gtk_popover_popdown (self->add_popover);

  update_header (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
}

gboolean
inspector_property_editor_get_read_only (InspectorPropertyEditor *self)
{
  g_return_val_if_fail (INSPECTOR_IS_PROPERTY_EDITOR (self), FALSE);

  return self->read_only;
}

/**
 * inspector_property_editor_set_read_only:
 * @self: a #InspectorPropertyEditor
 * @read_only: whether to refuse edits
 *
 * Disables every editor, for browsing history. A read-only store (a view of the past) makes
 * the editor read-only whatever this says.
 */
void
inspector_property_editor_set_read_only (InspectorPropertyEditor *self,
                                         gboolean                 read_only)
{
  g_return_if_fail (INSPECTOR_IS_PROPERTY_EDITOR (self));

  read_only = !!read_only;
  if (self->read_only == read_only)
    return;

  self->read_only = read_only;
  update_rows (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
}

/**
 * inspector_property_editor_get_row:
 * @self: a #InspectorPropertyEditor
 * @path: a property path
 *
 * Returns: (transfer none) (nullable): the row showing @path
 */
InspectorPropertyRow *
inspector_property_editor_get_row (InspectorPropertyEditor *self,
                                   const char              *path)
{
  g_return_val_if_fail (INSPECTOR_IS_PROPERTY_EDITOR (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      VrtcProperty *property;

      if (!INSPECTOR_IS_PROPERTY_ROW (child))
        continue;
      property = inspector_property_row_get_property (INSPECTOR_PROPERTY_ROW (child));
      if (g_strcmp0 (vrtc_property_get_path (property), path) == 0)
        return INSPECTOR_PROPERTY_ROW (child);
    }

  return NULL;
}

/**
 * inspector_property_editor_get_types:
 *
 * Returns: (transfer none) (array zero-terminated=1): the types "Add Property" offers
 */
const char * const *
inspector_property_editor_get_types (void)
{
  return property_types;
}

/**
 * inspector_property_editor_add_property:
 * @self: a #InspectorPropertyEditor
 * @path: the new property's path
 * @type: one of inspector_property_editor_get_types()
 * @error: return location for a #GError
 *
 * Adds a pending `TYPE.set` of the type's default value (0, [0,0,0], [0,0,0,1], "#ffffff",
 * false, "", [] or {}) to the node shown.
 *
 * Returns: %TRUE on success
 */
gboolean
inspector_property_editor_add_property (InspectorPropertyEditor  *self,
                                        const char               *path,
                                        const char               *type,
                                        GError                  **error)
{
  g_autoptr(VrtcOperation) op = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *otype = NULL;
  g_autofree char *trimmed = NULL;
  int index = -1;

  g_return_val_if_fail (INSPECTOR_IS_PROPERTY_EDITOR (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (type != NULL, FALSE);

  if (self->node == NULL || is_read_only (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           _("Properties cannot be added here"));
      return FALSE;
    }

  trimmed = g_strstrip (g_strdup (path));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Type a path, such as “transform.scale”"));
      return FALSE;
    }

  for (guint i = 0; property_types[i] != NULL; i++)
    if (g_str_equal (property_types[i], type))
      index = i;
  if (index < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a property type"), type);
      return FALSE;
    }

  existing = vrtc_node_get_property_json (self->node, trimmed);
  if (existing != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("“%s” already has a value"), trimmed);
      return FALSE;
    }

  otype = g_strconcat (type, ".set", NULL);
  op = vrtc_operation_new (vrtc_node_get_key (self->node), otype, trimmed,
                           default_values[index], error);
  if (op == NULL)
    return FALSE;

  vrtc_store_edit (self->store, op);
  return TRUE;
}
