/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "inspector-window-private.h"

G_DEFINE_FINAL_TYPE (InspectorWindow, inspector_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SHOW_REMOVED,
  PROP_SHOW_JOURNAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const status_classes[] = {
  "connected", "connecting", "reconnecting", "offline",
};

static void update_history_banner (InspectorWindow *self);
static void capture_snapshot      (InspectorWindow *self);

/* Header bar and status */

static void
update_titles (InspectorWindow *self)
{
  const char *title = NULL;
  const char *subtitle = NULL;
  g_autofree char *window_title = NULL;

  if (self->session != NULL)
    {
      title = inspector_session_get_title (self->session);
      subtitle = inspector_session_get_subtitle (self->session);
    }

  if (title == NULL)
    title = _("Vuer RTC Inspector");

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle ? subtitle : "");

  /* Translators: the window's name in the task switcher: "SESSION — Vuer RTC Inspector" */
  window_title = g_strdup_printf (_("%s — Vuer RTC Inspector"), title);
  gtk_window_set_title (GTK_WINDOW (self), window_title);
}

static void
update_status (InspectorWindow *self)
{
  InspectorSession *session = self->session;
  VrtcClientStatus status = VRTC_CLIENT_STATUS_DISCONNECTED;
  g_autofree char *text = NULL;
  g_autofree char *error = NULL;
  g_autofree char *peers_text = NULL;
  g_autofree char *accessible = NULL;
  g_autoptr(GString) details = g_string_new (NULL);
  const char *status_class = "offline";
  const char *heading;
  const char *url = NULL;
  gboolean in_room = FALSE;
  guint peers = 0;

  if (session != NULL)
    {
      status = inspector_session_get_status (session);
      text = inspector_session_dup_status_text (session);
      error = inspector_session_dup_last_error (session);
      peers = inspector_session_get_peers (session);
      url = inspector_session_get_url (session);
      in_room = url != NULL;
    }
  else
    {
      text = g_strdup (_("Offline"));
    }

  switch (status)
    {
    case VRTC_CLIENT_STATUS_CONNECTED:
      status_class = "connected";
      heading = _("Connected");
      break;

    case VRTC_CLIENT_STATUS_CONNECTING:
      status_class = "connecting";
      heading = _("Connecting to the server");
      break;

    case VRTC_CLIENT_STATUS_RECONNECTING:
      status_class = "reconnecting";
      heading = _("Trying to reach the server again");
      break;

    case VRTC_CLIENT_STATUS_DISCONNECTED:
    default:
      heading = in_room ? _("Disconnected") : _("Not connected to a server");
      break;
    }

  gtk_label_set_label (self->status_label, text);
  for (guint i = 0; i < G_N_ELEMENTS (status_classes); i++)
    gtk_widget_remove_css_class (self->status_dot, status_classes[i]);
  gtk_widget_add_css_class (self->status_dot, status_class);

  peers_text = g_strdup_printf (ngettext ("%u other session in this room",
                                          "%u other sessions in this room", peers), peers);
  gtk_widget_set_visible (self->peers_box, in_room && status == VRTC_CLIENT_STATUS_CONNECTED);
  {
    g_autofree char *number = g_strdup_printf ("%u", peers);

    gtk_label_set_label (self->peers_label, number);
  }
  gtk_widget_set_tooltip_text (self->peers_box, peers_text);

  gtk_label_set_label (self->status_heading, heading);
  if (in_room)
    {
      VrtcStore *store = inspector_session_get_store (session);

      /* Translators: a line of the connection details: the room's address */
      g_string_append_printf (details, _("Room: %s"), url);
      g_string_append_c (details, '\n');
      /* Translators: a line of the connection details: this window's session id */
      g_string_append_printf (details, _("Your session: %s"), vrtc_store_get_session_id (store));
      if (status == VRTC_CLIENT_STATUS_CONNECTED)
        {
          g_string_append_c (details, '\n');
          g_string_append (details, peers_text);
        }
    }
  else
    {
      g_string_append (details, _("What you see lives in this window only. Connect to a "
                                  "server to join a room, or host one to share this scene "
                                  "with other inspectors."));
    }
  gtk_label_set_label (self->status_details, details->str);
  gtk_widget_set_visible (self->status_copy_button, in_room);
  gtk_widget_set_visible (self->status_host_button,
                          session == NULL ||
                          inspector_session_get_kind (session) != INSPECTOR_SESSION_HOST);

  gtk_widget_set_visible (GTK_WIDGET (self->status_error),
                          error != NULL && status != VRTC_CLIENT_STATUS_CONNECTED);
  gtk_label_set_label (self->status_error, error ? error : "");

  if (in_room && status == VRTC_CLIENT_STATUS_CONNECTED)
    accessible = g_strdup_printf ("%s, %s", text, peers_text);
  else
    accessible = g_strdup (text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_button),
                               error != NULL && status != VRTC_CLIENT_STATUS_CONNECTED
                               ? error : heading);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);

  /* A room the window joined once is worth offering again in the connect dialog. */
  if (status == VRTC_CLIENT_STATUS_CONNECTED && session != NULL &&
      inspector_session_get_kind (session) == INSPECTOR_SESSION_ROOM)
    inspector_settings_add_recent_server (self->settings, url);
}

