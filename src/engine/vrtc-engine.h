/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "vrtc-types.h"

G_BEGIN_DECLS

/*
 * The CRDT engine of SEMANTICS.md: registers, nodes, journal, undo, snapshots.
 * Plain C, no GObject, no JSON text parsing, no I/O. VrtcStore (src/api) wraps it.
 */
typedef struct _VrtcEngine VrtcEngine;
typedef struct _VrtcEntry  VrtcEntry;

typedef struct {
  /* a node appeared, disappeared, or its tag, name, parent or live state changed */
  void (*node_changed)     (gpointer data, const char *key);
  /* a property was added, changed or removed (its value is what get_property says now) */
  void (*property_changed) (gpointer data, const char *key, const char *path);
  /* the live children list of parent_key changed like a GListModel */
  void (*children_changed) (gpointer data, const char *parent_key,
                            guint position, guint removed, guint added);
  /* the journal changed like a GListModel (append, or removal by compaction) */
  void (*journal_changed)  (gpointer data, guint position, guint removed, guint added);
  /* ack or undone state of the entry at position changed */
  void (*entry_changed)    (gpointer data, guint position);
  /* everything was replaced (init_from_server): drop caches, rebuild from scratch */
  void (*reset)            (gpointer data);
} VrtcEngineListener;

typedef enum {
  VRTC_RECEIVE_APPLIED,
  VRTC_RECEIVE_DUPLICATE,
} VrtcReceiveResult;

VrtcEngine        *vrtc_engine_new               (const char *session_id);
void               vrtc_engine_free              (VrtcEngine *engine);
void               vrtc_engine_set_listener      (VrtcEngine               *engine,
                                                  const VrtcEngineListener *listener,
                                                  gpointer                  data);
const char        *vrtc_engine_get_session_id    (VrtcEngine *engine);
gint64             vrtc_engine_get_lamport       (VrtcEngine *engine);
const VrtcClock   *vrtc_engine_get_clock         (VrtcEngine *engine);

/* Pending edits: previewed as if committed with the next stamp. The op is copied. */
void               vrtc_engine_edit              (VrtcEngine          *engine,
                                                  const VrtcOperation *op);
/* Like vrtc_engine_edit, but takes the op's contents (op is left zeroed): no copy. */
void               vrtc_engine_edit_take         (VrtcEngine    *engine,
                                                  VrtcOperation *op);
guint              vrtc_engine_get_pending_count (VrtcEngine *engine);
const VrtcOperation *vrtc_engine_get_pending     (VrtcEngine *engine,
                                                  guint       i);
void               vrtc_engine_cancel_edits      (VrtcEngine *engine);
/* Turns the pending edits into a message; NULL when there are none. (transfer full) */
VrtcMessage       *vrtc_engine_commit            (VrtcEngine *engine,
                                                  double      timestamp);

/* Validates (id matches session, ops resolved), dedupes, applies. Store unchanged on error. */
gboolean           vrtc_engine_receive           (VrtcEngine        *engine,
                                                  VrtcMessage       *msg,
                                                  VrtcReceiveResult *result,
                                                  GError           **error);
gboolean           vrtc_engine_ack               (VrtcEngine *engine,
                                                  const char *msg_id);

gboolean           vrtc_engine_can_undo          (VrtcEngine *engine);
gboolean           vrtc_engine_can_redo          (VrtcEngine *engine);
/* Commit a meta.undo / meta.redo message; pending edits stay pending, previewed above it.
 * (transfer full) */
VrtcMessage       *vrtc_engine_undo              (VrtcEngine *engine,
                                                  double      timestamp);
VrtcMessage       *vrtc_engine_redo              (VrtcEngine *engine,
                                                  double      timestamp);
/* Undo or redo any message by id (the timeline's context menu). (transfer full) */
VrtcMessage       *vrtc_engine_undo_message      (VrtcEngine *engine,
                                                  const char *msg_id,
                                                  gboolean    redo,
                                                  double      timestamp,
                                                  GError    **error);

/* Folds the longest prefix of acked, not-undone entries into the snapshot. Returns how many. */
guint              vrtc_engine_compact           (VrtcEngine *engine);
/* Own, unacked, not-undone messages in journal order. (element-type VrtcMessage, transfer container) */
GPtrArray         *vrtc_engine_get_unacked       (VrtcEngine *engine);

