/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "vrtc-codec.h"
#include "vrtc-message.h"
#include "vrtc-operation.h"
#include "vrtc-snapshot.h"
#include "vrtc-snapshot-private.h"
#include "test-case-message.h"

/* Every expected output below is written by hand, never produced by the code under test. */

static char *
write_message (const VrtcMessage *msg,
               VrtcDialect        dialect)
{
  return vrtc_message_to_json (msg, dialect);
}

static VrtcMessage *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  VrtcMessage *msg = vrtc_message_new_from_json (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (msg);
  return msg;
}

static char *
canonical (const char *text)
{
  g_autoptr(GError) error = NULL;
  VrtcValue v = VRTC_VALUE_INIT;
  char *json;

  g_assert_true (vrtc_codec_parse_value (text, -1, &v, &error));
  g_assert_no_error (error);
  json = vrtc_value_to_json (&v);
  vrtc_value_clear (&v);
  return json;
}

static char *
op_json (const char  *text,
         VrtcDialect  dialect)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcOperation) op = vrtc_operation_new_from_json (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (op);
  return vrtc_operation_to_json (op, dialect);
}

/* ---------------------------------------------------------------------------------------- */

static const char seed_input[] =
  "{\n"
  "  \"timestamp\": 1700000000000.5,\n"
  "  \"sessionId\": \"alice\",\n"
  "  \"ops\": [\n"
  "    {\"otype\": \"node.insert\", \"key\": \"cube\", \"path\": \"\", \"tag\": \"Mesh\",\n"
  "     \"parentKey\": \"scene\", \"targetMsgId\": null,\n"
  "     \"value\": {\"name\": \"Cube\", \"position\": [0, 1.5, -0], \"color\": \"#ff0000\"}},\n"
  "    {\"value\": [1, 2, 3], \"path\": \"position\", \"otype\": \"vector3.add\", \"key\": \"cube\"},\n"
  "    {\"key\": \"label\", \"otype\": \"text.insert\", \"path\": \"text\", \"value\": \"hi\",\n"
  "     \"position\": 3, \"length\": null},\n"
  "    {\"key\": \"cube\", \"otype\": \"color.blend\", \"path\": \"color\", \"value\": \"#0000ff\",\n"
  "     \"alpha\": 0.25, \"unknownField\": {\"ignored\": true}},\n"
  "    {\"key\": \"\", \"otype\": \"meta.undo\", \"path\": \"\", \"value\": null,\n"
  "     \"targetMsgId\": \"bob:2\"},\n"
  "    {\"key\": \"cube\", \"otype\": \"vendor.custom\", \"path\": \"x\",\n"
  "     \"value\": {\"b\": 1, \"a\": [true, null, \"s\"]}}\n"
  "  ],\n"
  "  \"lamportTime\": 7,\n"
  "  \"id\": \"alice:3\",\n"
  "  \"clock\": {\"bob\": 2, \"alice\": 3, \"carol\": 0}\n"
  "}\n";

static const char seed_expected[] =
  "{\"clock\":{\"alice\":3,\"bob\":2},\"id\":\"alice:3\",\"lamportTime\":7,\"ops\":["
  "{\"key\":\"cube\",\"otype\":\"node.insert\",\"parentKey\":\"scene\",\"path\":\"\","
  "\"tag\":\"Mesh\",\"value\":{\"color\":\"#ff0000\",\"name\":\"Cube\",\"position\":[0,1.5,0]}},"
  "{\"key\":\"cube\",\"otype\":\"vector3.add\",\"path\":\"position\",\"value\":[1,2,3]},"
  "{\"key\":\"label\",\"otype\":\"text.insert\",\"path\":\"text\",\"position\":3,"
  "\"value\":\"hi\"},"
  "{\"alpha\":0.25,\"key\":\"cube\",\"otype\":\"color.blend\",\"path\":\"color\","
  "\"value\":\"#0000ff\"},"
  "{\"key\":\"\",\"otype\":\"meta.undo\",\"path\":\"\",\"targetMsgId\":\"bob:2\"},"
  "{\"key\":\"cube\",\"otype\":\"vendor.custom\",\"path\":\"x\","
  "\"value\":{\"a\":[true,null,\"s\"],\"b\":1}}"
  "],\"sessionId\":\"alice\",\"timestamp\":1700000000000.5}";

static const char compact_expected[] =
  "{\"client\":\"alice\",\"clock\":{\"alice\":3,\"bob\":2},\"id\":\"alice:3\",\"lt\":7,\"ops\":["
  "{\"key\":\"cube\",\"ot\":\"node.insert\",\"parentKey\":\"scene\",\"path\":\"\","
  "\"tag\":\"Mesh\",\"value\":{\"color\":\"#ff0000\",\"name\":\"Cube\",\"position\":[0,1.5,0]}},"
  "{\"key\":\"cube\",\"ot\":\"vector3.add\",\"path\":\"position\",\"value\":[1,2,3]},"
  "{\"key\":\"label\",\"ot\":\"text.insert\",\"path\":\"text\",\"position\":3,"
  "\"value\":\"hi\"},"
  "{\"alpha\":0.25,\"key\":\"cube\",\"ot\":\"color.blend\",\"path\":\"color\","
  "\"value\":\"#0000ff\"},"
  "{\"key\":\"\",\"ot\":\"meta.undo\",\"path\":\"\",\"targetMsgId\":\"bob:2\"},"
  "{\"key\":\"cube\",\"ot\":\"vendor.custom\",\"path\":\"x\","
  "\"value\":{\"a\":[true,null,\"s\"],\"b\":1}}"
  "],\"ts\":1700000000000.5}";

static void
test_seed_roundtrip (void)
{
  g_autoptr(VrtcMessage) msg = parse_ok (seed_input);
  g_autofree char *out = write_message (msg, VRTC_DIALECT_SEED);
  g_autoptr(VrtcMessage) again = NULL;
  g_autofree char *out2 = NULL;

  g_assert_cmpstr (out, ==, seed_expected);

  again = parse_ok (out);
  out2 = write_message (again, VRTC_DIALECT_SEED);
  g_assert_cmpstr (out2, ==, out);
}

static void
test_compact_roundtrip (void)
{
  g_autoptr(VrtcMessage) msg = parse_ok (seed_input);
  g_autofree char *compact = write_message (msg, VRTC_DIALECT_COMPACT);
  g_autoptr(VrtcMessage) from_compact = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *compact2 = NULL;

  g_assert_cmpstr (compact, ==, compact_expected);

  /* seed in -> compact out -> seed in: the same message */
  from_compact = parse_ok (compact);
  seed = write_message (from_compact, VRTC_DIALECT_SEED);
  g_assert_cmpstr (seed, ==, seed_expected);
  compact2 = write_message (from_compact, VRTC_DIALECT_COMPACT);
  g_assert_cmpstr (compact2, ==, compact_expected);
}

static void
test_compact_input (void)
{
  /* the TS WireMessage field names, an insert in the TS shape, no clock */
  const char *input =
    "{\"id\":\"bob:12\",\"client\":\"bob\",\"lt\":40,\"ts\":1.5e12,"
    "\"ops\":[{\"key\":\".\",\"ot\":\"node.insert\",\"path\":\"children\","
    "\"value\":{\"key\":\"light\",\"tag\":\"PointLight\",\"name\":\"Lamp\",\"intensity\":2}},"
    "{\"key\":\"light\",\"ot\":\"number.multiply\",\"path\":\"intensity\",\"value\":0.5}]}";
  const char *seed =
    "{\"clock\":{},\"id\":\"bob:12\",\"lamportTime\":40,\"ops\":["
    "{\"key\":\"light\",\"otype\":\"node.insert\",\"parentKey\":\"scene\",\"path\":\"\","
    "\"tag\":\"PointLight\",\"value\":{\"intensity\":2,\"name\":\"Lamp\"}},"
    "{\"key\":\"light\",\"otype\":\"number.multiply\",\"path\":\"intensity\",\"value\":0.5}],"
    "\"sessionId\":\"bob\",\"timestamp\":1500000000000}";
  g_autoptr(VrtcMessage) msg = parse_ok (input);
  g_autofree char *out = write_message (msg, VRTC_DIALECT_SEED);
  g_autofree char *clock = vrtc_message_get_clock_json (msg);

  g_assert_cmpstr (out, ==, seed);
  g_assert_cmpstr (clock, ==, "{}");
  g_assert_cmpuint (msg->seq, ==, 12);
}

