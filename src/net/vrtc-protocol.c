/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "vrtc-json-reader.h"
#include "vrtc-protocol.h"

static const struct {
  const char    *name;
  VrtcFrameType  type;
} frame_types[] = {
  { "state", VRTC_FRAME_STATE },
  { "crdt", VRTC_FRAME_CRDT },
  { "broadcast", VRTC_FRAME_BROADCAST },
  { "ack", VRTC_FRAME_ACK },
  { "error", VRTC_FRAME_ERROR },
  { "heartbeat", VRTC_FRAME_HEARTBEAT },
  { "room-reset", VRTC_FRAME_ROOM_RESET },
};

void
vrtc_frame_clear (VrtcFrame *frame)
{
  vrtc_value_clear (&frame->snapshot);
  g_clear_pointer (&frame->snapshot_text, g_bytes_unref);
  g_clear_pointer (&frame->journal, g_ptr_array_unref);
  g_clear_pointer (&frame->msg, vrtc_msg_unref);
  g_clear_pointer (&frame->msg_id, g_free);
  g_clear_pointer (&frame->error, g_free);
  g_clear_pointer (&frame->session_id, g_free);
  vrtc_clock_clear (&frame->clock);
  memset (frame, 0, sizeof *frame);
}

static const VrtcValue *
field (const VrtcValue *obj,
       const char      *name,
       VrtcValueKind    kind,
       gboolean         required,
       GError         **error)
{
  const VrtcValue *v = vrtc_value_object_get (obj, name);

  if (v == NULL || v->kind == VRTC_VALUE_NULL)
    {
      if (required)
        g_set_error (error, VRTC_ERROR, VRTC_ERROR_MISSING_FIELD, "%s: missing", name);
      return NULL;
    }
  if (v->kind != kind && !(kind == VRTC_VALUE_ARRAY && v->kind == VRTC_VALUE_VEC))
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE, "%s: wrong type", name);
      return NULL;
    }
  return v;
}