/* Journal (entries after the last compaction). */
guint              vrtc_engine_journal_length    (VrtcEngine *engine);
/* Number of entries folded into the snapshot so far (position of journal entry 0). */
guint              vrtc_engine_journal_offset    (VrtcEngine *engine);
/* Whether the message at journal position `position` was undone right after the one at `at`
 * had arrived: the newest meta.undo or meta.redo aimed at it by then decides. */
gboolean           vrtc_engine_journal_undone_at (VrtcEngine *engine,
                                                  guint       position,
                                                  guint       at);
VrtcEntry         *vrtc_engine_journal_get       (VrtcEngine *engine,
                                                  guint       position);
VrtcEntry         *vrtc_engine_lookup_entry      (VrtcEngine *engine,
                                                  const char *msg_id);

VrtcMessage       *vrtc_entry_get_message        (const VrtcEntry *entry);
gboolean           vrtc_entry_is_acked           (const VrtcEntry *entry);
gboolean           vrtc_entry_is_undone          (const VrtcEntry *entry);
gboolean           vrtc_entry_is_own             (const VrtcEntry *entry);
/* timestamp of the meta.undo that undid it, or 0 */
double             vrtc_entry_get_deleted_at     (const VrtcEntry *entry);
/* how many of its ops had no effect because of a type mismatch */
guint              vrtc_entry_get_n_rejected     (const VrtcEntry *entry);
/* how many of its ops have an otype this build does not know */
guint              vrtc_entry_get_n_unsupported  (const VrtcEntry *entry);

/* Nodes. A key "exists" once a node.insert for it is applied (the root always exists). */
typedef struct {
  const char *key;
  const char *tag;
  const char *name;
  const char *parent;      /* resolved parent (after cycle breaking), NULL for the root */
  gboolean    exists;
  gboolean    live;        /* exists, and not removed */
  gboolean    visible;     /* live, and every ancestor live up to the root */
} VrtcNodeInfo;

gboolean           vrtc_engine_get_node          (VrtcEngine   *engine,
                                                  const char   *key,
                                                  VrtcNodeInfo *info);
guint              vrtc_engine_get_n_children    (VrtcEngine *engine,
                                                  const char *key);
/* Whether a node has a live child: in a view, without working out every child's state. */
gboolean           vrtc_engine_has_children      (VrtcEngine *engine,
                                                  const char *key);
const char        *vrtc_engine_get_child         (VrtcEngine *engine,
                                                  const char *key,
                                                  guint       position);
/* Keys of every node that exists, in no particular order. (transfer container) */
GPtrArray         *vrtc_engine_list_nodes        (VrtcEngine *engine);
/* Paths with a value, sorted with strcmp. (transfer container) */
GPtrArray         *vrtc_engine_list_properties   (VrtcEngine *engine,
                                                  const char *key);
/* NULL when the property has no value. The pointer is valid until the next change. */
const VrtcValue   *vrtc_engine_get_property      (VrtcEngine *engine,
                                                  const char *key,
                                                  const char *path);

/* Where a register's value came from. */
typedef struct {
  VrtcEntry *entry;        /* message of the op */
  guint      op_index;
  VrtcStamp  stamp;
  guint      role;         /* VrtcProvenanceRole */
} VrtcProvenanceItem;

typedef enum {
  VRTC_PROVENANCE_WINNER,      /* the set the value starts from (deltas alone have none) */
  VRTC_PROVENANCE_APPLIED,     /* a delta folded above the winner */
  VRTC_PROVENANCE_LOST,        /* a set that lost to the winner */
  VRTC_PROVENANCE_SUPERSEDED,  /* a delta below the winning set */
  VRTC_PROVENANCE_REJECTED,    /* type mismatch: no effect */
  VRTC_PROVENANCE_UNDONE,      /* its message is undone */
} VrtcProvenanceRole;

/* (element-type VrtcProvenanceItem) in stamp order; NULL when the register is unknown */
GArray            *vrtc_engine_get_provenance    (VrtcEngine *engine,
                                                  const char *key,
                                                  const char *path);

/* Canonical SceneGraph JSON ({"nodes": {...}, "rootKey": "scene"}). */
void               vrtc_engine_write_graph       (VrtcEngine *engine,
                                                  GString    *out);
/* One node in the shape of SceneNode.to_dict(); FALSE when it does not exist. */
gboolean           vrtc_engine_write_node        (VrtcEngine *engine,
                                                  const char *key,
                                                  GString    *out);
/* Snapshot JSON: {graph, vectorClock, lamportTime, journalIndex, stamps}. */
void               vrtc_engine_write_snapshot    (VrtcEngine *engine,
                                                  GString    *out);

