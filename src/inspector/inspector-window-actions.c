/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "inspector-connect-dialog.h"
#include "inspector-window-private.h"

static VrtcStore *
get_store (InspectorWindow *self)
{
  return self->session ? inspector_session_get_store (self->session) : NULL;
}

static const char *
get_copyable_url (InspectorWindow *self)
{
  const char *url;

  if (self->session == NULL)
    return NULL;

  url = inspector_session_get_join_url (self->session);
  return url ? url : inspector_session_get_url (self->session);
}

void
_inspector_window_actions_update (InspectorWindow *self)
{
  VrtcStore *store = get_store (self);
  GtkWidget *widget = GTK_WIDGET (self);
  InspectorSessionKind kind = self->session ? inspector_session_get_kind (self->session)
                                            : INSPECTOR_SESSION_LOCAL;

  gboolean live = self->view_mode == INSPECTOR_VIEW_LIVE;

  /* The past is read-only: undo and redo wait until the window is back to live. */
  gtk_widget_action_set_enabled (widget, "win.undo",
                                 live && store && vrtc_store_get_can_undo (store));
  gtk_widget_action_set_enabled (widget, "win.redo",
                                 live && store && vrtc_store_get_can_redo (store));
  gtk_widget_action_set_enabled (widget, "win.back-to-live", !live);
  gtk_widget_action_set_enabled (widget, "win.diff", !live);
  gtk_widget_action_set_enabled (widget, "win.show-in-timeline", store != NULL);
  gtk_widget_action_set_enabled (widget, "win.save-as", store != NULL);
  gtk_widget_action_set_enabled (widget, "win.host",
                                 self->session == NULL || kind != INSPECTOR_SESSION_HOST);
  gtk_widget_action_set_enabled (widget, "win.copy-url", get_copyable_url (self) != NULL);
  gtk_widget_action_set_enabled (widget, "win.find", store != NULL);
}

void
_inspector_window_set_show_journal (InspectorWindow *self,
                                    gboolean         show_journal)
{
  int height;

  show_journal = !!show_journal;
  gtk_widget_set_visible (GTK_WIDGET (self->timeline), show_journal);

  /* Collapsed, the pane keeps only its bar: the paned clamps the position to its end. */
  height = gtk_widget_get_height (GTK_WIDGET (self->main_paned));
  if (show_journal)
    gtk_paned_set_position (self->main_paned, height > 0 ? height * 9 / 20 : 320);
  else
    gtk_paned_set_position (self->main_paned, G_MAXINT);

  if (self->show_journal != show_journal)
    {
      self->show_journal = show_journal;
      g_object_notify (G_OBJECT (self), "show-journal");
    }
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  VrtcStore *store = get_store (INSPECTOR_WINDOW (widget));
  VrtcMessage *message;

  if (store == NULL)
    return;

  message = vrtc_store_undo (store);
  g_clear_pointer (&message, vrtc_message_unref);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  VrtcStore *store = get_store (INSPECTOR_WINDOW (widget));
  VrtcMessage *message;

  if (store == NULL)
    return;

  message = vrtc_store_redo (store);
  g_clear_pointer (&message, vrtc_message_unref);
}

static void
new_local_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  g_autoptr(InspectorSession) session = inspector_session_new_local ();

  inspector_window_set_session (INSPECTOR_WINDOW (widget), session);
}

static void
add_journal_filters (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) journals = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (journals, _("Journals (JSON lines or JSON)"));
  gtk_file_filter_add_pattern (journals, "*.jsonl");
  gtk_file_filter_add_pattern (journals, "*.ndjson");
  gtk_file_filter_add_pattern (journals, "*.json");
  gtk_file_filter_add_mime_type (journals, "application/json");
  gtk_file_chooser_add_filter (chooser, journals);

  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (chooser, all);
}