static void
update_join_url (InspectorWindow *self)
{
  const char *join_url = self->session ? inspector_session_get_join_url (self->session) : NULL;

  gtk_label_set_label (self->join_url_label, join_url ? join_url : "");
  gtk_revealer_set_reveal_child (self->join_revealer, join_url != NULL);
}

static void
update_journal (InspectorWindow *self)
{
  VrtcStore *store = self->session ? inspector_session_get_store (self->session) : NULL;
  guint length = store ? vrtc_store_get_journal_length (store) : 0;
  guint offset = store ? vrtc_store_get_journal_offset (store) : 0;
  g_autofree char *text = NULL;

  text = g_strdup_printf (ngettext ("%u message", "%u messages", length), length);
  if (offset > 0)
    {
      g_autofree char *folded = NULL;

      /* Translators: "12 messages, 40 folded into the snapshot" */
      folded = g_strdup_printf (ngettext ("%s, %u folded into the snapshot",
                                          "%s, %u folded into the snapshot", offset),
                                text, offset);
      g_free (text);
      text = g_steal_pointer (&folded);
    }
  gtk_label_set_label (self->journal_label, text);

  capture_snapshot (self);

  /* The journal grows while history is shown: "position 12 of N" follows. */
  if (self->view_mode == INSPECTOR_VIEW_HISTORY)
    update_history_banner (self);
}

static void
update_progress (InspectorWindow *self)
{
  gboolean loading = self->session && inspector_session_get_loading (self->session);

  if (self->pulse_source != 0)
    {
      /* reading and parsing: no fraction to show yet */
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), loading);
  if (loading)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   inspector_session_get_progress (self->session));
}

