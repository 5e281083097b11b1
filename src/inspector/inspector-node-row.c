/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inspector-list-util.h"
#include "inspector-node-row.h"

/*
 * A scene tree row, drawn by one widget: the indent of its depth, the arrow that opens it,
 * the tag's icon, the key in bold, the tag smaller and the name dimmed, on one line, and
 * behind them the flash of a change. A tree of 100,000 nodes binds its rows to other nodes
 * whenever it scrolls far or a group opens, and GTK 4.8 makes and destroys a screenful of
 * rows when a group opens: a GtkTreeExpander (with its indent, arrow and controllers), a
 * box, an image and three labels per row cost a layout pass for every label on every bind,
 * and a dozen widgets to make and destroy. This row has a fixed height (one line of its
 * font), so a new node only redraws it; a text is shaped when it is drawn, once, and the
 * name, then the key, is ellipsized when the row is too narrow. The tree handles clicks on
 * the arrow (inspector_node_row_arrow_at) and the keys that open and close rows.
 */

#define ICON_SIZE   16
#define SPACING     6
#define INDENT      20     /* per level, as GtkTreeExpander's indent and spacing */
#define ARROW_GAP   4
#define TAG_ALPHA   0.75f
#define DIM_ALPHA   0.55f  /* libadwaita's .dim-label */
#define FADE_MS     900
#define FLASH_ALPHA 0.28f
#define FLASH_RADIUS 6.0f

enum {
  TEXT_KEY,
  TEXT_TAG,
  TEXT_NAME,
  N_TEXTS
};

struct _InspectorNodeRow
{
  GtkWidget             parent_instance;

  char                 *icon_name;
  char                 *texts[N_TEXTS];
  PangoLayout          *layouts[N_TEXTS];   /* NULL until drawn, or after a change */
  int                   widths[N_TEXTS];    /* their natural widths; -1 with no layout */
  gboolean              struck;             /* the key struck through: a removed node */
  gboolean              leaf;               /* no arrow */
  GtkTreeListRow       *list_row;
  gulong                expanded_id;
  InspectorFlash        flash;
  int                   line_height;        /* -1 until measured */
  PangoFontDescription *font;               /* what line_height was measured with */
};

G_DEFINE_FINAL_TYPE (InspectorNodeRow, inspector_node_row, GTK_TYPE_WIDGET)

static void
clear_layouts (InspectorNodeRow *self)
{
  for (guint i = 0; i < N_TEXTS; i++)
    {
      g_clear_object (&self->layouts[i]);
      self->widths[i] = -1;
    }
}

static void
clear_layout (InspectorNodeRow *self,
              guint             which)
{
  g_clear_object (&self->layouts[which]);
  self->widths[which] = -1;
}

static PangoLayout *
ensure_layout (InspectorNodeRow *self,
               guint             which)
{
  PangoAttrList *attrs;

  if (self->layouts[which] != NULL)
    return self->layouts[which];

  self->layouts[which] = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->texts[which]);
  attrs = pango_attr_list_new ();
  if (which == TEXT_KEY)
    {
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      if (self->struck)
        pango_attr_list_insert (attrs, pango_attr_strikethrough_new (TRUE));
    }
  else if (which == TEXT_TAG)
    pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_layout_set_attributes (self->layouts[which], attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_single_paragraph_mode (self->layouts[which], TRUE);
  pango_layout_set_ellipsize (self->layouts[which], PANGO_ELLIPSIZE_END);
  return self->layouts[which];
}

static int
text_width (InspectorNodeRow *self,
            guint             which)
{
  if (self->texts[which] == NULL || *self->texts[which] == '\0')
    return 0;
  if (self->widths[which] < 0)
    pango_layout_get_pixel_size (ensure_layout (self, which), &self->widths[which], NULL);
  return self->widths[which];
}

static void
inspector_node_row_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  InspectorNodeRow *self = INSPECTOR_NODE_ROW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* the list gives the row its width; the texts are ellipsized to it */
      *minimum = *natural = INDENT + ICON_SIZE;
      return;
    }
  if (self->line_height < 0)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, "Xg");
      PangoContext *context = gtk_widget_get_pango_context (widget);

      pango_layout_get_pixel_size (layout, NULL, &self->line_height);
      g_object_unref (layout);
      g_clear_pointer (&self->font, pango_font_description_free);
      self->font = pango_font_description_copy (pango_context_get_font_description (context));
    }
  *minimum = *natural = MAX (ICON_SIZE, self->line_height);
}

