/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "inspector-property-row.h"
#include "inspector-list-util.h"

/*
 * One property of a node, with an editor picked by its value type. The row never touches the
 * store: every change becomes a VrtcOperation handed out through the ::edit signal, so the
 * property editor decides where it goes (and a read-only row simply emits nothing).
 */

#define MAX_COMPONENTS        4
#define DRAG_PIXELS_PER_STEP  4.0
#define FLASH_MS              1500
#define FADE_MS               600
#define FLASH_ALPHA           0.16

typedef struct
{
  InspectorPropertyRow *row;
  guint                 index;
  GtkSpinButton        *spin;
  GtkWidget            *handle;       /* the label that nudges when dragged */
  double                last;         /* the value shown before this change */
  double                typed_value;
  gboolean              typed;        /* the next value-changed comes from typed text */
  double                drag_origin;
  int                   drag_steps;
} Component;

struct _InspectorPropertyRow
{
  GtkListBoxRow             parent_instance;

  /* template children */
  GtkBox                   *title_box;
  GtkLabel                 *path_label;
  GtkLabel                 *type_label;
  GtkBox                   *editor_box;
  GtkMenuButton            *provenance_button;

  /* the property shown, and its store's journal for provenance */
  VrtcProperty             *property;
  VrtcStore                *store;
  const char               *kind;
  gboolean                  read_only;

  /* the editor widgets of the current kind */
  Component                 components[MAX_COMPONENTS];
  guint                     n_components;
  GtkWidget                *entry;
  GtkWidget                *color_button;
  GtkWidget                *toggle;
  GtkEventController       *editor_focus;

  /* keeping widget and store in step */
  gboolean                  updating;
  gboolean                  deferred;
  gboolean                  dragging;
  guint                     refresh_idle;
  /* a changed value lights the row up, then fades */
  InspectorFlash            flash;
};

G_DEFINE_FINAL_TYPE (InspectorPropertyRow, inspector_property_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_PROPERTY,
  PROP_READ_ONLY,
  N_PROPS
};

enum {
  EDIT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *component_names[MAX_COMPONENTS] = { "x", "y", "z", "w" };

static void sync_from_property (InspectorPropertyRow *self,
                                gboolean              force);

/* Values */

static void
append_number (GString *out,
               double   value)
{
  static const char *formats[] = { "%.15g", "%.16g", "%.17g" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value) || value == 0)
    {
      g_string_append_c (out, '0');
      return;
    }

  /* The shortest text that reads back as the same double. */
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
}

static char *
numbers_to_json (const double *values,
                 guint         n)
{
  GString *out = g_string_new ("[");

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_number (out, values[i]);
    }
  g_string_append_c (out, ']');

  return g_string_free (out, FALSE);
}

static char *
number_to_json (double value)
{
  GString *out = g_string_new (NULL);

  append_number (out, value);
  return g_string_free (out, FALSE);
}

static char *
string_to_json (const char *text)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return json_to_string (node, FALSE);
}

/* Reads a number or an array of numbers; returns how many were read. */
static guint
parse_numbers (const char *json,
               double     *out,
               guint       max)
{
  g_autoptr(JsonNode) node = json ? json_from_string (json, NULL) : NULL;

  if (node == NULL)
    return 0;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = MIN (json_array_get_length (array), max);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) ||
              json_node_get_value_type (element) == G_TYPE_STRING)
            return i;
          out[i] = json_node_get_double (element);
        }
      return n;
    }

  if (JSON_NODE_HOLDS_VALUE (node) && max > 0 &&
      json_node_get_value_type (node) != G_TYPE_STRING &&
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      out[0] = json_node_get_double (node);
      return 1;
    }

  return 0;
}

