/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "vrtc-engine.h"
#include "vrtc-journal-entry.h"
#include "vrtc-store.h"

G_BEGIN_DECLS

VrtcJournalEntry *vrtc_journal_entry_new          (guint             position,
                                                   const VrtcEntry  *entry);
void              vrtc_journal_entry_set_position (VrtcJournalEntry *self,
                                                   guint             position);
/* Notifies acked, undone, deleted-at, n-rejected, n-unsupported when they changed. */
void              vrtc_journal_entry_update       (VrtcJournalEntry *self,
                                                   const VrtcEntry  *entry);
char             *vrtc_message_summarize          (const VrtcMessage *message);

/* The store's journal as a GListModel of VrtcJournalEntry, items made on demand. */
#define VRTC_TYPE_JOURNAL_MODEL (vrtc_journal_model_get_type ())
G_DECLARE_FINAL_TYPE (VrtcJournalModel, vrtc_journal_model, VRTC, JOURNAL_MODEL, GObject)

VrtcJournalModel *vrtc_journal_model_new           (VrtcStore        *store);
void              vrtc_journal_model_splice        (VrtcJournalModel *self,
                                                    guint64           serial,
                                                    guint             position,
                                                    guint             removed,
                                                    guint             added);
void              vrtc_journal_model_entry_changed (VrtcJournalModel *self,
                                                    guint64           serial,
                                                    guint             position,
                                                    const char       *message_id);
/* Rebuilds from the engine when the model no longer matches it (or always if force). */
void              vrtc_journal_model_reconcile     (VrtcJournalModel *self,
                                                    gboolean          force);
void              vrtc_journal_model_detach        (VrtcJournalModel *self);

G_END_DECLS