static gboolean
pulse_cb (gpointer user_data)
{
  InspectorWindow *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
on_session_toast (InspectorWindow *self,
                  const char      *text)
{
  inspector_window_add_toast (self, text);
}

static void
on_store_changed (InspectorWindow *self)
{
  _inspector_window_actions_update (self);
}

/* History: the tree and the property editor show a read-only state of the past (a history
 * view of the live store, or the snapshot) while the live store keeps receiving. */

VrtcStore *
_inspector_window_get_live_store (InspectorWindow *self)
{
  return self->session ? inspector_session_get_store (self->session) : NULL;
}

VrtcStore *
_inspector_window_get_shown_store (InspectorWindow *self)
{
  switch (self->view_mode)
    {
    case INSPECTOR_VIEW_HISTORY:
      return self->history_store;

    case INSPECTOR_VIEW_SNAPSHOT:
      return self->snapshot_store;

    case INSPECTOR_VIEW_LIVE:
    default:
      return _inspector_window_get_live_store (self);
    }
}

static char *
format_time (double ms)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local ((gint64) (ms / 1000.0));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (time == NULL)
    return g_strdup ("?");

  if (g_date_time_get_year (time) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    /* Translators: the time of a message today, see g_date_time_format() */
    return g_date_time_format (time, _("%H:%M:%S"));

  /* Translators: the date and time of an older message, see g_date_time_format() */
  return g_date_time_format (time, _("%Y-%m-%d %H:%M:%S"));
}

static void
update_history_banner (InspectorWindow *self)
{
  VrtcStore *live = _inspector_window_get_live_store (self);
  g_autofree char *text = NULL;

  switch (self->view_mode)
    {
    case INSPECTOR_VIEW_HISTORY:
      {
        /* Numbered as the timeline numbers them: from 1, counting what was compacted. */
        guint offset = vrtc_store_get_journal_offset (live);
        guint length = vrtc_store_get_journal_length (live);
        g_autoptr(VrtcJournalEntry) entry = NULL;
        g_autofree char *when = NULL;

        entry = g_list_model_get_item (vrtc_store_get_journal (live), self->history_position);
        when = entry ? format_time (vrtc_journal_entry_get_timestamp (entry)) : g_strdup ("?");
        /* Translators: "Viewing the state at position 123 of 4,567 (12:03:04) — read only" */
        text = g_strdup_printf (_("Viewing the state at position %'u of %'u (%s) — read only"),
                                offset + self->history_position + 1, offset + length, when);
      }
      break;

    case INSPECTOR_VIEW_SNAPSHOT:
      /* Translators: the snapshot holds the messages compaction folded together */
      text = g_strdup_printf (ngettext ("Viewing the snapshot: %'u message folded together "
                                        "— read only",
                                        "Viewing the snapshot: %'u messages folded together "
                                        "— read only", self->snapshot_offset),
                              self->snapshot_offset);
      break;

    case INSPECTOR_VIEW_LIVE:
    default:
      gtk_revealer_set_reveal_child (self->history_revealer, FALSE);
      return;
    }

  gtk_label_set_label (self->history_label, text);
  gtk_revealer_set_reveal_child (self->history_revealer, TRUE);
}

/* Points the tree and the editor at @store, keeping the node picked. */
static void
show_store (InspectorWindow *self,
            VrtcStore       *store,
            gboolean         read_only)
{
  g_autofree char *key = g_strdup (self->sticky_key);

  inspector_scene_tree_set_read_only (self->scene_tree, read_only);
  inspector_property_editor_set_read_only (self->property_editor, read_only);

  if (inspector_scene_tree_get_store (self->scene_tree) == store)
    return;

  self->rebinding = TRUE;
  /* The tree first: its selection, and so the editor's node, goes before the store does.
   * The tree keeps its expanded rows across stores. */
  inspector_scene_tree_set_store (self->scene_tree, store);
  inspector_property_editor_set_store (self->property_editor, store);
  if (store != NULL && key != NULL)
    inspector_scene_tree_select_key (self->scene_tree, key);
  self->rebinding = FALSE;
}

static void
sync_timeline (InspectorWindow *self,
               int              position)
{
  if (inspector_timeline_get_history_position (self->timeline) == position)
    return;

  self->syncing_timeline = TRUE;
  inspector_timeline_set_history_position (self->timeline, position);
  self->syncing_timeline = FALSE;
}

static void
history_changed (InspectorWindow *self)
{
  update_history_banner (self);
  _inspector_window_actions_update (self);
}

/**
 * _inspector_window_set_history_position:
 * @self: a window
 * @position: a position of the live store's journal model, or -1 for live
 *
 * Shows the state right after journal entry @position arrived, read-only; the same position
 * again costs nothing.
 */
void
_inspector_window_set_history_position (InspectorWindow *self,
                                        int              position)
{
  VrtcStore *live = _inspector_window_get_live_store (self);
  g_autoptr(VrtcStore) view = NULL;
  g_autofree char *key = NULL;
  guint length = live ? vrtc_store_get_journal_length (live) : 0;

  if (position < 0 || length == 0)
    {
      _inspector_window_back_to_live (self);
      return;
    }
  position = MIN ((guint) position, length - 1);

  sync_timeline (self, position);
  if (self->view_mode == INSPECTOR_VIEW_HISTORY && self->history_position == position &&
      self->history_store != NULL)
    {
      update_history_banner (self);
      return;
    }

  /* Scrubbing moves one view: the tree and the editor keep their nodes, which follow it. */
  if (self->view_mode == INSPECTOR_VIEW_HISTORY && self->history_store != NULL)
    {
      key = g_strdup (self->sticky_key);
      self->rebinding = TRUE;
      vrtc_store_set_history_position (self->history_store, position, NULL);
      if (key != NULL && inspector_scene_tree_get_selected_node (self->scene_tree) == NULL)
        inspector_scene_tree_select_key (self->scene_tree, key);
      self->rebinding = FALSE;
    }
  else
    {
      view = vrtc_store_get_state_at (live, position);
      g_set_object (&self->history_store, view);
      show_store (self, view, TRUE);
    }
  self->view_mode = INSPECTOR_VIEW_HISTORY;
  self->history_position = position;
  history_changed (self);
}

/**
 * _inspector_window_back_to_live:
 * @self: a window
 *
 * Shows the live store again, editable, with its newest values.
 */
void
_inspector_window_back_to_live (InspectorWindow *self)
{
  sync_timeline (self, -1);
  if (self->view_mode == INSPECTOR_VIEW_LIVE &&
      inspector_scene_tree_get_store (self->scene_tree) ==
      _inspector_window_get_live_store (self))
    return;

  self->view_mode = INSPECTOR_VIEW_LIVE;
  self->history_position = -1;
  show_store (self, _inspector_window_get_live_store (self), FALSE);
  g_clear_object (&self->history_store);
  history_changed (self);
}

/*
 * The snapshot is the state compaction folded together. The api reaches history positions
 * only in the journal left after it, so the folded state is taken when it is the current
 * one: right after a compaction that left no message behind, the usual case in a room.
 */
static void
capture_snapshot (InspectorWindow *self)
{
  VrtcStore *live = _inspector_window_get_live_store (self);
  guint offset = live ? vrtc_store_get_journal_offset (live) : 0;

  if (offset == 0 || offset == self->folded_offset || vrtc_store_get_journal_length (live) > 0)
    return;

  g_clear_pointer (&self->folded, vrtc_snapshot_unref);
  self->folded = vrtc_store_get_snapshot (live);
  self->folded_offset = offset;
}

static VrtcStore *
ensure_snapshot_store (InspectorWindow  *self,
                       GError          **error)
{
  VrtcStore *live = _inspector_window_get_live_store (self);
  guint offset = live ? vrtc_store_get_journal_offset (live) : 0;
  g_autoptr(VrtcStore) copy = NULL;

  if (offset == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("Nothing was folded into a snapshot yet: compact the journal "
                             "first"));
      return NULL;
    }

  capture_snapshot (self);
  if (self->folded == NULL || self->folded_offset != offset)
    {
      guint length = vrtc_store_get_journal_length (live);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   ngettext ("The snapshot can be browsed once the message after it is "
                             "folded too",
                             "The snapshot can be browsed once the %u messages after it are "
                             "folded too", length),
                   length);
      return NULL;
    }

  if (self->snapshot_store != NULL && self->snapshot_offset == offset)
    return self->snapshot_store;

  copy = vrtc_store_new (vrtc_store_get_session_id (live));
  if (!vrtc_store_init_from_server (copy, self->folded, NULL, 0, error))
    return NULL;

  g_set_object (&self->snapshot_store, copy);
  self->snapshot_offset = offset;
  return self->snapshot_store;
}