static gboolean
decode_msg (const VrtcValue  *obj,
            const char       *name,
            VrtcMessage     **out,
            GError          **error)
{
  const VrtcValue *v = field (obj, name, VRTC_VALUE_OBJECT, TRUE, error);
  GError *local = NULL;

  if (v == NULL)
    return FALSE;
  *out = vrtc_codec_decode_message (v, &local);
  if (*out == NULL)
    {
      g_set_error (error, VRTC_ERROR, local->code, "%s.%s", name, local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

/* The frame a parsed root object describes; root is left as it was. */
static gboolean
frame_from_value (const VrtcValue *root_value,
                  VrtcFrame       *frame,
                  GError         **error)
{
  const VrtcValue *root = root_value;
  const VrtcValue *obj = root, *mtype, *v;
  VrtcFrame out = { 0 };
  gboolean ok = FALSE;
  guint i;

  if (root->kind != VRTC_VALUE_OBJECT)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE, "frame: expected an object");
      goto out;
    }

  /* inside a Vuer server the frames travel wrapped as {etype: "RTC", data | value: {...}} */
  if ((v = vrtc_value_object_get (obj, "etype")) != NULL)
    {
      const VrtcValue *inner = vrtc_value_object_get (obj, "data");

      if (inner == NULL)
        inner = vrtc_value_object_get (obj, "value");
      if (v->kind != VRTC_VALUE_STRING || strcmp (v->u.str, "RTC") != 0)
        {
          g_set_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_VALUE,
                       "etype: expected \"RTC\"");
          goto out;
        }
      if (inner == NULL || inner->kind != VRTC_VALUE_OBJECT)
        {
          g_set_error (error, VRTC_ERROR, VRTC_ERROR_MISSING_FIELD,
                       "data: missing the wrapped RTC object");
          goto out;
        }
      obj = inner;
      out.wrapped = TRUE;
    }

  if ((mtype = field (obj, "mtype", VRTC_VALUE_STRING, TRUE, error)) == NULL)
    goto out;
  for (i = 0; i < G_N_ELEMENTS (frame_types); i++)
    if (strcmp (frame_types[i].name, mtype->u.str) == 0)
      break;
  if (i == G_N_ELEMENTS (frame_types))
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_VALUE,
                   "mtype: unknown \"%s\"", mtype->u.str);
      goto out;
    }
  out.type = frame_types[i].type;

  switch (out.type)
    {
    case VRTC_FRAME_STATE:
      {
        const VrtcValue *journal;

        v = vrtc_value_object_get (obj, "snapshot");
        if (v != NULL && v->kind != VRTC_VALUE_NULL && v->kind != VRTC_VALUE_OBJECT)
          {
            g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE, "snapshot: wrong type");
            goto out;
          }
        if (v != NULL && v->kind == VRTC_VALUE_OBJECT)
          vrtc_value_copy (&out.snapshot, v);
        out.journal = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);
        journal = vrtc_value_object_get (obj, "journal");
        if (journal != NULL && journal->kind != VRTC_VALUE_NULL)
          {
            if (journal->kind != VRTC_VALUE_ARRAY && !(journal->kind == VRTC_VALUE_VEC))
              {
                g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE, "journal: wrong type");
                goto out;
              }
            if (journal->kind == VRTC_VALUE_VEC)
              {
                g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                             "journal[0]: expected a message object");
                goto out;
              }
            for (guint j = 0; j < journal->len; j++)
              {
                const VrtcValue *item = &journal->u.items[j];
                g_autoptr(GError) local = NULL;
                VrtcMessage *msg;

                /* journal entries may be {msg, ack, deletedAt} or bare messages */
                if (item->kind == VRTC_VALUE_OBJECT && vrtc_value_object_get (item, "msg") != NULL &&
                    vrtc_value_object_get (item, "ops") == NULL)
                  item = vrtc_value_object_get (item, "msg");
                msg = vrtc_codec_decode_message (item, &local);
                if (msg == NULL)
                  {
                    g_set_error (error, VRTC_ERROR, local->code, "journal[%u].%s", j, local->message);
                    goto out;
                  }
                g_ptr_array_add (out.journal, msg);
              }
          }
        break;
      }

    case VRTC_FRAME_CRDT:
    case VRTC_FRAME_BROADCAST:
      if (!decode_msg (obj, "msg", &out.msg, error))
        goto out;
      break;

    case VRTC_FRAME_ACK:
      if ((v = field (obj, "msgId", VRTC_VALUE_STRING, TRUE, error)) == NULL)
        goto out;
      out.msg_id = g_strdup (v->u.str);
      if ((v = vrtc_value_object_get (obj, "serverSeq")) != NULL && v->kind == VRTC_VALUE_NUMBER)
        out.server_seq = (gint64) v->u.num;
      break;

    case VRTC_FRAME_ERROR:
      if ((v = vrtc_value_object_get (obj, "msgId")) != NULL && v->kind == VRTC_VALUE_STRING)
        out.msg_id = g_strdup (v->u.str);
      v = vrtc_value_object_get (obj, "error");
      if (v != NULL && v->kind == VRTC_VALUE_STRING)
        out.error = g_strdup (v->u.str);
      else if (v != NULL)
        out.error = vrtc_value_to_json (v);
      else
        out.error = g_strdup ("unspecified error");
      break;

    case VRTC_FRAME_HEARTBEAT:
      if ((v = vrtc_value_object_get (obj, "sessionId")) != NULL && v->kind == VRTC_VALUE_STRING)
        out.session_id = g_strdup (v->u.str);
      if ((v = vrtc_value_object_get (obj, "vectorClock")) != NULL && v->kind == VRTC_VALUE_OBJECT)
        for (guint j = 0; j < v->len; j++)
          if (v->u.members[j].value.kind == VRTC_VALUE_NUMBER && v->u.members[j].value.u.num > 0)
            vrtc_clock_set (&out.clock, v->u.members[j].key,
                            (guint64) v->u.members[j].value.u.num);
      break;

    case VRTC_FRAME_ROOM_RESET:
    default:
      break;
    }

  *frame = out;
  memset (&out, 0, sizeof out);
  ok = TRUE;

out:
  vrtc_frame_clear (&out);
  return ok;
}

gboolean
vrtc_frame_parse (const char  *text,
                  gsize        len,
                  VrtcFrame   *frame,
                  GError     **error)
{
  VrtcValue root = VRTC_VALUE_INIT;
  gboolean ok;

  if (!vrtc_codec_parse_value (text, len, &root, error))
    return FALSE;
  ok = frame_from_value (&root, frame, error);
  vrtc_value_clear (&root);
  return ok;
}

/*
 * Like vrtc_frame_parse, but a state frame's snapshot object is not parsed: it is kept as
 * its text (a slice of bytes, no copy) in frame->snapshot_text, for a streaming load. A
 * 100,000-node snapshot then never exists as one value. Frames wrapped in {etype, data} and
 * every other frame parse as with vrtc_frame_parse.
 */