static void
test_message_getters (void)
{
  g_autoptr(VrtcMessage) msg = parse_ok (seed_input);
  g_autofree char *clock = vrtc_message_get_clock_json (msg);
  VrtcOperation *op;
  VrtcMessage *copy;

  g_assert_cmpstr (vrtc_message_get_id (msg), ==, "alice:3");
  g_assert_cmpstr (vrtc_message_get_session_id (msg), ==, "alice");
  g_assert_cmpint (vrtc_message_get_lamport_time (msg), ==, 7);
  g_assert_cmpfloat (vrtc_message_get_timestamp (msg), ==, 1700000000000.5);
  g_assert_cmpuint (vrtc_message_get_n_operations (msg), ==, 6);
  g_assert_cmpstr (clock, ==, "{\"alice\":3,\"bob\":2}");
  g_assert_cmpuint (msg->seq, ==, 3);

  op = vrtc_message_get_operation (msg, 0);
  g_assert_cmpstr (vrtc_operation_get_key (op), ==, "cube");
  g_assert_cmpstr (vrtc_operation_get_otype (op), ==, "node.insert");
  g_assert_cmpstr (vrtc_operation_get_tag (op), ==, "Mesh");
  g_assert_cmpstr (vrtc_operation_get_name (op), ==, "Cube");
  g_assert_null (vrtc_operation_get_parent_key (op));
  g_assert_true (vrtc_operation_is_supported (op));

  op = vrtc_message_get_operation (msg, 4);
  g_assert_cmpstr (vrtc_operation_get_target_msg_id (op), ==, "bob:2");
  g_assert_null (vrtc_operation_get_value_json (op));

  op = vrtc_message_get_operation (msg, 5);
  g_assert_false (vrtc_operation_is_supported (op));

  /* the boxed type refs */
  copy = g_boxed_copy (VRTC_TYPE_MESSAGE, msg);
  g_assert_true (copy == msg);
  g_assert_cmpint (msg->ref_count, ==, 2);
  g_boxed_free (VRTC_TYPE_MESSAGE, copy);
  g_assert_cmpint (msg->ref_count, ==, 1);
}

static void
test_message_defaults (void)
{
  /* no clock, no timestamp, null optional op fields, an empty ops list */
  g_autoptr(VrtcMessage) msg =
    parse_ok ("{\"id\":\"a:1\",\"sessionId\":\"a\",\"lamportTime\":0,\"ops\":[],\"clock\":null}");
  g_autofree char *out = write_message (msg, VRTC_DIALECT_SEED);

  g_assert_cmpstr (out, ==,
                   "{\"clock\":{},\"id\":\"a:1\",\"lamportTime\":0,\"ops\":[],"
                   "\"sessionId\":\"a\",\"timestamp\":0}");
}

/* ---------------------------------------------------------------------------------------- */

static void
test_insert_shapes (void)
{
  const char *expected =
    "{\"key\":\"cube\",\"otype\":\"node.insert\",\"parentKey\":\"group\",\"path\":\"\","
    "\"tag\":\"Mesh\",\"value\":{\"color\":\"red\",\"name\":\"Cube\"}}";
  const char *shapes[] = {
    /* 1. seed */
    "{\"key\":\"cube\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
    "\"parentKey\":\"group\",\"value\":{\"name\":\"Cube\",\"color\":\"red\"}}",
    /* 1'. seed with the tag inside the value */
    "{\"key\":\"cube\",\"otype\":\"node.insert\",\"path\":\"\",\"parentKey\":\"group\","
    "\"value\":{\"tag\":\"Mesh\",\"name\":\"Cube\",\"color\":\"red\"}}",
    /* 2. TS: key is the parent */
    "{\"key\":\"group\",\"ot\":\"node.insert\",\"path\":\"children\","
    "\"value\":{\"key\":\"cube\",\"tag\":\"Mesh\",\"name\":\"Cube\",\"color\":\"red\"}}",
    /* 2'. TS with the tag at the top */
    "{\"key\":\"group\",\"otype\":\"node.insert\",\"path\":\"children\",\"tag\":\"Mesh\","
    "\"value\":{\"key\":\"cube\",\"name\":\"Cube\",\"color\":\"red\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autofree char *out = op_json (shapes[i], VRTC_DIALECT_SEED);

      g_test_message ("shape %u", i);
      g_assert_cmpstr (out, ==, expected);
    }
}

static void
test_insert_root (void)
{
  const char *expected =
    "{\"key\":\"cube\",\"otype\":\"node.insert\",\"parentKey\":\"scene\",\"path\":\"\","
    "\"tag\":\"Box\",\"value\":{}}";
  const char *shapes[] = {
    "{\"key\":\"cube\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Box\"}",
    "{\"key\":\"cube\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Box\","
    "\"parentKey\":\"scene\",\"value\":{}}",
    "{\"key\":\"cube\",\"otype\":\"node.insert\",\"tag\":\"Box\",\"parentKey\":null,"
    "\"value\":null}",
    "{\"key\":\"\",\"otype\":\"node.insert\",\"path\":\"children\","
    "\"value\":{\"key\":\"cube\",\"tag\":\"Box\"}}",
    "{\"key\":\".\",\"otype\":\"node.insert\",\"path\":\"children\","
    "\"value\":{\"key\":\"cube\",\"tag\":\"Box\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autofree char *out = op_json (shapes[i], VRTC_DIALECT_SEED);
      g_autoptr(VrtcOperation) op = vrtc_operation_new_from_json (shapes[i], NULL);

      g_test_message ("shape %u", i);
      g_assert_cmpstr (out, ==, expected);
      g_assert_null (vrtc_operation_get_parent_key (op));
      g_assert_null (vrtc_operation_get_value_json (op));
      g_assert_null (vrtc_operation_get_name (op));
    }
}

static void
test_remove_shapes (void)
{
  const char *expected = "{\"key\":\"cube\",\"otype\":\"node.remove\",\"path\":\"\"}";
  const char *shapes[] = {
    "{\"key\":\"cube\",\"otype\":\"node.remove\",\"path\":\"\"}",
    "{\"key\":\"cube\",\"otype\":\"node.remove\",\"value\":null,\"parentKey\":\"group\"}",
    "{\"key\":\"group\",\"otype\":\"node.remove\",\"path\":\"children\",\"value\":\"cube\"}",
    "{\"key\":\"\",\"ot\":\"node.remove\",\"path\":\"children\",\"value\":\"cube\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autofree char *out = op_json (shapes[i], VRTC_DIALECT_SEED);

      g_test_message ("shape %u", i);
      g_assert_cmpstr (out, ==, expected);
    }
}

static void
test_move (void)
{
  const char *expected =
    "{\"key\":\"cube\",\"otype\":\"node.move\",\"path\":\"\","
    "\"value\":{\"newParent\":\"group\",\"nodeKey\":\"cube\"}}";
  const char *to_root =
    "{\"key\":\"cube\",\"otype\":\"node.move\",\"path\":\"\","
    "\"value\":{\"newParent\":\"scene\",\"nodeKey\":\"cube\"}}";
  g_autofree char *a = op_json ("{\"key\":\"\",\"otype\":\"node.move\",\"path\":\"\","
                                "\"value\":{\"nodeKey\":\"cube\",\"newParent\":\"group\"}}",
                                VRTC_DIALECT_SEED);
  g_autofree char *b = op_json ("{\"key\":\"cube\",\"otype\":\"node.move\","
                                "\"parentKey\":\"group\"}", VRTC_DIALECT_SEED);
  g_autofree char *c = op_json ("{\"key\":\"cube\",\"otype\":\"node.move\","
                                "\"value\":{\"newParent\":\"\"}}", VRTC_DIALECT_SEED);
  g_autoptr(VrtcOperation) op =
    vrtc_operation_new_from_json ("{\"key\":\"x\",\"otype\":\"node.move\","
                                  "\"value\":{\"nodeKey\":\"cube\",\"newParent\":\"group\"}}",
                                  NULL);

  g_assert_cmpstr (a, ==, expected);
  g_assert_cmpstr (b, ==, expected);
  g_assert_cmpstr (c, ==, to_root);
  g_assert_cmpstr (vrtc_operation_get_key (op), ==, "cube");
  g_assert_cmpstr (vrtc_operation_get_parent_key (op), ==, "group");
}

static void
test_meta (void)
{
  const char *expected =
    "{\"key\":\"\",\"otype\":\"meta.redo\",\"path\":\"\",\"targetMsgId\":\"alice:4\"}";
  g_autofree char *a = op_json ("{\"otype\":\"meta.redo\",\"targetMsgId\":\"alice:4\"}",
                                VRTC_DIALECT_SEED);
  g_autofree char *b = op_json ("{\"otype\":\"meta.redo\",\"value\":\"alice:4\"}",
                                VRTC_DIALECT_SEED);
  g_autofree char *c = op_json ("{\"otype\":\"meta.redo\",\"key\":\"\","
                                "\"value\":{\"targetMsgId\":\"alice:4\"}}",
                                VRTC_DIALECT_SEED);

  g_assert_cmpstr (a, ==, expected);
  g_assert_cmpstr (b, ==, expected);
  g_assert_cmpstr (c, ==, expected);
}