static guint
depth (InspectorNodeRow *self)
{
  return self->list_row != NULL ? gtk_tree_list_row_get_depth (self->list_row) : 0;
}

/* Where the texts start: after the indent and the arrow. */
static int
content_start (InspectorNodeRow *self)
{
  return depth (self) * INDENT + ICON_SIZE + ARROW_GAP;
}

/* Draws an icon at x (from the start edge), centred on the row's height. */
static void
snapshot_icon (InspectorNodeRow *self,
               GtkSnapshot      *snapshot,
               const char       *icon_name,
               int               x,
               const GdkRGBA    *color)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));
  g_autoptr(GtkIconPaintable) icon =
    gtk_icon_theme_lookup_icon (theme, icon_name, NULL, ICON_SIZE,
                                gtk_widget_get_scale_factor (widget),
                                gtk_widget_get_direction (widget), 0);

  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    x = gtk_widget_get_width (widget) - x - ICON_SIZE;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (x, (gtk_widget_get_height (widget) - ICON_SIZE) / 2));
  gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (icon), snapshot,
                                            ICON_SIZE, ICON_SIZE, color, 1);
  gtk_snapshot_restore (snapshot);
}

/* Draws a text at x (from the start edge), centred on the row's height. */
static void
snapshot_text (InspectorNodeRow *self,
               GtkSnapshot      *snapshot,
               guint             which,
               int               x,
               int               width,
               const GdkRGBA    *color)
{
  GtkWidget *widget = GTK_WIDGET (self);
  PangoLayout *layout = ensure_layout (self, which);
  int w, h;

  /* shaped once at its natural width; ellipsized only while the row is too narrow */
  pango_layout_set_width (layout, width < self->widths[which] ? width * PANGO_SCALE : -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    x = gtk_widget_get_width (widget) - x - w;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (x, (gtk_widget_get_height (widget) - h) / 2));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
inspector_node_row_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  InspectorNodeRow *self = INSPECTOR_NODE_ROW (widget);
  int width = gtk_widget_get_width (widget);
  int start = content_start (self);
  int key_w, tag_w, name_w, gap_tag, gap_name, avail, x;
  GdkRGBA color, faded;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  inspector_flash_snapshot (&self->flash, snapshot, FLASH_ALPHA, FLASH_RADIUS);
  if (!self->leaf && self->list_row != NULL)
    snapshot_icon (self, snapshot,
                   gtk_tree_list_row_get_expanded (self->list_row)
                     ? "pan-down-symbolic"
                     : gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL
                       ? "pan-start-symbolic" : "pan-end-symbolic",
                   start - ICON_SIZE - ARROW_GAP, &color);
  if (self->icon_name != NULL)
    snapshot_icon (self, snapshot, self->icon_name, start, &color);

  /* The tag keeps its width; the name gives way first, then the key. */
  key_w = text_width (self, TEXT_KEY);
  tag_w = text_width (self, TEXT_TAG);
  name_w = text_width (self, TEXT_NAME);
  gap_tag = tag_w > 0 ? SPACING : 0;
  gap_name = name_w > 0 ? SPACING : 0;
  avail = width - start - ICON_SIZE - SPACING;
  if (key_w + gap_tag + tag_w + gap_name + name_w > avail)
    name_w = MAX (0, avail - key_w - gap_tag - tag_w - gap_name);
  if (key_w + gap_tag + tag_w > avail)
    key_w = MAX (0, avail - gap_tag - tag_w);

  x = start + ICON_SIZE + SPACING;
  if (key_w > 0)
    snapshot_text (self, snapshot, TEXT_KEY, x, key_w, &color);
  x += key_w + gap_tag;
  faded = color;
  faded.alpha *= TAG_ALPHA;
  if (tag_w > 0)
    snapshot_text (self, snapshot, TEXT_TAG, x, tag_w, &faded);
  x += tag_w + gap_name;
  faded.alpha = color.alpha * DIM_ALPHA;
  if (name_w > 0)
    snapshot_text (self, snapshot, TEXT_NAME, x, name_w, &faded);
}

