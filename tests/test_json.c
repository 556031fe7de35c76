/* test_json.c - bounded parsing, depth scan and RFC 6901 pointers of json.c. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/json.h"

/* Parses `text` from an exact-size heap copy with no NUL after it, so ASan sees over-reads. */
static cf_rc parse_exact(const char *text, size_t len, int max_depth, cJSON **out, size_t *off)
{
    char *copy = malloc(len ? len : 1);
    cr_assert_not_null(copy);
    memcpy(copy, text, len);
    cf_rc rc = cf_json_parse(copy, len, max_depth, out, off);
    free(copy);
    return rc;
}

static cJSON *must_parse(const char *text)
{
    cJSON *v = NULL;
    cf_rc rc = parse_exact(text, strlen(text), 64, &v, NULL);
    cr_assert_eq(rc, CF_OK, "parse of %s failed: %s", text, cf_err_name(rc));
    cr_assert_not_null(v);
    return v;
}

/* The compact rendering of `v`, compared to `want`. */
static void assert_prints(const cJSON *v, const char *want)
{
    char *got = cf_json_print(v);
    cr_assert_not_null(got);
    cr_expect_str_eq(got, want);
    free(got);
}

/* A run of `n` '[' followed by `n` ']' in a new string. */
static char *nested_arrays(int n)
{
    char *s = malloc((size_t)n * 2 + 1);
    cr_assert_not_null(s);
    memset(s, '[', (size_t)n);
    memset(s + n, ']', (size_t)n);
    s[n * 2] = '\0';
    return s;
}