static void
test_operation_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcOperation) set = vrtc_operation_new ("cube", "number.set", "x", "1.50", &error);
  g_autoptr(VrtcOperation) insert = NULL;
  g_autoptr(VrtcOperation) undo = NULL;
  g_autoptr(VrtcOperation) bad = NULL;
  g_autoptr(VrtcOperation) copy = NULL;
  g_autofree char *set_json = NULL;
  g_autofree char *set_compact = NULL;
  g_autofree char *insert_json = NULL;
  g_autofree char *value = NULL;

  g_assert_no_error (error);
  set_json = vrtc_operation_to_json (set, VRTC_DIALECT_SEED);
  g_assert_cmpstr (set_json, ==, "{\"key\":\"cube\",\"otype\":\"number.set\",\"path\":\"x\","
                                 "\"value\":1.5}");
  set_compact = vrtc_operation_to_json (set, VRTC_DIALECT_COMPACT);
  g_assert_cmpstr (set_compact, ==, "{\"key\":\"cube\",\"ot\":\"number.set\",\"path\":\"x\","
                                    "\"value\":1.5}");
  value = vrtc_operation_get_value_json (set);
  g_assert_cmpstr (value, ==, "1.5");
  g_assert_cmpstr (vrtc_operation_get_path (set), ==, "x");
  g_assert_true (vrtc_operation_is_supported (set));

  insert = vrtc_operation_new ("cube", "node.insert", NULL,
                               "{\"tag\":\"Box\",\"name\":\"Crate\",\"scale\":[2,2,2]}", &error);
  g_assert_no_error (error);
  insert_json = vrtc_operation_to_json (insert, VRTC_DIALECT_SEED);
  g_assert_cmpstr (insert_json, ==,
                   "{\"key\":\"cube\",\"otype\":\"node.insert\",\"parentKey\":\"scene\","
                   "\"path\":\"\",\"tag\":\"Box\",\"value\":{\"name\":\"Crate\","
                   "\"scale\":[2,2,2]}}");

  undo = vrtc_operation_new (NULL, "meta.undo", NULL, "\"alice:1\"", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vrtc_operation_get_target_msg_id (undo), ==, "alice:1");
  g_assert_cmpstr (vrtc_operation_get_key (undo), ==, "");

  bad = vrtc_operation_new ("cube", "number.set", "x", "[1,", &error);
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_assert_cmpstr (error->message, ==, "value: 1:4: unexpected end of text, expected a value");
  g_assert_null (bad);
  g_clear_error (&error);

  bad = vrtc_operation_new (NULL, "number.set", "x", "1", &error);
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_MISSING_FIELD);
  g_assert_cmpstr (error->message, ==, "key: missing");
  g_clear_error (&error);

  copy = g_boxed_copy (VRTC_TYPE_OPERATION, set);
  g_assert_true (copy != set);
  g_assert_cmpstr (vrtc_operation_get_key (copy), ==, "cube");
  g_assert_true (vrtc_operation_is_supported (copy));
}

static void
test_extras (void)
{
  /* every flat extra is kept and written back flat, in sorted position */
  g_autofree char *out =
    op_json ("{\"to\":2,\"from\":1,\"index\":0,\"separator\":\", \",\"length\":4,"
             "\"position\":1,\"alpha\":0.5,\"key\":\"k\",\"otype\":\"x.y\",\"path\":\"p\","
             "\"value\":\"v\",\"other\":1}", VRTC_DIALECT_SEED);

  g_assert_cmpstr (out, ==,
                   "{\"alpha\":0.5,\"from\":1,\"index\":0,\"key\":\"k\",\"length\":4,"
                   "\"otype\":\"x.y\",\"path\":\"p\",\"position\":1,\"separator\":\", \","
                   "\"to\":2,\"value\":\"v\"}");
}

/* ---------------------------------------------------------------------------------------- */

static void
test_numbers (void)
{
  g_autofree char *a = canonical ("[1, 0.1, 1e21, -0, 123456789012, -0.0, 1E2, 2.50]");
  g_autofree char *b = canonical ("[0.30000000000000004, -1.25, 5e-324, 1.7976931348623157e308,"
                                  " 12.0e1, 3.14159, 1700000000000.5]");
  g_autofree char *c = canonical ("{\"n\":-0}");
  g_autoptr(GError) error = NULL;
  VrtcValue v = VRTC_VALUE_INIT;

  g_assert_cmpstr (a, ==, "[1,0.1,1e+21,0,123456789012,0,100,2.5]");
  g_assert_cmpstr (b, ==, "[0.30000000000000004,-1.25,5e-324,1.7976931348623157e+308,"
                          "120,3.14159,1700000000000.5]");
  g_assert_cmpstr (c, ==, "{\"n\":0}");

  /* JSON.stringify (2 ** 64) is an integer literal: it must not wrap */
  g_assert_true (vrtc_codec_parse_value ("18446744073709551616", -1, &v, &error));
  g_assert_no_error (error);
  g_assert_cmpint (v.kind, ==, VRTC_VALUE_NUMBER);
  g_assert_cmpfloat (v.u.num, ==, 18446744073709551616.0);
  g_assert_true (vrtc_codec_parse_value ("-9223372036854775809", -1, &v, &error));
  g_assert_cmpfloat (v.u.num, ==, -9223372036854775808.0);
  /* a long integer literal that doubles hold exactly */
  g_assert_true (vrtc_codec_parse_value ("9007199254740991", -1, &v, &error));
  g_assert_cmpfloat (v.u.num, ==, 9007199254740991.0);
  /* underflow is zero, not an error */
  g_assert_true (vrtc_codec_parse_value ("1e-400", -1, &v, &error));
  g_assert_cmpfloat (v.u.num, ==, 0.0);
  g_assert_false (signbit (v.u.num));
  vrtc_value_clear (&v);
}

/* Small exponents as JavaScript's Number::toString (and RFC 8785) write them: the shortest
 * digits, closest to the exact value, and no zero padding in the exponent. */
static void
test_numbers_exponent (void)
{
  const char *expected = "[1.5e-7,1e-7,-2.5e-8,7.120236347223045e-307]";
  g_autofree char *a = canonical ("[1.5e-7, 1e-7, -2.5E-8, 7.120236347223045e-307]");

  /* reported without aborting, so that the later tests still run */
  if (g_strcmp0 (a, expected) != 0)
    g_test_fail_printf ("canonical numbers: got %s, expected %s", a, expected);
}

static void
test_sorted_keys (void)
{
  g_autofree char *a = canonical ("{\"b\":1,\"a\":{\"d\":2,\"c\":3},\"A\":0,\"\\u00e9\":1,"
                                  "\"aa\":2,\"\":5}");
  g_autofree char *b = canonical ("{\"a\":1,\"b\":2,\"a\":3}");
  g_autofree char *c = canonical (" [ { } , [ ] , \"\" , null , true , false ] ");

  g_assert_cmpstr (a, ==, "{\"\":5,\"A\":0,\"a\":{\"c\":3,\"d\":2},\"aa\":2,\"b\":1,"
                          "\"\xc3\xa9\":1}");
  /* the last duplicate wins, as in JavaScript */
  g_assert_cmpstr (b, ==, "{\"a\":3,\"b\":2}");
  g_assert_cmpstr (c, ==, "[{},[],\"\",null,true,false]");
}