static void
inspector_node_row_css_changed (GtkWidget         *widget,
                                GtkCssStyleChange *change)
{
  InspectorNodeRow *self = INSPECTOR_NODE_ROW (widget);
  PangoContext *context = gtk_widget_get_pango_context (widget);

  GTK_WIDGET_CLASS (inspector_node_row_parent_class)->css_changed (widget, change);

  /* hovering and selecting change colours only: the texts keep their shapes */
  if (self->font == NULL ||
      !pango_font_description_equal (self->font, pango_context_get_font_description (context)))
    {
      clear_layouts (self);
      self->line_height = -1;
      gtk_widget_queue_resize (widget);
    }
}

static void
inspector_node_row_system_setting_changed (GtkWidget        *widget,
                                           GtkSystemSetting  setting)
{
  InspectorNodeRow *self = INSPECTOR_NODE_ROW (widget);

  GTK_WIDGET_CLASS (inspector_node_row_parent_class)->system_setting_changed (widget, setting);
  clear_layouts (self);
  self->line_height = -1;
  gtk_widget_queue_resize (widget);
}

static void
inspector_node_row_direction_changed (GtkWidget        *widget,
                                      GtkTextDirection  previous)
{
  clear_layouts (INSPECTOR_NODE_ROW (widget));
  gtk_widget_queue_draw (widget);
}

static void
inspector_node_row_dispose (GObject *object)
{
  InspectorNodeRow *self = INSPECTOR_NODE_ROW (object);

  inspector_flash_stop (&self->flash);
  inspector_node_row_set_list_row (self, NULL);

  G_OBJECT_CLASS (inspector_node_row_parent_class)->dispose (object);
}

static void
inspector_node_row_finalize (GObject *object)
{
  InspectorNodeRow *self = INSPECTOR_NODE_ROW (object);

  clear_layouts (self);
  for (guint i = 0; i < N_TEXTS; i++)
    g_free (self->texts[i]);
  g_free (self->icon_name);
  g_clear_pointer (&self->font, pango_font_description_free);

  G_OBJECT_CLASS (inspector_node_row_parent_class)->finalize (object);
}

