/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "vrtc-engine.h"
#include "vrtc-error.h"
#include "vrtc-optable.h"

#define ROOT_KEY "scene"

typedef struct _Node     Node;
typedef struct _Register Register;

/* One op of one message, as seen by a register or a node. */
typedef struct {
  VrtcStamp            stamp;
  VrtcEntry           *entry;
  guint32              op_index;
  guint32              flags;
  const VrtcOperation *op;      /* entry's op, once its message can no longer grow (not
                                 * pending): folds reach it without going through the entry */
} OpRef;

/* OpRefs sorted by stamp, in one allocation: most lists (a register's, a node's inserts) hold
 * a single ref, and a GArray would be two allocations and twice the room. NULL: empty. */
typedef struct {
  guint32 len;
  guint32 size;
  OpRef   items[];
} Refs;

enum {
  REF_REJECTED      = 1 << 0,   /* in the live state */
  REF_REJECTED_VIEW = 1 << 1,   /* scratch, while a history position is evaluated */
  REF_IS_SET        = 1 << 2,   /* a set or an insert: kept here so folds need not reach the op */
  REF_SET_BAD       = 1 << 3,   /* a set whose value its type refuses: it sets nothing */
  REF_VEC3_ADD      = 1 << 5,   /* a delta whose fold on a 3-vector adds
                                 * reg->fold->addends[i] */
  REF_UNDONE        = 1 << 4,   /* entry->undone, copied so that live folds need not load
                                 * the entry of every ref (a cache miss each): apply_op sets
                                 * it, entry_touch keeps it in step */
};

/*
 * A long register's fold is kept every CHECKPOINT_EVERY refs, so that an op arriving late
 * (stamped below others) refolds from the checkpoint before it, not from the start. Only the
 * live state uses them, and only a late insertion (register_refold_at) keeps them: any other
 * change to a register's refs or to what is active drops them.
 */
#define CHECKPOINT_EVERY    8
#define CHECKPOINT_MIN_REFS 16

typedef struct {
  guint     index;      /* the fold's state after refs[0, index) */
  gboolean  is_vec3;    /* the state is a 3-vector, held in vec3 (value is NONE): a late
                         * op refolds past a few checkpoints, and each would cost a malloc
                         * and a free */
  double    vec3[3];
  VrtcValue value;
} Checkpoint;

/*
 * The journal position whose state is being evaluated: G_MAXUINT is the live state
 * (pending edits included). History views set it for the duration of one call, so the
 * same folds answer "what was it right after entry i arrived" without copying anything.
 */
static _Thread_local guint eval_at = G_MAXUINT;

/* A meta.undo / meta.redo aimed at an entry. */
typedef struct {
  VrtcStamp  stamp;
  VrtcEntry *source;
  gboolean   undo;
} MetaRef;

/* An own entry that an undo made undone: redo() takes the one undone most recently. Items go
 * stale when the entry is redone or undone again; redo_target drops them as it meets them. */
typedef struct {
  VrtcStamp  stamp;
  VrtcEntry *entry;
} RedoItem;

struct _VrtcEntry {
  VrtcMessage *msg;
  const char  *session;       /* interned in the engine */
  guint        position;      /* absolute arrival index; G_MAXUINT while pending */
  guint        ack : 1;
  guint        own : 1;
  guint        undone : 1;
  guint        pending : 1;
  guint        has_meta_ops : 1;
  guint        in_block : 1;    /* lives in its message's block (MessageBlock), not alone */
  guint        n_rejected;
  guint        n_unsupported;
  double       deleted_at;
  GArray      *metas;         /* MetaRef, sorted by stamp; NULL when none */
};

/* What a snapshot says about a register or a node. */
typedef struct {
  VrtcValue value;            /* filled when the first op arrives; until then reg->value */
  guint     materialized : 1;
  guint     stamped : 1;      /* while loading: the snapshot's stamps named this register */
  guint     orphan : 1;       /* while loading: the value came from snapshot.orphans */
  guint     shared : 1;       /* its node's: stamps equal to the insert's, not materialized */
  VrtcStamp set;              /* zero when the value comes from deltas only */
  VrtcStamp max;
} RegisterBase;

/* A node's stamps besides its insert, when they are not the usual ones (see base_first). */
typedef struct {
  VrtcStamp  first;
  VrtcStamp  remove;
  VrtcStamp  parent_stamp;
} NodeBaseStamps;

/* A loaded node's clock. A snapshot gives each node's as an object of counts: they are kept by
 * interned session, in key order (one inline, more in many), when all are numbers; anything
 * else is kept as given (odd), to be written back as it came. */
typedef struct {
  const char *session;
  double      count;
} NodeClockEntry;

typedef struct {
  guint n;                    /* entries; G_MAXUINT: odd */
  union {
    NodeClockEntry  one;      /* n == 1 */
    NodeClockEntry *many;     /* n > 1 */
    VrtcValue      *odd;
  } u;
} NodeClock;

typedef struct {
  guint      exists : 1;      /* FALSE: the snapshot only holds ops on a key with no insert */
  /* only while a snapshot loads */
  guint      in_graph : 1;
  guint      has_stamps : 1;
  guint      deleted_given : 1;

  const char *tag;            /* interned in the engine, like parent and name */
  const char *name;
  const char *parent;
  /* The insert stamp is reg_base.set (and .max): see base_insert. NULL for most nodes: the
   * first and parent stamps are the insert's, and no remove. Read them with base_first,
   * base_remove and base_parent_stamp. */
  NodeBaseStamps *stamps;
  NodeClock  clock;
  double     created_at;
  double     updated_at;
  double     deleted_at;
  gint64     lamport;

  /* The base of every register whose stamps are the insert's (most of a loaded scene):
   * a register gets its own when an op arrives or its stamps differ. */
  RegisterBase reg_base;
} NodeBase;

/* A node's insert stamp is the set (and max) stamp of the base its registers share: the
 * same stamp, kept once. */
static inline const VrtcStamp *
base_insert (const NodeBase *base)
{
  return &base->reg_base.set;
}

static inline void
base_set_insert (NodeBase        *base,
                 const VrtcStamp *insert)
{
  base->reg_base.set = base->reg_base.max = *insert;
}

typedef struct {
  double d[3];
} Addend;

/* What a register keeps to refold quickly after a late op: only registers that had a
 * vector add or a late op get one, so that a loaded scene's registers stay small. */
typedef struct {
  /* Addend per ref of ops (same length and order), the values of its REF_VEC3_ADD refs:
   * a late vector add refolds the refs after it, and those values scattered over the
   * messages cost a cache miss or two each. NULL while the register has no such ref. */
  GArray *addends;
  GArray *checkpoints;        /* Checkpoint by index (live state only); NULL: none yet */
  guint   n_sets;             /* refs of ops that set a value (ref_sets_value, active or not):
                               * with none, a fold does not walk all the refs looking for one */
} RegisterFold;

struct _Register {
  const char   *path;         /* interned in the engine */
  VrtcValue     value;
  Refs         *ops;
  RegisterBase *base;
  RegisterFold *fold;         /* NULL until needed (register_fold_data) */
};

static inline VrtcStamp
base_first (const NodeBase *base)
{
  return base->stamps != NULL ? base->stamps->first : *base_insert (base);
}

static inline VrtcStamp
base_remove (const NodeBase *base)
{
  return base->stamps != NULL ? base->stamps->remove : VRTC_STAMP_ZERO;
}

static inline VrtcStamp
base_parent_stamp (const NodeBase *base)
{
  return base->stamps != NULL ? base->stamps->parent_stamp : *base_insert (base);
}

/* Sets the three, keeping a NodeBaseStamps only when they are not the usual ones; the insert
 * must be set first. */
static void
base_set_stamps (NodeBase        *base,
                 const VrtcStamp *first,
                 const VrtcStamp *remove,
                 const VrtcStamp *parent_stamp)
{
  if (vrtc_stamp_compare (first, base_insert (base)) == 0 && vrtc_stamp_is_zero (remove) &&
      vrtc_stamp_compare (parent_stamp, base_insert (base)) == 0)
    {
      g_clear_pointer (&base->stamps, g_free);
      return;
    }
  if (base->stamps == NULL)
    base->stamps = g_new (NodeBaseStamps, 1);
  base->stamps->first = *first;
  base->stamps->remove = *remove;
  base->stamps->parent_stamp = *parent_stamp;
}

struct _Node {
  char       *key;
  Refs       *inserts;
  Refs       *removes;
  Refs       *moves;
  Register  **props;          /* in the order made, then an index past PROPS_SCAN_MAX (props_find) */
  guint32     n_props;
  guint32     props_size;
  NodeBase   *base;
  /* A node's first registers in one block, without an allocation header each: those of a
   * loaded node (load_props) or of its first insert (apply_op). NULL for the others. */
  Register   *regs;
  guint32     n_regs;         /* used */
  guint32     regs_size;

  /* computed */
  guint       exists : 1;
  guint       live : 1;
  guint       shares_inserts : 1;   /* a register's ops may be inserts (register_shares_inserts) */
  guint       virtual_props : 1;    /* its registers are not made yet (node_materialize) */
  const char *tag;
  const char *name;
  VrtcStamp   first;
  Node       *candidate;      /* LWW parent */
  VrtcStamp   candidate_stamp;
  Node       *parent;         /* resolved parent, after cycle breaking */
  Node       *listed_in;      /* whose children array holds us */
  GPtrArray  *children;       /* Node, sorted by first insert stamp; NULL until the first */
  GPtrArray  *ever_children;  /* every node that had us as its parent: history views */
  Node       *noted_parent;   /* the parents whose ever_children hold us */
  GPtrArray  *noted_more;
};

/*
 * Message id -> entry, by open addressing with linear probing. Entries are only ever added
 * (compaction keeps them) and the key is the entry's own msg->id, so a slot holds just the
 * hash and the entry. Every commit adds one: unlike a GHashTable there is no key array, and
 * growing moves slots by their stored hash without reading the ids again.
 */
typedef struct {
  guint32    hash;
  VrtcEntry *entry;       /* NULL: empty */
} IdSlot;

typedef struct {
  IdSlot *slots;
  guint   mask;           /* capacity - 1; capacity is a power of two, or 0 */
  guint   len;
} IdIndex;

/*
 * The entries this engine committed, by seq. Commits take increasing seqs, so this is an
 * append at the end, where the next one goes too: a hash table's insert lands on a random
 * cache line, a miss that cost a quarter of a commit. Lookups parse "<session>:<seq>" and
 * search it; received entries (own ones from elsewhere too) are in the IdIndex.
 */
typedef struct {
  guint64    seq;
  VrtcEntry *entry;
} SeqSlot;

typedef struct {
  SeqSlot *slots;
  guint    len;
  guint    size;
} SeqIndex;

/* For each register of a node, in the order they were made. */
#define NODE_FOREACH_REG(node, i, reg) \
  for (guint i = 0; i < (node)->n_props && ((reg) = (node)->props[i], TRUE); i++)

struct _VrtcEngine {
  char               *session_id;
  GHashTable         *strings;        /* interned sessions */
  const char         *session;        /* interned session_id */
  gint64              lamport;
  VrtcClock           clock;
  guint64             next_seq;

  GHashTable         *nodes;          /* key -> Node */
  Node               *root;

  GPtrArray          *entries;        /* VrtcEntry, arrival order, compacted ones too */
  guint               offset;         /* entries folded into the snapshot */
  IdIndex             by_id;          /* id -> VrtcEntry, received ones (entry_by_id) */
  SeqIndex            committed;      /* seq -> VrtcEntry, committed here (entry_by_id) */
  GPtrArray          *own;            /* own entries, arrival order */
  guint               undo_skip_lo;   /* own[lo..hi) are known undone or meta: undo() skips them */
  guint               undo_skip_hi;
  GArray             *redo_heap;      /* RedoItem, a max-heap by the undo's stamp (lazy) */
  GHashTable         *orphan_metas;   /* target id -> GArray of MetaRef */
  VrtcEntry          *pending;

  /* The vector clock: counts by interned session, and a sorted copy made on demand; with
   * thousands of sessions, inserting each into a sorted array as it appears is quadratic.
   * The counts are guint64s of their own, so that a commit bumps its session's in place
   * (own_count) and patches the sorted copy at own_clock_index, with no hash look-up. */
  GHashTable         *clock_counts;   /* interned session -> guint64 * */
  gboolean            clock_stale;    /* a session was added since `clock` was sorted */
  guint64            *own_count;      /* this session's count in clock_counts; NULL: none yet */
  guint               own_clock_index; /* this session's entry in `clock` (when not stale) */
  gsize               clock_names;    /* bytes of the session names in clock_counts, NULs too */
  gint64              base_lamport;   /* what the loaded snapshot said (for new_at) */
  VrtcClock           base_clock;
  char               *snapshot_json;  /* last compaction */
  GHashTable         *graph_children; /* while a plain graph loads: Node -> its child keys */

  guint               n_demoted;      /* nodes whose parent is not their LWW candidate */
  guint               generation;     /* bumped when init_from_server replaces everything */

  VrtcEngineListener  listener;
  gpointer            listener_data;

  /* A history view (vrtc_engine_new_view) holds no data of its own: it evaluates view_of
   * at view_at, caching what it computed. The caches below are only used by views. */
  VrtcEngine         *view_of;
  guint               view_at;
  guint               view_generation;
  gint64              view_lamport;
  GHashTable         *view_states;    /* Node -> NodeState */
  GHashTable         *view_parents;   /* Node -> Node */
  gboolean            view_cycles;    /* view_parents was decided by decide_parents */
  GHashTable         *view_children;  /* Node -> GPtrArray of Node */
  GHashTable         *view_values;    /* Register -> VrtcValue (NONE: no value then) */

  gboolean            materializing;  /* node_materialize: the values are those shown already */
};

static const char *reserved_paths[] = {
  "key", "tag", "name", "children", "clock", "lamportTime", "createdAt", "updatedAt",
  "deletedAt",
};

/* What write_node needs to know of a node beyond its refs: live state or a view's. */
typedef struct {
  gboolean    live;
  const char *tag;
  const char *name;
  Node       *parent;
  GPtrArray  *children;
  VrtcEngine *view;      /* NULL: register values are the live ones */
} NodeFacts;

static void node_refresh     (VrtcEngine *engine, Node *node);
static gboolean view_valid   (VrtcEngine *view);
static void resolve_all      (VrtcEngine *engine);

/* ---- small helpers ---- */

/* Eight bytes at a time (ids are "<session>:<seq>", a dozen bytes or more), then
 * murmur3's finaliser: ids differ in their last digits, and probing must not meet runs. */
static inline guint32
id_hash (const char *id)
{
  guint64 h = 0x9e3779b97f4a7c15, w;
  gsize len = strlen (id);

  for (; len >= 8; id += 8, len -= 8)
    {
      memcpy (&w, id, 8);
      h = (h ^ w) * 0x9e3779b97f4a7c15;
    }
  for (w = 0; len > 0; len--)
    w = (w << 8) | (guchar) id[len - 1];
  h ^= w;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccd;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53;
  h ^= h >> 33;
  return (guint32) h;
}

static VrtcEntry *
by_id_lookup (const IdIndex *index,
              const char    *id)
{
  guint32 h;

  if (index->len == 0 || id == NULL)
    return NULL;
  h = id_hash (id);
  for (guint i = h & index->mask; index->slots[i].entry != NULL; i = (i + 1) & index->mask)
    if (index->slots[i].hash == h && strcmp (index->slots[i].entry->msg->id, id) == 0)
      return index->slots[i].entry;
  return NULL;
}

static void
by_id_grow (IdIndex *index)
{
  guint old_size = index->slots != NULL ? index->mask + 1 : 0;
  guint size = MAX (64, 2 * old_size);
  IdSlot *old = index->slots;

  index->slots = g_new0 (IdSlot, size);
  index->mask = size - 1;
  for (guint j = 0; j < old_size; j++)
    if (old[j].entry != NULL)
      {
        guint i = old[j].hash & index->mask;

        while (index->slots[i].entry != NULL)
          i = (i + 1) & index->mask;
        index->slots[i] = old[j];
      }
  g_free (old);
}

static void
committed_append (SeqIndex  *index,
                  VrtcEntry *entry)
{
  if (index->len == index->size)
    {
      index->size = MAX (64, 2 * index->size);
      index->slots = g_renew (SeqSlot, index->slots, index->size);
    }
  index->slots[index->len].seq = entry->msg->seq;
  index->slots[index->len++].entry = entry;
}

/* The entry of a message id: committed here, or received. */
static VrtcEntry *
entry_by_id (VrtcEngine *engine,
             const char *id)
{
  const SeqIndex *committed = &engine->committed;
  gsize n = strlen (engine->session_id);

  if (id == NULL)
    return NULL;
  if (committed->len > 0 && strncmp (id, engine->session_id, n) == 0 && id[n] == ':' &&
      g_ascii_isdigit (id[n + 1]))
    {
      guint64 seq = 0;
      const char *p = id + n + 1;
      guint lo = 0, hi = committed->len;

      /* an overflowing seq finds nothing here, or something whose id differs */
      for (; g_ascii_isdigit (*p); p++)
        seq = seq * 10 + (guint64) (*p - '0');
      while (*p == '\0' && lo < hi)
        {
          guint mid = (lo + hi) / 2;

          if (committed->slots[mid].seq < seq)
            lo = mid + 1;
          else if (committed->slots[mid].seq > seq)
            hi = mid;
          else if (strcmp (committed->slots[mid].entry->msg->id, id) == 0)
            return committed->slots[mid].entry;
          else
            break;
        }
    }
  return by_id_lookup (&engine->by_id, id);
}

/* Adds entry under its msg->id; an entry already there under that id is replaced. */
static void
by_id_insert (IdIndex   *index,
              VrtcEntry *entry)
{
  const char *id = entry->msg->id;
  guint32 h = id_hash (id);
  guint i;

  /* at most half full */
  if (index->slots == NULL || 2 * (index->len + 1) > index->mask + 1)
    by_id_grow (index);
  for (i = h & index->mask; index->slots[i].entry != NULL; i = (i + 1) & index->mask)
    if (index->slots[i].hash == h && strcmp (index->slots[i].entry->msg->id, id) == 0)
      {
        index->slots[i].entry = entry;
        return;
      }
  index->slots[i].hash = h;
  index->slots[i].entry = entry;
  index->len++;
}

static const char *
intern (VrtcEngine *engine,
        const char *s)
{
  char *found = g_hash_table_lookup (engine->strings, s);

  if (found == NULL)
    {
      found = g_strdup (s);
      g_hash_table_add (engine->strings, found);
    }
  return found;
}

static const char *
intern_or_null (VrtcEngine *engine,
                const char *s)
{
  return s != NULL ? intern (engine, s) : NULL;
}

static inline const VrtcOperation *
ref_op (const OpRef *ref)
{
  return G_LIKELY (ref->op != NULL) ? ref->op : &ref->entry->msg->ops[ref->op_index];
}

static gboolean
entry_undone_at (const VrtcEntry *entry)
{
  if (eval_at == G_MAXUINT)
    return entry->undone;
  /* the newest undo or redo that had arrived by then decides */
  for (guint i = entry->metas ? entry->metas->len : 0; i > 0; i--)
    {
      const MetaRef *meta = &g_array_index (entry->metas, MetaRef, i - 1);

      if (meta->source->position <= eval_at)
        return meta->undo;
    }
  return FALSE;
}

static inline gboolean
ref_active (const OpRef *ref)
{
  if (eval_at == G_MAXUINT)
    return (ref->flags & REF_UNDONE) == 0;
  return ref->entry->position <= eval_at && !entry_undone_at (ref->entry);
}

static inline gboolean
ref_rejected (const OpRef *ref)
{
  return (ref->flags & (eval_at == G_MAXUINT ? REF_REJECTED : REF_REJECTED_VIEW)) != 0;
}