/* Takes what is in out (it may keep nothing: it then empties out). FALSE stops the writing. */
typedef gboolean (*VrtcEngineFlushFunc) (GString  *out,
                                         gpointer  user_data);
/* The same, handed to flush whenever out holds chunk bytes or more, and at the end, so that a
 * big snapshot need not be held whole. FALSE when a flush returned FALSE. The graph alike. */
gboolean           vrtc_engine_write_snapshot_chunked (VrtcEngine          *engine,
                                                       GString             *out,
                                                       gsize                chunk,
                                                       VrtcEngineFlushFunc  flush,
                                                       gpointer             user_data);
gboolean           vrtc_engine_write_graph_chunked    (VrtcEngine          *engine,
                                                       GString             *out,
                                                       gsize                chunk,
                                                       VrtcEngineFlushFunc  flush,
                                                       gpointer             user_data);
/* The last compaction's snapshot JSON, or NULL if never compacted. */
const char        *vrtc_engine_get_snapshot_json (VrtcEngine *engine);

/* Resets to snapshot (a parsed snapshot object, or NULL for empty) + journal (acked);
 * own unacked messages are kept and reapplied. Store unchanged on error. */
gboolean           vrtc_engine_init_from_server  (VrtcEngine      *engine,
                                                  const VrtcValue *snapshot,
                                                  VrtcMessage    **journal,
                                                  guint            n_journal,
                                                  GError         **error);

/*
 * Loading a snapshot piece by piece (a streaming reader needs no value of the whole
 * document): into `loaded`, a fresh engine from vrtc_engine_new() with nothing received. Call
 * load_graph_node per key of snapshot.graph.nodes (the node object's values are moved out),
 * load_orphan per key of snapshot.orphans, load_stamps per key of snapshot.stamps, in any
 * order; load_clock and load_lamport for vectorClock and lamportTime; then load_finish.
 * Each names what is wrong in its error; on error drop `loaded`. Then
 * vrtc_engine_init_from_loaded swaps it into the engine being initialised.
 */
gboolean           vrtc_engine_load_graph_node   (VrtcEngine      *loaded,
                                                  const char      *key,
                                                  VrtcValue       *node,
                                                  GError         **error);
gboolean           vrtc_engine_load_orphan       (VrtcEngine      *loaded,
                                                  const char      *key,
                                                  VrtcValue       *props,
                                                  GError         **error);
gboolean           vrtc_engine_load_stamps       (VrtcEngine      *loaded,
                                                  const char      *key,
                                                  const VrtcValue *stamps,
                                                  GError         **error);
gboolean           vrtc_engine_load_clock        (VrtcEngine      *loaded,
                                                  const VrtcValue *clock,
                                                  GError         **error);
void               vrtc_engine_load_lamport      (VrtcEngine      *loaded,
                                                  gint64           lamport);
gboolean           vrtc_engine_load_finish       (VrtcEngine      *loaded,
                                                  GError         **error);
/* init_from_server with an engine loaded as above (consumed, even on error; NULL: empty). */
gboolean           vrtc_engine_init_from_loaded  (VrtcEngine      *engine,
                                                  VrtcEngine      *loaded,
                                                  VrtcMessage    **journal,
                                                  guint            n_journal,
                                                  GError         **error);

/* A new engine holding the state right after journal entry `position` arrived
 * (SEMANTICS.md 6). position must be < journal_length. */
VrtcEngine        *vrtc_engine_new_at            (VrtcEngine *engine,
                                                  guint       position);

/* A read-only view of the state right after journal entry `position` arrived, evaluated on
 * engine's own data: creating one costs nothing, reads fold only what they touch, so moving
 * through history needs no replay. Views see no later messages, accept no edits, and must
 * not outlive engine; after engine's init_from_server they read as empty. Free with
 * vrtc_engine_free(). */
VrtcEngine        *vrtc_engine_new_view          (VrtcEngine *engine,
                                                  guint       position);
gboolean           vrtc_engine_is_view           (VrtcEngine *engine);

/* For tests: checks what the engine keeps next to its refs for the folds (each ref's copy
 * of its entry's undone state, a register's addends and count of sets). NULL when all
 * holds, else a description of the first thing that does not (free it). */
char              *vrtc_engine_check_refs        (VrtcEngine *engine);
/* For tests and benchmarks: the registers made, over all nodes (a node's first insert
 * leaves them unmade until something reaches them). */
guint              vrtc_engine_count_registers   (VrtcEngine *engine);

G_END_DECLS