static void
inspector_node_row_class_init (InspectorNodeRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inspector_node_row_dispose;
  object_class->finalize = inspector_node_row_finalize;
  widget_class->measure = inspector_node_row_measure;
  widget_class->snapshot = inspector_node_row_snapshot;
  widget_class->css_changed = inspector_node_row_css_changed;
  widget_class->system_setting_changed = inspector_node_row_system_setting_changed;
  widget_class->direction_changed = inspector_node_row_direction_changed;
  gtk_widget_class_set_css_name (widget_class, "noderow");
  /* as GtkTreeExpander: a group that may be expanded */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
inspector_node_row_init (InspectorNodeRow *self)
{
  self->line_height = -1;
  for (guint i = 0; i < N_TEXTS; i++)
    self->widths[i] = -1;
}

GtkWidget *
inspector_node_row_new (void)
{
  return g_object_new (INSPECTOR_TYPE_NODE_ROW, NULL);
}

static gboolean
set_text (char       **field,
          const char  *text)
{
  if (g_strcmp0 (*field, text) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (text);
  return TRUE;
}

/**
 * inspector_node_row_set:
 * @self: a #InspectorNodeRow
 * @icon_name: (nullable): a symbolic icon
 * @key: (nullable): the node's key
 * @tag: (nullable): its tag
 * @name: (nullable): its name
 * @struck: whether the key is struck through (a removed node)
 *
 * Shows a node: what changed is drawn again; the row keeps its size.
 */
void
inspector_node_row_set (InspectorNodeRow *self,
                        const char       *icon_name,
                        const char       *key,
                        const char       *tag,
                        const char       *name,
                        gboolean          struck)
{
  const char *texts[N_TEXTS] = { key, tag, name };
  gboolean changed;

  g_return_if_fail (INSPECTOR_IS_NODE_ROW (self));

  changed = set_text (&self->icon_name, icon_name);

  for (guint i = 0; i < N_TEXTS; i++)
    if (set_text (&self->texts[i], texts[i]))
      {
        clear_layout (self, i);
        changed = TRUE;
      }
  if (self->struck != struck)
    {
      self->struck = struck;
      clear_layout (self, TEXT_KEY);
      changed = TRUE;
    }
  if (changed)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_expanded (InspectorNodeRow *self)
{
  if (self->list_row != NULL && !self->leaf)
    gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_EXPANDED,
                                 gtk_tree_list_row_get_expanded (self->list_row), -1);
  else
    gtk_accessible_reset_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_EXPANDED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_expanded (GtkTreeListRow   *list_row,
             GParamSpec       *pspec,
             InspectorNodeRow *self)
{
  update_expanded (self);
}

/**
 * inspector_node_row_set_list_row:
 * @self: a #InspectorNodeRow
 * @list_row: (nullable): the tree row shown, for its depth and whether it is expanded
 */
void
inspector_node_row_set_list_row (InspectorNodeRow *self,
                                 GtkTreeListRow   *list_row)
{
  g_return_if_fail (INSPECTOR_IS_NODE_ROW (self));

  if (self->list_row == list_row)
    return;
  if (self->list_row != NULL)
    g_clear_signal_handler (&self->expanded_id, self->list_row);
  g_set_object (&self->list_row, list_row);
  if (list_row != NULL)
    self->expanded_id = g_signal_connect (list_row, "notify::expanded",
                                          G_CALLBACK (on_expanded), self);
  update_expanded (self);
}

/**
 * inspector_node_row_set_leaf:
 * @self: a #InspectorNodeRow
 * @leaf: whether the node has no children to show (no arrow)
 */
void
inspector_node_row_set_leaf (InspectorNodeRow *self,
                             gboolean          leaf)
{
  g_return_if_fail (INSPECTOR_IS_NODE_ROW (self));

  if (self->leaf == !!leaf)
    return;
  self->leaf = !!leaf;
  update_expanded (self);
}

gboolean
inspector_node_row_get_leaf (InspectorNodeRow *self)
{
  g_return_val_if_fail (INSPECTOR_IS_NODE_ROW (self), FALSE);
  return self->leaf;
}

/**
 * inspector_node_row_arrow_at:
 * @self: a #InspectorNodeRow
 * @x: where a click landed, in @self's coordinates
 *
 * Returns: whether @x is on the row's arrow (a leaf has none)
 */
gboolean
inspector_node_row_arrow_at (InspectorNodeRow *self,
                             double            x)
{
  int arrow;

  g_return_val_if_fail (INSPECTOR_IS_NODE_ROW (self), FALSE);

  if (self->leaf || self->list_row == NULL)
    return FALSE;
  if (gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL)
    x = gtk_widget_get_width (GTK_WIDGET (self)) - x;
  arrow = depth (self) * INDENT;
  return x >= arrow && x < arrow + ICON_SIZE + ARROW_GAP;
}

/**
 * inspector_node_row_flash:
 * @self: a #InspectorNodeRow
 * @hold_ms: how long the flash stays lit before it fades
 *
 * Lights the row up, or again: its node changed.
 */
void
inspector_node_row_flash (InspectorNodeRow *self,
                          guint             hold_ms)
{
  g_return_if_fail (INSPECTOR_IS_NODE_ROW (self));
  inspector_flash_start (&self->flash, GTK_WIDGET (self), hold_ms, FADE_MS);
}

/* Puts the flash out at once, as when the row shows another node. */
void
inspector_node_row_stop_flash (InspectorNodeRow *self)
{
  g_return_if_fail (INSPECTOR_IS_NODE_ROW (self));
  inspector_flash_stop (&self->flash);
}

gboolean
inspector_node_row_get_flashing (InspectorNodeRow *self)
{
  g_return_val_if_fail (INSPECTOR_IS_NODE_ROW (self), FALSE);
  return self->flash.level > 0;
}

const char *
inspector_node_row_get_key (InspectorNodeRow *self)
{
  g_return_val_if_fail (INSPECTOR_IS_NODE_ROW (self), NULL);
  return self->texts[TEXT_KEY];
}

const char *
inspector_node_row_get_tag (InspectorNodeRow *self)
{
  g_return_val_if_fail (INSPECTOR_IS_NODE_ROW (self), NULL);
  return self->texts[TEXT_TAG];
}

const char *
inspector_node_row_get_name (InspectorNodeRow *self)
{
  g_return_val_if_fail (INSPECTOR_IS_NODE_ROW (self), NULL);
  return self->texts[TEXT_NAME];
}

const char *
inspector_node_row_get_icon (InspectorNodeRow *self)
{
  g_return_val_if_fail (INSPECTOR_IS_NODE_ROW (self), NULL);
  return self->icon_name;
}

gboolean
inspector_node_row_get_struck (InspectorNodeRow *self)
{
  g_return_val_if_fail (INSPECTOR_IS_NODE_ROW (self), FALSE);
  return self->struck;
}