/**
 * _inspector_window_show_snapshot:
 * @self: a window
 *
 * Shows the snapshot read-only, or says why it cannot.
 */
void
_inspector_window_show_snapshot (InspectorWindow *self)
{
  g_autoptr(GError) error = NULL;
  VrtcStore *snapshot = ensure_snapshot_store (self, &error);

  if (snapshot == NULL)
    {
      inspector_window_add_toast (self, error->message);
      return;
    }

  sync_timeline (self, -1);
  self->view_mode = INSPECTOR_VIEW_SNAPSHOT;
  self->history_position = -1;
  show_store (self, snapshot, TRUE);
  g_clear_object (&self->history_store);
  history_changed (self);
}

static VrtcStore *
dup_store_at (InspectorWindow  *self,
              int               position,
              GError          **error)
{
  VrtcStore *live = _inspector_window_get_live_store (self);

  if (live == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No session is open"));
      return NULL;
    }
  if (position == INSPECTOR_POSITION_SNAPSHOT)
    {
      VrtcStore *snapshot = ensure_snapshot_store (self, error);

      return snapshot ? g_object_ref (snapshot) : NULL;
    }
  if (position < 0)
    return g_object_ref (live);
  if ((guint) position >= vrtc_store_get_journal_length (live))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There is no position %'d in the journal"), position);
      return NULL;
    }
  /* Not the view shown: that one moves with the history scale. */
  return vrtc_store_get_state_at (live, position);
}

/* Earlier first: the snapshot, then the positions, then live. */
static gint64
position_rank (int position)
{
  if (position == INSPECTOR_POSITION_SNAPSHOT)
    return -1;
  if (position < 0)
    return G_MAXINT64;
  return position;
}

/**
 * _inspector_window_show_diff:
 * @self: a window
 * @from: a history position, -1 for live or %INSPECTOR_POSITION_SNAPSHOT
 * @to: another
 *
 * Compares the two states, the earlier one first, in the side pane.
 */