static gboolean
path_is_reserved (const char *path)
{
  if (path == NULL || *path == '\0')
    return TRUE;
  /* every edit asks: the first byte rules out most names without a call */
  for (guint i = 0; i < G_N_ELEMENTS (reserved_paths); i++)
    if (path[0] == reserved_paths[i][0] && strcmp (path, reserved_paths[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
set_rejected (OpRef    *ref,
              gboolean  rejected)
{
  gboolean was;

  if (eval_at != G_MAXUINT)
    {
      /* a history fold: scratch bit only, the live counts stay as they are */
      if (rejected)
        ref->flags |= REF_REJECTED_VIEW;
      else
        ref->flags &= ~REF_REJECTED_VIEW;
      return;
    }
  was = (ref->flags & REF_REJECTED) != 0;

  if (was == rejected)
    return;
  if (rejected)
    {
      ref->flags |= REF_REJECTED;
      ref->entry->n_rejected++;
    }
  else
    {
      ref->flags &= ~REF_REJECTED;
      ref->entry->n_rejected--;
    }
}

/* vrtc_stamp_compare, with the usual cases (lamports differ, or the same session) decided
 * here without a call: refs_insert and the folds compare stamps all the time. */
static inline int
stamp_compare (const VrtcStamp *a,
               const VrtcStamp *b)
{
  if (a->lamport != b->lamport)
    return a->lamport < b->lamport ? -1 : 1;
  if (a->session == b->session)
    return a->index < b->index ? -1 : a->index > b->index;
  return vrtc_stamp_compare (a, b);
}

#define REFS_SCAN_BACK 32

/* Room for one more ref at index (the refs after it move up); *refsp may move. */
static OpRef *
refs_open (Refs  **refsp,
           guint   index)
{
  Refs *refs = *refsp;
  guint len = refs != NULL ? refs->len : 0;

  if (refs == NULL || refs->len == refs->size)
    {
      guint size = refs != NULL ? 2 * refs->size : 1;

      refs = g_realloc (refs, sizeof (Refs) + size * sizeof (OpRef));
      refs->len = len;
      refs->size = size;
      *refsp = refs;
    }
  memmove (&refs->items[index + 1], &refs->items[index], (len - index) * sizeof (OpRef));
  refs->len++;
  return &refs->items[index];
}

static void
refs_remove_index (Refs  *refs,
                   guint  index)
{
  refs->len--;
  memmove (&refs->items[index], &refs->items[index + 1], (refs->len - index) * sizeof (OpRef));
}

/* Inserts ref keeping the list sorted (before equal stamps); returns its index. */
static guint
refs_insert (Refs       **refsp,
             const OpRef *ref)
{
  Refs *refs = *refsp;
  guint lo = 0, hi = refs != NULL ? refs->len : 0, stop;

  /* arrivals are mostly in stamp order: check the end first */
  if (hi == 0 || stamp_compare (&refs->items[hi - 1].stamp, &ref->stamp) < 0)
    {
      *refs_open (refsp, hi) = *ref;
      return hi;
    }
  /* A late op usually lands among the last few dozen refs, which the insertion moves and
   * the refold reads anyway: walking back over them costs more compares than a binary
   * search but fewer cache misses, and the loads do not wait on each other. */
  stop = hi > REFS_SCAN_BACK ? hi - REFS_SCAN_BACK : 0;
  hi--;
  while (hi > stop && stamp_compare (&refs->items[hi - 1].stamp, &ref->stamp) >= 0)
    hi--;
  if (hi > stop || stop == 0)
    lo = hi;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (stamp_compare (&refs->items[mid].stamp, &ref->stamp) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  *refs_open (refsp, lo) = *ref;
  return lo;
}

static gboolean
refs_remove (Refs      *refs,
             VrtcEntry *entry,
             guint32    op_index)
{
  if (refs == NULL)
    return FALSE;
  for (guint i = refs->len; i > 0; i--)
    {
      OpRef *ref = &refs->items[i - 1];

      if (ref->entry == entry && ref->op_index == op_index)
        {
          set_rejected (ref, FALSE);
          refs_remove_index (refs, i - 1);
          return TRUE;
        }
    }
  return FALSE;
}

/* The highest-stamped active ref, or NULL. */
static const OpRef *
refs_top (Refs *refs)
{
  if (refs == NULL)
    return NULL;
  for (guint i = refs->len; i > 0; i--)
    {
      const OpRef *ref = &refs->items[i - 1];

      if (ref_active (ref))
        return ref;
    }
  return NULL;
}

static const OpRef *
refs_bottom (Refs *refs)
{
  if (refs == NULL)
    return NULL;
  for (guint i = 0; i < refs->len; i++)
    {
      const OpRef *ref = &refs->items[i];

      if (ref_active (ref))
        return ref;
    }
  return NULL;
}

/* ---- registers ---- */

/*
 * A register whose refs would be exactly its node's inserts (the usual case: a property a
 * node.insert gave, which no op has touched since) points at node->inserts instead of a
 * copy of it: the ten registers of a new node share one list. The flags stay right for both:
 * a fold only ever clears an insert's rejected bits, and an undo sets the same undone bit in
 * each. Whatever adds or removes refs in either list first gives the register its own copy
 * (register_own_refs, node_unshare_inserts).
 */
static inline gboolean
register_shares_inserts (const Node     *node,
                         const Register *reg)
{
  return reg->ops != NULL && reg->ops == node->inserts;
}

static void
register_own_refs (Node     *node,
                   Register *reg)
{
  if (register_shares_inserts (node, reg))
    {
      Refs *own = g_malloc (sizeof (Refs) + reg->ops->len * sizeof (OpRef));

      own->len = own->size = reg->ops->len;
      memcpy (own->items, reg->ops->items, reg->ops->len * sizeof (OpRef));
      reg->ops = own;
    }
}

/* Before node->inserts changes. */
static void
node_unshare_inserts (Node *node)
{
  if (!node->shares_inserts)
    return;
  for (guint i = 0; i < node->n_props; i++)
    register_own_refs (node, node->props[i]);
  node->shares_inserts = FALSE;
}

/* Frees what reg holds; reg itself too unless it is in its node's block (node->regs). */
static void
register_free (Node     *node,
               Register *reg)
{
  gboolean in_block = node->regs != NULL && reg >= node->regs && reg < node->regs + node->regs_size;

  vrtc_value_clear (&reg->value);
  if (!register_shares_inserts (node, reg))
    g_free (reg->ops);
  if (reg->fold)
    {
      g_clear_pointer (&reg->fold->addends, g_array_unref);
      g_clear_pointer (&reg->fold->checkpoints, g_array_unref);
      g_free (reg->fold);
    }
  if (reg->base && !reg->base->shared)
    {
      vrtc_value_clear (&reg->base->value);
      g_free (reg->base);
    }
  if (!in_block)
    g_free (reg);
}

/* A new register for node: from its block while one has room. */
static Register *
register_alloc (Node *node)
{
  if (node->n_regs < node->regs_size)
    return &node->regs[node->n_regs++];
  return g_new0 (Register, 1);
}


/* A register's own base, leaving a node's shared one. */
static RegisterBase *
register_own_base (Register *reg)
{
  if (reg->base == NULL || reg->base->shared)
    {
      RegisterBase *own = g_new0 (RegisterBase, 1);

      if (reg->base != NULL)
        {
          own->set = reg->base->set;
          own->max = reg->base->max;
        }
      reg->base = own;
    }
  return reg->base;
}

/*
 * A node's registers: props[] in the order they were made. A node with a few properties
 * (the usual) is scanned. Once props has room for more than PROPS_SCAN_MAX, a hash index of
 * the interned path pointers follows props[props_size] in the same block (open addressing,
 * slot = position + 1), so a node with 30,000 properties (crdt-benchmarks C1.2) neither
 * bisects nor moves the array.
 */
#define PROPS_SCAN_MAX 16

static inline guint
props_index_size (guint32 props_size)
{
  guint size = 32;

  if (props_size <= PROPS_SCAN_MAX)
    return 0;
  while (size < 2 * props_size)
    size *= 2;
  return size;
}

static inline guint32 *
props_index (const Node *node)
{
  return (guint32 *) (node->props + node->props_size);
}

static inline guint
props_hash (const char *ipath,
            guint       mask)
{
  return (guint) (((guint64) (guintptr) ipath * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 40) & mask;
}

static void
props_index_add (Node  *node,
                 guint  mask,
                 guint  position)
{
  guint32 *index = props_index (node);
  guint h = props_hash (node->props[position]->path, mask);

  while (index[h] != 0)
    h = (h + 1) & mask;
  index[h] = position + 1;
}

/* Gives props room for size registers (at least n_props) and rebuilds the index. */
static void
props_resize (Node    *node,
              guint32  size)
{
  guint isize = props_index_size (size);

  g_assert (size >= node->n_props);
  if (size == 0)
    {
      g_clear_pointer (&node->props, g_free);
      node->props_size = 0;
      return;
    }
  node->props = g_realloc (node->props, size * sizeof (Register *) + isize * sizeof (guint32));
  node->props_size = size;
  if (isize == 0)
    return;
  memset (props_index (node), 0, isize * sizeof (guint32));
  for (guint i = 0; i < node->n_props; i++)
    props_index_add (node, isize - 1, i);
}

static Register *
props_find (const Node *node,
            const char *ipath)
{
  guint isize = props_index_size (node->props_size);

  if (isize == 0)
    {
      for (guint i = 0; i < node->n_props; i++)
        if (node->props[i]->path == ipath)
          return node->props[i];
      return NULL;
    }
  for (guint h = props_hash (ipath, isize - 1);; h = (h + 1) & (isize - 1))
    {
      guint32 slot = props_index (node)[h];

      if (slot == 0)
        return NULL;
      if (node->props[slot - 1]->path == ipath)
        return node->props[slot - 1];
    }
}

/* Sets aside a block for a node's first n registers, and room in props for them. */
static void
register_block_new (Node  *node,
                    guint  n)
{
  g_assert (node->n_props == 0 && node->regs == NULL);
  if (n == 0)
    return;
  node->regs = g_new0 (Register, n);
  node->regs_size = n;
  if (node->props_size < n)
    props_resize (node, n);
}

/*
 * Virtual registers. A node whose first insert was the first op on its key, with a value of
 * properties only (no reserved name, no absent value), does not make its registers at once
 * (virtual_props): each member of that insert's value stands for a register whose only ref
 * is the insert and whose value is the member's while the insert is active, which is what
 * the register would hold. A scene that was inserted and not edited since, the usual bulk of
 * one, then costs its messages and nodes but no registers (W7: 100,000 nodes of 10
 * properties, 0.77 KB a node). The registers are made (node_materialize) before anything
 * else reaches them: any op on the node's properties, another insert, an undo or a removal
 * of the insert, a load, provenance. What only reads values (properties, their list,
 * write_node and its stamps) reads the insert.
 */
static inline const OpRef *
virtual_ref (const Node *node)
{
  return &node->inserts->items[0];
}

static inline const VrtcValue *
virtual_props (const Node *node)
{
  return &ref_op (virtual_ref (node))->value;
}

/* Whether the insert node->inserts holds alone, just added, can leave its registers unmade. */
static gboolean
insert_can_be_virtual (const Node          *node,
                       const VrtcOperation *op)
{
  if (node->base != NULL || node->n_props > 0 || node->regs != NULL || node->inserts == NULL ||
      node->inserts->len != 1 || op->value.kind != VRTC_VALUE_OBJECT || op->value.len == 0)
    return FALSE;
  for (guint m = 0; m < op->value.len; m++)
    if (path_is_reserved (op->value.u.members[m].key) ||
        op->value.u.members[m].value.kind == VRTC_VALUE_NONE)
      return FALSE;
  return TRUE;
}

static void node_materialize (VrtcEngine *engine, Node *node);

/* The register of path on node: made when create is set (and node's virtual ones then, or
 * when it is reached at all). */
static Register *
register_get (VrtcEngine *engine,
              Node       *node,
              const char *path,
              gboolean    create)
{
  /* the same few paths repeat on every node: one copy each per engine, compared by address */
  GHashTable *strings = (engine->view_of ? engine->view_of : engine)->strings;
  const char *ipath;
  Register *reg;
  guint isize;

  if (G_UNLIKELY (node->virtual_props))
    node_materialize (engine, node);
  ipath = create ? intern (engine, path) : g_hash_table_lookup (strings, path);
  if (ipath == NULL)
    return NULL;
  reg = props_find (node, ipath);
  if (reg != NULL || !create)
    return reg;
  if (node->n_props == node->props_size)
    props_resize (node, MAX (4, 2 * node->props_size));
  reg = register_alloc (node);
  reg->path = ipath;
  node->props[node->n_props] = reg;
  if ((isize = props_index_size (node->props_size)) > 0)
    props_index_add (node, isize - 1, node->n_props);
  node->n_props++;
  return reg;
}

/* The value a set-like ref would write, or NULL when it is not a valid set. */
static const VrtcValue *
ref_set_value (const OpRef *ref,
               const char  *path)
{
  const VrtcOperation *op = ref_op (ref);

  switch (op->type->kind)
    {
    case VRTC_OP_KIND_SET:
      return op->type->check (op) ? &op->value : NULL;
    case VRTC_OP_KIND_NODE_INSERT:
      {
        const VrtcValue *v = vrtc_value_object_get (&op->value, path);

        return v != NULL && v->kind != VRTC_VALUE_NONE ? v : NULL;
      }
    case VRTC_OP_KIND_DELTA:
    case VRTC_OP_KIND_UNSUPPORTED:
    case VRTC_OP_KIND_NODE_REMOVE:
    case VRTC_OP_KIND_NODE_MOVE:
    case VRTC_OP_KIND_META_UNDO:
    case VRTC_OP_KIND_META_REDO:
    default:
      return NULL;
    }
}

static gboolean
ref_is_set (const OpRef *ref)
{
  return (ref->flags & REF_IS_SET) != 0;
}

/* A set or an insert that gives this register a value (ref_set_value is not NULL): an
 * insert's ref is only added to the registers its value names. */
static inline gboolean
ref_sets_value (const OpRef *ref)
{
  return (ref->flags & (REF_IS_SET | REF_SET_BAD)) == REF_IS_SET;
}

/* reg->fold, made on first use from the refs there are. */
static RegisterFold *
register_fold_data (Register *reg)
{
  if (reg->fold == NULL)
    {
      reg->fold = g_new0 (RegisterFold, 1);
      for (guint i = 0; reg->ops != NULL && i < reg->ops->len; i++)
        if (ref_sets_value (&reg->ops->items[i]))
          reg->fold->n_sets++;
    }
  return reg->fold;
}

/* Keeps reg->fold in step with the ref just inserted at index of reg->ops. */
static void
register_note_insert (Register *reg,
                      guint     index)
{
  const OpRef *ref = &reg->ops->items[index];
  Addend a = { { 0, 0, 0 } };
  RegisterFold *fold = reg->fold;

  if (fold == NULL)
    {
      if (!(ref->flags & REF_VEC3_ADD))
        return;
      fold = register_fold_data (reg);   /* counts this ref too */
    }
  else if (ref_sets_value (ref))
    fold->n_sets++;

  if (ref->flags & REF_VEC3_ADD)
    memcpy (a.d, vrtc_optable_vec3_addend (ref_op (ref)), sizeof a.d);
  else if (fold->addends == NULL)
    return;
  if (fold->addends == NULL)
    {
      fold->addends = g_array_sized_new (FALSE, TRUE, sizeof (Addend), reg->ops->len);
      g_array_set_size (fold->addends, reg->ops->len - 1);
    }
  g_array_insert_val (fold->addends, index, a);
}

/* refs_remove on a register's refs, and their addends. */
static gboolean
register_remove_ref (Node      *node,
                     Register  *reg,
                     VrtcEntry *entry,
                     guint32    op_index)
{
  register_own_refs (node, reg);
  for (guint i = reg->ops ? reg->ops->len : 0; i > 0; i--)
    {
      OpRef *ref = &reg->ops->items[i - 1];

      if (ref->entry == entry && ref->op_index == op_index)
        {
          set_rejected (ref, FALSE);
          if (reg->fold != NULL && ref_sets_value (ref))
            reg->fold->n_sets--;
          refs_remove_index (reg->ops, i - 1);
          if (reg->fold != NULL && reg->fold->addends != NULL)
            g_array_remove_index (reg->fold->addends, i - 1);
          return TRUE;
        }
    }
  return FALSE;
}

/* The set a fold starts from: the newest active set with a value, unless the base's set is
 * newer. *winner_index is its index in reg->ops, or -1 when the fold starts at the base. */
static const VrtcValue *
register_start (Register  *reg,
                VrtcStamp *from,
                gint      *winner_index)
{
  guint n = reg->ops && (reg->fold == NULL || reg->fold->n_sets > 0) ? reg->ops->len : 0;

  *from = VRTC_STAMP_ZERO;
  *winner_index = -1;
  for (guint i = n; i > 0; i--)
    {
      const OpRef *ref = &reg->ops->items[i - 1];

      if (ref_sets_value (ref) && ref_active (ref))
        {
          if (reg->base == NULL || stamp_compare (&ref->stamp, &reg->base->set) > 0)
            {
              *from = ref->stamp;
              *winner_index = (gint) (i - 1);
              return ref_set_value (ref, reg->path);
            }
          break;
        }
    }
  if (reg->base == NULL)
    return NULL;
  *from = reg->base->set;
  return reg->base->materialized ? &reg->base->value : &reg->value;
}

/* Folds refs[first..] onto out, which holds the state after refs[0, first). */
static void
register_fold_range (Register        *reg,
                     const VrtcStamp *from,
                     guint            first,
                     VrtcValue       *out,
                     gint             winner_index,
                     GArray          *checkpoints)
{
  guint n = reg->ops ? reg->ops->len : 0;

  for (guint i = first; i < n; i++)
    {
      OpRef *ref = &reg->ops->items[i];

      if (!ref_active (ref))
        ;
      else if (ref_is_set (ref))
        set_rejected (ref, (ref->flags & REF_SET_BAD) != 0);
      else if (stamp_compare (&ref->stamp, from) <= 0)
        set_rejected (ref, FALSE);
      else if ((ref->flags & REF_VEC3_ADD) && out->kind == VRTC_VALUE_VEC && out->len == 3)
        set_rejected (ref, !vrtc_optable_vec3_add (out, g_array_index (reg->fold->addends, Addend,
                                                                       i).d));
      else
        set_rejected (ref, !vrtc_optable_fold (ref_op (ref), out));

      /* every so often, the state so far, for the next late op to start from */
      if (checkpoints != NULL && (i + 1) % CHECKPOINT_EVERY == 0 && (gint) i >= winner_index)
        {
          Checkpoint cp = { i + 1, FALSE, { 0, 0, 0 }, VRTC_VALUE_INIT };

          if (out->kind == VRTC_VALUE_VEC && out->len == 3)
            {
              cp.is_vec3 = TRUE;
              memcpy (cp.vec3, out->u.vec, sizeof cp.vec3);
            }
          else
            vrtc_value_copy (&cp.value, out);
          g_array_append_val (checkpoints, cp);
        }
    }
}

/* Recomputes the value from the base and every op (SEMANTICS.md 3). */
static void
register_fold (Register  *reg,
               VrtcValue *out)
{
  VrtcStamp from;
  gint winner_index;
  const VrtcValue *start = register_start (reg, &from, &winner_index);

  vrtc_value_clear (out);
  if (start != NULL)
    vrtc_value_copy (out, start);
  register_fold_range (reg, &from, 0, out, winner_index, NULL);
}

static void
emit_property (VrtcEngine *engine,
               Node       *node,
               const char *path)
{
  if (engine->listener.property_changed && !engine->materializing)
    engine->listener.property_changed (engine->listener_data, node->key, path);
}

static void
register_set_folded (VrtcEngine *engine,
                     Node       *node,
                     Register   *reg,
                     VrtcValue  *value)
{
  if (!vrtc_value_equal (value, &reg->value))
    {
      vrtc_value_move (&reg->value, value);
      emit_property (engine, node, reg->path);
    }
  else
    vrtc_value_clear (value);
}

static void
checkpoint_clear (gpointer data)
{
  vrtc_value_clear (&((Checkpoint *) data)->value);
}

/* Any change but a late insertion: what was kept no longer holds. */
static void
register_refold (VrtcEngine *engine,
                 Node       *node,
                 Register   *reg)
{
  VrtcValue value = VRTC_VALUE_INIT;

  if (reg->fold != NULL && reg->fold->checkpoints != NULL)
    g_array_set_size (reg->fold->checkpoints, 0);
  register_fold (reg, &value);
  register_set_folded (engine, node, reg, &value);
}

/* A ref was inserted at index p, below newer ones: refold from the last checkpoint at or
 * before p (the refs before it did not change), keeping checkpoints on the way. */
static void
register_refold_at (VrtcEngine *engine,
                    Node       *node,
                    Register   *reg,
                    guint       p)
{
  VrtcValue value = VRTC_VALUE_INIT;
  VrtcStamp from;
  gint winner_index;
  const VrtcValue *start;
  RegisterFold *fold;
  GArray *cps;
  guint first = 0;

  if (eval_at != G_MAXUINT || reg->ops->len < CHECKPOINT_MIN_REFS)
    {
      register_refold (engine, node, reg);
      return;
    }
  fold = register_fold_data (reg);
  if (fold->checkpoints == NULL)
    {
      fold->checkpoints = g_array_new (FALSE, FALSE, sizeof (Checkpoint));
      g_array_set_clear_func (fold->checkpoints, checkpoint_clear);
    }
  cps = fold->checkpoints;

  /* those after p have shifted and miss the new ref */
  while (cps->len > 0 && g_array_index (cps, Checkpoint, cps->len - 1).index > p)
    g_array_set_size (cps, cps->len - 1);

  start = register_start (reg, &from, &winner_index);
  /* one made after the fold's start, on the same start (a new start drops those after it) */
  if (cps->len > 0 && (gint) g_array_index (cps, Checkpoint, cps->len - 1).index > winner_index)
    {
      const Checkpoint *cp = &g_array_index (cps, Checkpoint, cps->len - 1);

      if (cp->is_vec3)
        {
          value.kind = VRTC_VALUE_VEC;
          value.len = 3;
          value.u.vec = g_memdup2 (cp->vec3, sizeof cp->vec3);
        }
      else
        vrtc_value_copy (&value, &cp->value);
      first = cp->index;
    }
  else
    {
      g_array_set_size (cps, 0);
      if (start != NULL)
        vrtc_value_copy (&value, start);
    }
  register_fold_range (reg, &from, first, &value, winner_index, cps);
  register_set_folded (engine, node, reg, &value);
}

/* Checkpoints after index no longer match the refs (one was inserted at index). */
static void
checkpoints_drop_after (Register *reg,
                        guint     index)
{
  GArray *cps = reg->fold != NULL ? reg->fold->checkpoints : NULL;

  while (cps != NULL && cps->len > 0 && g_array_index (cps, Checkpoint, cps->len - 1).index > index)
    g_array_set_size (cps, cps->len - 1);
}

/* Adds a ref, applying it in place when it is the newest op on the register. */
static void
register_add (VrtcEngine  *engine,
              Node        *node,
              Register    *reg,
              const OpRef *ref)
{
  guint index;
  OpRef *added;

  /* until now the register held the snapshot's value alone: keep it as the base */
  if (reg->base != NULL && !reg->base->materialized)
    {
      register_own_base (reg);
      vrtc_value_copy (&reg->base->value, &reg->value);
      reg->base->materialized = TRUE;
    }
  if (reg->ops == NULL && reg->fold == NULL && node->inserts != NULL && node->inserts->len == 1 &&
      node->inserts->items[0].entry == ref->entry && node->inserts->items[0].op_index == ref->op_index)
    {
      /* the first insert's value: the same list as the node's */
      reg->ops = node->inserts;
      node->shares_inserts = TRUE;
      index = 0;
    }
  else
    {
      register_own_refs (node, reg);
      index = refs_insert (&reg->ops, ref);
    }
  register_note_insert (reg, index);
  added = &reg->ops->items[index];

  if (index + 1 == reg->ops->len && ref_active (added) &&
      (reg->base == NULL || stamp_compare (&ref->stamp, &reg->base->max) > 0))
    {
      const VrtcOperation *op = ref_op (added);

      if (ref_is_set (added))
        {
          const VrtcValue *v = ref_set_value (added, reg->path);

          set_rejected (added, v == NULL && op->type->kind == VRTC_OP_KIND_SET);
          /* deltas between the previous winner and this set are superseded now, not
           * rejected: keep the flags what a full fold would say */
          for (guint i = index; v != NULL && i > 0; i--)
            {
              OpRef *below = &reg->ops->items[i - 1];

              if (ref_sets_value (below) && ref_active (below))
                break;
              if (!ref_is_set (below))
                set_rejected (below, FALSE);
            }
          if (v != NULL && !vrtc_value_equal (v, &reg->value))
            {
              vrtc_value_copy (&reg->value, v);
              emit_property (engine, node, reg->path);
            }
        }
      else if ((added->flags & REF_VEC3_ADD) && reg->value.kind == VRTC_VALUE_VEC &&
               reg->value.len == 3
               ? vrtc_optable_vec3_add (&reg->value,
                                        g_array_index (reg->fold->addends, Addend, index).d)
               : vrtc_optable_fold (op, &reg->value))
        {
          set_rejected (added, FALSE);
          emit_property (engine, node, reg->path);
        }
      else
        set_rejected (added, TRUE);
      return;
    }

  /* Below an active set, an op changes nothing: a set loses, a delta is superseded.
   * Out-of-order sets (many sessions writing one property) then cost O(1), not a refold. */
  if (ref_active (added))
    for (guint i = index + 1; i < reg->ops->len; i++)
      {
        const OpRef *above = &reg->ops->items[i];

        if (ref_sets_value (above) && ref_active (above))
          {
            const VrtcOperation *op = ref_op (added);

            set_rejected (added, op->type->kind == VRTC_OP_KIND_SET &&
                                 ref_set_value (added, reg->path) == NULL);
            checkpoints_drop_after (reg, index);
            return;
          }
      }
  register_refold_at (engine, node, reg, index);
}

/* Adds ref, an insert of node, to the registers its value names: in one block when they are
 * the node's first, as a loaded node's are. */
static void
insert_add_registers (VrtcEngine  *engine,
                      Node        *node,
                      const OpRef *ref)
{
  const VrtcValue *value = &ref_op (ref)->value;

  if (value->kind != VRTC_VALUE_OBJECT)
    return;
  if (node->n_props == 0 && node->regs == NULL)
    {
      guint n = 0;

      for (guint m = 0; m < value->len; m++)
        n += !path_is_reserved (value->u.members[m].key);
      register_block_new (node, n);
    }
  for (guint m = 0; m < value->len; m++)
    if (!path_is_reserved (value->u.members[m].key))
      register_add (engine, node, register_get (engine, node, value->u.members[m].key, TRUE), ref);
}

/* Makes a virtual node's registers, in the live state: they hold what was shown already, so
 * no property changes. */
static void
node_materialize (VrtcEngine *engine,
                  Node       *node)
{
  VrtcEngine *live = engine->view_of != NULL ? engine->view_of : engine;
  guint saved_at = eval_at;
  OpRef ref;

  if (!node->virtual_props)
    return;
  node->virtual_props = FALSE;
  ref = *virtual_ref (node);
  eval_at = G_MAXUINT;
  live->materializing = TRUE;
  insert_add_registers (live, node, &ref);
  live->materializing = FALSE;
  eval_at = saved_at;
}

/* ---- nodes ---- */

static void
node_clock_clear (NodeClock *c)
{
  if (c->n == G_MAXUINT)
    {
      vrtc_value_clear (c->u.odd);
      g_free (c->u.odd);
    }
  else if (c->n > 1)
    g_free (c->u.many);
  memset (c, 0, sizeof *c);
}

static const NodeClockEntry *
node_clock_entries (const NodeClock *c)
{
  return c->n == 1 ? &c->u.one : c->u.many;
}

/* Takes value (left NONE); sessions are interned in engine. */
static void
node_clock_take (VrtcEngine *engine,
                 NodeClock  *c,
                 VrtcValue  *value)
{
  gboolean counts = value->kind == VRTC_VALUE_OBJECT;
  NodeClockEntry *e;

  node_clock_clear (c);
  for (guint i = 0; counts && i < value->len; i++)
    counts = value->u.members[i].value.kind == VRTC_VALUE_NUMBER;
  if (!counts)
    {
      c->n = G_MAXUINT;
      c->u.odd = g_new0 (VrtcValue, 1);
      vrtc_value_move (c->u.odd, value);
      return;
    }
  c->n = value->len;
  e = c->n == 1 ? &c->u.one : c->n > 1 ? (c->u.many = g_new (NodeClockEntry, c->n)) : NULL;
  for (guint i = 0; i < c->n; i++)
    {
      e[i].session = intern (engine, value->u.members[i].key);
      e[i].count = value->u.members[i].value.u.num;
    }
  vrtc_value_clear (value);
}

static void
node_clock_copy (VrtcEngine      *engine,
                 NodeClock       *dst,
                 const NodeClock *src)
{
  const NodeClockEntry *from = node_clock_entries (src);
  NodeClockEntry *to;

  node_clock_clear (dst);
  dst->n = src->n;
  if (src->n == G_MAXUINT)
    {
      dst->u.odd = g_new0 (VrtcValue, 1);
      vrtc_value_copy (dst->u.odd, src->u.odd);
      return;
    }
  to = src->n == 1 ? &dst->u.one : src->n > 1 ? (dst->u.many = g_new (NodeClockEntry, src->n)) : NULL;
  for (guint i = 0; i < src->n; i++)
    to[i] = (NodeClockEntry) { intern (engine, from[i].session), from[i].count };
}

/* As the value it was made from would write itself. */
static void
node_clock_write_json (const NodeClock *c,
                       GString         *out)
{
  const NodeClockEntry *e = node_clock_entries (c);
  VrtcMember stack[8];
  VrtcMember *members;
  VrtcValue obj;

  if (c->n == G_MAXUINT)
    {
      vrtc_value_write_json (c->u.odd, out);
      return;
    }
  /* a borrowed object: its keys are the interned sessions, never freed here */
  members = c->n <= G_N_ELEMENTS (stack) ? stack : g_new (VrtcMember, c->n);
  for (guint i = 0; i < c->n; i++)
    {
      members[i].key = (char *) e[i].session;
      members[i].value = (VrtcValue) { VRTC_VALUE_NUMBER, 0, { .num = e[i].count } };
    }
  obj = (VrtcValue) { VRTC_VALUE_OBJECT, c->n, { .members = members } };
  vrtc_value_write_json (&obj, out);
  if (members != stack)
    g_free (members);
}

static void
node_base_free (NodeBase *base)
{
  node_clock_clear (&base->clock);
  g_free (base->stamps);
  g_free (base);
}

static void
node_free (gpointer data)
{
  Node *node = data;

  g_free (node->key);
  /* the registers first: they may share node->inserts */
  for (guint r = 0; r < node->n_props; r++)
    register_free (node, node->props[r]);
  g_free (node->regs);
  g_clear_pointer (&node->inserts, g_free);
  g_clear_pointer (&node->removes, g_free);
  g_clear_pointer (&node->moves, g_free);
  g_free (node->props);
  g_clear_pointer (&node->base, node_base_free);
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_clear_pointer (&node->ever_children, g_ptr_array_unref);
  g_clear_pointer (&node->noted_more, g_ptr_array_unref);
  g_free (node);
}

static Node *
node_get (VrtcEngine *engine,
          const char *key,
          gboolean    create)
{
  Node *node = g_hash_table_lookup (engine->nodes, key);

  if (node == NULL && create)
    {
      node = g_new0 (Node, 1);
      node->key = g_strdup (key);
      g_hash_table_insert (engine->nodes, node->key, node);
    }
  return node;
}

static guint
children_position (Node *parent,
                   Node *child)
{
  guint lo = 0, hi = parent->children ? parent->children->len : 0;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      Node *other = g_ptr_array_index (parent->children, mid);
      int r = vrtc_stamp_compare (&other->first, &child->first);

      if (r == 0)
        r = strcmp (other->key, child->key);
      if (r < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
emit_children (VrtcEngine *engine,
               Node       *parent,
               guint       position,
               guint       removed,
               guint       added)
{
  if (engine->listener.children_changed)
    engine->listener.children_changed (engine->listener_data, parent->key, position, removed, added);
}

static void
unlist (VrtcEngine *engine,
        Node       *node)
{
  Node *parent = node->listed_in;
  guint index;

  if (parent == NULL)
    return;
  if (!g_ptr_array_find (parent->children, node, &index))
    g_assert_not_reached ();
  g_ptr_array_remove_index (parent->children, index);
  node->listed_in = NULL;
  emit_children (engine, parent, index, 1, 0);
}

static void
list_in (VrtcEngine *engine,
         Node       *node,
         Node       *parent)
{
  guint index = children_position (parent, node);

  if (parent->children == NULL)
    parent->children = g_ptr_array_new ();
  g_ptr_array_insert (parent->children, index, node);
  node->listed_in = parent;
  emit_children (engine, parent, index, 0, 1);
}

/* Puts the node in the children array it belongs to now (live and parented). */
static void
relist (VrtcEngine *engine,
        Node       *node,
        gboolean    order_changed)
{
  Node *want = node->live && node != engine->root ? node->parent : NULL;

  if (want == node->listed_in && !order_changed)
    return;
  unlist (engine, node);
  if (want != NULL)
    list_in (engine, node, want);
}

/* Remembers that child had parent as its parent at some point (append-only). */
static void
note_child (Node *parent,
            Node *child)
{
  /* a child has few parents over its life: check its list, not the parent's */
  if (child->noted_parent == parent)
    return;
  for (guint i = 0; child->noted_more != NULL && i < child->noted_more->len; i++)
    if (g_ptr_array_index (child->noted_more, i) == parent)
      return;
  if (child->noted_parent == NULL)
    child->noted_parent = parent;
  else
    {
      if (child->noted_more == NULL)
        child->noted_more = g_ptr_array_new ();
      g_ptr_array_add (child->noted_more, parent);
    }
  if (parent->ever_children == NULL)
    parent->ever_children = g_ptr_array_new ();
  g_ptr_array_add (parent->ever_children, child);
}

/* Does walking up from `from` through resolved parents reach `node`? */
static gboolean
reaches (Node *from,
         Node *node)
{
  for (Node *n = from; n != NULL; n = n->parent)
    if (n == node)
      return TRUE;
  return FALSE;
}

typedef struct {
  VrtcStamp   stamp;
  const char *parent;
} ParentCandidate;

static int
candidate_compare_desc (gconstpointer a,
                        gconstpointer b)
{
  return -vrtc_stamp_compare (&((const ParentCandidate *) a)->stamp,
                              &((const ParentCandidate *) b)->stamp);
}

/* Every parent this node has been given, newest first. */
static GArray *
parent_candidates (Node *node)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (ParentCandidate));
  Refs *lists[2] = { node->inserts, node->moves };

  for (guint l = 0; l < 2; l++)
    for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
      {
        const OpRef *ref = &lists[l]->items[i];
        const VrtcOperation *op = ref_op (ref);
        ParentCandidate c = { ref->stamp, op->parent_key ? op->parent_key : ROOT_KEY };

        if (ref_active (ref))
          g_array_append_val (out, c);
      }
  if (node->base != NULL && node->base->parent != NULL)
    {
      ParentCandidate c = { base_parent_stamp (node->base), node->base->parent };

      g_array_append_val (out, c);
    }
  g_array_sort (out, candidate_compare_desc);
  return out;
}

/* The first of parent_candidates(), without making and sorting them all: a history view
 * works this out for every node it shows. FALSE when there is none. */
static gboolean
newest_parent (Node            *node,
               ParentCandidate *out)
{
  Refs *lists[2] = { node->inserts, node->moves };
  const OpRef *best = NULL;

  /* the first of equals wins, as in the stable sort of parent_candidates() */
  for (guint l = 0; l < 2; l++)
    for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
      {
        const OpRef *ref = &lists[l]->items[i];

        if (ref_active (ref) && (best == NULL || vrtc_stamp_compare (&ref->stamp, &best->stamp) > 0))
          best = ref;
      }
  if (best != NULL)
    {
      const char *parent_key = ref_op (best)->parent_key;

      *out = (ParentCandidate) { best->stamp, parent_key != NULL ? parent_key : ROOT_KEY };
    }
  if (node->base != NULL && node->base->parent != NULL)
    {
      VrtcStamp stamp = base_parent_stamp (node->base);

      if (best == NULL || vrtc_stamp_compare (&stamp, &out->stamp) > 0)
        {
          *out = (ParentCandidate) { stamp, node->base->parent };
          return TRUE;
        }
    }
  return best != NULL;
}

static void
emit_node (VrtcEngine *engine,
           Node       *node)
{
  if (engine->listener.node_changed)
    engine->listener.node_changed (engine->listener_data, node->key);
}

/* What a node is at the position being evaluated (eval_at), without changing anything. */
typedef struct {
  gboolean    exists;
  gboolean    live;
  const char *tag;
  const char *name;
  VrtcStamp   first;
  VrtcStamp   insert;
  VrtcStamp   remove;
  Node       *candidate;
  VrtcStamp   candidate_stamp;
} NodeState;

static void
node_compute (VrtcEngine *engine,
              Node       *node,
              NodeState  *st)
{
  const OpRef *top_insert = refs_top (node->inserts);
  const OpRef *first_insert = refs_bottom (node->inserts);
  const OpRef *top_remove = refs_top (node->removes);

  memset (st, 0, sizeof *st);
  if (node->base != NULL)
    {
      st->insert = *base_insert (node->base);
      st->remove = base_remove (node->base);
      st->first = base_first (node->base);
      st->tag = node->base->tag;
      st->name = node->base->name;
    }
  st->exists = (node->base != NULL && node->base->exists) || top_insert != NULL;
  if (top_insert != NULL && vrtc_stamp_compare (&top_insert->stamp, &st->insert) > 0)
    {
      st->insert = top_insert->stamp;
      st->tag = ref_op (top_insert)->tag;
      st->name = ref_op (top_insert)->name;
    }
  if (first_insert != NULL && (vrtc_stamp_is_zero (&st->first) ||
                               vrtc_stamp_compare (&first_insert->stamp, &st->first) < 0))
    st->first = first_insert->stamp;
  if (top_remove != NULL && vrtc_stamp_compare (&top_remove->stamp, &st->remove) > 0)
    st->remove = top_remove->stamp;
  st->live = st->exists && vrtc_stamp_compare (&st->insert, &st->remove) > 0;

  if (st->exists)
    {
      ParentCandidate newest;

      if (newest_parent (node, &newest))
        {
          st->candidate = node_get (engine, newest.parent, TRUE);
          st->candidate_stamp = newest.stamp;
        }
      else
        st->candidate = engine->root;
    }
}

/* Recomputes exists, live, tag, name, ordering stamp and the LWW parent of a node. */
static void
node_refresh (VrtcEngine *engine,
              Node       *node)
{
  NodeState st;
  gboolean order_changed, changed;

  if (node == engine->root)
    return;

  node_compute (engine, node, &st);
  if (st.candidate != NULL)
    note_child (st.candidate, node);

  order_changed = vrtc_stamp_compare (&st.first, &node->first) != 0;
  changed = st.exists != node->exists || st.live != node->live ||
            g_strcmp0 (st.tag, node->tag) != 0 || g_strcmp0 (st.name, node->name) != 0;
  node->exists = st.exists;
  node->live = st.live;
  node->tag = st.tag;
  node->name = st.name;
  node->first = st.first;

  /* while cycles are broken, the outcome depends on every node's assignments and their
   * order: any change to a node decides all parents again */
  if (st.candidate != node->candidate || engine->n_demoted > 0)
    {
      node->candidate = st.candidate;
      node->candidate_stamp = st.candidate_stamp;
      if (engine->n_demoted == 0 && (st.candidate == NULL || !reaches (st.candidate, node)))
        {
          if (node->parent != st.candidate)
            {
              node->parent = st.candidate;
              changed = TRUE;
            }
        }
      else
        {
          /* a cycle, or cycles broken before: decide every parent again from the op set */
          relist (engine, node, order_changed);
          if (changed)
            emit_node (engine, node);
          resolve_all (engine);
          return;
        }
    }
  relist (engine, node, order_changed);
  if (changed)
    emit_node (engine, node);
}

typedef struct {
  Node      *node;
  VrtcStamp  top;
} NodeOrder;

static int
node_order_compare (gconstpointer a,
                    gconstpointer b)
{
  const NodeOrder *na = a, *nb = b;
  int r = vrtc_stamp_compare (&na->top, &nb->top);

  return r != 0 ? r : strcmp (na->node->key, nb->node->key);
}

/*
 * Cycle breaking that depends only on the set of ops: nodes are attached in the
 * order of their newest parent assignment; an assignment that would close a cycle
 * is ignored and the node falls back to its previous one (finally the root).
 */
static GHashTable *
decide_parents (VrtcEngine *engine,
                guint      *n_demoted)
{
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (NodeOrder));
  GHashTable *assigned = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  Node *node;
  guint demoted = 0;

  g_hash_table_iter_init (&iter, engine->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      NodeState st;
      NodeOrder o = { node, VRTC_STAMP_ZERO };

      if (node == engine->root)
        continue;
      node_compute (engine, node, &st);
      if (!st.exists)
        continue;
      o.top = st.candidate_stamp;
      g_array_append_val (order, o);
    }
  g_array_sort (order, node_order_compare);

  for (guint i = 0; i < order->len; i++)
    {
      g_autoptr(GArray) candidates = NULL;
      Node *chosen = engine->root;

      node = g_array_index (order, NodeOrder, i).node;
      candidates = parent_candidates (node);
      for (guint c = 0; c < candidates->len; c++)
        {
          Node *p = node_get (engine, g_array_index (candidates, ParentCandidate, c).parent, TRUE);
          gboolean cycle = FALSE;

          for (Node *n = p; n != NULL; n = g_hash_table_lookup (assigned, n))
            if (n == node)
              {
                cycle = TRUE;
                break;
              }
          if (!cycle)
            {
              chosen = p;
              break;
            }
        }
      if (candidates->len == 0 ||
          strcmp (g_array_index (candidates, ParentCandidate, 0).parent, chosen->key) != 0)
        demoted++;
      /* assign now so later nodes see it */
      g_hash_table_insert (assigned, node, chosen);
    }
  *n_demoted = demoted;
  return assigned;
}

/* Live state: decide again, then move the nodes whose parent changed. */
static void
resolve_all (VrtcEngine *engine)
{
  g_autoptr(GHashTable) assigned = decide_parents (engine, &engine->n_demoted);
  GHashTableIter iter;
  Node *node;

  g_hash_table_iter_init (&iter, engine->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      Node *chosen = g_hash_table_lookup (assigned, node);

      if (node == engine->root)
        continue;
      if (chosen != NULL)
        note_child (chosen, node);
      node->parent = chosen;
    }
  g_hash_table_iter_init (&iter, engine->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    if (node != engine->root && node->listed_in != (node->live ? node->parent : NULL))
      {
        relist (engine, node, FALSE);
        emit_node (engine, node);
      }
}

/* ---- the engine's vector clock ---- */

static int
clock_entry_compare (const void *a,
                     const void *b)
{
  return strcmp (((const VrtcClockEntry *) a)->session, ((const VrtcClockEntry *) b)->session);
}

static const VrtcClock *
engine_clock (VrtcEngine *engine)
{
  if (engine->clock_stale)
    {
      GHashTableIter iter;
      gpointer session, count;
      guint i = 0;

      vrtc_clock_clear (&engine->clock);
      engine->clock.len = g_hash_table_size (engine->clock_counts);
      engine->clock.entries = g_new (VrtcClockEntry, MAX (engine->clock.len, 1));
      g_hash_table_iter_init (&iter, engine->clock_counts);
      while (g_hash_table_iter_next (&iter, &session, &count))
        {
          engine->clock.entries[i].session = g_strdup (session);
          engine->clock.entries[i++].count = *(guint64 *) count;
        }
      qsort (engine->clock.entries, engine->clock.len, sizeof (VrtcClockEntry), clock_entry_compare);
      engine->own_clock_index = G_MAXUINT;
      for (i = 0; engine->own_count != NULL && i < engine->clock.len; i++)
        if (strcmp (engine->clock.entries[i].session, engine->session) == 0)
          engine->own_clock_index = i;
      engine->clock_stale = FALSE;
    }
  return &engine->clock;
}

static guint64
clock_get (VrtcEngine *engine,
           const char *session)
{
  guint64 *count = g_hash_table_lookup (engine->clock_counts, session);

  return count != NULL ? *count : 0;
}

/* Raises a session's entry to count (never lowers it). */
static void
clock_raise (VrtcEngine *engine,
             const char *session,
             guint64     count)
{
  guint64 *slot = g_hash_table_lookup (engine->clock_counts, session);
  const char *interned;

  if (slot != NULL)
    {
      if (*slot >= count)
        return;
      *slot = count;
      /* same sessions: patch the sorted copy in place */
      if (!engine->clock_stale)
        vrtc_clock_set (&engine->clock, session, count);
      return;
    }
  interned = intern (engine, session);
  slot = g_new (guint64, 1);
  *slot = count;
  g_hash_table_insert (engine->clock_counts, (char *) interned, slot);
  engine->clock_names += strlen (interned) + 1;
  if (interned == engine->session)
    engine->own_count = slot;
  engine->clock_stale = TRUE;
}

/* A commit: this session's count goes up by one. */
static void
clock_bump_own (VrtcEngine *engine)
{
  if (G_UNLIKELY (engine->own_count == NULL))
    {
      clock_raise (engine, engine->session, 1);
      return;
    }
  ++*engine->own_count;
  if (!engine->clock_stale)
    engine->clock.entries[engine->own_clock_index].count = *engine->own_count;
}

static void
clock_merge (VrtcEngine      *engine,
             const VrtcClock *other)
{
  for (guint i = 0; i < other->len; i++)
    clock_raise (engine, other->entries[i].session, other->entries[i].count);
}

/* ---- entries and messages ---- */

static void
entry_free (gpointer data)
{
  VrtcEntry *entry = data;
  VrtcMessage *msg = entry->msg;

  if (entry->metas)
    g_array_unref (entry->metas);
  if (!entry->in_block)
    g_free (entry);
  /* last: an entry in its message's block may go with it */
  vrtc_msg_unref (msg);
}

static gboolean
id_matches_session (const VrtcMessage *msg,
                    guint64           *seq)
{
  gsize n;
  const char *rest;
  char *end = NULL;
  guint64 value;

  if (msg->id == NULL || msg->session_id == NULL)
    return FALSE;
  n = strlen (msg->session_id);
  if (strncmp (msg->id, msg->session_id, n) != 0 || msg->id[n] != ':')
    return FALSE;
  rest = msg->id + n + 1;
  if (!g_ascii_isdigit (*rest))
    return FALSE;
  value = g_ascii_strtoull (rest, &end, 10);
  if (*end != '\0' || value == 0)
    return FALSE;
  *seq = value;
  return TRUE;
}

static VrtcStamp
op_stamp (VrtcEntry *entry,
          guint      i)
{
  return (VrtcStamp) { entry->msg->lamport, entry->session, i };
}

/* Applies one op's effect on a register or node (it is already decided whether
 * the entry is undone: undone refs are kept but ignored by the folds). */
static void
apply_op (VrtcEngine *engine,
          VrtcEntry  *entry,
          guint       i)
{
  const VrtcOperation *op = &entry->msg->ops[i];
  /* a pending message's ops move as edits are added: those refs go through the entry */
  OpRef ref = { op_stamp (entry, i), entry, i,
                (op->type->kind == VRTC_OP_KIND_SET || op->type->kind == VRTC_OP_KIND_NODE_INSERT)
                  ? REF_IS_SET : 0,
                entry->pending ? NULL : op };

  if (op->type->kind == VRTC_OP_KIND_SET && !op->type->check (op))
    ref.flags |= REF_SET_BAD;
  if (entry->undone)
    ref.flags |= REF_UNDONE;
  if (op->type->kind == VRTC_OP_KIND_DELTA && vrtc_optable_vec3_addend (op) != NULL)
    ref.flags |= REF_VEC3_ADD;
  Node *node;

  switch (op->type->kind)
    {
    case VRTC_OP_KIND_SET:
    case VRTC_OP_KIND_DELTA:
      if (op->key == NULL || path_is_reserved (op->path))
        {
          entry->n_rejected++;
          return;
        }
      node = node_get (engine, op->key, TRUE);
      register_add (engine, node, register_get (engine, node, op->path, TRUE), &ref);
      break;

    case VRTC_OP_KIND_NODE_INSERT:
      if (op->key == NULL || *op->key == '\0')
        {
          entry->n_rejected++;
          return;
        }
      node = node_get (engine, op->key, TRUE);
      if (node != engine->root)
        {
          node_materialize (engine, node);
          node_unshare_inserts (node);
          refs_insert (&node->inserts, &ref);
        }
      if (node != engine->root && insert_can_be_virtual (node, op))
        {
          /* what register_add would say of each register */
          node->virtual_props = TRUE;
          for (guint m = 0; ref_active (&ref) && m < op->value.len; m++)
            emit_property (engine, node, op->value.u.members[m].key);
        }
      else
        insert_add_registers (engine, node, &ref);
      node_refresh (engine, node);
      break;

    case VRTC_OP_KIND_NODE_REMOVE:
    case VRTC_OP_KIND_NODE_MOVE:
      /* a move's parent_key NULL means the root, as for inserts */
      if (op->key == NULL || *op->key == '\0' || strcmp (op->key, ROOT_KEY) == 0)
        {
          entry->n_rejected++;
          return;
        }
      node = node_get (engine, op->key, TRUE);
      if (op->type->kind == VRTC_OP_KIND_NODE_REMOVE)
        refs_insert (&node->removes, &ref);
      else
        refs_insert (&node->moves, &ref);
      node_refresh (engine, node);
      break;

    case VRTC_OP_KIND_META_UNDO:
    case VRTC_OP_KIND_META_REDO:
      /* handled per message in apply_metas */
      break;

    case VRTC_OP_KIND_UNSUPPORTED:
    default:
      entry->n_unsupported++;
      break;
    }
}

static void
unapply_op (VrtcEngine *engine,
            VrtcEntry  *entry,
            guint       i)
{
  const VrtcOperation *op = &entry->msg->ops[i];
  Node *node = op->key ? node_get (engine, op->key, FALSE) : NULL;
  Register *reg;

  if (node == NULL)
    return;
  switch (op->type->kind)
    {
    case VRTC_OP_KIND_SET:
    case VRTC_OP_KIND_DELTA:
      if ((reg = register_get (engine, node, op->path, FALSE)) != NULL &&
          register_remove_ref (node, reg, entry, i))
        register_refold (engine, node, reg);
      break;
    case VRTC_OP_KIND_NODE_INSERT:
      node_materialize (engine, node);
      node_unshare_inserts (node);
      refs_remove (node->inserts, entry, i);
      if (op->value.kind == VRTC_VALUE_OBJECT)
        for (guint m = 0; m < op->value.len; m++)
          if ((reg = register_get (engine, node, op->value.u.members[m].key, FALSE)) != NULL &&
              register_remove_ref (node, reg, entry, i))
            register_refold (engine, node, reg);
      node_refresh (engine, node);
      break;
    case VRTC_OP_KIND_NODE_REMOVE:
      if (refs_remove (node->removes, entry, i))
        node_refresh (engine, node);
      break;
    case VRTC_OP_KIND_NODE_MOVE:
      if (refs_remove (node->moves, entry, i))
        node_refresh (engine, node);
      break;
    case VRTC_OP_KIND_META_UNDO:
    case VRTC_OP_KIND_META_REDO:
    case VRTC_OP_KIND_UNSUPPORTED:
    default:
      break;
    }
}

/* Copies entry->undone into the REF_UNDONE bit of the entry's op i in refs. */
static void
refs_sync_undone (Refs      *refs,
                  VrtcEntry *entry,
                  guint32    op_index)
{
  for (guint i = refs ? refs->len : 0; i > 0; i--)
    {
      OpRef *ref = &refs->items[i - 1];

      if (ref->entry == entry && ref->op_index == op_index)
        {
          if (entry->undone)
            ref->flags |= REF_UNDONE;
          else
            ref->flags &= ~REF_UNDONE;
          return;
        }
    }
}

/* What one op of an entry touches: a register (reg), or a node's refs (refs: its inserts,
 * removes or moves; an insert's registers come before its node). */
typedef void (*EntryTargetFunc) (VrtcEngine *engine,
                                 VrtcEntry  *entry,
                                 guint       op_index,
                                 Node       *node,
                                 Register   *reg,
                                 Refs       *refs);

static void
entry_foreach_target (VrtcEngine      *engine,
                      VrtcEntry       *entry,
                      EntryTargetFunc  func)
{
  for (guint i = 0; i < entry->msg->n_ops; i++)
    {
      const VrtcOperation *op = &entry->msg->ops[i];
      Node *node = op->key ? node_get (engine, op->key, FALSE) : NULL;
      Register *reg;

      if (node == NULL)
        continue;
      switch (op->type->kind)
        {
        case VRTC_OP_KIND_SET:
        case VRTC_OP_KIND_DELTA:
          if ((reg = register_get (engine, node, op->path, FALSE)) != NULL)
            func (engine, entry, i, node, reg, NULL);
          break;
        case VRTC_OP_KIND_NODE_INSERT:
          if (op->value.kind == VRTC_VALUE_OBJECT)
            for (guint m = 0; m < op->value.len; m++)
              if ((reg = register_get (engine, node, op->value.u.members[m].key, FALSE)) != NULL)
                func (engine, entry, i, node, reg, NULL);
          func (engine, entry, i, node, NULL, node->inserts);
          break;
        case VRTC_OP_KIND_NODE_REMOVE:
          func (engine, entry, i, node, NULL, node->removes);
          break;
        case VRTC_OP_KIND_NODE_MOVE:
          func (engine, entry, i, node, NULL, node->moves);
          break;
        case VRTC_OP_KIND_META_UNDO:
        case VRTC_OP_KIND_META_REDO:
        case VRTC_OP_KIND_UNSUPPORTED:
        default:
          break;
        }
    }
}

static void
sync_undone_target (VrtcEngine *engine,
                    VrtcEntry  *entry,
                    guint       op_index,
                    Node       *node,
                    Register   *reg,
                    Refs       *refs)
{
  refs_sync_undone (reg != NULL ? reg->ops : refs, entry, op_index);
}

static void
touch_target (VrtcEngine *engine,
              VrtcEntry  *entry,
              guint       op_index,
              Node       *node,
              Register   *reg,
              Refs       *refs)
{
  if (reg != NULL)
    register_refold (engine, node, reg);
  else
    node_refresh (engine, node);
}

/* An entry's undone state changed: recompute what its ops touched. */
static void
entry_touch (VrtcEngine *engine,
             VrtcEntry  *entry)
{
  /* all REF_UNDONE bits first: a refold must not see some of the entry's ops undone and
   * others not (two ops of one message on one register) */
  entry_foreach_target (engine, entry, sync_undone_target);
  entry_foreach_target (engine, entry, touch_target);
}

static void
emit_entry (VrtcEngine *engine,
            VrtcEntry  *entry)
{
  if (entry->pending || entry->position < engine->offset)
    return;
  if (engine->listener.entry_changed)
    engine->listener.entry_changed (engine->listener_data, entry->position - engine->offset);
}

static int
meta_compare (gconstpointer a,
              gconstpointer b)
{
  return vrtc_stamp_compare (&((const MetaRef *) a)->stamp, &((const MetaRef *) b)->stamp);
}

static const MetaRef *
entry_top_meta (const VrtcEntry *entry)
{
  if (entry->metas == NULL || entry->metas->len == 0)
    return NULL;
  return &g_array_index (entry->metas, MetaRef, entry->metas->len - 1);
}

static void
redo_heap_note (VrtcEngine *engine,
                VrtcEntry  *entry)
{
  GArray *heap = engine->redo_heap;
  RedoItem item = { entry_top_meta (entry)->stamp, entry };
  guint i;

  if (!entry->own || entry->pending)
    return;
  g_array_append_val (heap, item);
  for (i = heap->len - 1; i > 0; i = (i - 1) / 2)
    {
      RedoItem *child = &g_array_index (heap, RedoItem, i);
      RedoItem *parent = &g_array_index (heap, RedoItem, (i - 1) / 2);
      RedoItem tmp;

      if (vrtc_stamp_compare (&child->stamp, &parent->stamp) <= 0)
        break;
      tmp = *child;
      *child = *parent;
      *parent = tmp;
    }
}

static void
redo_heap_pop (GArray *heap)
{
  guint i = 0;

  g_array_index (heap, RedoItem, 0) = g_array_index (heap, RedoItem, heap->len - 1);
  g_array_set_size (heap, heap->len - 1);
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, top = i;
      RedoItem tmp;

      if (l < heap->len && vrtc_stamp_compare (&g_array_index (heap, RedoItem, l).stamp,
                                               &g_array_index (heap, RedoItem, top).stamp) > 0)
        top = l;
      if (r < heap->len && vrtc_stamp_compare (&g_array_index (heap, RedoItem, r).stamp,
                                               &g_array_index (heap, RedoItem, top).stamp) > 0)
        top = r;
      if (top == i)
        break;
      tmp = g_array_index (heap, RedoItem, i);
      g_array_index (heap, RedoItem, i) = g_array_index (heap, RedoItem, top);
      g_array_index (heap, RedoItem, top) = tmp;
      i = top;
    }
}

static void
entry_update_undone (VrtcEngine *engine,
                     VrtcEntry  *target)
{
  gboolean undone = FALSE;
  double deleted_at = 0;

  if (target->metas != NULL && target->metas->len > 0)
    {
      const MetaRef *top = &g_array_index (target->metas, MetaRef, target->metas->len - 1);

      undone = top->undo;
      deleted_at = undone ? top->source->msg->timestamp : 0;
    }
  target->deleted_at = deleted_at;
  if (undone)
    redo_heap_note (engine, target);
  if (undone == (gboolean) target->undone)
    return;
  target->undone = undone;
  if (!undone && target->own)
    engine->undo_skip_lo = engine->undo_skip_hi = 0;
  entry_touch (engine, target);
  emit_entry (engine, target);
}

static void
attach_meta (VrtcEngine    *engine,
             VrtcEntry     *target,
             const MetaRef *meta)
{
  if (target->has_meta_ops)
    {
      meta->source->n_rejected++;   /* meta ops on meta messages have no effect */
      return;
    }
  if (target->metas == NULL)
    target->metas = g_array_new (FALSE, FALSE, sizeof (MetaRef));
  g_array_append_val (target->metas, *meta);
  g_array_sort (target->metas, meta_compare);
  entry_update_undone (engine, target);
}

static void
apply_metas (VrtcEngine *engine,
             VrtcEntry  *entry)
{
  for (guint i = 0; i < entry->msg->n_ops; i++)
    {
      const VrtcOperation *op = &entry->msg->ops[i];
      MetaRef meta = { op_stamp (entry, i), entry, op->type->kind == VRTC_OP_KIND_META_UNDO };
      VrtcEntry *target;

      if (op->type->kind != VRTC_OP_KIND_META_UNDO && op->type->kind != VRTC_OP_KIND_META_REDO)
        continue;
      if (op->target_msg_id == NULL)
        {
          entry->n_rejected++;
          continue;
        }
      target = entry_by_id (engine, op->target_msg_id);
      if (target != NULL && !target->pending)
        attach_meta (engine, target, &meta);
      else
        {
          GArray *orphans = g_hash_table_lookup (engine->orphan_metas, op->target_msg_id);

          if (orphans == NULL)
            {
              orphans = g_array_new (FALSE, FALSE, sizeof (MetaRef));
              g_hash_table_insert (engine->orphan_metas, g_strdup (op->target_msg_id), orphans);
            }
          g_array_append_val (orphans, meta);
        }
    }
}

static gboolean
message_has_meta_ops (const VrtcMessage *msg)
{
  for (guint i = 0; i < msg->n_ops; i++)
    if (msg->ops[i].type->kind == VRTC_OP_KIND_META_UNDO ||
        msg->ops[i].type->kind == VRTC_OP_KIND_META_REDO)
      return TRUE;
  return FALSE;
}

static void
entry_apply (VrtcEngine *engine,
             VrtcEntry  *entry)
{
  GArray *orphans;

  entry->has_meta_ops = message_has_meta_ops (entry->msg);

  /* metas that arrived before their target decide its state before it applies */
  if (!entry->pending &&
      (orphans = g_hash_table_lookup (engine->orphan_metas, entry->msg->id)) != NULL)
    {
      if (entry->has_meta_ops)
        for (guint i = 0; i < orphans->len; i++)
          g_array_index (orphans, MetaRef, i).source->n_rejected++;
      else
        {
          entry->metas = g_array_ref (orphans);
          g_array_sort (entry->metas, meta_compare);
          if (entry->metas->len > 0)
            {
              const MetaRef *top = &g_array_index (entry->metas, MetaRef, entry->metas->len - 1);

              entry->undone = top->undo;
              entry->deleted_at = top->undo ? top->source->msg->timestamp : 0;
              if (entry->undone)
                redo_heap_note (engine, entry);
            }
        }
      g_hash_table_remove (engine->orphan_metas, entry->msg->id);
    }

  for (guint i = 0; i < entry->msg->n_ops; i++)
    apply_op (engine, entry, i);
  if (!entry->pending)
    apply_metas (engine, entry);
}

static void
entry_unapply (VrtcEngine *engine,
               VrtcEntry  *entry)
{
  for (guint i = 0; i < entry->msg->n_ops; i++)
    unapply_op (engine, entry, i);
}

static VrtcEntry *
entry_new (VrtcEngine  *engine,
           VrtcMessage *msg)
{
  VrtcEntry *entry = g_new0 (VrtcEntry, 1);

  entry->msg = msg;
  entry->session = strcmp (msg->session_id, engine->session_id) == 0
    ? engine->session : intern (engine, msg->session_id);
  entry->own = entry->session == engine->session;
  return entry;
}

static void
emit_journal (VrtcEngine *engine,
              guint       position,
              guint       removed,
              guint       added)
{
  if (engine->listener.journal_changed)
    engine->listener.journal_changed (engine->listener_data, position, removed, added);
}

static void
journal_append (VrtcEngine *engine,
                VrtcEntry  *entry)
{
  entry->position = engine->entries->len;
  g_ptr_array_add (engine->entries, entry);
  if (entry->in_block)
    committed_append (&engine->committed, entry);   /* a commit: the seq is the next one */
  else
    by_id_insert (&engine->by_id, entry);
  if (entry->own)
    g_ptr_array_add (engine->own, entry);
  emit_journal (engine, entry->position - engine->offset, 0, 1);
}

/* ---- pending edits ---- */

static void
pending_unapply (VrtcEngine *engine)
{
  if (engine->pending == NULL)
    return;
  entry_unapply (engine, engine->pending);
  engine->pending->n_rejected = 0;
  engine->pending->n_unsupported = 0;
}

static void
pending_reapply (VrtcEngine *engine)
{
  if (engine->pending == NULL)
    return;
  engine->pending->msg->lamport = engine->lamport + 1;
  entry_apply (engine, engine->pending);
}

/*
 * An own message is made in one allocation (vrtc_msg_alloc_block): the message, its first
 * op, the engine's entry for it, then room for the clock, the id, and the strings and the
 * vector of the first op. A commit of one op costs one malloc instead of about ten, and
 * what a commit touches lies together. The entry stays valid as long as the engine holds
 * the message (entry_free drops the message last). The clock's room is set aside at the
 * first edit; if sessions appear before the commit, the clock goes to the heap instead.
 * Ops after the first go to a heap array, as any message's: vrtc_msg_unref frees whatever
 * lies outside the block.
 */
typedef struct {
  VrtcMessage     msg;
  VrtcOperation   op;             /* ops[0] while the message has one op */
  VrtcEntry       entry;
  VrtcClockEntry *clock_room;     /* clock_cap entries */
  guint           clock_cap;
  char           *clock_names;    /* clock_names_room bytes for their session names */
  gsize           clock_names_room;
  char           *id_room;        /* "<session>:", then room for the digits of the seq */
} MessageBlock;

#define SEQ_DIGITS 20   /* G_MAXUINT64 */

/* A clock bigger than this (thousands of sessions) is copied to the heap at the commit. */
#define CLOCK_ROOM_MAX (64 * 1024)

static inline gsize
str_room (const char *s)
{
  return s != NULL ? strlen (s) + 1 : 0;
}

static inline char *
room_strdup (char      **room,
             const char *s)
{
  char *copy = *room;
  gsize n;

  if (s == NULL)
    return NULL;
  n = strlen (s) + 1;
  memcpy (copy, s, n);
  *room += n;
  return copy;
}

/* The otype of a copy: the op table's own string when it names that row (nothing to copy). */
static inline const char *
shared_otype (const VrtcOperation *op,
              const VrtcOpType    *type)
{
  if (op->otype != NULL && type->otype != NULL &&
      (op->otype == type->otype || strcmp (op->otype, type->otype) == 0))
    return type->otype;
  return NULL;
}

/* Bytes the first op's copy needs in the block: its strings, and a string or vector value. */
/* The bytes a value's heap parts take packed into a message block, in two parts: arrays of
 * members, items and doubles (aligned) and the keys' and strings' bytes. */
static void
value_room (const VrtcValue *v,
            gsize           *aligned,
            gsize           *strings)
{
  switch ((VrtcValueKind) v->kind)
    {
    case VRTC_VALUE_VEC:
      *aligned += sizeof (double) * v->len;
      break;
    case VRTC_VALUE_STRING:
      *strings += v->len + 1;
      break;
    case VRTC_VALUE_ARRAY:
      *aligned += sizeof (VrtcValue) * MAX (v->len, 1);
      for (guint i = 0; i < v->len; i++)
        value_room (&v->u.items[i], aligned, strings);
      break;
    case VRTC_VALUE_OBJECT:
      *aligned += sizeof (VrtcMember) * MAX (v->len, 1);
      for (guint i = 0; i < v->len; i++)
        {
          *strings += strlen (v->u.members[i].key) + 1;
          value_room (&v->u.members[i].value, aligned, strings);
        }
      break;
    case VRTC_VALUE_NONE:
    case VRTC_VALUE_NULL:
    case VRTC_VALUE_BOOL:
    case VRTC_VALUE_NUMBER:
    default:
      break;
    }
}

/* Copies src into dst with all its heap parts at *aligned and *strings (value_room's two
 * parts): a node.insert's initial values cost no allocation of their own, which is most of
 * a journal of inserts. vrtc_msg_unref leaves a value whose parts are in the block alone. */
static void
value_pack (VrtcValue       *dst,
            const VrtcValue *src,
            char           **aligned,
            char           **strings)
{
  *dst = *src;
  switch ((VrtcValueKind) src->kind)
    {
    case VRTC_VALUE_VEC:
      dst->u.vec = (double *) *aligned;
      memcpy (dst->u.vec, src->u.vec, sizeof (double) * src->len);
      *aligned += sizeof (double) * src->len;
      break;
    case VRTC_VALUE_STRING:
      dst->u.str = *strings;
      memcpy (dst->u.str, src->u.str, src->len);
      dst->u.str[src->len] = '\0';
      *strings += src->len + 1;
      break;
    case VRTC_VALUE_ARRAY:
      dst->u.items = (VrtcValue *) *aligned;
      *aligned += sizeof (VrtcValue) * MAX (src->len, 1);
      for (guint i = 0; i < src->len; i++)
        value_pack (&dst->u.items[i], &src->u.items[i], aligned, strings);
      break;
    case VRTC_VALUE_OBJECT:
      dst->u.members = (VrtcMember *) *aligned;
      *aligned += sizeof (VrtcMember) * MAX (src->len, 1);
      for (guint i = 0; i < src->len; i++)
        {
          dst->u.members[i].key = room_strdup (strings, src->u.members[i].key);
          value_pack (&dst->u.members[i].value, &src->u.members[i].value, aligned, strings);
        }
      break;
    case VRTC_VALUE_NONE:
    case VRTC_VALUE_NULL:
    case VRTC_VALUE_BOOL:
    case VRTC_VALUE_NUMBER:
    default:
      break;
    }
}

/* The room op_copy_to_room takes: its value's aligned part, then strings. */
static gsize
op_room (const VrtcOperation *op,
         const char          *otype,
         gsize               *value_aligned)
{
  gsize n = str_room (op->key) + str_room (op->path) + str_room (op->tag) + str_room (op->name) +
            str_room (op->parent_key) + str_room (op->target_msg_id);

  if (otype == NULL)
    n += str_room (op->otype);
  *value_aligned = 0;
  value_room (&op->value, value_aligned, &n);
  return *value_aligned + n;
}

/* Copies op into dst, its strings and value into the block at *room (op_room bytes, of which
 * the first value_aligned are the value's arrays: *room must be aligned for doubles and
 * pointers). otype: shared_otype's answer. */
static void
op_copy_to_room (VrtcOperation       *dst,
                 const VrtcOperation *op,
                 const VrtcOpType    *type,
                 const char          *otype,
                 gsize                value_aligned,
                 char               **room)
{
  char *start = *room, *aligned = start;

  memset (dst, 0, sizeof *dst);
  *room += value_aligned;
  value_pack (&dst->value, &op->value, &aligned, room);
  g_assert (aligned == start + value_aligned);
  dst->key = room_strdup (room, op->key);
  dst->otype = otype != NULL ? (char *) otype : room_strdup (room, op->otype);
  dst->path = room_strdup (room, op->path);
  dst->tag = room_strdup (room, op->tag);
  dst->name = room_strdup (room, op->name);
  dst->parent_key = room_strdup (room, op->parent_key);
  dst->target_msg_id = room_strdup (room, op->target_msg_id);
  if (op->extras.kind != VRTC_VALUE_NONE)
    vrtc_value_copy (&dst->extras, &op->extras);
  dst->type = type;
}

/* The first edit: the pending message and its entry, with op copied into the block
 * (copy_of) or moved in (take). */
static void
pending_begin (VrtcEngine          *engine,
               const VrtcOperation *copy_of,
               VrtcOperation       *take)
{
  const VrtcOpType *type = NULL;
  const char *otype = NULL;
  gsize session_len = strlen (engine->session_id);
  /* the commit adds this session to the clock if it is not there yet */
  guint clock_cap = g_hash_table_size (engine->clock_counts) + (engine->own_count == NULL);
  gsize clock_names = engine->clock_names + (engine->own_count == NULL ? session_len + 1 : 0);
  gsize size, value_aligned = 0;
  MessageBlock *block;
  VrtcMessage *msg;
  char *room;

  if (clock_cap * sizeof (VrtcClockEntry) + clock_names > CLOCK_ROOM_MAX)
    clock_cap = clock_names = 0;
  size = sizeof (MessageBlock) + clock_cap * sizeof (VrtcClockEntry) +
         (session_len + 1) + (session_len + 1 + SEQ_DIGITS + 1) + clock_names;
  if (copy_of != NULL)
    {
      type = copy_of->type != NULL ? copy_of->type : vrtc_optable_lookup (copy_of->otype);
      otype = shared_otype (copy_of, type);
      size += op_room (copy_of, otype, &value_aligned);
    }

  msg = vrtc_msg_alloc_block (size);
  block = (MessageBlock *) msg;
  room = (char *) (block + 1);
  G_STATIC_ASSERT (sizeof (MessageBlock) % sizeof (double) == 0);

  block->clock_room = (VrtcClockEntry *) room;
  block->clock_cap = clock_cap;
  room += clock_cap * sizeof (VrtcClockEntry);
  if (copy_of != NULL)
    op_copy_to_room (&block->op, copy_of, type, otype, value_aligned, &room);
  else
    {
      block->op = *take;
      memset (take, 0, sizeof *take);
    }
  msg->ops = &block->op;
  msg->n_ops = 1;

  msg->session_id = room;
  memcpy (room, engine->session_id, session_len + 1);
  room += session_len + 1;
  block->id_room = room;
  memcpy (room, engine->session_id, session_len);
  room[session_len] = ':';
  room += session_len + 1 + SEQ_DIGITS + 1;
  block->clock_names = room;
  block->clock_names_room = clock_names;
  room += clock_names;
  g_assert (room == (char *) msg + size);

  msg->lamport = engine->lamport + 1;
  memset (&block->entry, 0, sizeof block->entry);
  block->entry.msg = msg;
  block->entry.session = engine->session;
  block->entry.own = TRUE;
  engine->pending = &block->entry;
  engine->pending->in_block = TRUE;
  engine->pending->pending = TRUE;
  engine->pending->position = G_MAXUINT;
}

/* Appends a slot for one more pending op (not the first) and returns it (zeroed). */
static VrtcOperation *
pending_slot (VrtcEngine *engine)
{
  VrtcMessage *msg = engine->pending->msg;

  msg->n_ops++;
  /* grow geometrically: batches of many edits stay linear */
  if (vrtc_msg_block_holds (msg, msg->ops))
    {
      VrtcOperation *ops = g_new (VrtcOperation, 4);

      ops[0] = msg->ops[0];
      msg->ops = ops;
    }
  else if ((msg->n_ops & (msg->n_ops - 1)) == 0)
    msg->ops = g_renew (VrtcOperation, msg->ops, msg->n_ops * 2);
  memset (&msg->ops[msg->n_ops - 1], 0, sizeof (VrtcOperation));
  return &msg->ops[msg->n_ops - 1];
}

static void
pending_added (VrtcEngine *engine)
{
  VrtcMessage *msg = engine->pending->msg;
  VrtcOperation *op = &msg->ops[msg->n_ops - 1];

  if (op->type == NULL)
    vrtc_op_resolve (op);
  if (op->type->kind == VRTC_OP_KIND_META_UNDO || op->type->kind == VRTC_OP_KIND_META_REDO)
    engine->pending->has_meta_ops = TRUE;
  apply_op (engine, engine->pending, msg->n_ops - 1);
}

void
vrtc_engine_edit (VrtcEngine          *engine,
                  const VrtcOperation *op)
{
  g_return_if_fail (engine != NULL);
  g_return_if_fail (engine->view_of == NULL);
  g_return_if_fail (op != NULL);

  if (engine->pending == NULL)
    pending_begin (engine, op, NULL);
  else
    vrtc_op_copy (pending_slot (engine), op);
  pending_added (engine);
}

void
vrtc_engine_edit_take (VrtcEngine    *engine,
                       VrtcOperation *op)
{
  VrtcOperation *slot;

  g_return_if_fail (engine != NULL);
  g_return_if_fail (engine->view_of == NULL);
  g_return_if_fail (op != NULL);

  if (engine->pending == NULL)
    pending_begin (engine, NULL, op);
  else
    {
      slot = pending_slot (engine);
      *slot = *op;
      memset (op, 0, sizeof *op);
    }
  pending_added (engine);
}

guint
vrtc_engine_get_pending_count (VrtcEngine *engine)
{
  return engine->pending ? engine->pending->msg->n_ops : 0;
}

const VrtcOperation *
vrtc_engine_get_pending (VrtcEngine *engine,
                         guint       i)
{
  g_return_val_if_fail (i < vrtc_engine_get_pending_count (engine), NULL);
  return &engine->pending->msg->ops[i];
}

void
vrtc_engine_cancel_edits (VrtcEngine *engine)
{
  VrtcEntry *pending = engine->pending;

  g_return_if_fail (engine->view_of == NULL);

  if (pending == NULL)
    return;
  entry_unapply (engine, pending);
  engine->pending = NULL;
  entry_free (pending);
}

VrtcMessage *
vrtc_engine_commit (VrtcEngine *engine,
                    double      timestamp)
{
  VrtcEntry *entry = engine->pending;
  VrtcMessage *msg;
  MessageBlock *block;
  const VrtcClock *clock;

  g_return_val_if_fail (engine->view_of == NULL, NULL);

  if (entry == NULL)
    return NULL;

  /* the preview was stamped lamport + 1, which is what the commit uses */
  engine->pending = NULL;
  msg = entry->msg;
  block = (MessageBlock *) msg;
  g_assert (entry->in_block);
  msg->seq = engine->next_seq++;
  {
    /* "<session>:<seq>" without printf, in the room left after "<session>:" */
    gsize n = strlen (engine->session_id) + 1;
    char digits[SEQ_DIGITS];
    int d = sizeof digits;

    for (guint64 v = msg->seq; v > 0 || d == (int) sizeof digits; v /= 10)
      digits[--d] = '0' + v % 10;
    memcpy (block->id_room + n, digits + d, sizeof digits - d);
    block->id_room[n + (sizeof digits - d)] = '\0';
    msg->id = block->id_room;
  }
  msg->lamport = ++engine->lamport;
  msg->timestamp = timestamp;
  clock_bump_own (engine);
  clock = engine_clock (engine);
  if (clock->len <= block->clock_cap && engine->clock_names <= block->clock_names_room)
    {
      char *names = block->clock_names;

      for (guint i = 0; i < clock->len; i++)
        {
          block->clock_room[i].session = room_strdup (&names, clock->entries[i].session);
          block->clock_room[i].count = clock->entries[i].count;
        }
      msg->clock.entries = block->clock_room;
      msg->clock.len = clock->len;
    }
  else
    vrtc_clock_copy (&msg->clock, clock);

  /* refs already hold the right stamp; metas only take effect once committed */
  entry->pending = FALSE;
  journal_append (engine, entry);
  if (entry->has_meta_ops)
    apply_metas (engine, entry);
  return vrtc_msg_ref (msg);
}

/* ---- receive ---- */

gboolean
vrtc_engine_receive (VrtcEngine        *engine,
                     VrtcMessage       *msg,
                     VrtcReceiveResult *result,
                     GError           **error)
{
  VrtcEntry *entry;
  guint64 seq = 0;

  g_return_val_if_fail (engine->view_of == NULL, FALSE);

  g_return_val_if_fail (engine != NULL, FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);

  if (!id_matches_session (msg, &seq))
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_ID_MISMATCH,
                   "id: \"%s\" does not have the form \"%s:<seq>\"",
                   msg->id ? msg->id : "", msg->session_id ? msg->session_id : "");
      return FALSE;
    }
  if (msg->lamport < 0)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_VALUE,
                   "lamportTime: must not be negative");
      return FALSE;
    }

  if (entry_by_id (engine, msg->id) != NULL)
    {
      if (result)
        *result = VRTC_RECEIVE_DUPLICATE;
      return TRUE;
    }
  if (result)
    *result = VRTC_RECEIVE_APPLIED;

  for (guint i = 0; i < msg->n_ops; i++)
    if (msg->ops[i].type == NULL)
      vrtc_op_resolve (&msg->ops[i]);
  msg->seq = seq;

  pending_unapply (engine);

  entry = entry_new (engine, vrtc_msg_ref (msg));
  entry->ack = TRUE;
  engine->lamport = MAX (engine->lamport, msg->lamport);
  clock_merge (engine, &msg->clock);
  if (entry->own)
    {
      engine->next_seq = MAX (engine->next_seq, seq + 1);
      clock_raise (engine, engine->session_id, seq);
    }

  journal_append (engine, entry);
  entry_apply (engine, entry);

  pending_reapply (engine);
  return TRUE;
}

gboolean
vrtc_engine_ack (VrtcEngine *engine,
                 const char *msg_id)
{
  VrtcEntry *entry = entry_by_id (engine, msg_id);

  g_return_val_if_fail (engine->view_of == NULL, FALSE);

  if (entry == NULL)
    return FALSE;
  if (!entry->ack)
    {
      entry->ack = TRUE;
      emit_entry (engine, entry);
    }
  return TRUE;
}

/* ---- undo / redo ---- */

static VrtcEntry *
undo_target (VrtcEngine *engine)
{
  guint i = engine->own->len;

  /* own[i..len) have all been seen undone or meta: the next call starts below them */
  while (i > 0)
    {
      VrtcEntry *entry;

      if (i == engine->undo_skip_hi && engine->undo_skip_lo < i)
        {
          i = engine->undo_skip_lo;
          continue;
        }
      entry = g_ptr_array_index (engine->own, i - 1);
      if (!entry->has_meta_ops && !entry->undone)
        break;
      i--;
    }
  engine->undo_skip_lo = i;
  engine->undo_skip_hi = engine->own->len;
  return i > 0 ? g_ptr_array_index (engine->own, i - 1) : NULL;
}

static VrtcEntry *
redo_target (VrtcEngine *engine)
{
  GArray *heap = engine->redo_heap;

  /* the one undone most recently */
  while (heap->len > 0)
    {
      const RedoItem *item = &g_array_index (heap, RedoItem, 0);
      const MetaRef *top = entry_top_meta (item->entry);

      if (item->entry->undone && top != NULL &&
          vrtc_stamp_compare (&top->stamp, &item->stamp) == 0)
        return item->entry;
      redo_heap_pop (heap);
    }
  return NULL;
}

gboolean
vrtc_engine_can_undo (VrtcEngine *engine)
{
  return engine->view_of == NULL && undo_target (engine) != NULL;
}

gboolean
vrtc_engine_can_redo (VrtcEngine *engine)
{
  return engine->view_of == NULL && redo_target (engine) != NULL;
}

static VrtcMessage *
commit_meta (VrtcEngine *engine,
             VrtcEntry  *target,
             gboolean    redo,
             double      timestamp)
{
  VrtcOperation op = { 0 };
  VrtcEntry *pending = engine->pending;
  VrtcMessage *msg;

  /* pending edits stay pending: set them aside, commit the meta alone, preview them again */
  pending_unapply (engine);
  engine->pending = NULL;

  op.key = g_strdup (target->msg->ops[0].key ? target->msg->ops[0].key : ROOT_KEY);
  op.otype = g_strdup (redo ? "meta.redo" : "meta.undo");
  op.path = g_strdup ("");
  op.target_msg_id = g_strdup (target->msg->id);
  vrtc_op_resolve (&op);
  vrtc_engine_edit (engine, &op);
  vrtc_op_clear (&op);
  msg = vrtc_engine_commit (engine, timestamp);

  engine->pending = pending;
  pending_reapply (engine);
  return msg;
}

VrtcMessage *
vrtc_engine_undo (VrtcEngine *engine,
                  double      timestamp)
{
  VrtcEntry *target = undo_target (engine);

  g_return_val_if_fail (engine->view_of == NULL, NULL);

  return target ? commit_meta (engine, target, FALSE, timestamp) : NULL;
}

VrtcMessage *
vrtc_engine_redo (VrtcEngine *engine,
                  double      timestamp)
{
  VrtcEntry *target = redo_target (engine);

  g_return_val_if_fail (engine->view_of == NULL, NULL);

  return target ? commit_meta (engine, target, TRUE, timestamp) : NULL;
}

VrtcMessage *
vrtc_engine_undo_message (VrtcEngine *engine,
                          const char *msg_id,
                          gboolean    redo,
                          double      timestamp,
                          GError    **error)
{
  VrtcEntry *target = entry_by_id (engine, msg_id);

  g_return_val_if_fail (engine->view_of == NULL, NULL);

  if (target == NULL)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_NOT_FOUND, "no message with id \"%s\"", msg_id);
      return NULL;
    }
  if (target->has_meta_ops)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_VALUE,
                   "message \"%s\" is itself an undo or redo", msg_id);
      return NULL;
    }
  if ((gboolean) target->undone == !redo)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_VALUE,
                   redo ? "message \"%s\" is not undone" : "message \"%s\" is already undone",
                   msg_id);
      return NULL;
    }
  return commit_meta (engine, target, redo, timestamp);
}