static char *
parse_string (const char *json)
{
  g_autoptr(JsonNode) node = json ? json_from_string (json, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return g_strdup (json_node_get_string (node));
}

static gboolean
is_hex_color (const char *text)
{
  gsize len = text ? strlen (text) : 0;

  if (len != 4 && len != 7)
    return FALSE;
  if (text[0] != '#')
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;

  return TRUE;
}

static char *
rgba_to_hex (const GdkRGBA *rgba)
{
  return g_strdup_printf ("#%02x%02x%02x",
                          (guint) CLAMP (round (rgba->red * 255), 0, 255),
                          (guint) CLAMP (round (rgba->green * 255), 0, 255),
                          (guint) CLAMP (round (rgba->blue * 255), 0, 255));
}

/* Checks JSON text for an array or object row; on error says what is wrong. */
static JsonNode *
validate_json (const char  *kind,
               const char  *text,
               char       **problem)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  gboolean want_array = g_str_equal (kind, "array");

  if (!json_parser_load_from_data (parser, text, -1, &error))
    {
      *problem = g_strdup (error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      *problem = g_strdup (_("Empty text: type a JSON value"));
      return NULL;
    }
  if (want_array && !JSON_NODE_HOLDS_ARRAY (root))
    {
      *problem = g_strdup (_("Not a JSON array: it must start with “[”"));
      return NULL;
    }
  if (!want_array && !JSON_NODE_HOLDS_OBJECT (root))
    {
      *problem = g_strdup (_("Not a JSON object: it must start with “{”"));
      return NULL;
    }

  return json_node_copy (root);
}

/* Operations */

static void
emit_op (InspectorPropertyRow *self,
         const char           *otype,
         const char           *value_json)
{
  g_autoptr(VrtcOperation) op = NULL;
  g_autoptr(GError) error = NULL;

  if (self->read_only || self->property == NULL)
    return;

  op = vrtc_operation_new (vrtc_property_get_key (self->property), otype,
                           vrtc_property_get_path (self->property), value_json, &error);
  if (op == NULL)
    {
      g_warning ("Cannot build a %s operation: %s", otype, error->message);
      return;
    }

  g_signal_emit (self, signals[EDIT], 0, op);
}

/* The store's value with one component replaced: a *.set carries the whole value. */
static void
store_components (InspectorPropertyRow *self,
                  double               *values)
{
  guint n = parse_numbers (vrtc_property_get_value_json (self->property), values,
                           self->n_components);

  for (guint i = n; i < self->n_components; i++)
    values[i] = gtk_spin_button_get_value (self->components[i].spin);
}

static void
set_component (Component *c,
               double     value)
{
  InspectorPropertyRow *self = c->row;
  g_autofree char *otype = g_strconcat (self->kind, ".set", NULL);
  g_autofree char *json = NULL;

  if (g_str_equal (self->kind, "number"))
    {
      json = number_to_json (value);
    }
  else
    {
      double values[MAX_COMPONENTS];

      store_components (self, values);
      values[c->index] = value;
      json = numbers_to_json (values, self->n_components);
    }

  emit_op (self, otype, json);
}

static void
nudge_component (Component *c,
                 double     delta)
{
  InspectorPropertyRow *self = c->row;
  double step = gtk_adjustment_get_step_increment (gtk_spin_button_get_adjustment (c->spin));
  g_autofree char *json = NULL;
  double steps;

  /* Steps of 0.1 add exactly 0.1, not the float noise of the difference. */
  steps = step > 0 ? delta / step : 0;
  if (step > 0 && fabs (steps - round (steps)) < 1e-6)
    delta = round (steps) * step;
  if (delta == 0)
    return;

  if (g_str_equal (self->kind, "number"))
    {
      json = number_to_json (delta);
      emit_op (self, "number.add", json);
    }
  else if (g_str_equal (self->kind, "quaternion"))
    {
      double values[MAX_COMPONENTS];

      /* Quaternions have no component-wise add: set the nudged whole. */
      store_components (self, values);
      values[c->index] += delta;
      json = numbers_to_json (values, self->n_components);
      emit_op (self, "quaternion.set", json);
    }
  else
    {
      double values[MAX_COMPONENTS] = { 0 };
      g_autofree char *otype = g_strconcat (self->kind, ".add", NULL);

      values[c->index] = delta;
      json = numbers_to_json (values, self->n_components);
      emit_op (self, otype, json);
    }
}

static void
apply_entry (InspectorPropertyRow *self)
{
  const char *text;
  const char *current;

  if (self->entry == NULL || self->updating || self->read_only || self->property == NULL)
    return;

  text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  current = vrtc_property_get_value_json (self->property);

  if (g_str_equal (self->kind, "string"))
    {
      g_autofree char *old = parse_string (current);

      if (g_strcmp0 (old, text) != 0)
        {
          g_autofree char *json = string_to_json (text);
          emit_op (self, "string.set", json);
        }
    }
  else if (g_str_equal (self->kind, "color"))
    {
      g_autofree char *old = parse_string (current);

      if (is_hex_color (text) && g_ascii_strcasecmp (old ? old : "", text) != 0)
        {
          g_autofree char *lower = g_ascii_strdown (text, -1);
          g_autofree char *json = string_to_json (lower);
          emit_op (self, "color.set", json);
        }
    }
  else if (g_str_equal (self->kind, "array") || g_str_equal (self->kind, "object"))
    {
      g_autofree char *problem = NULL;
      g_autoptr(JsonNode) node = NULL;

      if (g_strcmp0 (text, current) == 0)
        return;

      node = validate_json (self->kind, text, &problem);
      if (node != NULL)
        {
          g_autofree char *json = json_to_string (node, FALSE);
          g_autofree char *otype = g_strconcat (self->kind, ".set", NULL);

          if (g_strcmp0 (json, current) != 0)
            emit_op (self, otype, json);
        }
    }
}

/* Spin buttons: typing + Enter is a set, a step (buttons, keys, scroll, drag) is an add. */

static int
on_spin_input (GtkSpinButton *spin,
               double        *new_value,
               Component     *c)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));
  double current = gtk_spin_button_get_value (spin);
  double tolerance = 0.5 * pow (10, -(double) gtk_spin_button_get_digits (spin));
  char *end = NULL;
  double value;

  c->typed = FALSE;

  value = g_strtod (text, &end);
  if (text[0] == '\0' || end == text || *end != '\0' || !isfinite (value))
    return GTK_INPUT_ERROR;

  /* The text shows the value rounded: leaving it untouched must not round the store. */
  if (fabs (value - current) <= tolerance * 1.0001)
    {
      *new_value = current;
      return TRUE;
    }

  c->typed = TRUE;
  c->typed_value = value;
  *new_value = value;

  return TRUE;
}

static void
on_spin_value_changed (GtkSpinButton *spin,
                       Component     *c)
{
  InspectorPropertyRow *self = c->row;
  double value = gtk_spin_button_get_value (spin);
  gboolean typed = c->typed;

  c->typed = FALSE;

  if (self->updating || self->dragging)
    return;

  if (typed && fabs (value - c->typed_value) < 1e-12)
    set_component (c, value);
  else
    nudge_component (c, value - c->last);

  c->last = value;
}

/* Dragging a component's label nudges by a step per few pixels; one add at the end. */

static Component *
component_for_gesture (InspectorPropertyRow *self,
                       GtkGesture           *gesture)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  for (guint i = 0; i < self->n_components; i++)
    if (self->components[i].handle == widget)
      return &self->components[i];

  return NULL;
}

static void
on_drag_begin (GtkGestureDrag       *gesture,
               double                x,
               double                y,
               InspectorPropertyRow *self)
{
  Component *c = component_for_gesture (self, GTK_GESTURE (gesture));

  if (c == NULL || self->read_only)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_spin_button_update (c->spin);
  self->dragging = TRUE;
  c->drag_steps = 0;
  c->drag_origin = c->last = gtk_spin_button_get_value (c->spin);
}

static void
on_drag_update (GtkGestureDrag       *gesture,
                double                offset_x,
                double                offset_y,
                InspectorPropertyRow *self)
{
  Component *c = component_for_gesture (self, GTK_GESTURE (gesture));
  double step;
  int steps;

  if (c == NULL || !self->dragging)
    return;

  steps = (int) (offset_x / DRAG_PIXELS_PER_STEP);
  if (steps == c->drag_steps)
    return;

  c->drag_steps = steps;
  step = gtk_adjustment_get_step_increment (gtk_spin_button_get_adjustment (c->spin));
  gtk_spin_button_set_value (c->spin, c->drag_origin + steps * step);
}

static void
finish_drag (InspectorPropertyRow *self,
             GtkGesture           *gesture,
             gboolean              apply)
{
  Component *c = component_for_gesture (self, gesture);
  double step;

  if (c == NULL || !self->dragging)
    return;

  self->dragging = FALSE;
  step = gtk_adjustment_get_step_increment (gtk_spin_button_get_adjustment (c->spin));

  if (apply && c->drag_steps != 0)
    {
      nudge_component (c, c->drag_steps * step);
      c->last = gtk_spin_button_get_value (c->spin);
    }
  else
    {
      self->updating = TRUE;
      gtk_spin_button_set_value (c->spin, c->drag_origin);
      self->updating = FALSE;
    }
  c->drag_steps = 0;

  if (self->deferred)
    sync_from_property (self, FALSE);
}

static void
on_drag_end (GtkGestureDrag       *gesture,
             double                offset_x,
             double                offset_y,
             InspectorPropertyRow *self)
{
  finish_drag (self, GTK_GESTURE (gesture), TRUE);
}

static void
on_drag_cancel (GtkGesture           *gesture,
                GdkEventSequence     *sequence,
                InspectorPropertyRow *self)
{
  finish_drag (self, gesture, FALSE);
}