gboolean
vrtc_frame_parse_bytes (GBytes     *bytes,
                        VrtcFrame  *frame,
                        GError    **error)
{
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GArray) members = g_array_new (FALSE, TRUE, sizeof (VrtcMember));
  g_autoptr(GBytes) snapshot = NULL;
  VrtcValue root = VRTC_VALUE_INIT;
  const char *name;
  gsize len, name_len;
  const char *text = g_bytes_get_data (bytes, &len);
  gboolean ok;

  vrtc_json_reader_init (&r, text ? text : "", len);
  if (vrtc_json_reader_peek (&r) != VRTC_JSON_OBJECT)
    return vrtc_frame_parse (text ? text : "", len, frame, error);
  if (!vrtc_json_reader_begin_object (&r, error))
    return FALSE;
  while (vrtc_json_reader_next_member (&r, &name, &name_len, error))
    {
      VrtcMember m = { g_strndup (name, name_len), VRTC_VALUE_INIT };

      if (strcmp (m.key, "snapshot") == 0 && vrtc_json_reader_peek (&r) == VRTC_JSON_OBJECT)
        {
          gsize start = vrtc_json_reader_offset (&r);

          g_free (m.key);
          if (!vrtc_json_reader_skip (&r, error))
            break;
          g_clear_pointer (&snapshot, g_bytes_unref);
          snapshot = g_bytes_new_from_bytes (bytes, start, vrtc_json_reader_offset (&r) - start);
          continue;
        }
      g_array_append_val (members, m);
      if (!vrtc_json_reader_read_value (&r, &g_array_index (members, VrtcMember, members->len - 1).value,
                                        error))
        break;
    }
  ok = !vrtc_json_reader_failed (&r) && vrtc_json_reader_end (&r, error);
  {
    gsize n_members;
    VrtcMember *taken = g_array_steal (members, &n_members);

    vrtc_value_take_object (&root, taken, (guint) n_members);
  }
  ok = ok && frame_from_value (&root, frame, error);
  vrtc_value_clear (&root);
  if (ok && frame->type == VRTC_FRAME_STATE && !frame->wrapped && snapshot != NULL)
    frame->snapshot_text = g_steal_pointer (&snapshot);
  return ok;
}

static GString *
frame_begin (const char *mtype)
{
  GString *s = g_string_new ("{\"mtype\":");

  vrtc_json_write_string (s, mtype);
  return s;
}

char *
vrtc_frame_new_state (const char   *snapshot_json,
                      VrtcMessage **journal,
                      guint         n_journal,
                      VrtcDialect   dialect)
{
  GString *s = g_string_new ("{\"journal\":[");

  for (guint i = 0; i < n_journal; i++)
    {
      if (i)
        g_string_append_c (s, ',');
      vrtc_codec_write_message (journal[i], dialect, s);
    }
  g_string_append (s, "],\"mtype\":\"state\",\"snapshot\":");
  g_string_append (s, snapshot_json ? snapshot_json : "null");
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

static char *
frame_with_msg (const char        *mtype,
                const VrtcMessage *msg,
                VrtcDialect        dialect)
{
  GString *s = g_string_new ("{\"msg\":");

  vrtc_codec_write_message (msg, dialect, s);
  g_string_append (s, ",\"mtype\":");
  vrtc_json_write_string (s, mtype);
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

char *
vrtc_frame_new_crdt (const VrtcMessage *msg,
                     VrtcDialect        dialect)
{
  return frame_with_msg ("crdt", msg, dialect);
}

char *
vrtc_frame_new_broadcast (const VrtcMessage *msg,
                          VrtcDialect        dialect)
{
  return frame_with_msg ("broadcast", msg, dialect);
}

char *
vrtc_frame_new_ack (const char *msg_id,
                    gint64      server_seq)
{
  GString *s = g_string_new ("{\"msgId\":");

  vrtc_json_write_string (s, msg_id);
  g_string_append_printf (s, ",\"mtype\":\"ack\",\"serverSeq\":%" G_GINT64_FORMAT "}", server_seq);
  return g_string_free (s, FALSE);
}

char *
vrtc_frame_new_error (const char *msg_id,
                      const char *error)
{
  GString *s = g_string_new ("{\"error\":");

  vrtc_json_write_string (s, error);
  if (msg_id != NULL)
    {
      g_string_append (s, ",\"msgId\":");
      vrtc_json_write_string (s, msg_id);
    }
  g_string_append (s, ",\"mtype\":\"error\"}");
  return g_string_free (s, FALSE);
}

char *
vrtc_frame_new_heartbeat (const char      *session_id,
                          const VrtcClock *clock)
{
  GString *s = frame_begin ("heartbeat");

  g_string_append (s, ",\"sessionId\":");
  vrtc_json_write_string (s, session_id);
  g_string_append (s, ",\"vectorClock\":");
  vrtc_clock_write_json (clock, s);
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

char *
vrtc_frame_new_room_reset (void)
{
  return g_strdup ("{\"mtype\":\"room-reset\"}");
}