void
_inspector_window_show_diff (InspectorWindow *self,
                             int              from,
                             int              to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcStore) a = NULL;
  g_autoptr(VrtcStore) b = NULL;
  g_autoptr(InspectorDiff) diff = NULL;
  guint offset;

  if (position_rank (from) > position_rank (to))
    {
      int swap = from;

      from = to;
      to = swap;
    }

  if ((a = dup_store_at (self, from, &error)) == NULL ||
      (b = dup_store_at (self, to, &error)) == NULL)
    {
      inspector_window_add_toast (self, error->message);
      return;
    }

  diff = inspector_diff_compute (a, b);
  offset = vrtc_store_get_journal_offset (_inspector_window_get_live_store (self));
  inspector_diff_view_set_diff (self->diff_view, diff, from, to, offset);
  gtk_revealer_set_reveal_child (self->diff_revealer, TRUE);
}

static void
close_diff (InspectorWindow *self)
{
  gtk_revealer_set_reveal_child (self->diff_revealer, FALSE);
  /* The diff holds two states: let them go. */
  inspector_diff_view_set_diff (self->diff_view, NULL, -1, -1, 0);
}

static void
on_diff_change_activated (InspectorWindow   *self,
                          InspectorDiffItem *item,
                          int                position,
                          InspectorDiffView *view)
{
  const char *key = inspector_diff_item_get_key (item);
  VrtcNode *selected;

  /* Picked first, so that the new state opens on it. */
  g_free (self->sticky_key);
  self->sticky_key = g_strdup (key);

  if (position == INSPECTOR_POSITION_SNAPSHOT)
    _inspector_window_show_snapshot (self);
  else
    _inspector_window_set_history_position (self, position);

  selected = inspector_scene_tree_get_selected_node (self->scene_tree);
  if ((selected == NULL || g_strcmp0 (vrtc_node_get_key (selected), key) != 0) &&
      !inspector_scene_tree_select_key (self->scene_tree, key))
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (_("“%s” is not in the scene in this state"), key);
      inspector_window_add_toast (self, text);
      return;
    }

  if (inspector_diff_item_get_kind (item) == INSPECTOR_DIFF_PROPERTY_CHANGED)
    {
      InspectorPropertyRow *row =
        inspector_property_editor_get_row (self->property_editor,
                                           inspector_diff_item_get_path (item));

      if (row != NULL)
        inspector_property_row_flash (row);
    }
}

static void
on_diff_requested (InspectorWindow   *self,
                   int                from,
                   int                to,
                   InspectorTimeline *timeline)
{
  _inspector_window_show_diff (self, from, to);
}

static void
on_timeline_position (InspectorWindow *self)
{
  if (self->syncing_timeline)
    return;

  _inspector_window_set_history_position (self,
                                          inspector_timeline_get_history_position (self->timeline));
}

static void
on_timeline_node_activated (InspectorWindow   *self,
                            const char        *key,
                            InspectorTimeline *timeline)
{
  g_free (self->sticky_key);
  self->sticky_key = g_strdup (key);
  if (!inspector_scene_tree_select_key (self->scene_tree, key))
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (_("“%s” is not in the scene in this state"), key);
      inspector_window_add_toast (self, text);
    }
}

static void
on_timeline_message (InspectorWindow   *self,
                     const char        *text,
                     InspectorTimeline *timeline)
{
  inspector_window_add_toast (self, text);
}

static void
on_selected_node (InspectorWindow *self)
{
  VrtcNode *node = inspector_scene_tree_get_selected_node (self->scene_tree);

  /* Only the user's picks: a state without the node keeps the wish for the next one. */
  if (self->rebinding || node == NULL)
    return;

  g_free (self->sticky_key);
  self->sticky_key = g_strdup (vrtc_node_get_key (node));
}

static VrtcProperty *
find_property (VrtcNode   *node,
               const char *path)
{
  GListModel *model = vrtc_node_get_properties (node);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VrtcProperty) property = g_list_model_get_item (model, i);

      /* The node's model keeps the property alive. */
      if (g_strcmp0 (vrtc_property_get_path (property), path) == 0)
        return property;
    }

  return NULL;
}

/**
 * _inspector_window_show_in_timeline:
 * @self: a window
 * @key: a node key
 * @path: one of its property paths
 *
 * Opens the journal on the message that wrote the value shown, and marks the concurrent
 * writes that lost to it.
 */