static void
add_drag_gesture (InspectorPropertyRow *self,
                  GtkWidget            *handle)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (on_drag_cancel), self);
  gtk_widget_add_controller (handle, GTK_EVENT_CONTROLLER (drag));
  gtk_widget_set_cursor_from_name (handle, "ew-resize");
}

/* Other editors */

static void
on_entry_changed (GtkEditable          *editable,
                  InspectorPropertyRow *self)
{
  const char *text = gtk_editable_get_text (editable);
  g_autofree char *problem = NULL;

  if (g_str_equal (self->kind, "color"))
    {
      if (!is_hex_color (text))
        problem = g_strdup (_("A color is “#rrggbb” or “#rgb”"));
    }
  else if (g_str_equal (self->kind, "array") || g_str_equal (self->kind, "object"))
    {
      JsonNode *node = validate_json (self->kind, text, &problem);

      g_clear_pointer (&node, json_node_unref);
    }

  if (problem != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  inspector_set_tooltip_text (GTK_WIDGET (editable), problem);
}

static void
on_entry_activate (GtkEntry             *entry,
                   InspectorPropertyRow *self)
{
  apply_entry (self);
}

static void
on_entry_leave (GtkEventControllerFocus *controller,
                InspectorPropertyRow    *self)
{
  apply_entry (self);
}

static void
on_color_set (GtkColorButton       *button,
              InspectorPropertyRow *self)
{
  GdkRGBA rgba;
  g_autofree char *hex = NULL;
  g_autofree char *json = NULL;

  if (self->updating)
    return;

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (button), &rgba);
  hex = rgba_to_hex (&rgba);

  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), hex);
  self->updating = FALSE;

  json = string_to_json (hex);
  emit_op (self, "color.set", json);
}

static void
on_switch_active (GtkSwitch            *toggle,
                  GParamSpec           *pspec,
                  InspectorPropertyRow *self)
{
  if (self->updating)
    return;

  emit_op (self, "boolean.set", gtk_switch_get_active (toggle) ? "true" : "false");
}

/* Building the editor for a kind */

static const char *
kind_for_property (VrtcProperty *property)
{
  static const char *kinds[] = {
    "number", "vector3", "quaternion", "color", "boolean", "string", "array", "object",
  };
  const char *type = vrtc_property_get_value_type (property);

  if (g_str_equal (type, "vector3") && strstr (vrtc_property_get_path (property), "rotation"))
    return "euler";

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (type, kinds[i]))
      return kinds[i];

  return "null";
}

static void
set_accessible_label (GtkWidget  *widget,
                      const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
clear_editor (InspectorPropertyRow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->editor_box))) != NULL)
    gtk_box_remove (self->editor_box, child);

  memset (self->components, 0, sizeof self->components);
  self->n_components = 0;
  self->entry = NULL;
  self->color_button = NULL;
  self->toggle = NULL;
  gtk_widget_set_cursor (GTK_WIDGET (self->path_label), NULL);
}

static GtkSpinButton *
make_spin (InspectorPropertyRow *self,
           guint                 index,
           const char           *accessible)
{
  GtkAdjustment *adjustment = gtk_adjustment_new (0, -1e9, 1e9, 0.1, 1.0, 0);
  GtkWidget *spin = gtk_spin_button_new (adjustment, 0.1, 3);
  Component *c = &self->components[index];

  c->row = self;
  c->index = index;
  c->spin = GTK_SPIN_BUTTON (spin);

  gtk_spin_button_set_update_policy (c->spin, GTK_UPDATE_IF_VALID);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 4);
  gtk_widget_set_hexpand (spin, TRUE);
  set_accessible_label (spin, accessible);
  g_signal_connect (spin, "input", G_CALLBACK (on_spin_input), c);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_value_changed), c);

  return c->spin;
}

static GtkWidget *
make_entry (InspectorPropertyRow *self,
            const char           *accessible)
{
  GtkWidget *entry = gtk_entry_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  gtk_widget_set_hexpand (entry, TRUE);
  set_accessible_label (entry, accessible);
  g_signal_connect (entry, "activate", G_CALLBACK (on_entry_activate), self);
  g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed), self);
  g_signal_connect (focus, "leave", G_CALLBACK (on_entry_leave), self);
  gtk_widget_add_controller (entry, focus);

  return entry;
}

static void
build_editor (InspectorPropertyRow *self)
{
  const char *path = vrtc_property_get_path (self->property);
  g_autofree char *row_label = NULL;

  clear_editor (self);
  self->kind = kind_for_property (self->property);

  gtk_label_set_label (self->path_label, path);
  inspector_set_tooltip_text (GTK_WIDGET (self->path_label), path);
  gtk_label_set_label (self->type_label, self->kind);

  if (g_str_equal (self->kind, "number"))
    {
      g_autofree char *accessible = g_strdup (path);
      GtkSpinButton *spin = make_spin (self, 0, accessible);

      g_autofree char *tooltip = g_strdup_printf (_("%s — drag sideways to nudge"), path);

      self->n_components = 1;
      self->components[0].handle = GTK_WIDGET (self->path_label);
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self->path_label), "ew-resize");
      inspector_set_tooltip_text (GTK_WIDGET (self->path_label), tooltip);
      /* One number needs no more room than one vector component. */
      gtk_widget_set_hexpand (GTK_WIDGET (spin), FALSE);
      gtk_editable_set_width_chars (GTK_EDITABLE (spin), 10);
      gtk_box_append (self->editor_box, GTK_WIDGET (spin));
    }
  else if (g_str_equal (self->kind, "vector3") || g_str_equal (self->kind, "euler") ||
           g_str_equal (self->kind, "quaternion"))
    {
      self->n_components = g_str_equal (self->kind, "quaternion") ? 4 : 3;

      for (guint i = 0; i < self->n_components; i++)
        {
          /* Translators: the accessible name of one component, "transform.position x" */
          g_autofree char *accessible = g_strdup_printf (_("%s %s"), path, component_names[i]);
          g_autofree char *handle_label = g_strdup_printf (_("Drag to nudge %s"), accessible);
          GtkWidget *handle = gtk_label_new (component_names[i]);
          GtkSpinButton *spin = make_spin (self, i, accessible);

          gtk_widget_add_css_class (handle, "component-handle");
          gtk_widget_add_css_class (handle, "dim-label");
          inspector_set_tooltip_text (handle, handle_label);
          add_drag_gesture (self, handle);
          self->components[i].handle = handle;

          gtk_box_append (self->editor_box, handle);
          gtk_box_append (self->editor_box, GTK_WIDGET (spin));
        }
    }
  else if (g_str_equal (self->kind, "color"))
    {
      g_autofree char *button_label = g_strdup_printf (_("%s color"), path);
      g_autofree char *entry_label = g_strdup_printf (_("%s hex"), path);

      self->color_button = gtk_color_button_new ();
      gtk_color_chooser_set_use_alpha (GTK_COLOR_CHOOSER (self->color_button), FALSE);
      gtk_color_button_set_title (GTK_COLOR_BUTTON (self->color_button), path);
      set_accessible_label (self->color_button, button_label);
      g_signal_connect (self->color_button, "color-set", G_CALLBACK (on_color_set), self);

      self->entry = make_entry (self, entry_label);
      gtk_widget_set_hexpand (self->entry, FALSE);
      gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 8);
      gtk_entry_set_max_length (GTK_ENTRY (self->entry), 7);
      gtk_widget_add_css_class (self->entry, "monospace");

      gtk_box_append (self->editor_box, self->color_button);
      gtk_box_append (self->editor_box, self->entry);
    }
  else if (g_str_equal (self->kind, "boolean"))
    {
      self->toggle = gtk_switch_new ();
      gtk_widget_set_halign (self->toggle, GTK_ALIGN_START);
      gtk_widget_set_valign (self->toggle, GTK_ALIGN_CENTER);
      set_accessible_label (self->toggle, path);
      g_signal_connect (self->toggle, "notify::active", G_CALLBACK (on_switch_active), self);
      gtk_box_append (self->editor_box, self->toggle);
    }
  else if (g_str_equal (self->kind, "string"))
    {
      self->entry = make_entry (self, path);
      gtk_box_append (self->editor_box, self->entry);
    }
  else if (g_str_equal (self->kind, "array") || g_str_equal (self->kind, "object"))
    {
      self->entry = make_entry (self, path);
      gtk_widget_add_css_class (self->entry, "monospace");
      gtk_box_append (self->editor_box, self->entry);
    }
  else
    {
      GtkWidget *label = gtk_label_new ("null");

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "monospace");
      gtk_box_append (self->editor_box, label);
    }

  /* Translators: a property row's accessible name, "transform.position, vector3" */
  row_label = g_strdup_printf (_("%s, %s"), path, self->kind);
  set_accessible_label (GTK_WIDGET (self), row_label);
}

