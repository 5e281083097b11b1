/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>
#include <vrtc.h>

G_BEGIN_DECLS

/**
 * InspectorDiffKind:
 * @INSPECTOR_DIFF_NODE_ADDED: a node in the scene of the second state only
 * @INSPECTOR_DIFF_NODE_REMOVED: a node in the scene of the first state only
 * @INSPECTOR_DIFF_NODE_CHANGED: the tag, name or parent of a node in both (path says which:
 *   `tag`, `name` or `parent`)
 * @INSPECTOR_DIFF_PROPERTY_CHANGED: a property of a node in both: changed, added (no old
 *   value) or removed (no new value)
 *
 * What an #InspectorDiffItem says changed.
 */
typedef enum {
  INSPECTOR_DIFF_NODE_ADDED,
  INSPECTOR_DIFF_NODE_REMOVED,
  INSPECTOR_DIFF_NODE_CHANGED,
  INSPECTOR_DIFF_PROPERTY_CHANGED,
} InspectorDiffKind;

#define INSPECTOR_TYPE_DIFF_KIND (inspector_diff_kind_get_type ())
GType inspector_diff_kind_get_type (void) G_GNUC_CONST;

#define INSPECTOR_TYPE_DIFF_ITEM (inspector_diff_item_get_type ())

G_DECLARE_FINAL_TYPE (InspectorDiffItem, inspector_diff_item, INSPECTOR, DIFF_ITEM, GObject)

InspectorDiffKind  inspector_diff_item_get_kind      (InspectorDiffItem *self);
const char        *inspector_diff_item_get_key       (InspectorDiffItem *self);
const char        *inspector_diff_item_get_path      (InspectorDiffItem *self);
const char        *inspector_diff_item_get_old_value (InspectorDiffItem *self);
const char        *inspector_diff_item_get_new_value (InspectorDiffItem *self);
const char        *inspector_diff_item_get_tag       (InspectorDiffItem *self);
const char        *inspector_diff_item_get_name      (InspectorDiffItem *self);

#define INSPECTOR_TYPE_DIFF (inspector_diff_get_type ())

G_DECLARE_FINAL_TYPE (InspectorDiff, inspector_diff, INSPECTOR, DIFF, GObject)

InspectorDiff *inspector_diff_compute             (VrtcStore     *a,
                                                   VrtcStore     *b);
VrtcStore     *inspector_diff_get_old_store       (InspectorDiff *self);
VrtcStore     *inspector_diff_get_new_store       (InspectorDiff *self);
guint          inspector_diff_get_n_added         (InspectorDiff *self);
guint          inspector_diff_get_n_removed       (InspectorDiff *self);
guint          inspector_diff_get_n_changed       (InspectorDiff *self);
char          *inspector_diff_to_string           (InspectorDiff *self);

G_END_DECLS