void
_inspector_window_show_in_timeline (InspectorWindow *self,
                                    const char      *key,
                                    const char      *path)
{
  VrtcStore *store = _inspector_window_get_shown_store (self);
  VrtcNode *node = store ? vrtc_store_get_node (store, key) : NULL;
  VrtcProperty *property = node ? find_property (node, path) : NULL;
  g_autofree char *winner = NULL;
  g_auto(GStrv) lost = NULL;

  if (property == NULL)
    {
      /* Translators: a node key and a property path */
      g_autofree char *text = g_strdup_printf (_("%s has no property “%s” here"), key, path);

      inspector_window_add_toast (self, text);
      return;
    }

  if (!inspector_property_row_find_provenance_messages (store, property, &winner, &lost))
    {
      inspector_window_add_toast (self, _("The write behind this value was folded into the "
                                          "snapshot: no message is left to show"));
      return;
    }

  if (!self->show_journal)
    _inspector_window_set_show_journal (self, TRUE);

  if (!inspector_timeline_select_message (self->timeline, winner))
    {
      g_autofree char *text = g_strdup_printf (_("Message %s is not in the journal"), winner);

      inspector_window_add_toast (self, text);
    }
  inspector_timeline_mark_messages (self->timeline, (const char * const *) lost, "lost");
}

static void
reset_history (InspectorWindow *self)
{
  self->view_mode = INSPECTOR_VIEW_LIVE;
  self->history_position = -1;
  g_clear_object (&self->history_store);
  g_clear_object (&self->snapshot_store);
  self->snapshot_offset = 0;
  g_clear_pointer (&self->folded, vrtc_snapshot_unref);
  self->folded_offset = 0;
  g_clear_pointer (&self->sticky_key, g_free);
  inspector_scene_tree_set_read_only (self->scene_tree, FALSE);
  inspector_property_editor_set_read_only (self->property_editor, FALSE);
  close_diff (self);
  update_history_banner (self);
}

/* Opening */

static void
fall_back_to_local (InspectorWindow *self)
{
  if (self->session == NULL)
    {
      g_autoptr(InspectorSession) local = inspector_session_new_local ();

      inspector_window_set_session (self, local);
    }
}

static void
file_opened_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(InspectorWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InspectorSession) session = NULL;

  session = inspector_session_new_for_file_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->pulse_source, g_source_remove);

  if (session == NULL)
    {
      update_progress (self);
      inspector_window_show_error (self, _("Could Not Open the Journal"), error->message);
      fall_back_to_local (self);
      return;
    }

  inspector_window_set_session (self, session);
}

static gboolean
on_drop (InspectorWindow *self,
         const GValue    *value,
         double           x,
         double           y,
         GtkDropTarget   *target)
{
  GFile *file = g_value_get_object (value);

  if (file == NULL)
    return FALSE;

  inspector_window_open_file (self, file);
  return TRUE;
}

/* Window state */

static void
restore_window_state (InspectorWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
inspector_window_close_request (GtkWindow *window)
{
  InspectorWindow *self = INSPECTOR_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (self->settings);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
      g_settings_apply (self->settings);
    }

  return GTK_WINDOW_CLASS (inspector_window_parent_class)->close_request (window);
}

/* GObject */

static void
inspector_window_dispose (GObject *object)
{
  InspectorWindow *self = INSPECTOR_WINDOW (object);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->pulse_source, g_source_remove);

  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);

  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->store_signals);

  gtk_widget_dispose_template (GTK_WIDGET (self), INSPECTOR_TYPE_WINDOW);

  g_clear_object (&self->history_store);
  g_clear_object (&self->snapshot_store);
  g_clear_pointer (&self->folded, vrtc_snapshot_unref);
  g_clear_pointer (&self->sticky_key, g_free);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (inspector_window_parent_class)->dispose (object);
}