GPtrArray *
vrtc_engine_get_unacked (VrtcEngine *engine)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);

  for (guint i = 0; engine->own != NULL && i < engine->own->len; i++)
    {
      VrtcEntry *entry = g_ptr_array_index (engine->own, i);

      if (!entry->ack && !entry->undone)
        g_ptr_array_add (out, vrtc_msg_ref (entry->msg));
    }
  return out;
}

/* ---- journal access ---- */

guint
vrtc_engine_journal_length (VrtcEngine *engine)
{
  if (engine->view_of != NULL)
    return view_valid (engine) ? engine->view_at + 1 - engine->view_of->offset : 0;
  return engine->entries->len - engine->offset;
}

guint
vrtc_engine_journal_offset (VrtcEngine *engine)
{
  return engine->view_of ? engine->view_of->offset : engine->offset;
}

VrtcEntry *
vrtc_engine_journal_get (VrtcEngine *engine,
                         guint       position)
{
  g_return_val_if_fail (position < vrtc_engine_journal_length (engine), NULL);
  if (engine->view_of != NULL)
    engine = engine->view_of;
  return g_ptr_array_index (engine->entries, engine->offset + position);
}

gboolean
vrtc_engine_journal_undone_at (VrtcEngine *engine,
                               guint       position,
                               guint       at)
{
  VrtcEntry *entry = vrtc_engine_journal_get (engine, position);
  VrtcEngine *data = engine->view_of != NULL ? engine->view_of : engine;
  guint saved_at = eval_at;
  gboolean undone;

  eval_at = data->offset + MIN (at, vrtc_engine_journal_length (data) - 1);
  undone = entry_undone_at (entry);
  eval_at = saved_at;
  return undone;
}