static void
test_strings (void)
{
  g_autofree char *a = canonical ("\"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\\\/\\u001f\\u007f"
                                  "\\b\\f\\r\"");
  g_autofree char *b = canonical ("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  g_autofree char *c = canonical ("\"\\ud800x\"");
  g_autofree char *d = canonical ("\"\\ud800\\u0041\"");
  g_autofree char *e = canonical ("\"\\udc00\\ud83d\\ude00\"");
  g_autofree char *f = canonical ("\"\\u2028\\uFFFF\"");

  g_assert_cmpstr (a, ==, "\"\xc3\xa9\xf0\x9f\x98\x80\\n\\t\\\"\\\\/\\u001f\x7f\\b\\f\\r\"");
  g_assert_cmpstr (b, ==, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  /* a lone surrogate has no UTF-8 form: U+FFFD */
  g_assert_cmpstr (c, ==, "\"\xef\xbf\xbdx\"");
  g_assert_cmpstr (d, ==, "\"\xef\xbf\xbd" "A\"");
  g_assert_cmpstr (e, ==, "\"\xef\xbf\xbd\xf0\x9f\x98\x80\"");
  g_assert_cmpstr (f, ==, "\"\xe2\x80\xa8\xef\xbf\xbf\"");
}

static void
test_bad_text (void)
{
  g_autoptr(GError) error = NULL;
  VrtcValue v = VRTC_VALUE_INIT;

  g_assert_false (vrtc_codec_parse_value ("\"\xff\"", -1, &v, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_assert_cmpstr (error->message, ==, "1:2: the text is not valid UTF-8");
  g_clear_error (&error);

  g_assert_false (vrtc_codec_parse_value ("[1,\n\"\xc3\"]", -1, &v, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_assert_cmpstr (error->message, ==, "2:2: the text is not valid UTF-8");
  g_clear_error (&error);

  g_assert_false (vrtc_codec_parse_value ("[1,\0002]", 6, &v, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_assert_cmpstr (error->message, ==, "1:4: NUL byte in the text");
  g_clear_error (&error);

  /* an explicit length stops before whatever follows */
  g_assert_true (vrtc_codec_parse_value ("[1]garbage", 3, &v, &error));
  g_assert_no_error (error);
  g_assert_cmpint (v.kind, ==, VRTC_VALUE_VEC);

  /* a byte order mark is skipped */
  g_assert_true (vrtc_codec_parse_value ("\xef\xbb\xbf{}", -1, &v, &error));
  g_assert_no_error (error);
  g_assert_cmpint (v.kind, ==, VRTC_VALUE_OBJECT);
  vrtc_value_clear (&v);
}

static void
test_nesting (void)
{
  g_autoptr(GError) error = NULL;
  GString *deep = g_string_new (NULL);
  VrtcValue v = VRTC_VALUE_INIT;

  for (int i = 0; i < 512; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < 512; i++)
    g_string_append_c (deep, ']');
  g_assert_true (vrtc_codec_parse_value (deep->str, deep->len, &v, &error));
  g_assert_no_error (error);
  vrtc_value_clear (&v);

  g_string_truncate (deep, 0);
  for (int i = 0; i < 100000; i++)
    g_string_append (deep, "{\"a\":[");
  g_assert_false (vrtc_codec_parse_value (deep->str, deep->len, &v, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "1:1537: nested deeper than 512 levels");
  g_string_free (deep, TRUE);
}

static void
test_value_types (void)
{
  g_autoptr(GError) error = NULL;
  VrtcValue v = VRTC_VALUE_INIT;

  g_assert_true (vrtc_codec_parse_value ("[1, 2.5, -3]", -1, &v, &error));
  g_assert_cmpint (v.kind, ==, VRTC_VALUE_VEC);
  g_assert_cmpuint (v.len, ==, 3);
  g_assert_cmpfloat (v.u.vec[1], ==, 2.5);

  g_assert_true (vrtc_codec_parse_value ("[1, \"2\"]", -1, &v, &error));
  g_assert_cmpint (v.kind, ==, VRTC_VALUE_ARRAY);

  g_assert_true (vrtc_codec_parse_value ("[]", -1, &v, &error));
  g_assert_cmpint (v.kind, ==, VRTC_VALUE_ARRAY);
  g_assert_cmpuint (v.len, ==, 0);

  g_assert_true (vrtc_codec_parse_value ("\"h\\u00e9\"", -1, &v, &error));
  g_assert_cmpint (v.kind, ==, VRTC_VALUE_STRING);
  g_assert_cmpuint (v.len, ==, 3);
  g_assert_no_error (error);
  vrtc_value_clear (&v);
}

static void
test_json_node (void)
{
  const char *text = "{\"b\":[1,2.5],\"a\":{\"x\":[true,null,\"s\"]},\"c\":-7}";
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) back = NULL;
  g_autofree char *json = NULL;
  g_autofree char *generated = NULL;
  VrtcValue v = VRTC_VALUE_INIT;
  VrtcValue w = VRTC_VALUE_INIT;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_true (vrtc_codec_value_from_node (json_parser_get_root (parser), &v, &error));
  g_assert_no_error (error);
  json = vrtc_value_to_json (&v);
  g_assert_cmpstr (json, ==, "{\"a\":{\"x\":[true,null,\"s\"]},\"b\":[1,2.5],\"c\":-7}");

  back = vrtc_codec_value_to_node (&v);
  g_assert_true (vrtc_codec_value_from_node (back, &w, &error));
  g_assert_true (vrtc_value_equal (&v, &w));
  generated = json_to_string (back, FALSE);
  g_assert_nonnull (strstr (generated, "\"c\":-7"));
  vrtc_value_clear (&v);
  vrtc_value_clear (&w);
}

/* ---------------------------------------------------------------------------------------- */

static int
error_code (const char *name)
{
  static const struct { const char *name; int code; } codes[] = {
    { "INVALID_JSON", VRTC_ERROR_INVALID_JSON },
    { "MISSING_FIELD", VRTC_ERROR_MISSING_FIELD },
    { "WRONG_TYPE", VRTC_ERROR_WRONG_TYPE },
    { "INVALID_VALUE", VRTC_ERROR_INVALID_VALUE },
    { "ID_MISMATCH", VRTC_ERROR_ID_MISMATCH },
    { "TOO_LARGE", VRTC_ERROR_TOO_LARGE },
    { "NOT_FOUND", VRTC_ERROR_NOT_FOUND },
    { "FAILED", VRTC_ERROR_FAILED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (strcmp (codes[i].name, name) == 0)
      return codes[i].code;
  g_error ("unknown error code %s", name);
}

static void
test_malformed (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "vectors",
                                                 "codec-malformed.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *cases;

  /* the vectors are read with json-glib, independently of the code under test */
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  cases = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "cases");
  g_assert_cmpuint (json_array_get_length (cases), >, 50);

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      JsonNode *input = json_object_get_member (c, "input");
      const char *target = json_object_get_string_member_with_default (c, "target", "message");
      g_autofree char *text = NULL;
      g_autoptr(GError) case_error = NULL;

      if (JSON_NODE_HOLDS_VALUE (input) && json_node_get_value_type (input) == G_TYPE_STRING)
        text = g_strdup (json_node_get_string (input));
      else
        text = json_to_string (input, FALSE);

      message_case (i, json_object_get_string_member (c, "name"), text);
      if (strcmp (target, "operation") == 0)
        {
          g_autoptr(VrtcOperation) op = vrtc_operation_new_from_json (text, &case_error);

          g_assert_null (op);
        }
      else
        {
          g_autoptr(VrtcMessage) msg = vrtc_message_new_from_json (text, &case_error);

          g_assert_null (msg);
        }
      g_assert_error (case_error, VRTC_ERROR,
                      error_code (json_object_get_string_member (c, "code")));
      g_assert_cmpstr (case_error->message, ==, json_object_get_string_member (c, "message"));
    }
}

/* ---------------------------------------------------------------------------------------- */

#define MSG(id, session, lt, key) \
  "{\"id\":\"" id "\",\"sessionId\":\"" session "\",\"lamportTime\":" #lt "," \
  "\"ops\":[{\"key\":\"" key "\",\"otype\":\"number.set\",\"path\":\"x\",\"value\":1}]}"

static GPtrArray *
journal_ok (const char *text,
            VrtcValue  *snapshot)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_message_unref);

  g_assert_true (vrtc_codec_parse_journal (text, strlen (text), "j", messages, snapshot,
                                           &error));
  g_assert_no_error (error);
  return messages;
}

static void
journal_fails (const char *text,
               const char *name,
               int         code,
               const char *message)
{
  g_autoptr(GPtrArray) messages =
    g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_message_unref);
  g_autoptr(GError) error = NULL;
  VrtcValue snapshot = VRTC_VALUE_INIT;

  g_ptr_array_add (messages, parse_ok (MSG ("z:1", "z", 1, "k")));
  g_assert_false (vrtc_codec_parse_journal (text, strlen (text), name, messages, &snapshot,
                                            &error));
  g_assert_error (error, VRTC_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
  /* nothing was added, nothing was set */
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpint (snapshot.kind, ==, VRTC_VALUE_NONE);
}

static void
test_journal_lines (void)
{
  const char *text =
    MSG ("a:1", "a", 1, "k") "\n"
    "\n"
    "   \r\n"
    MSG ("b:1", "b", 1, "k") "\r\n"
    "{\"msg\":" MSG ("c:1", "c", 2, "k") ",\"ack\":true}\n"
    "{\"id\":\"a:2\",\"client\":\"a\",\"lt\":3,\"ops\":[]}";
  g_autoptr(GPtrArray) messages = journal_ok (text, NULL);
  const VrtcMessage *m;

  g_assert_cmpuint (messages->len, ==, 4);
  g_assert_cmpstr (vrtc_message_get_id (messages->pdata[0]), ==, "a:1");
  g_assert_cmpstr (vrtc_message_get_id (messages->pdata[1]), ==, "b:1");
  g_assert_cmpstr (vrtc_message_get_id (messages->pdata[2]), ==, "c:1");
  g_assert_cmpstr (vrtc_message_get_id (messages->pdata[3]), ==, "a:2");
  /* a line holding a plain message is read the way vrtc_codec_parse_message reads one, into
   * one allocation; a journal entry {msg, ack} goes through the tree */
  for (guint i = 0; i < messages->len; i++)
    {
      const char *lines[] = {
        MSG ("a:1", "a", 1, "k"), MSG ("b:1", "b", 1, "k"), MSG ("c:1", "c", 2, "k"),
        "{\"id\":\"a:2\",\"client\":\"a\",\"lt\":3,\"ops\":[]}",
      };
      g_autoptr(VrtcMessage) alone = parse_ok (lines[i]);
      g_autofree char *got = NULL, *expected = NULL;

      m = messages->pdata[i];
      g_assert_true (vrtc_msg_block_holds (m, m->id) == (i != 2));
      got = write_message (m, VRTC_DIALECT_SEED);
      expected = write_message (alone, VRTC_DIALECT_SEED);
      g_assert_cmpstr (got, ==, expected);
    }
}

static void
test_journal_line_errors (void)
{
  /* a decoding error names the line of the message */
  journal_fails (MSG ("a:1", "a", 1, "k") "\n"
                 MSG ("a:2", "a", 2, "k") "\n"
                 "{\"id\":\"a:3\",\"sessionId\":\"a\",\"lamportTime\":3,"
                 "\"ops\":[{\"key\":\"k\",\"path\":\"x\"}]}\n"
                 MSG ("a:4", "a", 4, "k") "\n",
                 "session.jsonl", VRTC_ERROR_MISSING_FIELD,
                 "session.jsonl:3: ops[0].otype: missing");

  /* a JSON error names line and column */
  journal_fails (MSG ("a:1", "a", 1, "k") "\n"
                 "\n"
                 "{\"id\":\"a:3\",,}\n",
                 "session.jsonl", VRTC_ERROR_INVALID_JSON,
                 "session.jsonl:3:13: unexpected character ',', expected a string as the "
                 "member name");

  /* two values on one line */
  journal_fails (MSG ("a:1", "a", 1, "k") " " MSG ("a:2", "a", 2, "k") "\n",
                 "x", VRTC_ERROR_INVALID_JSON,
                 "x:1:108: unexpected character '{', expected the end of the line");

  journal_fails ("[1,2]\n", "x", VRTC_ERROR_WRONG_TYPE, "x:1: expected a message, got a number");
  journal_fails ("\n\n\"x\"\n", "x", VRTC_ERROR_WRONG_TYPE,
                 "x:3: expected a message, got a string");
  journal_fails ("\xff", "bin", VRTC_ERROR_INVALID_JSON,
                 "bin:1:1: the text is not valid UTF-8");
}

static void
test_journal_array (void)
{
  const char *text =
    "[\n"
    "  " MSG ("a:1", "a", 1, "k") ",\n"
    "  {\n"
    "    \"msg\": " MSG ("b:1", "b", 2, "k") ",\n"
    "    \"ack\": true, \"deletedAt\": null\n"
    "  }\n"
    "]\n";
  const char *bad =
    "[\n"
    "  " MSG ("a:1", "a", 1, "k") ",\n"
    "  {\n"
    "    \"msg\": " MSG ("b:1", "b", 2, "k") ",\n"
    "    \"ack\": true\n"
    "  },\n"
    "\n"
    "  {\"id\": \"a:2\", \"sessionId\": \"a\",\n"
    "   \"lamportTime\": -4, \"ops\": []}\n"
    "]\n";
  const char *bad_entry =
    "[" MSG ("a:1", "a", 1, "k") ",\n"
    " {\"msg\": {\"id\": \"c:1\", \"sessionId\": \"b\", \"lamportTime\": 1, \"ops\": []}}]";
  g_autoptr(GPtrArray) messages = journal_ok (text, NULL);

  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (vrtc_message_get_id (messages->pdata[1]), ==, "b:1");

  journal_fails (bad, "arr.json", VRTC_ERROR_INVALID_VALUE,
                 "arr.json:8: lamportTime: expected a non-negative integer, got -4");
  journal_fails (bad_entry, "arr.json", VRTC_ERROR_ID_MISMATCH,
                 "arr.json:2: msg.id: \"c:1\" does not match session \"b\"");
}

static void
test_journal_state (void)
{
  const char *text =
    "{\"etype\": \"RTC\",\n"
    " \"data\": {\n"
    "  \"mtype\": \"state\",\n"
    "  \"snapshot\": {\"graph\": {\"nodes\": {}, \"rootKey\": \"scene\"}, \"lamportTime\": 4,\n"
    "               \"journalIndex\": 2, \"vectorClock\": {\"a\": 2}},\n"
    "  \"journal\": [\n"
    "    " MSG ("a:3", "a", 5, "k") ",\n"
    "    " MSG ("b:1", "b", 6, "k") "\n"
    "  ]\n"
    " }\n"
    "}\n";
  const char *bad =
    "{\"mtype\": \"state\",\n"
    " \"snapshot\": null,\n"
    " \"journal\": [\n"
    "   " MSG ("a:3", "a", 5, "k") ",\n"
    "   {\"id\": \"b:1\", \"sessionId\": \"b\", \"lamportTime\": 6,\n"
    "    \"ops\": [{\"otype\": \"number.set\"}]}\n"
    " ]\n"
    "}\n";
  const char *bad_wrapped =
    "{\"etype\": \"RTC\", \"value\": {\"mtype\": \"state\", \"journal\": [\n"
    "  " MSG ("a:3", "a", 5, "k") ",\n"
    "  {\"id\": \"b:1\", \"sessionId\": \"b\", \"lamportTime\": 6, \"ops\": {}}]}}";
  VrtcValue snapshot = VRTC_VALUE_INIT;
  g_autoptr(GPtrArray) messages = journal_ok (text, &snapshot);
  g_autofree char *snapshot_json = vrtc_value_to_json (&snapshot);

  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (vrtc_message_get_id (messages->pdata[0]), ==, "a:3");
  g_assert_cmpstr (snapshot_json, ==,
                   "{\"graph\":{\"nodes\":{},\"rootKey\":\"scene\"},\"journalIndex\":2,"
                   "\"lamportTime\":4,\"vectorClock\":{\"a\":2}}");
  vrtc_value_clear (&snapshot);

  journal_fails (bad, "state.json", VRTC_ERROR_MISSING_FIELD,
                 "state.json:5: journal[1].ops[0].key: missing");
  journal_fails (bad_wrapped, "state.json", VRTC_ERROR_WRONG_TYPE,
                 "state.json:3: value.journal[1].ops: expected an array, got an object");
  journal_fails ("{\"mtype\": \"state\", \"snapshot\": [1]}", "s", VRTC_ERROR_WRONG_TYPE,
                 "s:1: snapshot: expected an object, got an array");
}

static void
test_journal_frames (void)
{
  /* a recorded WebSocket session: only crdt and broadcast frames carry messages */
  const char *text =
    "{\"mtype\": \"crdt\", \"msg\": " MSG ("a:1", "a", 1, "k") "}\n"
    "{\"mtype\": \"ack\", \"msgId\": \"a:1\", \"serverSeq\": 1}\n"
    "{\"mtype\": \"heartbeat\", \"sessionId\": \"a\", \"vectorClock\": {\"a\": 1}}\n"
    "{\"etype\": \"RTC\", \"data\": {\"mtype\": \"broadcast\", \"msg\": "
    MSG ("b:1", "b", 2, "k") "}}\n"
    "{\"etype\": \"SET\", \"data\": {}}\n"
    "{\"mtype\": \"room-reset\"}\n";
  g_autoptr(GPtrArray) messages = journal_ok (text, NULL);

  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (vrtc_message_get_id (messages->pdata[1]), ==, "b:1");

  journal_fails ("{\"mtype\": \"crdt\"}\n", "f", VRTC_ERROR_MISSING_FIELD, "f:1: msg: missing");
  journal_fails ("\n{\"etype\": \"RTC\", \"data\": {\"mtype\": \"crdt\", \"msg\": "
                 "{\"id\": \"a:1\", \"sessionId\": \"a\", \"ops\": []}}}",
                 "f", VRTC_ERROR_MISSING_FIELD, "f:2: data.msg.lamportTime: missing");
}

static void
test_journal_single (void)
{
  g_autoptr(GPtrArray) one = journal_ok ("\n  " MSG ("a:1", "a", 1, "k") "\n\n", NULL);
  g_autoptr(GPtrArray) none = journal_ok ("", NULL);
  g_autoptr(GPtrArray) blank = journal_ok ("\n \n\t\n", NULL);
  g_autoptr(GPtrArray) empty_array = journal_ok ("[]", NULL);

  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (blank->len, ==, 0);
  g_assert_cmpuint (empty_array->len, ==, 0);

  journal_fails ("\n\n  {\"id\": \"a:1\",\n \"sessionId\": 1}", "one.json",
                 VRTC_ERROR_WRONG_TYPE, "one.json:3: sessionId: expected a string, got a number");
}

/* ---------------------------------------------------------------------------------------- */

static void
test_snapshot (void)
{
  const char *text =
    "{\"vectorClock\":{\"b\":1,\"a\":2},\"lamportTime\":9,\"journalIndex\":3,"
    "\"graph\":{\"rootKey\":\"scene\",\"nodes\":{\"scene\":{\"key\":\"scene\",\"tag\":\"Scene\"}}},"
    "\"stamps\":{}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcSnapshot) snapshot = vrtc_snapshot_new_from_json (text, &error);
  g_autoptr(VrtcSnapshot) bad = NULL;
  g_autofree char *json = NULL;
  g_autofree char *graph = NULL;
  const VrtcValue *value;

  g_assert_no_error (error);
  g_assert_nonnull (snapshot);
  g_assert_cmpint (vrtc_snapshot_get_lamport_time (snapshot), ==, 9);
  g_assert_cmpuint (vrtc_snapshot_get_journal_index (snapshot), ==, 3);
  graph = vrtc_snapshot_get_graph_json (snapshot);
  g_assert_cmpstr (graph, ==,
                   "{\"nodes\":{\"scene\":{\"key\":\"scene\",\"tag\":\"Scene\"}},"
                   "\"rootKey\":\"scene\"}");
  json = vrtc_snapshot_to_json (snapshot);
  g_assert_cmpstr (json, ==,
                   "{\"graph\":{\"nodes\":{\"scene\":{\"key\":\"scene\",\"tag\":\"Scene\"}},"
                   "\"rootKey\":\"scene\"},\"journalIndex\":3,\"lamportTime\":9,\"stamps\":{},"
                   "\"vectorClock\":{\"a\":2,\"b\":1}}");
  value = vrtc_snapshot_get_value (snapshot);
  g_assert_cmpint (value->kind, ==, VRTC_VALUE_OBJECT);

  bad = vrtc_snapshot_new_from_json ("[]", &error);
  g_assert_null (bad);
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  bad = vrtc_snapshot_new_from_json ("{\"lamportTime\": -1}", &error);
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==, "lamportTime: expected a non-negative integer");
  g_clear_error (&error);

  bad = vrtc_snapshot_new_from_json ("{\"graph\": 1}", &error);
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "graph: expected an object");
  g_clear_error (&error);

  bad = vrtc_snapshot_new_from_json ("{", &error);
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
}

static void
test_dialect_type (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (VRTC_TYPE_DIALECT);
  GEnumValue *value = g_enum_get_value_by_nick (klass, "compact");

  g_assert_nonnull (value);
  g_assert_cmpint (value->value, ==, VRTC_DIALECT_COMPACT);
  g_assert_true (G_TYPE_IS_BOXED (VRTC_TYPE_MESSAGE));
  g_assert_true (G_TYPE_IS_BOXED (VRTC_TYPE_OPERATION));
  g_assert_true (G_TYPE_IS_BOXED (VRTC_TYPE_SNAPSHOT));
}

/* ---------------------------------------------------------------------------------------- */

/* vrtc_codec_parse_message decodes most messages as it reads the text, and the others through
 * a tree (vrtc_codec_parse_value + vrtc_codec_decode_message): the two must always agree. */

#define HEAD "\"id\":\"a:2\",\"sessionId\":\"a\",\"lamportTime\":3,"
#define SET_OP "{\"key\":\"k\",\"otype\":\"number.set\",\"path\":\"x\",\"value\":1}"

static const char *const stream_cases[] = {
  seed_input,
  compact_expected,
  "\xef\xbb\xbf {\n \"ops\" : [ " SET_OP " ] ,\n " HEAD "\"timestamp\":null}\n",
  /* clocks: unsorted, repeated (the last one wins), empty, under their other name */
  "{" HEAD "\"clock\":{\"c\":2,\"a\":1,\"b\":0},\"ops\":[]}",
  "{" HEAD "\"clock\":{\"a\":1,\"a\":0},\"ops\":[]}",
  "{" HEAD "\"clock\":{\"a\":0,\"a\":3,\"b\":1,\"b\":2},\"ops\":[]}",
  "{" HEAD "\"vectorClock\":{\"z\":4},\"ops\":[]}",
  "{" HEAD "\"clock\":{\"y\":1},\"vectorClock\":{\"z\":4},\"ops\":[]}",
  "{" HEAD "\"vectorClock\":7,\"clock\":{\"y\":1},\"ops\":[]}",
  /* fields twice, or under both names with the same value */
  "{" HEAD "\"ops\":5,\"ops\":[" SET_OP "]}",
  "{" HEAD "\"client\":\"a\",\"lt\":3,\"ts\":5,\"timestamp\":5,\"ops\":[]}",
  "{\"id\":\"b:1\",\"id\":\"a:2\",\"sessionId\":\"a\",\"lamportTime\":3,\"ops\":[]}",
  "{" HEAD "\"ops\":[{\"key\":\"j\",\"key\":\"k\",\"otype\":\"a.b\",\"ot\":\"a.b\","
  "\"value\":[1],\"value\":{\"v\":2},\"alpha\":1,\"alpha\":null}]}",
  /* escaped member names, numbers written oddly, unknown members of every kind */
  "{\"\\u0069d\":\"a:2\",\"session\\u0049d\":\"a\",\"lamportTime\":3.0e0,\"ts\":-0.0,"
  "\"extra\":{\"ops\":[1,{\"id\":\"x\"}],\"s\":\"\\ud83d\\ude00\"},\"more\":[null,true],"
  "\"ops\":[{\"k\\u0065y\":\"\\u00e9\",\"otype\":\"vendor.thing\",\"path\":null,"
  "\"tag\":null,\"parentKey\":\"p\",\"targetMsgId\":null,\"name\":7,\"other\":{\"a\":[]},"
  "\"from\":1,\"to\":\"x\",\"separator\":\"\\n\",\"position\":[1,2],\"length\":null,"
  "\"index\":{},\"alpha\":false}]}",
  /* ops of every shape, the reshaping ones among plain ones */
  "{" HEAD "\"ops\":[" SET_OP ","
  "{\"key\":\".\",\"ot\":\"node.insert\",\"path\":\"children\",\"value\":{\"key\":\"c\","
  "\"tag\":\"Mesh\",\"name\":\"C\",\"position\":[0,1,2]}},"
  "{\"key\":\"d\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\","
  "\"parentKey\":\"scene\",\"value\":{\"name\":\"D\",\"tag\":\"x\"},\"index\":2},"
  "{\"key\":\"g\",\"otype\":\"node.remove\",\"path\":\"children\",\"value\":\"c\"},"
  "{\"key\":\"d\",\"otype\":\"node.move\",\"value\":{\"newParent\":\"g\"}},"
  "{\"otype\":\"meta.undo\",\"value\":\"b:1\"},"
  "{\"otype\":\"meta.redo\",\"key\":null,\"targetMsgId\":\"b:1\"},"
  "{\"otype\":\"meta.note\",\"key\":null,\"value\":[\"x\"]},"
  "{\"key\":\"k\",\"otype\":\"vector3.add\",\"path\":\"p\",\"value\":[1,0.5,-0.25]},"
  "{\"key\":\"k\",\"otype\":\"text.insert\",\"path\":\"t\",\"value\":\"a\\\"b\",\"position\":0}"
  "]}",
};

static void
check_same_message (const VrtcMessage *a,
                    const VrtcMessage *b)
{
  for (VrtcDialect d = VRTC_DIALECT_SEED; d <= VRTC_DIALECT_COMPACT; d++)
    {
      g_autofree char *ja = write_message (a, d);
      g_autofree char *jb = write_message (b, d);

      g_assert_cmpstr (ja, ==, jb);
    }
  g_assert_cmpuint (a->seq, ==, b->seq);
  g_assert_cmpuint (a->n_ops, ==, b->n_ops);
  g_assert_nonnull (a->ops);
  for (guint i = 0; i < a->n_ops; i++)
    {
      g_assert_true (a->ops[i].type == b->ops[i].type);
      g_assert_cmpstr (a->ops[i].name, ==, b->ops[i].name);
      g_assert_true (vrtc_value_equal (&a->ops[i].value, &b->ops[i].value));
      g_assert_true (vrtc_value_equal (&a->ops[i].extras, &b->ops[i].extras));
    }
}

/* Through the tree alone. */
static VrtcMessage *
tree_message (const char  *text,
              GError     **error)
{
  VrtcValue v = VRTC_VALUE_INIT;
  VrtcMessage *msg;

  if (!vrtc_codec_parse_value (text, -1, &v, error))
    return NULL;
  msg = vrtc_codec_decode_message (&v, error);
  vrtc_value_clear (&v);
  return msg;
}

static void
test_stream_same (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (stream_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VrtcMessage) streamed = NULL;
      g_autoptr(VrtcMessage) tree = NULL;

      message_case (i, NULL, stream_cases[i]);
      streamed = vrtc_codec_parse_message (stream_cases[i], -1, &error);
      g_assert_no_error (error);
      tree = tree_message (stream_cases[i], &error);
      g_assert_no_error (error);
      check_same_message (streamed, tree);
    }
}

/* The same messages, written by hand. */
static void
test_stream_expected (void)
{
  static const struct { guint index; const char *seed; } expected[] = {
    { 2, "{\"clock\":{},\"id\":\"a:2\",\"lamportTime\":3,\"ops\":[" SET_OP "],"
         "\"sessionId\":\"a\",\"timestamp\":0}" },
    { 3, "{\"clock\":{\"a\":1,\"c\":2},\"id\":\"a:2\",\"lamportTime\":3,\"ops\":[],"
         "\"sessionId\":\"a\",\"timestamp\":0}" },
    { 4, "{\"clock\":{},\"id\":\"a:2\",\"lamportTime\":3,\"ops\":[],"
         "\"sessionId\":\"a\",\"timestamp\":0}" },
    { 5, "{\"clock\":{\"a\":3,\"b\":2},\"id\":\"a:2\",\"lamportTime\":3,\"ops\":[],"
         "\"sessionId\":\"a\",\"timestamp\":0}" },
    { 6, "{\"clock\":{\"z\":4},\"id\":\"a:2\",\"lamportTime\":3,\"ops\":[],"
         "\"sessionId\":\"a\",\"timestamp\":0}" },
    { 8, "{\"clock\":{\"y\":1},\"id\":\"a:2\",\"lamportTime\":3,\"ops\":[],"
         "\"sessionId\":\"a\",\"timestamp\":0}" },
    { 9, "{\"clock\":{},\"id\":\"a:2\",\"lamportTime\":3,\"ops\":[" SET_OP "],"
         "\"sessionId\":\"a\",\"timestamp\":0}" },
    { 12, "{\"clock\":{},\"id\":\"a:2\",\"lamportTime\":3,\"ops\":["
          "{\"key\":\"k\",\"otype\":\"a.b\",\"path\":\"\",\"value\":{\"v\":2}}],"
          "\"sessionId\":\"a\",\"timestamp\":0}" },
    { 13, "{\"clock\":{},\"id\":\"a:2\",\"lamportTime\":3,\"ops\":["
          "{\"alpha\":false,\"from\":1,\"index\":{},\"key\":\"\xc3\xa9\","
          "\"otype\":\"vendor.thing\",\"parentKey\":\"p\",\"path\":\"\",\"position\":[1,2],"
          "\"separator\":\"\\n\",\"to\":\"x\"}],\"sessionId\":\"a\",\"timestamp\":0}" },
    { 14, "{\"clock\":{},\"id\":\"a:2\",\"lamportTime\":3,\"ops\":[" SET_OP ","
          "{\"key\":\"c\",\"otype\":\"node.insert\",\"parentKey\":\"scene\",\"path\":\"\","
          "\"tag\":\"Mesh\",\"value\":{\"name\":\"C\",\"position\":[0,1,2]}},"
          "{\"index\":2,\"key\":\"d\",\"otype\":\"node.insert\",\"parentKey\":\"scene\","
          "\"path\":\"\",\"tag\":\"Group\",\"value\":{\"name\":\"D\",\"tag\":\"x\"}},"
          "{\"key\":\"c\",\"otype\":\"node.remove\",\"path\":\"\"},"
          "{\"key\":\"d\",\"otype\":\"node.move\",\"path\":\"\","
          "\"value\":{\"newParent\":\"g\",\"nodeKey\":\"d\"}},"
          "{\"key\":\"\",\"otype\":\"meta.undo\",\"path\":\"\",\"targetMsgId\":\"b:1\"},"
          "{\"key\":\"\",\"otype\":\"meta.redo\",\"path\":\"\",\"targetMsgId\":\"b:1\"},"
          "{\"key\":\"\",\"otype\":\"meta.note\",\"path\":\"\",\"value\":[\"x\"]},"
          "{\"key\":\"k\",\"otype\":\"vector3.add\",\"path\":\"p\",\"value\":[1,0.5,-0.25]},"
          "{\"key\":\"k\",\"otype\":\"text.insert\",\"path\":\"t\",\"position\":0,"
          "\"value\":\"a\\\"b\"}],\"sessionId\":\"a\",\"timestamp\":0}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(VrtcMessage) msg = parse_ok (stream_cases[expected[i].index]);
      g_autofree char *out = write_message (msg, VRTC_DIALECT_SEED);

      g_test_message ("case %u", expected[i].index);
      g_assert_cmpstr (out, ==, expected[i].seed);
    }
}

/* A message bigger than the stack buffers of parse_message's fast path: 40 clock entries out
 * of order (some 0, names escaped) and 40 ops, plain ones with escaped and long strings among
 * reshaped ones, a string value of more than the 512 bytes kept on the stack. */
static char *
big_message (void)
{
  GString *s = g_string_new ("{\"id\":\"s\\u00e9:12\",\"sessionId\":\"s\u00e9\","
                             "\"lamportTime\":9,\"clock\":{");

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (s, "%s\"c%02u\\n\":%u", i > 0 ? "," : "", (i * 7) % 40, i % 5);
  g_string_append (s, "},\"ops\":[");
  for (guint i = 0; i < 40; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      if (i % 10 == 3)
        g_string_append_printf (s, "{\"key\":\"n%u\",\"otype\":\"node.insert\",\"tag\":\"Mesh\","
                                "\"parentKey\":\"scene\",\"value\":{\"name\":\"N\"}}", i);
      else if (i % 10 == 7)
        g_string_append_printf (s, "{\"otype\":\"number.set\",\"key\":\"k\\\"%u\",\"path\":\"x\","
                                "\"value\":%u,\"alpha\":0.5,\"tag\":null}", i, i);
      else
        {
          g_string_append_printf (s, "{\"key\":\"k%u\",\"otype\":\"string.set\",\"path\":\"p\\t%u\","
                                  "\"value\":\"", i, i);
          for (guint c = 0; c < (i == 20 ? 600 : i); c++)
            g_string_append (s, c % 9 == 0 ? "\\u00e9" : "v");
          g_string_append (s, "\"}");
        }
    }
  g_string_append (s, "],\"timestamp\":5}");
  return g_string_free (s, FALSE);
}

static void
test_stream_big (void)
{
  g_autofree char *text = big_message ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcMessage) streamed = vrtc_codec_parse_message (text, -1, &error);
  g_autoptr(VrtcMessage) tree = NULL;

  g_assert_no_error (error);
  tree = tree_message (text, &error);
  g_assert_no_error (error);
  check_same_message (streamed, tree);

  g_assert_cmpstr (streamed->id, ==, "s\xc3\xa9:12");
  g_assert_cmpuint (streamed->n_ops, ==, 40);
  g_assert_cmpuint (streamed->clock.len, ==, 32);
  g_assert_cmpstr (streamed->clock.entries[0].session, ==, "c01\n");
  g_assert_cmpuint (streamed->clock.entries[0].count, ==, 3);
  g_assert_cmpstr (streamed->clock.entries[31].session, ==, "c39\n");
  g_assert_cmpstr (streamed->ops[7].key, ==, "k\"7");
  g_assert_cmpstr (streamed->ops[8].path, ==, "p\t8");
  g_assert_cmpuint (streamed->ops[20].value.len, ==, 600 + 67);
  g_assert_cmpuint (strlen (streamed->ops[20].value.u.str), ==, 600 + 67);
  /* through the fast path (the tree's strings are on the heap) */
  g_assert_true (vrtc_msg_block_holds (streamed, streamed->ops[20].value.u.str));
  g_assert_true (vrtc_msg_block_holds (streamed, streamed->clock.entries[31].session));
}

/* The sequence number of the id, up to the largest 64-bit one. */
static void
test_stream_seq (void)
{
  static const struct { const char *id; guint64 seq; } cases[] = {
    { "a:1", 1 },
    { "a:9007199254740993", G_GUINT64_CONSTANT (9007199254740993) },
    { "a:9999999999999999999", G_GUINT64_CONSTANT (9999999999999999999) },
    { "a:18446744073709551615", G_MAXUINT64 },
    { "a:b:7", 7 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"id\":\"%s\",\"sessionId\":\"%.*s\","
                                               "\"lamportTime\":1,\"ops\":[]}", cases[i].id,
                                               (int) (strrchr (cases[i].id, ':') - cases[i].id),
                                               cases[i].id);
      g_autoptr(VrtcMessage) msg = parse_ok (text);

      message_case (i, NULL, text);
      g_assert_cmpuint (msg->seq, ==, cases[i].seq);
    }
}

/* A streamed message is one allocation: its strings lie in it, except those of the ops that
 * decode_operation reshapes and of values that are trees. */
static void
test_stream_block (void)
{
  static const char text[] =
    "{" HEAD "\"clock\":{\"b\":2,\"a\":1},\"ops\":[" SET_OP ","
    "{\"key\":\"t\",\"otype\":\"text.insert\",\"path\":\"s\",\"value\":\"h\\u00e9\","
    "\"position\":1},"
    "{\"key\":\"c\",\"otype\":\"node.remove\"},"
    "{\"otype\":\"meta.note\",\"value\":{\"a\":\"b\"}}]}";
  g_autoptr(VrtcMessage) msg = parse_ok (text);
  g_autoptr(VrtcMessage) empty = parse_ok ("{" HEAD "\"ops\":[]}");

  g_assert_true (vrtc_msg_block_holds (msg, msg->id));
  g_assert_true (vrtc_msg_block_holds (msg, msg->session_id));
  g_assert_true (vrtc_msg_block_holds (msg, msg->ops));
  g_assert_true (vrtc_msg_block_holds (msg, msg->clock.entries));
  for (guint i = 0; i < msg->clock.len; i++)
    g_assert_true (vrtc_msg_block_holds (msg, msg->clock.entries[i].session));
  for (guint i = 0; i < 2; i++)
    {
      VrtcOperation *op = &msg->ops[i];

      g_assert_true (vrtc_msg_block_holds (msg, op->key));
      g_assert_true (vrtc_msg_block_holds (msg, op->otype));
      g_assert_true (vrtc_msg_block_holds (msg, op->path));
    }
  g_assert_cmpint (msg->ops[1].value.kind, ==, VRTC_VALUE_STRING);
  g_assert_cmpstr (msg->ops[1].value.u.str, ==, "h\xc3\xa9");
  g_assert_cmpuint (msg->ops[1].value.len, ==, 3);
  g_assert_true (vrtc_msg_block_holds (msg, msg->ops[1].value.u.str));
  g_assert_false (vrtc_msg_block_holds (msg, msg->ops[1].extras.u.members));
  g_assert_false (vrtc_msg_block_holds (msg, msg->ops[2].key));
  g_assert_false (vrtc_msg_block_holds (msg, msg->ops[3].value.u.members));
  g_assert_true (vrtc_msg_block_holds (msg, msg->ops[3].key));

  /* no op: ops still points somewhere (into the block), no clock */
  g_assert_cmpuint (empty->n_ops, ==, 0);
  g_assert_true (vrtc_msg_block_holds (empty, empty->ops));
  g_assert_null (empty->clock.entries);
}

/* Bad messages give the tree's errors: the first in its order, syntax before meaning, and
 * UTF-8 before anything. */
static void
test_stream_errors (void)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "{" HEAD "\"ops\":[],\"ops\":5}", "ops: expected an array, got a number" },
    { "{" HEAD "\"clock\":{\"a\":1,\"b\":-1},\"ops\":[]}",
      "clock.b: expected a non-negative integer, got -1" },
    { "{" HEAD "\"clock\":{\"a\":1.5},\"ops\":[]}",
      "clock.a: expected a non-negative integer, got 1.5" },
    { "{" HEAD "\"client\":\"b\",\"ops\":[]}", "client: conflicts with sessionId" },
    { "{\"id\":\"b:2\",\"sessionId\":\"a\",\"lamportTime\":3,\"ops\":[]}",
      "id: \"b:2\" does not match session \"a\"" },
    { "{\"id\":\"ab:2\",\"sessionId\":\"a\",\"lamportTime\":3,\"ops\":[]}",
      "id: \"ab:2\" does not match session \"a\"" },
    { "{\"id\":\"a\",\"sessionId\":\"a\",\"lamportTime\":3,\"ops\":[]}",
      "id: \"a\" does not match session \"a\"" },
    { "{\"id\":\"a:\",\"sessionId\":\"a\",\"lamportTime\":3,\"ops\":[]}",
      "id: \"a:\" does not end in a positive sequence number" },
    { "{\"id\":\"a:02\",\"sessionId\":\"a\",\"lamportTime\":3,\"ops\":[]}",
      "id: \"a:02\" does not end in a positive sequence number" },
    { "{\"id\":\"a:2x\",\"sessionId\":\"a\",\"lamportTime\":3,\"ops\":[]}",
      "id: \"a:2x\" does not end in a positive sequence number" },
    { "{\"id\":\"a:+2\",\"sessionId\":\"a\",\"lamportTime\":3,\"ops\":[]}",
      "id: \"a:+2\" does not end in a positive sequence number" },
    { "{\"id\":\"a:18446744073709551616\",\"sessionId\":\"a\",\"lamportTime\":3,\"ops\":[]}",
      "id: \"a:18446744073709551616\" does not end in a positive sequence number" },
    { "{\"ops\":[{\"key\":5}],\"id\":\"b:2\",\"sessionId\":\"a\"}", "lamportTime: missing" },
    { "{" HEAD "\"ops\":[" SET_OP ",{\"otype\":\"x.y\"}]}", "ops[1].key: missing" },
    { "{" HEAD "\"ops\":[{\"key\":\"k\",\"otype\":\"node.insert\",\"value\":5}]}",
      "ops[0].value: expected an object, got a number" },
    { "{" HEAD "\"ops\":[{\"key\":\"k\",\"otype\":\"node.insert\",\"value\":5}],}",
      "1:97: unexpected character '}', expected a string as the member name" },
    { "{\"id\":7,\"x\":[1,,2]}", "1:16: unexpected character ',', expected a value" },
    { "{\"id\":7,\"x\":[1,,2],\"y\":\"\xff\"}", "1:25: the text is not valid UTF-8" },
    { "{\"id\":7,\"x\":\"\\u0000\"}", "1:14: \\u0000 is not supported in a string" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) tree_error = NULL;
      g_autoptr(VrtcMessage) msg = NULL;
      g_autoptr(VrtcMessage) tree = NULL;

      message_case (i, NULL, cases[i].text);
      msg = vrtc_codec_parse_message (cases[i].text, -1, &error);
      g_assert_null (msg);
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      tree = tree_message (cases[i].text, &tree_error);
      g_assert_null (tree);
      g_assert_error (error, VRTC_ERROR, tree_error->code);
      g_assert_cmpstr (error->message, ==, tree_error->message);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/codec/seed/roundtrip", test_seed_roundtrip);
  g_test_add_func ("/codec/compact/roundtrip", test_compact_roundtrip);
  g_test_add_func ("/codec/compact/input", test_compact_input);
  g_test_add_func ("/codec/message/getters", test_message_getters);
  g_test_add_func ("/codec/message/defaults", test_message_defaults);
  g_test_add_func ("/codec/operation/insert-shapes", test_insert_shapes);
  g_test_add_func ("/codec/operation/insert-root", test_insert_root);
  g_test_add_func ("/codec/operation/remove-shapes", test_remove_shapes);
  g_test_add_func ("/codec/operation/move", test_move);
  g_test_add_func ("/codec/operation/meta", test_meta);
  g_test_add_func ("/codec/operation/new", test_operation_new);
  g_test_add_func ("/codec/operation/extras", test_extras);
  g_test_add_func ("/codec/value/numbers", test_numbers);
  g_test_add_func ("/codec/value/numbers-exponent", test_numbers_exponent);
  g_test_add_func ("/codec/value/sorted-keys", test_sorted_keys);
  g_test_add_func ("/codec/value/strings", test_strings);
  g_test_add_func ("/codec/value/bad-text", test_bad_text);
  g_test_add_func ("/codec/value/nesting", test_nesting);
  g_test_add_func ("/codec/value/types", test_value_types);
  g_test_add_func ("/codec/value/json-node", test_json_node);
  g_test_add_func ("/codec/malformed", test_malformed);
  g_test_add_func ("/codec/journal/lines", test_journal_lines);
  g_test_add_func ("/codec/journal/line-errors", test_journal_line_errors);
  g_test_add_func ("/codec/journal/array", test_journal_array);
  g_test_add_func ("/codec/journal/state", test_journal_state);
  g_test_add_func ("/codec/journal/frames", test_journal_frames);
  g_test_add_func ("/codec/journal/single", test_journal_single);
  g_test_add_func ("/codec/snapshot", test_snapshot);
  g_test_add_func ("/codec/dialect-type", test_dialect_type);
  g_test_add_func ("/codec/stream/same", test_stream_same);
  g_test_add_func ("/codec/stream/expected", test_stream_expected);
  g_test_add_func ("/codec/stream/errors", test_stream_errors);
  g_test_add_func ("/codec/stream/big", test_stream_big);
  g_test_add_func ("/codec/stream/block", test_stream_block);
  g_test_add_func ("/codec/stream/seq", test_stream_seq);

  return g_test_run ();
}
