/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(VRTC_INSIDE) && !defined(VRTC_COMPILATION)
# error "Only <vrtc.h> can be included directly."
#endif

#include <glib-object.h>

#include "vrtc-version.h"
#include "vrtc-message.h"

G_BEGIN_DECLS

#define VRTC_TYPE_JOURNAL_ENTRY (vrtc_journal_entry_get_type ())

VRTC_EXPORT
G_DECLARE_FINAL_TYPE (VrtcJournalEntry, vrtc_journal_entry, VRTC, JOURNAL_ENTRY, GObject)

VRTC_EXPORT
guint        vrtc_journal_entry_get_position      (VrtcJournalEntry *self);
VRTC_EXPORT
VrtcMessage *vrtc_journal_entry_get_message       (VrtcJournalEntry *self);
VRTC_EXPORT
const char  *vrtc_journal_entry_get_message_id    (VrtcJournalEntry *self);
VRTC_EXPORT
const char  *vrtc_journal_entry_get_session_id    (VrtcJournalEntry *self);
VRTC_EXPORT
gint64       vrtc_journal_entry_get_lamport_time  (VrtcJournalEntry *self);
VRTC_EXPORT
double       vrtc_journal_entry_get_timestamp     (VrtcJournalEntry *self);
VRTC_EXPORT
gboolean     vrtc_journal_entry_get_acked         (VrtcJournalEntry *self);
VRTC_EXPORT
gboolean     vrtc_journal_entry_get_undone        (VrtcJournalEntry *self);
VRTC_EXPORT
gboolean     vrtc_journal_entry_get_own           (VrtcJournalEntry *self);
VRTC_EXPORT
double       vrtc_journal_entry_get_deleted_at    (VrtcJournalEntry *self);
VRTC_EXPORT
guint        vrtc_journal_entry_get_n_ops         (VrtcJournalEntry *self);
VRTC_EXPORT
guint        vrtc_journal_entry_get_n_rejected    (VrtcJournalEntry *self);
VRTC_EXPORT
guint        vrtc_journal_entry_get_n_unsupported (VrtcJournalEntry *self);
VRTC_EXPORT
const char  *vrtc_journal_entry_get_summary       (VrtcJournalEntry *self);

G_END_DECLS
