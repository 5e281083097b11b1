/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(VRTC_INSIDE) && !defined(VRTC_COMPILATION)
# error "Only <vrtc.h> can be included directly."
#endif

#include <gio/gio.h>

#include "vrtc-version.h"
#include "vrtc-message.h"
#include "vrtc-node.h"
#include "vrtc-operation.h"
#include "vrtc-snapshot.h"

G_BEGIN_DECLS

#define VRTC_TYPE_STORE (vrtc_store_get_type ())

VRTC_EXPORT
G_DECLARE_FINAL_TYPE (VrtcStore, vrtc_store, VRTC, STORE, GObject)

/**
 * VrtcClockFunc:
 * @store: the store asking
 * @user_data: the data given to vrtc_store_set_clock_func()
 *
 * Gives the wall-clock time stamped on the messages that @store commits.
 *
 * Returns: milliseconds since the Unix epoch
 */
typedef double (*VrtcClockFunc) (VrtcStore *store,
                                 gpointer   user_data);

VRTC_EXPORT
VrtcStore    *vrtc_store_new                 (const char     *session_id);
VRTC_EXPORT
const char   *vrtc_store_get_session_id      (VrtcStore      *self);
VRTC_EXPORT
gint64        vrtc_store_get_lamport_time    (VrtcStore      *self);
VRTC_EXPORT
gboolean      vrtc_store_get_read_only       (VrtcStore      *self);

VRTC_EXPORT
void          vrtc_store_set_clock_func      (VrtcStore      *self,
                                              VrtcClockFunc   func,
                                              gpointer        user_data,
                                              GDestroyNotify  destroy);
VRTC_EXPORT
void          vrtc_store_set_fixed_time      (VrtcStore      *self,
                                              double          ms);

VRTC_EXPORT
void          vrtc_store_edit                (VrtcStore      *self,
                                              VrtcOperation  *op);
VRTC_EXPORT
void          vrtc_store_edit_batch          (VrtcStore      *self,
                                              VrtcOperation **ops,
                                              guint           n_ops);
VRTC_EXPORT
void          vrtc_store_cancel_edits        (VrtcStore      *self);
VRTC_EXPORT
gboolean      vrtc_store_has_pending_edits   (VrtcStore      *self);
VRTC_EXPORT
guint         vrtc_store_get_pending_count   (VrtcStore      *self);
VRTC_EXPORT
VrtcMessage  *vrtc_store_commit              (VrtcStore      *self);

VRTC_EXPORT
gboolean      vrtc_store_receive             (VrtcStore      *self,
                                              VrtcMessage    *message,
                                              GError        **error);
VRTC_EXPORT
gboolean      vrtc_store_receive_json        (VrtcStore      *self,
                                              const char     *text,
                                              GError        **error);
VRTC_EXPORT
gboolean      vrtc_store_ack                 (VrtcStore      *self,
                                              const char     *message_id);
VRTC_EXPORT
GPtrArray    *vrtc_store_get_unacked         (VrtcStore      *self);

VRTC_EXPORT
gboolean      vrtc_store_get_can_undo        (VrtcStore      *self);
VRTC_EXPORT
gboolean      vrtc_store_get_can_redo        (VrtcStore      *self);
VRTC_EXPORT
VrtcMessage  *vrtc_store_undo                (VrtcStore      *self);
VRTC_EXPORT
VrtcMessage  *vrtc_store_redo                (VrtcStore      *self);
VRTC_EXPORT
VrtcMessage  *vrtc_store_undo_message        (VrtcStore      *self,
                                              const char     *message_id,
                                              gboolean        redo,
                                              GError        **error);

VRTC_EXPORT
guint         vrtc_store_compact             (VrtcStore      *self);
VRTC_EXPORT
VrtcSnapshot *vrtc_store_get_snapshot        (VrtcStore      *self);
VRTC_EXPORT
gboolean      vrtc_store_save_snapshot       (VrtcStore      *self,
                                              const char     *path,
                                              GError        **error);
VRTC_EXPORT
gboolean      vrtc_store_init_from_server    (VrtcStore      *self,
                                              VrtcSnapshot   *snapshot,
                                              VrtcMessage   **messages,
                                              guint           n_messages,
                                              GError        **error);

VRTC_EXPORT
char         *vrtc_store_to_json             (VrtcStore      *self);
VRTC_EXPORT
char         *vrtc_store_get_vector_clock_json (VrtcStore    *self);
VRTC_EXPORT
VrtcNode     *vrtc_store_get_node            (VrtcStore      *self,
                                              const char     *key);
VRTC_EXPORT
VrtcNode     *vrtc_store_get_root            (VrtcStore      *self);

VRTC_EXPORT
GListModel   *vrtc_store_get_journal         (VrtcStore      *self);
VRTC_EXPORT
guint         vrtc_store_get_journal_length  (VrtcStore      *self);
VRTC_EXPORT
guint         vrtc_store_get_journal_offset  (VrtcStore      *self);
VRTC_EXPORT
VrtcStore    *vrtc_store_get_state_at        (VrtcStore      *self,
                                              guint           position);
VRTC_EXPORT
gboolean      vrtc_store_set_history_position (VrtcStore     *self,
                                               guint          position,
                                               GError       **error);
VRTC_EXPORT
guint         vrtc_store_get_history_position (VrtcStore     *self);
VRTC_EXPORT
GPtrArray    *vrtc_store_get_child_keys      (VrtcStore      *self,
                                              const char     *key);
VRTC_EXPORT
gboolean      vrtc_store_has_children        (VrtcStore      *self,
                                              const char     *key);
VRTC_EXPORT
gboolean      vrtc_store_get_undone_at       (VrtcStore      *self,
                                              guint           position,
                                              guint           at);

G_END_DECLS