static void
inspector_window_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  InspectorWindow *self = INSPECTOR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_SHOW_REMOVED:
      g_value_set_boolean (value, self->show_removed);
      break;

    case PROP_SHOW_JOURNAL:
      g_value_set_boolean (value, self->show_journal);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_window_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  InspectorWindow *self = INSPECTOR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      inspector_window_set_session (self, g_value_get_object (value));
      break;

    case PROP_SHOW_REMOVED:
      if (self->show_removed != g_value_get_boolean (value))
        {
          self->show_removed = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_SHOW_JOURNAL:
      _inspector_window_set_show_journal (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_window_class_init (InspectorWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = inspector_window_dispose;
  object_class->get_property = inspector_window_get_property;
  object_class->set_property = inspector_window_set_property;

  window_class->close_request = inspector_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, INSPECTOR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SHOW_REMOVED] =
    g_param_spec_boolean ("show-removed", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SHOW_JOURNAL] =
    g_param_spec_boolean ("show-journal", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (INSPECTOR_TYPE_SCENE_TREE);
  g_type_ensure (INSPECTOR_TYPE_PROPERTY_EDITOR);
  g_type_ensure (INSPECTOR_TYPE_TIMELINE);
  g_type_ensure (INSPECTOR_TYPE_DIFF_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/vrtc/Inspector/inspector-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, undo_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, redo_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, status_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, status_dot);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, peers_box);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, peers_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, status_popover);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, status_heading);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, status_details);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, status_error);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, status_host_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, status_copy_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, join_revealer);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, join_url_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, main_paned);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, content_paned);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, scene_tree);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, property_editor);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, journal_pane);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, journal_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, history_revealer);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, history_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, live_button);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, diff_revealer);
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, diff_view);

  _inspector_window_class_actions_init (klass);
}

