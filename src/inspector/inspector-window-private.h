/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inspector-property-editor.h"
#include "inspector-scene-tree.h"
#include "inspector-window.h"

G_BEGIN_DECLS

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
  AdwStatusPage           *journal_page;

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
};

void _inspector_window_class_actions_init (InspectorWindowClass *klass);
void _inspector_window_actions_update     (InspectorWindow      *self);
void _inspector_window_set_show_journal   (InspectorWindow      *self,
                                           gboolean              show_journal);

G_END_DECLS