Test(json, parses_every_kind_of_value_without_a_terminating_nul, .timeout = 5)
{
    static const struct {
        const char *text;
        const char *printed;
    } cases[] = {
        {"{}", "{}"},
        {"[]", "[]"},
        {"{\"a\":[1,2,{\"b\":null}]}", "{\"a\":[1,2,{\"b\":null}]}"},
        {"123", "123"},
        {"-0.5", "-0.5"},
        {"1e3", "1000"},
        {"\"abc\"", "\"abc\""},
        {"\"\\u00e9\\n\"", "\"\xC3\xA9\\n\""},
        {"true", "true"},
        {"false", "false"},
        {"null", "null"},
        {" \t\r\n[ 1 , 2 ] \n", "[1,2]"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *v = NULL;
        size_t off = 99;
        cf_rc rc = parse_exact(cases[i].text, strlen(cases[i].text), 64, &v, &off);
        cr_expect_eq(rc, CF_OK, "case %zu (%s): %s", i, cases[i].text, cf_err_name(rc));
        if (rc == CF_OK)
            assert_prints(v, cases[i].printed);
        cJSON_Delete(v);
    }
}

Test(json, rejects_malformed_and_truncated_input_with_null_result, .timeout = 5)
{
    static const char *const cases[] = {
        "",      " ",   "{",       "[1,",         "[1,]",      "{\"a\"}", "{\"a\":}",
        "tru",   "nul", "\"abc",   "\"abc\\",     "\"\\u12\"", "-",       "{\"a\":1,}",
        "[1 2]", "'a'", "\"\\x\"", "\"\\ud800\"", "{1:2}",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *v = (cJSON *)&v; /* must be reset to NULL */
        size_t off = (size_t)-1;
        cf_rc rc = parse_exact(cases[i], strlen(cases[i]), 64, &v, &off);
        cr_expect_eq(rc, CF_E_INVALID, "case %zu (%s): %s", i, cases[i], cf_err_name(rc));
        cr_expect_null(v, "case %zu left a value", i);
        cr_expect_leq(off, strlen(cases[i]), "case %zu offset %zu past the input", i, off);
    }
}

Test(json, rejects_trailing_garbage_and_reports_its_offset, .timeout = 5)
{
    static const struct {
        const char *text;
        size_t offset;
    } cases[] = {
        {"{} x", 3},       {"1 2", 2},      {"[1]]", 3},   {"null,", 4},
        {"\"a\"\"b\"", 3}, {"{}\n\n{}", 4}, {"true\0", 4},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *v = NULL;
        size_t off = 0;
        size_t len = strlen(cases[i].text);
        if (i == sizeof(cases) / sizeof(cases[0]) - 1)
            len = 5; /* the embedded NUL is input too */
        cf_rc rc = parse_exact(cases[i].text, len, 64, &v, &off);
        cr_expect_eq(rc, CF_E_INVALID, "case %zu: %s", i, cf_err_name(rc));
        cr_expect_null(v);
        cr_expect_eq(off, cases[i].offset, "case %zu: offset %zu, want %zu", i, off,
                     cases[i].offset);
    }
}

Test(json, parses_only_the_given_length_of_a_longer_buffer, .timeout = 5)
{
    const char *text = "[1,2] and then garbage";
    cJSON *v = NULL;
    cr_assert_eq(parse_exact(text, 5, 64, &v, NULL), CF_OK);
    assert_prints(v, "[1,2]");
    cJSON_Delete(v);

    /* A number cut by the length: "12" of "123". */
    cr_assert_eq(parse_exact("123", 2, 64, &v, NULL), CF_OK);
    cr_expect_eq(v->valuedouble, 12.0);
    cJSON_Delete(v);
}

Test(json, accepts_nesting_up_to_the_limit_and_rejects_one_more_as_too_deep, .timeout = 5)
{
    char *ok = nested_arrays(64);
    char *deep = nested_arrays(65);
    cJSON *v = NULL;
    size_t off = 0;
    cr_expect_eq(parse_exact(ok, strlen(ok), 64, &v, &off), CF_OK);
    cJSON_Delete(v);
    v = NULL;
    cr_expect_eq(parse_exact(deep, strlen(deep), 64, &v, &off), CF_E_TOO_DEEP);
    cr_expect_null(v);
    cr_expect_eq(off, 64, "offset of the 65th bracket is 64, got %zu", off);
    free(ok);
    free(deep);
}

Test(json, too_deep_is_reported_before_cjson_sees_unbalanced_input, .timeout = 5)
{
    /* 100000 opening brackets and nothing else: the scan stops long before cJSON would. */
    size_t n = 100000;
    char *s = malloc(n);
    cr_assert_not_null(s);
    memset(s, '{', n);
    cJSON *v = NULL;
    cr_expect_eq(cf_json_parse(s, n, 64, &v, NULL), CF_E_TOO_DEEP);
    cr_expect_null(v);
    free(s);
}

Test(json, a_limit_above_cjsons_own_is_still_reported_as_too_deep, .timeout = 5)
{
    char *s = nested_arrays(CJSON_NESTING_LIMIT + 1);
    cJSON *v = NULL;
    cr_expect_eq(parse_exact(s, strlen(s), CJSON_NESTING_LIMIT * 10, &v, NULL), CF_E_TOO_DEEP);
    cr_expect_null(v);
    free(s);
    s = nested_arrays(CJSON_NESTING_LIMIT);
    cr_expect_eq(parse_exact(s, strlen(s), CJSON_NESTING_LIMIT * 10, &v, NULL), CF_OK);
    cJSON_Delete(v);
    free(s);
}

Test(json, depth_counts_brackets_outside_strings_only, .timeout = 5)
{
    static const struct {
        const char *text;
        int depth;
    } cases[] = {
        {"1", 0},
        {"[]", 1},
        {"{\"a\":[{}]}", 3},
        {"[\"[[[[\"]", 1},
        {"[\"\\\"[[[\"]", 1},   /* escaped quote does not end the string */
        {"[\"\\\\\",[[]]]", 3}, /* an escaped backslash does not escape the quote */
        {"[][][]", 1},
        {"]]]][", 1}, /* stray closers do not go below zero */
        {"{\"}\":{\"{\":{}}}", 3},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *t = cases[i].text;
        cr_expect_eq(cf_json_depth(t, strlen(t), 100), cases[i].depth, "case %zu (%s): %d", i, t,
                     cf_json_depth(t, strlen(t), 100));
    }
}

Test(json, depth_stops_counting_past_stop, .timeout = 5)
{
    char *s = nested_arrays(1000);
    cr_expect_eq(cf_json_depth(s, strlen(s), 10), 11);
    cr_expect_eq(cf_json_depth(s, strlen(s), 2000), 1000);
    free(s);
}

Test(json, string_with_brackets_and_escapes_does_not_count_as_nesting, .timeout = 5)
{
    /* 100 brackets inside a string, limit 1: still parses. */
    char text[128];
    text[0] = '[';
    text[1] = '"';
    memset(text + 2, '[', 100);
    text[102] = '"';
    text[103] = ']';
    cJSON *v = NULL;
    cr_expect_eq(parse_exact(text, 104, 1, &v, NULL), CF_OK);
    cJSON_Delete(v);
}

Test(json, pointer_resolves_the_rfc_6901_examples, .timeout = 5)
{
    cJSON *doc = must_parse("{\"foo\":[\"bar\",\"baz\"],\"\":0,\"a/b\":1,\"c%d\":2,\"e^f\":3,"
                            "\"g|h\":4,\"i\\\\j\":5,\"k\\\"l\":6,\" \":7,\"m~n\":8}");
    static const struct {
        const char *pointer;
        const char *printed;
    } cases[] = {
        {"/foo", "[\"bar\",\"baz\"]"},
        {"/foo/0", "\"bar\""},
        {"/foo/1", "\"baz\""},
        {"/", "0"},
        {"/a~1b", "1"},
        {"/c%d", "2"},
        {"/e^f", "3"},
        {"/g|h", "4"},
        {"/i\\j", "5"},
        {"/k\"l", "6"},
        {"/ ", "7"},
        {"/m~0n", "8"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const cJSON *v = cf_json_pointer(doc, cases[i].pointer);
        cr_expect_not_null(v, "case %zu (%s) not found", i, cases[i].pointer);
        if (v)
            assert_prints(v, cases[i].printed);
    }
    cr_expect_eq(cf_json_pointer(doc, ""), doc);
    cJSON_Delete(doc);
}

Test(json, pointer_is_null_when_absent_or_malformed, .timeout = 5)
{
    cJSON *doc = must_parse("{\"a\":{\"b\":[10,20]},\"~1\":1,\"x\":\"s\"}");
    static const char *const cases[] = {
        "/missing",
        "/a/c",
        "/a/b/2",
        "/a/b/01",
        "/a/b/-",
        "/a/b/-1",
        "/a/b/1x",
        "/a/b/ 1",
        "a",
        "a/b",
        "/a~2",
        "/a~",
        "/x/0",
        "/x/y",
        "/a/b/0/z",
        "/A",
        "/a/b/99999999999999999999",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_expect_null(cf_json_pointer(doc, cases[i]), "case %zu (%s) found something", i,
                       cases[i]);
    /* "~01" is "~1", not "/": it finds the key spelled ~1. */
    const cJSON *v = cf_json_pointer(doc, "/~01");
    cr_expect(cJSON_IsNumber(v) && v->valuedouble == 1.0);
    cr_expect_null(cf_json_pointer(NULL, ""));
    cr_expect_null(cf_json_pointer(doc, NULL));
    cJSON_Delete(doc);
}

Test(json, set_replaces_adds_appends_and_creates_parents, .timeout = 5)
{
    static const struct {
        const char *pointer;
        const char *value;
        const char *printed;
        const char *where; /* where the value ends up */
    } cases[] = {
        {"/a", "5", "{\"a\":5,\"arr\":[1,2]}", "/a"},
        {"/b", "\"x\"", "{\"a\":1,\"arr\":[1,2],\"b\":\"x\"}", "/b"},
        {"/x/y/z", "true", "{\"a\":1,\"arr\":[1,2],\"x\":{\"y\":{\"z\":true}}}", "/x/y/z"},
        {"/arr/0", "null", "{\"a\":1,\"arr\":[null,2]}", "/arr/0"},
        {"/arr/-", "3", "{\"a\":1,\"arr\":[1,2,3]}", "/arr/2"},
        {"/arr/2", "3", "{\"a\":1,\"arr\":[1,2,3]}", "/arr/2"},
        {"/p~1q~0r", "{}", "{\"a\":1,\"arr\":[1,2],\"p/q~r\":{}}", "/p~1q~0r"},
        {"/", "0", "{\"a\":1,\"arr\":[1,2],\"\":0}", "/"},
        {"/new/0", "1", "{\"a\":1,\"arr\":[1,2],\"new\":{\"0\":1}}", "/new/0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *doc = must_parse("{\"a\":1,\"arr\":[1,2]}");
        cJSON *value = must_parse(cases[i].value);
        cf_rc rc = cf_json_pointer_set(doc, cases[i].pointer, value);
        cr_expect_eq(rc, CF_OK, "case %zu (%s): %s", i, cases[i].pointer, cf_err_name(rc));
        assert_prints(doc, cases[i].printed);
        cr_expect_eq(cf_json_pointer(doc, cases[i].where), value,
                     "case %zu: the value is not at %s", i, cases[i].where);
        cJSON_Delete(doc);
    }
}

Test(json, set_failure_frees_the_value_and_leaves_the_document_unchanged, .timeout = 5)
{
    static const char *const cases[] = {
        "",         /* the root cannot be replaced */
        "a",        /* no leading slash */
        "/a~2",     /* bad escape */
        "/arr/5",   /* past the end */
        "/arr/01",  /* not an index */
        "/arr/x",   /* not an index */
        "/a/b",     /* parent is a number */
        "/arr/5/x", /* missing array element as parent */
        "/s/x/y",   /* parent is a string */
        "/arr/-/x", /* "-" names no existing element */
    };
    const char *before = "{\"a\":1,\"arr\":[1,2],\"s\":\"t\"}";
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *doc = must_parse(before);
        cJSON *value = cJSON_CreateString("leaked if not freed");
        cr_assert_not_null(value);
        cf_rc rc = cf_json_pointer_set(doc, cases[i], value);
        cr_expect_eq(rc, CF_E_INVALID, "case %zu (%s): %s", i, cases[i], cf_err_name(rc));
        assert_prints(doc, before);
        cJSON_Delete(doc);
    }
}

Test(json, set_replaces_a_member_that_has_a_key_of_its_own, .timeout = 5)
{
    cJSON *doc = must_parse("{\"a\":{\"k\":1}}");
    cJSON *other = must_parse("{\"old\":2}");
    cJSON *value = cJSON_DetachItemFromObject(other, "old"); /* carries the key "old" */
    cr_assert_not_null(value);
    cr_assert_eq(cf_json_pointer_set(doc, "/a/k", value), CF_OK);
    assert_prints(doc, "{\"a\":{\"k\":2}}");
    cJSON_Delete(other);
    cJSON_Delete(doc);
}

Test(json, remove_deletes_members_and_array_elements, .timeout = 5)
{
    static const struct {
        const char *pointer;
        cf_rc rc;
        const char *printed;
    } cases[] = {
        {"/a", CF_OK, "{\"arr\":[1,2,3],\"o\":{\"x/y\":1}}"},
        {"/arr/0", CF_OK, "{\"a\":1,\"arr\":[2,3],\"o\":{\"x/y\":1}}"},
        {"/arr/2", CF_OK, "{\"a\":1,\"arr\":[1,2],\"o\":{\"x/y\":1}}"},
        {"/o/x~1y", CF_OK, "{\"a\":1,\"arr\":[1,2,3],\"o\":{}}"},
        {"/missing", CF_E_NOT_FOUND, NULL},
        {"/arr/3", CF_E_NOT_FOUND, NULL},
        {"/arr/-", CF_E_NOT_FOUND, NULL},
        {"/a/b", CF_E_NOT_FOUND, NULL},
        {"/missing/b", CF_E_NOT_FOUND, NULL},
        {"", CF_E_INVALID, NULL},
        {"/o/~", CF_E_INVALID, NULL},
    };
    const char *before = "{\"a\":1,\"arr\":[1,2,3],\"o\":{\"x/y\":1}}";
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *doc = must_parse(before);
        cf_rc rc = cf_json_pointer_remove(doc, cases[i].pointer);
        cr_expect_eq(rc, cases[i].rc, "case %zu (%s): %s", i, cases[i].pointer, cf_err_name(rc));
        assert_prints(doc, cases[i].printed ? cases[i].printed : before);
        cJSON_Delete(doc);
    }
}

Test(json, print_is_compact_and_null_safe, .timeout = 5)
{
    cJSON *doc = must_parse("{ \"a\" : [ 1 , 2.5 , \"x\" ] , \"b\" : { } }");
    assert_prints(doc, "{\"a\":[1,2.5,\"x\"],\"b\":{}}");
    cr_expect_null(cf_json_print(NULL));
    cJSON_Delete(doc);
}

Test(json, parse_rejects_bad_arguments_as_usage_errors, .timeout = 5)
{
    cJSON *v = NULL;
    cr_expect_eq(cf_json_parse(NULL, 3, 64, &v, NULL), CF_E_USAGE);
    cr_expect_eq(cf_json_parse("1", 1, 64, NULL, NULL), CF_E_USAGE);
}

Test(json, rejects_what_rfc_8259_forbids_but_cjson_would_take, .timeout = 5)
{
    static const char *bad[] = {"01",           "[1.]",       "{\"a\":-01}",
                                "[1e]",         "[1e+]",      "-",
                                "[\"a\x01b\"]", "[1,\x01 2]", "{\"AttachmentSizeInBytes\":01}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cJSON *out = NULL;
        size_t at = 99;
        cr_expect_eq(cf_json_parse(bad[i], strlen(bad[i]), 64, &out, &at), CF_E_INVALID, "%s",
                     bad[i]);
        cr_expect_null(out);
        cr_expect_lt(at, strlen(bad[i]), "offset %zu inside the input", at);
    }
    static const char *good[] = {"0", "-0", "[1.5e+3,-2E-2,0.25,10]", "{\"a\":\"x\\u0001y\"}",
                                 "\t[ 1 ]\r\n"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        cJSON *out = NULL;
        cr_expect_eq(cf_json_parse(good[i], strlen(good[i]), 64, &out, NULL), CF_OK, "%s", good[i]);
        cJSON_Delete(out);
    }
}

Test(json, u_escapes_need_four_hex_digits, .timeout = 5)
{
    static const char *const bad[] = {"[\"\\uqqqq\"]", "{\"\\u00zz\": 1}", "[\"\\u12\"]",
                                      "[\"\\x41\"]"};
    static const char *const good[] = {"[\"\\u00e9\\uD83D\\uDE00\"]", "[\"\\/\\b\\f\\n\\r\\t\"]"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cJSON *v = NULL;
        cr_expect_eq(cf_json_parse(bad[i], strlen(bad[i]), 8, &v, NULL), CF_E_INVALID, "%s",
                     bad[i]);
        cJSON_Delete(v);
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        cJSON *v = NULL;
        cr_expect_eq(cf_json_parse(good[i], strlen(good[i]), 8, &v, NULL), CF_OK, "%s", good[i]);
        cJSON_Delete(v);
    }
}

/* Long strings are skipped eight bytes at a time: a quote, an escape, a control byte or a
 * bracket at any offset of a long string is still seen for what it is. */
Test(json, long_strings_hide_brackets_and_show_every_escape_and_control_byte, .timeout = 5)
{
    for (size_t at = 0; at < 20; at++) {
        char text[64], s[32];
        memset(s, 'a', 24);
        s[24] = '\0';
        memcpy(s + at, "[{", 2); /* brackets inside the string */
        snprintf(text, sizeof(text), "[\"%s\",[1]]", s);
        cr_expect_eq(cf_json_depth(text, strlen(text), 64), 2, "%s", text);
        s[at] = '\x01'; /* a raw control byte: invalid */
        snprintf(text, sizeof(text), "[\"%s\"]", s);
        cJSON *out = NULL;
        size_t off = 0;
        cr_expect_eq(cf_json_parse(text, strlen(text), 64, &out, &off), CF_E_INVALID, "%zu", at);
        cr_expect_eq(off, at + 2, "offset of the control byte");
        memcpy(s + at, "\\\"", 2); /* an escaped quote does not end the string */
        snprintf(text, sizeof(text), "[\"%s\",{}]", s);
        cr_expect_eq(cf_json_parse(text, strlen(text), 64, &out, NULL), CF_OK, "%s", text);
        cr_expect_eq(cJSON_GetArraySize(out), 2, "%s", text);
        cJSON_Delete(out);
        out = NULL;
        memcpy(s + at, "\\q", 2); /* an escape RFC 8259 does not have */
        snprintf(text, sizeof(text), "[\"%s\"]", s);
        cr_expect_eq(cf_json_parse(text, strlen(text), 64, &out, NULL), CF_E_INVALID, "%s", text);
    }
}
