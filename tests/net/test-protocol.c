/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "vrtc-protocol.h"

/*
 * vrtc_frame_parse_bytes keeps a state frame's snapshot as text and must otherwise read
 * every frame as vrtc_frame_parse does, refusing the same bad frames.
 */

static const char state_frame[] =
  "{\"mtype\":\"state\",\"snapshot\":{\"graph\":{\"nodes\":{\"scene\":{\"key\":\"scene\"}},"
  "\"rootKey\":\"scene\"},\"lamportTime\":3,\"note\":\"a } in a string\"},"
  "\"journal\":[{\"id\":\"a:1\",\"sessionId\":\"a\",\"clock\":{\"a\":1},\"lamportTime\":4,"
  "\"timestamp\":1,\"ops\":[{\"key\":\"n\",\"otype\":\"number.set\",\"path\":\"x\",\"value\":2}]}]}";

static gboolean
parse_bytes (const char *text,
             VrtcFrame  *frame,
             GError    **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return vrtc_frame_parse_bytes (bytes, frame, error);
}

static void
test_state_snapshot_text (void)
{
  VrtcFrame frame = { 0 };
  g_autoptr(GError) error = NULL;
  const char *start = strstr (state_frame, "{\"graph\"");
  const char *end = strstr (state_frame, ",\"journal\"");
  gsize len;
  const char *text;

  g_assert_true (parse_bytes (state_frame, &frame, &error));
  g_assert_no_error (error);
  g_assert_cmpint (frame.type, ==, VRTC_FRAME_STATE);
  g_assert_nonnull (frame.snapshot_text);
  text = g_bytes_get_data (frame.snapshot_text, &len);
  /* exactly the object's text, byte for byte */
  g_assert_cmpuint (len, ==, (gsize) (end - start));
  g_assert_true (memcmp (text, start, len) == 0);
  g_assert_cmpint (frame.snapshot.kind, ==, VRTC_VALUE_NONE);
  g_assert_cmpuint (frame.journal->len, ==, 1);
  g_assert_cmpstr (((VrtcMessage *) frame.journal->pdata[0])->id, ==, "a:1");
  vrtc_frame_clear (&frame);
}

/* Frames without a snapshot object, and wrapped ones, read as vrtc_frame_parse reads them. */
static void
test_same_as_parse (void)
{
  static const char *const frames[] = {
    "{\"mtype\":\"state\",\"snapshot\":null,\"journal\":[]}",
    "{\"mtype\":\"ack\",\"msgId\":\"a:1\",\"serverSeq\":7}",
    "{\"mtype\":\"heartbeat\",\"sessionId\":\"b\",\"vectorClock\":{\"a\":2}}",
    "{\"etype\":\"RTC\",\"data\":{\"mtype\":\"state\",\"snapshot\":{\"graph\":{\"nodes\":{}}},\"journal\":[]}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      VrtcFrame a = { 0 }, b = { 0 };
      g_autoptr(GError) error = NULL;

      g_assert_true (vrtc_frame_parse (frames[i], strlen (frames[i]), &a, &error));
      g_assert_true (parse_bytes (frames[i], &b, &error));
      g_assert_no_error (error);
      g_assert_cmpint (a.type, ==, b.type);
      g_assert_null (b.snapshot_text);
      g_assert_cmpint (a.snapshot.kind, ==, b.snapshot.kind);
      g_assert_cmpstr (a.msg_id, ==, b.msg_id);
      g_assert_cmpint (a.server_seq, ==, b.server_seq);
      g_assert_cmpstr (a.session_id, ==, b.session_id);
      vrtc_frame_clear (&a);
      vrtc_frame_clear (&b);
    }
}

/* What vrtc_frame_parse refuses, this refuses too, naming the problem. */
static void
test_errors (void)
{
  static const struct {
    const char *text;
    const char *expected;
  } bad[] = {
    { "{\"mtype\":\"state\",\"snapshot\":{\"graph\":1}", "1:" },      /* cut short */
    { "{\"mtype\":\"state\",\"snapshot\":{}} extra", "1:" },
    { "{\"mtype\":\"nope\",\"snapshot\":{}}", "mtype" },
    { "{\"snapshot\":{}}", "mtype" },
    { "{\"mtype\":\"state\",\"snapshot\":{},\"journal\":7}", "journal" },
    { "{\"mtype\":\"state\",\"snapshot\":{},\"journal\":[{\"id\":3}]}", "journal[0]" },
    { "[1,2]", "frame" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      VrtcFrame frame = { 0 };
      g_autoptr(GError) error = NULL;

      g_assert_false (parse_bytes (bad[i].text, &frame, &error));
      g_assert_nonnull (error);
      if (strstr (error->message, bad[i].expected) == NULL)
        g_error ("case %u: \"%s\" does not name %s", i, error->message, bad[i].expected);
      g_assert_null (frame.snapshot_text);
      g_assert_null (frame.journal);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/state-snapshot-text", test_state_snapshot_text);
  g_test_add_func ("/protocol/same-as-parse", test_same_as_parse);
  g_test_add_func ("/protocol/errors", test_errors);

  return g_test_run ();
}