/* Store to widget */

static gboolean
editor_busy (InspectorPropertyRow *self)
{
  GtkEventControllerFocus *focus = GTK_EVENT_CONTROLLER_FOCUS (self->editor_focus);

  return self->dragging || gtk_event_controller_focus_contains_focus (focus);
}

static void
sync_from_property (InspectorPropertyRow *self,
                    gboolean              force)
{
  const char *json;

  if (self->property == NULL)
    return;

  /* Never yank a value from under the user's fingers: show it once they leave. */
  if (!force && editor_busy (self))
    {
      self->deferred = TRUE;
      return;
    }

  self->deferred = FALSE;
  self->updating = TRUE;
  json = vrtc_property_get_value_json (self->property);

  if (self->n_components > 0)
    {
      double values[MAX_COMPONENTS] = { 0 };
      guint n = parse_numbers (json, values, self->n_components);

      for (guint i = 0; i < self->n_components; i++)
        {
          Component *c = &self->components[i];

          c->typed = FALSE;
          /* Also resets text typed and never applied. */
          if (i < n)
            gtk_spin_button_set_value (c->spin, values[i]);
          c->last = gtk_spin_button_get_value (c->spin);
        }
    }
  else if (self->color_button != NULL)
    {
      g_autofree char *hex = parse_string (json);
      GdkRGBA rgba;

      gtk_editable_set_text (GTK_EDITABLE (self->entry), hex ? hex : "");
      if (hex != NULL && gdk_rgba_parse (&rgba, hex))
        gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->color_button), &rgba);
    }
  else if (self->toggle != NULL)
    {
      gtk_switch_set_active (GTK_SWITCH (self->toggle), g_str_equal (json, "true"));
    }
  else if (self->entry != NULL && g_str_equal (self->kind, "string"))
    {
      g_autofree char *text = parse_string (json);

      gtk_editable_set_text (GTK_EDITABLE (self->entry), text ? text : "");
    }
  else if (self->entry != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->entry), json);
    }

  self->updating = FALSE;
}

/**
 * inspector_property_row_flash:
 * @self: a #InspectorPropertyRow
 *
 * Lights the row up for a moment, as a change of its value does.
 */
void
inspector_property_row_flash (InspectorPropertyRow *self)
{
  g_return_if_fail (INSPECTOR_IS_PROPERTY_ROW (self));

  inspector_flash_start (&self->flash, GTK_WIDGET (self), FLASH_MS, FADE_MS);
}

static void
inspector_property_row_snapshot (GtkWidget   *widget,
                                 GtkSnapshot *snapshot)
{
  InspectorPropertyRow *self = INSPECTOR_PROPERTY_ROW (widget);

  /* Over the row's background, under its children: no class restyles its editors. */
  inspector_flash_snapshot (&self->flash, snapshot, FLASH_ALPHA, 0);

  GTK_WIDGET_CLASS (inspector_property_row_parent_class)->snapshot (widget, snapshot);
}

static void
on_value_changed (VrtcProperty         *property,
                  GParamSpec           *pspec,
                  InspectorPropertyRow *self)
{
  if (g_strcmp0 (kind_for_property (property), self->kind) != 0)
    {
      /* The value changed type (a string set over a number): a new editor. */
      build_editor (self);
      sync_from_property (self, TRUE);
    }
  else
    {
      sync_from_property (self, FALSE);
    }
  inspector_property_row_flash (self);
}

static gboolean
refresh_idle_cb (gpointer data)
{
  InspectorPropertyRow *self = data;

  self->refresh_idle = 0;
  if (self->deferred)
    sync_from_property (self, FALSE);

  return G_SOURCE_REMOVE;
}

static void
on_editor_focus_changed (GtkEventControllerFocus *controller,
                         GParamSpec              *pspec,
                         InspectorPropertyRow    *self)
{
  /* After the spin button or entry has applied its own text on focus-out. */
  if (!gtk_event_controller_focus_contains_focus (controller) && self->deferred &&
      self->refresh_idle == 0)
    self->refresh_idle = g_idle_add (refresh_idle_cb, self);
}

/* Provenance */

static char *
format_timestamp (double ms)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local ((gint64) floor (ms / 1000.0));
  g_autofree char *text = NULL;

  if (time == NULL)
    return g_strdup ("?");

  /* Translators: a date and time in the provenance popover, see g_date_time_format() */
  text = g_date_time_format (time, _("%Y-%m-%d %H:%M:%S"));
  return g_strdup_printf ("%s.%03d", text, (int) fmod (ms, 1000.0));
}

/*
 * The engine calls every set below the winner "lost". Whether it was concurrent with the
 * winner, or simply overwritten later, is in the messages' vector clocks: it happened
 * before the winner when the winner's clock has seen its sequence number.
 */
typedef struct
{
  GHashTable *clocks;     /* message id → JsonObject clock, for the messages found */
  char       *winner_id;
} Causality;