VrtcEntry *
vrtc_engine_lookup_entry (VrtcEngine *engine,
                          const char *msg_id)
{
  VrtcEntry *entry;

  if (engine->view_of == NULL)
    return entry_by_id (engine, msg_id);
  if (!view_valid (engine))
    return NULL;
  entry = entry_by_id (engine->view_of, msg_id);
  return entry != NULL && entry->position <= engine->view_at ? entry : NULL;
}

VrtcMessage *vrtc_entry_get_message (const VrtcEntry *entry) { return entry->msg; }
gboolean vrtc_entry_is_acked (const VrtcEntry *entry) { return entry->ack; }
gboolean vrtc_entry_is_undone (const VrtcEntry *entry) { return entry->undone; }
gboolean vrtc_entry_is_own (const VrtcEntry *entry) { return entry->own; }
double vrtc_entry_get_deleted_at (const VrtcEntry *entry) { return entry->deleted_at; }
guint vrtc_entry_get_n_rejected (const VrtcEntry *entry) { return entry->n_rejected; }
guint vrtc_entry_get_n_unsupported (const VrtcEntry *entry) { return entry->n_unsupported; }

/* ---- history views ---- */

#define VIEW_BEGIN(view) guint saved_at_ = eval_at; eval_at = (view)->view_at
#define VIEW_END() eval_at = saved_at_