static void
open_response (InspectorWindow      *self,
               int                   response,
               GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        inspector_window_open_file (self, file);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  if (self->file_chooser == chooser)
    g_clear_object (&self->file_chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  InspectorWindow *self = INSPECTOR_WINDOW (widget);
  GtkFileChooserNative *chooser;

  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);

  chooser = gtk_file_chooser_native_new (_("Open a Journal"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  add_journal_filters (GTK_FILE_CHOOSER (chooser));
  self->file_chooser = chooser;
  g_signal_connect_object (chooser, "response", G_CALLBACK (open_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

typedef struct {
  InspectorWindow *window;
  GFile           *file;
  guint            n_messages;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->window);
  g_clear_object (&data->file);
  g_free (data);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  SaveData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (data->file);

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      g_autofree char *body = NULL;

      /* Translators: a file name, then the reason */
      body = g_strdup_printf (_("“%s” could not be written: %s"), name, error->message);
      inspector_window_show_error (data->window, _("Could Not Save the Journal"), body);
    }
  else
    {
      g_autofree char *text = NULL;

      /* Translators: a number of messages, then a file name */
      text = g_strdup_printf (ngettext ("Saved %u message to “%s”",
                                        "Saved %u messages to “%s”", data->n_messages),
                              data->n_messages, name);
      inspector_window_add_toast (data->window, text);
    }

  save_data_free (data);
}

static void
save_response (InspectorWindow      *self,
               int                   response,
               GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  if (self->file_chooser == chooser)
    g_clear_object (&self->file_chooser);

  if (file != NULL && self->session != NULL)
    {
      g_autofree char *text = inspector_session_export_journal (self->session);
      gsize len = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), len);
      SaveData *data = g_new0 (SaveData, 1);

      data->window = g_object_ref (self);
      data->file = g_object_ref (file);
      data->n_messages = vrtc_store_get_journal_length (get_store (self));
      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                           G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                           saved_cb, data);
    }
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  InspectorWindow *self = INSPECTOR_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  const char *title;

  if (self->session == NULL)
    return;

  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);

  chooser = gtk_file_chooser_native_new (_("Save the Journal"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  add_journal_filters (GTK_FILE_CHOOSER (chooser));

  title = inspector_session_get_title (self->session);
  if (inspector_session_get_kind (self->session) == INSPECTOR_SESSION_FILE)
    {
      g_autofree char *base = g_strdup (title);
      char *dot = strrchr (base, '.');

      if (dot != NULL && dot != base)
        *dot = '\0';
      /* Translators: the suggested name of a saved copy of a journal file */
      name = g_strdup_printf (_("%s (copy).jsonl"), base);
    }
  else if (inspector_session_get_kind (self->session) == INSPECTOR_SESSION_LOCAL)
    {
      name = g_strdup (_("local-session.jsonl"));
    }
  else
    {
      g_autofree char *safe = g_strdup (title);

      g_strdelimit (safe, "/\\:*?\"<>|“”", '-');
      name = g_strdup_printf ("%s.jsonl", safe);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  self->file_chooser = chooser;
  g_signal_connect_object (chooser, "response", G_CALLBACK (save_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
connect_response (InspectorWindow        *self,
                  const char             *response,
                  InspectorConnectDialog *dialog)
{
  if (g_strcmp0 (response, "connect") == 0)
    {
      g_autofree char *url = inspector_connect_dialog_dup_url (dialog);

      if (url != NULL)
        inspector_window_open_url (self, url);
    }
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  InspectorWindow *self = INSPECTOR_WINDOW (widget);
  InspectorConnectDialog *dialog;
  const char *url = NULL;

  if (self->session != NULL &&
      inspector_session_get_kind (self->session) == INSPECTOR_SESSION_ROOM)
    url = inspector_session_get_url (self->session);

  dialog = inspector_connect_dialog_new (GTK_WINDOW (self), url);
  g_signal_connect_object (dialog, "response", G_CALLBACK (connect_response), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
host_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  inspector_window_host (INSPECTOR_WINDOW (widget));
}

static void
copy_url_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  InspectorWindow *self = INSPECTOR_WINDOW (widget);
  const char *url = get_copyable_url (self);

  if (url == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), url);
  inspector_window_add_toast (self, _("Address copied"));
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  InspectorWindow *self = INSPECTOR_WINDOW (widget);

  inspector_scene_tree_start_search (self->scene_tree);
}

static void
back_to_live_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  _inspector_window_back_to_live (INSPECTOR_WINDOW (widget));
}

static void
diff_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  InspectorWindow *self = INSPECTOR_WINDOW (widget);

  switch (self->view_mode)
    {
    case INSPECTOR_VIEW_HISTORY:
      _inspector_window_show_diff (self, self->history_position, -1);
      break;

    case INSPECTOR_VIEW_SNAPSHOT:
      _inspector_window_show_diff (self, INSPECTOR_POSITION_SNAPSHOT, -1);
      break;

    case INSPECTOR_VIEW_LIVE:
    default:
      break;
    }
}

/* The parameter is "KEY\nPATH": property rows name the value, the window finds its messages. */
static void
show_in_timeline_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  const char *target = g_variant_get_string (param, NULL);
  const char *newline = strchr (target, '\n');
  g_autofree char *key = NULL;

  if (newline == NULL)
    return;

  key = g_strndup (target, newline - target);
  _inspector_window_show_in_timeline (INSPECTOR_WINDOW (widget), key, newline + 1);
}

void
_inspector_window_class_actions_init (InspectorWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "win.new-local", NULL, new_local_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "win.host", NULL, host_action);
  gtk_widget_class_install_action (widget_class, "win.copy-url", NULL, copy_url_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.back-to-live", NULL, back_to_live_action);
  gtk_widget_class_install_action (widget_class, "win.diff", NULL, diff_action);
  gtk_widget_class_install_action (widget_class, "win.show-in-timeline", "s",
                                   show_in_timeline_action);
  gtk_widget_class_install_property_action (widget_class, "win.show-removed", "show-removed");
  gtk_widget_class_install_property_action (widget_class, "win.show-journal", "show-journal");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-local", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "win.connect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.host", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_H,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.host", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.copy-url", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_C,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.copy-url", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK,
                                       "win.show-removed", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_j, GDK_CONTROL_MASK,
                                       "win.show-journal", NULL);
  /* Only while history is shown: otherwise Escape goes on to whatever else uses it. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0,
                                       "win.back-to-live", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK,
                                       "win.diff", NULL);
}