static void
causality_clear (Causality *causality)
{
  g_clear_pointer (&causality->clocks, g_hash_table_unref);
  g_clear_pointer (&causality->winner_id, g_free);
}

static void
causality_init (Causality  *causality,
                VrtcStore  *store,
                JsonArray  *items)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GListModel *journal;
  guint n = json_array_get_length (items);

  causality->clocks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) json_object_unref);
  causality->winner_id = NULL;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *role = json_object_get_string_member_with_default (item, "role", "");
      JsonNode *id = json_object_get_member (item, "messageId");

      if (id == NULL || !JSON_NODE_HOLDS_VALUE (id))
        continue;
      if (g_str_equal (role, "winner"))
        {
          g_free (causality->winner_id);
          causality->winner_id = g_strdup (json_node_get_string (id));
          g_hash_table_add (wanted, g_strdup (json_node_get_string (id)));
        }
      else if (g_str_equal (role, "lost"))
        {
          g_hash_table_add (wanted, g_strdup (json_node_get_string (id)));
        }
    }

  if (store == NULL || causality->winner_id == NULL)
    return;

  /* Recent messages are the likely ones: look from the end, stop when all are found. */
  journal = vrtc_store_get_journal (store);
  for (guint i = g_list_model_get_n_items (journal); i > 0 && g_hash_table_size (wanted) > 0; i--)
    {
      g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (journal, i - 1);
      const char *id = vrtc_journal_entry_get_message_id (entry);
      g_autofree char *clock_json = NULL;
      g_autoptr(JsonNode) clock = NULL;

      if (id == NULL || !g_hash_table_remove (wanted, id))
        continue;
      clock_json = vrtc_message_get_clock_json (vrtc_journal_entry_get_message (entry));
      clock = clock_json ? json_from_string (clock_json, NULL) : NULL;
      if (clock != NULL && JSON_NODE_HOLDS_OBJECT (clock))
        g_hash_table_insert (causality->clocks, g_strdup (id),
                             json_object_ref (json_node_get_object (clock)));
    }
}

/* TRUE: concurrent with the winner; FALSE: before it; unknown counts as concurrent. */
static gboolean
causality_is_concurrent (Causality  *causality,
                         JsonObject *item)
{
  JsonObject *winner, *lost;
  JsonNode *id = json_object_get_member (item, "messageId");
  const char *session = json_object_get_string_member_with_default (item, "session", NULL);
  gint64 seen, own;

  if (causality->winner_id == NULL || id == NULL || !JSON_NODE_HOLDS_VALUE (id) ||
      session == NULL)
    return TRUE;

  winner = g_hash_table_lookup (causality->clocks, causality->winner_id);
  lost = g_hash_table_lookup (causality->clocks, json_node_get_string (id));
  if (winner == NULL || lost == NULL)
    return TRUE;

  seen = json_object_get_int_member_with_default (winner, session, 0);
  own = json_object_get_int_member_with_default (lost, session, G_MAXINT64);

  return seen < own;
}

static const char *
role_label (const char *role)
{
  if (g_strcmp0 (role, "winner") == 0)
    return _("Winner");
  if (g_strcmp0 (role, "applied") == 0)
    return _("Applied");
  if (g_strcmp0 (role, "lost") == 0)
    return _("Lost");
  if (g_strcmp0 (role, "overwritten") == 0)
    return _("Overwritten");
  if (g_strcmp0 (role, "superseded") == 0)
    return _("Superseded");
  if (g_strcmp0 (role, "rejected") == 0)
    return _("Rejected");
  if (g_strcmp0 (role, "undone") == 0)
    return _("Undone");
  return role;
}

static const char *
role_description (const char *role)
{
  if (g_strcmp0 (role, "winner") == 0)
    return _("the write the current value starts from");
  if (g_strcmp0 (role, "applied") == 0)
    return _("a change folded on top of the winner");
  if (g_strcmp0 (role, "lost") == 0)
    return _("a concurrent write that lost to the winner");
  if (g_strcmp0 (role, "overwritten") == 0)
    return _("an earlier write, overwritten by the winner");
  if (g_strcmp0 (role, "superseded") == 0)
    return _("a change made before the winning write");
  if (g_strcmp0 (role, "rejected") == 0)
    return _("did not fit the value’s type: no effect");
  if (g_strcmp0 (role, "undone") == 0)
    return _("its message was undone");
  return "";
}

static const char *
role_css_class (const char *role)
{
  if (g_strcmp0 (role, "winner") == 0)
    return "success";
  if (g_strcmp0 (role, "lost") == 0)
    return "warning";
  if (g_strcmp0 (role, "rejected") == 0)
    return "error";
  if (g_strcmp0 (role, "applied") == 0)
    return "accent";
  return "dim-label";
}

static char *
member_text (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));

  return json_to_string (node, FALSE);
}

static GtkWidget *
make_label (const char *text,
            const char *css_class,
            gboolean    wrap)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (wrap)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
    }
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

/* The value an op wrote to this path: a node.insert carries all the initial values. */
static char *
op_value_text (JsonObject *item,
               const char *path)
{
  JsonNode *value = json_object_get_member (item, "value");
  const char *otype = json_object_get_string_member_with_default (item, "otype", "");

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return NULL;
  if (g_str_equal (otype, "node.insert") && JSON_NODE_HOLDS_OBJECT (value) &&
      json_object_has_member (json_node_get_object (value), path))
    return json_to_string (json_object_get_member (json_node_get_object (value), path), FALSE);

  return json_to_string (value, FALSE);
}

