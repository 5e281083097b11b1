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
  g_autofree char *title = NULL;

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

  title = g_strdup_printf (ngettext ("%u Message", "%u Messages", length), length);
  adw_status_page_set_title (self->journal_page, title);
  adw_status_page_set_description (self->journal_page,
                                   _("Every message this session holds, in the order it "
                                     "arrived. Undo from the header bar, or save them as "
                                     "JSON lines from the main menu."));
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
  gtk_widget_class_bind_template_child (widget_class, InspectorWindow, journal_page);

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

  /* The bottom pane waits for the journal timeline: collapsed to its bar for now. */
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

  g_set_object (&self->session, session);
  store = session ? inspector_session_get_store (session) : NULL;

  g_signal_group_set_target (self->session_signals, session);
  g_signal_group_set_target (self->store_signals, store);

  /* The tree first: its selection, and so the editor's node, goes before the store does. */
  inspector_scene_tree_set_store (self->scene_tree, store);
  g_object_set (self->property_editor, "store", store, NULL);

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
