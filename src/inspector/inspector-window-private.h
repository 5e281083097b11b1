/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inspector-diff-view.h"
#include "inspector-property-editor.h"
#include "inspector-scene-tree.h"
#include "inspector-timeline.h"
#include "inspector-window.h"

G_BEGIN_DECLS

/* What the tree and the property editor show. */
typedef enum {
  INSPECTOR_VIEW_LIVE,
  INSPECTOR_VIEW_HISTORY,     /* a history position of the live store, read-only */
  INSPECTOR_VIEW_SNAPSHOT,    /* the state folded into the snapshot, read-only */
} InspectorViewMode;

struct _InspectorWindow
{
  AdwApplicationWindow     parent_instance;

  /* template children */
  AdwToastOverlay         *toast_overlay;
  AdwHeaderBar            *header_bar;
  AdwWindowTitle          *window_title;
  GtkButton               *undo_button;
  GtkButton               *redo_button;
  GtkMenuButton           *menu_button;
  GtkMenuButton           *status_button;
  GtkWidget               *status_dot;
  GtkLabel                *status_label;
  GtkWidget               *peers_box;
  GtkLabel                *peers_label;
  GtkPopover              *status_popover;
  GtkLabel                *status_heading;
  GtkLabel                *status_details;
  GtkLabel                *status_error;
  GtkWidget               *status_host_button;
  GtkWidget               *status_copy_button;
  GtkRevealer             *join_revealer;
  GtkLabel                *join_url_label;
  GtkProgressBar          *progress_bar;
  GtkPaned                *main_paned;
  GtkPaned                *content_paned;
  InspectorSceneTree      *scene_tree;
  InspectorPropertyEditor *property_editor;
  GtkWidget               *journal_pane;
  GtkLabel                *journal_label;
  InspectorTimeline       *timeline;
  GtkRevealer             *history_revealer;
  GtkLabel                *history_label;
  GtkButton               *live_button;
  GtkRevealer             *diff_revealer;
  InspectorDiffView       *diff_view;

  /* what the window looks at */
  InspectorSession        *session;
  GSignalGroup            *session_signals;
  GSignalGroup            *store_signals;
  GCancellable            *load_cancellable;
  guint                    pulse_source;      /* while a file is read and parsed */

  /* state */
  GSettings               *settings;
  GtkFileChooserNative    *file_chooser;
  gboolean                 show_removed;
  gboolean                 show_journal;

  /* history: the live store stays the session's and keeps receiving; this is what is shown */
  InspectorViewMode        view_mode;
  int                      history_position;  /* while INSPECTOR_VIEW_HISTORY */
  VrtcStore               *history_store;     /* the view at history_position */
  VrtcSnapshot            *folded;            /* the state compaction folded, when known */
  guint                    folded_offset;
  VrtcStore               *snapshot_store;    /* a store of it, made on first browse */
  guint                    snapshot_offset;
  char                    *sticky_key;        /* the node the user picked, kept across states */
  gboolean                 rebinding;
  gboolean                 syncing_timeline;
};

void _inspector_window_class_actions_init (InspectorWindowClass *klass);
void _inspector_window_actions_update     (InspectorWindow      *self);
void _inspector_window_set_show_journal   (InspectorWindow      *self,
                                           gboolean              show_journal);

VrtcStore *_inspector_window_get_live_store   (InspectorWindow *self);
VrtcStore *_inspector_window_get_shown_store  (InspectorWindow *self);
void       _inspector_window_set_history_position (InspectorWindow *self,
                                                   int              position);
void       _inspector_window_show_snapshot    (InspectorWindow *self);
void       _inspector_window_back_to_live     (InspectorWindow *self);
void       _inspector_window_show_diff        (InspectorWindow *self,
                                               int              from,
                                               int              to);
void       _inspector_window_show_in_timeline (InspectorWindow *self,
                                               const char      *key,
                                               const char      *path);

G_END_DECLS