static GtkWidget *
provenance_item (JsonObject *item,
                 const char *path,
                 Causality  *causality)
{
  g_autofree char *role = member_text (item, "role");
  g_autofree char *session = member_text (item, "session");
  g_autofree char *message_id = member_text (item, "messageId");
  g_autofree char *otype = member_text (item, "otype");
  g_autofree char *value = op_value_text (item, path);
  g_autofree char *when = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *op_text = NULL;
  g_autofree char *accessible = NULL;
  gint64 lamport = json_object_get_int_member_with_default (item, "lamport", 0);
  gboolean pending = json_object_get_boolean_member_with_default (item, "pending", FALSE);
  JsonNode *timestamp = json_object_get_member (item, "timestamp");
  GtkWidget *box, *line, *role_chip, *who, *time_label, *label;

  if (g_strcmp0 (role, "lost") == 0 && !causality_is_concurrent (causality, item))
    {
      g_free (role);
      role = g_strdup ("overwritten");
    }

  if (pending)
    when = g_strdup (_("pending edit"));
  else if (timestamp != NULL && JSON_NODE_HOLDS_VALUE (timestamp))
    when = format_timestamp (json_node_get_double (timestamp));
  else
    when = g_strdup (_("compacted"));

  if (message_id != NULL)
    /* Translators: a stamp is (Lamport time, session), then the message that carried it */
    stamp = g_strdup_printf (_("stamp (%" G_GINT64_FORMAT ", %s) · message %s"), lamport,
                             session ? session : "?", message_id);
  else
    stamp = g_strdup_printf (_("stamp (%" G_GINT64_FORMAT ", %s) · %s"), lamport,
                             session ? session : "?",
                             pending ? _("not committed") : _("in the snapshot"));
  op_text = g_strdup_printf ("%s %s", otype ? otype : "?", value ? value : "");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 10);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  role_chip = make_label (role_label (role), "caption-heading", FALSE);
  gtk_widget_add_css_class (role_chip, role_css_class (role));
  who = make_label (session ? session : _("unknown session"), "heading", FALSE);
  gtk_label_set_ellipsize (GTK_LABEL (who), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (who, TRUE);
  time_label = make_label (when, "caption", FALSE);
  gtk_widget_add_css_class (time_label, "dim-label");
  gtk_widget_add_css_class (time_label, "numeric");
  gtk_box_append (GTK_BOX (line), role_chip);
  gtk_box_append (GTK_BOX (line), who);
  gtk_box_append (GTK_BOX (line), time_label);
  gtk_box_append (GTK_BOX (box), line);

  /* Single lines, ellipsized: a popover cannot size wrapped text in a scroller well. */
  label = make_label (stamp, "caption", FALSE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);
  label = make_label (op_text, "caption", FALSE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_tooltip_text (label, op_text);
  gtk_box_append (GTK_BOX (box), label);
  label = make_label (role_description (role), "caption", FALSE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);

  accessible = g_strdup_printf ("%s, %s, %s, %s, %s, %s", role_label (role),
                                session ? session : "", when, stamp, op_text,
                                role_description (role));
  set_accessible_label (box, accessible);

  return box;
}

static GtkWidget *
build_provenance_content (InspectorPropertyRow *self)
{
  const char *path = vrtc_property_get_path (self->property);
  g_autofree char *json = vrtc_property_get_provenance_json (self->property);
  g_autofree char *heading = g_strdup_printf (_("Provenance of %s"), path);
  g_autoptr(JsonNode) root = json_from_string (json, NULL);
  JsonArray *items = root && JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root) : NULL;
  guint n = items ? json_array_get_length (items) : 0;
  GtkWidget *box, *scroller, *list, *summary;
  guint n_lost = 0, n_overwritten = 0, n_rejected = 0;
  Causality causality = { 0 };
  g_autofree char *summary_text = NULL;
  g_autofree char *full = NULL;
  GString *text;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_size_request (box, 360, -1);
  gtk_box_append (GTK_BOX (box), make_label (heading, "heading", FALSE));

  if (items != NULL)
    causality_init (&causality, self->store, items);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *role = json_object_get_string_member_with_default (item, "role", "");

      if (g_str_equal (role, "lost") && causality_is_concurrent (&causality, item))
        n_lost++;
      else if (g_str_equal (role, "lost"))
        n_overwritten++;
      else if (g_str_equal (role, "rejected"))
        n_rejected++;
    }

  for (guint i = n; i > 0; i--)
    {
      JsonObject *item = json_array_get_object_element (items, i - 1);
      const char *role = json_object_get_string_member_with_default (item, "role", "");

      if (g_str_equal (role, "winner"))
        {
          g_autofree char *session = member_text (item, "session");
          JsonNode *ts = json_object_get_member (item, "timestamp");
          g_autofree char *when = ts && JSON_NODE_HOLDS_VALUE (ts)
                                  ? format_timestamp (json_node_get_double (ts))
                                  : g_strdup (_("an unknown time"));

          summary_text = g_strdup_printf (_("Written by %s at %s."),
                                          session ? session : _("an unknown session"), when);
          break;
        }
    }
  if (summary_text == NULL)
    summary_text = g_strdup (n > 0 ? _("Built from changes only: no set wins.")
                                   : _("No history is known for this value."));

  text = g_string_new (summary_text);
  if (n_lost > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, ngettext ("%u concurrent write lost.",
                                              "%u concurrent writes lost.", n_lost), n_lost);
    }
  if (n_overwritten > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, ngettext ("%u earlier write overwritten.",
                                              "%u earlier writes overwritten.", n_overwritten),
                              n_overwritten);
    }
  if (n_rejected > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, ngettext ("%u op rejected.", "%u ops rejected.",
                                              n_rejected), n_rejected);
    }
  full = g_string_free (text, FALSE);
  summary = make_label (full, NULL, TRUE);
  gtk_box_append (GTK_BOX (box), summary);

  if (n == 0)
    {
      causality_clear (&causality);
      return box;
    }

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  /* Room for the list's outline, drawn outside it, inside the scroller's clip. */
  gtk_widget_set_margin_start (list, 2);
  gtk_widget_set_margin_end (list, 2);
  gtk_widget_set_margin_top (list, 2);
  gtk_widget_set_margin_bottom (list, 2);
  /* Newest first: the winner and what it beat lead. */
  for (guint i = n; i > 0; i--)
    gtk_list_box_append (GTK_LIST_BOX (list),
                         provenance_item (json_array_get_object_element (items, i - 1),
                                          path, &causality));
  causality_clear (&causality);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 380);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  gtk_box_append (GTK_BOX (box), scroller);

  return box;
}

/*
 * Provenance → timeline. The row only names the property ("KEY\nPATH") to the window's
 * win.show-in-timeline action, which finds the messages with
 * inspector_property_row_find_provenance_messages(); without that action (a row outside the
 * window) the button is insensitive.
 */

static void
on_timeline_button_clicked (GtkButton  *button,
                            GtkPopover *popover)
{
  gtk_popover_popdown (popover);
}

static gboolean
has_winning_message (VrtcProperty *property)
{
  g_autofree char *json = vrtc_property_get_provenance_json (property);
  g_autoptr(JsonNode) root = json ? json_from_string (json, NULL) : NULL;
  JsonArray *items = root && JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root) : NULL;

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonNode *id = json_object_get_member (item, "messageId");

      if (g_strcmp0 (json_object_get_string_member_with_default (item, "role", ""),
                     "winner") == 0)
        return id != NULL && JSON_NODE_HOLDS_VALUE (id);
    }

  return FALSE;
}

static GtkWidget *
build_timeline_button (InspectorPropertyRow *self,
                       GtkPopover           *popover)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("Show in _Timeline"));
  g_autofree char *target = NULL;

  target = g_strdup_printf ("%s\n%s", vrtc_node_get_key (vrtc_property_get_node (self->property)),
                            vrtc_property_get_path (self->property));
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_set_tooltip_text (button, _("Select the message that wrote this value in the "
                                         "journal, and mark the writes that lost to it"));
  gtk_widget_add_css_class (button, "timeline-button");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.show-in-timeline");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_timeline_button_clicked),
                           popover, G_CONNECT_AFTER);

  /* A value from the snapshot, or a pending edit, has no message to show. */
  gtk_widget_set_visible (button, has_winning_message (self->property));

  return button;
}