static gboolean
view_valid (VrtcEngine *view)
{
  return view->view_of->generation == view->view_generation;
}

static const NodeState *
view_state (VrtcEngine *view,
            Node       *node)
{
  NodeState *st = g_hash_table_lookup (view->view_states, node);

  if (st == NULL)
    {
      st = g_new0 (NodeState, 1);
      if (node == view->view_of->root)
        {
          st->exists = st->live = TRUE;
          st->tag = "Scene";
          st->name = "Root";
        }
      else
        node_compute (view->view_of, node, st);
      g_hash_table_insert (view->view_states, node, st);
    }
  return st;
}

static Node *
view_parent (VrtcEngine *view,
             Node       *node)
{
  VrtcEngine *engine = view->view_of;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GHashTable) seen = NULL;
  gpointer parent;

  if (node == engine->root)
    return NULL;
  if (g_hash_table_lookup_extended (view->view_parents, node, NULL, &parent))
    return parent;
  if (view->view_cycles)
    return NULL;

  /* Walking the LWW parents up: if the walk ends without a loop, every node on it has its
   * LWW parent (decide_parents would keep it); a loop needs the full decision. */
  chain = g_ptr_array_new ();
  seen = g_hash_table_new (NULL, NULL);
  for (Node *n = node; n != NULL && n != engine->root; )
    {
      const NodeState *st = view_state (view, n);

      if (g_hash_table_contains (view->view_parents, n))
        break;
      if (!g_hash_table_add (seen, n))
        {
          guint n_demoted;
          GHashTable *decided = decide_parents (engine, &n_demoted);

          g_hash_table_unref (view->view_parents);
          view->view_parents = decided;
          view->view_cycles = TRUE;
          return g_hash_table_lookup (view->view_parents, node);
        }
      if (!st->exists)
        {
          g_hash_table_insert (view->view_parents, n, NULL);
          break;
        }
      g_ptr_array_add (chain, n);
      n = st->candidate;
    }
  for (guint i = 0; i < chain->len; i++)
    {
      Node *n = g_ptr_array_index (chain, i);

      g_hash_table_insert (view->view_parents, n, view_state (view, n)->candidate);
    }
  return g_hash_table_lookup (view->view_parents, node);
}

static int
view_child_compare (gconstpointer a,
                    gconstpointer b,
                    gpointer      data)
{
  VrtcEngine *view = data;
  Node *na = *(Node **) a, *nb = *(Node **) b;
  int r = vrtc_stamp_compare (&view_state (view, na)->first, &view_state (view, nb)->first);

  return r != 0 ? r : strcmp (na->key, nb->key);
}

static GPtrArray *
view_children (VrtcEngine *view,
               Node       *parent)
{
  GPtrArray *out = g_hash_table_lookup (view->view_children, parent);

  if (out != NULL)
    return out;
  out = g_ptr_array_new ();
  for (guint i = 0; parent->ever_children != NULL && i < parent->ever_children->len; i++)
    {
      Node *child = g_ptr_array_index (parent->ever_children, i);

      if (view_state (view, child)->live && view_parent (view, child) == parent)
        g_ptr_array_add (out, child);
    }
  g_ptr_array_sort_with_data (out, view_child_compare, view);
  g_hash_table_insert (view->view_children, parent, out);
  return out;
}