static void
inspector_window_init (InspectorWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = inspector_settings_new ();
  restore_window_state (self);

  g_object_bind_property (self->scene_tree, "selected-node",
                          self->property_editor, "node", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->scene_tree, "notify::selected-node",
                           G_CALLBACK (on_selected_node), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->diff_view, "change-activated",
                           G_CALLBACK (on_diff_change_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->diff_view, "close",
                           G_CALLBACK (close_diff), self, G_CONNECT_SWAPPED);
  self->view_mode = INSPECTOR_VIEW_LIVE;
  self->history_position = -1;
  g_signal_connect_object (self->timeline, "notify::history-position",
                           G_CALLBACK (on_timeline_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeline, "node-activated",
                           G_CALLBACK (on_timeline_node_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeline, "open-snapshot",
                           G_CALLBACK (_inspector_window_show_snapshot), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeline, "diff-requested",
                           G_CALLBACK (on_diff_requested), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeline, "message",
                           G_CALLBACK (on_timeline_message), self, G_CONNECT_SWAPPED);
  g_object_bind_property (self, "show-removed", self->scene_tree, "show-removed",
                          G_BINDING_SYNC_CREATE);
  if (self->settings != NULL)
    g_settings_bind (self->settings, "show-removed", self, "show-removed",
                     G_SETTINGS_BIND_DEFAULT);

  self->session_signals = g_signal_group_new (INSPECTOR_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "toast",
                                 G_CALLBACK (on_session_toast), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::status-text",
                                 G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::status",
                                 G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::peers",
                                 G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::loading",
                                 G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::progress",
                                 G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);

  self->store_signals = g_signal_group_new (VRTC_TYPE_STORE);
  g_signal_group_connect_object (self->store_signals, "notify::can-undo",
                                 G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->store_signals, "notify::can-redo",
                                 G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->store_signals, "notify::journal-length",
                                 G_CALLBACK (update_journal), self, G_CONNECT_SWAPPED);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  /* The journal pane starts collapsed to its bar; Ctrl+J opens the timeline. */
  _inspector_window_set_show_journal (self, FALSE);

  update_titles (self);
  update_status (self);
  update_journal (self);
  _inspector_window_actions_update (self);
}

/* Public */

/**
 * inspector_window_new:
 * @application: (nullable): the application
 *
 * A window looking at nothing yet: give it a session, a file or a room.
 *
 * Returns: (transfer full): the window
 */
InspectorWindow *
inspector_window_new (InspectorApplication *application)
{
  return g_object_new (INSPECTOR_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * inspector_window_get_session:
 * @self: a window
 *
 * Returns: (transfer none) (nullable): what the window looks at
 */
InspectorSession *
inspector_window_get_session (InspectorWindow *self)
{
  g_return_val_if_fail (INSPECTOR_IS_WINDOW (self), NULL);

  return self->session;
}

/**
 * inspector_window_set_session:
 * @self: a window
 * @session: (nullable): what to look at
 *
 * Points the header bar, the scene tree and the property editor at @session. The previous
 * session is dropped: its connection closed, its hosted relay stopped.
 */
void
inspector_window_set_session (InspectorWindow  *self,
                              InspectorSession *session)
{
  VrtcStore *store;

  g_return_if_fail (INSPECTOR_IS_WINDOW (self));
  g_return_if_fail (session == NULL || INSPECTOR_IS_SESSION (session));

  if (session == self->session)
    return;

  /* History belongs to the store it was taken from. */
  reset_history (self);
  sync_timeline (self, -1);

  g_set_object (&self->session, session);
  store = session ? inspector_session_get_store (session) : NULL;

  g_signal_group_set_target (self->session_signals, session);
  g_signal_group_set_target (self->store_signals, store);

  /* The tree first: its selection, and so the editor's node, goes before the store does. */
  inspector_scene_tree_set_store (self->scene_tree, store);
  g_object_set (self->property_editor, "store", store, NULL);
  inspector_timeline_set_store (self->timeline, store);

  /* The sample opens on a node with something of every kind to edit, not on a blank pane. */
  if (session != NULL && inspector_session_get_kind (session) == INSPECTOR_SESSION_LOCAL)
    inspector_scene_tree_select_key (self->scene_tree, "cube");

  /* Keyboard first: the arrows move in the tree, not over the header bar's buttons. */
  gtk_widget_grab_focus (GTK_WIDGET (self->scene_tree));

  update_titles (self);
  update_status (self);
  update_join_url (self);
  update_journal (self);
  update_progress (self);
  _inspector_window_actions_update (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/**
 * inspector_window_open_file:
 * @self: a window
 * @file: a saved journal
 *
 * Reads and parses @file without blocking, then looks at it while its messages are
 * applied, with progress in the window. On failure the window says why and keeps what
 * it showed. The command line, drag and drop and Open all come here.
 */
void
inspector_window_open_file (InspectorWindow *self,
                            GFile           *file)
{
  g_return_if_fail (INSPECTOR_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  if (self->pulse_source == 0)
    self->pulse_source = g_timeout_add (100, pulse_cb, self);
  gtk_progress_bar_set_pulse_step (self->progress_bar, 0.1);
  update_progress (self);
  inspector_session_new_for_file_async (file, self->load_cancellable,
                                        file_opened_cb, g_object_ref (self));
}

/**
 * inspector_window_open_url:
 * @self: a window
 * @url: a room, `ws://HOST:PORT/ROOM`
 *
 * Joins the room at @url, or says in plain words why @url is not one.
 */
void
inspector_window_open_url (InspectorWindow *self,
                           const char      *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InspectorSession) session = NULL;

  g_return_if_fail (INSPECTOR_IS_WINDOW (self));
  g_return_if_fail (url != NULL);

  session = inspector_session_new_for_url (url, &error);
  if (session == NULL)
    {
      inspector_window_show_error (self, _("Could Not Connect"), error->message);
      fall_back_to_local (self);
      return;
    }

  inspector_window_set_session (self, session);
}

/**
 * inspector_window_host:
 * @self: a window
 *
 * Starts a relay in this process on loopback and joins it. A local session takes its
 * scene and edits along; anything else (a file, another room) is left for a fresh copy of
 * the sample scene, since the relay only takes messages from the sessions that wrote them.
 */
void
inspector_window_host (InspectorWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InspectorSession) hosted = NULL;
  VrtcStore *store = NULL;

  g_return_if_fail (INSPECTOR_IS_WINDOW (self));

  if (self->session != NULL &&
      inspector_session_get_kind (self->session) == INSPECTOR_SESSION_LOCAL)
    store = inspector_session_get_store (self->session);

  hosted = inspector_session_new_hosted (store, &error);
  if (hosted == NULL)
    {
      inspector_window_show_error (self, _("Could Not Host a Room"), error->message);
      fall_back_to_local (self);
      return;
    }

  if (store == NULL && self->session != NULL)
    inspector_window_add_toast (self, _("The room starts with the sample scene: only a "
                                        "local session can be shared as it is"));

  inspector_window_set_session (self, hosted);
}

void
inspector_window_add_toast (InspectorWindow *self,
                            const char      *text)
{
  AdwToast *toast;

  g_return_if_fail (INSPECTOR_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * inspector_window_show_error:
 * @self: a window
 * @heading: what failed, in title case
 * @body: why, in plain words
 *
 * Says what went wrong in a dialog over the window.
 */
void
inspector_window_show_error (InspectorWindow *self,
                             const char      *heading,
                             const char      *body)
{
  GtkWidget *dialog;

  g_return_if_fail (INSPECTOR_IS_WINDOW (self));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}