/**
 * inspector_property_row_find_provenance_messages:
 * @store: (nullable): the store @property belongs to, for the messages' clocks
 * @property: a property
 * @winner_id: (out) (optional) (transfer full) (nullable): the message of the winning write
 * @lost_ids: (out) (optional) (transfer full) (array zero-terminated=1): the messages of the
 *   concurrent writes that lost to it, as the provenance popover counts them (writes the
 *   winner had already seen were overwritten, not lost, and are left out)
 *
 * Returns: whether a winning write is known (not folded into the snapshot)
 */
gboolean
inspector_property_row_find_provenance_messages (VrtcStore     *store,
                                                 VrtcProperty  *property,
                                                 char         **winner_id,
                                                 char        ***lost_ids)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GStrvBuilder) lost = g_strv_builder_new ();
  JsonArray *items;
  Causality causality = { 0 };
  gboolean found;

  g_return_val_if_fail (store == NULL || VRTC_IS_STORE (store), FALSE);
  g_return_val_if_fail (VRTC_IS_PROPERTY (property), FALSE);

  json = vrtc_property_get_provenance_json (property);
  root = json ? json_from_string (json, NULL) : NULL;
  items = root && JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root) : NULL;

  if (items != NULL)
    {
      causality_init (&causality, store, items);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          const char *role = json_object_get_string_member_with_default (item, "role", "");
          JsonNode *id = json_object_get_member (item, "messageId");

          if (g_str_equal (role, "lost") && id != NULL && JSON_NODE_HOLDS_VALUE (id) &&
              causality_is_concurrent (&causality, item))
            g_strv_builder_add (lost, json_node_get_string (id));
        }
    }

  found = causality.winner_id != NULL;
  if (winner_id != NULL)
    *winner_id = g_steal_pointer (&causality.winner_id);
  if (lost_ids != NULL)
    *lost_ids = g_strv_builder_end (lost);
  causality_clear (&causality);

  return found;
}

static void
create_provenance_popup (GtkMenuButton *button,
                         gpointer       data)
{
  InspectorPropertyRow *self = data;
  GtkPopover *popover = gtk_menu_button_get_popover (button);
  GtkWidget *content;

  if (self->property == NULL)
    return;

  if (popover == NULL)
    {
      popover = GTK_POPOVER (gtk_popover_new ());
      gtk_widget_add_css_class (GTK_WIDGET (popover), "provenance");
      gtk_menu_button_set_popover (button, GTK_WIDGET (popover));
    }

  /* Built fresh on each opening: provenance changes with every message. */
  content = build_provenance_content (self);
  gtk_box_append (GTK_BOX (content), build_timeline_button (self, popover));
  gtk_popover_set_child (popover, content);
}

/* Style */

static void
ensure_style (void)
{
  static gboolean done;
  GtkCssProvider *provider;
  GdkDisplay *display = gdk_display_get_default ();

  if (done || display == NULL)
    return;
  done = TRUE;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider,
    "row.property-row .component-handle { font-weight: bold; min-width: 10px;"
    "  padding: 0 2px; }\n"
    "row.property-row .component-handle:hover { color: @accent_color; }\n"
    "popover.provenance > contents { padding: 12px; }\n", -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (provider);
}

/* GObject */

static void
inspector_property_row_set_property_object (InspectorPropertyRow *self,
                                            VrtcProperty         *property)
{
  g_assert (self->property == NULL);

  self->property = g_object_ref (property);
  g_signal_connect_object (property, "notify::value-json",
                           G_CALLBACK (on_value_changed), self, 0);
  build_editor (self);
  sync_from_property (self, TRUE);

  {
    g_autofree char *label = g_strdup_printf (_("Provenance of %s"),
                                              vrtc_property_get_path (property));
    set_accessible_label (GTK_WIDGET (self->provenance_button), label);
  }
}

static void
inspector_property_row_dispose (GObject *object)
{
  InspectorPropertyRow *self = INSPECTOR_PROPERTY_ROW (object);

  g_clear_handle_id (&self->refresh_idle, g_source_remove);
  inspector_flash_stop (&self->flash);
  if (self->property != NULL)
    g_signal_handlers_disconnect_by_data (self->property, self);
  g_clear_object (&self->property);
  g_clear_object (&self->store);

  gtk_widget_dispose_template (GTK_WIDGET (self), INSPECTOR_TYPE_PROPERTY_ROW);

  G_OBJECT_CLASS (inspector_property_row_parent_class)->dispose (object);
}