/* Folds the register at the view's position (also settling the scratch rejected bits). */
static const VrtcValue *
view_refold (VrtcEngine *view,
             Register   *reg)
{
  VrtcValue *value = g_hash_table_lookup (view->view_values, reg);

  if (value == NULL)
    {
      value = g_new0 (VrtcValue, 1);
      g_hash_table_insert (view->view_values, reg, value);
    }
  register_fold (reg, value);
  return value;
}

static const VrtcValue *
view_value (VrtcEngine *view,
            Register   *reg)
{
  VrtcValue *value = g_hash_table_lookup (view->view_values, reg);

  return value != NULL ? value : view_refold (view, reg);
}

static void
view_facts (VrtcEngine *view,
            Node       *node,
            NodeFacts  *facts)
{
  const NodeState *st = view_state (view, node);

  facts->live = st->live;
  facts->tag = st->tag;
  facts->name = st->name;
  facts->parent = view_parent (view, node);
  facts->children = view_children (view, node);
  facts->view = view;
}

static void
live_facts (Node      *node,
            NodeFacts *facts)
{
  facts->live = node->live;
  facts->tag = node->tag;
  facts->name = node->name;
  facts->parent = node->parent;
  facts->children = node->children;
  facts->view = NULL;
}

static void
value_free (gpointer data)
{
  vrtc_value_clear (data);
  g_free (data);
}

VrtcEngine *
vrtc_engine_new_view (VrtcEngine *engine,
                      guint       position)
{
  VrtcEngine *view;

  if (engine->view_of != NULL)
    {
      position = MIN (position + engine->view_of->offset, engine->view_at) - engine->view_of->offset;
      engine = engine->view_of;
    }
  g_return_val_if_fail (position < vrtc_engine_journal_length (engine), NULL);

  view = g_new0 (VrtcEngine, 1);
  view->session_id = g_strdup (engine->session_id);
  view->view_of = engine;
  view->view_at = engine->offset + position;
  view->view_generation = engine->generation;
  view->view_lamport = -1;
  view->view_states = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  view->view_parents = g_hash_table_new (NULL, NULL);
  view->view_children = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  view->view_values = g_hash_table_new_full (NULL, NULL, NULL, value_free);
  return view;
}

gboolean
vrtc_engine_is_view (VrtcEngine *engine)
{
  return engine->view_of != NULL;
}

static void
view_free (VrtcEngine *view)
{
  g_hash_table_unref (view->view_states);
  g_hash_table_unref (view->view_parents);
  g_hash_table_unref (view->view_children);
  g_hash_table_unref (view->view_values);
  vrtc_clock_clear (&view->clock);
  g_free (view->session_id);
  g_free (view);
}

static gboolean
view_visible (VrtcEngine *view,
              Node       *node)
{
  guint depth = 0;

  for (Node *n = node; n != NULL; n = view_parent (view, n))
    {
      if (n == view->view_of->root)
        return TRUE;
      if (!view_state (view, n)->live || depth++ > g_hash_table_size (view->view_of->nodes))
        return FALSE;
    }
  return FALSE;
}

static Node *
view_node (VrtcEngine *view,
           const char *key)
{
  if (!view_valid (view))
    return NULL;
  return node_get (view->view_of, key, FALSE);
}

static gboolean
view_get_node (VrtcEngine   *view,
               const char   *key,
               VrtcNodeInfo *info)
{
  Node *node = view_node (view, key);
  const NodeState *st;
  Node *parent;
  gboolean ok = FALSE;
  VIEW_BEGIN (view);

  memset (info, 0, sizeof *info);
  if (node != NULL && (st = view_state (view, node))->exists)
    {
      parent = view_parent (view, node);
      info->key = node->key;
      info->tag = st->tag ? st->tag : "";
      info->name = st->name ? st->name : "";
      info->parent = parent ? parent->key : NULL;
      info->exists = TRUE;
      info->live = st->live;
      info->visible = view_visible (view, node);
      ok = TRUE;
    }
  VIEW_END ();
  return ok;
}

static GPtrArray *
view_children_of (VrtcEngine *view,
                  const char *key)
{
  Node *node = view_node (view, key);
  GPtrArray *children = NULL;
  VIEW_BEGIN (view);

  if (node != NULL)
    children = view_children (view, node);
  VIEW_END ();
  return children;
}

/* ---- node and property access ---- */

static gboolean
node_visible (VrtcEngine *engine,
              Node       *node)
{
  guint depth = 0;

  for (Node *n = node; n != NULL; n = n->parent)
    {
      if (n == engine->root)
        return TRUE;
      if (!n->live || depth++ > g_hash_table_size (engine->nodes))
        return FALSE;
    }
  return FALSE;
}

gboolean
vrtc_engine_get_node (VrtcEngine   *engine,
                      const char   *key,
                      VrtcNodeInfo *info)
{
  Node *node;

  if (engine->view_of != NULL)
    return view_get_node (engine, key, info);
  node = node_get (engine, key, FALSE);
  memset (info, 0, sizeof *info);
  if (node == NULL || !node->exists)
    return FALSE;
  info->key = node->key;
  info->tag = node->tag ? node->tag : "";
  info->name = node->name ? node->name : "";
  info->parent = node->parent ? node->parent->key : NULL;
  info->exists = node->exists;
  info->live = node->live;
  info->visible = node_visible (engine, node);
  return TRUE;
}

guint
vrtc_engine_get_n_children (VrtcEngine *engine,
                            const char *key)
{
  Node *node;

  if (engine->view_of != NULL)
    {
      GPtrArray *children = view_children_of (engine, key);

      return children ? children->len : 0;
    }
  node = node_get (engine, key, FALSE);
  return node && node->children ? node->children->len : 0;
}

gboolean
vrtc_engine_has_children (VrtcEngine *engine,
                          const char *key)
{
  Node *node;
  gboolean found = FALSE;

  if (engine->view_of == NULL)
    {
      node = node_get (engine, key, FALSE);
      return node != NULL && node->children != NULL && node->children->len > 0;
    }
  if ((node = view_node (engine, key)) == NULL)
    return FALSE;
  {
    GPtrArray *known = g_hash_table_lookup (engine->view_children, node);
    VIEW_BEGIN (engine);

    if (known != NULL)
      found = known->len > 0;
    else
      /* the first live child ends it: the rows of a tree only ask whether to draw an arrow */
      for (guint i = 0; !found && node->ever_children != NULL && i < node->ever_children->len; i++)
        {
          Node *child = g_ptr_array_index (node->ever_children, i);

          found = view_state (engine, child)->live && view_parent (engine, child) == node;
        }
    VIEW_END ();
  }
  return found;
}

const char *
vrtc_engine_get_child (VrtcEngine *engine,
                       const char *key,
                       guint       position)
{
  Node *node;
  GPtrArray *children;

  if (engine->view_of != NULL)
    children = view_children_of (engine, key);
  else
    children = (node = node_get (engine, key, FALSE)) ? node->children : NULL;
  if (children == NULL || position >= children->len)
    return NULL;
  return ((Node *) g_ptr_array_index (children, position))->key;
}

GPtrArray *
vrtc_engine_list_nodes (VrtcEngine *engine)
{
  GPtrArray *out = g_ptr_array_new ();
  VrtcEngine *data = engine->view_of ? engine->view_of : engine;
  GHashTableIter iter;
  Node *node;

  if (engine->view_of != NULL && !view_valid (engine))
    return out;
  g_hash_table_iter_init (&iter, data->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      gboolean exists;

      if (engine->view_of != NULL)
        {
          VIEW_BEGIN (engine);
          exists = view_state (engine, node)->exists;
          VIEW_END ();
        }
      else
        exists = node->exists;
      if (exists)
        g_ptr_array_add (out, node->key);
    }
  return out;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* Whether a virtual node's insert is active: live, or at the position a view shows. */
static gboolean
virtual_active (VrtcEngine *engine,
                const Node *node)
{
  guint saved_at = eval_at;
  gboolean active;

  if (engine->view_of != NULL)
    eval_at = engine->view_at;
  active = ref_active (virtual_ref (node));
  eval_at = saved_at;
  return active;
}

GPtrArray *
vrtc_engine_list_properties (VrtcEngine *engine,
                             const char *key)
{
  GPtrArray *out = g_ptr_array_new ();
  Node *node = engine->view_of ? view_node (engine, key) : node_get (engine, key, FALSE);
  Register *reg;

  if (node == NULL)
    return out;
  if (node->virtual_props)
    {
      /* the members are sorted by key already */
      const VrtcValue *props = virtual_props (node);
      gboolean active = virtual_active (engine, node);

      for (guint m = 0; active && m < props->len; m++)
        g_ptr_array_add (out, props->u.members[m].key);
      return out;
    }
  NODE_FOREACH_REG (node, ri, reg)
    {
      const VrtcValue *value = &reg->value;

      if (engine->view_of != NULL)
        {
          VIEW_BEGIN (engine);
          value = view_value (engine, reg);
          VIEW_END ();
        }
      if (value->kind != VRTC_VALUE_NONE)
        g_ptr_array_add (out, (char *) reg->path);
    }
  g_ptr_array_sort (out, compare_strings);
  return out;
}

const VrtcValue *
vrtc_engine_get_property (VrtcEngine *engine,
                          const char *key,
                          const char *path)
{
  Node *node = engine->view_of ? view_node (engine, key) : node_get (engine, key, FALSE);
  Register *reg;
  const VrtcValue *value = NULL;

  if (node != NULL && node->virtual_props)
    return virtual_active (engine, node) ? vrtc_value_object_get (virtual_props (node), path)
                                         : NULL;
  if ((reg = node ? register_get (engine, node, path, FALSE) : NULL) == NULL)
    return NULL;
  if (engine->view_of != NULL)
    {
      VIEW_BEGIN (engine);
      value = view_value (engine, reg);
      VIEW_END ();
    }
  else
    value = &reg->value;
  return value->kind != VRTC_VALUE_NONE ? value : NULL;
}

static GArray *provenance (VrtcEngine *engine, const char *key, const char *path);

GArray *
vrtc_engine_get_provenance (VrtcEngine *engine,
                            const char *key,
                            const char *path)
{
  GArray *out;

  if (engine->view_of == NULL)
    return provenance (engine, key, path);
  if (!view_valid (engine))
    return NULL;
  {
    VIEW_BEGIN (engine);
    out = provenance (engine->view_of, key, path);
    VIEW_END ();
  }
  return out;
}

static GArray *
provenance (VrtcEngine *engine,
            const char *key,
            const char *path)
{
  Node *node = node_get (engine, key, FALSE);
  Register *reg = node ? register_get (engine, node, path, FALSE) : NULL;
  GArray *out;
  const OpRef *winner = NULL;
  VrtcStamp from = VRTC_STAMP_ZERO;

  if (reg == NULL)
    return NULL;
  {
    /* the fast path leaves flags of superseded ops as they were: settle them */
    VrtcValue scratch = VRTC_VALUE_INIT;

    register_fold (reg, &scratch);
    vrtc_value_clear (&scratch);
  }
  out = g_array_new (FALSE, FALSE, sizeof (VrtcProvenanceItem));
  if (reg->ops == NULL)
    return out;

  for (guint i = reg->ops->len; i > 0; i--)
    {
      const OpRef *ref = &reg->ops->items[i - 1];

      if (ref_sets_value (ref) && ref_active (ref))
        {
          winner = ref;
          break;
        }
    }
  if (winner != NULL && reg->base != NULL && vrtc_stamp_compare (&winner->stamp, &reg->base->set) <= 0)
    winner = NULL;
  if (winner != NULL)
    from = winner->stamp;
  else if (reg->base != NULL)
    from = reg->base->set;

  for (guint i = 0; i < reg->ops->len; i++)
    {
      const OpRef *ref = &reg->ops->items[i];
      VrtcProvenanceItem item = { ref->entry, ref->op_index, ref->stamp, 0 };

      if (!ref_active (ref))
        item.role = VRTC_PROVENANCE_UNDONE;
      else if (ref_rejected (ref))
        item.role = VRTC_PROVENANCE_REJECTED;
      else if (ref == winner)
        item.role = VRTC_PROVENANCE_WINNER;
      else if (ref_is_set (ref))
        item.role = VRTC_PROVENANCE_LOST;
      else if (vrtc_stamp_compare (&ref->stamp, &from) <= 0)
        item.role = VRTC_PROVENANCE_SUPERSEDED;
      else
        item.role = VRTC_PROVENANCE_APPLIED;
      g_array_append_val (out, item);
    }
  return out;
}

/* ---- canonical output ---- */

typedef struct {
  const char *key;
  GString    *json;     /* pre-rendered field */
} Field;

static int
field_compare (gconstpointer a,
               gconstpointer b)
{
  return strcmp (((const Field *) a)->key, ((const Field *) b)->key);
}

static void
fields_add (GArray     *fields,
            const char *key,
            GString    *json)
{
  Field f = { key, json };

  g_array_append_val (fields, f);
}

static GString *
json_string_field (const char *s)
{
  GString *out = g_string_new (NULL);

  vrtc_json_write_string (out, s ? s : "");
  return out;
}

static GString *
json_number_field (double n)
{
  GString *out = g_string_new (NULL);

  vrtc_json_write_number (out, n);
  return out;
}

typedef struct {
  VrtcStamp    max;
  const OpRef *max_ref;
} MaxStamp;

/* The newest op that had an effect: active, not rejected, and (for moves) not newer
 * than the parent assignment that won (a newer one was ignored to break a cycle). */
static void
max_stamp_scan (MaxStamp        *m,
                Refs            *refs,
                const VrtcStamp *limit)
{
  for (guint i = refs ? refs->len : 0; i > 0; i--)
    {
      const OpRef *ref = &refs->items[i - 1];

      if (!ref_active (ref) || ref_rejected (ref) ||
          (limit != NULL && vrtc_stamp_compare (&ref->stamp, limit) > 0))
        continue;
      if (m->max_ref == NULL || vrtc_stamp_compare (&ref->stamp, &m->max) > 0)
        {
          m->max = ref->stamp;
          m->max_ref = ref;
        }
      return;
    }
}

static VrtcStamp parent_stamp (Node *node, Node *parent);

static const VrtcValue *view_value (VrtcEngine *view, Register *reg);
static const VrtcValue *view_refold (VrtcEngine *view, Register *reg);

static void
write_node (VrtcEngine      *engine,
            Node            *node,
            const NodeFacts *facts,
            GString         *out)
{
  g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (Field));
  Register *reg;
  MaxStamp m = { VRTC_STAMP_ZERO, NULL };
  const OpRef *top_insert = refs_top (node->inserts);
  const OpRef *first_insert = refs_bottom (node->inserts);
  const OpRef *top_remove = refs_top (node->removes);
  GString *children, *clock;
  double created_at = 0, updated_at = 0;
  gint64 lamport = 0;
  gboolean insert_from_base, remove_from_base, first_from_base;

  max_stamp_scan (&m, node->inserts, NULL);
  max_stamp_scan (&m, node->removes, NULL);
  if (node->moves != NULL)
    {
      VrtcStamp chosen = parent_stamp (node, facts->parent);

      max_stamp_scan (&m, node->moves, &chosen);
    }
  /* a virtual node's registers have its inserts for refs, scanned above */
  NODE_FOREACH_REG (node, ri, reg)
    {
      /* a view folds right before the scan: the scratch rejected bits are shared */
      if (facts->view != NULL)
        view_refold (facts->view, reg);
      max_stamp_scan (&m, reg->ops, NULL);
    }

  if (m.max_ref != NULL)
    {
      lamport = m.max.lamport;
      updated_at = m.max_ref->entry->msg->timestamp;
    }
  if (node->base != NULL && (m.max_ref == NULL || node->base->lamport > lamport))
    {
      lamport = node->base->lamport;
      updated_at = node->base->updated_at;
    }

  /* a snapshot of a key with ops but no insert has zero stamps: they never win */
  insert_from_base = node->base != NULL && !vrtc_stamp_is_zero (base_insert (node->base)) &&
    (top_insert == NULL || vrtc_stamp_compare (base_insert (node->base), &top_insert->stamp) >= 0);
  if (node->base != NULL)
    {
      VrtcStamp first = base_first (node->base), remove = base_remove (node->base);

      first_from_base = !vrtc_stamp_is_zero (&first) &&
        (first_insert == NULL || vrtc_stamp_compare (&first, &first_insert->stamp) <= 0);
      remove_from_base = !vrtc_stamp_is_zero (&remove) &&
        (top_remove == NULL || vrtc_stamp_compare (&remove, &top_remove->stamp) >= 0);
    }
  else
    first_from_base = remove_from_base = FALSE;

  if (first_from_base)
    created_at = node->base->created_at;
  else if (first_insert != NULL)
    created_at = first_insert->entry->msg->timestamp;

  clock = g_string_new (NULL);
  if (node == engine->root)
    g_string_append (clock, "{}");
  else if (insert_from_base)
    node_clock_write_json (&node->base->clock, clock);
  else if (top_insert != NULL)
    vrtc_clock_write_json (&top_insert->entry->msg->clock, clock);
  else
    g_string_append (clock, "{}");

  children = g_string_new ("[");
  for (guint i = 0; facts->children != NULL && i < facts->children->len; i++)
    {
      if (i)
        g_string_append_c (children, ',');
      vrtc_json_write_string (children, ((Node *) g_ptr_array_index (facts->children, i))->key);
    }
  g_string_append_c (children, ']');

  fields_add (fields, "key", json_string_field (node->key));
  fields_add (fields, "tag", json_string_field (node == engine->root ? "Scene" : facts->tag));
  fields_add (fields, "name", json_string_field (node == engine->root ? "Root" : facts->name));
  fields_add (fields, "children", children);
  fields_add (fields, "clock", clock);
  fields_add (fields, "lamportTime", json_number_field ((double) lamport));
  fields_add (fields, "createdAt", json_number_field (created_at));
  fields_add (fields, "updatedAt", json_number_field (updated_at));
  if (!facts->live && node != engine->root)
    fields_add (fields, "deletedAt",
                json_number_field (remove_from_base ? node->base->deleted_at
                                                    : top_remove->entry->msg->timestamp));

  if (node->virtual_props && ref_active (virtual_ref (node)))
    {
      const VrtcValue *props = virtual_props (node);

      for (guint p = 0; p < props->len; p++)
        {
          GString *v = g_string_new (NULL);

          vrtc_value_write_json (&props->u.members[p].value, v);
          fields_add (fields, props->u.members[p].key, v);
        }
    }
  NODE_FOREACH_REG (node, ri, reg)
    {
      const VrtcValue *value = facts->view ? view_value (facts->view, reg) : &reg->value;

      if (value->kind != VRTC_VALUE_NONE)
        {
          GString *v = g_string_new (NULL);

          vrtc_value_write_json (value, v);
          fields_add (fields, reg->path, v);
        }
    }

  g_array_sort (fields, field_compare);
  g_string_append_c (out, '{');
  for (guint i = 0; i < fields->len; i++)
    {
      Field *f = &g_array_index (fields, Field, i);

      if (i)
        g_string_append_c (out, ',');
      vrtc_json_write_string (out, f->key);
      g_string_append_c (out, ':');
      g_string_append_len (out, f->json->str, f->json->len);
      g_string_free (f->json, TRUE);
    }
  g_string_append_c (out, '}');
}

gboolean
vrtc_engine_write_node (VrtcEngine *engine,
                        const char *key,
                        GString    *out)
{
  Node *node;
  NodeFacts facts;

  if (engine->view_of != NULL)
    {
      gboolean ok = FALSE;

      if ((node = view_node (engine, key)) != NULL)
        {
          VIEW_BEGIN (engine);
          if (view_state (engine, node)->exists)
            {
              view_facts (engine, node, &facts);
              write_node (engine->view_of, node, &facts, out);
              ok = TRUE;
            }
          VIEW_END ();
        }
      return ok;
    }
  node = node_get (engine, key, FALSE);
  if (node == NULL || !node->exists)
    return FALSE;
  live_facts (node, &facts);
  write_node (engine, node, &facts, out);
  return TRUE;
}

static GPtrArray *
sorted_existing_nodes (VrtcEngine *engine)
{
  GPtrArray *keys = vrtc_engine_list_nodes (engine);

  g_ptr_array_sort (keys, compare_strings);
  return keys;
}

/* Where a writer's text goes: out, handed to flush when it holds chunk bytes. */
typedef struct {
  GString             *out;
  gsize                chunk;
  VrtcEngineFlushFunc  flush;
  gpointer             data;
  gboolean             failed;
} Sink;

/* Between two pieces (nodes, stamps): FALSE once a flush failed. */
static gboolean
sink_step (Sink *sink)
{
  if (!sink->failed && sink->flush != NULL && sink->out->len >= sink->chunk)
    sink->failed = !sink->flush (sink->out, sink->data);
  return !sink->failed;
}

static gboolean
sink_end (Sink *sink)
{
  if (!sink->failed && sink->flush != NULL && sink->out->len > 0)
    sink->failed = !sink->flush (sink->out, sink->data);
  return !sink->failed;
}

static void
write_graph (VrtcEngine *engine,
             Sink       *sink)
{
  g_autoptr(GPtrArray) keys = sorted_existing_nodes (engine);
  GString *out = sink->out;

  g_string_append (out, "{\"nodes\":{");
  for (guint i = 0; i < keys->len && sink_step (sink); i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      if (i)
        g_string_append_c (out, ',');
      vrtc_json_write_string (out, key);
      g_string_append_c (out, ':');
      vrtc_engine_write_node (engine, key, out);
    }
  g_string_append (out, "},\"rootKey\":\"scene\"}");
}

void
vrtc_engine_write_graph (VrtcEngine *engine,
                         GString    *out)
{
  Sink sink = { out, 0, NULL, NULL, FALSE };

  write_graph (engine, &sink);
}

gboolean
vrtc_engine_write_graph_chunked (VrtcEngine          *engine,
                                 GString             *out,
                                 gsize                chunk,
                                 VrtcEngineFlushFunc  flush,
                                 gpointer             user_data)
{
  Sink sink = { out, chunk, flush, user_data, FALSE };

  write_graph (engine, &sink);
  return sink_end (&sink);
}

/* ---- snapshots ---- */