static void
inspector_property_row_get_gproperty (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  InspectorPropertyRow *self = INSPECTOR_PROPERTY_ROW (object);

  switch (prop_id)
    {
    case PROP_PROPERTY:
      g_value_set_object (value, self->property);
      break;

    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_property_row_set_gproperty (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  InspectorPropertyRow *self = INSPECTOR_PROPERTY_ROW (object);

  switch (prop_id)
    {
    case PROP_PROPERTY:
      inspector_property_row_set_property_object (self, g_value_get_object (value));
      break;

    case PROP_READ_ONLY:
      inspector_property_row_set_read_only (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_property_row_class_init (InspectorPropertyRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inspector_property_row_dispose;
  object_class->get_property = inspector_property_row_get_gproperty;
  object_class->set_property = inspector_property_row_set_gproperty;
  widget_class->snapshot = inspector_property_row_snapshot;

  properties[PROP_PROPERTY] =
    g_param_spec_object ("property", NULL, NULL, VRTC_TYPE_PROPERTY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InspectorPropertyRow::edit:
   * @self: the row
   * @op: the operation the user's change makes
   *
   * The user changed the value: `*.set` with the whole new value, or `*.add` for a nudge.
   */
  signals[EDIT] =
    g_signal_new ("edit",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VRTC_TYPE_OPERATION | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/vrtc/Inspector/inspector-property-row.ui");
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyRow, title_box);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyRow, path_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyRow, type_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyRow, editor_box);
  gtk_widget_class_bind_template_child (widget_class, InspectorPropertyRow, provenance_button);
}

static void
inspector_property_row_init (InspectorPropertyRow *self)
{
  ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "property-row");

  self->kind = "null";

  /* A number's drag handle is its path label. */
  add_drag_gesture (self, GTK_WIDGET (self->path_label));
  gtk_widget_set_cursor (GTK_WIDGET (self->path_label), NULL);

  self->editor_focus = gtk_event_controller_focus_new ();
  g_signal_connect (self->editor_focus, "notify::contains-focus",
                    G_CALLBACK (on_editor_focus_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->editor_box), self->editor_focus);

  gtk_menu_button_set_create_popup_func (self->provenance_button, create_provenance_popup,
                                         self, NULL);
  /* The button sits at the right edge: open inwards. */
  gtk_menu_button_set_direction (self->provenance_button, GTK_ARROW_LEFT);
}

/* Public */

GtkWidget *
inspector_property_row_new (VrtcProperty *property)
{
  g_return_val_if_fail (VRTC_IS_PROPERTY (property), NULL);

  return g_object_new (INSPECTOR_TYPE_PROPERTY_ROW, "property", property, NULL);
}

VrtcProperty *
inspector_property_row_get_property (InspectorPropertyRow *self)
{
  g_return_val_if_fail (INSPECTOR_IS_PROPERTY_ROW (self), NULL);

  return self->property;
}

/**
 * inspector_property_row_set_property:
 * @self: a #InspectorPropertyRow
 * @property: the property of the same path to show instead, from another state of the node
 *
 * Re-points the row at @property, keeping its widgets: the editor is only built again when
 * the kind of value differs. A history step shows the new values this way, without a new row.
 */
void
inspector_property_row_set_property (InspectorPropertyRow *self,
                                     VrtcProperty         *property)
{
  g_return_if_fail (INSPECTOR_IS_PROPERTY_ROW (self));
  g_return_if_fail (VRTC_IS_PROPERTY (property));
  g_return_if_fail (self->property != NULL);

  if (self->property == property)
    return;

  g_signal_handlers_disconnect_by_data (self->property, self);
  g_set_object (&self->property, property);
  g_signal_connect_object (property, "notify::value-json",
                           G_CALLBACK (on_value_changed), self, 0);

  if (g_strcmp0 (kind_for_property (property), self->kind) != 0 ||
      g_strcmp0 (gtk_label_get_label (self->path_label), vrtc_property_get_path (property)) != 0)
    {
      build_editor (self);
      sync_from_property (self, TRUE);
    }
  else
    {
      sync_from_property (self, FALSE);
    }
}

/**
 * inspector_property_row_get_editor_kind:
 * @self: a #InspectorPropertyRow
 *
 * Returns: the editor shown: `number`, `vector3`, `euler`, `quaternion`, `color`,
 *   `boolean`, `string`, `array`, `object` or `null`
 */
const char *
inspector_property_row_get_editor_kind (InspectorPropertyRow *self)
{
  g_return_val_if_fail (INSPECTOR_IS_PROPERTY_ROW (self), NULL);

  return self->kind;
}

/**
 * inspector_property_row_set_store:
 * @self: a #InspectorPropertyRow
 * @store: (nullable): the property's store
 *
 * Gives the row the journal it reads to tell concurrent writes that lost from earlier ones
 * that were overwritten. Edits still go out through ::edit only.
 */
void
inspector_property_row_set_store (InspectorPropertyRow *self,
                                  VrtcStore            *store)
{
  g_return_if_fail (INSPECTOR_IS_PROPERTY_ROW (self));
  g_return_if_fail (store == NULL || VRTC_IS_STORE (store));

  g_set_object (&self->store, store);
}

gboolean
inspector_property_row_get_read_only (InspectorPropertyRow *self)
{
  g_return_val_if_fail (INSPECTOR_IS_PROPERTY_ROW (self), FALSE);

  return self->read_only;
}

void
inspector_property_row_set_read_only (InspectorPropertyRow *self,
                                      gboolean              read_only)
{
  g_return_if_fail (INSPECTOR_IS_PROPERTY_ROW (self));

  read_only = !!read_only;
  if (self->read_only == read_only)
    return;

  self->read_only = read_only;
  gtk_widget_set_sensitive (GTK_WIDGET (self->editor_box), !read_only);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
}

/**
 * inspector_property_row_apply_pending:
 * @self: a #InspectorPropertyRow
 *
 * Turns text typed but not yet applied (no Enter, focus still inside) into its edit, as
 * leaving the field would. Called before a commit.
 */
void
inspector_property_row_apply_pending (InspectorPropertyRow *self)
{
  g_return_if_fail (INSPECTOR_IS_PROPERTY_ROW (self));

  if (self->read_only)
    return;

  for (guint i = 0; i < self->n_components; i++)
    gtk_spin_button_update (self->components[i].spin);
  apply_entry (self);
}

/**
 * inspector_property_row_refresh:
 * @self: a #InspectorPropertyRow
 *
 * Shows the store's value now, even while the editor has the focus (after a cancel).
 */
void
inspector_property_row_refresh (InspectorPropertyRow *self)
{
  g_return_if_fail (INSPECTOR_IS_PROPERTY_ROW (self));

  sync_from_property (self, TRUE);
}

void
inspector_property_row_show_provenance (InspectorPropertyRow *self)
{
  g_return_if_fail (INSPECTOR_IS_PROPERTY_ROW (self));

  gtk_menu_button_popup (self->provenance_button);
}

/**
 * inspector_property_row_get_component:
 * @self: a #InspectorPropertyRow
 * @index: which editor widget
 *
 * Gets an editor widget: the spin button of component @index for numbers and vectors; for
 * a color 0 is the color button and 1 the hex entry; otherwise 0 is the switch or entry.
 *
 * Returns: (transfer none) (nullable): the widget
 */
GtkWidget *
inspector_property_row_get_component (InspectorPropertyRow *self,
                                      guint                 index)
{
  g_return_val_if_fail (INSPECTOR_IS_PROPERTY_ROW (self), NULL);

  if (self->n_components > 0)
    return index < self->n_components ? GTK_WIDGET (self->components[index].spin) : NULL;
  if (self->color_button != NULL)
    return index == 0 ? self->color_button : index == 1 ? self->entry : NULL;
  if (index != 0)
    return NULL;
  if (self->toggle != NULL)
    return self->toggle;

  return self->entry;
}

/**
 * inspector_property_row_get_drag_handle:
 * @self: a #InspectorPropertyRow
 * @index: a component
 *
 * Returns: (transfer none) (nullable): the label that nudges component @index when dragged
 */
GtkWidget *
inspector_property_row_get_drag_handle (InspectorPropertyRow *self,
                                        guint                 index)
{
  g_return_val_if_fail (INSPECTOR_IS_PROPERTY_ROW (self), NULL);

  return index < self->n_components ? self->components[index].handle : NULL;
}

/**
 * inspector_property_row_get_flashing:
 * @self: a #InspectorPropertyRow
 *
 * Returns: whether the row is lit up, or still fading, since its value changed
 */
gboolean
inspector_property_row_get_flashing (InspectorPropertyRow *self)
{
  g_return_val_if_fail (INSPECTOR_IS_PROPERTY_ROW (self), FALSE);

  return self->flash.level > 0;
}