static void
write_stamp (GString         *out,
             const VrtcStamp *s)
{
  if (vrtc_stamp_is_zero (s))
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_printf (out, "[%" G_GINT64_FORMAT ",", s->lamport);
  vrtc_json_write_string (out, s->session);
  g_string_append_printf (out, ",%u]", s->index);
}

/* The newest stamp of any active ref, or of the base. */
static VrtcStamp
register_max_stamp (Register *reg)
{
  const OpRef *top = refs_top (reg->ops);
  VrtcStamp s = reg->base ? reg->base->max : VRTC_STAMP_ZERO;

  if (top != NULL && vrtc_stamp_compare (&top->stamp, &s) > 0)
    s = top->stamp;
  return s;
}

static VrtcStamp
register_set_stamp (Register *reg)
{
  VrtcStamp s = reg->base ? reg->base->set : VRTC_STAMP_ZERO;

  for (guint i = reg->ops ? reg->ops->len : 0; i > 0; i--)
    {
      const OpRef *ref = &reg->ops->items[i - 1];

      if (ref_sets_value (ref) && ref_active (ref))
        {
          if (vrtc_stamp_compare (&ref->stamp, &s) > 0)
            s = ref->stamp;
          break;
        }
    }
  return s;
}

static VrtcStamp
top_stamp_with_base (Refs            *refs,
                     const VrtcStamp *base)
{
  const OpRef *top = refs_top (refs);

  if (top != NULL && (base == NULL || vrtc_stamp_compare (&top->stamp, base) > 0))
    return top->stamp;
  return base ? *base : VRTC_STAMP_ZERO;
}

static VrtcStamp
parent_stamp (Node *node,
              Node *parent)
{
  g_autoptr(GArray) candidates = parent_candidates (node);

  for (guint i = 0; i < candidates->len; i++)
    {
      ParentCandidate *c = &g_array_index (candidates, ParentCandidate, i);

      if (parent != NULL && strcmp (c->parent, parent->key) == 0)
        return c->stamp;
    }
  return VRTC_STAMP_ZERO;
}

static gboolean
node_has_content (Node *node)
{
  Register *reg;

  if (node->exists || refs_top (node->removes) || refs_top (node->moves) ||
      (node->base != NULL && node->base->stamps != NULL &&
       !vrtc_stamp_is_zero (&node->base->stamps->remove)))
    return TRUE;
  if (node->virtual_props)
    return ref_active (virtual_ref (node));
  NODE_FOREACH_REG (node, ri, reg)
    if (reg->value.kind != VRTC_VALUE_NONE)
      return TRUE;
  return FALSE;
}

/*
 * A node's stamps, leaving out what the loader infers: "first" and the parent's stamp when
 * they are the insert's, a register's stamps when both are the insert's (most properties come
 * with their node), one stamp when a register's set and newest op are the same, and a zero
 * "remove". A scene of nodes that were only inserted costs a few bytes per node.
 */
static void
write_node_stamps (VrtcEngine *engine,
                   Node       *node,
                   GString    *out)
{
  g_autoptr(GPtrArray) paths = vrtc_engine_list_properties (engine, node->key);
  VrtcStamp insert = top_stamp_with_base (node->inserts, node->base ? base_insert (node->base) : NULL);
  VrtcStamp s;
  gboolean any = FALSE;

  g_string_append (out, "{");
  if (!node->exists)
    g_string_append (out, "\"exists\":false,");
  g_string_append (out, "\"insert\":");
  write_stamp (out, &insert);
  if (vrtc_stamp_compare (&node->first, &insert) != 0)
    {
      g_string_append (out, ",\"first\":");
      write_stamp (out, &node->first);
    }
  if (node != engine->root && (node->parent != NULL || !node->exists))
    {
      g_autoptr(GArray) candidates = parent_candidates (node);
      const char *parent = NULL;

      /* a key with no insert keeps its newest move; a node its resolved parent */
      if (node->parent != NULL)
        {
          parent = node->parent->key;
          s = parent_stamp (node, node->parent);
        }
      else if (candidates->len > 0)
        {
          parent = g_array_index (candidates, ParentCandidate, 0).parent;
          s = g_array_index (candidates, ParentCandidate, 0).stamp;
        }
      if (parent != NULL)
        {
          g_string_append (out, ",\"parent\":[");
          vrtc_json_write_string (out, parent);
          if (vrtc_stamp_compare (&s, &insert) != 0)
            {
              g_string_append_c (out, ',');
              write_stamp (out, &s);
            }
          g_string_append_c (out, ']');
        }
    }
  /* a virtual node's properties were set by its one insert, the newest op on each */
  for (guint p = 0; !node->virtual_props && p < paths->len; p++)
    {
      Register *reg = register_get (engine, node, g_ptr_array_index (paths, p), FALSE);
      VrtcStamp set = register_set_stamp (reg), max = register_max_stamp (reg);

      if (vrtc_stamp_compare (&set, &insert) == 0 && vrtc_stamp_compare (&max, &insert) == 0)
        continue;
      g_string_append (out, any ? "," : ",\"props\":{");
      any = TRUE;
      vrtc_json_write_string (out, reg->path);
      g_string_append_c (out, ':');
      if (vrtc_stamp_compare (&set, &max) == 0 && !vrtc_stamp_is_zero (&set))
        write_stamp (out, &set);
      else
        {
          g_string_append_c (out, '[');
          write_stamp (out, &set);
          g_string_append_c (out, ',');
          write_stamp (out, &max);
          g_string_append_c (out, ']');
        }
    }
  if (any)
    g_string_append_c (out, '}');
  if (node->base != NULL)
    {
      VrtcStamp base_rm = base_remove (node->base);

      s = top_stamp_with_base (node->removes, &base_rm);
    }
  else
    s = top_stamp_with_base (node->removes, NULL);
  if (!vrtc_stamp_is_zero (&s))
    {
      g_string_append (out, ",\"remove\":");
      write_stamp (out, &s);
    }
  g_string_append_c (out, '}');
}

/*
 * {graph, journalIndex, lamportTime, orphans, stamps, vectorClock}: graph is the canonical
 * SceneGraph; stamps say, per node and register, which op won so that later ops compare
 * right; orphans hold the registers of keys whose insert has not arrived (SEMANTICS.md 4).
 */
static void
write_snapshot (VrtcEngine *engine,
                Sink       *sink)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GString *out = sink->out;
  GHashTableIter iter;
  Node *node;
  gboolean first = TRUE;

  g_hash_table_iter_init (&iter, engine->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    if (node_has_content (node))
      g_ptr_array_add (keys, node->key);
  g_ptr_array_sort (keys, compare_strings);

  g_string_append (out, "{\"graph\":");
  write_graph (engine, sink);
  g_string_append_printf (out, ",\"journalIndex\":%u,\"lamportTime\":%" G_GINT64_FORMAT,
                          engine->entries->len, engine->lamport);
  g_string_append (out, ",\"orphans\":{");
  for (guint i = 0; i < keys->len && sink_step (sink); i++)
    {
      g_autoptr(GPtrArray) paths = NULL;

      node = node_get (engine, g_ptr_array_index (keys, i), FALSE);
      if (node->exists)
        continue;
      paths = vrtc_engine_list_properties (engine, node->key);
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      vrtc_json_write_string (out, node->key);
      g_string_append_c (out, ':');
      g_string_append_c (out, '{');
      for (guint p = 0; p < paths->len; p++)
        {
          if (p)
            g_string_append_c (out, ',');
          vrtc_json_write_string (out, g_ptr_array_index (paths, p));
          g_string_append_c (out, ':');
          vrtc_value_write_json (vrtc_engine_get_property (engine, node->key,
                                                           g_ptr_array_index (paths, p)), out);
        }
      g_string_append_c (out, '}');
    }
  g_string_append (out, "},\"stamps\":{");
  for (guint i = 0; i < keys->len && sink_step (sink); i++)
    {
      node = node_get (engine, g_ptr_array_index (keys, i), FALSE);
      if (i)
        g_string_append_c (out, ',');
      vrtc_json_write_string (out, node->key);
      g_string_append_c (out, ':');
      write_node_stamps (engine, node, out);
    }
  g_string_append (out, "},\"vectorClock\":");
  vrtc_clock_write_json (engine_clock (engine), out);
  g_string_append_c (out, '}');
}

void
vrtc_engine_write_snapshot (VrtcEngine *engine,
                            GString    *out)
{
  Sink sink = { out, 0, NULL, NULL, FALSE };

  g_return_if_fail (engine->view_of == NULL);

  write_snapshot (engine, &sink);
}

gboolean
vrtc_engine_write_snapshot_chunked (VrtcEngine          *engine,
                                    GString             *out,
                                    gsize                chunk,
                                    VrtcEngineFlushFunc  flush,
                                    gpointer             user_data)
{
  Sink sink = { out, chunk, flush, user_data, FALSE };

  g_return_val_if_fail (engine->view_of == NULL, FALSE);

  write_snapshot (engine, &sink);
  return sink_end (&sink);
}

const char *
vrtc_engine_get_snapshot_json (VrtcEngine *engine)
{
  return engine->snapshot_json;
}

/*
 * Loading a snapshot, into a fresh engine that init_from_server swaps in only when all of it
 * loaded: a failure leaves the engine being initialised exactly as it was. The parts come one
 * key at a time and in any order (graph nodes, orphans, stamps), so a reader can stream a
 * large snapshot without holding it as one value; vrtc_engine_load_finish applies what the
 * snapshot leaves out (stamps equal to the insert's, a plain graph's parents) and links the
 * tree.
 */

static gboolean
read_stamp (VrtcEngine      *engine,
            const VrtcValue *v,
            VrtcStamp       *out,
            const char      *key,
            const char      *field,
            GError         **error)
{
  *out = VRTC_STAMP_ZERO;
  if (v == NULL || v->kind == VRTC_VALUE_NULL)
    return TRUE;
  if (v->kind != VRTC_VALUE_ARRAY || v->len != 3 ||
      v->u.items[0].kind != VRTC_VALUE_NUMBER || v->u.items[1].kind != VRTC_VALUE_STRING ||
      v->u.items[2].kind != VRTC_VALUE_NUMBER)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                   "snapshot.stamps.%s.%s: expected a stamp [lamportTime, sessionId, index]",
                   key, field);
      return FALSE;
    }
  out->lamport = (gint64) v->u.items[0].u.num;
  out->session = intern (engine, v->u.items[1].u.str);
  out->index = (guint32) v->u.items[2].u.num;
  return TRUE;
}

static gboolean
is_stamp (const VrtcValue *v)
{
  return v->kind == VRTC_VALUE_ARRAY && v->len == 3 && v->u.items[0].kind == VRTC_VALUE_NUMBER;
}

static double
number_or (const VrtcValue *v,
           double           fallback)
{
  return v != NULL && v->kind == VRTC_VALUE_NUMBER ? v->u.num : fallback;
}

static const char *
string_or_null (const VrtcValue *v)
{
  return v != NULL && v->kind == VRTC_VALUE_STRING ? v->u.str : NULL;
}

static gboolean
is_node_field (const char *name)
{
  /* called for every member of every loaded node: most names start with no reserved
   * path's first letter */
  if (strchr ("kntclud", name[0]) == NULL || name[0] == '\0')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (reserved_paths); i++)
    if (name[0] == reserved_paths[i][0] && strcmp (name, reserved_paths[i]) == 0)
      return TRUE;
  return FALSE;
}

static int
compare_base_first (gconstpointer a,
                    gconstpointer b)
{
  const Node *na = *(Node **) a, *nb = *(Node **) b;
  VrtcStamp sa = na->base ? base_first (na->base) : VRTC_STAMP_ZERO;
  VrtcStamp sb = nb->base ? base_first (nb->base) : VRTC_STAMP_ZERO;
  int r = vrtc_stamp_compare (&sa, &sb);

  return r != 0 ? r : strcmp (na->key, nb->key);
}

static gboolean
check_loading (VrtcEngine *engine)
{
  g_return_val_if_fail (engine->view_of == NULL, FALSE);
  g_return_val_if_fail (engine->entries->len == 0, FALSE);
  return TRUE;
}

static NodeBase *
load_base (VrtcEngine *engine,
           const char *key)
{
  Node *node = node_get (engine, key, TRUE);

  node_materialize (engine, node);
  if (node->base == NULL)
    {
      node->base = g_new0 (NodeBase, 1);
      node->base->reg_base.shared = TRUE;
    }
  return node->base;
}

/* The properties of a graph node (in_graph) or of an orphan key; values are moved out of nv. */
static gboolean
load_props (VrtcEngine *engine,
            const char *key,
            VrtcValue  *nv,
            gboolean    in_graph,
            GError    **error)
{
  NodeBase *base;
  Node *node;

  if (nv->kind != VRTC_VALUE_OBJECT)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                   in_graph ? "snapshot.graph.nodes.%s: expected an object"
                            : "snapshot.orphans.%s: expected an object", key);
      return FALSE;
    }
  base = load_base (engine, key);
  node = node_get (engine, key, FALSE);
  if (in_graph)
    {
      const VrtcValue *children = vrtc_value_object_get (nv, "children");
      const VrtcValue *clock = vrtc_value_object_get (nv, "clock");

      base->in_graph = TRUE;
      base->tag = intern_or_null (engine, string_or_null (vrtc_value_object_get (nv, "tag")));
      base->name = intern_or_null (engine, string_or_null (vrtc_value_object_get (nv, "name")));
      node_clock_clear (&base->clock);
      if (clock != NULL)
        node_clock_take (engine, &base->clock, (VrtcValue *) clock);
      base->created_at = number_or (vrtc_value_object_get (nv, "createdAt"), 0);
      base->updated_at = number_or (vrtc_value_object_get (nv, "updatedAt"), 0);
      base->lamport = (gint64) number_or (vrtc_value_object_get (nv, "lamportTime"), 0);
      base->deleted_at = number_or (vrtc_value_object_get (nv, "deletedAt"), 0);
      base->deleted_given = vrtc_value_object_get (nv, "deletedAt") != NULL;
      if (engine->graph_children != NULL)
        g_hash_table_remove (engine->graph_children, node);
      if (children != NULL && children->kind == VRTC_VALUE_ARRAY && children->len > 0)
        {
          GPtrArray *keys = g_ptr_array_new_full (children->len, g_free);

          for (guint c = 0; c < children->len; c++)
            g_ptr_array_add (keys, children->u.items[c].kind == VRTC_VALUE_STRING
                                     ? g_strdup (children->u.items[c].u.str) : NULL);
          if (engine->graph_children == NULL)
            engine->graph_children = g_hash_table_new_full (NULL, NULL, NULL,
                                                            (GDestroyNotify) g_ptr_array_unref);
          g_hash_table_insert (engine->graph_children, node, keys);
        }
    }

  /* A graph node's registers in one block, without an allocation header each: a tenth of
   * a loaded scene's memory. Only for a node that has none yet (the usual order: the graph,
   * then the stamps). */
  if (in_graph && node->n_props == 0 && node->regs == NULL)
    {
      guint n = 0;

      for (guint m = 0; m < nv->len; m++)
        n += !is_node_field (nv->u.members[m].key);
      register_block_new (node, n);
    }
  for (guint m = 0; m < nv->len; m++)
    {
      const char *path = nv->u.members[m].key;
      Register *reg;

      if (is_node_field (path))
        continue;
      reg = register_get (engine, node, path, TRUE);
      if (reg->base != NULL && !in_graph && base->in_graph)
        continue;   /* the graph's value wins over an orphan's */
      if (!in_graph)
        register_own_base (reg)->orphan = TRUE;
      else if (reg->base == NULL)
        reg->base = &base->reg_base;
      else if (!reg->base->shared)
        reg->base->orphan = FALSE;
      vrtc_value_clear (&reg->value);
      reg->value = nv->u.members[m].value;
      nv->u.members[m].value = (VrtcValue) VRTC_VALUE_INIT;
    }
  return TRUE;
}

/**
 * vrtc_engine_load_graph_node:
 * @engine: a fresh engine (vrtc_engine_new), being loaded
 * @key: the node's key
 * @nv: (inout): the node's object in snapshot.graph.nodes; its values are moved out
 *
 * Returns: %FALSE with @error set when @nv is not an object.
 */
gboolean
vrtc_engine_load_graph_node (VrtcEngine *engine,
                             const char *key,
                             VrtcValue  *nv,
                             GError    **error)
{
  if (!check_loading (engine))
    return FALSE;
  return load_props (engine, key, nv, TRUE, error);
}

gboolean
vrtc_engine_load_orphan (VrtcEngine *engine,
                         const char *key,
                         VrtcValue  *props,
                         GError    **error)
{
  if (!check_loading (engine))
    return FALSE;
  return load_props (engine, key, props, FALSE, error);
}

gboolean
vrtc_engine_load_stamps (VrtcEngine      *engine,
                         const char      *key,
                         const VrtcValue *ns,
                         GError         **error)
{
  const VrtcValue *props, *parent, *exists, *first;
  VrtcStamp insert, first_stamp, remove, parent_stamp, base_first_stamp;
  NodeBase *base;
  Node *node;

  if (!check_loading (engine))
    return FALSE;
  if (ns->kind != VRTC_VALUE_OBJECT)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                   "snapshot.stamps.%s: expected an object", key);
      return FALSE;
    }
  props = vrtc_value_object_get (ns, "props");
  parent = vrtc_value_object_get (ns, "parent");
  exists = vrtc_value_object_get (ns, "exists");
  first = vrtc_value_object_get (ns, "first");
  if (!read_stamp (engine, vrtc_value_object_get (ns, "insert"), &insert, key, "insert", error) ||
      !read_stamp (engine, first, &first_stamp, key, "first", error) ||
      !read_stamp (engine, vrtc_value_object_get (ns, "remove"), &remove, key, "remove", error))
    return FALSE;
  parent_stamp = insert;
  if (parent != NULL && parent->kind == VRTC_VALUE_ARRAY && (parent->len == 1 || parent->len == 2) &&
      parent->u.items[0].kind == VRTC_VALUE_STRING)
    {
      if (parent->len == 2 &&
          !read_stamp (engine, &parent->u.items[1], &parent_stamp, key, "parent", error))
        return FALSE;
    }
  else if (parent != NULL && parent->kind != VRTC_VALUE_NULL)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                   "snapshot.stamps.%s.parent: expected [parentKey] or [parentKey, stamp]", key);
      return FALSE;
    }
  if (props != NULL && props->kind != VRTC_VALUE_OBJECT && props->kind != VRTC_VALUE_NULL)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                   "snapshot.stamps.%s.props: expected an object", key);
      return FALSE;
    }
  for (guint m = 0; props != NULL && props->kind == VRTC_VALUE_OBJECT && m < props->len; m++)
    {
      const VrtcValue *ps = &props->u.members[m].value;

      if (!is_stamp (ps) && ps->kind != VRTC_VALUE_NULL &&
          !(ps->kind == VRTC_VALUE_ARRAY && ps->len == 2))
        {
          g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                       "snapshot.stamps.%s.props.%s: expected a stamp or [setStamp, newestStamp]",
                       key, props->u.members[m].key);
          return FALSE;
        }
    }

  base = load_base (engine, key);
  node = node_get (engine, key, FALSE);
  base->has_stamps = TRUE;
  base_set_insert (base, &insert);
  /* without a first stamp, the node was first inserted by its insert */
  base_first_stamp = first != NULL ? first_stamp : insert;
  base_set_stamps (base, &base_first_stamp, &remove, &parent_stamp);
  base->exists = !(exists != NULL && exists->kind == VRTC_VALUE_BOOL && !exists->u.b);
  base->parent = parent != NULL && parent->kind == VRTC_VALUE_ARRAY
    ? intern (engine, parent->u.items[0].u.str) : NULL;
  for (guint m = 0; props != NULL && props->kind == VRTC_VALUE_OBJECT && m < props->len; m++)
    {
      const VrtcValue *ps = &props->u.members[m].value;
      Register *reg = register_get (engine, node, props->u.members[m].key, TRUE);

      register_own_base (reg)->stamped = TRUE;
      if (is_stamp (ps))
        {
          read_stamp (engine, ps, &reg->base->set, key, "props", NULL);
          reg->base->max = reg->base->set;
        }
      else if (ps->kind == VRTC_VALUE_ARRAY)
        {
          /* an old snapshot wrote a pair always; what does not read as a stamp is zero */
          read_stamp (engine, &ps->u.items[0], &reg->base->set, key, "props", NULL);
          read_stamp (engine, &ps->u.items[1], &reg->base->max, key, "props", NULL);
        }
    }
  return TRUE;
}

gboolean
vrtc_engine_load_clock (VrtcEngine      *engine,
                        const VrtcValue *clock,
                        GError         **error)
{
  if (!check_loading (engine))
    return FALSE;
  if (clock->kind != VRTC_VALUE_OBJECT)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                   "snapshot.vectorClock: expected an object");
      return FALSE;
    }
  for (guint i = 0; i < clock->len; i++)
    clock_raise (engine, clock->u.members[i].key,
                 (guint64) number_or (&clock->u.members[i].value, 0));
  return TRUE;
}

void
vrtc_engine_load_lamport (VrtcEngine *engine,
                          gint64      lamport)
{
  if (check_loading (engine))
    engine->lamport = lamport;
}

/* What a key's stamps left out, and a plain graph's (no stamps at all) rules. */
static void
load_finish_node (VrtcEngine *engine,
                  Node       *node)
{
  NodeBase *base = node->base;
  guint kept = 0;

  if (!base->in_graph)
    base->exists = FALSE;
  else if (!base->has_stamps)
    base->exists = TRUE;
  /* without stamps (a plain graph), a node is live unless it has deletedAt */
  if (!base->has_stamps && base->in_graph && node != engine->root)
    {
      VrtcStamp remove = VRTC_STAMP_ZERO;

      VrtcStamp insert = { base->lamport, intern (engine, ""), 0 };

      base_set_insert (base, &insert);
      if (base->parent == NULL)
        base->parent = intern (engine, ROOT_KEY);
      if (base->deleted_given)
        remove = (VrtcStamp) { base->lamport, intern (engine, ""), 1 };
      base_set_stamps (base, &insert, &remove, &insert);
    }

  for (guint r = 0; r < node->n_props; r++)
    {
      Register *reg = node->props[r];

      if (reg->base == NULL || reg->base->shared)
        {
          node->props[kept++] = reg;
          continue;
        }
      if (reg->value.kind == VRTC_VALUE_NONE || (reg->base->orphan && base->in_graph))
        {
          /* stamps of a property the snapshot gave no value: nothing to load */
          register_free (node, reg);
          continue;
        }
      node->props[kept++] = reg;
      if (!reg->base->stamped)
        reg->base->set = reg->base->max = *base_insert (base);
      reg->base->stamped = FALSE;
      reg->base->orphan = FALSE;
    }
  node->n_props = kept;
  /* a loaded node rarely gains properties: no room to spare */
  if (node->props_size > kept)
    props_resize (node, kept);
}

gboolean
vrtc_engine_load_finish (VrtcEngine *engine,
                         GError    **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  GHashTableIter iter;
  Node *node;

  if (!check_loading (engine))
    return FALSE;

  g_hash_table_iter_init (&iter, engine->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    if (node->base != NULL)
      {
        /* only in orphans, without stamps: the snapshot does not describe this key */
        if (!node->base->in_graph && !node->base->has_stamps)
          g_hash_table_iter_remove (&iter);
        else
          load_finish_node (engine, node);
      }

  /* plain graphs name children per node: use them as the parent of each child */
  g_hash_table_iter_init (&iter, engine->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      GPtrArray *children = engine->graph_children != NULL
        ? g_hash_table_lookup (engine->graph_children, node) : NULL;

      for (guint c = 0; children != NULL && c < children->len; c++)
        {
          const char *child_key = g_ptr_array_index (children, c);
          Node *child = child_key ? node_get (engine, child_key, FALSE) : NULL;

          if (child != NULL && child->base != NULL && child->base->in_graph && !child->base->has_stamps)
            {
              VrtcStamp first = base_first (child->base);
              VrtcStamp remove = base_remove (child->base);
              VrtcStamp parent_stamp = base_parent_stamp (child->base);

              child->base->parent = intern (engine, node->key);
              first.index = c + 2;
              base_set_stamps (child->base, &first, &remove, &parent_stamp);
            }
        }
    }
  g_clear_pointer (&engine->graph_children, g_hash_table_unref);

  engine->next_seq = MAX (engine->next_seq, clock_get (engine, engine->session_id) + 1);
  engine->base_lamport = engine->lamport;
  vrtc_clock_copy (&engine->base_clock, engine_clock (engine));

  /* refreshing may create parents that have no insert yet: not while iterating */
  g_hash_table_iter_init (&iter, engine->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      g_ptr_array_add (all, node);
    }
  /* in sibling order, so each node lands at the end of its parent's children array */
  g_ptr_array_sort (all, compare_base_first);
  for (guint i = 0; i < all->len; i++)
    node_refresh (engine, g_ptr_array_index (all, i));
  return TRUE;
}

/* A snapshot held as one value; it is not changed (values are copied per node). */
static gboolean
load_snapshot (VrtcEngine      *engine,
               const VrtcValue *snapshot,
               GError         **error)
{
  const VrtcValue *graph, *nodes, *stamps, *orphans, *clock, *lamport;

  if (snapshot->kind != VRTC_VALUE_OBJECT)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE, "snapshot: expected an object");
      return FALSE;
    }
  graph = vrtc_value_object_get (snapshot, "graph");
  nodes = vrtc_value_object_get (graph, "nodes");
  if (nodes == NULL || nodes->kind != VRTC_VALUE_OBJECT)
    {
      g_set_error (error, VRTC_ERROR, graph ? VRTC_ERROR_WRONG_TYPE : VRTC_ERROR_MISSING_FIELD,
                   "snapshot.graph.nodes: expected an object");
      return FALSE;
    }
  stamps = vrtc_value_object_get (snapshot, "stamps");
  orphans = vrtc_value_object_get (snapshot, "orphans");
  clock = vrtc_value_object_get (snapshot, "vectorClock");
  lamport = vrtc_value_object_get (snapshot, "lamportTime");
  if (orphans != NULL && orphans->kind != VRTC_VALUE_OBJECT)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                   "snapshot.orphans: expected an object");
      return FALSE;
    }
  if (stamps != NULL && stamps->kind != VRTC_VALUE_OBJECT)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                   "snapshot.stamps: expected an object");
      return FALSE;
    }

  for (guint i = 0; i < nodes->len; i++)
    {
      VrtcValue copy = VRTC_VALUE_INIT;
      gboolean ok;

      vrtc_value_copy (&copy, &nodes->u.members[i].value);
      ok = vrtc_engine_load_graph_node (engine, nodes->u.members[i].key, &copy, error);
      vrtc_value_clear (&copy);
      if (!ok)
        return FALSE;
    }
  for (guint i = 0; orphans != NULL && i < orphans->len; i++)
    {
      VrtcValue copy = VRTC_VALUE_INIT;
      gboolean ok;

      vrtc_value_copy (&copy, &orphans->u.members[i].value);
      ok = vrtc_engine_load_orphan (engine, orphans->u.members[i].key, &copy, error);
      vrtc_value_clear (&copy);
      if (!ok)
        return FALSE;
    }
  for (guint i = 0; stamps != NULL && i < stamps->len; i++)
    if (!vrtc_engine_load_stamps (engine, stamps->u.members[i].key, &stamps->u.members[i].value,
                                  error))
      return FALSE;
  if (clock != NULL && !vrtc_engine_load_clock (engine, clock, error))
    return FALSE;
  vrtc_engine_load_lamport (engine, (gint64) number_or (lamport, 0));
  return vrtc_engine_load_finish (engine, error);
}

/* ---- life cycle ---- */

static void
engine_init_state (VrtcEngine *engine)
{
  engine->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, node_free);
  engine->entries = g_ptr_array_new_with_free_func (entry_free);
  memset (&engine->by_id, 0, sizeof engine->by_id);
  memset (&engine->committed, 0, sizeof engine->committed);
  engine->own = g_ptr_array_new ();
  engine->undo_skip_lo = engine->undo_skip_hi = 0;
  engine->redo_heap = g_array_new (FALSE, FALSE, sizeof (RedoItem));
  engine->orphan_metas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_array_unref);
  engine->root = node_get (engine, ROOT_KEY, TRUE);
  engine->root->exists = TRUE;
  engine->root->live = TRUE;
  engine->root->tag = "Scene";
  engine->root->name = "Root";
  engine->clock_counts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  engine->clock_stale = FALSE;
  engine->own_count = NULL;
  engine->own_clock_index = G_MAXUINT;
  engine->clock_names = 0;
  engine->lamport = 0;
  engine->base_lamport = 0;
  engine->next_seq = 1;
  engine->offset = 0;
  engine->n_demoted = 0;
}

static void
engine_clear_state (VrtcEngine *engine)
{
  if (engine->pending)
    {
      entry_free (engine->pending);
      engine->pending = NULL;
    }
  g_clear_pointer (&engine->orphan_metas, g_hash_table_unref);
  g_clear_pointer (&engine->own, g_ptr_array_unref);
  g_clear_pointer (&engine->redo_heap, g_array_unref);
  g_clear_pointer (&engine->by_id.slots, g_free);
  engine->by_id.mask = engine->by_id.len = 0;
  g_clear_pointer (&engine->committed.slots, g_free);
  engine->committed.len = engine->committed.size = 0;
  g_clear_pointer (&engine->nodes, g_hash_table_unref);
  g_clear_pointer (&engine->entries, g_ptr_array_unref);
  vrtc_clock_clear (&engine->clock);
  g_clear_pointer (&engine->clock_counts, g_hash_table_unref);
  vrtc_clock_clear (&engine->base_clock);
  g_clear_pointer (&engine->snapshot_json, g_free);
  g_clear_pointer (&engine->graph_children, g_hash_table_unref);
}

VrtcEngine *
vrtc_engine_new (const char *session_id)
{
  VrtcEngine *engine;

  g_return_val_if_fail (session_id != NULL && *session_id != '\0', NULL);

  engine = g_new0 (VrtcEngine, 1);
  engine->session_id = g_strdup (session_id);
  engine->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  engine->session = intern (engine, session_id);
  engine_init_state (engine);
  return engine;
}

void
vrtc_engine_free (VrtcEngine *engine)
{
  if (engine == NULL)
    return;
  if (engine->view_of != NULL)
    {
      view_free (engine);
      return;
    }
  engine_clear_state (engine);
  g_hash_table_unref (engine->strings);
  g_free (engine->session_id);
  g_free (engine);
}

void
vrtc_engine_set_listener (VrtcEngine               *engine,
                          const VrtcEngineListener *listener,
                          gpointer                  data)
{
  if (listener != NULL)
    engine->listener = *listener;
  else
    memset (&engine->listener, 0, sizeof engine->listener);
  engine->listener_data = data;
}

const char *
vrtc_engine_get_session_id (VrtcEngine *engine)
{
  return engine->session_id;
}

gint64
vrtc_engine_get_lamport (VrtcEngine *engine)
{
  if (engine->view_of != NULL && engine->view_lamport < 0 && view_valid (engine))
    {
      /* computed on demand: O(position) */
      engine->view_lamport = 0;
      for (guint i = 0; i <= engine->view_at; i++)
        engine->view_lamport = MAX (engine->view_lamport,
                                    ((VrtcEntry *) g_ptr_array_index (engine->view_of->entries, i))->msg->lamport);
    }
  return engine->view_of ? MAX (engine->view_lamport, 0) : engine->lamport;
}

const VrtcClock *
vrtc_engine_get_clock (VrtcEngine *engine)
{
  if (engine->view_of == NULL)
    return engine_clock (engine);
  if (engine->clock.len == 0 && view_valid (engine))
    for (guint i = 0; i <= engine->view_at; i++)
      vrtc_clock_merge (&engine->clock,
                        &((VrtcEntry *) g_ptr_array_index (engine->view_of->entries, i))->msg->clock);
  return &engine->clock;
}

gboolean
vrtc_engine_init_from_server (VrtcEngine      *engine,
                              const VrtcValue *snapshot,
                              VrtcMessage    **journal,
                              guint            n_journal,
                              GError         **error)
{
  VrtcEngine *loaded = NULL;

  g_return_val_if_fail (engine->view_of == NULL, FALSE);

  if (snapshot != NULL && snapshot->kind != VRTC_VALUE_NONE)
    {
      loaded = vrtc_engine_new (engine->session_id);
      if (!load_snapshot (loaded, snapshot, error))
        {
          vrtc_engine_free (loaded);
          return FALSE;
        }
    }
  return vrtc_engine_init_from_loaded (engine, loaded, journal, n_journal, error);
}

/* Everything but who engine is (session, listener) and its generation count. */
static void
engine_swap_state (VrtcEngine *engine,
                   VrtcEngine *other)
{
  VrtcEngine keep = *engine;

  *engine = *other;
  *other = keep;
  other->session_id = engine->session_id;
  engine->session_id = keep.session_id;
  other->listener = engine->listener;
  other->listener_data = engine->listener_data;
  engine->listener = keep.listener;
  engine->listener_data = keep.listener_data;
  engine->generation = keep.generation;
}

gboolean
vrtc_engine_init_from_loaded (VrtcEngine   *engine,
                              VrtcEngine   *loaded,
                              VrtcMessage **journal,
                              guint         n_journal,
                              GError      **error)
{
  g_autoptr(GPtrArray) unacked = NULL;
  g_autoptr(GPtrArray) pending_ops = NULL;
  VrtcEngineListener listener = engine->listener;
  gpointer listener_data = engine->listener_data;

  g_return_val_if_fail (engine->view_of == NULL, FALSE);
  g_return_val_if_fail (loaded == NULL || (loaded->view_of == NULL && loaded->entries->len == 0 &&
                                           strcmp (loaded->session_id, engine->session_id) == 0),
                        FALSE);

  for (guint i = 0; i < n_journal; i++)
    {
      guint64 seq;

      if (!id_matches_session (journal[i], &seq))
        {
          g_set_error (error, VRTC_ERROR, VRTC_ERROR_ID_MISMATCH,
                       "journal[%u].id: \"%s\" does not match sessionId \"%s\"", i,
                       journal[i]->id ? journal[i]->id : "",
                       journal[i]->session_id ? journal[i]->session_id : "");
          if (loaded != NULL)
            vrtc_engine_free (loaded);
          return FALSE;
        }
    }

  /* own work not yet acked survives the reset and is applied again on top */
  unacked = vrtc_engine_get_unacked (engine);
  if (engine->pending)
    {
      pending_ops = g_ptr_array_new ();
      g_ptr_array_add (pending_ops, vrtc_msg_ref (engine->pending->msg));
    }

  memset (&engine->listener, 0, sizeof engine->listener);
  if (loaded != NULL)
    {
      /* the old state goes with loaded */
      engine_swap_state (engine, loaded);
      vrtc_engine_free (loaded);
    }
  else
    {
      engine_clear_state (engine);
      engine_init_state (engine);
    }
  engine->generation++;
  for (guint i = 0; i < n_journal; i++)
    vrtc_engine_receive (engine, journal[i], NULL, NULL);
  for (guint i = 0; i < unacked->len; i++)
    {
      VrtcMessage *msg = g_ptr_array_index (unacked, i);
      VrtcEntry *entry;

      vrtc_engine_receive (engine, msg, NULL, NULL);
      entry = entry_by_id (engine, msg->id);
      if (entry != NULL && entry->msg == msg)
        entry->ack = FALSE;
    }
  if (pending_ops != NULL)
    {
      VrtcMessage *msg = g_ptr_array_index (pending_ops, 0);

      for (guint i = 0; i < msg->n_ops; i++)
        vrtc_engine_edit (engine, &msg->ops[i]);
      vrtc_msg_unref (msg);
    }

  engine->listener = listener;
  engine->listener_data = listener_data;
  if (engine->listener.reset)
    engine->listener.reset (engine->listener_data);
  return TRUE;
}

static VrtcStamp
restamp (VrtcEngine      *dst,
         const VrtcStamp *s)
{
  VrtcStamp out = *s;

  if (s->session != NULL)
    out.session = intern (dst, s->session);
  return out;
}

/* Copies what a loaded snapshot put in src (node and register bases) into a fresh dst. */
static void
clone_bases (VrtcEngine *src,
             VrtcEngine *dst)
{
  g_autoptr(GPtrArray) touched = g_ptr_array_new ();
  GHashTableIter iter;
  Node *node;

  g_hash_table_iter_init (&iter, src->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      Register *reg;
      Node *copy = NULL;

      if (node->base != NULL)
        {
          NodeBase *b;
          VrtcStamp insert;

          copy = node_get (dst, node->key, TRUE);
          b = copy->base = g_new0 (NodeBase, 1);
          *b = *node->base;
          b->tag = intern_or_null (dst, node->base->tag);
          b->name = intern_or_null (dst, node->base->name);
          b->parent = intern_or_null (dst, node->base->parent);
          memset (&b->clock, 0, sizeof b->clock);
          node_clock_copy (dst, &b->clock, &node->base->clock);
          insert = restamp (dst, base_insert (node->base));
          base_set_insert (b, &insert);
          b->stamps = NULL;
          if (node->base->stamps != NULL)
            {
              VrtcStamp first = restamp (dst, &node->base->stamps->first);
              VrtcStamp remove = restamp (dst, &node->base->stamps->remove);
              VrtcStamp parent_stamp = restamp (dst, &node->base->stamps->parent_stamp);

              base_set_stamps (b, &first, &remove, &parent_stamp);
            }
        }
      NODE_FOREACH_REG (node, ri, reg)
        {
          Register *creg;

          if (reg->base == NULL)
            continue;
          if (copy == NULL)
            copy = node_get (dst, node->key, TRUE);
          creg = register_get (dst, copy, reg->path, TRUE);
          creg->base = g_new0 (RegisterBase, 1);
          creg->base->set = restamp (dst, &reg->base->set);
          creg->base->max = restamp (dst, &reg->base->max);
          vrtc_value_copy (&creg->value,
                           reg->base->materialized ? &reg->base->value : &reg->value);
        }
      if (copy != NULL)
        g_ptr_array_add (touched, copy);
    }
  dst->lamport = dst->base_lamport = src->base_lamport;
  clock_merge (dst, &src->base_clock);
  vrtc_clock_copy (&dst->base_clock, &src->base_clock);
  dst->next_seq = MAX (dst->next_seq, clock_get (dst, dst->session_id) + 1);
  g_ptr_array_sort (touched, compare_base_first);
  for (guint i = 0; i < touched->len; i++)
    node_refresh (dst, g_ptr_array_index (touched, i));
}

VrtcEngine *
vrtc_engine_new_at (VrtcEngine *engine,
                    guint       position)
{
  VrtcEngine *copy;
  guint end;

  g_return_val_if_fail (engine->view_of == NULL, NULL);

  g_return_val_if_fail (position < vrtc_engine_journal_length (engine), NULL);

  copy = vrtc_engine_new (engine->session_id);
  clone_bases (engine, copy);
  end = engine->offset + position;
  for (guint i = 0; i <= end; i++)
    {
      VrtcEntry *entry = g_ptr_array_index (engine->entries, i);
      VrtcEntry *mine;

      vrtc_engine_receive (copy, entry->msg, NULL, NULL);
      mine = entry_by_id (copy, entry->msg->id);
      mine->ack = entry->ack;
    }
  /* positions before the engine's own offset are not part of its journal */
  copy->offset = MIN (engine->offset, copy->entries->len);
  return copy;
}

guint
vrtc_engine_compact (VrtcEngine *engine)
{
  guint journal_len = vrtc_engine_journal_length (engine);
  guint n = 0;
  GString *json;
  VrtcEngine *at;

  g_return_val_if_fail (engine->view_of == NULL, 0);

  while (n < journal_len)
    {
      VrtcEntry *entry = g_ptr_array_index (engine->entries, engine->offset + n);

      if (!entry->ack || entry->undone)
        break;
      n++;
    }
  if (n == 0)
    return 0;

  /* the snapshot is the state right after the last folded entry */
  at = vrtc_engine_new_at (engine, n - 1);
  json = g_string_new (NULL);
  vrtc_engine_write_snapshot (at, json);
  vrtc_engine_free (at);
  g_free (engine->snapshot_json);
  engine->snapshot_json = g_string_free (json, FALSE);

  /* entries stay referenced by the registers they touched, so a late set, a late
   * concurrent delta or an undo still resolves exactly; only the journal shrinks */
  engine->offset += n;
  emit_journal (engine, 0, n, 0);
  return n;
}

guint
vrtc_engine_count_registers (VrtcEngine *engine)
{
  GHashTableIter iter;
  Node *node;
  guint n = 0;

  g_hash_table_iter_init (&iter, engine->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    n += node->n_props;
  return n;
}

static char *
check_refs (Refs       *refs,
            Register   *reg,
            const char *key)
{
  guint n_sets = 0;
  GArray *addends = reg != NULL && reg->fold != NULL ? reg->fold->addends : NULL;

  if (addends != NULL && (refs == NULL || addends->len != refs->len))
    return g_strdup_printf ("%s.%s: %u addends for %u refs", key, reg->path,
                            addends->len, refs ? refs->len : 0);
  for (guint i = 0; refs != NULL && i < refs->len; i++)
    {
      const OpRef *ref = &refs->items[i];
      const VrtcOperation *op = ref_op (ref);
      const double *addend = op->type->kind == VRTC_OP_KIND_DELTA
        ? vrtc_optable_vec3_addend (op) : NULL;

      if (((ref->flags & REF_UNDONE) != 0) != (gboolean) ref->entry->undone)
        return g_strdup_printf ("%s: ref %u: REF_UNDONE is not its entry's undone", key, i);
      if (reg == NULL)
        continue;
      if (((ref->flags & REF_VEC3_ADD) != 0) != (addend != NULL))
        return g_strdup_printf ("%s.%s: ref %u: REF_VEC3_ADD is wrong", key, reg->path, i);
      if (addend != NULL &&
          (addends == NULL ||
           memcmp (g_array_index (addends, Addend, i).d, addend, sizeof (Addend)) != 0))
        return g_strdup_printf ("%s.%s: ref %u: addend differs from its op's value", key,
                                reg->path, i);
      if (ref_sets_value (ref))
        n_sets++;
    }
  if (reg != NULL && reg->fold != NULL && n_sets != reg->fold->n_sets)
    return g_strdup_printf ("%s.%s: n_sets %u, %u refs set a value", key, reg->path,
                            reg->fold->n_sets, n_sets);
  return NULL;
}

char *
vrtc_engine_check_refs (VrtcEngine *engine)
{
  GHashTableIter iter;
  Node *node;

  g_return_val_if_fail (engine->view_of == NULL, NULL);

  g_hash_table_iter_init (&iter, engine->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      Refs *lists[] = { node->inserts, node->removes, node->moves };
      Register *reg;
      char *error;

      for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
        if ((error = check_refs (lists[l], NULL, node->key)) != NULL)
          return error;
      if (node->virtual_props &&
          (node->n_props > 0 || node->regs != NULL || node->base != NULL || node->shares_inserts ||
           node->inserts == NULL || node->inserts->len != 1 ||
           !insert_can_be_virtual (node, ref_op (virtual_ref (node)))))
        return g_strdup_printf ("%s: registers left unmade, but not from one insert of "
                                "properties only", node->key);
      NODE_FOREACH_REG (node, r, reg)
        {
          if ((error = check_refs (reg->ops, reg, node->key)) != NULL)
            return error;
          /* a shared list is the register's own only while it is the node's one insert,
           * whose value names this register */
          if (register_shares_inserts (node, reg) &&
              (!node->shares_inserts || node->inserts->len != 1 ||
               vrtc_value_object_get (&ref_op (&node->inserts->items[0])->value, reg->path) == NULL))
            return g_strdup_printf ("%s.%s: shares the node's inserts, which are not its refs",
                                    node->key, reg->path);
        }
    }
  return NULL;
}
